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

use crate::iam::keys::{self, Availability, CallerKind, GlobalKey, KeySort};
use crate::policy::{
    BaseOperator, Condition, Effect, Element, Operator, Policy, PolicyType, Principal, Statement,
};
use std::collections::BTreeMap;

/// The facts policies of a query over `policies`: what each kind of caller carries (when
/// some key of theirs depends on it) and how an organization's ID and paths go together.
pub(crate) fn policies(policies: &[&Policy], policy_type: PolicyType) -> Vec<Policy> {
    let mut out: Vec<Policy> = callers(policies, policy_type).into_iter().collect();
    out.extend(
        ORGANIZATION_KEYS.iter().filter_map(|pair| organization(policies, policy_type, *pair)),
    );
    out
}

/// The keys each kind of caller's requests carry, when some key depends on it.
fn callers(policies: &[&Policy], policy_type: PolicyType) -> Option<Policy> {
    let keys = mentioned(policies);
    if keys.is_empty() {
        return None;
    }
    let statements = match policy_type {
        PolicyType::Identity => {
            // The caller of an identity policy is an IAM principal (docs/semantics.md §2).
            let conditions = conditions(&keys, CallerKind::Iam);
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
        statement(Some(services), conditions(keys, CallerKind::Service)),
        statement(Some(others), conditions(keys, CallerKind::Other)),
    ];
    let (anonymous, iam) =
        (conditions(keys, CallerKind::Anonymous), conditions(keys, CallerKind::Iam));
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
    caller: CallerKind,
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

/// An organization ID key and its paths key (KEYS: a path "o-a1b2c3d4e5/r-…/ou-…/" begins with
/// the organization ID; both are present only for a member of an organization).
const ORGANIZATION_KEYS: &[(&str, &str)] = &[
    ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths"),
    ("aws:ResourceOrgID", "aws:ResourceOrgPaths"),
    ("aws:SourceOrgID", "aws:SourceOrgPaths"),
    ("aws:VpceOrgID", "aws:VpceOrgPaths"),
];

/// When a query compares both keys of `pair`: both absent, or both present with every path
/// under the ID (one statement per organization the query names, one for every other).
fn organization(
    policies: &[&Policy],
    policy_type: PolicyType,
    (id, paths): (&str, &str),
) -> Option<Policy> {
    let mut orgs = std::collections::BTreeSet::new();
    let (mut seen_id, mut seen_paths) = (false, false);
    for p in policies {
        for s in &p.statements {
            for c in &s.conditions {
                let is_id = c.key.eq_ignore_ascii_case(id);
                let is_paths = c.key.eq_ignore_ascii_case(paths);
                seen_id |= is_id;
                seen_paths |= is_paths;
                if is_id || is_paths {
                    // The organization a value names: its text up to the first `/`.
                    let named = c.values.iter().filter_map(|v| v.split('/').next());
                    orgs.extend(named.filter(|o| is_org_id(o)).map(str::to_string));
                }
            }
        }
    }
    if !(seen_id && seen_paths) {
        return None;
    }
    let entry = |op: &str, key: &str, values: Vec<String>| Condition {
        operator: Operator::from_name(op).unwrap_or(Operator {
            qualifier: None,
            base: BaseOperator::Null,
            if_exists: false,
        }),
        key: key.to_string(),
        values,
    };
    let under = |o: &str| format!("{o}/*");
    let member = |id_entry: Condition, paths_entry: Condition| {
        statement(
            None,
            vec![
                id_entry,
                paths_entry,
                // A member's paths: at least one.
                entry("ForAnyValue:StringLike", paths, vec!["*".into()]),
            ],
        )
    };
    let mut statements = vec![statement(
        None,
        vec![entry("Null", id, vec!["true".into()]), entry("Null", paths, vec!["true".into()])],
    )];
    for o in &orgs {
        statements.push(member(
            entry("StringEquals", id, vec![o.clone()]),
            entry("ForAllValues:StringLike", paths, vec![under(o)]),
        ));
    }
    statements.push(member(
        entry("StringNotEquals", id, orgs.iter().cloned().collect()),
        entry("ForAllValues:StringNotLike", paths, orgs.iter().map(|o| under(o)).collect()),
    ));
    let mut present = statements.split_off(1);
    for s in &mut present {
        s.conditions.push(entry("Null", id, vec!["false".into()]));
    }
    statements.extend(present);
    let principal = (policy_type == PolicyType::Resource)
        .then(|| Element { negated: false, values: vec![Principal::Everyone] });
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| Statement { index: i, principal: principal.clone(), ..s })
        .collect();
    Some(Policy { version: None, id: Some("iamcheck organization facts".into()), statements })
}

/// An organization ID (`iam::keys::ORG_ID`).
fn is_org_id(o: &str) -> bool {
    o.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}
