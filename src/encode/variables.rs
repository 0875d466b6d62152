//! Policy variables in the encoding (docs/semantics.md §4a, §6).
//!
//! A policy string whose variables are all constants (`${*}`, `${?}`,
//! `${$}`) is exact: its glob tokens. One with a real variable depends on
//! the request's value of another key; the encoding bounds it by its
//! *widening* (every variable read as `*`: each substituted value is some
//! string, so the widening matches a superset of every instance) and adds
//! an opaque Boolean for the rest, which keeps PASS sound. FAIL witnesses
//! for such constructs come from `decide`'s concretization, checked by
//! `simulate`.

use crate::policy::condition::Family;
use crate::policy::template::{Instance, Lookup, Part, Template, Tok};
use crate::policy::{BaseOperator, Condition, Operator, Qualifier, Statement};

/// How one policy string enters the encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Exact: its glob tokens (no variable, or only constants).
    Exact(Vec<Tok>),
    /// Depends on the request: its widening, a superset.
    Widened(Vec<Tok>),
    /// A malformed variable (the parser rejects these): no bound.
    Malformed,
}

impl Reading {
    /// Reads `text`; `variables`: whether `${…}` is a variable in its
    /// policy; `glob`: whether the text's `*`/`?` are wildcards.
    pub(crate) fn of(text: &str, variables: bool, glob: bool) -> Reading {
        if !variables || !Template::mentions_variable(text) {
            return Reading::Exact(Tok::of_text(text, glob).collect());
        }
        match Template::parse(text) {
            Err(_) => Reading::Malformed,
            Ok(t) if t.is_constant() => Reading::Exact(t.widened(glob)),
            Ok(t) => Reading::Widened(t.widened(glob)),
        }
    }
}

/// The entries of an element or a condition's values, read together:
/// `None` if one is malformed; otherwise the tokens to constrain with
/// (for a negated element or operator the widened entries are left out:
/// an entry that excludes fewer values only enlarges the match) and
/// whether an opaque Boolean must be added.
///
/// `own_key`: the condition key the values are compared with (String
/// operators only): a value that is just that key's variable is the
/// request's value itself, which every operator of the String family
/// matches, so it reads as `*` (the key is present there: where it is
/// absent, the presence split of [`split`] has dropped the value).
pub(crate) fn bound(
    texts: &[String],
    variables: bool,
    glob: bool,
    negated: bool,
    own_key: Option<&str>,
) -> Option<(Vec<Vec<Tok>>, bool)> {
    let mut tokens = Vec::with_capacity(texts.len());
    let mut dependent = false;
    for text in texts {
        if variables && own_key.is_some_and(|k| is_own_variable(text, k)) {
            tokens.push(vec![Tok::Star]);
            continue;
        }
        match Reading::of(text, variables, glob) {
            Reading::Exact(t) => tokens.push(t),
            Reading::Widened(t) => {
                dependent = true;
                if !negated {
                    tokens.push(t);
                }
            }
            Reading::Malformed => return None,
        }
    }
    Some((tokens, dependent))
}

/// Whether `text` is exactly the variable of `key` (with or without a
/// default).
fn is_own_variable(text: &str, key: &str) -> bool {
    match Template::parse(text).map(|t| t.parts) {
        Ok(parts) => {
            matches!(parts.as_slice(), [Part::Var { key: k, .. }] if k.eq_ignore_ascii_case(key))
        }
        Err(_) => false,
    }
}

/// At most this many variants of one statement (beyond, the statement is
/// encoded whole: sound, less precise).
const MAX_VARIANTS: usize = 32;

/// One variant of a statement: the statement, and the literal resources
/// its `Resource` element does not match (the variants where they match
/// are their own, exact: [`literal_variants`]).
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub(crate) statement: Statement,
    pub(crate) except: Vec<String>,
}

