//! Principal entries → patterns over request principal strings, and the
//! universes of the action, resource and principal fields
//! (docs/semantics.md §2–§3).

use super::glob::{Pattern, ANY};
use crate::iam::caller::{parse, Caller, FEDERATOR};
use crate::iam::grammar::{is_account, role_arn, root_arn, ACCOUNT, NAME};
use crate::iam::partition;
use crate::policy::Principal;
use regex_syntax::escape;

/// Every action: `service:name`, lower case.
pub const ACTION_UNIVERSE: &str = "[a-z0-9-]+:[a-z0-9_-]+";

/// Every resource ARN.
pub fn resource_universe() -> String {
    resource_universe_with("[a-z0-9-]+")
}

/// Every resource ARN of one service.
pub fn resource_universe_of(service: &str) -> String {
    resource_universe_with(&escape(service))
}

fn resource_universe_with(service: &str) -> String {
    let part = "[^:\\x00-\\x1f\\x7f]";
    let partitions = partition::regex();
    format!("arn:{partitions}:{service}:{part}*:{part}*:[^\\x00-\\x1f\\x7f]+")
}

/// Every request principal.
pub fn principal_universe() -> String {
    let (name, acct, partitions) = (NAME, ACCOUNT, partition::regex());
    let free = "[^\\x00-\\x1f\\x7f]+";
    [
        "anonymous".to_string(),
        format!("arn:{partitions}:iam::{acct}:root"),
        format!("arn:{partitions}:iam::{acct}:user/{name}(?:/{name})*"),
        format!("arn:{partitions}:sts::{acct}:assumed-role/{name}/{name}"),
        format!("arn:{partitions}:sts::{acct}:federated-user/{name}{}", federator()),
        format!("service:{free}"),
        format!("federated:{free}"),
        format!("canonical-user:{free}"),
    ]
    .join("|")
}

/// The optional IAM user who federated, after a federated user's ARN (`caller::FEDERATOR`;
/// none: the root user federated).
pub(crate) fn federator() -> String {
    format!("(?:{}(?:{NAME}/)*{NAME})?", escape(FEDERATOR))
}

/// Every value of a condition key.
pub const KEY_UNIVERSE: &str = "(?s:.)*";

/// The principals with no partition (anonymous, service, web-identity and canonical
/// callers): compatible with a resource in any partition.
pub(crate) const PARTITIONLESS: &str = "(?:anonymous|service:|federated:|canonical-user:)(?s:.)*";

/// Every principal of one account (in the given partition regex).
fn account(partition: &str, id: &str) -> Pattern {
    Pattern::Regex(format!("arn:{partition}:(?:iam|sts)::{id}:{ANY}"))
}

/// The pattern of one principal entry.
pub fn principal(entry: &Principal) -> Pattern {
    principal_reading(entry, Federator::Identity)
}

/// Whether the IAM user who federated a federated user is one of its identities for a
/// statement (docs/semantics.md §3, "The IAM user who federated"): documented for a grant
/// (`Allow` + `Principal`), not for a `Deny` or a `NotPrincipal`, whose statements the
/// encoding decides under both readings (`encode::federator_split`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Federator {
    /// The federating user is an identity of its sessions: a user entry matches them.
    Identity,
    /// It is not: a user entry matches the user only, and a listed federated user is exempt
    /// whoever federated it.
    NotIdentity,
}

/// The pattern of one principal entry under a reading of the federating user.
pub(crate) fn principal_reading(entry: &Principal, federator: Federator) -> Pattern {
    match entry {
        Principal::Everyone => Pattern::All,
        Principal::Aws(v) => aws(v, federator),
        Principal::Service(v) => prefixed("service:", v),
        Principal::Federated(v) => prefixed("federated:", v),
        Principal::CanonicalUser(v) => prefixed("canonical-user:", v),
    }
}

fn prefixed(prefix: &str, value: &str) -> Pattern {
    if value == "*" {
        return Pattern::Regex(format!("{}{ANY}", escape(prefix)));
    }
    Pattern::Regex(escape(&format!("{prefix}{value}")))
}

fn aws(value: &str, reading: Federator) -> Pattern {
    if is_account(value) {
        return account("(?-u:[^:])+", value);
    }
    if let Some((partition, acct)) = root_arn(value) {
        return account(&escape(partition), acct);
    }
    if let Some((partition, acct, name)) = role_arn(value) {
        return Pattern::Regex(format!(
            "{}{ANY}",
            escape(&format!("arn:{partition}:sts::{acct}:assumed-role/{name}/"))
        ));
    }
    Pattern::Regex(match parse(value) {
        Some(Caller::User { .. }) if reading == Federator::NotIdentity => escape(value),
        // The user, and every federated user it federated (docs/semantics.md §3).
        Some(Caller::User { partition, account, .. }) => format!(
            "{}|{}{NAME}{}",
            escape(value),
            escape(&format!("arn:{partition}:sts::{account}:federated-user/")),
            escape(&federated_suffix(value))
        ),
        // The federated user, whoever federated it.
        Some(Caller::FederatedUser { .. }) => format!("{}{}", escape(value), federator()),
        _ => escape(value),
    })
}

/// What follows a federated user's ARN when the IAM user `user_arn` federated it.
pub(crate) fn federated_suffix(user_arn: &str) -> String {
    let path_name = user_arn.split_once(":user/").map_or("", |(_, p)| p);
    format!("{FEDERATOR}{path_name}")
}

