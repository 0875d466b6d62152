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
fn smtlib_exits_3_on_unsupported_constructs_and_2_on_bad_input() {
    let numeric = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}}"#;
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