/// A statement as a disjunction of variants, when policy variables make
/// that more precise (`None`: no split). Four case splits, each exact:
///
/// - on whether each variable's key is present (at most
///   [`MAX_PRESENCE_KEYS`] keys): a `Null` condition per key fixes it, and
///   where a key is absent its variable becomes its default (literal) or
///   its entry matches nothing and is dropped [VARS];
/// - on the entries of a positive `Resource` element and of every positive
///   String/Arn condition entry (unqualified or `ForAnyValue:`) that mixes
///   entries with variables and others: such a list is an OR, so the
///   statement matches iff one of the statements keeping either its
///   entries without variables or one entry with a variable does;
/// - a `NotResource` element with variables matches at least where the
///   resource is outside every entry's widening (a variant with the
///   widenings as constant entries), and otherwise as it says;
/// - a `Resource` template of one key against the query's `literals`
///   (resources without wildcards): the values of the key that make it
///   match one of them are finitely many, so one exact variant per value
///   (the template instantiated, the key's value fixed by a `StringEquals`
///   condition), and the template itself elsewhere.
///
/// Each remaining entry with a variable then gets its opaque Boolean
/// (`encode::opaque`), shared with the same entry elsewhere in the query.
pub(crate) fn split(statement: &Statement, literals: &[String]) -> Option<Vec<Variant>> {
    let mut variants = presence_variants(statement);
    let split_by_presence = variants.len() > 1;
    let mut ors = Vec::new();
    for v in variants.drain(..) {
        match or_variants(&v) {
            Some(more) => ors.extend(more),
            None => ors.push(v),
        }
        if ors.len() > MAX_VARIANTS {
            return None;
        }
    }
    let mut out: Vec<Variant> = Vec::new();
    for v in ors {
        for v in not_resource_variants(v) {
            // Too many exact variants: the statement without them (sound).
            match literal_variants(&v, literals) {
                Some(more) if out.len() + more.len() <= MAX_VARIANTS => out.extend(more),
                _ => out.push(Variant { statement: v, except: Vec::new() }),
            }
        }
        if out.len() > MAX_VARIANTS {
            return None;
        }
    }
    (split_by_presence || out.len() > 1 || out.iter().any(|v| !v.except.is_empty())).then_some(out)
}

/// The statement, and before it, when its `NotResource` element has
/// entries with variables, the statement with each such entry replaced by
/// its widening as constant text: where the resource is outside the
/// widening the entry cannot match, so the element does. Likewise for
/// each unqualified negated String/Arn condition entry with variables,
/// whose widenings become a `StringNotLike`/`ArnNotLike` entry.
fn not_resource_variants(statement: Statement) -> Vec<Statement> {
    let mut out = vec![statement];
    if let Some(values) = out
        .first()
        .and_then(|s| s.resource.as_ref())
        .filter(|el| el.negated)
        .and_then(|el| outside(&el.values, true))
    {
        let mut more = Vec::with_capacity(out.len() * 2);
        for s in out {
            let mut o = s.clone();
            if let Some(el) = o.resource.as_mut() {
                el.values = values.clone();
            }
            more.extend([o, s]);
        }
        out = more;
    }
    let conditions = out.first().map(|s| s.conditions.clone()).unwrap_or_default();
    for (i, c) in conditions.iter().enumerate() {
        let base = c.operator.base;
        let like = match base {
            BaseOperator::StringNotEquals | BaseOperator::StringNotLike => {
                BaseOperator::StringNotLike
            }
            BaseOperator::ArnNotEquals | BaseOperator::ArnNotLike => BaseOperator::ArnNotLike,
            _ => continue,
        };
        if c.operator.qualifier.is_some() || out.len() * 2 > MAX_VARIANTS {
            continue;
        }
        let glob = base != BaseOperator::StringNotEquals;
        let values = c.values.iter().filter(|v| !is_own_variable(v, &c.key));
        let values: Vec<String> = values.cloned().collect();
        let Some(widened) = outside(&values, glob) else { continue };
        let mut more = Vec::with_capacity(out.len() * 2);
        for s in out {
            let mut o = s.clone();
            if let Some(oc) = o.conditions.get_mut(i) {
                oc.operator.base = like;
                oc.values = widened.clone();
                // The key's own variable is its value: the entry is false
                // wherever the key is present.
                if values.len() < c.values.len() {
                    oc.values.push("*".to_string());
                }
            }
            more.extend([o, s]);
        }
        out = more;
    }
    out
}

