//! Principal entries → patterns over request principal strings, and the
//! universes of the action, resource and principal fields
//! (docs/semantics.md §2–§3).

use super::glob::{Pattern, ANY};
use crate::policy::Principal;
use regex_syntax::escape;

/// The partitions a request ARN may name.
pub(crate) const PARTITIONS: &str =
    "(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)";

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
    format!("arn:{PARTITIONS}:{service}:{part}*:{part}*:[^\\x00-\\x1f\\x7f]+")
}

/// Every request principal.
pub fn principal_universe() -> String {
    let name = "[A-Za-z0-9+=,.@_-]+";
    let acct = "[0-9]{12}";
    let free = "[^\\x00-\\x1f\\x7f]+";
    [
        "anonymous".to_string(),
        format!("arn:{PARTITIONS}:iam::{acct}:root"),
        format!("arn:{PARTITIONS}:iam::{acct}:user/{name}(?:/{name})*"),
        format!("arn:{PARTITIONS}:sts::{acct}:assumed-role/{name}/{name}"),
        format!("arn:{PARTITIONS}:sts::{acct}:federated-user/{name}"),
        format!("service:{free}"),
        format!("federated:{free}"),
        format!("canonical-user:{free}"),
    ]
    .join("|")
}

/// Every value of a condition key.
pub const KEY_UNIVERSE: &str = "(?s:.)*";

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Every principal of one account (in the given partition regex).
fn account(partition: &str, id: &str) -> Pattern {
    Pattern::Regex(format!("arn:{partition}:(?:iam|sts)::{id}:{ANY}"))
}

/// The pattern of one principal entry.
pub fn principal(entry: &Principal) -> Pattern {
    match entry {
        Principal::Everyone => Pattern::All,
        Principal::Aws(v) => aws(v),
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

fn aws(value: &str) -> Pattern {
    if is_account_id(value) {
        return account("(?-u:[^:])+", value);
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", acct, "root"] if is_account_id(acct) => {
            account(&escape(partition), acct)
        }
        ["arn", partition, "iam", "", acct, rest] if rest.starts_with("role/") => {
            let name = rest.rsplit('/').next().unwrap_or_default();
            Pattern::Regex(format!(
                "{}{ANY}",
                escape(&format!("arn:{partition}:sts::{acct}:assumed-role/{name}/"))
            ))
        }
        _ => Pattern::Regex(escape(value)),
    }
}
