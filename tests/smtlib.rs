//! `iamcheck smtlib`: the command's contract (always), and the SMT cross-check harness
//! (scripts/crosscheck/run.sh: z3 and cvc5 from PyPI) when `IAMCHECK_CROSSCHECK=1`.

use crate::common::{example, iamcheck, repo};
use std::process::Command;

#[test]
fn smtlib_prints_a_script_for_each_check() {
    let out = iamcheck(&[
        "smtlib",
        "check-no-new-access",
        "--existing-policy-document",
        &example("public-put.json"),
        "--new-policy-document",
        &example("account-put-delete.json"),
        "--policy-type",
        "RESOURCE_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.starts_with("; SMT-LIB 2 export of iamcheck"));
    assert!(script.contains("(declare-const principal String)"));
    assert!(script.contains("(assert (and allow_new (not allow_existing)))"));
    assert!(script.contains("(check-sat)"));

    let out = iamcheck(&[
        "smtlib",
        "check-access-not-granted",
        "--policy-document",
        &example("identity-ec2-s3.json"),
        "--access",
        "actions=ec2:DescribeInstanceStatus",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains(r#"(str.to_re "ec2:describeinstancestatus")"#));
    assert!(script.contains("(assert (and allow_policy allow_access))"));
}

#[test]
fn smtlib_refuses_explain() {
    // A script has no regions: `--explain` is an error with help, never silently ignored.
    let out = iamcheck(&[
        "smtlib",
        "check-no-new-access",
        "--existing-policy-document",
        &example("public-put.json"),
        "--new-policy-document",
        &example("account-put-delete.json"),
        "--policy-type",
        "RESOURCE_POLICY",
        "--explain",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`--explain` does not apply to `iamcheck smtlib`"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn smtlib_exits_3_on_unsupported_constructs_and_2_on_bad_input() {
    // A key compared as a number and as a string: opaque in the engine, not exported.
    let numeric = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"},"StringEquals":{"s3:max-keys":"5"}}}}"#;
    let out = iamcheck(&[
        "smtlib",
        "check-access-not-granted",
        "--policy-document",
        numeric,
        "--access",
        "actions=s3:ListBucket",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("NumericLessThan"), "{stderr}");

    let out = iamcheck(&[
        "smtlib",
        "check-no-new-access",
        "--existing-policy-document",
        "{",
        "--new-policy-document",
        numeric,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn solvers_agree_with_iamcheck() {
    if std::env::var("IAMCHECK_CROSSCHECK").as_deref() != Ok("1") {
        println!(
            "skipped: set IAMCHECK_CROSSCHECK=1 to run scripts/crosscheck/run.sh \
             (installs z3-solver and cvc5 from PyPI into scripts/.venv)"
        );
        return;
    }
    let out = Command::new(repo("scripts/crosscheck/run.sh"))
        .args([
            "--corpus",
            "examples",
            "--corpus",
            "aa-samples",
            "--limit",
            "40",
            "--timeout",
            "20",
        ])
        .output()
        .expect("run scripts/crosscheck/run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "the cross-check failed ({:?})\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn smtlib_exports_typed_and_multivalued_keys() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}}}"#;
    let out = iamcheck(&[
        "smtlib",
        "check-access-not-granted",
        "--policy-document",
        policy,
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains("; @key 2 string multi 1 \"aws:TagKeys\""), "{script}");
    assert!(script.contains("(declare-const k_1_v6 Bool)"), "{script}");
    assert!(script.contains("(< k_0 1893456000.0)"), "{script}");
    assert!(script.contains(r#"(and k_used_2_0 (str.in_re k_2_0 (str.to_re "team")))"#));
}