/// The entries `values` (read with wildcards when `glob`) written as glob
/// text for a `…NotLike` list, each entry with a variable as its widening;
/// `None` when none has a variable.
fn outside(values: &[String], glob: bool) -> Option<Vec<String>> {
    let mut changed = false;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let t = Template::parse(v).ok()?;
        changed |= Template::mentions_variable(v) && !t.is_constant();
        let mut text = String::new();
        for part in &t.parts {
            match part {
                Part::Text(s) if glob => text.push_str(s),
                Part::Text(s) => s.chars().for_each(|c| text.push_str(&constant(c))),
                Part::Const(c) => text.push_str(&constant(*c)),
                Part::Var { .. } => text.push('*'),
            }
        }
        out.push(text);
    }
    changed.then_some(out)
}

/// Most values of one key that make a template match the query's literal
/// resources, for [`literal_variants`] (beyond, no such split).
const MAX_LITERAL_VALUES: usize = 16;
/// Longest literal resource solved for (characters).
const MAX_LITERAL_LEN: usize = 512;

/// The split of [`split`]'s fourth kind; `None`: it does not apply.
fn literal_variants(statement: &Statement, literals: &[String]) -> Option<Vec<Variant>> {
    let el = statement.resource.as_ref().filter(|el| !el.negated)?;
    let [text] = el.values.as_slice() else { return None };
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
    let mut solutions: Vec<Vec<String>> = Vec::new();
    for literal in literals {
        for v in literal_solutions(&template, &keys, literal)? {
            if !solutions.contains(&v) {
                solutions.push(v);
            }
        }
        if solutions.len() > MAX_LITERAL_VALUES {
            return None;
        }
    }
    let mut out = Vec::with_capacity(solutions.len() + 1);
    for values in solutions {
        let mut s = statement.clone();
        if let Some(el) = s.resource.as_mut() {
            el.values = vec![instantiated_text(&template, &keys, &values)];
        }
        for (key, v) in keys.iter().zip(&values) {
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
        out.push(Variant { statement: s, except: Vec::new() });
    }
    out.push(Variant { statement: statement.clone(), except: literals.to_vec() });
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
) -> Option<Vec<Vec<String>>> {
    let chars: Vec<char> = literal.chars().collect();
    if chars.len() > MAX_LITERAL_LEN {
        return None;
    }
    let mut search = Solve { template, keys, chars: &chars, steps: 0, out: Vec::new() };
    let mut values = vec![None; keys.len()];
    search.go(0, 0, &mut values)?;
    let mut out = Vec::new();
    for values in search.out {
        let toks = match template.instance(true, |k| lookup(keys, &values, k)) {
            Instance::Tokens(t) => t,
            _ => continue,
        };
        // The plain-glob search over-approximates ARN matching: check.
        if toks == [Tok::Star] || crate::simulate::arn::arn_matches_tokens(&toks, literal) {
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
                let toks = Template { parts: vec![part.clone()] }.widened(true);
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

/// At most this many variables' keys in one statement are split on.
const MAX_PRESENCE_KEYS: usize = 3;

/// The statement once per presence pattern of its variables' keys.
fn presence_variants(statement: &Statement) -> Vec<Statement> {
    let mut keys: Vec<String> = Vec::new();
    for text in substituted_texts(statement) {
        if let Ok(t) = Template::parse(text) {
            for k in t.keys() {
                if !keys.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    keys.push(k.to_string());
                }
            }
        }
    }
    if keys.is_empty() || keys.len() > MAX_PRESENCE_KEYS {
        return vec![statement.clone()];
    }
    let mut out = Vec::with_capacity(1 << keys.len());
    for mask in 0..(1usize << keys.len()) {
        let absent: Vec<&String> =
            keys.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, k)| k).collect();
        let mut s = statement.clone();
        for k in &keys {
            let is_absent = absent.contains(&k);
            s.conditions.push(Condition {
                operator: Operator { qualifier: None, base: BaseOperator::Null, if_exists: false },
                key: k.clone(),
                values: vec![if is_absent { "true" } else { "false" }.to_string()],
            });
        }
        if !absent.is_empty() {
            rewrite(&mut s, &absent);
        }
        out.push(s);
    }
    out
}

/// The strings of a statement in which variables are substituted: its
/// `Resource`/`NotResource` entries and String/Arn condition values.
fn substituted_texts(statement: &Statement) -> impl Iterator<Item = &String> {
    let resource = statement.resource.iter().flat_map(|el| el.values.iter());
    let values = statement
        .conditions
        .iter()
        .filter(|c| matches!(c.operator.base.family(), Family::String | Family::Arn))
        .flat_map(|c| c.values.iter());
    resource.chain(values).filter(|v| Template::mentions_variable(v))
}

/// Rewrites the statement's substituted strings for requests where the
/// keys `absent` are absent: a variable of theirs becomes its default as
/// literal text, or its string matches nothing and is dropped.
fn rewrite(statement: &mut Statement, absent: &[&String]) {
    let fix = |values: &mut Vec<String>| {
        values.retain_mut(|v| match without(v, absent) {
            Some(text) => {
                *v = text;
                true
            }
            None => false,
        });
    };
    if let Some(el) = statement.resource.as_mut() {
        fix(&mut el.values);
    }
    for c in &mut statement.conditions {
        if matches!(c.operator.base.family(), Family::String | Family::Arn) {
            fix(&mut c.values);
        }
    }
}

/// `text` with the variables of `absent` keys replaced by their defaults,
/// or `None` if one has no default; unchanged if it does not parse.
fn without(text: &str, absent: &[&String]) -> Option<String> {
    if !Template::mentions_variable(text) {
        return Some(text.to_string());
    }
    let Ok(t) = Template::parse(text) else {
        return Some(text.to_string());
    };
    let mut out = String::with_capacity(text.len());
    for part in &t.parts {
        match part {
            Part::Text(s) => out.push_str(s),
            Part::Const(c) => out.push_str(&constant(*c)),
            Part::Var { key, default } if absent.iter().any(|a| a.eq_ignore_ascii_case(key)) => {
                let d = default.as_ref()?;
                d.chars().for_each(|c| out.push_str(&constant(c)));
            }
            Part::Var { key, default: None } => out.push_str(&format!("${{{key}}}")),
            Part::Var { key, default: Some(d) } => out.push_str(&format!("${{{key}, '{d}'}}")),
        }
    }
    Some(out)
}

/// A character as literal text of a string with variables: `*`, `?` and
/// `$` as their constant variables.
fn constant(c: char) -> String {
    match c {
        '*' | '?' | '$' => format!("${{{c}}}"),
        c => c.to_string(),
    }
}

/// The OR split of [`split`]'s second kind; `None`: nothing to split.
fn or_variants(statement: &Statement) -> Option<Vec<Statement>> {
    let mut variants = vec![statement.clone()];
    let resource = statement.resource.as_ref().filter(|el| !el.negated);
    if let Some(groups) = resource.and_then(|el| groups(&el.values)) {
        variants = expand(variants, &groups, |s, values| {
            if let Some(el) = s.resource.as_mut() {
                el.values = values;
            }
        })?;
    }
    for (i, c) in statement.conditions.iter().enumerate() {
        let base = c.operator.base;
        let or_like = !base.is_negated()
            && matches!(base.family(), Family::String | Family::Arn)
            && c.operator.qualifier != Some(Qualifier::ForAllValues);
        if !or_like {
            continue;
        }
        let Some(groups) = groups(&c.values) else { continue };
        variants = expand(variants, &groups, |s, values| {
            if let Some(c) = s.conditions.get_mut(i) {
                c.values = values;
            }
        })?;
    }
    (variants.len() > 1).then_some(variants)
}

/// The alternatives of one OR-list: its entries without variables together,
/// then each entry with a variable alone; `None` if nothing to split.
fn groups(values: &[String]) -> Option<Vec<Vec<String>>> {
    let (vars, plain): (Vec<&String>, Vec<&String>) =
        values.iter().partition(|v| Template::mentions_variable(v));
    if vars.is_empty() || values.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    if !plain.is_empty() {
        out.push(plain.into_iter().cloned().collect());
    }
    out.extend(vars.into_iter().map(|v| vec![v.clone()]));
    Some(out)
}

fn expand(
    variants: Vec<Statement>,
    groups: &[Vec<String>],
    mut set: impl FnMut(&mut Statement, Vec<String>),
) -> Option<Vec<Statement>> {
    if variants.len().saturating_mul(groups.len()) > MAX_VARIANTS {
        return None;
    }
    let mut out = Vec::with_capacity(variants.len() * groups.len());
    for v in &variants {
        for g in groups {
            let mut s = v.clone();
            set(&mut s, g.clone());
            out.push(s);
        }
    }
    Some(out)
}

/// The resources written without wildcards or variables in `policies`
/// (for the split of [`literal_variants`]), at most [`MAX_LITERALS`].
pub(crate) fn literal_resources(policies: &[&crate::policy::Policy]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let texts = policies
        .iter()
        .flat_map(|p| p.statements.iter())
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|el| el.values.iter());
    for text in texts {
        let plain = !text.is_empty() && !text.contains(['*', '?', '$']);
        if plain && !out.contains(text) {
            out.push(text.clone());
        }
    }
    if out.len() > MAX_LITERALS {
        out.clear();
    }
    out
}