/// A caller that a `NotPrincipal` element's entries exempt: one all of whose identities
/// some entry lists (docs/semantics.md §3, after "IAM JSON policy elements: NotPrincipal").
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Exempt {
    /// Every caller (`"*"`, `{"AWS": "*"}`).
    Everyone,
    /// An account's root (its only identity is the account); `None`: any partition.
    Root { partition: Option<String>, account: String },
    /// One caller by its principal string: an IAM user or federated user whose account
    /// is listed too, `anonymous`, `service:…`, `federated:…`, `canonical-user:…`.
    Exact(String),
    /// Every caller whose principal string begins with this (`{"Service": "*"}`, …).
    Prefix(&'static str),
    /// A federated user whose account is listed too, when the root user or one of `users`
    /// (listed IAM users of its account, as `PATH/NAME`) federated it.
    Federated { arn: String, users: Vec<String> },
    /// A role session whose role and account are listed too.
    Session { partition: String, account: String, role: String, session: String },
}

/// The callers a `NotPrincipal` element with `entries` exempts: a user only with its
/// account, a role session only with its role and its account, an account's root with the
/// account (a bare account id lists the account in every partition).
pub(crate) fn exempt(entries: &[Principal]) -> Vec<Exempt> {
    let everyone = entries
        .iter()
        .any(|e| matches!(e, Principal::Everyone) || *e == Principal::Aws("*".into()));
    if everyone {
        return vec![Exempt::Everyone];
    }
    let aws: Vec<&str> = entries
        .iter()
        .filter_map(|e| match e {
            Principal::Aws(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    let account_listed =
        |p: &str, a: &str| aws.iter().any(|v| *v == a || root_arn(v) == Some((p, a)));
    let role_listed =
        |p: &str, a: &str, r: &str| aws.iter().any(|v| role_arn(v) == Some((p, a, r)));
    let mut out = Vec::new();
    for entry in entries {
        let found = match entry {
            Principal::Everyone => None,
            Principal::Aws(v) if is_account(v) => {
                Some(Exempt::Root { partition: None, account: v.clone() })
            }
            Principal::Aws(v) => match (root_arn(v), parse(v)) {
                (Some((p, a)), _) => {
                    Some(Exempt::Root { partition: Some(p.to_string()), account: a.to_string() })
                }
                (None, Some(Caller::User { partition, account, .. })) => {
                    account_listed(partition, account).then(|| Exempt::Exact(v.clone()))
                }
                // Its identities: itself, the IAM user who federated (if not the root user)
                // and its account.
                (None, Some(Caller::FederatedUser { partition, account, .. })) => {
                    account_listed(partition, account).then(|| Exempt::Federated {
                        arn: v.clone(),
                        users: listed_users(&aws, partition, account),
                    })
                }
                (None, Some(Caller::Session { partition, account, role, session })) => {
                    (account_listed(partition, account) && role_listed(partition, account, role))
                        .then(|| Exempt::Session {
                            partition: partition.to_string(),
                            account: account.to_string(),
                            role: role.to_string(),
                            session: session.to_string(),
                        })
                }
                (None, Some(_)) => Some(Exempt::Exact(v.clone())),
                // A role (no caller: roles act through sessions) or no principal at all.
                (None, None) => None,
            },
            Principal::Service(v) => Some(exempt_prefixed("service:", v)),
            Principal::Federated(v) => Some(exempt_prefixed("federated:", v)),
            Principal::CanonicalUser(v) => Some(exempt_prefixed("canonical-user:", v)),
        };
        out.extend(found);
    }
    out
}

/// The IAM users of one partition and account that `aws` entries list, as `PATH/NAME`.
fn listed_users(aws: &[&str], partition: &str, account: &str) -> Vec<String> {
    aws.iter()
        .filter_map(|v| match parse(v) {
            Some(Caller::User { partition: p, account: a, .. })
                if p == partition && a == account =>
            {
                v.split_once(":user/").map(|(_, path_name)| path_name.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The regex of an exempt federated user: its ARN, then nothing (the root user federated)
/// or one of `users`; whoever federated it when the federating user is no identity.
pub(crate) fn federated_exempt_regex(arn: &str, users: &[String], reading: Federator) -> String {
    if reading == Federator::NotIdentity {
        return format!("{}{}", escape(arn), federator());
    }
    let by: Vec<String> = users.iter().map(|u| escape(&format!("{FEDERATOR}{u}"))).collect();
    if by.is_empty() {
        escape(arn)
    } else {
        format!("{}(?:{})?", escape(arn), by.join("|"))
    }
}

fn exempt_prefixed(prefix: &'static str, value: &str) -> Exempt {
    if value == "*" {
        Exempt::Prefix(prefix)
    } else {
        Exempt::Exact(format!("{prefix}{value}"))
    }
}

/// The regex of an account's root (`None`: any partition).
pub(crate) fn root_regex(partition: Option<&str>, account: &str) -> String {
    let p = partition.map_or_else(partition::regex, escape);
    format!("arn:{p}:iam::{}:root", escape(account))
}

/// The principals a `NotPrincipal` element with `entries` does not match, as a pattern
/// over request principal strings.
pub(crate) fn exempt_pattern(entries: &[Principal], reading: Federator) -> Pattern {
    let mut parts = Vec::new();
    for e in exempt(entries) {
        parts.push(match e {
            Exempt::Everyone => return Pattern::All,
            Exempt::Root { partition, account } => root_regex(partition.as_deref(), &account),
            Exempt::Exact(s) => escape(&s),
            Exempt::Federated { arn, users } => federated_exempt_regex(&arn, &users, reading),
            Exempt::Prefix(p) => format!("{}{ANY}", escape(p)),
            Exempt::Session { partition, account, role, session } => {
                escape(&format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session}"))
            }
        });
    }
    if parts.is_empty() {
        Pattern::Nothing
    } else {
        Pattern::Regex(parts.join("|"))
    }
}
