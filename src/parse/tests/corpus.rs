//! The shared corpora: real policies, which must all parse.
//!
//! `quacky-pairs.jsonl` labels every policy `IDENTITY_POLICY`, but 314 of
//! its 754 policies are S3 bucket policies with a `Principal` in every
//! statement: invalid as identity policies, so they must fail as such, and
//! parse as resource policies.

use super::*;

fn policy_type(name: &str) -> PolicyType {
    match name {
        "IDENTITY_POLICY" => PolicyType::Identity,
        "RESOURCE_POLICY" => PolicyType::Resource,
        other => panic!("unknown policy type {other}"),
    }
}

/// What parsing one corpus gave.
#[derive(Debug, Default)]
struct Outcome {
    /// Policies parsed.
    count: usize,
    /// Identity policies rejected only for their `Principal` that parse as
    /// resource policies.
    bucket_policies: usize,
    /// Every other failure, with its case id.
    failures: Vec<String>,
}

/// Whether every error is a principal in an identity policy.
fn only_principal_errors(errors: &ParseErrors) -> bool {
    errors.errors.iter().all(|e| e.message.ends_with("is not allowed in an identity policy"))
}

/// Parses every policy under `fields` of every line, each re-serialized
/// with `serde_json` (pretty, so that lines are meaningful).
fn parse_corpus(file: &str, fields: &[&str], default_type: Option<PolicyType>) -> Outcome {
    let text = shared(&format!("corpus/{file}"));
    let mut outcome = Outcome::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let ty = default_type.unwrap_or_else(|| policy_type(case["policy_type"].as_str().unwrap()));
        for field in fields {
            outcome.count += 1;
            for policy in [
                serde_json::to_string(&case[*field]).unwrap(),
                serde_json::to_string_pretty(&case[*field]).unwrap(),
            ] {
                match parse_policy(&policy, ty) {
                    Ok(_) => {}
                    Err(e) if ty == PolicyType::Identity && only_principal_errors(&e) => {
                        match parse_policy(&policy, PolicyType::Resource) {
                            Ok(_) => outcome.bucket_policies += 1,
                            Err(e) => outcome
                                .failures
                                .push(format!("{} {field} (as resource policy): {e}", case["id"])),
                        }
                    }
                    Err(e) => outcome.failures.push(format!("{} {field}: {e}", case["id"])),
                }
            }
        }
    }
    outcome
}

/// The failures of a corpus grouped by case id, each with every message.
fn failed_cases(outcome: &Outcome) -> std::collections::BTreeSet<String> {
    outcome.failures.iter().filter_map(|f| f.split('"').nth(1)).map(str::to_string).collect()
}

#[test]
fn aa_samples_parse() {
    let outcome = parse_corpus("aa-samples.jsonl", &["existing_policy", "new_policy"], None);
    assert_eq!(outcome.count, 310);
    assert_eq!(outcome.bucket_policies, 0);
    // The samples' `<ACCOUNT ID>` placeholder is no account ID (AWS's
    // "Invalid ARN account"): those cases are errors until it is filled in.
    for failure in &outcome.failures {
        assert!(
            failure.contains("the account `<ACCOUNT ID>`") && failure.contains("12-digit"),
            "{failure}"
        );
    }
    assert_eq!(failed_cases(&outcome).len(), 8, "{:#?}", failed_cases(&outcome));
}

#[test]
fn quacky_pairs_parse() {
    let outcome =
        parse_corpus("quacky-pairs.jsonl", &["original", "mutant"], Some(PolicyType::Identity));
    assert_eq!(outcome.count, 754);
    // Each policy is parsed twice (compact and pretty).
    // Five pairs name accounts of 11 and 14 digits, which AWS rejects.
    for failure in &outcome.failures {
        assert!(
            failure.contains("the account `99999999999`")
                || failure.contains("the account `12345667789012`"),
            "{failure}"
        );
    }
    assert_eq!(failed_cases(&outcome).len(), 5, "{:#?}", failed_cases(&outcome));
    // Each of the five: two policies, each parsed twice.
    assert_eq!(outcome.bucket_policies, 2 * 314 - 4 * 5);
}

#[test]
#[ignore = "prints the corpora's warnings"]
fn print_corpus_warnings() {
    for (file, fields) in [
        ("aa-samples.jsonl", ["existing_policy", "new_policy"]),
        ("quacky-pairs.jsonl", ["original", "mutant"]),
    ] {
        for line in shared(&format!("corpus/{file}")).lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            for field in fields {
                let policy = serde_json::to_string_pretty(&case[field]).unwrap();
                let parsed = parse_policy(&policy, PolicyType::Resource)
                    .or_else(|_| parse_policy(&policy, PolicyType::Identity));
                for w in parsed.map(|p| p.warnings).unwrap_or_default() {
                    println!("WARN {w}");
                }
            }
        }
    }
}