/// Most literal resources of a query the split of [`literal_variants`]
/// solves for (beyond, none).
const MAX_LITERALS: usize = 64;

/// Adds the opaque Booleans of a `Resource`/`NotResource` element with
/// variables for statement `s`: one entry alone needs its meaning true; in
/// a `NotResource` element each entry with a variable needs its meaning
/// false (the element matches iff no entry does); any other element is
/// one construct of its own (`fallback`: its key and description).
pub(crate) fn gate_element(
    opaque: &mut super::opaque::OpaqueSet,
    el: &crate::policy::Element<String>,
    s: usize,
    fallback: impl Fn() -> (String, String),
) {
    let meanings: Option<Vec<(Meaning, &String)>> = el
        .values
        .iter()
        .filter(|v| Template::parse(v).is_ok_and(|t| !t.is_constant()))
        .map(|v| Meaning::of("resource", Mode::Arn, v, true).map(|m| (m, v)))
        .collect();
    let name = if el.negated { "NotResource" } else { "Resource" };
    match meanings {
        Some(ms) if el.negated || el.values.len() == 1 => {
            for (m, v) in ms {
                let what = format!("policy variables in `{name}` ({v})");
                opaque.add_meaning(m, s, !el.negated, what);
            }
        }
        _ => {
            let (key, what) = fallback();
            opaque.add(key, s, what);
        }
    }
}

