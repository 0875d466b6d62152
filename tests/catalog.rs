//! The catalogue of AWS's actions (`iamcheck::iam::catalog`): real witnesses, and the opt-in
//! catalogue request model (docs/semantics.md §2, "The catalogue request model") in both
//! directions, every FAIL's witness replayed through `simulate` and checked to be a real pair.

use crate::common::{access_policy, iamcheck_json, no_new_access, policy, repo};
use iamcheck::iam::catalog::catalog;
use iamcheck::{
    check_access_not_granted, check_no_new_access, simulate, Access, Config, Decision, Policy,
    PolicyType, Request, RequestModel, Verdict,
};

fn catalog_config() -> Config {
    Config { request_model: RequestModel::Catalog, ..Config::default() }
}

fn is_real(w: &Request) -> bool {
    catalog().unwrap().fits(&w.action, &w.resource)
}

fn allows(p: &Policy, ty: PolicyType, w: &Request) -> bool {
    simulate(p, ty, w).unwrap().decision == Decision::Allow
}

/// check-access-not-granted in `model`; a FAIL's witness is replayed (and real in the
/// catalogue model).
fn access(text: &str, actions: &[&str], model: RequestModel) -> Verdict {
    let ty = PolicyType::Identity;
    let p = policy(text, ty);
    let acc =
        Access { actions: actions.iter().map(|a| a.to_string()).collect(), resources: vec![] };
    let config = Config { request_model: model, ..Config::default() };
    let v = check_access_not_granted(&p, &acc, ty, &config);
    if let Verdict::Fail { witness, .. } = &v {
        assert!(allows(&p, ty, witness), "{witness:?}");
        assert!(allows(&access_policy(&acc, ty), ty, witness), "{witness:?}");
        if model == RequestModel::Catalog {
            assert!(is_real(witness), "not a real pair: {witness:?}");
        }
    }
    v
}

const OBJECTS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#;

#[test]
fn a_bucket_action_on_objects_only_fails_by_default_and_passes_in_the_catalogue() {
    // Access Analyzer's model: `s3:ListBucket` on `arn:aws:s3:::b/x` is a request.
    let v = access(OBJECTS_ONLY, &["s3:ListBucket"], RequestModel::AccessAnalyzer);
    let Verdict::Fail { witness, .. } = v else { panic!("{v:?}") };
    assert!(!is_real(&witness), "{witness:?}");
    // ListBucket takes buckets only, and a bucket name holds no `/`.
    assert_eq!(access(OBJECTS_ONLY, &["s3:ListBucket"], RequestModel::Catalog), Verdict::Pass);
    assert_eq!(access(OBJECTS_ONLY, &["s3:DeleteBucket"], RequestModel::Catalog), Verdict::Pass);
}

#[test]
fn an_object_action_on_objects_fails_in_both_models_with_a_real_witness() {
    for model in [RequestModel::AccessAnalyzer, RequestModel::Catalog] {
        let v = access(OBJECTS_ONLY, &["s3:GetObject", "s3:ListBucket"], model);
        let Verdict::Fail { witness, .. } = v else { panic!("{v:?}") };
        assert_eq!(witness.action, "s3:GetObject");
        assert_eq!(witness.resource, "arn:aws:s3:::b/example");
    }
}

#[test]
fn an_action_without_resource_types_is_evaluated_against_the_star() {
    let scoped = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}]}"#;
    let fail = access(scoped, &["s3:ListAllMyBuckets"], RequestModel::AccessAnalyzer);
    assert!(matches!(fail, Verdict::Fail { .. }), "{fail:?}");
    assert_eq!(access(scoped, &["s3:ListAllMyBuckets"], RequestModel::Catalog), Verdict::Pass);
    let star = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;
    for model in [RequestModel::AccessAnalyzer, RequestModel::Catalog] {
        let Verdict::Fail { witness, .. } = access(star, &["s3:ListAllMyBuckets"], model) else {
            panic!("expected FAIL")
        };
        assert_eq!(
            (witness.action.as_str(), witness.resource.as_str()),
            ("s3:ListAllMyBuckets", "*")
        );
    }
}

