//! Condition entries (docs/semantics.md §4): one (operator, key) entry
//! against the request's context.

use super::arn::arn_matches;
use super::glob::glob;
use crate::policy::condition::Family;
use crate::policy::{BaseOperator, Condition, Qualifier};
use crate::request::{ContextValue, Request};

/// Why `simulate` cannot evaluate this entry (§6), or `None` when it can.
pub(crate) fn undecided_reason(cond: &Condition, substitutes_variables: bool) -> Option<String> {
    let base = cond.operator.base;
    match base.family() {
        Family::Numeric | Family::Date | Family::Ip | Family::Binary => {
            return Some(format!("`{}` conditions are not supported yet", base.as_str()));
        }
        Family::String | Family::Arn | Family::Bool | Family::Null => {}
    }
    if substitutes_variables && cond.values.iter().any(|v| v.contains("${")) {
        return Some(format!(
            "policy variables in the `{}` condition on `{}` are not supported yet",
            cond.operator, cond.key
        ));
    }
    None
}

/// Whether the entry holds for `request`. Entries with an
/// [`undecided_reason`] must not be passed here (their result would be a
/// guess).
pub(crate) fn holds(cond: &Condition, request: &Request) -> bool {
    let op = cond.operator;
    let value = request.context_value(&cond.key);
    if op.base == BaseOperator::Null {
        return null_holds(cond, op.qualifier, value.is_some());
    }
    let one = |v: &str| value_holds(cond, v);
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

/// One request value against the entry's values: some value matches
/// (positive operator) or none does (negated operator).
fn value_holds(cond: &Condition, v: &str) -> bool {
    let base = cond.operator.base;
    let any = cond.values.iter().any(|p| value_matches(base, v, p));
    any != base.is_negated()
}

/// Whether request value `v` matches policy value `p` under the positive
/// form of `base`.
fn value_matches(base: BaseOperator, v: &str, p: &str) -> bool {
    use BaseOperator as B;
    match base {
        B::StringEquals | B::StringNotEquals => v == p,
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => v.eq_ignore_ascii_case(p),
        B::StringLike | B::StringNotLike => glob(p, v),
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => arn_matches(p, v),
        B::Bool => {
            (p.eq_ignore_ascii_case("true") || p.eq_ignore_ascii_case("false"))
                && v.eq_ignore_ascii_case(p)
        }
        // Undecided families and `Null` are handled before values are
        // compared; matching nothing is the safe answer.
        _ => false,
    }
}