/// Adds the opaque Boolean of a String/Arn condition entry with variables
/// (`key`, `what`: its construct's text and description) for statement
/// `s`. On a single-valued key, an unqualified entry without `IfExists`
/// whose values with variables are one alone (positive operators) or any
/// (negated ones) is its meanings: true, or all false. Anything else is a
/// construct of its own.
pub(crate) fn gate_condition(
    opaque: &mut super::opaque::OpaqueSet,
    c: &Condition,
    multi: bool,
    s: usize,
    (key, what): (String, String),
) {
    let base = c.operator.base;
    let mode = match base {
        BaseOperator::StringEquals
        | BaseOperator::StringNotEquals
        | BaseOperator::StringLike
        | BaseOperator::StringNotLike => Some(Mode::Str),
        BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
            Some(Mode::IgnoreCase)
        }
        b if b.family() == Family::Arn => Some(Mode::Arn),
        _ => None,
    };
    let glob = matches!(base, BaseOperator::StringLike | BaseOperator::StringNotLike)
        || base.family() == Family::Arn;
    let negated = base.is_negated();
    let plain = !multi && c.operator.qualifier.is_none() && !c.operator.if_exists;
    let templated: Vec<&String> =
        c.values.iter().filter(|v| Template::parse(v).is_ok_and(|t| !t.is_constant())).collect();
    let meanings: Option<Vec<Meaning>> = match mode {
        Some(mode) if plain && (negated || c.values.len() == 1) => {
            templated.iter().map(|v| Meaning::of(&c.key, mode, v, glob)).collect()
        }
        _ => None,
    };
    match meanings {
        Some(ms) if !ms.is_empty() => {
            for m in ms {
                opaque.add_meaning(m, s, !negated, what.clone());
            }
        }
        _ => opaque.add(key, s, what),
    }
}

/// How a [`Meaning`]'s instance is matched against its site's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// An ARN pattern (`Resource`/`NotResource`, `Arn…` operators): split at
    /// the first five colons, per segment.
    Arn,
    /// `StringEquals` (literal tokens) or `StringLike` (glob tokens): the
    /// value is in the tokens' language either way.
    Str,
    /// `StringEqualsIgnoreCase`.
    IgnoreCase,
}

