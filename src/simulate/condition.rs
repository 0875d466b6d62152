//! Condition entries (docs/semantics.md §4): one (operator, key) entry
//! against the request's context.

use super::arn::arn_matches_tokens;
use super::glob::{equal_ignore_ascii_case, glob_tokens};
use super::variables::instantiate;
use crate::policy::condition::Family;
use crate::policy::template::{Template, Tok};
use crate::policy::{BaseOperator, Condition, Qualifier};
use crate::request::{ContextValue, Request};
use crate::values::{parse_bool, parse_request_value, predicate, Sort};

/// The entry against `request`, three-valued: `Err(reason)` when its
/// result depends on what `simulate` cannot evaluate (§6): a policy
/// variable under an operator AWS substitutes none in (only String and Arn
/// operators take variables [VARS, AACHK]), or one whose key the request
/// gives as a set where no other value decides the entry (Kleene logic).
/// `variables`: whether `${…}` is a variable in the entry's policy.
pub(crate) fn entry(cond: &Condition, request: &Request, variables: bool) -> Result<bool, String> {
    let op = cond.operator;
    let value = request.context_value(&cond.key);
    if op.base == BaseOperator::Null {
        return Ok(null_holds(cond, op.qualifier, value.is_some()));
    }
    let Some(value) = value else {
        // Absent key: `ForAllValues:` is vacuously true, `ForAnyValue:`
        // false (its `IfExists` ignored), otherwise `IfExists` or a
        // negated operator is true and a positive one false; the values do
        // not matter.
        return Ok(match op.qualifier {
            Some(Qualifier::ForAllValues) => true,
            Some(Qualifier::ForAnyValue) => false,
            None => op.if_exists || op.base.is_negated(),
        });
    };
    let with_variables = variables && cond.values.iter().any(|v| Template::mentions_variable(v));
    if with_variables && !matches!(op.base.family(), Family::String | Family::Arn) {
        return Err(format!(
            "policy variables in a `{}` condition (on `{}`): AWS substitutes variables only in String and Arn operators",
            cond.operator, cond.key
        ));
    }
    let patterns = string_patterns(cond, request, variables);
    let one = |v: &str| value_holds(cond, &patterns, v);
    let result = match (op.qualifier, value) {
        (Some(Qualifier::ForAllValues), v) => all(v.values().into_iter().map(one)),
        (Some(Qualifier::ForAnyValue), v) => any(v.values().into_iter().map(one)),
        (None, ContextValue::Single(v)) => one(v),
        // Unqualified operator on a multivalued value: as SIM, it holds
        // only for a one-element set, negated operators included.
        (None, ContextValue::Multi(vs)) => match vs.as_slice() {
            [v] => one(v),
            _ => Some(false),
        },
    };
    result.ok_or_else(|| {
        let why = patterns.iter().find_map(|p| p.as_ref().err().map(|(_, why)| why.clone()));
        why.unwrap_or_else(|| {
            format!("an undecided value in `{}` on `{}`", cond.operator, cond.key)
        })
    })
}

/// Kleene AND.
fn all(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    kleene(results, false)
}

/// Kleene OR.
fn any(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    kleene(results, true)
}

/// Kleene AND (`absorbing` false) or OR (`absorbing` true): a decided
/// `absorbing` value wins, an unknown one makes the rest unknown.
fn kleene(results: impl Iterator<Item = Option<bool>>, absorbing: bool) -> Option<bool> {
    let mut unknown = false;
    for r in results {
        match r {
            Some(b) if b == absorbing => return Some(absorbing),
            None => unknown = true,
            Some(_) => {}
        }
    }
    (!unknown).then_some(!absorbing)
}

/// Whether the text of a value of `base` has `*`/`?` wildcards.
fn takes_wildcards(base: BaseOperator) -> bool {
    use BaseOperator as B;
    matches!(
        base,
        B::StringLike
            | B::StringNotLike
            | B::ArnEquals
            | B::ArnLike
            | B::ArnNotEquals
            | B::ArnNotLike
    )
}

