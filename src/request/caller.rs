//! The condition keys that are functions of the caller (docs/semantics.md §2, "Keys of the
//! caller"): `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`
//! and `aws:userid`, per kind of request principal.
//!
//! Facts (iam-semantics.md §4 "Values of aws:username/aws:userid/aws:PrincipalType by
//! caller" [VARS table], §6 [KEYS]):
//!
//! | caller | PrincipalArn | PrincipalAccount | PrincipalType | username | userid |
//! |---|---|---|---|---|---|
//! | `anonymous` | absent | absent or `anonymous` | `Anonymous` | absent | `anonymous` |
//! | `arn:P:iam::A:root` | itself | `A` | `Account` | absent | `A` |
//! | `arn:P:iam::A:user/PATH/NAME` | itself | `A` | `User` | `NAME` | a unique id `[A-Z0-9]+` |
//! | `arn:P:sts::A:assumed-role/R/S` | `arn:P:iam::A:role/PATH/R`, any path | `A` | `AssumedRole` | absent | `ID:S`, `ID` a unique id |
//! | `arn:P:sts::A:federated-user/N` | itself | `A` | `FederatedUser` | absent | `A:N` |
//! | `service:…`, `federated:…`, `canonical-user:…` | free | free | free | free | free |
//!
//! "Free" means absent or any value: AWS documents none of these keys for service principals,
//! web-identity/SAML callers or canonical users, so iamcheck assumes nothing (sound: a PASS
//! holds whatever they are). `aws:PrincipalAccount` of an anonymous caller: KEYS (2023) says
//! present with the value `anonymous`, later text says anonymous requests lack it, so both are
//! allowed. Unique ids are upper-case letters and digits (`AIDA…`, `AROA…`, IAM identifiers).

use super::{ContextValue, Request};
use crate::policy::PolicyType;

/// The keys of the caller, folded.
pub(crate) const KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
    "aws:userid",
];

pub(crate) use crate::iam::caller::{parse as kind, Caller as Kind};
use crate::iam::grammar::is_unique_id;
pub(crate) use crate::iam::grammar::{is_account, is_name};

/// Whether the caller `k` may have `value` (`None`: absent) as `key` (folded, one of
/// [`KEYS`]).
pub(crate) fn allows(k: &Kind<'_>, key: &str, value: Option<&str>) -> bool {
    match (k, key) {
        (Kind::Service(_) | Kind::Federated(_) | Kind::CanonicalUser(_), _) => true,
        (Kind::Anonymous, "aws:principalaccount") => value.is_none_or(|v| v == "anonymous"),
        (Kind::Anonymous, "aws:principaltype") => value == Some("Anonymous"),
        (Kind::Anonymous, "aws:userid") => value == Some("anonymous"),
        (Kind::Anonymous, _) => value.is_none(),
        (_, "aws:principaltype") => value == Some(type_of(k)),
        (_, "aws:username") => match k {
            Kind::User { name, .. } => value == Some(*name),
            _ => value.is_none(),
        },
        (_, "aws:principalaccount") => value == account_of(k),
        (_, "aws:principalarn") => value.is_some_and(|v| arn_allowed(k, v)),
        (_, "aws:userid") => value.is_some_and(|v| userid_allowed(k, v)),
        _ => true,
    }
}

fn type_of(k: &Kind<'_>) -> &'static str {
    match k {
        Kind::Anonymous => "Anonymous",
        Kind::Root { .. } => "Account",
        Kind::User { .. } => "User",
        Kind::Session { .. } => "AssumedRole",
        Kind::FederatedUser { .. } => "FederatedUser",
        Kind::Service(_) | Kind::Federated(_) | Kind::CanonicalUser(_) => "",
    }
}

fn account_of<'a>(k: &Kind<'a>) -> Option<&'a str> {
    k.account()
}