/// What an opaque Boolean stands for: the instance of a template (its text
/// between variables as glob tokens, its variables by folded key and
/// default) matches the value at `site` (`resource`, or a condition key,
/// folded). Key names fold case [VARS, COND]; `StringLike` and
/// `StringEquals` over the same tokens are one meaning (the substituted
/// text is literal either way, §4a).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Meaning {
    site: String,
    mode: Mode,
    /// The tokens between variables: one more than `vars`.
    gaps: Vec<Vec<Tok>>,
    /// Each variable's key (folded) and default.
    vars: Vec<(String, Option<String>)>,
}

impl Meaning {
    /// The meaning of `text` at `site` (folded by this function), `None`
    /// for a string without a real variable or a malformed one.
    pub(crate) fn of(site: &str, mode: Mode, text: &str, glob: bool) -> Option<Meaning> {
        let t = Template::parse(text).ok().filter(|t| !t.is_constant())?;
        let mut gaps = vec![Vec::new()];
        let mut vars = Vec::new();
        for part in &t.parts {
            match part {
                Part::Text(s) => gaps.last_mut()?.extend(Tok::of_text(s, glob)),
                Part::Const(c) => gaps.last_mut()?.push(Tok::Char(*c)),
                Part::Var { key, default } => {
                    vars.push((key.to_ascii_lowercase(), default.clone()));
                    gaps.push(Vec::new());
                }
            }
        }
        Some(Meaning { site: site.to_ascii_lowercase(), mode, gaps, vars })
    }

    /// The canonical text: equal for equal meanings.
    pub(crate) fn key(&self) -> String {
        let mut out = format!("{} {:?} ", self.site, self.mode);
        for (k, gap) in self.gaps.iter().enumerate() {
            for t in gap {
                match t {
                    Tok::Star => out.push('*'),
                    Tok::One => out.push('?'),
                    Tok::Char(c @ ('*' | '?' | '$' | '\\')) => {
                        out.push('\\');
                        out.push(*c);
                    }
                    Tok::Char(c) => out.push(*c),
                }
            }
            if let Some((key, default)) = self.vars.get(k) {
                out.push_str(&format!("${{{key}|{default:?}}}"));
            }
        }
        out
    }

    /// Whether, in every request, `self` holds only if `other` does: the
    /// same site and matching, the same variables in the same order (a
    /// default on `self` only if `other` has the same), and each text
    /// between variables contained in `other`'s (sufficient: concatenation
    /// keeps containment whatever the variables' values are).
    pub(crate) fn implies(&self, other: &Meaning) -> bool {
        let same_vars = self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(&other.vars)
                .all(|((k, d), (k2, d2))| k == k2 && (d.is_none() || d == d2));
        if self.site != other.site || self.mode != other.mode || !same_vars {
            return false;
        }
        match self.mode {
            Mode::IgnoreCase => self.gaps == other.gaps,
            Mode::Str => self.gaps.iter().zip(&other.gaps).all(|(a, b)| tokens_included(a, b)),
            Mode::Arn => {
                let (Some((a_head, a_rest)), Some((b_head, b_rest))) =
                    (arn_head(&self.gaps), arn_head(&other.gaps))
                else {
                    return false;
                };
                let heads = a_head.iter().zip(&b_head).all(|(a, b)| tokens_included(a, b));
                let rests = std::iter::once(&a_rest)
                    .chain(self.gaps.iter().skip(1))
                    .zip(std::iter::once(&b_rest).chain(other.gaps.iter().skip(1)))
                    .all(|(a, b)| tokens_included(a, b));
                heads && rests
            }
        }
    }
}

/// The first five segments of an ARN template's leading text and the rest
/// of that text, when its first five colons are all there (before any
/// variable): the instance's segments are then these, whatever the values.
fn arn_head(gaps: &[Vec<Tok>]) -> Option<(Vec<Vec<Tok>>, Vec<Tok>)> {
    let first = gaps.first()?;
    let mut parts = first.splitn(6, |t| *t == Tok::Char(':'));
    let head: Vec<Vec<Tok>> = parts.by_ref().take(5).map(<[Tok]>::to_vec).collect();
    let rest = parts.next()?.to_vec();
    (head.len() == 5).then_some((head, rest))
}

