//! Request principals (docs/semantics.md §2) and `Principal`/`NotPrincipal`
//! entries (§3).

use super::validate::has_control;
use crate::policy::{Element, Principal};

pub(crate) use crate::iam::caller::Caller;

/// Parses a request principal string.
///
/// # Errors
/// A message when `text` is none of the forms of §2.
pub(crate) fn parse_caller(text: &str) -> Result<Caller<'_>, String> {
    let invalid = |why: &str| format!("invalid request principal `{}`: {why}", text.escape_debug());
    if has_control(text) {
        return Err(invalid("contains a control character"));
    }
    if let Some(caller) = crate::iam::caller::parse(text) {
        return Ok(caller);
    }
    if ["service:", "federated:", "canonical-user:"].iter().any(|p| text.starts_with(p)) {
        return Err(invalid("empty name"));
    }
    if text.starts_with("arn:") {
        return Err(invalid(
            "expected an `iam` root or user ARN or an `sts` assumed-role or federated-user ARN with a 12-digit account",
        ));
    }
    Err(invalid(
        "expected `anonymous`, a principal ARN, `service:NAME`, `federated:PROVIDER` or `canonical-user:ID`",
    ))
}

/// Parses a request principal with its `federatedBy` (docs/semantics.md §2): the IAM user
/// who federated a federated user, in its partition and account.
///
/// # Errors
/// A message when `text` is no request principal, or `by` is given for a principal that is
/// no federated user or is no IAM user ARN of the federated user's partition and account.
pub(crate) fn parse_federated<'a>(
    text: &'a str,
    by: Option<&'a str>,
) -> Result<Caller<'a>, String> {
    let caller = parse_caller(text)?;
    let Some(user) = by else { return Ok(caller) };
    if !matches!(caller, Caller::FederatedUser { .. }) {
        return Err(format!(
            "request `federatedBy` is only for a federated-user principal (`arn:PARTITION:sts::ACCOUNT:federated-user/NAME`), not `{}`",
            text.escape_debug()
        ));
    }
    caller.federated_by(user).ok_or_else(|| {
        format!(
            "invalid request `federatedBy` `{}`: expected the ARN of an IAM user in the federated user's partition and account (`arn:PARTITION:iam::ACCOUNT:user/NAME`)",
            user.escape_debug()
        )
    })
}

/// Whether a `Principal`/`NotPrincipal` element matches the caller whose string is `raw`
/// (docs/semantics.md §3): `Principal` when some entry lists some identity of the caller,
/// `NotPrincipal` when some identity of the caller is listed by no entry.
pub(crate) fn element_matches(element: &Element<Principal>, caller: Caller<'_>, raw: &str) -> bool {
    let listed = |id: &crate::iam::caller::Identity<'_>| {
        element.values.iter().any(|entry| id.listed_by(entry))
    };
    let ids = caller.identities(raw);
    if element.negated {
        !ids.iter().all(listed)
    } else {
        ids.iter().any(listed)
    }
}

