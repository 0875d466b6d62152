//! The concretization's bounds (docs/semantics.md §4a, §6): when one cuts the candidates and
//! no witness is found, the check is UNKNOWN with the bound's typed budget and its figure.

use crate::common::{no_new_access, policy};
use iamcheck::unknown::{Budget, UnknownReason};
use iamcheck::{PolicyType, Verdict};
use serde_json::json;

/// `statements` Allow statements, one action each, that no concrete request matches
/// decidedly (a variable under `NumericLessThan` is undecided in `simulate` when its key is
/// present, false when absent), each with `keys` String conditions whose values are
/// variables (templates the concretization instantiates).
fn hopeless(statements: usize, keys: usize) -> String {
    let statement = |i: usize| {
        let strings: serde_json::Map<String, serde_json::Value> =
            (0..keys).map(|k| (format!("s3:k{k}"), json!(format!("${{s3:v{k}}}")))).collect();
        json!({"Effect": "Allow", "Action": format!("s3:Action{i:03}"), "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:n": "${s3:v}"}, "StringEquals": strings}})
    };
    let all: Vec<serde_json::Value> = (0..statements).map(statement).collect();
    json!({"Version": "2012-10-17", "Statement": all}).to_string()
}

fn reason_of(statements: usize, keys: usize) -> UnknownReason {
    let ty = PolicyType::Identity;
    let existing = policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Other","Resource":"*"}}"#,
        ty,
    );
    match no_new_access(&existing, &policy(&hopeless(statements, keys), ty), ty) {
        Verdict::Unknown { reason } => reason,
        v => panic!("{statements} statements, {keys} keys: expected UNKNOWN, got {v:?}"),
    }
}

#[test]
fn each_bound_of_the_concretization_trips_with_its_figure() {
    let budget = |budget, limit| UnknownReason::Budget { budget, limit };
    // 70 regions (one per action), 64 tried.
    let regions = reason_of(70, 0);
    assert_eq!(regions, budget(Budget::ConcreteRegions, 64));
    assert_eq!(regions.code(), "budget.concreteRegions");
    assert!(regions.to_string().contains("bound of 64 regions"), "{regions}");
    // 6 variable keys: over 4^6 combinations for one region, 96 tried.
    let per_region = reason_of(1, 6);
    assert_eq!(per_region, budget(Budget::ConcreteRegionCandidates, 96));
    assert_eq!(per_region.code(), "budget.concreteRegionCandidates");
    // 20 such regions: the 1,500 candidates run out first, and stop the search.
    let total = reason_of(20, 6);
    assert_eq!(total, budget(Budget::ConcreteCandidates, 1500));
    assert_eq!(total.code(), "budget.concreteCandidates");
    assert!(total.is_budget());
}

#[test]
fn within_the_bounds_the_construct_is_the_reason() {
    // 10 regions, 1 variable key: every candidate was tried.
    for (statements, keys) in [(10, 0), (1, 1)] {
        let reason = reason_of(statements, keys);
        assert_eq!(reason.code(), "construct.variableOperator", "{reason}");
        assert!(!reason.is_budget());
    }
}

#[test]
fn the_cli_reports_the_budget_code() {
    let (code, out) = crate::common::iamcheck_json(&[
        "check-no-new-access",
        "--existing-policy-document",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Other","Resource":"*"}}"#,
        "--new-policy-document",
        &hopeless(70, 0),
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(
        (code, &out["result"], &out["code"]),
        (3, &json!("UNKNOWN"), &json!("budget.concreteRegions"))
    );
    let message = out["message"].as_str().unwrap_or_default();
    assert!(message.contains("64 regions"), "{message}");
}
