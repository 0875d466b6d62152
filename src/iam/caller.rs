//! The kinds of callers (request principals, docs/semantics.md §2) and the identities AWS
//! evaluates a caller as (docs/semantics.md §3, "Principal / NotPrincipal").
//!
//! A request comes from one caller; AWS evaluates a principal element against each of the
//! caller's identities: an IAM user is also its account, a role session also its role and
//! its account ("IAM JSON policy elements: NotPrincipal": "AWS might validate the account
//! first, then the role, and then the assumed-role user"). `Principal` matches when some
//! identity is listed (an account entry names every principal of the account, a role entry
//! every session of the role); `NotPrincipal` matches when some identity is not listed, so a
//! caller escapes a `Deny` with `NotPrincipal` only when all its identities are listed.

use super::grammar::{arn_parts, is_account, is_name, is_user_path_name, role_arn, root_arn};
use super::partition::PARTITIONS;
use crate::policy::{Effect, Principal, Statement};

/// A request principal, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller<'a> {
    /// `anonymous`.
    Anonymous,
    /// `arn:P:iam::A:root`.
    Root {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
    },
    /// `arn:P:iam::A:user/PATH/NAME`; `path` is `dev/` or empty.
    User {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The path, `dev/` or empty.
        path: &'a str,
        /// The name.
        name: &'a str,
    },
    /// `arn:P:sts::A:assumed-role/ROLE/SESSION`.
    Session {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The role's name.
        role: &'a str,
        /// The session's name.
        session: &'a str,
    },
    /// `arn:P:sts::A:federated-user/NAME`.
    FederatedUser {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The name given to `GetFederationToken`.
        name: &'a str,
        /// The IAM user who federated, as `PATH/NAME` after `user/` (same partition and
        /// account); `None`: the account's root user federated (docs/semantics.md §2).
        by: Option<&'a str>,
    },
    /// `service:NAME`.
    Service(&'a str),
    /// `federated:PROVIDER`.
    Federated(&'a str),
    /// `canonical-user:ID`.
    CanonicalUser(&'a str),
}

/// Parses a request principal; `None` when it is none of the forms of docs/semantics.md §2.
pub fn parse(text: &str) -> Option<Caller<'_>> {
    if text == "anonymous" {
        return Some(Caller::Anonymous);
    }
    let named = (text.strip_prefix("service:").map(Caller::Service))
        .or_else(|| text.strip_prefix("federated:").map(Caller::Federated))
        .or_else(|| text.strip_prefix("canonical-user:").map(Caller::CanonicalUser));
    if let Some(caller) = named {
        return match caller {
            Caller::Service("") | Caller::Federated("") | Caller::CanonicalUser("") => None,
            _ => Some(caller),
        };
    }
    let ["arn", partition, service, "", account, rest] = arn_parts(text)? else { return None };
    if !PARTITIONS.contains(&partition) || !is_account(account) {
        return None;
    }
    match (service, rest.split_once('/')) {
        ("iam", None) if rest == "root" => Some(Caller::Root { partition, account }),
        ("iam", Some(("user", full))) if is_user_path_name(full) => {
            let (path, name) = match full.rfind('/') {
                Some(i) => (full.get(..=i)?, full.get(i + 1..)?),
                None => ("", full),
            };
            Some(Caller::User { partition, account, path, name })
        }
        ("sts", Some(("federated-user", name))) if is_name(name) => {
            Some(Caller::FederatedUser { partition, account, name, by: None })
        }
        ("sts", Some(("assumed-role", rs))) => {
            let (role, session) = rs.split_once('/')?;
            (is_name(role) && is_name(session)).then_some(Caller::Session {
                partition,
                account,
                role,
                session,
            })
        }
        _ => None,
    }
}

impl<'a> Caller<'a> {
    /// The caller's partition (`None`: anonymous, service, web-identity and canonical
    /// callers, whose principal names none).
    pub fn partition(&self) -> Option<&'a str> {
        match *self {
            Caller::Root { partition, .. }
            | Caller::User { partition, .. }
            | Caller::Session { partition, .. }
            | Caller::FederatedUser { partition, .. } => Some(partition),
            _ => None,
        }
    }

    /// The caller's account (`None`: no account of its own).
    pub fn account(&self) -> Option<&'a str> {
        match *self {
            Caller::Root { account, .. }
            | Caller::User { account, .. }
            | Caller::Session { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The federated user `self` as federated by the IAM user `user_arn` (the request's
    /// `federatedBy`); `None` when `self` is no federated user or `user_arn` is no IAM user
    /// of its partition and account.
    pub fn federated_by(self, user_arn: &'a str) -> Option<Caller<'a>> {
        let Caller::FederatedUser { partition, account, name, .. } = self else { return None };
        let Some(Caller::User { partition: p, account: a, .. }) = parse(user_arn) else {
            return None;
        };
        let by = user_arn.split_once(":user/").map(|(_, path_name)| path_name);
        (p == partition && a == account).then_some(Caller::FederatedUser {
            partition,
            account,
            name,
            by,
        })
    }

    /// The caller with no IAM user as the one who federated it (the reading where the
    /// federating user is no identity, docs/semantics.md §3).
    pub fn without_federator(self) -> Caller<'a> {
        match self {
            Caller::FederatedUser { partition, account, name, .. } => {
                Caller::FederatedUser { partition, account, name, by: None }
            }
            other => other,
        }
    }

    /// The federating user's ARN of a federated user federated by an IAM user.
    pub fn federating_user(&self) -> Option<String> {
        match *self {
            Caller::FederatedUser { partition, account, by: Some(user), .. } => {
                Some(format!("arn:{partition}:iam::{account}:user/{user}"))
            }
            _ => None,
        }
    }

    /// The identities AWS evaluates the caller as; `raw` is the caller's principal string.
    pub fn identities(&self, raw: &'a str) -> Vec<Identity<'a>> {
        let account = |partition, account| Identity::Account { partition, account };
        match *self {
            Caller::Root { partition, account: a } => vec![account(partition, a)],
            Caller::User { partition, account: a, .. }
            | Caller::FederatedUser { partition, account: a, by: None, .. } => {
                vec![Identity::Exact(raw), account(partition, a)]
            }
            // A grant to the IAM user who federated reaches the session ("Policy evaluation
            // logic"), so that user is one more identity (docs/semantics.md §3).
            Caller::FederatedUser { partition, account: a, by: Some(user), .. } => vec![
                Identity::Exact(raw),
                Identity::User { partition, account: a, path_name: user },
                account(partition, a),
            ],
            Caller::Session { partition, account: a, role, .. } => vec![
                Identity::Exact(raw),
                Identity::Role { partition, account: a, name: role },
                account(partition, a),
            ],
            Caller::Anonymous
            | Caller::Service(_)
            | Caller::Federated(_)
            | Caller::CanonicalUser(_) => vec![Identity::Exact(raw)],
        }
    }
}

/// What AWS does not document about the IAM user who federated (docs/semantics.md §3): the
/// engine's construct and `simulate`'s undecided part say it in these words.
pub const FEDERATOR_UNDOCUMENTED: &str = "whether the IAM user who federated a `GetFederationToken` session is one of the session's identities in a `Deny` or a `NotPrincipal` (AWS documents it only for grants)";

/// Whether the two readings of the IAM user who federated ([`FEDERATOR_UNDOCUMENTED`]) can
/// differ on a resource-policy `statement`: a `Deny`
/// whose `Principal` names an IAM user, or a `NotPrincipal` that lists a federated user.
pub fn federator_undocumented(statement: &Statement) -> bool {
    let Some(el) = &statement.principal else { return false };
    let is = |want: fn(&Caller<'_>) -> bool| {
        el.values.iter().any(|e| match e {
            Principal::Aws(v) => parse(v).is_some_and(|c| want(&c)),
            _ => false,
        })
    };
    if el.negated {
        is(|c| matches!(c, Caller::FederatedUser { .. }))
    } else {
        statement.effect == Effect::Deny && is(|c| matches!(c, Caller::User { .. }))
    }
}

/// What joins a federated user's ARN to the `PATH/NAME` of the IAM user who federated in the
/// engine's principal strings (`arn:P:sts::A:federated-user/N#user/PATH/NAME`; `#` is no IAM
/// name character). Without it, the account's root user federated.
pub const FEDERATOR: &str = "#user/";

/// Splits an engine principal string into the request's `principal` and `federatedBy`.
pub fn split_federator(s: &str) -> (String, Option<String>) {
    if let Some((fed, user)) = s.split_once(FEDERATOR) {
        if let Some(Caller::FederatedUser { partition, account, .. }) = parse(fed) {
            return (fed.to_string(), Some(format!("arn:{partition}:iam::{account}:user/{user}")));
        }
    }
    (s.to_string(), None)
}

/// One identity of a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity<'a> {
    /// The caller itself, by its principal string (a user, a session, a federated user,
    /// `anonymous`, `service:…`, …).
    Exact(&'a str),
    /// A role, by partition, account and name (a role entry's path is not part of a
    /// session's ARN, docs/semantics.md §3).
    Role {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The role's name.
        name: &'a str,
    },
    /// The IAM user who federated a federated user, by partition, account and `PATH/NAME`.
    User {
        /// The partition.
        partition: &'a str,
        /// The account.
        account: &'a str,
        /// The user's path and name, `dev/alice` or `alice`.
        path_name: &'a str,
    },
    /// An account.
    Account {
        /// The partition.
        partition: &'a str,
        /// The account id.
        account: &'a str,
    },
}

impl Identity<'_> {
    /// Whether a principal entry lists this identity.
    pub fn listed_by(&self, entry: &Principal) -> bool {
        let prefixed = |prefix: &str, v: &str| match self {
            Identity::Exact(raw) => {
                raw.strip_prefix(prefix).is_some_and(|name| v == "*" || v == name)
            }
            _ => false,
        };
        match entry {
            Principal::Everyone => true,
            Principal::Aws(v) if v == "*" => true,
            Principal::Aws(v) => match *self {
                Identity::Exact(raw) => v == raw,
                Identity::Role { partition, account, name } => {
                    role_arn(v) == Some((partition, account, name))
                }
                Identity::User { partition, account, path_name } => {
                    v.strip_prefix("arn:")
                        .and_then(|r| r.strip_prefix(partition))
                        .and_then(|r| r.strip_prefix(":iam::"))
                        .and_then(|r| r.strip_prefix(account))
                        .and_then(|r| r.strip_prefix(":user/"))
                        == Some(path_name)
                }
                Identity::Account { partition, account } => {
                    v == account || root_arn(v) == Some((partition, account))
                }
            },
            Principal::Service(v) => prefixed("service:", v),
            Principal::Federated(v) => prefixed("federated:", v),
            Principal::CanonicalUser(v) => prefixed("canonical-user:", v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(s: &str) -> Principal {
        Principal::Aws(s.into())
    }

    #[test]
    fn sessions_are_their_role_and_account_too() {
        let raw = "arn:aws:sts::111122223333:assumed-role/r/s";
        let ids = parse(raw).map(|c| c.identities(raw)).unwrap_or_default();
        assert_eq!(ids.len(), 3);
        let listed = |e: &Principal| ids.iter().filter(|i| i.listed_by(e)).count();
        assert_eq!(listed(&aws(raw)), 1);
        assert_eq!(listed(&aws("arn:aws:iam::111122223333:role/path/r")), 1);
        assert_eq!(listed(&aws("111122223333")), 1);
        assert_eq!(listed(&aws("arn:aws:iam::111122223333:root")), 1);
        assert_eq!(listed(&aws("arn:aws-cn:iam::111122223333:root")), 0);
        assert_eq!(listed(&aws("*")), 3);
        assert_eq!(listed(&Principal::Service("*".into())), 0);
    }

    #[test]
    fn parses_callers() {
        assert_eq!(
            parse("arn:aws:iam::111122223333:user/dev/a"),
            Some(Caller::User {
                partition: "aws",
                account: "111122223333",
                path: "dev/",
                name: "a",
            })
        );
        assert_eq!(parse("service:"), None);
        assert_eq!(parse("arn:aws:iam::111122223333:user//a"), None);
        assert_eq!(parse("arn:aws:sts::111122223333:assumed-role/r"), None);
        assert_eq!(
            parse("service:x").map(|c| c.identities("service:x")),
            Some(vec![Identity::Exact("service:x")])
        );
    }
}
