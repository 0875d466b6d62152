//! Exact variants of a statement against the query's literal values
//! (docs/semantics.md §4a, "literal variants"): a template compared with a
//! value written without wildcards matches it for finitely many values of
//! its variables' keys, each an exact variant.

use super::{constant, Variant};
use crate::policy::condition::Family;
use crate::policy::template::{Instance, Lookup, Part, Template, Tok};
use crate::policy::{BaseOperator, Condition, Operator, Policy, Statement};
use std::collections::BTreeMap;

/// Most solutions of one template against the query's literals (beyond,
/// no split).
const MAX_LITERAL_VALUES: usize = 16;
/// Longest literal solved for (characters).
const MAX_LITERAL_LEN: usize = 512;
/// Most literals of one site (the resource, a key) solved for (beyond,
/// none).
const MAX_LITERALS: usize = 64;
/// At most this many variants of one statement from literals.
const MAX_VARIANTS: usize = 32;

/// The values a query writes without wildcards or variables: resources,
/// and per condition key (folded) the values of its String/Arn entries.
#[derive(Clone, Debug, Default)]
pub(crate) struct Literals {
    resources: Vec<String>,
    values: BTreeMap<String, Vec<String>>,
}

/// The literals of `policies` (a site with more than [`MAX_LITERALS`] has
/// none).
pub(crate) fn literals(policies: &[&Policy]) -> Literals {
    let plain = |text: &String| !text.is_empty() && !text.contains(['*', '?', '$']);
    let add = |list: &mut Vec<String>, text: &String| {
        if plain(text) && !list.contains(text) {
            list.push(text.clone());
        }
    };
    let mut out = Literals::default();
    for s in policies.iter().flat_map(|p| p.statements.iter()) {
        for text in s.resource.iter().flat_map(|el| el.values.iter()) {
            add(&mut out.resources, text);
        }
        for c in &s.conditions {
            if matches!(c.operator.base.family(), Family::String | Family::Arn) {
                let list = out.values.entry(c.key.to_ascii_lowercase()).or_default();
                c.values.iter().for_each(|v| add(list, v));
            }
        }
    }
    if out.resources.len() > MAX_LITERALS {
        out.resources.clear();
    }
    out.values.retain(|_, v| !v.is_empty() && v.len() <= MAX_LITERALS);
    out
}

/// The statement as exact variants against `literals` (its `Resource`
/// entry, then each eligible condition entry), `None` when nothing
/// applies.
pub(super) fn variants(statement: &Statement, literals: &Literals) -> Option<Vec<Variant>> {
    let resource = resource_variants(statement, &literals.resources);
    let split = resource.is_some();
    let mut out = resource
        .unwrap_or_else(|| vec![Variant { statement: statement.clone(), except: Vec::new() }]);
    let mut changed = split;
    for i in 0..statement.conditions.len() {
        let mut next = Vec::with_capacity(out.len());
        for v in &out {
            match condition_variants(&v.statement, i, literals) {
                Some(more) => {
                    next.extend(
                        more.into_iter()
                            .map(|statement| Variant { statement, except: v.except.clone() }),
                    );
                }
                None => next.push(v.clone()),
            }
        }
        if next.len() > MAX_VARIANTS {
            break;
        }
        changed |= next.len() > out.len();
        out = next;
    }
    changed.then_some(out)
}

/// How a template is matched against a literal.
#[derive(Clone, Copy)]
enum Matching {
    /// A `Resource` entry (an ARN pattern, `*` alone every resource).
    Resource,
    /// An `Arn…` operator's value.
    Arn,
    /// A String operator's value: a glob when `true`, else literal.
    Str(bool),
}

impl Matching {
    fn glob(self) -> bool {
        !matches!(self, Matching::Str(false))
    }

    fn matches(self, toks: &[Tok], literal: &str) -> bool {
        match self {
            Matching::Resource if toks == [Tok::Star] => true,
            Matching::Resource | Matching::Arn => {
                crate::simulate::arn::arn_matches_tokens(toks, literal)
            }
            Matching::Str(_) => crate::simulate::glob::glob_tokens(toks, literal),
        }
    }
}

/// The solutions of `text` against `literals` in `statement`: the keys and
/// the values of each, `None` when the split does not apply.
fn solutions(
    statement: &Statement,
    text: &str,
    literals: &[String],
    matching: Matching,
) -> Option<(Template, Vec<String>, Vec<Vec<String>>)> {
    let template = Template::parse(text).ok().filter(|t| !t.is_constant())?;
    let keys = distinct_keys(&template);
    // Where a key may be absent and a default applies, the template
    // matches without a value of the key: no split.
    let present = |key: &str| {
        statement.conditions.iter().any(|c| {
            c.operator.base == BaseOperator::Null
                && c.key.eq_ignore_ascii_case(key)
                && c.values == ["false"]
        })
    };
    for part in &template.parts {
        if let Part::Var { key, default: Some(_) } = part {
            if !present(key) {
                return None;
            }
        }
    }
    let mut found: Vec<Vec<String>> = Vec::new();
    for literal in literals {
        for v in literal_solutions(&template, &keys, literal, matching)? {
            if !found.contains(&v) {
                found.push(v);
            }
        }
        if found.len() > MAX_LITERAL_VALUES {
            return None;
        }
    }
    Some((template, keys, found))
}

