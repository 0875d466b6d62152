//! The command-line contract: document forms, output formats, exit codes.

use crate::common::{example, iamcheck, iamcheck_json};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn help_lists_the_subcommands_and_exit_codes() {
    let out = iamcheck(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "check-no-new-access",
        "check-access-not-granted",
        "simulate",
        "0 PASS, 1 FAIL, 2 invalid input",
    ] {
        assert!(text.contains(needle), "--help lacks `{needle}`:\n{text}");
    }
}

#[test]
fn documents_may_be_inline_file_urls_or_stdin() {
    let inline = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
    let file = format!("file://{}", example("identity-ec2-s3.json"));
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        &file,
        "--new-policy-document",
        inline,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["witness"]["action"], "s3:GetObject");

    let mut child = Command::new(env!("CARGO_BIN_EXE_iamcheck"))
        .args([
            "check-no-new-access",
            "--existing-policy-document",
            inline,
            "--new-policy-document",
            "-",
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(inline.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"], "PASS");
}

#[test]
fn text_output_shows_verdict_reason_lines_and_witness() {
    let p = example("identity-ec2-s3.json");
    let out = iamcheck(&[
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "actions=s3:DeleteBucket",
        "--policy-type",
        "IDENTITY_POLICY",
        "--output",
        "text",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "FAIL  check-access-not-granted",
        "statement with index: 1.",
        "\"s3:DeleteBucket\"",
        "action     s3:DeleteBucket",
        "as JSON",
    ] {
        assert!(text.contains(needle), "text output lacks `{needle}`:\n{text}");
    }
}

#[test]
fn the_article_shorthand_principal_is_read_with_a_warning() {
    let p = example("account-put-delete.json");
    let out = iamcheck(&[
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "actions=s3:PutObject",
        "--policy-type",
        "RESOURCE_POLICY",
        "--output",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning") && err.contains(r#"{"AWS": "123456789012"}"#), "{err}");
}

#[test]
fn access_accepts_json_object_and_shorthand_with_resources() {
    let p = example("identity-ec2-s3.json");
    for access in [
        r#"{"actions":["s3:GetObject"],"resources":["arn:aws:s3:::DOC-EXAMPLE-BUCKET/key"]}"#,
        "actions=s3:GetObject,resources=arn:aws:s3:::DOC-EXAMPLE-BUCKET/key",
    ] {
        let (code, out) = iamcheck_json(&[
            "check-access-not-granted",
            "--policy-document",
            &p,
            "--access",
            access,
            "--policy-type",
            "IDENTITY_POLICY",
        ]);
        assert_eq!(code, 1, "{access}: {out}");
        assert_eq!(out["witness"]["resource"], "arn:aws:s3:::DOC-EXAMPLE-BUCKET/key");
    }
    let (code, out) = iamcheck_json(&[
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "resources=arn:aws:s3:::OTHER/*",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn unsupported_constructs_answer_unknown_with_exit_3() {
    let existing = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
    // AWS substitutes variables only in String and Arn operators.
    let new = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"${aws:PrincipalTag/n}"}}}}"#;
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        existing,
        "--new-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!((code, out["result"].as_str()), (3, Some("UNKNOWN")), "{out}");
    assert!(out["message"].as_str().unwrap().contains("policy variables"), "{out}");
    // The same construct on both sides cancels out: exact PASS.
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        new,
        "--new-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_witness_independent_of_unsupported_constructs_is_a_fail() {
    let existing = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}}"#;
    let new = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}"#;
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        existing,
        "--new-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["witness"]["action"], "s3:PutObject");
}

#[test]
fn simulate_prints_decision_and_matching_statements() {
    let p = example("public-put-deny-outside.json");
    let req = r#"{"principal":"arn:aws:iam::111122223333:root","action":"s3:PutObject","resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET"}"#;
    let (code, out) = iamcheck_json(&[
        "simulate",
        "--policy-document",
        &p,
        "--policy-type",
        "RESOURCE_POLICY",
        "--request",
        req,
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["decision"], "ExplicitDeny");
    let idx: Vec<u64> = out["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["statementIndex"].as_u64().unwrap())
        .collect();
    assert_eq!(idx, vec![0, 1]);
}

#[test]
fn usage_errors_exit_2() {
    let out = iamcheck(&["check-no-new-access", "--policy-type", "IDENTITY_POLICY"]);
    assert_eq!(out.status.code(), Some(2));
    let p = example("public-put.json");
    let out = iamcheck(&[
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        "SCP",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = iamcheck(&[
        "check-access-not-granted",
        "--policy-document",
        "/nonexistent.json",
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `/nonexistent.json`"));
}

#[test]
fn numeric_conditions_are_decided_with_typed_witnesses() {
    let existing = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}}"#;
    let new = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"100.5"}}}}"#;
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        existing,
        "--new-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: f64 = out["witness"]["context"]["s3:max-keys"].as_str().unwrap().parse().unwrap();
    assert!(v > 10.0 && v < 100.5, "{out}");
    let (code, out) = iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        new,
        "--new-policy-document",
        existing,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn limit_options_turn_into_errors_or_unknown_naming_the_limit() {
    let p = example("identity-ec2-s3.json");
    let base = [
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "actions=s3:DeleteBucket",
        "--policy-type",
        "IDENTITY_POLICY",
        "--output",
        "json",
    ];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        iamcheck(&args)
    };
    let out = with(&["--max-statements", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 statements, more than the limit of 1"));
    let out = with(&["--max-pattern-length", "5"]);
    assert_eq!(out.status.code(), Some(2));
    let out = with(&["--max-search-nodes", "1"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("budget of 1 nodes"));
    let out = with(&["--max-automaton-nodes", "3"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("budget of 3 search nodes"));
    let out = with(&["--timeout", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = with(&["--timeout", "30"]);
    assert_eq!(out.status.code(), Some(1));
}

/// `diff`'s exit code answers "does the new version add access?": 0 when surely not, even
/// when whether it removes some stays undecided (the relation is then UNKNOWN).
#[test]
fn diff_exits_0_when_nothing_is_added_and_removal_is_undecided() {
    let tags = |cond: serde_json::Value| {
        serde_json::json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": cond}})
    };
    let same = tags(serde_json::json!({"aws:ResourceTag/t": "${aws:PrincipalTag/t}"}));
    let reversed = tags(serde_json::json!({"aws:PrincipalTag/t": "${aws:ResourceTag/t}"}));
    let new = serde_json::json!({"Version": "2012-10-17", "Statement": [same.clone()]});
    let existing = serde_json::json!({"Version": "2012-10-17", "Statement": [same, reversed]});
    let (code, out) = iamcheck_json(&[
        "diff",
        "--existing-policy-document",
        &existing.to_string(),
        "--new-policy-document",
        &new.to_string(),
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["relation"], "UNKNOWN", "{out}");
    assert_eq!(out["complete"], false, "{out}");
    assert_eq!(out["added"], serde_json::json!([]), "{out}");
    assert_eq!(out["undecided"]["added"], serde_json::json!([]), "{out}");
    assert_eq!(out["undecided"]["removed"].as_array().map(Vec::len), Some(1), "{out}");
}

/// Markdown with every region cut by `--max-regions 0` still says how many were left out
/// (it used to print "0 region(s) maybe added" instead).
#[test]
fn diff_markdown_counts_regions_cut_by_max_regions() {
    let out = iamcheck(&[
        "diff",
        "--existing-policy-document",
        &example("public-put.json"),
        "--new-policy-document",
        &example("account-put-delete.json"),
        "--policy-type",
        "RESOURCE_POLICY",
        "--max-regions",
        "0",
        "--output",
        "markdown",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("more added and"), "{text}");
    assert!(text.contains("not listed (`--max-regions`)"), "{text}");
    assert!(!text.contains("maybe added"), "{text}");
}
