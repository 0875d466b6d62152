//! The launch article's eleven cases (examples/README.md), through the CLI,
//! with every witness replayed through `iamcheck simulate`.

use crate::common::{example, iamcheck_json};
use serde_json::Value;

fn no_new_access(existing: &str, new: &str, ty: &str) -> (i32, Value) {
    let (e, n) = (example(existing), example(new));
    iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        &e,
        "--new-policy-document",
        &n,
        "--policy-type",
        ty,
    ])
}

fn access_not_granted(policy: &str, access: &str, ty: &str) -> (i32, Value) {
    let p = example(policy);
    iamcheck_json(&[
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        access,
        "--policy-type",
        ty,
    ])
}

fn simulate(policy: &str, ty: &str, witness: &Value) -> String {
    let p = example(policy);
    let w = witness.to_string();
    let (code, out) =
        iamcheck_json(&["simulate", "--policy-document", &p, "--policy-type", ty, "--request", &w]);
    assert_eq!(code, 0, "simulate ran: {out}");
    out["decision"].as_str().unwrap_or_default().to_string()
}

fn reason_indices(out: &Value) -> Vec<u64> {
    out["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["statementIndex"].as_u64().unwrap())
        .collect()
}

fn assert_fail(code: i32, out: &Value) -> &Value {
    assert_eq!((code, out["result"].as_str()), (1, Some("FAIL")), "{out}");
    let w = &out["witness"];
    assert!(w.is_object(), "FAIL carries a witness: {out}");
    w
}

fn assert_pass(code: i32, out: &Value) {
    assert_eq!((code, out["result"].as_str()), (0, Some("PASS")), "{out}");
    assert!(out.get("witness").is_none(), "PASS has no witness: {out}");
    assert_eq!(out["reasons"], serde_json::json!([]));
}

/// Cases 1 and 3: public-put lets principals outside 123456789012 in.
#[test]
fn case_1_3_public_put_is_open_outside_the_account() {
    let (code, out) =
        no_new_access("reference-account-only.json", "public-put.json", "RESOURCE_POLICY");
    let w = assert_fail(code, &out);
    let principal = w["principal"].as_str().unwrap();
    assert!(
        !principal.contains("123456789012"),
        "witness principal is outside the account: {principal}"
    );
    assert_eq!(w["action"], "s3:PutObject");
    assert_eq!(w["resource"], "arn:aws:s3:::DOC-EXAMPLE-BUCKET");
    assert_eq!(reason_indices(&out), vec![0]);
    assert_eq!(simulate("public-put.json", "RESOURCE_POLICY", w), "Allow");
    assert_eq!(simulate("reference-account-only.json", "RESOURCE_POLICY", w), "ImplicitDeny");
}

/// Cases 2 and 4: the Deny with NotPrincipal closes it.
#[test]
fn case_2_4_deny_outside_closes_it() {
    let (code, out) = no_new_access(
        "reference-account-only.json",
        "public-put-deny-outside.json",
        "RESOURCE_POLICY",
    );
    assert_pass(code, &out);
}

#[test]
fn case_5_delete_bucket_is_new_access() {
    let (code, out) =
        no_new_access("public-put.json", "account-put-delete.json", "RESOURCE_POLICY");
    let w = assert_fail(code, &out);
    assert_eq!(reason_indices(&out), vec![0]);
    assert_eq!(out["reasons"][0]["description"], "New access in the statement with index: 0.");
    assert_eq!(
        out["message"],
        "The modified permissions grant new access compared to your existing policy."
    );
    assert_eq!(w["action"], "s3:DeleteBucket");
    assert_eq!(w["resource"], "arn:aws:s3:::DOC-EXAMPLE-BUCKET");
    assert!(w["principal"].as_str().unwrap().contains(":123456789012:"), "{w}");
    assert_eq!(simulate("account-put-delete.json", "RESOURCE_POLICY", w), "Allow");
    assert_eq!(simulate("public-put.json", "RESOURCE_POLICY", w), "ImplicitDeny");
}

#[test]
fn case_6_public_put_is_new_over_account_only() {
    let (code, out) =
        no_new_access("account-put-delete.json", "public-put.json", "RESOURCE_POLICY");
    let w = assert_fail(code, &out);
    assert_eq!(w["action"], "s3:PutObject");
    assert!(!w["principal"].as_str().unwrap().contains("123456789012"), "{w}");
    assert_eq!(simulate("public-put.json", "RESOURCE_POLICY", w), "Allow");
    assert_eq!(simulate("account-put-delete.json", "RESOURCE_POLICY", w), "ImplicitDeny");
}

#[test]
fn case_7_delete_bucket_granted_by_resource_policy() {
    let (code, out) =
        access_not_granted("account-put-delete.json", "actions=s3:DeleteBucket", "RESOURCE_POLICY");
    let w = assert_fail(code, &out);
    assert_eq!(reason_indices(&out), vec![0]);
    assert_eq!(
        out["reasons"][0]["description"],
        "One or more of the listed actions or resources in the statement with index: 0."
    );
    assert_eq!(w["action"], "s3:DeleteBucket");
    assert_eq!(simulate("account-put-delete.json", "RESOURCE_POLICY", w), "Allow");
}

#[test]
fn case_8_delete_bucket_granted_by_statement_1() {
    let (code, out) = access_not_granted(
        "identity-ec2-s3.json",
        r#"[{"actions":["s3:DeleteBucket"]}]"#,
        "IDENTITY_POLICY",
    );
    let w = assert_fail(code, &out);
    assert_eq!(reason_indices(&out), vec![1]);
    assert_eq!(w["action"], "s3:DeleteBucket");
    assert!(w["resource"].as_str().unwrap().starts_with("arn:aws:s3:::DOC-EXAMPLE-BUCKET/"), "{w}");
    assert!(w.get("principal").is_none(), "identity witnesses have no principal: {w}");
    assert_eq!(simulate("identity-ec2-s3.json", "IDENTITY_POLICY", w), "Allow");
}

#[test]
fn case_9_terminate_instances_not_granted() {
    let (code, out) = access_not_granted(
        "identity-ec2-s3.json",
        "actions=ec2:TerminateInstances",
        "IDENTITY_POLICY",
    );
    assert_pass(code, &out);
    assert_eq!(
        out["message"],
        "The policy document does not grant access to perform the listed actions or resources."
    );
}

#[test]
fn case_10_describe_instance_status_granted_by_wildcard() {
    let (code, out) = access_not_granted(
        "identity-ec2-s3.json",
        "actions=ec2:DescribeInstanceStatus",
        "IDENTITY_POLICY",
    );
    let w = assert_fail(code, &out);
    assert_eq!(reason_indices(&out), vec![0]);
    assert!(
        w["action"].as_str().unwrap().eq_ignore_ascii_case("ec2:DescribeInstanceStatus"),
        "{w}"
    );
    assert_eq!(simulate("identity-ec2-s3.json", "IDENTITY_POLICY", w), "Allow");
}

#[test]
fn case_11_policy_against_itself_passes() {
    let (code, out) =
        no_new_access("identity-ec2-s3.json", "identity-ec2-s3.json", "IDENTITY_POLICY");
    assert_pass(code, &out);
}