/// `s` with each of `keys` fixed to its value by a `StringEquals` entry.
fn fix(s: &mut Statement, keys: &[String], values: &[String]) {
    for (key, v) in keys.iter().zip(values) {
        s.conditions.push(Condition {
            operator: Operator {
                qualifier: None,
                base: BaseOperator::StringEquals,
                if_exists: false,
            },
            key: key.clone(),
            values: vec![v.chars().map(constant).collect()],
        });
    }
}

/// A `Resource` entry alone with variables against the literal resources.
fn resource_variants(statement: &Statement, literals: &[String]) -> Option<Vec<Variant>> {
    let el = statement.resource.as_ref().filter(|el| !el.negated)?;
    let [text] = el.values.as_slice() else { return None };
    let (template, keys, found) = solutions(statement, text, literals, Matching::Resource)?;
    let mut out = Vec::with_capacity(found.len() + 1);
    for values in found {
        let mut s = statement.clone();
        if let Some(el) = s.resource.as_mut() {
            el.values = vec![instantiated_text(&template, &keys, &values)];
        }
        fix(&mut s, &keys, &values);
        out.push(Variant { statement: s, except: Vec::new() });
    }
    out.push(Variant { statement: statement.clone(), except: literals.to_vec() });
    Some(out)
}

/// Condition entry `i`, when it is an unqualified positive String/Arn
/// entry without `IfExists` whose one value has variables, against the
/// literal values of its key: the exact variants, and the statement with
/// the key's value none of the literals (a `StringNotEquals` entry).
fn condition_variants(
    statement: &Statement,
    i: usize,
    literals: &Literals,
) -> Option<Vec<Statement>> {
    let c = statement.conditions.get(i)?;
    let matching = match c.operator.base {
        BaseOperator::StringEquals => Matching::Str(false),
        BaseOperator::StringLike => Matching::Str(true),
        BaseOperator::ArnEquals | BaseOperator::ArnLike => Matching::Arn,
        _ => return None,
    };
    if c.operator.qualifier.is_some() || c.operator.if_exists {
        return None;
    }
    let [text] = c.values.as_slice() else { return None };
    if super::is_own_variable(text, &c.key) {
        return None;
    }
    let lits = literals.values.get(&c.key.to_ascii_lowercase())?;
    let (template, keys, found) = solutions(statement, text, lits, matching)?;
    let mut out = Vec::with_capacity(found.len() + 1);
    for values in found {
        let mut s = statement.clone();
        if let Some(c) = s.conditions.get_mut(i) {
            c.values = vec![instantiated_text(&template, &keys, &values)];
        }
        fix(&mut s, &keys, &values);
        out.push(s);
    }
    let mut rest = statement.clone();
    rest.conditions.push(Condition {
        operator: Operator {
            qualifier: None,
            base: BaseOperator::StringNotEquals,
            if_exists: false,
        },
        key: c.key.clone(),
        values: lits.iter().map(|v| v.chars().map(constant).collect()).collect(),
    });
    out.push(rest);
    Some(out)
}

/// The template's variables' keys, once each (folding case), as first
/// written.
fn distinct_keys(t: &Template) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for k in t.keys() {
        if !keys.iter().any(|x| x.eq_ignore_ascii_case(k)) {
            keys.push(k.to_string());
        }
    }
    keys
}

/// Steps of one [`literal_solutions`] search (beyond, no split).
const MAX_SOLVE_STEPS: usize = 20_000;

/// The values of the template's `keys` (in order) that make it match the
/// resource `literal` (`None`: too many to list, or too long to solve).
fn literal_solutions(
    template: &Template,
    keys: &[String],
    literal: &str,
    matching: Matching,
) -> Option<Vec<Vec<String>>> {
    let chars: Vec<char> = literal.chars().collect();
    if chars.len() > MAX_LITERAL_LEN {
        return None;
    }
    let glob = matching.glob();
    let mut search = Solve { template, keys, chars: &chars, glob, steps: 0, out: Vec::new() };
    let mut values = vec![None; keys.len()];
    search.go(0, 0, &mut values)?;
    let mut out = Vec::new();
    for values in search.out {
        let toks = match template.instance(glob, |k| lookup(keys, &values, k)) {
            Instance::Tokens(t) => t,
            _ => continue,
        };
        // The plain-glob search over-approximates ARN matching: check.
        if matching.matches(&toks, literal) {
            out.push(values);
        }
    }
    Some(out)
}

