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

/// Why `simulate` cannot evaluate this entry against `request` (§6), or
/// `None` when it can: a policy variable with an operator AWS substitutes
/// none in (only String and Arn operators take variables [VARS, AACHK]), or
/// one whose key the request gives as a set.
pub(crate) fn undecided_reason(
    cond: &Condition,
    request: &Request,
    variables: bool,
) -> Option<String> {
    if !variables || !cond.values.iter().any(|v| Template::mentions_variable(v)) {
        return None;
    }
    // An absent key decides the entry without its values (§4).
    request.context_value(&cond.key)?;
    let family = cond.operator.base.family();
    if !matches!(family, Family::String | Family::Arn) {
        return Some(format!(
            "policy variables in a `{}` condition (on `{}`): AWS substitutes variables only in String and Arn operators",
            cond.operator, cond.key
        ));
    }
    let glob = takes_wildcards(cond.operator.base);
    cond.values.iter().find_map(|v| instantiate(v, request, true, glob).err())
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

/// Whether the entry holds for `request`. Entries with an
/// [`undecided_reason`] must not be passed here (their result would be a
/// guess).
pub(crate) fn holds(cond: &Condition, request: &Request, variables: bool) -> bool {
    let op = cond.operator;
    let value = request.context_value(&cond.key);
    if op.base == BaseOperator::Null {
        return null_holds(cond, op.qualifier, value.is_some());
    }
    let patterns = string_patterns(cond, request, variables);
    let one = |v: &str| value_holds(cond, &patterns, v);
    match (op.qualifier, value) {
        // Absent key: `ForAllValues:` is vacuously true, `ForAnyValue:`
        // false (its `IfExists` ignored), otherwise `IfExists` or a
        // negated operator is true and a positive one false.
        (Some(Qualifier::ForAllValues), None) => true,
        (Some(Qualifier::ForAnyValue), None) => false,
        (None, None) => op.if_exists || op.base.is_negated(),
        (Some(Qualifier::ForAllValues), Some(v)) => v.values().into_iter().all(one),
        (Some(Qualifier::ForAnyValue), Some(v)) => v.values().into_iter().any(one),
        (None, Some(ContextValue::Single(v))) => one(v),
        // Unqualified operator on a multivalued value: as SIM, it holds
        // only for a one-element set, negated operators included.
        (None, Some(ContextValue::Multi(vs))) => match vs.as_slice() {
            [v] => one(v),
            _ => false,
        },
    }
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

/// The entry's string-like values as glob tokens once their variables are
/// substituted; a value whose variable's key is absent (no default)
/// matches nothing and is left out [VARS].
fn string_patterns(cond: &Condition, request: &Request, variables: bool) -> Vec<Vec<Tok>> {
    let glob = takes_wildcards(cond.operator.base);
    cond.values
        .iter()
        .filter_map(|v| instantiate(v, request, variables, glob).ok().flatten())
        .collect()
}

/// One request value against the entry's values: some value matches
/// (positive operator) or none does (negated operator).
fn value_holds(cond: &Condition, patterns: &[Vec<Tok>], v: &str) -> bool {
    let base = cond.operator.base;
    let any = match Sort::of(base.family()) {
        Some(sort) => typed_matches(cond, sort, v),
        None if base == BaseOperator::Bool => {
            cond.values.iter().any(|p| parse_bool(p).is_some_and(|p| parse_bool(v) == Some(p)))
        }
        None => patterns.iter().any(|p| value_matches(base, v, p)),
    };
    any != base.is_negated()
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
