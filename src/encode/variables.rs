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
use crate::policy::template::{Template, Tok};
use crate::policy::{Qualifier, Statement};

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
pub(crate) fn bound(
    texts: &[String],
    variables: bool,
    glob: bool,
    negated: bool,
) -> Option<(Vec<Vec<Tok>>, bool)> {
    let mut tokens = Vec::with_capacity(texts.len());
    let mut dependent = false;
    for text in texts {
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

/// At most this many variants of one statement (beyond, the statement is
/// encoded whole: sound, less precise).
const MAX_VARIANTS: usize = 32;

/// A statement as a disjunction of variants, when policy variables make
/// that more precise: a positive `Resource` element and every positive
/// String/Arn condition entry (unqualified or `ForAnyValue:`) that mixes
/// entries with variables and others is an OR over its entries, so the
/// statement matches iff one of the statements keeping, per such element,
/// either its entries without variables or one entry with a variable
/// does. Each entry with a variable then gets its own opaque Boolean,
/// shared with the same entry elsewhere in the query. `None`: no split.
pub(crate) fn split(statement: &Statement) -> Option<Vec<Statement>> {
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
        let (pos, dep) = bound(&texts, true, false, false).unwrap_or_default();
        assert_eq!((pos.len(), dep), (2, true));
        let (neg, dep) = bound(&texts, true, false, true).unwrap_or_default();
        assert_eq!((neg.len(), dep), (1, true));
    }
}