#[test]
fn an_action_aws_does_not_list_is_no_request_of_the_catalogue() {
    let ty = PolicyType::Identity;
    let existing = policy(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        ty,
    );
    let new = policy(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:NoSuchAction","Resource":"*"}]}"#,
        ty,
    );
    assert!(matches!(no_new_access(&existing, &new, ty), Verdict::Fail { .. }));
    assert_eq!(check_no_new_access(&existing, &new, ty, &catalog_config()), Verdict::Pass);
}

#[test]
fn no_new_access_in_the_catalogue_model_both_ways() {
    let ty = PolicyType::Resource;
    // The existing policy grants every real request on the bucket and its objects; the new one
    // adds `s3:*` on `b*` (other buckets: a real FAIL in both models).
    let existing = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},
        "Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#,
        ty,
    );
    let same = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},
        "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#,
        ty,
    );
    assert_eq!(check_no_new_access(&existing, &same, ty, &catalog_config()), Verdict::Pass);
    let wider = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},
        "Action":"s3:*","Resource":"arn:aws:s3:::b*"}]}"#,
        ty,
    );
    let v = check_no_new_access(&existing, &wider, ty, &catalog_config());
    let Verdict::Fail { witness, .. } = v else { panic!("{v:?}") };
    assert!(is_real(&witness), "{witness:?}");
    assert!(allows(&wider, ty, &witness) && !allows(&existing, ty, &witness), "{witness:?}");
}

#[test]
fn an_allow_everything_witness_is_real() {
    let ty = PolicyType::Identity;
    let existing = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
        ty,
    );
    let new = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ty,
    );
    let Verdict::Fail { witness, .. } = no_new_access(&existing, &new, ty) else { panic!() };
    assert!(is_real(&witness), "{witness:?}");
}

#[test]
fn the_catalogue_model_is_named_with_its_version_in_json_only_when_chosen() {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#;
    let args = [
        "check-access-not-granted",
        "--policy-document",
        doc,
        "--access",
        "actions=s3:ListBucket",
        "--policy-type",
        "IDENTITY_POLICY",
    ];
    let (code, out) = iamcheck_json(&args);
    assert_eq!(code, 1);
    assert!(out.get("requestModel").is_none(), "{out}");
    let mut with: Vec<&str> = args.to_vec();
    with.extend(["--request-model", "catalog"]);
    let (code, out) = iamcheck_json(&with);
    assert_eq!(code, 0, "{out}");
    let version = catalog().unwrap().version().to_string();
    assert_eq!(
        out["requestModel"],
        serde_json::json!({"name": "catalog", "catalogVersion": version})
    );
}

/// The corpora's FAIL witnesses (aa-samples, replayed by `no_new_access`): the share that is a
/// real pair.
#[test]
fn corpus_witnesses_are_real() {
    let text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl")).unwrap();
    let (mut fails, mut real, mut unreal) = (0, 0, Vec::new());
    for (case, ty, existing, new) in crate::common::aa_cases(&text) {
        if let Verdict::Fail { witness, .. } = no_new_access(&existing, &new, ty) {
            fails += 1;
            if is_real(&witness) {
                real += 1;
            } else {
                unreal.push(format!("{}: {} on {}", case["id"], witness.action, witness.resource));
            }
        }
    }
    println!("aa-samples: {real} of {fails} FAIL witnesses are real pairs");
    for u in &unreal {
        println!("  not real: {u}");
    }
    assert!(real * 100 >= fails * MIN_REAL_PERCENT, "{real} of {fails} real");
}

/// The share of real witnesses reached on aa-samples (docs/oracle.md).
const MIN_REAL_PERCENT: usize = 95;

#[test]
fn simulate_warns_on_an_action_the_catalogue_lacks_and_still_evaluates() {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let run = |action: &str| {
        let request = format!(r#"{{"action":"{action}","resource":"arn:aws:s3:::b"}}"#);
        crate::common::iamcheck(&[
            "simulate",
            "--policy-document",
            doc,
            "--policy-type",
            "IDENTITY_POLICY",
            "--request",
            &request,
            "--output",
            "json",
        ])
    };
    let out = run("s3:NoSuchAction");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"Allow\""));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`s3:NoSuchAction` is not in AWS's catalogue"), "{stderr}");
    let known = run("s3:ListBucket");
    assert!(!String::from_utf8_lossy(&known.stderr).contains("catalogue"));
}

