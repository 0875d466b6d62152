//! The AWS-labelled corpus (tests/data/aa-samples.jsonl): all 155 cases;
//! and Quacky's labelled pairs (tests/data/quacky-pairs.jsonl).
//! Every FAIL's witness is replayed through `simulate`; the agreement with
//! AWS's labels must not drop below the figure reached (docs/agreement.md
//! explains each disagreement).

use crate::common::{no_new_access, policy, repo, result};
use iamcheck::PolicyType;
use serde_json::Value;

/// Cases agreeing with AWS's label as the corpus stands, as reached; the
/// test fails below it.
const MIN_AGREEMENT: usize = 152;

/// The same once the samples' `<ACCOUNT ID>` placeholder is filled in with
/// the account the candidate policies use.
const MIN_AGREEMENT_FILLED: usize = 154;

/// Cases where iamcheck and AWS differ for a documented reason
/// (docs/agreement.md): (id prefix, iamcheck's verdict).
const EXPLAINED: &[(&str, &str)] = &[
    // The candidate names acl-123456, not the sensitive ACL its heading
    // describes: no request reaches the sensitive ACL (proved PASS).
    ("identity-policies/check-access-to-sensitive-resource/ec2-network-acl.md#Candidate policy 3", "PASS"),
    // The reference keeps the `<ACCOUNT ID>` placeholder; AWS's label is
    // for the filled-in reference (see `placeholder_filled` below).
    ("resource-policies/role-trust-policies/allowlist-federated-access-oidc.md#Candidate policy 1", "FAIL"),
    ("resource-policies/role-trust-policies/allowlist-federated-access-saml.md#Candidate policy 1", "FAIL"),
];

fn run(fill_placeholder: bool) -> (usize, usize, Vec<String>) {
    let mut text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl")).unwrap();
    if fill_placeholder {
        text = text.replace("<ACCOUNT ID>", "111111111111");
    }
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
        } else if !EXPLAINED
            .iter()
            .any(|(prefix, verdict)| id.starts_with(prefix) && *verdict == got)
        {
            unexplained.push(format!("{id}: AWS {expected}, iamcheck {got}"));
        }
    }
    (agree, total, unexplained)
}

#[test]
fn aa_samples_agreement() {
    let (agree, total, unexplained) = run(false);
    println!("aa-samples: iamcheck agrees with AWS on {agree} of {total} cases");
    for u in &unexplained {
        println!("  unexplained: {u}");
    }
    assert!(agree >= MIN_AGREEMENT, "agreement dropped to {agree} (was {MIN_AGREEMENT})");
    assert!(unexplained.is_empty(), "{} unexplained disagreements", unexplained.len());
}

#[test]
fn placeholder_filled() {
    let (agree, total, _) = run(true);
    println!("aa-samples with `<ACCOUNT ID>` filled in: iamcheck agrees with AWS on {agree} of {total} cases");
    assert!(
        agree >= MIN_AGREEMENT_FILLED,
        "agreement dropped to {agree} (was {MIN_AGREEMENT_FILLED})"
    );
}

/// Quacky's labelled pairs (tests/data/quacky-pairs.jsonl), both directions:
/// no check answers UNKNOWN, the agreement does not drop, and every
/// disagreement is in a group docs/crosscheck.md explains (with the verdict
/// iamcheck gives there).
#[test]
fn quacky_pairs() {
    // 695 since the IAM user who federated (docs/semantics.md §3): five pairs of
    // `s3_policy_for_lambda_function` allow `user/myuser` and `Deny` `s3:Put*` with
    // `NotPrincipal` [root, myuser]; myuser's federated sessions are allowed and, not being
    // listed, denied `s3:Put*` by the existing policy but not by the mutant, a new access
    // Quacky does not model.
    const MIN_QUACKY: usize = 695;
    const GROUPS: &[(&str, &str)] = &[
        ("ec2_require_mfa_session_token", "PASS"),
        ("ec2_terminate_instance_ip", "FAIL"),
        ("ec2_validate_attach_volume", "FAIL"),
        ("iam_role_policy_modify_iam_but_not_own_policies", "FAIL"),
        ("ec2_allow_ebs_volume_owners", "FAIL"),
        ("s3_policy_for_lambda_function", "FAIL"),
    ];
    let has_principal = |doc: &Value| {
        let sts = match &doc["Statement"] {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        sts.iter().any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
    };
    let text = std::fs::read_to_string(repo("tests/data/quacky-pairs.jsonl")).unwrap();
    let (mut agree, mut total) = (0, 0);
    let mut unexplained = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).unwrap();
        let (original, mutant) = (&row["original"], &row["mutant"]);
        let ty = if has_principal(original) || has_principal(mutant) {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        let id = row["id"].as_str().unwrap();
        for (existing, new, grants) in [
            (original, mutant, &row["mutant_grants_new"]),
            (mutant, original, &row["original_grants_new"]),
        ] {
            let got = result(&no_new_access(
                &policy(&existing.to_string(), ty),
                &policy(&new.to_string(), ty),
                ty,
            ));
            let label = if grants.as_bool().unwrap() { "FAIL" } else { "PASS" };
            total += 1;
            assert_ne!(got, "UNKNOWN", "{id}");
            if got == label {
                agree += 1;
            } else if !GROUPS.iter().any(|(g, v)| id.contains(g) && *v == got) {
                unexplained.push(format!("{id}: Quacky {label}, iamcheck {got}"));
            }
        }
    }
    println!("Quacky: iamcheck agrees on {agree} of {total} checks");
    assert!(agree >= MIN_QUACKY, "agreement dropped to {agree} (was {MIN_QUACKY})");
    assert!(unexplained.is_empty(), "{unexplained:#?}");
}
