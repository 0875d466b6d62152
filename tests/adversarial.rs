//! Hostile and broken input: every case ends with a clear outcome (an
//! error naming the problem, or a verdict, or UNKNOWN naming the budget),
//! never a panic (exit 101), a hang or a silent misreading. Times are
//! bounded by the budgets; the guard below only catches hangs.

use crate::common::{iamcheck, policy};
use iamcheck::automata::AtomBudget;
use iamcheck::encode::EncodeBudget;
use iamcheck::unknown::{AutomatonField, Budget, ConstructKind};
use iamcheck::{check_no_new_access, Config, PolicyType, UnknownReason, Verdict};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("iamcheck-adv-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `check-access-not-granted` on a document file; returns (exit, stderr).
fn run_on(bytes: &[u8], name: &str) -> (i32, String) {
    let (code, _, stderr) = run_with(bytes, name, &[]);
    (code, stderr)
}

/// Like [`run_on`] with more options; returns (exit, stdout, stderr).
fn run_with(bytes: &[u8], name: &str, extra: &[&str]) -> (i32, String, String) {
    let path = temp(name, bytes);
    let start = Instant::now();
    let mut args = vec![
        "check-access-not-granted",
        "--policy-document",
        path.to_str().unwrap(),
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        "IDENTITY_POLICY",
        "--output",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = iamcheck(&args);
    let _ = std::fs::remove_file(&path);
    assert!(start.elapsed() < Duration::from_secs(120), "{name} took {:?}", start.elapsed());
    let code = out.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{name} panicked: {}", String::from_utf8_lossy(&out.stderr));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (code, text(&out.stdout), text(&out.stderr))
}

fn statement_doc(statement: serde_json::Value) -> Vec<u8> {
    json!({"Version": "2012-10-17", "Statement": [statement]}).to_string().into_bytes()
}

#[test]
fn a_10_mb_policy_is_refused_by_the_size_limit() {
    let values: Vec<String> = (0..1_000_000).map(|i| format!("s3:GetObjectNumber{i}")).collect();
    let doc = statement_doc(json!({"Effect": "Allow", "Action": values, "Resource": "*"}));
    assert!(doc.len() > 10_000_000);
    let (code, err) = run_on(&doc, "10mb");
    assert_eq!(code, 2);
    assert!(err.contains("more than the limit of 1048576 bytes"), "{err}");
}

#[test]
fn invalid_utf8_and_nul_bytes_are_errors() {
    let (code, err) = run_on(b"{\"Version\":\"2012-10-17\",\"Statement\":\xff}", "utf8");
    assert_eq!(code, 2);
    assert!(err.contains("not valid UTF-8"), "{err}");
    let (code, err) = run_on(b"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:\x00\",\"Resource\":\"*\"}}", "nul");
    assert_eq!(code, 2);
    assert!(err.contains("invalid JSON"), "{err}");
    let escaped = br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:\u0000","Resource":"*"}}"#;
    let (code, err) = run_on(escaped, "nul-escaped");
    assert_eq!(code, 2);
    assert!(err.contains("U+0000"), "{err}");
}

#[test]
fn characters_outside_iams_set_are_errors_and_inside_it_are_not() {
    for (c, ok) in [
        ('\u{9}', true),
        ('\u{7f}', true),
        ('\u{ff}', true),
        ('\u{1}', false),
        ('\u{100}', false),
        ('\u{1F600}', false),
    ] {
        let doc = statement_doc(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::b{c}")}),
        );
        let (code, err) = run_on(&doc, "chars");
        if ok {
            assert!(code == 0 || code == 1, "U+{:04X}: {code} {err}", u32::from(c));
        } else {
            assert_eq!(code, 2, "U+{:04X}", u32::from(c));
            assert!(err.contains(&format!("U+{:04X}", u32::from(c))), "{err}");
        }
    }
}

#[test]
fn numbers_and_objects_where_strings_belong_are_errors() {
    for (element, value) in [
        ("Action", json!(5)),
        ("Resource", json!([1])),
        ("Effect", json!(true)),
        ("Sid", json!({})),
    ] {
        let mut st = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        st[element] = value;
        let (code, err) = run_on(&statement_doc(st), "types");
        assert_eq!(code, 2, "{element}");
        assert!(err.contains(element), "{element}: {err}");
    }
}

#[test]
fn ten_thousand_statements_are_refused_and_two_thousand_are_decided() {
    let st = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
    let doc = json!({"Version": "2012-10-17", "Statement": vec![st.clone(); 10_000]}).to_string();
    let (code, err) = run_on(doc.as_bytes(), "10k");
    assert_eq!(code, 2);
    assert!(err.contains("more than the limit of 2000"), "{err}");
    let sts: Vec<_> = (0..2_000).map(|i| json!({"Effect": "Allow", "Action": format!("svc{i}:Get*"), "Resource": format!("arn:aws:svc{i}:*:*:thing/{i}/*")})).collect();
    let doc = json!({"Version": "2012-10-17", "Statement": sts}).to_string();
    let (code, err) = run_on(doc.as_bytes(), "2k");
    assert_eq!(code, 0, "{err}");
}

fn small_budget() -> Config {
    let atoms = AtomBudget { cache_bytes: 2 << 20, max_nodes: 50_000, ..AtomBudget::default() };
    Config {
        encode: EncodeBudget { atoms, ..EncodeBudget::default() },
        max_search_nodes: 100_000,
        ..Config::default()
    }
}

#[test]
fn wildcard_bombs_end_in_unknown_naming_the_budget() {
    let mut patterns = Vec::new();
    let mut seed = 7u32;
    for _ in 0..1_000 {
        let mut p = String::from("arn:aws:s3:::");
        for _ in 0..6 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            p.push('*');
            p.push(if seed & 0x100 == 0 { 'a' } else { 'b' });
            p.push('?');
        }
        p.push('*');
        patterns.push(p);
    }
    let bomb = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": patterns}]}).to_string(), PolicyType::Identity);
    let plain = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}).to_string(), PolicyType::Identity);
    let v = check_no_new_access(&plain, &bomb, PolicyType::Identity, &small_budget());
    let Verdict::Unknown { reason } = v else { panic!("{v:?}") };
    let UnknownReason::Budget { budget, .. } = &reason else { panic!("{reason:?}") };
    assert_eq!(budget.field(), Some(AutomatonField::Resource), "{reason}");
    assert!(reason.code().starts_with("budget.automaton"), "{reason}");
    let message = reason.to_string();
    assert!(message.contains("budget") && message.contains("resource automaton"), "{message}");
}