/// `Null`: `true` holds iff the key is absent, `false` iff it is present
/// (an empty multivalued value is present). With a qualifier the entry is
/// constant: `ForAllValues:Null` true, `ForAnyValue:Null` false.
fn null_holds(cond: &Condition, qualifier: Option<Qualifier>, present: bool) -> bool {
    match qualifier {
        Some(Qualifier::ForAllValues) => true,
        Some(Qualifier::ForAnyValue) => false,
        None => cond.values.iter().any(|p| {
            (p.eq_ignore_ascii_case("true") && !present)
                || (p.eq_ignore_ascii_case("false") && present)
        }),
    }
}

/// A string-like value once its variables are substituted: its glob
/// tokens, or, for a variable whose key is a set, its widening (every
/// variable read as `*`, a superset of every reading) and why it is
/// undefined.
type Instantiated = Result<Vec<Tok>, (Vec<Tok>, String)>;

/// The entry's string-like values as glob tokens once their variables are
/// substituted; a value whose variable's key is absent (no default)
/// matches nothing and is left out [VARS].
fn string_patterns(cond: &Condition, request: &Request, variables: bool) -> Vec<Instantiated> {
    let glob = takes_wildcards(cond.operator.base);
    cond.values
        .iter()
        .filter_map(|v| match instantiate(v, request, variables, glob) {
            Ok(Some(t)) => Some(Ok(t)),
            Ok(None) => None,
            Err(why) => {
                let widened =
                    Template::parse(v).map(|t| t.widened(glob)).unwrap_or(vec![Tok::Star]);
                Some(Err((widened, why)))
            }
        })
        .collect()
}

/// One request value against the entry's values: some value matches
/// (positive operator) or none does (negated operator); `None` when only
/// an undefined value (see [`Instantiated`]) could decide it.
fn value_holds(cond: &Condition, patterns: &[Instantiated], v: &str) -> Option<bool> {
    let base = cond.operator.base;
    let any = match Sort::of(base.family()) {
        Some(sort) => Some(typed_matches(cond, sort, v)),
        None if base == BaseOperator::Bool => Some(
            cond.values.iter().any(|p| parse_bool(p).is_some_and(|p| parse_bool(v) == Some(p))),
        ),
        None => {
            let decided = patterns.iter().filter_map(|p| p.as_ref().ok());
            if decided.into_iter().any(|p| value_matches(base, v, p)) {
                Some(true)
            } else if patterns.iter().any(|p| matches!(p, Err((w, _)) if value_matches(base, v, w)))
            {
                None
            } else {
                Some(false)
            }
        }
    };
    any.map(|a| a != base.is_negated())
}

/// Numeric, Date, IP and Binary values: the request value is read with the
/// policy values' grammar (one address for IP). A request value that does
/// not parse matches no policy value, so a positive operator is false and a
/// negated one true; a policy value that does not parse (the parser rejects
/// them, a policy variable under Version 2008-10-17 stays literal) matches
/// nothing.
fn typed_matches(cond: &Condition, sort: Sort, v: &str) -> bool {
    let Some(value) = parse_request_value(sort, v) else {
        return false;
    };
    cond.values
        .iter()
        .filter_map(|p| predicate(cond.operator.base, p).ok())
        .any(|p| p.holds(&value))
}

/// Whether request value `v` matches policy value `p` (glob tokens, see
/// [`takes_wildcards`]) under the positive form of `base`.
fn value_matches(base: BaseOperator, v: &str, p: &[Tok]) -> bool {
    use BaseOperator as B;
    match base {
        // Literal tokens: glob matching is equality.
        B::StringEquals | B::StringNotEquals | B::StringLike | B::StringNotLike => {
            glob_tokens(p, v)
        }
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => equal_ignore_ascii_case(p, v),
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => arn_matches_tokens(p, v),
        // Typed families, `Bool` and `Null` are handled before values are compared.
        _ => false,
    }
}