fn lookup<'a>(keys: &[String], values: &'a [String], key: &str) -> Lookup<'a> {
    match keys.iter().position(|k| k.eq_ignore_ascii_case(key)).and_then(|i| values.get(i)) {
        Some(v) => Lookup::Value(v),
        None => Lookup::Absent,
    }
}

/// A backtracking search for the values of a template's variables that
/// make it match a literal as a plain glob.
struct Solve<'a> {
    template: &'a Template,
    keys: &'a [String],
    chars: &'a [char],
    /// Whether the template's text has wildcards.
    glob: bool,
    steps: usize,
    out: Vec<Vec<String>>,
}

impl Solve<'_> {
    /// From part `p` at character `at`, with the values chosen so far;
    /// `None` when the bounds are exceeded.
    fn go(&mut self, p: usize, at: usize, values: &mut Vec<Option<String>>) -> Option<()> {
        self.steps += 1;
        if self.steps > MAX_SOLVE_STEPS || self.out.len() > MAX_LITERAL_VALUES {
            return None;
        }
        let Some(part) = self.template.parts.get(p) else {
            if at == self.chars.len() {
                self.out.push(values.iter().map(|v| v.clone().unwrap_or_default()).collect());
            }
            return Some(());
        };
        let rest = self.chars.get(at..).unwrap_or_default();
        match part {
            Part::Text(_) | Part::Const(_) => {
                let toks = Template { parts: vec![part.clone()] }.widened(self.glob);
                // Text without wildcards: one way on, if the literal goes on with it.
                if toks.iter().all(|t| matches!(t, Tok::Char(_))) {
                    let n = toks.len();
                    let fits =
                        rest.len() >= n && toks.iter().zip(rest).all(|(t, c)| *t == Tok::Char(*c));
                    if fits {
                        self.go(p + 1, at + n, values)?;
                    }
                    return Some(());
                }
                for len in 0..=rest.len() {
                    let piece: String = rest.get(..len).unwrap_or_default().iter().collect();
                    if crate::simulate::glob::glob_tokens(&toks, &piece) {
                        self.go(p + 1, at + len, values)?;
                    }
                }
            }
            Part::Var { key, .. } => {
                let i = self.keys.iter().position(|k| k.eq_ignore_ascii_case(key))?;
                match values.get(i).cloned().flatten() {
                    Some(v) => {
                        let n = v.chars().count();
                        let piece: String = rest.get(..n).unwrap_or_default().iter().collect();
                        if piece == v {
                            self.go(p + 1, at + n, values)?;
                        }
                    }
                    None => {
                        for len in 0..=rest.len() {
                            let piece: String =
                                rest.get(..len).unwrap_or_default().iter().collect();
                            if let Some(slot) = values.get_mut(i) {
                                *slot = Some(piece);
                            }
                            self.go(p + 1, at + len, values)?;
                        }
                        if let Some(slot) = values.get_mut(i) {
                            *slot = None;
                        }
                    }
                }
            }
        }
        Some(())
    }
}

/// The template's text with every variable replaced by its key's value in
/// `values` (literal).
fn instantiated_text(t: &Template, keys: &[String], values: &[String]) -> String {
    let mut out = String::new();
    for part in &t.parts {
        match part {
            Part::Text(s) => out.push_str(s),
            Part::Const(c) => out.push_str(&constant(*c)),
            Part::Var { key, .. } => {
                if let Lookup::Value(v) = lookup(keys, values, key) {
                    v.chars().for_each(|c| out.push_str(&constant(c)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_solutions_are_the_values_that_match() {
        let t = Template::parse("arn:aws:s3:::b/home/${aws:username}/*")
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = distinct_keys(&t);
        let sol = |r: &str| literal_solutions(&t, &keys, r, Matching::Resource);
        let one = |v: &[&str]| Some(v.iter().map(|v| vec![v.to_string()]).collect::<Vec<_>>());
        assert_eq!(sol("arn:aws:s3:::b/home/alice/f"), one(&["alice"]));
        assert_eq!(sol("arn:aws:s3:::b/home/a/b/c"), one(&["a", "a/b"]));
        assert_eq!(sol("arn:aws:s3:::b/other/alice/f"), one(&[]));
        assert_eq!(sol("arn:aws:s3:::b/home//f"), one(&[""]));
        // Two keys, and one key twice.
        let two =
            Template::parse("arn:aws:s3:::${k2}${K1}/${k1}").unwrap_or_else(|e| panic!("{e}"));
        let keys = distinct_keys(&two);
        assert_eq!(keys, ["k2", "K1"]);
        let got = literal_solutions(&two, &keys, "arn:aws:s3:::ab/b", Matching::Resource);
        assert_eq!(got, Some(vec![vec!["a".to_string(), "b".to_string()]]));
        // Too many values: no split.
        let any = Template::parse("arn:aws:s3:::*${k}*").unwrap_or_else(|e| panic!("{e}"));
        let keys = distinct_keys(&any);
        let many = literal_solutions(&any, &keys, "arn:aws:s3:::abcdefgh", Matching::Resource);
        assert_eq!(many, None);
    }
}