#[test]
fn huge_condition_value_lists_are_decided() {
    let values: Vec<String> = (0..50_000).map(|i| format!("v{i}")).collect();
    let doc = statement_doc(
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/x": values}}}),
    );
    let (code, err) = run_on(&doc, "biglist");
    // The values of one entry are one automaton pattern (merged by usage):
    // decided, not a budget. s3:GetObject on any resource with the tag is
    // granted.
    assert_eq!(code, 1, "{err}");
}

#[test]
fn a_time_limit_stops_a_wildcard_bomb_with_unknown() {
    let patterns: Vec<String> =
        (0..300).map(|i| format!("arn:aws:s3:::*{}?*{}?*{}*", i % 7, i % 5, i % 3)).collect();
    let doc =
        statement_doc(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": patterns}));
    let limits = ["--timeout", "0.2", "--max-automaton-bytes", "1000000000"];
    let (code, stdout, _) = run_with(&doc, "bomb", &limits);
    // Either decided within the limit or UNKNOWN naming the time limit (or
    // an automaton budget hit first).
    match Some(code) {
        Some(3) => {
            let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let code = out["code"].as_str().unwrap_or_default();
            assert!(code == "timeout" || code.starts_with("budget.automaton"), "{stdout}");
            assert!(
                stdout.contains("time limit of 0.200 s") || stdout.contains("budget"),
                "{stdout}"
            )
        }
        Some(0 | 1) => {}
        other => panic!("{other:?}: {stdout}"),
    }
}

/// One statement allowing `s3:GetObject` under `condition` (identity policy).
fn conditional(condition: serde_json::Value) -> iamcheck::Policy {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*", "Condition": condition}]});
    policy(&doc.to_string(), PolicyType::Identity)
}

/// The reason of an UNKNOWN verdict, or a panic naming the verdict.
fn unknown_reason(v: Verdict) -> UnknownReason {
    match v {
        Verdict::Unknown { reason } => reason,
        other => panic!("expected UNKNOWN, got {other:?}"),
    }
}

/// Every budget ends in UNKNOWN with its own code and its limit (issue 11 §9).
#[test]
fn each_budget_has_its_code_and_limit() {
    let deny_all = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
            .to_string(),
        PolicyType::Identity,
    );
    let wide = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "ec2:*"], "Resource": ["arn:aws:s3:::a*b", "arn:aws:s3:::*c?d*"]}]})
            .to_string(),
        PolicyType::Identity,
    );
    let sets = conditional(json!({
        "ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]},
        "ForAllValues:StringLike": {"aws:TagKeys": ["a*", "b*", "c*"]}
    }));
    let atoms = |f: fn(&mut AtomBudget)| {
        let mut config = Config::default();
        f(&mut config.encode.atoms);
        config
    };
    let cases: Vec<(&iamcheck::Policy, Config, &str, Budget, u64)> = vec![
        (
            &wide,
            Config { max_search_nodes: 1, ..Config::default() },
            "budget.searchNodes",
            Budget::SearchNodes,
            1,
        ),
        (
            &wide,
            atoms(|a| a.max_nodes = 3),
            "budget.automatonNodes",
            Budget::AutomatonNodes(AutomatonField::Resource),
            3,
        ),
        (
            &wide,
            atoms(|a| a.max_atoms = 1),
            "budget.automatonAtoms",
            Budget::AutomatonAtoms(AutomatonField::Action),
            1,
        ),
        (
            &wide,
            atoms(|a| a.cache_bytes = 1),
            "budget.automatonCacheBytes",
            Budget::AutomatonCacheBytes(AutomatonField::Resource),
            1,
        ),
        (
            &sets,
            Config {
                encode: EncodeBudget { max_set_states: 1, ..EncodeBudget::default() },
                ..Config::default()
            },
            "budget.multivaluedClasses",
            Budget::MultivaluedClasses,
            1,
        ),
    ];
    for (new, config, code, budget, limit) in cases {
        let reason =
            unknown_reason(check_no_new_access(&deny_all, new, PolicyType::Identity, &config));
        assert_eq!(reason, UnknownReason::Budget { budget, limit }, "{reason}");
        assert_eq!(reason.code(), code);
        assert!(reason.is_budget());
        assert!(reason.to_string().contains(&format!(" {limit} ")), "{reason}");
    }
    let config = Config { timeout: Some(Duration::ZERO), ..Config::default() };
    let reason =
        unknown_reason(check_no_new_access(&deny_all, &wide, PolicyType::Identity, &config));
    assert_eq!(
        (reason.code(), reason.to_string()),
        ("timeout", "the check exceeded its time limit of 0.000 s".to_string())
    );
}

