//! `iamcheck batch`: JSON Lines in, JSON Lines out, in input order, errors per line.

use crate::common::example;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `iamcheck batch ARGS` with `input` on standard input: exit code and result lines.
fn batch(args: &[&str], input: &str) -> (i32, Vec<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamcheck"))
        .arg("batch")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap_or(-1), lines)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(example(name)).unwrap()
}

fn no_new_access(id: Value, existing: Value, new: Value, ty: &str) -> String {
    json!({"id": id, "check": "check-no-new-access", "existingPolicyDocument": existing,
           "newPolicyDocument": new, "policyType": ty})
    .to_string()
}

#[test]
fn results_come_in_input_order_with_the_single_checks_reports() {
    let public = read("public-put.json");
    let account = read("account-put-delete.json");
    let object: Value = serde_json::from_str(&public).unwrap();
    let mut lines = Vec::new();
    for i in 0..40 {
        // Alternate FAIL (new access) and PASS (no change), documents as strings and objects.
        if i % 2 == 0 {
            lines.push(no_new_access(json!(i), object.clone(), json!(account), "RESOURCE_POLICY"));
        } else {
            lines.push(no_new_access(json!(i), json!(public), object.clone(), "RESOURCE_POLICY"));
        }
    }
    let (code, results) = batch(&["--jobs", "3"], &(lines.join("\n") + "\n"));
    assert_eq!(code, 1);
    assert_eq!(results.len(), 40);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["id"], json!(i));
        assert_eq!(r["result"], if i % 2 == 0 { "FAIL" } else { "PASS" }, "{r}");
        assert!(r.get("elapsedMicros").is_none());
    }
    // The same report as the single check, plus `id` first.
    let single = crate::common::iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        &example("public-put.json"),
        "--new-policy-document",
        &example("account-put-delete.json"),
        "--policy-type",
        "RESOURCE_POLICY",
    ])
    .1;
    let mut first = results[0].as_object().unwrap().clone();
    assert_eq!(first.keys().next().map(String::as_str), Some("id"));
    first.remove("id");
    assert_eq!(Value::Object(first), single);
}

#[test]
fn bad_lines_are_errors_and_the_batch_goes_on() {
    let ok = read("identity-ec2-s3.json");
    let input = [
        json!({"id": "a", "check": "check-access-not-granted", "policyDocument": ok,
               "access": [{"actions": ["ec2:DescribeInstanceStatus"]}], "policyType": "IDENTITY_POLICY"})
        .to_string(),
        "not json".to_string(),
        json!({"id": {"n": 3}, "check": "check-no-new-access", "policyType": "IDENTITY_POLICY",
               "existingPolicyDocument": ok, "newPolicyDocument": "{\"Version\": 1}"})
        .to_string(),
        String::new(),
        json!({"id": 4, "check": "check-nothing"}).to_string(),
        json!({"id": 5, "check": "check-no-public-access", "policyDocument": read("public-put.json"),
               "resourceType": "AWS::S3::Bucket", "stats": true})
        .to_string(),
    ]
    .join("\n");
    let (code, results) = batch(&["--input", "-"], &input);
    assert_eq!(code, 2, "{results:?}");
    assert_eq!(results.len(), 5, "the empty line is skipped: {results:?}");
    assert_eq!(results[0]["id"], "a");
    assert_eq!(results[0]["result"], "FAIL");
    assert_eq!(results[0]["witness"]["action"], "ec2:DescribeInstanceStatus");
    assert_eq!(results[1]["id"], Value::Null);
    assert_eq!(results[1]["result"], "ERROR");
    assert!(results[1]["message"].as_str().unwrap().starts_with("line 2: not JSON"));
    assert_eq!(results[2]["id"], json!({"n": 3}));
    assert_eq!(results[2]["result"], "ERROR");
    assert!(results[2]["message"].as_str().unwrap().contains("newPolicyDocument"));
    assert_eq!(results[3]["result"], "ERROR");
    assert!(results[3]["message"].as_str().unwrap().contains("unknown check `check-nothing`"));
    assert_eq!(results[4]["result"], "FAIL");
    assert!(results[4]["elapsedMicros"].as_u64().is_some());
}

#[test]
fn exit_codes_pass_and_unknown() {
    let ok = read("identity-ec2-s3.json");
    let pass = no_new_access(json!(1), json!(ok), json!(ok), "IDENTITY_POLICY");
    let (code, results) = batch(&["--stats"], &pass);
    assert_eq!(code, 0);
    assert_eq!(results[0]["result"], "PASS");
    assert!(results[0]["elapsedMicros"].as_u64().is_some());
    let (code, results) = batch(&[], "");
    assert_eq!((code, results.len()), (0, 0));
    // A condition on a policy variable is opaque: UNKNOWN when only it decides.
    let var = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#;
    let narrow = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/alice/*"}}"#;
    let unknown = no_new_access(json!(2), json!(narrow), json!(var), "IDENTITY_POLICY");
    let (code, results) = batch(&[], &format!("{unknown}\n{pass}\n"));
    assert_eq!(results.len(), 2);
    if results[0]["result"] == "UNKNOWN" {
        assert_eq!(code, 3);
    }
}

#[test]
fn a_missing_input_file_is_an_error() {
    let (code, results) = batch(&["--input", "/nonexistent/requests.jsonl"], "");
    // The batch's own error is a JSON line too (batch's output is always JSON).
    assert_eq!((code, results.len()), (2, 1));
    assert_eq!(results[0]["result"], "ERROR");
    assert!(results[0]["message"].as_str().unwrap().contains("cannot read"), "{}", results[0]);
}

#[test]
fn every_check_runs_in_batch_and_names_are_checked() {
    let public = read("public-put.json");
    let lines = [
        json!({"id": "ext", "check": "check-no-external-access", "policyDocument": public,
               "trustedAccounts": ["123456789012"]}),
        json!({"id": "pub", "check": "check-no-public-access", "policyDocument": public,
               "resourceType": "AWS::S3::Bucket"}),
        json!({"id": "typo", "check": "check-no-external-acess", "policyDocument": public}),
        json!({"id": "field", "check": "check-no-public-access", "policyDocument": public,
               "resourceTyp": "AWS::S3::Bucket"}),
        json!({"id": "case", "check": "check-no-public-access", "policyDocument": public,
               "resourceType": "aws::s3::bucket"}),
    ]
    .map(|l| l.to_string());
    let (code, results) = batch(&[], &lines.join("\n"));
    assert_eq!(code, 2);
    assert_eq!(results[0]["result"], "FAIL", "{}", results[0]);
    assert!(results[0]["witness"]["principal"].is_string(), "{}", results[0]);
    assert_eq!(results[1]["result"], "FAIL", "{}", results[1]);
    let message = |i: usize| results[i]["message"].as_str().unwrap().to_string();
    assert_eq!(results[2]["result"], "ERROR");
    assert!(message(2).contains("did you mean `check-no-external-access`?"), "{}", message(2));
    assert!(message(3).contains("unknown field `resourceTyp`"), "{}", message(3));
    assert!(message(3).contains("did you mean `resourceType`?"), "{}", message(3));
    assert!(message(4).contains("did you mean `AWS::S3::Bucket`?"), "{}", message(4));
}
