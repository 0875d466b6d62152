//! Which keys a request can carry (docs/semantics.md §2a, `iam::keys`): the engine decides
//! over the requests AWS can receive only, and `simulate` rejects the others. A property
//! test compares the engine with brute force over every valid request of a small universe,
//! and checks that every witness is a valid request.

use crate::common::{access_not_granted, no_new_access, policy};
use iamcheck::{
    check_no_external_access, check_no_public_access, simulate, Access, Config, ContextValue,
    Decision, Policy, PolicyType, Request, ResourceType, Verdict, ZoneOfTrust,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

fn resource(statements: Value) -> Policy {
    policy(
        &json!({"Version": "2012-10-17", "Statement": statements}).to_string(),
        PolicyType::Resource,
    )
}

/// An identity policy allowing everything under the condition block `c`.
fn identity(c: Value) -> Policy {
    policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
            "Resource": "*", "Condition": c}]})
        .to_string(),
        PolicyType::Identity,
    )
}

fn witness(v: &Verdict) -> &Request {
    match v {
        Verdict::Fail { witness, .. } => witness,
        other => panic!("expected FAIL, got {other:?}"),
    }
}

const SOURCE_ARN: &str = "arn:aws:sns:us-east-1:111122223333:topic";

/// The case: `Principal *` with `aws:SourceArn` on an SQS queue. Only a service
/// principal's request carries `aws:SourceArn`, so both checks agree: PASS.
#[test]
fn public_and_external_access_agree_on_source_arn() {
    let p = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:111122223333:q",
        "Condition": {"ArnEquals": {"aws:SourceArn": SOURCE_ARN}}}]));
    let config = Config::default();
    let ty = ResourceType::parse("AWS::SQS::Queue").unwrap();
    assert_eq!(check_no_public_access(&p, ty, &config), Verdict::Pass);
    let zone = ZoneOfTrust { accounts: vec!["111122223333".into()], organizations: vec![] };
    assert_eq!(check_no_external_access(&p, &zone, &config), Verdict::Pass);
    // Any service's request may carry it: access is granted to some request, by a service.
    let v = access_not_granted(&p, &Access::default(), PolicyType::Resource);
    let w = witness(&v);
    assert!(w.principal.as_deref().is_some_and(|p| p.starts_with("service:")), "{w:?}");
}

/// An anonymous caller carries no organization, principal tag or service key; a witness by
/// one states none.
#[test]
fn anonymous_callers_carry_no_signed_keys() {
    let p = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij",
            "aws:PrincipalTag/team": "x"}}}]));
    let v = access_not_granted(&p, &Access::default(), PolicyType::Resource);
    let w = witness(&v);
    if w.principal.as_deref() == Some("anonymous") {
        assert!(w.context_value("aws:PrincipalOrgID").is_none(), "{w:?}");
        assert!(w.context_value("aws:PrincipalTag/team").is_none(), "{w:?}");
    }
    // Requiring the organization to be present leaves anonymous callers out.
    let p = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        "Condition": {"Null": {"aws:PrincipalOrgID": "false"}}}]));
    let v = access_not_granted(&p, &Access::default(), PolicyType::Resource);
    assert_ne!(witness(&v).principal.as_deref(), Some("anonymous"), "{v:?}");
}

/// `aws:PrincipalIsAWSService` is `true` exactly for service principals, `false` for IAM
/// principals, absent for anonymous callers; `aws:PrincipalServiceName` is present exactly
/// for service principals.
#[test]
fn service_keys_follow_the_caller() {
    let only_services = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "*",
        "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}]));
    let v = access_not_granted(&only_services, &Access::default(), PolicyType::Resource);
    assert!(witness(&v).principal.as_deref().is_some_and(|p| p.starts_with("service:")));
    let named = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "*",
        "Resource": "*", "Condition": {"Null": {"aws:PrincipalServiceName": "false"}}}]));
    // Same requests: a service name is present iff a service principal calls.
    assert_eq!(no_new_access(&only_services, &named, PolicyType::Resource), Verdict::Pass);
    assert_eq!(no_new_access(&named, &only_services, PolicyType::Resource), Verdict::Pass);
    // Identity policies: the caller is an IAM principal, never a service.
    let svc = identity(json!({"Bool": {"aws:PrincipalIsAWSService": "true"}}));
    let arn = identity(json!({"Null": {"aws:SourceArn": "false"}}));
    let none = identity(json!({"Null": {"aws:SecureTransport": "true"}}));
    for p in [&svc, &arn, &none] {
        assert_eq!(access_not_granted(p, &Access::default(), PolicyType::Identity), Verdict::Pass);
    }
}