/// Every construct left undecided ends in UNKNOWN with its own code.
#[test]
fn each_undecided_construct_has_its_code() {
    let deny_all = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
            .to_string(),
        PolicyType::Identity,
    );
    let cases = [
        (
            json!({"NumericLessThan": {"s3:max-keys": "${aws:username}"}}),
            ConstructKind::VariableOperator,
            "construct.variableOperator",
        ),
        (
            json!({"NumericLessThan": {"s3:max-keys": "5"}, "DateGreaterThan": {"s3:max-keys": "2020-01-01T00:00:00Z"}}),
            ConstructKind::MixedTypes,
            "construct.mixedTypes",
        ),
        (
            json!({"StringEquals": {"aws:TagKeys": "a"}}),
            ConstructKind::UnqualifiedMultivalued,
            "construct.unqualifiedMultivalued",
        ),
    ];
    for (condition, kind, code) in cases {
        let new = conditional(condition);
        let reason = unknown_reason(check_no_new_access(
            &deny_all,
            &new,
            PolicyType::Identity,
            &Config::default(),
        ));
        let UnknownReason::Construct { constructs } = &reason else { panic!("{reason:?}") };
        assert!(constructs.iter().all(|c| c.kind == kind), "{reason:?}");
        assert_eq!(reason.code(), code);
        assert!(!reason.is_budget());
    }
    // A relation between a policy variable and a value the public-access
    // model restricts: the construct is the policy variable.
    let owner = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "${aws:ResourceAccount}"}}}]})
        .to_string(),
        PolicyType::Resource,
    );
    let s3 = iamcheck::ResourceType::parse("AWS::S3::Bucket").unwrap();
    let reason = unknown_reason(iamcheck::check_no_public_access(&owner, s3, &Config::default()));
    assert_eq!(reason.code(), "construct.policyVariable", "{reason}");
}

/// The JSON output and the batch output carry the code beside the message.
#[test]
fn json_and_batch_outputs_carry_the_code() {
    let doc = statement_doc(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:TagKeys": "a"}}}));
    let (code, stdout, _) = run_with(&doc, "construct", &[]);
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (code, &out["result"], &out["code"]),
        (3, &json!("UNKNOWN"), &json!("construct.unqualifiedMultivalued")),
        "{out}"
    );
    let (code, stdout, _) = run_with(&doc, "nodes", &["--max-search-nodes", "1"]);
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((code, &out["code"]), (3, &json!("budget.searchNodes")), "{out}");
    assert!(out["message"].as_str().unwrap().contains("budget of 1 nodes"), "{out}");
    // PASS and FAIL have no code.
    let plain =
        statement_doc(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}));
    let (code, stdout, _) = run_with(&plain, "fail", &[]);
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((code, out.get("code")), (1, None), "{out}");
    // Batch: the same report per line.
    let doc: serde_json::Value = serde_json::from_slice(&doc).unwrap();
    let line = json!({"id": 7, "check": "check-access-not-granted", "policyDocument": doc,
        "access": [{"actions": ["s3:GetObject"]}], "policyType": "IDENTITY_POLICY"});
    let out = crate::common::batch_output(&format!("{line}\n"));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (out.status.code(), &result["id"], &result["code"]),
        (Some(3), &json!(7), &json!("construct.unqualifiedMultivalued")),
        "{result}"
    );
}
