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
        json!([{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"n": "${aws:username}"}}}]),
        "2012-10-17",
    );
    let mut r =
        Request { action: "a:a".into(), resource: "arn:aws:s3:::x".into(), ..Default::default() };
    // The key is present (an absent one decides the entry).
    r.context.insert("n".into(), iamcheck::ContextValue::Single("1".into()));
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
            federated_by: None,
            action: "a:a".into(),
            resource: "arn:aws:s3:::x".into(),
            ..Default::default()
        };
        assert!(simulate(&p, PolicyType::Resource, &r).is_err(), "{principal}");
    }
}

/// A request value that does not parse for a typed key (`"abc"` for a
/// number) was never considered: a wrong PASS. Such a value matches no
/// policy value, so `NumericNotEquals` holds for it.
#[test]
fn unparsable_values_of_typed_keys_are_requests_too() {
    let existing = identity(
        json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThanEqualsIfExists": {"s3:max-keys": "5"}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericGreaterThan": {"s3:max-keys": "5"}}}
        ]),
        "2012-10-17",
    );
    let new = identity(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericNotEquals": {"s3:max-keys": "100000"}}}]),
        "2012-10-17",
    );
    let v = no_new_access(&existing, &new, PolicyType::Identity);
    let Verdict::Fail { witness, .. } = &v else { panic!("{v:?}") };
    assert_eq!(
        witness.context_value("s3:max-keys"),
        Some(&iamcheck::ContextValue::Single("not-a-number".into()))
    );
}

/// Reasons named a statement whose match depends on an opaque construct
/// it can never satisfy; only statements no opaque construct constrains
/// are confirmed.
#[test]
fn reasons_do_not_name_statements_that_depend_on_opaque_constructs() {
    let existing = identity(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]),
        "2012-10-17",
    );
    let new = identity(
        json!([
            {"Sid": "Never", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"NumericLessThan": {"k": "1"}, "NumericGreaterThan": {"k": "2"}, "StringEquals": {"k": "a"}}},
            {"Sid": "Real", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
        ]),
        "2012-10-17",
    );
    let v = no_new_access(&existing, &new, PolicyType::Identity);
    let Verdict::Fail { reasons, .. } = &v else { panic!("{v:?}") };
    let sids: Vec<_> = reasons.iter().map(|r| r.statement_id.as_deref()).collect();
    assert_eq!(sids, vec![Some("Real")]);
}

/// A polished witness (a nicer resource) was accepted when `simulate`
/// could no longer decide it; only fully decided polish is kept.
#[test]
fn polishing_keeps_witnesses_simulate_decides() {
    let existing = identity(
        json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:sqs:::foo"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:us-east-1:123456789012:${aws:username}"}
        ]),
        "2012-10-17",
    );
    let new = identity(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]),
        "2012-10-17",
    );
    let v = no_new_access(&existing, &new, PolicyType::Identity);
    let Verdict::Fail { witness, .. } = &v else { panic!("{v:?}") };
    let old = simulate(&existing, PolicyType::Identity, witness).unwrap();
    assert_ne!(old.decision, Decision::Unknown, "{witness:?}");
}

/// Any key ending in `:sub` counted as an OIDC subject, so a caller's tag
/// key `aws:RequestTag/team:sub` kept outsiders out: a wrong PASS.
#[test]
fn only_oidc_hosts_subjects_restrict_public_access() {
    let p = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/team:sub": "prod"}}}]}).to_string(),
        PolicyType::Resource,
    );
    let ty = iamcheck::ResourceType::parse("AWS::S3::Bucket").unwrap();
    let v = iamcheck::check_no_public_access(&p, ty, &iamcheck::Config::default());
    assert!(matches!(v, Verdict::Fail { .. }), "{v:?}");
}

/// Fuzzing (check_structured) found a FAIL whose witness `simulate` left
/// undecided: a `ForAnyValue:` entry with a plain value that matches and a
/// value whose variable names the same (set-valued) key. Kleene logic: the
/// matching value decides the entry; the variable only matters when no
/// other value matches and its widening could.
#[test]
fn simulate_decides_an_entry_a_plain_value_decides() {
    let p = identity(
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"svc:team": ["a*", "${svc:team}-*"]}}}]),
        "2012-10-17",
    );
    let decide = |team: &[&str]| {
        let mut r = Request {
            action: "a:a".into(),
            resource: "arn:aws:s3:::x".into(),
            ..Default::default()
        };
        let values = team.iter().map(|s| s.to_string()).collect();
        // A service key qualified with `ForAnyValue:` is read as multivalued (`iam::keys`).
        r.context.insert("svc:team".into(), iamcheck::ContextValue::Multi(values));
        simulate(&p, PolicyType::Identity, &r).unwrap().decision
    };
    assert_eq!(decide(&["a*"]), Decision::Allow);
    // No value matches, and the widening `*-*` cannot match `b-x`.
    assert_eq!(decide(&["b-x"]), Decision::ImplicitDeny);
    // The widening could match `b-*`: undefined (a set as a variable).
    assert_eq!(decide(&["b-*"]), Decision::Unknown);
}
