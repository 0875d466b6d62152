//! What AWS's requests are, as a policy: which keys each kind of caller's requests carry
//! (`iam::keys`, docs/semantics.md §2a), stated as an extra policy that every request of
//! a check must be allowed by. The engine then decides over the requests AWS can receive
//! only, with the same machinery as any policy, and `simulate` replays the witness
//! against it too.
//!
//! One `Allow` statement per kind of caller (services, web-identity/SAML and canonical
//! callers, anonymous and IAM callers), each with `Null`/`Bool` entries on the query's keys
//! whose availability depends on the caller. Anonymous and IAM callers are told apart by
//! `aws:PrincipalType` (`Anonymous` for anonymous callers only; a key of the caller,
//! `encode::caller`) only when some key needs it. The statement for anonymous and IAM
//! callers (`NotPrincipal` services) admits web-identity and canonical callers too, which
//! is exact because those may carry whatever the other two may (a unit test of
//! `iam::keys` checks it).

use crate::iam::keys::{self, Availability, Caller, GlobalKey, KeySort};
use crate::policy::{
    BaseOperator, Condition, Effect, Element, Operator, Policy, PolicyType, Principal, Statement,
};
use std::collections::BTreeMap;

/// The facts policy of a query over `policies`, `None` when no key of theirs depends on
/// who calls.
pub(crate) fn policy(policies: &[&Policy], policy_type: PolicyType) -> Option<Policy> {
    let keys = mentioned(policies);
    if keys.is_empty() {
        return None;
    }
    let statements = match policy_type {
        PolicyType::Identity => {
            // The caller of an identity policy is an IAM principal (docs/semantics.md §2).
            let conditions = conditions(&keys, Caller::Iam);
            if conditions.is_empty() {
                return None;
            }
            vec![statement(None, conditions)]
        }
        PolicyType::Resource => resource_statements(&keys),
    };
    let statements =
        statements.into_iter().enumerate().map(|(i, s)| Statement { index: i, ..s }).collect();
    Some(Policy { version: None, id: Some("iamcheck request facts".into()), statements })
}

/// The query's condition keys with a caller-dependent row, by folded name (first spelling).
fn mentioned(policies: &[&Policy]) -> BTreeMap<String, (String, &'static GlobalKey)> {
    let mut out = BTreeMap::new();
    for p in policies {
        for s in &p.statements {
            for c in &s.conditions {
                if let Some(row) = keys::lookup(&c.key).filter(|k| k.depends_on_caller()) {
                    out.entry(c.key_folded()).or_insert_with(|| (c.key.clone(), row));
                }
            }
        }
    }
    out
}

fn resource_statements(keys: &BTreeMap<String, (String, &'static GlobalKey)>) -> Vec<Statement> {
    let services = Element { negated: false, values: vec![Principal::Service("*".into())] };
    let others = Element {
        negated: false,
        values: vec![Principal::Federated("*".into()), Principal::CanonicalUser("*".into())],
    };
    let not_services = Element { negated: true, ..services.clone() };
    let mut out = vec![
        statement(Some(services), conditions(keys, Caller::Service)),
        statement(Some(others), conditions(keys, Caller::Other)),
    ];
    let (anonymous, iam) = (conditions(keys, Caller::Anonymous), conditions(keys, Caller::Iam));
    if anonymous == iam {
        out.push(statement(Some(not_services), iam));
    } else {
        let kind = |base: BaseOperator| Condition {
            operator: Operator { qualifier: None, base, if_exists: false },
            key: "aws:PrincipalType".into(),
            values: vec!["Anonymous".into()],
        };
        let mut anonymous = anonymous;
        anonymous.push(kind(BaseOperator::StringEquals));
        let mut iam = iam;
        iam.push(kind(BaseOperator::StringNotEquals));
        out.push(statement(Some(not_services.clone()), anonymous));
        out.push(statement(Some(not_services), iam));
    }
    out
}

/// The entries stating what a request by `caller` carries.
fn conditions(
    keys: &BTreeMap<String, (String, &'static GlobalKey)>,
    caller: Caller,
) -> Vec<Condition> {
    let entry = |base: BaseOperator, if_exists: bool, key: &str, value: &str| Condition {
        operator: Operator { qualifier: None, base, if_exists },
        key: key.to_string(),
        values: vec![value.to_string()],
    };
    let equals = |row: &GlobalKey| match row.sort {
        KeySort::Bool => BaseOperator::Bool,
        _ => BaseOperator::StringEquals,
    };
    keys.values()
        .filter_map(|(key, row)| match row.availability(caller) {
            Availability::Maybe => None,
            Availability::Never => Some(entry(BaseOperator::Null, false, key, "true")),
            Availability::Always => Some(entry(BaseOperator::Null, false, key, "false")),
            Availability::Is(v) => Some(entry(equals(row), false, key, v)),
            Availability::AbsentOr(v) => Some(entry(equals(row), true, key, v)),
        })
        .collect()
}

fn statement(principal: Option<Element<Principal>>, conditions: Vec<Condition>) -> Statement {
    Statement {
        index: 0,
        sid: None,
        effect: Effect::Allow,
        principal,
        action: Element { negated: false, values: vec!["*".into()] },
        resource: Some(Element { negated: false, values: vec!["*".into()] }),
        conditions,
        lines: (0, 0),
    }
}