fn arn_allowed(k: &Kind<'_>, v: &str) -> bool {
    match k {
        Kind::Root { partition, account } => v == format!("arn:{partition}:iam::{account}:root"),
        Kind::User { partition, account, path, name } => {
            v == format!("arn:{partition}:iam::{account}:user/{path}{name}")
        }
        Kind::FederatedUser { partition, account, name, .. } => {
            v == format!("arn:{partition}:sts::{account}:federated-user/{name}")
        }
        Kind::Session { partition, account, role, .. } => {
            let prefix = format!("arn:{partition}:iam::{account}:role/");
            let Some(path_role) = v.strip_prefix(&prefix) else { return false };
            let mut segments: Vec<&str> = path_role.split('/').collect();
            segments.pop() == Some(*role) && segments.iter().all(|s| is_name(s))
        }
        _ => false,
    }
}

fn userid_allowed(k: &Kind<'_>, v: &str) -> bool {
    match k {
        Kind::Root { account, .. } => v == *account,
        Kind::User { .. } => is_unique_id(v),
        Kind::FederatedUser { account, name, .. } => v == format!("{account}:{name}"),
        Kind::Session { session, .. } => {
            v.split_once(':').is_some_and(|(id, s)| is_unique_id(id) && s == *session)
        }
        Kind::Anonymous => v == "anonymous",
        Kind::Service(_) | Kind::Federated(_) | Kind::CanonicalUser(_) => true,
    }
}

/// The values a caller has, for a witness: every key of [`KEYS`] with its value (`None`:
/// absent), choosing the root path for a role and `AIDAEXAMPLE`/`AROAEXAMPLE` for unique ids;
/// `None` for a principal of no known form or one whose keys are free.
pub(crate) fn derived(principal: &str) -> Option<Vec<(&'static str, Option<String>)>> {
    let k = kind(principal)?;
    let arn = match &k {
        Kind::Session { partition, account, role, .. } => {
            Some(format!("arn:{partition}:iam::{account}:role/{role}"))
        }
        Kind::Anonymous => None,
        Kind::Service(_) | Kind::Federated(_) | Kind::CanonicalUser(_) => return None,
        _ => Some(principal.to_string()),
    };
    let userid = match &k {
        Kind::Anonymous => "anonymous".to_string(),
        Kind::Root { account, .. } => account.to_string(),
        Kind::User { .. } => "AIDAEXAMPLE".to_string(),
        Kind::Session { session, .. } => format!("AROAEXAMPLE:{session}"),
        Kind::FederatedUser { account, name, .. } => format!("{account}:{name}"),
        Kind::Service(_) | Kind::Federated(_) | Kind::CanonicalUser(_) => return None,
    };
    let username = match &k {
        Kind::User { name, .. } => Some(name.to_string()),
        _ => None,
    };
    Some(vec![
        ("aws:principalarn", arn),
        ("aws:principalaccount", account_of(&k).map(str::to_string)),
        ("aws:principaltype", Some(type_of(&k).to_string())),
        ("aws:username", username),
        ("aws:userid", Some(userid)),
    ])
}

