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

mod literal;
mod meaning;

pub(crate) use literal::{literals, Literals};
#[cfg(test)]
pub(crate) use meaning::Mode;
pub(crate) use meaning::{gate_condition, gate_element, Meaning};

use crate::policy::condition::Family;
use crate::policy::template::{Part, Template, Tok};
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
pub(super) fn is_own_variable(text: &str, key: &str) -> bool {
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
/// are their own, exact: `literal::variants`).
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
/// - a `Resource` entry or a condition value with variables against the
///   query's `literals` (resources, and values of the same key, written
///   without wildcards): the values of the variables' keys that make it
///   match one of them are finitely many, so one exact variant per
///   solution (the template instantiated, each key's value fixed by a
///   `StringEquals` condition), and the template itself elsewhere
///   (`literal`).
///
/// Each remaining entry with a variable then gets its opaque Boolean
/// (`encode::opaque`), shared with the same entry elsewhere in the query.
pub(crate) fn split(statement: &Statement, literals: &Literals) -> Option<Vec<Variant>> {
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
            match literal::variants(&v, literals) {
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
pub(super) fn constant(c: char) -> String {
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
        let v = split(&s, &Literals::default()).unwrap_or_default();
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
