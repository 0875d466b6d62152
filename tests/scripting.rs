//! The command line as scripts meet it: JSON on every path in JSON mode, the
//! validators' exit codes on request, and quiet ends when a reader goes away.

use crate::common::{example, iamcheck};
use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// Runs iamcheck; (exit code, standard output as JSON, standard error).
fn json_of(args: &[&str]) -> (i32, Value, String) {
    let out = iamcheck(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!("{args:?}: stdout is not one JSON value ({e}):\n{stdout}\nstderr: {stderr}")
    });
    (out.status.code().unwrap_or(-1), value, stderr)
}

#[test]
fn every_command_prints_its_errors_as_json_in_json_mode() {
    let p = example("public-put.json");
    let bad =
        r#"{"Version":"2012-10-17","Statement":{"Efect":"Allow","Action":"*","Resource":"*"}}"#;
    let cases: Vec<Vec<&str>> = vec![
        // A document error: located diagnostics.
        vec![
            "check-no-new-access",
            "--existing-policy-document",
            &p,
            "--new-policy-document",
            bad,
            "--policy-type",
            "RESOURCE_POLICY",
        ],
        vec!["check-access-not-granted", "--policy-document", &p, "--access", "nothing=1"],
        vec!["check-no-public-access", "--policy-document", &p, "--resource-type", "S3"],
        vec!["check-no-external-access", "--policy-document", &p],
        vec!["simulate", "--policy-document", &p, "--policy-type", "RESOURCE_POLICY"],
        vec![
            "simulate",
            "--policy-document",
            &p,
            "--policy-type",
            "RESOURCE_POLICY",
            "--request",
            r#"{"action":"s3:PutObject"}"#,
        ],
        vec![
            "smtlib",
            "check-access-not-granted",
            "--policy-document",
            bad,
            "--access",
            "actions=s3:GetObject",
            "--policy-type",
            "IDENTITY_POLICY",
        ],
        // A usage error clap reports.
        vec!["check-no-public-access", "--policy-document", &p, "--no-such-flag"],
        vec![
            "check-no-public-access",
            "--policy-document",
            &p,
            "--resource-type",
            "AWS::S3::Bucket",
            "--timeout",
            "0",
        ],
    ];
    for mut args in cases {
        args.extend(["--output", "json"]);
        let (code, out, stderr) = json_of(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert_eq!(out["result"], "ERROR", "{args:?}: {out}");
        let message = out["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.starts_with("error:"), "{args:?}: {out}");
        assert!(out["errors"].is_array(), "{args:?}: {out}");
        // Standard error keeps the text for people.
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
    }
    // The document error's diagnostics are located.
    let (_, out, _) = json_of(&[
        "check-access-not-granted",
        "--policy-document",
        bad,
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        "IDENTITY_POLICY",
        "--output",
        "json",
    ]);
    let errors = out["errors"].as_array().unwrap();
    let typo = errors.iter().find(|e| e["path"] == "Statement.Efect").expect("the typo's error");
    assert_eq!(typo["document"], "policy document `inline`", "{out}");
    assert_eq!(typo["severity"], "error", "{out}");
    assert_eq!(typo["statementIndex"], 0, "{out}");
    assert_eq!(typo["help"], "did you mean `Effect`?", "{out}");
    assert_eq!((typo["line"].as_u64(), typo["column"].as_u64()), (Some(1), Some(38)), "{out}");
    // batch: its own errors are JSON lines like its results.
    let (code, out, _) = json_of(&["batch", "--input", "/nonexistent.jsonl"]);
    assert_eq!((code, out["result"].as_str()), (2, Some("ERROR")), "{out}");
}

#[test]
fn aws_validator_exit_codes_on_request() {
    let p = example("public-put.json");
    let run = |resource_type: &str, extra: &[&str]| {
        let mut args = vec![
            "check-no-public-access",
            "--policy-document",
            &p,
            "--resource-type",
            resource_type,
        ];
        args.extend_from_slice(extra);
        iamcheck(&args).status.code()
    };
    let aws = ["--exit-codes", "aws-validator"];
    // FAIL: a blocking finding, 2 (iamcheck's own: 1).
    assert_eq!(run("AWS::S3::Bucket", &[]), Some(1));
    assert_eq!(run("AWS::S3::Bucket", &aws), Some(2));
    // An error: 1 (iamcheck's own: 2), also for a usage error.
    assert_eq!(run("AWS::S3::Bucketz", &[]), Some(2));
    assert_eq!(run("AWS::S3::Bucketz", &aws), Some(1));
    assert_eq!(run("AWS::S3::Bucket", &["--exit-codes", "aws-validator", "--bogus"]), Some(1));
    // PASS: 0 in both.
    let private = example("reference-account-only.json");
    for extra in [&[][..], &aws[..]] {
        let mut args = vec![
            "check-no-public-access",
            "--policy-document",
            &private,
            "--resource-type",
            "AWS::S3::Bucket",
        ];
        args.extend_from_slice(extra);
        assert_eq!(iamcheck(&args).status.code(), Some(0), "{extra:?}");
    }
}

/// Runs iamcheck with its standard output's reader gone before it writes
/// (or after `keep` bytes): the run ends without a panic or a message.
fn with_reader_gone(args: &[&str], stdin: &str, keep: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamcheck"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_string();
    // The child may stop reading once its output is gone: write from a thread.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    if keep > 0 {
        let mut head = vec![0; keep];
        stdout.read_exact(&mut head).unwrap();
    }
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let p = example("identity-ec2-s3.json");
    let public = example("public-put.json");
    let smtlib = [
        "smtlib",
        "check-access-not-granted",
        "--policy-document",
        &p,
        "--access",
        "actions=s3:DeleteBucket",
        "--policy-type",
        "IDENTITY_POLICY",
    ];
    let text = [
        "check-no-public-access",
        "--policy-document",
        &public,
        "--resource-type",
        "AWS::S3::Bucket",
        "--output",
        "text",
    ];
    let line = serde_json::json!({"check": "check-no-public-access",
        "policyDocument": std::fs::read_to_string(&public).unwrap(),
        "resourceType": "AWS::S3::Bucket"})
    .to_string();
    let many = vec![line; 600].join("\n");
    let cases: [(&[&str], &str, usize, i32); 5] = [
        (&smtlib, "", 0, 0),
        (&smtlib, "", 100, 0),
        (&text, "", 0, 1),
        (&["--help"], "", 10, 0),
        (&["batch", "--jobs", "1"], &many, 100, 1),
    ];
    for (args, stdin, keep, code) in cases {
        let (got, stderr) = with_reader_gone(args, stdin, keep);
        assert_eq!(got, Some(code), "{args:?} after {keep} bytes: {stderr}");
        assert!(!stderr.contains("Broken pipe") && !stderr.contains("panicked"), "{stderr}");
    }
}