/// Single- or multivalued is the key's property: a `ForAnyValue:` entry on
/// `aws:SourceVpce` in an unrelated `Deny` leaves plain operators on it decided.
#[test]
fn a_set_operator_does_not_make_a_single_valued_key_a_set() {
    let existing = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]));
    let new = resource(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"ForAnyValue:StringEquals": {"aws:SourceVpce": "vpce-3"}}}]));
    let v = no_new_access(&existing, &new, PolicyType::Resource);
    assert_eq!(
        witness(&v).context_value("aws:SourceVpce"),
        Some(&ContextValue::Single("vpce-2".into()))
    );
    assert_eq!(no_new_access(&new, &existing, PolicyType::Resource), Verdict::Pass);
}

/// `aws:EpochTime` under Date and Numeric operators is one sort: decided exactly, with an
/// epoch-seconds witness.
#[test]
fn epoch_time_under_date_and_numeric_operators() {
    let identity = |c: Value| {
        policy(
            &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "*", "Condition": c}]})
            .to_string(),
            PolicyType::Identity,
        )
    };
    let dates = identity(json!({"DateLessThan": {"aws:EpochTime": "2020-01-01T00:00:00Z"}}));
    let numbers = identity(json!({"NumericLessThan": {"aws:EpochTime": "1577836800"}}));
    assert_eq!(no_new_access(&dates, &numbers, PolicyType::Identity), Verdict::Pass);
    assert_eq!(no_new_access(&numbers, &dates, PolicyType::Identity), Verdict::Pass);
    let later = identity(json!({"NumericLessThanEquals": {"aws:EpochTime": "1577836800"}}));
    let v = no_new_access(&dates, &later, PolicyType::Identity);
    assert_eq!(
        witness(&v).context_value("aws:EpochTime"),
        Some(&ContextValue::Single("1577836800".into()))
    );
    // Both at once, and a fractional date: the integers in between.
    let both = identity(json!({"DateGreaterThan": {"aws:EpochTime": "2020-01-01T00:00:00.5Z"},
        "NumericLessThan": {"aws:EpochTime": "1577836802"}}));
    let v = access_not_granted(&both, &Access::default(), PolicyType::Identity);
    assert_eq!(
        witness(&v).context_value("aws:EpochTime"),
        Some(&ContextValue::Single("1577836801".into()))
    );
    let empty = identity(json!({"DateGreaterThan": {"aws:EpochTime": "2020-01-01T00:00:00.5Z"},
        "NumericLessThan": {"aws:EpochTime": "1577836801"}}));
    assert_eq!(access_not_granted(&empty, &Access::default(), PolicyType::Identity), Verdict::Pass);
}

/// Keys AWS always sends are never absent: a `Null … true` on one matches no request.
#[test]
fn always_present_keys_are_never_absent() {
    let p = resource(json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"Null": {"aws:CurrentTime": "true"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"},
            "Bool": {"aws:SecureTransport": "false"}}}]));
    let v = access_not_granted(&p, &Access::default(), PolicyType::Resource);
    let w = witness(&v);
    assert!(w.context_value("aws:RequestedRegion").is_some(), "{w:?}");
    assert_eq!(w.context_value("aws:SecureTransport"), Some(&ContextValue::Single("false".into())));
}

// ---------------------------------------------------------------------------------------
// Property: engine vs brute force over the valid requests of a small universe.

const PRINCIPALS: &[&str] = &[
    "anonymous",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:root",
    "service:sns.amazonaws.com",
    "federated:accounts.google.com",
];

/// Keys with their request values (besides absence) and the policy values.
const KEYS: &[(&str, &[&str], &[&str])] = &[
    ("aws:SourceArn", &[SOURCE_ARN, "arn:aws:sns:us-east-1:444455556666:t"], &[SOURCE_ARN]),
    ("aws:PrincipalOrgID", &["o-aaaaaaaaaa", "o-cccccccccc"], &["o-aaaaaaaaaa", "o-bbbbbbbbbb"]),
    ("aws:PrincipalIsAWSService", &["true", "false"], &["true", "false"]),
    ("aws:SecureTransport", &["true", "false"], &["true", "false"]),
    (
        "aws:PrincipalServiceName",
        &["sns.amazonaws.com", "other.amazonaws.com"],
        &["sns.amazonaws.com"],
    ),
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "Null",
    "Bool",
    "BoolIfExists",
];

fn condition() -> impl Strategy<Value = Value> {
    (0..KEYS.len(), prop::sample::select(OPERATORS), any::<prop::sample::Index>()).prop_map(
        |(k, op, i)| {
            let (key, _, values) = KEYS[k];
            let value = if op == "Null" {
                ["true", "false"][i.index(2)]
            } else {
                values[i.index(values.len())]
            };
            json!({op: {key: value}})
        },
    )
}