/// Whether one principal entry matches the caller whose string is `raw`.
pub(crate) fn entry_matches(entry: &Principal, caller: Caller<'_>, raw: &str) -> bool {
    caller.identities(raw).iter().any(|id| id.listed_by(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(entry: Principal, raw: &str) -> bool {
        let caller = parse_caller(raw).unwrap_or(Caller::Anonymous);
        assert!(parse_caller(raw).is_ok(), "{raw}");
        entry_matches(&entry, caller, raw)
    }

    fn aws(s: &str) -> Principal {
        Principal::Aws(s.into())
    }

    #[test]
    fn parses_the_request_forms() {
        for ok in [
            "anonymous",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/dev/alice",
            "arn:aws-cn:sts::111122223333:assumed-role/r/s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "service:ecs.amazonaws.com",
            "federated:arn:aws:iam::111122223333:saml-provider/okta",
            "canonical-user:abc",
        ] {
            assert!(parse_caller(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Anonymous",
            "*",
            "111122223333",
            "arn:aws:iam::111122223333:role/r",
            "arn:aws:iam::1111:root",
            "arn:aws:iam:us-east-1:111122223333:root",
            "arn:aws:sts::111122223333:assumed-role/r",
            "arn:aws:sts::111122223333:assumed-role/r/s/t",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:iam::111122223333:user//a",
            "arn:aws:iam::111122223333:group/g",
            "arn:foo:iam::111122223333:root",
            "service:",
            "anonymous\t",
        ] {
            assert!(parse_caller(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_entries_match_every_principal_of_the_account() {
        for entry in [aws("111122223333"), aws("arn:aws:iam::111122223333:root")] {
            assert!(matches(entry.clone(), "arn:aws:iam::111122223333:root"));
            assert!(matches(entry.clone(), "arn:aws:iam::111122223333:user/dev/alice"));
            assert!(matches(entry.clone(), "arn:aws:sts::111122223333:assumed-role/r/s"));
            assert!(matches(entry.clone(), "arn:aws:sts::111122223333:federated-user/b"));
            assert!(!matches(entry.clone(), "arn:aws:iam::444455556666:root"));
            assert!(!matches(entry.clone(), "anonymous"));
            assert!(!matches(entry.clone(), "service:111122223333"));
            assert!(!matches(entry, "federated:111122223333"));
        }
        // A bare account id covers every partition, a root ARN only its own.
        assert!(matches(aws("111122223333"), "arn:aws-cn:iam::111122223333:root"));
        assert!(!matches(
            aws("arn:aws:iam::111122223333:root"),
            "arn:aws-cn:iam::111122223333:root"
        ));
    }

    #[test]
    fn role_entries_match_their_sessions() {
        let role = aws("arn:aws:iam::111122223333:role/team/app");
        assert!(matches(role.clone(), "arn:aws:sts::111122223333:assumed-role/app/s1"));
        assert!(!matches(role.clone(), "arn:aws:sts::111122223333:assumed-role/team/s1"));
        assert!(!matches(role.clone(), "arn:aws:sts::444455556666:assumed-role/app/s1"));
        assert!(!matches(role.clone(), "arn:aws:iam::111122223333:user/app"));
        assert!(!matches(role, "arn:aws:iam::111122223333:root"));
    }

    #[test]
    fn literal_entries() {
        let user = aws("arn:aws:iam::111122223333:user/alice");
        assert!(matches(user.clone(), "arn:aws:iam::111122223333:user/alice"));
        assert!(!matches(user.clone(), "arn:aws:iam::111122223333:user/Alice"));
        assert!(!matches(user, "arn:aws:iam::111122223333:root"));
        let session = aws("arn:aws:sts::111122223333:assumed-role/r/s");
        assert!(matches(session.clone(), "arn:aws:sts::111122223333:assumed-role/r/s"));
        assert!(!matches(session, "arn:aws:sts::111122223333:assumed-role/r/t"));
    }

    #[test]
    fn kinds_and_wildcards() {
        assert!(matches(Principal::Everyone, "anonymous"));
        assert!(matches(aws("*"), "anonymous"));
        let svc = Principal::Service("ecs.amazonaws.com".into());
        assert!(matches(svc.clone(), "service:ecs.amazonaws.com"));
        assert!(!matches(svc, "service:ec2.amazonaws.com"));
        assert!(matches(Principal::Service("*".into()), "service:x"));
        assert!(!matches(Principal::Service("*".into()), "federated:x"));
        assert!(!matches(Principal::Service("*".into()), "anonymous"));
        assert!(matches(Principal::Federated("*".into()), "federated:accounts.google.com"));
        let fed = Principal::Federated("arn:aws:iam::111122223333:saml-provider/okta".into());
        assert!(matches(fed.clone(), "federated:arn:aws:iam::111122223333:saml-provider/okta"));
        assert!(!matches(fed, "arn:aws:iam::111122223333:root"));
        assert!(matches(Principal::CanonicalUser("abc".into()), "canonical-user:abc"));
        assert!(!matches(Principal::CanonicalUser("abc".into()), "service:abc"));
        assert!(!matches(Principal::CanonicalUser("*".into()), "arn:aws:iam::111122223333:root"));
    }
}
