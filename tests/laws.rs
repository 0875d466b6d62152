//! Metamorphic laws over every policy of the examples and the corpus:
//! a policy grants nothing new over itself; adding a Deny never adds
//! access; statement order changes nothing.

use crate::common::{no_new_access, policy, repo, result};
use iamcheck::{Policy, PolicyType, Verdict};
use serde_json::{json, Value};

fn corpus_policies() -> Vec<(Value, PolicyType)> {
    // The samples' `<ACCOUNT ID>` placeholder is no account ID: filled in.
    let text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl"))
        .unwrap()
        .replace("<ACCOUNT ID>", "111111111111");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let ty = if case["policy_type"] == "RESOURCE_POLICY" {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        out.push((case["existing_policy"].clone(), ty));
        out.push((case["new_policy"].clone(), ty));
    }
    out
}

fn statements(doc: &Value) -> Vec<Value> {
    match &doc["Statement"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn with_statements(doc: &Value, sts: Vec<Value>, ty: PolicyType) -> Policy {
    let mut d = doc.clone();
    d["Statement"] = Value::Array(sts);
    policy(&d.to_string(), ty)
}

fn pass(v: &Verdict) -> bool {
    matches!(v, Verdict::Pass)
}

#[test]
fn a_policy_grants_nothing_new_over_itself() {
    for (doc, ty) in corpus_policies() {
        let p = policy(&doc.to_string(), ty);
        let v = no_new_access(&p, &p, ty);
        assert!(pass(&v), "{doc} against itself: {v:?}");
    }
}

#[test]
fn adding_a_deny_never_adds_access() {
    for (doc, ty) in corpus_policies() {
        let p = policy(&doc.to_string(), ty);
        let mut deny = json!({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*"});
        if ty == PolicyType::Resource {
            deny["Principal"] = "*".into();
        }
        let mut sts = statements(&doc);
        sts.push(deny);
        let denied = with_statements(&doc, sts, ty);
        let v = no_new_access(&p, &denied, ty);
        assert!(pass(&v), "adding a Deny to {doc} added access: {v:?}");
    }
}

#[test]
fn statement_order_changes_nothing() {
    let text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl"))
        .unwrap()
        .replace("<ACCOUNT ID>", "111111111111");
    for line in text.lines().filter(|l| !l.trim().is_empty()).step_by(3) {
        let case: Value = serde_json::from_str(line).unwrap();
        let ty = if case["policy_type"] == "RESOURCE_POLICY" {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        let existing = policy(&case["existing_policy"].to_string(), ty);
        let new = policy(&case["new_policy"].to_string(), ty);
        let mut rev_existing_sts = statements(&case["existing_policy"]);
        rev_existing_sts.reverse();
        let mut rev_new_sts = statements(&case["new_policy"]);
        rev_new_sts.reverse();
        let rev_existing = with_statements(&case["existing_policy"], rev_existing_sts, ty);
        let rev_new = with_statements(&case["new_policy"], rev_new_sts, ty);
        let a = result(&no_new_access(&existing, &new, ty));
        let b = result(&no_new_access(&rev_existing, &rev_new, ty));
        assert_eq!(a, b, "reordering changed {}", case["id"]);
        assert!(pass(&no_new_access(&new, &rev_new, ty)), "{}", case["id"]);
        assert!(pass(&no_new_access(&rev_new, &new, ty)), "{}", case["id"]);
    }
}
