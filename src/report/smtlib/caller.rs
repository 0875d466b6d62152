//! The keys of the caller in the SMT-LIB export (docs/semantics.md §2, "Keys
//! of the caller"; `request::caller` states the facts): `aws:PrincipalArn`,
//! `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username` and
//! `aws:userid` are functions of one caller, written as its parts.
//!
//! `c_kind` is the caller's kind: 0 anonymous, 1 an account's root, 2 an
//! IAM user, 3 a role session, 4 a federated user, 5 a service, web
//! identity or canonical user (whose keys are free: AWS documents none).
//! The parts: partition `c_part`, account `c_acct`, user path or role path
//! `c_path` (`name/` repeated), user/role/federated name `c_name`, session
//! `c_session`, unique id `c_uid`, the IAM user who federated `c_by`
//! (`#user/PATH/NAME`, empty: the root user). In a resource policy the request's
//! `principal` is the caller's ARN (a federated user's followed by `c_by`); an identity policy's caller is an IAM
//! user, role session or federated user. This is exact: every choice of
//! parts is a caller, and every caller has such parts.

use super::keys::Key;
use super::strings::{account, and, name, or, Writer, PARTITIONS};
use crate::request::caller::KEYS;
use std::collections::BTreeMap;

/// A caller key's value for one kind of caller.
enum Val {
    /// The key is absent.
    Absent,
    /// Absent, or the value `anonymous` (anonymous callers' `aws:PrincipalAccount`: KEYS 2023
    /// says present, the current text absent).
    AbsentOrAnonymous,
    /// The key has this value (an SMT-LIB term).
    Is(String),
}

/// Declarations and constraints of the caller, and the ties of the query's
/// caller keys (`keys`, by folded name) to it; empty when the query uses
/// none. `resource_policy`: the request's `principal` is the caller's.
pub(super) fn model(w: &mut Writer, keys: &BTreeMap<String, Key>, resource_policy: bool) -> String {
    let used: Vec<(&str, &Key)> =
        KEYS.iter().filter_map(|k| keys.get(*k).map(|key| (*k, key))).collect();
    if used.is_empty() {
        return String::new();
    }
    for (name, key) in &used {
        if !key.is_plain_string() {
            w.refuse(format!(
                "a key of the caller ({name}) with set qualifiers or typed operators (not exported yet)"
            ));
        }
    }
    let mut out = String::from("; the caller and its keys (docs/semantics.md §2)\n");
    for v in ["c_part", "c_acct", "c_path", "c_name", "c_session", "c_uid", "c_by"] {
        out.push_str(&format!("(declare-const {v} String)\n"));
    }
    out.push_str("(declare-const c_kind Int)\n");
    let partitions: Vec<String> =
        PARTITIONS.iter().map(|p| format!("(= c_part {})", w.string(p))).collect();
    out.push_str(&format!("(assert {})\n", or(partitions)));
    // Partitions are isolated: the caller is in the resource's partition (kinds 1–4 have one).
    out.push_str("(assert (=> (and (<= 1 c_kind) (<= c_kind 4)) (= c_part r_partition)))\n");
    let (name, account) = (name(), account());
    out.push_str(&format!(
        "(assert (str.in_re c_acct {account}))\n(assert (str.in_re c_path (re.* (re.++ {name} (str.to_re \"/\")))))\n(assert (str.in_re c_name {name}))\n(assert (str.in_re c_session {name}))\n(assert (str.in_re c_uid (re.+ (re.union (re.range \"A\" \"Z\") (re.range \"0\" \"9\")))))\n"
    ));
    let arn =
        |svc: &str, rest: &str| format!("(str.++ \"arn:\" c_part \":{svc}::\" c_acct \":{rest}");
    let root = format!("{}\")", arn("iam", "root"));
    let user = format!("{}user/\" c_path c_name)", arn("iam", ""));
    let session = format!("{}assumed-role/\" c_name \"/\" c_session)", arn("sts", ""));
    let federated = format!("{}federated-user/\" c_name)", arn("sts", ""));
    // A federated user's `principal` ends with the IAM user who federated, if not the root.
    out.push_str(&format!("(assert (str.in_re c_by {}))\n", super::strings::federator()));
    let federated_principal = format!("(str.++ {federated} c_by)");
    let role = format!("{}role/\" c_path c_name)", arn("iam", ""));
    if resource_policy {
        out.push_str("(assert (and (<= 0 c_kind) (<= c_kind 5)))\n");
        out.push_str(&format!(
            "(assert (ite (= c_kind 0) (= principal \"anonymous\") (ite (= c_kind 1) (= principal {root}) (ite (= c_kind 2) (= principal {user}) (ite (= c_kind 3) (= principal {session}) (ite (= c_kind 4) (= principal {federated_principal}) (or (str.prefixof \"service:\" principal) (str.prefixof \"federated:\" principal) (str.prefixof \"canonical-user:\" principal))))))))\n"
        ));
    } else {
        // An identity policy applies to IAM users, role sessions and
        // federated users [PRIN, ENF].
        out.push_str("(assert (and (<= 2 c_kind) (<= c_kind 4)))\n");
    }
    for (name, key) in used {
        let (p, v) = (key.present(), key.value());
        // Per kind 0..=4: the key's value; kind 5 is free.
        let values: [Val; 5] = match name {
            "aws:principalarn" => [
                Val::Absent,
                Val::Is(root.clone()),
                Val::Is(user.clone()),
                Val::Is(role.clone()),
                Val::Is(federated.clone()),
            ],
            "aws:principalaccount" => [
                Val::AbsentOrAnonymous,
                Val::Is("c_acct".into()),
                Val::Is("c_acct".into()),
                Val::Is("c_acct".into()),
                Val::Is("c_acct".into()),
            ],
            "aws:principaltype" => [
                Val::Is("\"Anonymous\"".into()),
                Val::Is("\"Account\"".into()),
                Val::Is("\"User\"".into()),
                Val::Is("\"AssumedRole\"".into()),
                Val::Is("\"FederatedUser\"".into()),
            ],
            "aws:username" => {
                [Val::Absent, Val::Absent, Val::Is("c_name".into()), Val::Absent, Val::Absent]
            }
            _ => [
                Val::Is("\"anonymous\"".into()),
                Val::Is("c_acct".into()),
                Val::Is("c_uid".into()),
                Val::Is("(str.++ c_uid \":\" c_session)".into()),
                Val::Is("(str.++ c_acct \":\" c_name)".into()),
            ],
        };
        let mut cases = Vec::new();
        for (kind, value) in values.iter().enumerate() {
            let holds = match value {
                Val::Absent => format!("(not {p})"),
                Val::AbsentOrAnonymous => format!("(or (not {p}) (= {v} \"anonymous\"))"),
                Val::Is(term) => and(vec![p.clone(), format!("(= {v} {term})")]),
            };
            cases.push(format!("(=> (= c_kind {kind}) {holds})"));
        }
        out.push_str(&format!("; {name}\n(assert {})\n", and(cases)));
    }
    out
}
