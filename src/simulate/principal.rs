//! Request principals (docs/semantics.md §2) and `Principal`/`NotPrincipal`
//! entries (§3).

use super::arn::split;
use super::validate::{has_control, PARTITIONS};
use crate::policy::{Element, Principal};

/// A validated request principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller<'a> {
    /// `anonymous`.
    Anonymous,
    /// An IAM or STS principal of an account.
    Aws {
        /// The ARN's partition.
        partition: &'a str,
        /// The 12-digit account id.
        account: &'a str,
        /// The role of an `assumed-role` session, `None` for other kinds.
        role: Option<&'a str>,
    },
    /// `service:NAME`.
    Service(&'a str),
    /// `federated:PROVIDER`.
    Federated(&'a str),
    /// `canonical-user:ID`.
    CanonicalUser(&'a str),
}

/// Parses a request principal string.
///
/// # Errors
/// A message when `text` is none of the forms of §2.
pub(crate) fn parse_caller(text: &str) -> Result<Caller<'_>, String> {
    let invalid = |why: &str| format!("invalid request principal `{}`: {why}", text.escape_debug());
    if has_control(text) {
        return Err(invalid("contains a control character"));
    }
    if text == "anonymous" {
        return Ok(Caller::Anonymous);
    }
    let named = (text.strip_prefix("service:").map(Caller::Service))
        .or_else(|| text.strip_prefix("federated:").map(Caller::Federated))
        .or_else(|| text.strip_prefix("canonical-user:").map(Caller::CanonicalUser));
    if let Some(caller) = named {
        return match caller {
            Caller::Service("") | Caller::Federated("") | Caller::CanonicalUser("") => {
                Err(invalid("empty name"))
            }
            _ => Ok(caller),
        };
    }
    if text.starts_with("arn:") {
        return parse_arn_caller(text).ok_or_else(|| {
            invalid("expected an `iam` root or user ARN or an `sts` assumed-role or federated-user ARN with a 12-digit account")
        });
    }
    Err(invalid(
        "expected `anonymous`, a principal ARN, `service:NAME`, `federated:PROVIDER` or `canonical-user:ID`",
    ))
}

fn parse_arn_caller(text: &str) -> Option<Caller<'_>> {
    let ["arn", partition, service, "", account, rest] = split(text)[..] else {
        return None;
    };
    if !PARTITIONS.contains(&partition) || !is_account(account) {
        return None;
    }
    let role = match (service, rest.split_once('/')) {
        ("iam", None) if rest == "root" => None,
        ("iam", Some(("user", name))) if name.split('/').all(is_name) => None,
        ("sts", Some(("federated-user", name))) if is_name(name) => None,
        ("sts", Some(("assumed-role", session))) => match session.split_once('/') {
            Some((role, name)) if is_name(role) && is_name(name) => Some(role),
            _ => return None,
        },
        _ => return None,
    };
    Some(Caller::Aws { partition, account, role })
}

/// A 12-digit account id.
fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// A non-empty name of IAM's name characters (`[A-Za-z0-9+=,.@_-]`,
/// docs/semantics.md §2).
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// Whether a `Principal`/`NotPrincipal` element matches the caller.
pub(crate) fn element_matches(element: &Element<Principal>, caller: Caller<'_>, raw: &str) -> bool {
    let any = element.values.iter().any(|entry| entry_matches(entry, caller, raw));
    any != element.negated
}

/// Whether one principal entry matches the caller whose string is `raw`.
pub(crate) fn entry_matches(entry: &Principal, caller: Caller<'_>, raw: &str) -> bool {
    match (entry, caller) {
        (Principal::Everyone, _) => true,
        (Principal::Aws(p), _) => aws_matches(p, caller, raw),
        (Principal::Service(p), Caller::Service(name))
        | (Principal::Federated(p), Caller::Federated(name))
        | (Principal::CanonicalUser(p), Caller::CanonicalUser(name)) => p == "*" || p == name,
        _ => false,
    }
}

/// An `AWS` entry: `*`, an account id, a root ARN, a role ARN or any other
/// ARN (matched literally).
fn aws_matches(entry: &str, caller: Caller<'_>, raw: &str) -> bool {
    if entry == "*" {
        return true;
    }
    if is_account(entry) {
        return matches!(caller, Caller::Aws { account, .. } if account == entry);
    }
    let Caller::Aws { partition, account, role } = caller else {
        return entry == raw;
    };
    match split(entry)[..] {
        ["arn", p, "iam", "", a, "root"] => p == partition && a == account,
        ["arn", p, "iam", "", a, rest] if rest.starts_with("role/") => {
            let name = rest.rsplit('/').next();
            p == partition && a == account && role.is_some() && role == name
        }
        _ => entry == raw,
    }
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
