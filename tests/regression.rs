//! Regressions found by review, each with what went wrong.

use crate::common::{no_new_access, policy};
use iamcheck::{simulate, Decision, PolicyType, Request, Verdict};
use serde_json::json;

fn identity(statements: serde_json::Value, version: &str) -> iamcheck::Policy {
    policy(&json!({"Version": version, "Statement": statements}).to_string(), PolicyType::Identity)
}

fn allow_if(condition: serde_json::Value) -> serde_json::Value {
    json!([{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}])
}

/// `Null` with an empty list or with both `true` and `false`: the engine
/// read only "some value is true", so `[]` meant "present" and
/// `["true","false"]` meant "absent" — two wrong PASSes. Values are ORed:
/// `[]` never holds, both values always hold.
#[test]
fn null_values_are_ored() {
    let never = identity(allow_if(json!({"Null": {"k": []}})), "2012-10-17");
    let present = identity(allow_if(json!({"Null": {"k": "false"}})), "2012-10-17");
    assert!(matches!(no_new_access(&never, &present, PolicyType::Identity), Verdict::Fail { .. }));
    let absent = identity(allow_if(json!({"Null": {"k": "true"}})), "2012-10-17");
    let always = identity(allow_if(json!({"Null": {"k": ["true", "false"]}})), "2012-10-17");
    let v = no_new_access(&absent, &always, PolicyType::Identity);
    assert!(matches!(v, Verdict::Fail { .. }), "{v:?}");
    let all = identity(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]), "2012-10-17");
    assert!(matches!(no_new_access(&all, &always, PolicyType::Identity), Verdict::Pass));
}

/// The same opaque text under Version 2008-10-17 (literal `${…}`) and
/// 2012-10-17 (a variable) was shared as one construct: a PASS that did
/// not hold for every reading.
#[test]
fn opaque_constructs_are_distinct_across_versions() {
    let c = allow_if(json!({"NumericEquals": {"n": "${aws:username}"}}));
    let old = identity(c.clone(), "2008-10-17");
    let new = identity(c.clone(), "2012-10-17");
    let v = no_new_access(&old, &new, PolicyType::Identity);
    assert!(matches!(v, Verdict::Unknown { .. }), "{v:?}");
    let same = no_new_access(&new, &identity(c, "2012-10-17"), PolicyType::Identity);
    assert!(matches!(same, Verdict::Pass));
}

/// `simulate` answered Unknown for a policy that can never allow (only an
/// undecided Deny): it is denied either way.
#[test]
fn simulate_denies_when_no_allow_can_match() {
    let p = identity(
        json!([{"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::${aws:username}"}]),
        "2012-10-17",
    );
    let r =
        Request { action: "a:a".into(), resource: "arn:aws:s3:::x".into(), ..Default::default() };
    let sim = simulate(&p, PolicyType::Identity, &r).unwrap();
    assert_eq!(sim.decision, Decision::ImplicitDeny);
    assert_eq!(sim.undecided.len(), 1);
}

/// `simulate` accepted principal names outside IAM's name characters that
/// the engine's request universe excludes, so the two disagreed on them.
#[test]
fn simulate_rejects_principal_names_outside_iams_characters() {
    let p = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}).to_string(), PolicyType::Resource);
    for principal in [
        "arn:aws:iam::111111111111:user/é",
        "arn:aws:sts::111111111111:assumed-role/r r/s",
        "arn:aws:sts::111111111111:assumed-role/r/s:x",
    ] {
        let r = Request {
            principal: Some(principal.into()),
            action: "a:a".into(),
            resource: "arn:aws:s3:::x".into(),
            ..Default::default()
        };
        assert!(simulate(&p, PolicyType::Resource, &r).is_err(), "{principal}");
    }
}