/// `no_new_access` (witness replayed) on two policy texts; the witness of its FAIL.
fn new_access_witness(existing: &str, new: &str) -> Request {
    let ty = PolicyType::Identity;
    let v = no_new_access(&policy(existing, ty), &policy(new, ty), ty);
    let Verdict::Fail { witness, .. } = v else { panic!("{v:?}") };
    witness
}

#[test]
fn an_action_aws_does_not_list_is_polished_onto_the_star() {
    // `cloudhsm:ListHsms` (CloudHSM Classic) is not in the catalogue; the apigateway entry is
    // the existing policy's, narrowed, so no real pair is new access: the first witness stays,
    // on `*` (SecurityAudit v38->v37).
    let existing = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"apigateway:GET",
         "Resource":["arn:aws:apigateway:*::/restapis","arn:aws:apigateway:*::/restapis/*/resources/*"]}]}"#;
    let new = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"cloudhsm:ListHsms","Resource":"*"},
        {"Effect":"Allow","Action":"apigateway:GET",
         "Resource":["arn:aws:apigateway:*::/restapis/*/resources/*/methods/*"]}]}"#;
    let w = new_access_witness(existing, new);
    assert_eq!((w.action.as_str(), w.resource.as_str()), ("cloudhsm:ListHsms", "*"));
}

#[test]
fn an_unlisted_action_takes_its_services_capital_first_letter() {
    // `budgets:describeBudget` is no action of the catalogue; every Budgets action AWS lists is
    // PascalCase (AWSSupportServiceRolePolicy v6->v5).
    let existing = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"budgets:ViewBudget","Resource":"*"}]}"#;
    let new = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["budgets:ViewBudget","budgets:describeBudget"],"Resource":"*"}]}"#;
    let w = new_access_witness(existing, new);
    assert_eq!((w.action.as_str(), w.resource.as_str()), ("budgets:DescribeBudget", "*"));
}

#[test]
fn a_real_pair_is_found_beside_an_unreal_first_witness() {
    // AWSWAFReadOnlyAccess v9->v8: the new version allows `waf:Get*` on `*`, the existing one
    // on WAF's ARNs only; `waf:GetChangeToken` takes no resource type, so AWS evaluates it on
    // `*`, which the existing policy does not grant: a real witness exists beside the unlisted
    // `cloudhsm:ListHsms`.
    let existing = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["waf:Get*","waf:List*"],
         "Resource":["arn:aws:waf::*:ipset/*","arn:aws:waf::*:changetoken/*"]}]}"#;
    let new = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["cloudhsm:ListHsms","waf:Get*","waf:List*"],"Resource":"*"}]}"#;
    let w = new_access_witness(existing, new);
    assert!(is_real(&w), "{w:?}");
    assert!(w.action.starts_with("waf:"), "{w:?}");
    // The same input, the same witness (the budgets count, they do not time).
    assert_eq!(new_access_witness(existing, new), w);
}

#[test]
fn a_real_witness_is_found_past_the_first_open_actions() {
    // SageMakerStudioAdminIAMDefaultExecutionPolicy v21->v20 (tests/data/managed): the first
    // witness, `athena:GetSession` on an EMR Serverless session, is not a real pair; the first
    // 8 actions the screen leaves (Athena's) give no real violation in the catalogue model, so
    // the last step decides once more over all the screen left, which finds a real one.
    let read = |v: &str| {
        std::fs::read_to_string(repo(&format!(
            "tests/data/managed/SageMakerStudioAdminIAMDefaultExecutionPolicy_{v}.json"
        )))
        .unwrap()
    };
    let (existing, new) = (read("v21"), read("v20"));
    let w = new_access_witness(&existing, &new);
    assert!(is_real(&w), "{w:?}");
    let ty = PolicyType::Identity;
    assert!(allows(&policy(&new, ty), ty, &w), "{w:?}");
    assert!(!allows(&policy(&existing, ty), ty, &w), "{w:?}");
    assert_eq!(new_access_witness(&existing, &new), w);
}

#[test]
fn a_real_witness_takes_the_new_resource_pattern() {
    // The new version adds one log group; the real witness is on it.
    let existing = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"logs:PutLogEvents",
         "Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*:log-stream:*"}]}"#;
    let new = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"logs:PutLogEvents",
         "Resource":["arn:aws:logs:*:*:log-group:/aws/lambda/*:log-stream:*",
                     "arn:aws:logs:*:*:log-group:/aws/cloudfront/*:log-stream:*"]}]}"#;
    let w = new_access_witness(existing, new);
    assert!(is_real(&w), "{w:?}");
    assert!(w.resource.contains("/aws/cloudfront/"), "{w:?}");
}

