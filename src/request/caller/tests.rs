use super::*;
use std::collections::BTreeMap;

fn request(principal: Option<&str>, context: &[(&str, &str)]) -> Request {
    Request {
        principal: principal.map(str::to_string),
        federated_by: None,
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::b".into(),
        context: context
            .iter()
            .map(|(k, v)| (k.to_string(), ContextValue::Single(v.to_string())))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The derived context of `principal` as a request.
fn derived_request(principal: &str) -> Request {
    let mut req = request(Some(principal), &[]);
    // In the caller's partition: partitions are isolated.
    if let Some(p) = crate::iam::partition::of_arn(principal) {
        req.resource = format!("arn:{p}:s3:::b");
    }
    for (key, value) in derived(principal).unwrap() {
        if let Some(v) = value {
            req.context.insert(key.to_string(), ContextValue::Single(v));
        }
    }
    req
}

const CALLERS: &[&str] = &[
    "anonymous",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/dev/ops/alice",
    "arn:aws-cn:sts::111122223333:assumed-role/R/s1",
    "arn:aws:sts::111122223333:federated-user/bob",
];

#[test]
fn derived_values_are_consistent_for_every_kind() {
    for p in CALLERS {
        let req = derived_request(p);
        assert_eq!(inconsistency(&req, PolicyType::Resource), None, "{p}");
        if !p.contains(":root") && *p != "anonymous" {
            let mut identity = req.clone();
            identity.principal = None;
            assert_eq!(inconsistency(&identity, PolicyType::Identity), None, "{p}");
        }
    }
}

#[test]
fn the_table_of_values() {
    let user = kind("arn:aws:iam::111122223333:user/dev/alice").unwrap();
    assert!(allows(&user, "aws:username", Some("alice")));
    assert!(!allows(&user, "aws:username", Some("dev/alice")));
    assert!(allows(&user, "aws:principalarn", Some("arn:aws:iam::111122223333:user/dev/alice")));
    assert!(allows(&user, "aws:userid", Some("AIDA123")));
    assert!(!allows(&user, "aws:userid", Some("alice")));
    let session = kind("arn:aws:sts::111122223333:assumed-role/R/s").unwrap();
    assert!(allows(&session, "aws:principalarn", Some("arn:aws:iam::111122223333:role/R")));
    assert!(allows(&session, "aws:principalarn", Some("arn:aws:iam::111122223333:role/a/b/R")));
    assert!(!allows(&session, "aws:principalarn", Some("arn:aws:iam::111122223333:role/RR")));
    assert!(!allows(
        &session,
        "aws:principalarn",
        Some("arn:aws:sts::111122223333:assumed-role/R/s")
    ));
    assert!(allows(&session, "aws:userid", Some("AROA1:s")));
    assert!(!allows(&session, "aws:userid", Some("AROA1:t")));
    assert!(allows(&session, "aws:username", None));
    assert!(allows(&session, "aws:principaltype", Some("AssumedRole")));
    let anonymous = kind("anonymous").unwrap();
    assert!(allows(&anonymous, "aws:principalaccount", None));
    assert!(allows(&anonymous, "aws:principalaccount", Some("anonymous")));
    assert!(!allows(&anonymous, "aws:principalaccount", Some("111122223333")));
    assert!(!allows(&anonymous, "aws:principalarn", Some("anonymous")));
    let root = kind("arn:aws:iam::111122223333:root").unwrap();
    assert!(allows(&root, "aws:userid", Some("111122223333")));
    assert!(allows(&root, "aws:principaltype", Some("Account")));
    assert!(allows(&root, "aws:username", None));
    let fed = kind("arn:aws:sts::111122223333:federated-user/bob").unwrap();
    assert!(allows(&fed, "aws:userid", Some("111122223333:bob")));
    assert!(allows(&fed, "aws:principaltype", Some("FederatedUser")));
    let service = kind("service:s3.amazonaws.com").unwrap();
    for key in KEYS {
        assert!(allows(&service, key, None) && allows(&service, key, Some("x")));
    }
}

#[test]
fn the_issue_example_is_inconsistent() {
    // Principal anonymous with an account: what the independent key fields used to report.
    let req = request(Some("anonymous"), &[("aws:PrincipalAccount", "111122223333")]);
    assert!(inconsistency(&req, PolicyType::Resource).is_some());
    let req = request(
        Some("arn:aws:iam::111122223333:root"),
        &[("aws:PrincipalAccount", "444455556666")],
    );
    assert!(inconsistency(&req, PolicyType::Resource).is_some());
    // Stating one key states all: a root without its type is inconsistent.
    let req = request(
        Some("arn:aws:iam::111122223333:root"),
        &[("aws:PrincipalAccount", "111122223333")],
    );
    assert!(inconsistency(&req, PolicyType::Resource).is_some());
    // Unstated keys are not checked.
    assert_eq!(inconsistency(&request(Some("anonymous"), &[]), PolicyType::Resource), None);
}

#[test]
fn identity_requests_need_one_caller() {
    let mut req = derived_request("arn:aws:iam::111122223333:user/alice");
    req.principal = None;
    assert_eq!(inconsistency(&req, PolicyType::Identity), None);
    req.context.insert("aws:PrincipalType".into(), ContextValue::Single("AssumedRole".into()));
    assert!(inconsistency(&req, PolicyType::Identity).is_some());
    let mut anon = derived_request("anonymous");
    anon.principal = None;
    assert!(inconsistency(&anon, PolicyType::Identity).is_some());
}

#[test]
fn callers_in_another_partition_than_the_resource_are_inconsistent() {
    let mut req = derived_request("arn:aws-cn:sts::111122223333:assumed-role/R/s1");
    assert_eq!(inconsistency(&req, PolicyType::Resource), None);
    req.resource = "arn:aws:s3:::b".into();
    let why = inconsistency(&req, PolicyType::Resource).unwrap_or_default();
    assert!(why.contains("partition `aws-cn` is not the resource's `aws`"), "{why}");
    // Identity policies: the partition of `aws:PrincipalArn`.
    req.principal = None;
    let why = inconsistency(&req, PolicyType::Identity).unwrap_or_default();
    assert!(why.contains("partitions are isolated"), "{why}");
    req.resource = "arn:aws-cn:s3:::b".into();
    assert_eq!(inconsistency(&req, PolicyType::Identity), None);
}
