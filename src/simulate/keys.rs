//! A request's context keys against what AWS's requests carry (`iam::keys`,
//! docs/semantics.md §2a): a key no request of the caller's kind carries, a value of a
//! shape AWS never sends, or a set for a single-valued key is an error, not a request
//! `simulate` evaluates. A key the request omits is absent for the evaluation; `simulate`
//! does not require the keys AWS always sends (a request states the keys that matter).

use crate::iam::keys::{lookup, Availability, CallerKind, KeySort};
use crate::policy::PolicyType;
use crate::request::{ContextValue, Request};
use crate::values::{parse_request_value, Sort};
use regex_automata::meta::Regex;

/// Checks every key of `request`'s context that the global key table describes.
///
/// # Errors
/// A lowercase message naming the key and what AWS documents for it.
pub(crate) fn check_context(policy_type: PolicyType, request: &Request) -> Result<(), String> {
    let caller = match policy_type {
        // The caller of an identity policy is an IAM principal (docs/semantics.md §2).
        PolicyType::Identity => Some(CallerKind::Iam),
        PolicyType::Resource => request.principal.as_deref().and_then(CallerKind::of),
    };
    for (name, value) in &request.context {
        let Some(row) = lookup(name) else { continue };
        if row.multivalued != matches!(value, ContextValue::Multi(_)) && !row.of_caller {
            let (is, given) = if row.multivalued {
                ("multivalued", "a string")
            } else {
                ("single-valued", "a list")
            };
            return Err(format!(
                "invalid request context: `{name}` is {is} (AWS global condition context keys) but is given as {given}"
            ));
        }
        if let Some(caller) = caller {
            let availability = row.availability(caller);
            let wrong = value.values().into_iter().find(|v| !availability.allows(v));
            if availability == Availability::Never {
                return Err(format!(
                    "invalid request context: a request by {} never carries `{name}` (AWS global condition context keys, docs/semantics.md §2a)",
                    describe(caller)
                ));
            }
            if let Some(v) = wrong {
                return Err(format!(
                    "invalid request context: `{name}` is `{}` in a request by {}, which AWS documents otherwise (docs/semantics.md §2a)",
                    v.escape_debug(),
                    describe(caller)
                ));
            }
        }
        for v in value.values() {
            if !fits(row.sort, row.grammar, v) {
                return Err(format!(
                    "invalid request context: `{}` is no value of `{name}` (docs/semantics.md §2a)",
                    v.escape_debug()
                ));
            }
        }
    }
    Ok(())
}

/// Whether `v` has the shape AWS documents for the key's values.
fn fits(sort: KeySort, grammar: Option<&str>, v: &str) -> bool {
    let typed = match sort {
        KeySort::Date => Some(Sort::Date),
        KeySort::Numeric => Some(Sort::Numeric),
        KeySort::Ip => Some(Sort::Ip),
        KeySort::String | KeySort::Arn | KeySort::Bool | KeySort::EpochSeconds => None,
    };
    let parses = typed.is_none_or(|s| parse_request_value(s, v).is_some());
    let shaped =
        grammar.is_none_or(|g| Regex::new(&format!("^(?:{g})$")).is_ok_and(|re| re.is_match(v)));
    parses && shaped
}

fn describe(caller: CallerKind) -> &'static str {
    match caller {
        CallerKind::Anonymous => "an anonymous caller",
        CallerKind::Iam => "an IAM principal",
        CallerKind::Service => "a service principal",
        CallerKind::Other => "a web-identity, SAML or canonical-user caller",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(principal: &str, context: Vec<(&str, ContextValue)>) -> Request {
        Request {
            principal: Some(principal.to_string()),
            federated_by: None,
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/k".into(),
            context: context.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        }
    }

    fn s(v: &str) -> ContextValue {
        ContextValue::Single(v.to_string())
    }

    #[test]
    fn availability_by_caller() {
        let arn = ("aws:SourceArn", s("arn:aws:sns:us-east-1:111122223333:t"));
        let r = PolicyType::Resource;
        assert!(check_context(r, &request("anonymous", vec![arn.clone()])).is_err());
        assert!(check_context(r, &request("arn:aws:iam::111122223333:root", vec![arn.clone()]))
            .is_err());
        assert!(check_context(r, &request("service:sns.amazonaws.com", vec![arn.clone()])).is_ok());
        assert!(check_context(PolicyType::Identity, &request("x", vec![arn])).is_err());
        let org = ("aws:PrincipalOrgID", s("o-abcdefghij"));
        assert!(check_context(r, &request("anonymous", vec![org.clone()])).is_err());
        assert!(check_context(r, &request("arn:aws:iam::111122223333:root", vec![org])).is_ok());
        let svc = ("aws:PrincipalIsAWSService", s("true"));
        assert!(check_context(r, &request("service:sns.amazonaws.com", vec![svc.clone()])).is_ok());
        let e = check_context(r, &request("arn:aws:iam::111122223333:root", vec![svc]));
        assert!(e.is_err_and(|e| e.contains("`true`")));
    }

    #[test]
    fn shapes() {
        let r = PolicyType::Resource;
        let root = "arn:aws:iam::111122223333:root";
        for (k, v, ok) in [
            ("aws:PrincipalOrgID", "o-abcdefghij", true),
            ("aws:PrincipalOrgID", "o-ABCDEFGHIJ", false),
            ("aws:EpochTime", "1577836800", true),
            ("aws:EpochTime", "2020-01-01", false),
            ("aws:CurrentTime", "2020-01-01T00:00:00Z", true),
            ("aws:CurrentTime", "not-a-date", false),
            ("aws:SourceIp", "10.0.0.1", true),
            ("aws:SecureTransport", "yes", false),
        ] {
            assert_eq!(check_context(r, &request(root, vec![(k, s(v))])).is_ok(), ok, "{k} {v}");
        }
        let paths = ContextValue::Multi(vec!["o-abcdefghij/r-ab12/ou-ab12-abcdefgh/".into()]);
        assert!(check_context(r, &request(root, vec![("aws:PrincipalOrgPaths", paths)])).is_ok());
        let set = ContextValue::Multi(vec!["vpce-1".into()]);
        assert!(check_context(r, &request(root, vec![("aws:SourceVpce", set)])).is_err());
    }
}