/// Why the caller keys of `request` cannot belong to one caller, if they cannot.
///
/// A request that states none of [`KEYS`] but `aws:userid` leaves them unstated (its
/// `aws:userid`, if any, must fit its principal); one that states any states all of them (a
/// key it omits is absent). Resource policies: the keys must
/// be those of the request's principal. Identity policies (no principal): some IAM user, role
/// session or federated user — the callers an identity policy applies to [PRIN, ENF] — must
/// have them all.
pub(crate) fn inconsistency(request: &Request, policy_type: PolicyType) -> Option<String> {
    if let Some(why) = partition_gap(request, policy_type) {
        return Some(why);
    }
    let mut stated: Vec<(&str, Option<&str>)> = Vec::new();
    for key in KEYS {
        let value = match request.context_value(key) {
            None => None,
            Some(ContextValue::Single(v)) => Some(v.as_str()),
            Some(ContextValue::Multi(_)) => {
                return Some(format!("`{key}` is single-valued but the request gives a set"))
            }
        };
        stated.push((key, value));
    }
    if stated.iter().take(4).all(|(_, v)| v.is_none()) {
        // Only `aws:userid`, a key of its own: checked against a principal, if any; without
        // one (identity policies), it must be the `aws:userid` of some IAM user, role session
        // or federated user.
        let userid = stated.get(4).and_then(|(_, v)| *v)?;
        if policy_type == PolicyType::Identity {
            return (!identity_userid(userid)).then(|| {
                format!(
                    "`aws:userid` `{userid}` is no IAM user's, role session's or federated user's"
                )
            });
        }
        let k = request.principal.as_deref().and_then(kind)?;
        return (!allows(&k, "aws:userid", Some(userid))).then(|| {
            format!(
                "`aws:userid` does not fit the principal `{}`",
                request.principal.as_deref().unwrap_or_default()
            )
        });
    }
    let bad = |k: &Kind<'_>| stated.iter().find(|(key, v)| !allows(k, key, *v)).map(|(k, _)| *k);
    match policy_type {
        PolicyType::Resource => {
            let Some(principal) = request.principal.as_deref() else {
                return Some("the request states caller keys but no principal".to_string());
            };
            let Some(k) = kind(principal) else {
                return Some(format!("`{principal}` is not a request principal"));
            };
            bad(&k).map(|key| format!("`{key}` does not fit the principal `{principal}`"))
        }
        PolicyType::Identity => {
            let candidates = identity_candidates(&stated);
            if candidates.iter().filter_map(|p| kind(p)).any(|k| bad(&k).is_none()) {
                None
            } else {
                Some("no IAM user, role session or federated user has these caller keys".into())
            }
        }
    }
}

/// Whether `userid` is the `aws:userid` of some IAM user (`AIDA…`), role session
/// (`AROA…:SESSION`) or federated user (`ACCOUNT:NAME`).
fn identity_userid(userid: &str) -> bool {
    match userid.split_once(':') {
        None => is_unique_id(userid),
        Some((head, name)) => is_name(name) && (is_unique_id(head) || is_account(head)),
    }
}

/// Why the caller is in another partition than the resource, if it is (partitions are
/// isolated, docs/semantics.md §2): its principal (resource policies) or the ARN its
/// `aws:PrincipalArn` states.
fn partition_gap(request: &Request, policy_type: PolicyType) -> Option<String> {
    use crate::iam::partition::of_arn;
    let resource = of_arn(&request.resource)?;
    let principal = request.principal.as_deref().filter(|_| policy_type == PolicyType::Resource);
    let stated = match request.context_value("aws:principalarn") {
        Some(ContextValue::Single(v)) => Some(v.as_str()),
        _ => None,
    };
    let caller = principal.and_then(kind).and_then(|k| k.partition());
    [caller, stated.and_then(of_arn)].into_iter().flatten().find(|p| *p != resource).map(|p| {
        format!("the caller's partition `{p}` is not the resource's `{resource}`: partitions are isolated")
    })
}

/// The principals an identity-policy request with these keys could come from: the principal
/// named by `aws:PrincipalArn` (a role's session named by `aws:userid`).
fn identity_candidates(stated: &[(&str, Option<&str>)]) -> Vec<String> {
    let get = |key: &str| stated.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v);
    let Some(arn) = get("aws:principalarn") else { return Vec::new() };
    let mut out = Vec::new();
    if arn.contains(":user/") || arn.contains(":federated-user/") {
        out.push(arn.to_string());
    }
    let session = get("aws:userid").and_then(|u| u.split_once(':')).map(|(_, s)| s);
    out.extend(session.and_then(|s| role_session(arn, s)));
    out
}

/// The session `session` of the role a role ARN names:
/// `arn:P:iam::A:role/PATH/R` → `arn:P:sts::A:assumed-role/R/SESSION`; `None`
/// for any other ARN.
pub(crate) fn role_session(role_arn: &str, session: &str) -> Option<String> {
    let (p, a, role) = crate::iam::grammar::role_arn(role_arn)?;
    Some(format!("arn:{p}:sts::{a}:assumed-role/{role}/{session}"))
}

#[cfg(test)]
mod tests;