#[test]
fn a_legacy_upper_case_bucket_is_a_real_resource() {
    // Launch-article example 5: `s3:DeleteBucket` on `DOC-EXAMPLE-BUCKET`. A bucket created in
    // us-east-1 before March 1, 2018 may have upper-case letters (S3 User Guide, "General
    // purpose bucket naming rules"), so the catalogue model has this request and must FAIL.
    let ty = PolicyType::Resource;
    let read = |name: &str| std::fs::read_to_string(crate::common::example(name)).unwrap();
    let existing = policy(&read("public-put.json"), ty);
    let new = policy(&read("account-put-delete.json"), ty);
    let v = check_no_new_access(&existing, &new, ty, &catalog_config());
    let Verdict::Fail { witness, .. } = v else { panic!("{v:?}") };
    assert_eq!(witness.action, "s3:DeleteBucket");
    assert_eq!(witness.resource, "arn:aws:s3:::DOC-EXAMPLE-BUCKET");
    assert!(is_real(&witness), "{witness:?}");
    assert!(allows(&new, ty, &witness) && !allows(&existing, ty, &witness), "{witness:?}");
}

/// A managed policy's version from tests/data/managed.
fn managed(name: &str, version: &str) -> String {
    std::fs::read_to_string(repo(&format!("tests/data/managed/{name}_{version}.json"))).unwrap()
}

/// `new_access_witness`, checked to be real and the same on a second run.
fn real_new_access_witness(existing: &str, new: &str) -> Request {
    let w = new_access_witness(existing, new);
    assert!(is_real(&w), "not a real pair: {w:?}");
    assert_eq!(new_access_witness(existing, new), w, "the same input, the same witness");
    w
}

#[test]
fn a_real_witness_in_the_service_the_first_witness_resource_names() {
    // AWSShieldDRTAccessPolicy v2->v3 and v3->v4: the first witnesses pair `cloudfront:List`
    // with a Global Accelerator ARN and `waf:A` with a WAFV2 one. The screen leaves over 64
    // actions of the first witness's own service (CloudFront, WAF Classic), none real with a
    // new resource; a real one lies in the service the resource names, tried second, and
    // each service has its share of the actions the last step decides.
    let shield = |v: &str| managed("AWSShieldDRTAccessPolicy", v);
    let w = real_new_access_witness(&shield("v2"), &shield("v3"));
    assert!(w.action.starts_with("globalaccelerator:"), "{w:?}");
    let w = real_new_access_witness(&shield("v3"), &shield("v4"));
    assert!(w.action.starts_with("wafv2:"), "{w:?}");
}

#[test]
fn one_large_service_does_not_fill_the_open_actions() {
    // SageMakerStudioAdminIAMDefaultExecutionPolicy v19->v20 (and the Permissive policy's
    // v16->v17), reduced: `cloudformation:*` gains `transform/*`, which no CloudFormation
    // action takes, and `cloudwatch:GetMetricData` is new. The first witness is
    // `cloudformation:A` on a transform; all of CloudFormation's actions pass the screen and
    // used to fill the 64 open actions, leaving out the real violation.
    let existing = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"CfnManage","Effect":"Allow","Action":["cloudformation:*"],
         "Resource":["arn:aws:cloudformation:*:*:stack/DataZone*"]},
        {"Sid":"LogsAndMetrics","Effect":"Allow","Action":["cloudwatch:PutMetricData","logs:Get*"],"Resource":"*"}]}"#;
    let new = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"CfnManage","Effect":"Allow","Action":["cloudformation:*"],
         "Resource":["arn:aws:cloudformation:*:*:stack/DataZone*","arn:aws:cloudformation:*:*:transform/*"]},
        {"Sid":"LogsAndMetrics","Effect":"Allow",
         "Action":["cloudwatch:PutMetricData","cloudwatch:GetMetricData","logs:Get*"],"Resource":"*"}]}"#;
    let w = real_new_access_witness(existing, new);
    assert_eq!(w.action, "cloudwatch:GetMetricData", "{w:?}");
}