fn statement() -> impl Strategy<Value = Value> {
    let principal = prop::sample::select(vec![
        json!("*"),
        json!({"Service": "sns.amazonaws.com"}),
        json!({"AWS": "111122223333"}),
    ]);
    (any::<bool>(), principal, prop::option::of(condition())).prop_map(|(allow, p, c)| {
        let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }, "Principal": p,
            "Action": "*", "Resource": "*"});
        if let Some(c) = c {
            s["Condition"] = c;
        }
        s
    })
}

fn document() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(), 1..4)
        .prop_map(|s| json!({"Version": "2012-10-17", "Statement": s}))
}

/// Every request of the universe that `simulate` accepts (the keys its caller may carry,
/// `aws:SecureTransport` always present).
fn universe(probe: &Policy) -> Vec<Request> {
    let mut contexts: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for (key, values, _) in KEYS {
        let absent = *key != "aws:SecureTransport";
        let mut next = Vec::new();
        for c in &contexts {
            if absent {
                next.push(c.clone());
            }
            for v in *values {
                let mut c = c.clone();
                c.push((key, v));
                next.push(c);
            }
        }
        contexts = next;
    }
    let mut out = Vec::new();
    for p in PRINCIPALS {
        for c in &contexts {
            let r = Request {
                principal: Some(p.to_string()),
                federated_by: None,
                action: "a:a".into(),
                resource: "arn:aws:s3:::a".into(),
                context: c
                    .iter()
                    .map(|(k, v)| (k.to_string(), ContextValue::Single(v.to_string())))
                    .collect(),
            };
            if simulate(probe, PolicyType::Resource, &r).is_ok() {
                out.push(r);
            }
        }
    }
    out
}

fn allows(p: &Policy, r: &Request) -> bool {
    simulate(p, PolicyType::Resource, r).is_ok_and(|s| s.decision == Decision::Allow)
}

#[test]
fn key_availability_engine_agrees_with_brute_force() {
    let cases =
        std::env::var("IAMCHECK_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let config = PtConfig { cases, failure_persistence: None, ..PtConfig::default() };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]));
    let empty =
        resource(json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]));
    let requests = universe(&empty);
    // Anonymous callers with a source ARN, IAM callers with a service name and the like
    // are not requests.
    assert!(requests.len() < PRINCIPALS.len() * 3 * 3 * 3 * 2 * 3);
    runner
        .run(&(document(), document()), |(e, n)| {
            let existing = policy(&e.to_string(), PolicyType::Resource);
            let new = policy(&n.to_string(), PolicyType::Resource);
            let verdict = no_new_access(&existing, &new, PolicyType::Resource);
            let brute = requests.iter().find(|r| allows(&new, r) && !allows(&existing, r));
            match (&verdict, brute) {
                (Verdict::Unknown { reason }, _) => prop_assert!(false, "UNKNOWN: {reason}"),
                (Verdict::Pass, Some(r)) => {
                    prop_assert!(false, "PASS, but {r:?} is new access\nexisting {e}\nnew {n}")
                }
                (Verdict::Fail { witness, .. }, _) => {
                    // `no_new_access` replayed it, so `simulate` accepted it as a request;
                    // a key AWS always sends is stated when the policies compare it.
                    let mentions = e.to_string().contains("aws:SecureTransport")
                        || n.to_string().contains("aws:SecureTransport");
                    prop_assert!(
                        !mentions || witness.context_value("aws:SecureTransport").is_some(),
                        "{witness:?}"
                    );
                }
                _ => {}
            }
            Ok(())
        })
        .unwrap();
}

/// An organization's paths begin with its organization ID, and a principal has both or
/// neither: a `Deny` on any other organization ID covers every path outside it.
#[test]
fn organization_paths_begin_with_the_organization_id() {
    let p = resource(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-aaaaaaaaaa/*"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}}]));
    let allow_org = resource(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}}]),
    );
    assert_eq!(no_new_access(&allow_org, &p, PolicyType::Resource), Verdict::Pass);
    let v = access_not_granted(&p, &Access::default(), PolicyType::Resource);
    let w = witness(&v);
    assert_eq!(
        w.context_value("aws:PrincipalOrgID"),
        Some(&ContextValue::Single("o-aaaaaaaaaa".into()))
    );
    let paths = match w.context_value("aws:PrincipalOrgPaths") {
        Some(ContextValue::Multi(ps)) => ps.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!paths.is_empty() && paths.iter().all(|p| p.starts_with("o-aaaaaaaaaa/")), "{w:?}");
    // Identity policies too: a path under another organization means another ID.
    let both = identity(json!({"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"},
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-bbbbbbbbbb/*"}}));
    assert_eq!(access_not_granted(&both, &Access::default(), PolicyType::Identity), Verdict::Pass);
}