/// Whether every string the glob tokens `a` match, `b` matches
/// (sufficient test: `a`'s tokens map in order onto `b`'s, a `*` of `b`
/// taking any run of them, a `?` of `b` one character or `?`, a character
/// only itself).
pub(crate) fn tokens_included(a: &[Tok], b: &[Tok]) -> bool {
    // reach[i][j]: a[..i] maps onto b[..j].
    let (n, m) = (a.len(), b.len());
    let mut reach = vec![vec![false; m + 1]; n + 1];
    if let Some(slot) = reach.get_mut(0).and_then(|r| r.get_mut(0)) {
        *slot = true;
    }
    let at = |reach: &Vec<Vec<bool>>, i: usize, j: usize| {
        reach.get(i).and_then(|r| r.get(j)).copied().unwrap_or(false)
    };
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let bj = j.checked_sub(1).and_then(|j| b.get(j));
            let ai = i.checked_sub(1).and_then(|i| a.get(i));
            let ok = match bj {
                // `*` takes nothing more, or one more token of `a`.
                Some(Tok::Star) => at(&reach, i, j - 1) || (i > 0 && at(&reach, i - 1, j)),
                Some(Tok::One) => {
                    i > 0 && matches!(ai, Some(Tok::Char(_) | Tok::One)) && at(&reach, i - 1, j - 1)
                }
                Some(Tok::Char(c)) => {
                    i > 0 && ai == Some(&Tok::Char(*c)) && at(&reach, i - 1, j - 1)
                }
                None => false,
            };
            if let Some(slot) = reach.get_mut(i).and_then(|r| r.get_mut(j)) {
                *slot = ok;
            }
        }
    }
    at(&reach, n, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        let star = Reading::of("a${*}", true, true);
        assert_eq!(star, Reading::Exact(vec![Tok::Char('a'), Tok::Char('*')]));
        assert!(matches!(Reading::of("a${k}", true, true), Reading::Widened(_)));
        assert_eq!(
            Reading::of("a${k}", false, true),
            Reading::Exact(Tok::of_text("a${k}", true).collect())
        );
        assert_eq!(Reading::of("a${", true, true), Reading::Malformed);
        let texts = vec!["x".to_string(), "${k}y".to_string()];
        let (pos, dep) = bound(&texts, true, false, false, None).unwrap_or_default();
        assert_eq!((pos.len(), dep), (2, true));
        let (neg, dep) = bound(&texts, true, false, true, None).unwrap_or_default();
        assert_eq!((neg.len(), dep), (1, true));
        // A value that is the compared key's own variable is the value itself.
        let own = vec!["${K}".to_string()];
        assert_eq!(
            bound(&own, true, false, false, Some("k")),
            Some((vec![vec![Tok::Star]], false))
        );
    }

    fn toks(text: &str) -> Vec<Tok> {
        Tok::of_text(text, true).collect()
    }

    /// Every string over `ab` up to `n` characters.
    fn strings(n: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..n {
            last = last.iter().flat_map(|s| ["a", "b"].map(|c| format!("{s}{c}"))).collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    #[test]
    fn token_inclusion_is_sound_on_small_globs() {
        let globs = ["", "a", "b", "?", "*", "a*", "*a", "?*", "*?", "a?b", "**", "a*b", "*a*"];
        let universe = strings(4);
        for a in globs {
            for b in globs {
                let (ta, tb) = (toks(a), toks(b));
                if tokens_included(&ta, &tb) {
                    for w in &universe {
                        let (in_a, in_b) = (
                            crate::simulate::glob::glob_tokens(&ta, w),
                            crate::simulate::glob::glob_tokens(&tb, w),
                        );
                        assert!(!in_a || in_b, "{a} ⊆ {b} claimed, but {w}");
                    }
                }
            }
        }
        assert!(tokens_included(&toks("/docs/*"), &toks("/*")));
        assert!(tokens_included(&toks("a?b"), &toks("a*")));
        assert!(!tokens_included(&toks("/*"), &toks("/docs/*")));
        // A variable is any string: `${u}` is in `?` for no instance but one-character ones.
        assert!(!tokens_included(&toks("*"), &toks("?")));
    }

    #[test]
    fn meanings_fold_names_and_relate_by_inclusion() {
        let m = |site: &str, mode: Mode, t: &str, glob: bool| {
            Meaning::of(site, mode, t, glob).unwrap_or_else(|| panic!("{t}"))
        };
        let arn = |t: &str| m("resource", Mode::Arn, t, true);
        let home = arn("arn:aws:s3:::b/${aws:username}/*");
        let docs = arn("arn:aws:s3:::b/${AWS:UserName}/docs/*");
        assert!(docs.implies(&home) && !home.implies(&docs));
        assert_eq!(arn("arn:aws:s3:::b/${AWS:UserName}/*").key(), home.key());
        // A default on the narrower side only where the wider has the same.
        let d = arn("arn:aws:s3:::b/${aws:username, 'x'}/docs/*");
        assert!(!d.implies(&home));
        assert!(docs.implies(&arn("arn:aws:s3:::b/${aws:username, 'x'}/*")));
        // Variables inside the first five segments: no relation.
        assert!(!arn("arn:aws:s3:${k}::b/x").implies(&arn("arn:aws:s3:${k}::b/*")));
        // StringEquals and StringLike without wildcards: one meaning.
        let eq = m("s3:prefix", Mode::Str, "home/${aws:username}/", false);
        let like = m("S3:Prefix", Mode::Str, "home/${aws:username}/", true);
        assert_eq!(eq.key(), like.key());
        // A literal `*` in StringEquals is no wildcard.
        let star = m("k", Mode::Str, "${u}*", false);
        assert!(!m("k", Mode::Str, "${u}x", false).implies(&star));
        assert!(star.implies(&m("k", Mode::Str, "${u}*", true)));
        // Another site or another key: unrelated.
        assert!(!docs.implies(&m("k", Mode::Arn, "arn:aws:s3:::b/${aws:username}/*", true)));
        assert!(!docs.implies(&arn("arn:aws:s3:::b/${aws:userid}/*")));
    }

    #[test]
    fn literal_solutions_are_the_values_that_match() {
        let t = Template::parse("arn:aws:s3:::b/home/${aws:username}/*")
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = distinct_keys(&t);
        let sol = |r: &str| literal_solutions(&t, &keys, r);
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
        let got = literal_solutions(&two, &keys, "arn:aws:s3:::ab/b");
        assert_eq!(got, Some(vec![vec!["a".to_string(), "b".to_string()]]));
        // Too many values: no split.
        let any = Template::parse("arn:aws:s3:::*${k}*").unwrap_or_else(|e| panic!("{e}"));
        let keys = distinct_keys(&any);
        assert_eq!(literal_solutions(&any, &keys, "arn:aws:s3:::abcdefgh"), None);
    }

    #[test]
    fn split_variants() {
        let stmt = |resource: serde_json::Value, condition: serde_json::Value| {
            let text = serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Action": "s3:GetObject", "NotResource": resource,
                "Condition": condition}]})
            .to_string();
            let parsed = crate::parse::parse_policy(&text, crate::policy::PolicyType::Identity)
                .unwrap_or_else(|e| panic!("{e:?}"));
            parsed.policy.statements.first().cloned().unwrap_or_else(|| panic!("no statement"))
        };
        let s = stmt(
            serde_json::json!("arn:aws:s3:::b/${aws:username}/*"),
            serde_json::json!({"StringNotEquals": {"k": ["${aws:username}*", "p"]}}),
        );
        let v = split(&s, &[]).unwrap_or_default();
        // Present: (outside the NotResource widening or not) × (outside the
        // condition's or not); absent: the entries with the variable dropped.
        assert_eq!(v.len(), 2 * 2 + 1);
        let outside = v.iter().find(|v| {
            v.statement.resource.as_ref().is_some_and(|el| el.values == ["arn:aws:s3:::b/*/*"])
                && v.statement.conditions.iter().any(|c| {
                    c.operator.base == BaseOperator::StringNotLike && c.values == ["*${*}", "p"]
                })
        });
        assert!(outside.is_some(), "{v:#?}");
    }
}
