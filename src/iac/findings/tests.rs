use super::*;
use crate::iac::{extract, Options};

const TEMPLATE: &str = r#"
Resources:
  Open:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: open-bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::123456789012:root"}
            Action: s3:GetObject
            Resource: arn:aws:s3:::open-bucket/*
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::open-bucket/*
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: admin
          PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
"#;

fn run(text: &str, check: &TemplateCheck, options: &ReportOptions) -> Report {
    let found = extract("t.yaml", text, &Options::default()).unwrap();
    super::check(&found, check, &ParseLimits::default(), &Config::default(), options)
}

#[test]
fn public_access_is_found_at_the_statement_line_with_a_witness() {
    let r = run(TEMPLATE, &TemplateCheck::NoPublicAccess, &ReportOptions::default());
    assert_eq!(r.blocking.len(), 1, "{r:?}");
    let f = &r.blocking[0];
    assert_eq!(
        (f.code.as_str(), f.resource_name.as_str(), f.policy_name.as_str()),
        ("policy-analysis-CheckNoPublicAccess", "open-bucket", "BucketPolicy")
    );
    assert_eq!(f.location.line, 13);
    assert_eq!(f.statement_locations[0].statement_index, Some(1));
    assert!(f.details["witness"].is_object());
    assert_eq!(r.exit_code(), 1);
    // The role's generated name is a stand-in, but the trust policy is not checked for
    // a name; no other findings.
    assert!(r.non_blocking.iter().all(|f| f.finding_type == FindingType::Warning));
}

#[test]
fn ignore_and_non_blocking_follow_the_validators() {
    let check = TemplateCheck::AccessNotGranted {
        access: Access { actions: vec!["iam:PassRole".into()], resources: vec![] },
    };
    let r = run(TEMPLATE, &check, &ReportOptions::default());
    assert_eq!(r.blocking.len(), 1);
    assert_eq!(r.blocking[0].policy_name, "admin");
    for ignore in [
        "Role",
        "policy-analysis-CheckAccessNotGranted",
        "role.policy-analysis-checkaccessnotgranted",
        "admin",
    ] {
        let o = ReportOptions { ignore: vec![ignore.into()], ..ReportOptions::default() };
        assert!(run(TEMPLATE, &check, &o).blocking.is_empty(), "{ignore}");
    }
    let o = ReportOptions { all_non_blocking: true, ..ReportOptions::default() };
    let r = run(TEMPLATE, &check, &o);
    assert!(
        r.blocking.is_empty()
            && r.non_blocking.iter().any(|f| f.finding_type == FindingType::SecurityWarning)
    );
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn reference_policy_type_selects_the_policies() {
    let reference = crate::parse_policy(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        PolicyType::Identity,
    )
    .unwrap()
    .policy;
    let check = TemplateCheck::NoNewAccess { reference, reference_type: PolicyType::Identity };
    let r = run(TEMPLATE, &check, &ReportOptions::default());
    assert_eq!(r.blocking.len(), 1);
    assert_eq!(r.blocking[0].policy_name, "admin");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["BlockingFindings"][0]["findingType"], "SECURITY_WARNING");
    assert_eq!(json["BlockingFindings"][0]["details"]["result"], "FAIL");
}

#[test]
fn a_baseline_compares_the_same_resource_and_names_new_and_removed_policies() {
    let baseline = extract("old.yaml", TEMPLATE, &Options::default()).unwrap();
    let check = TemplateCheck::NoNewAccessSinceBaseline { baseline };
    // Unchanged: no finding.
    let r = run(TEMPLATE, &check, &ReportOptions::default());
    assert!(r.blocking.is_empty(), "{r:?}");
    // Widened statement, a new policy and a removed one.
    let changed = TEMPLATE
        .replace("Action: sts:AssumeRole", "Action: sts:*")
        .replace("PolicyName: admin", "PolicyName: admin2");
    let r = run(&changed, &check, &ReportOptions::default());
    let names: Vec<&str> = r.blocking.iter().map(|f| f.policy_name.as_str()).collect();
    assert_eq!(names, vec!["TrustPolicy", "admin2"], "{r:?}");
    let removed: Vec<&Finding> =
        r.non_blocking.iter().filter(|f| f.code == "iamcheck-policy-removed").collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].policy_name, "admin");
}

#[test]
fn unknown_and_invalid_policies_are_reported_never_passed() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p", "values": {"name": "p"}},
        {"address": "aws_iam_policy.bad", "mode": "managed", "type": "aws_iam_policy", "name": "bad", "values": {"policy": "{\"Statement\": {\"Effect\": \"Maybe\"}}"}}
    ]}}, "resource_changes": [{"address": "aws_iam_policy.p", "change": {"after_unknown": {"policy": true}}}]}"#;
    let found = extract("plan.json", plan, &Options::default()).unwrap();
    let check = TemplateCheck::AccessNotGranted {
        access: Access { actions: vec!["s3:GetObject".into()], resources: vec![] },
    };
    let r = super::check(
        &found,
        &check,
        &ParseLimits::default(),
        &Config::default(),
        &ReportOptions::default(),
    );
    let types: Vec<(FindingType, &str)> =
        r.blocking.iter().map(|f| (f.finding_type, f.code.as_str())).collect();
    assert_eq!(
        types,
        vec![
            (FindingType::Unknown, "iamcheck-unresolved-policy"),
            (FindingType::Error, "iamcheck-invalid-policy")
        ]
    );
    assert_eq!(r.exit_code(), 1);
    assert!(render_text(&r, &found).contains("aws_iam_policy.p"));
}
