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

/// The arguments of `check-no-new-access` against a policy allowing `s3:Other` only, with
/// `new` (from [`epoch_policy`]) as the new policy.
fn epoch_check(new: &str) -> [&str; 7] {
    [
        "check-no-new-access",
        "--existing-policy-document",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Other","Resource":"*"}}"#,
        "--new-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]
}

/// A policy allowing `s3:GetObject` under `condition`.
fn epoch_policy(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}}}"#
    )
}

/// [`epoch_check`] exported: the exit code and the SMT-LIB script.
fn epoch_script(condition: &str) -> (Option<i32>, String) {
    let new = epoch_policy(condition);
    let mut args = vec!["smtlib"];
    args.extend(epoch_check(&new));
    let out = iamcheck(&args);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The engine's cases on `aws:EpochTime` (docs/semantics.md §2a: epoch seconds, a
/// non-negative integer, under Date and Numeric operators alike), with iamcheck's verdict:
/// `true` for FAIL (satisfiable).
const EPOCH_CASES: [(&str, bool); 5] = [
    (r#"{"NumericLessThan":{"aws:EpochTime":"0"}}"#, false),
    (
        r#"{"NumericGreaterThan":{"aws:EpochTime":"5"},"NumericLessThan":{"aws:EpochTime":"6"}}"#,
        false,
    ),
    (
        r#"{"DateGreaterThan":{"aws:EpochTime":"2020-01-01T00:00:00Z"},"NumericLessThan":{"aws:EpochTime":"1577836801"}}"#,
        false,
    ),
    (
        r#"{"DateGreaterThan":{"aws:EpochTime":"2020-01-01T00:00:00Z"},"NumericLessThan":{"aws:EpochTime":"1577836802"}}"#,
        true,
    ),
    (
        r#"{"NumericGreaterThan":{"aws:EpochTime":"5.5"},"NumericLessThan":{"aws:EpochTime":"7"}}"#,
        true,
    ),
];

#[test]
fn smtlib_states_epoch_seconds_as_the_engine_does() {
    for (condition, fails) in EPOCH_CASES {
        let (code, script) = epoch_script(condition);
        assert_eq!(code, Some(0), "{condition}: {script}");
        // One numeric sort for Date and Numeric operators, values non-negative integers.
        assert!(script.contains("; @key 0 number single \"aws:EpochTime\""), "{script}");
        assert!(script.contains("(assert (and (<= 0.0 k_0) (is_int k_0)))"), "{script}");
        assert!(script.contains("(assert (not k_0_bad))"), "{script}");
        // iamcheck's own verdict, which the solvers must reproduce (below).
        let new = epoch_policy(condition);
        let (exit, out) = crate::common::iamcheck_json(&epoch_check(&new));
        assert_eq!(
            (exit, out["result"].as_str()),
            (i32::from(fails), Some(if fails { "FAIL" } else { "PASS" })),
            "{condition}: {out}"
        );
    }
}

/// z3 (scripts/crosscheck's pinned z3-solver in scripts/.venv) on the `aws:EpochTime` scripts:
/// unsatisfiable exactly where iamcheck PASSes (without the integer restriction z3 found
/// `-1` and `11/2`).
#[test]
fn z3_agrees_on_epoch_seconds() {
    let python = repo("scripts/.venv/bin/python");
    if std::env::var("IAMCHECK_CROSSCHECK").as_deref() != Ok("1") || !python.exists() {
        println!("skipped: set IAMCHECK_CROSSCHECK=1 after scripts/crosscheck/run.sh installed z3");
        return;
    }
    for (condition, fails) in EPOCH_CASES {
        let (_, script) = epoch_script(condition);
        let mut child = Command::new(&python)
            .args(["-c", "import sys, z3; s = z3.Solver(); s.from_string(sys.stdin.read()); print(s.check())"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run z3");
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, script.as_bytes()).expect("write the script");
        }
        let out = child.wait_with_output().expect("z3's answer");
        let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(answer, if fails { "sat" } else { "unsat" }, "{condition}");
    }
}
