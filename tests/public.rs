//! check-no-public-access and check-no-external-access: the article's
//! cases 1–4, every resource type with a public and a non-public policy,
//! the definition's rules (docs/public-access.md), and every witness
//! replayed through `simulate`.

use crate::common::{example, iamcheck_json, policy};
use iamcheck::decide::RESOURCE_TYPES;
use iamcheck::{
    check_no_external_access, check_no_public_access, simulate, Config, Decision, Policy,
    PolicyType, ResourceType, Verdict, ZoneOfTrust,
};
use serde_json::{json, Value};

fn doc(statements: Value) -> Policy {
    policy(
        &json!({"Version": "2012-10-17", "Statement": statements}).to_string(),
        PolicyType::Resource,
    )
}

fn replay(p: &Policy, v: &Verdict) {
    if let Verdict::Fail { witness, reasons } = v {
        let d = simulate(p, PolicyType::Resource, witness).unwrap().decision;
        assert_eq!(d, Decision::Allow, "witness {witness:?} must be allowed");
        assert!(!reasons.is_empty());
    }
}

fn public(p: &Policy, ty: &str) -> Verdict {
    let v = check_no_public_access(p, ResourceType::parse(ty).unwrap(), &Config::default());
    replay(p, &v);
    v
}

fn external(p: &Policy, accounts: &[&str], orgs: &[&str]) -> Verdict {
    let zone = ZoneOfTrust {
        accounts: accounts.iter().map(|s| s.to_string()).collect(),
        organizations: orgs.iter().map(|s| s.to_string()).collect(),
    };
    let v = check_no_external_access(p, &zone, &Config::default());
    replay(p, &v);
    v
}

fn witness_principal(v: &Verdict) -> String {
    match v {
        Verdict::Fail { witness, .. } => witness.principal.clone().unwrap_or_default(),
        other => panic!("expected FAIL, got {other:?}"),
    }
}

fn is_pass(v: &Verdict) -> bool {
    matches!(v, Verdict::Pass)
}

/// Article cases 3 and 4 (and 1 and 2 as external access), through the CLI.
#[test]
fn article_cases_1_to_4() {
    let public_put = example("public-put.json");
    let deny_outside = example("public-put-deny-outside.json");
    let run = |args: &[&str]| iamcheck_json(args);
    let (code, out) = run(&[
        "check-no-public-access",
        "--policy-document",
        &public_put,
        "--resource-type",
        "AWS::S3::Bucket",
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out["message"],
        "The resource policy grants public access for the given resource type."
    );
    assert_eq!(
        out["reasons"][0]["description"],
        "Public access granted in the following statement with index: 0."
    );
    assert_eq!(out["witness"]["action"], "s3:PutObject");
    let (code, out) = run(&[
        "check-no-public-access",
        "--policy-document",
        &deny_outside,
        "--resource-type",
        "AWS::S3::Bucket",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["message"],
        "The resource policy does not grant public access for the given resource type."
    );
    let (code, out) = run(&[
        "check-no-external-access",
        "--policy-document",
        &public_put,
        "--trusted-account",
        "123456789012",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(!out["witness"]["principal"].as_str().unwrap().contains("123456789012"), "{out}");
    let (code, out) = run(&[
        "check-no-external-access",
        "--policy-document",
        &deny_outside,
        "--trusted-account",
        "123456789012",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_unknown_resource_type_suggests_the_spelling() {
    let p = example("public-put.json");
    let out = crate::common::iamcheck(&[
        "check-no-public-access",
        "--policy-document",
        &p,
        "--resource-type",
        "AWS::S3::Buckets",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown resource type `AWS::S3::Buckets`")
            && err.contains("did you mean `AWS::S3::Bucket`?"),
        "{err}"
    );
    assert_eq!(RESOURCE_TYPES.len(), 26);
}

/// (resource type, an action of it, a resource ARN of it)
const TYPES: &[(&str, &str, &str)] = &[
    ("AWS::DynamoDB::Table", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t"),
    (
        "AWS::DynamoDB::Stream",
        "dynamodb:GetRecords",
        "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/x",
    ),
    (
        "AWS::EFS::FileSystem",
        "elasticfilesystem:ClientMount",
        "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1",
    ),
    (
        "AWS::OpenSearchService::Domain",
        "es:ESHttpGet",
        "arn:aws:es:us-east-1:111122223333:domain/d/*",
    ),
    (
        "AWS::Kinesis::Stream",
        "kinesis:GetRecords",
        "arn:aws:kinesis:us-east-1:111122223333:stream/s",
    ),
    (
        "AWS::Kinesis::StreamConsumer",
        "kinesis:SubscribeToShard",
        "arn:aws:kinesis:us-east-1:111122223333:stream/s/consumer/c:1",
    ),
    ("AWS::KMS::Key", "kms:Decrypt", "*"),
    (
        "AWS::Lambda::Function",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:f",
    ),
    ("AWS::S3::Bucket", "s3:GetObject", "arn:aws:s3:::b/*"),
    (
        "AWS::S3::AccessPoint",
        "s3:GetObject",
        "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*",
    ),
    (
        "AWS::S3Express::DirectoryBucket",
        "s3express:CreateSession",
        "arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3",
    ),
    (
        "AWS::S3::Glacier",
        "glacier:UploadArchive",
        "arn:aws:glacier:us-east-1:111122223333:vaults/v",
    ),
    (
        "AWS::S3Outposts::Bucket",
        "s3-outposts:GetObject",
        "arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-1/bucket/b",
    ),
    (
        "AWS::S3Outposts::AccessPoint",
        "s3-outposts:GetObject",
        "arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-1/accesspoint/ap",
    ),
    ("AWS::SecretsManager::Secret", "secretsmanager:GetSecretValue", "*"),
    ("AWS::SNS::Topic", "sns:Publish", "arn:aws:sns:us-east-1:111122223333:t"),
    ("AWS::SQS::Queue", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"),
    ("AWS::IAM::AssumeRolePolicyDocument", "sts:AssumeRole", ""),
    (
        "AWS::S3Tables::TableBucket",
        "s3tables:GetTable",
        "arn:aws:s3tables:us-east-1:111122223333:bucket/b",
    ),
    (
        "AWS::ApiGateway::RestApi",
        "execute-api:Invoke",
        "arn:aws:execute-api:us-east-1:111122223333:api1/*",
    ),
    ("AWS::CodeArtifact::Domain", "codeartifact:GetAuthorizationToken", "*"),
    ("AWS::Backup::BackupVault", "backup:CopyIntoBackupVault", "*"),
    (
        "AWS::CloudTrail::Dashboard",
        "cloudtrail:StartDashboardRefresh",
        "arn:aws:cloudtrail:us-east-1:111122223333:dashboard/d",
    ),
    (
        "AWS::CloudTrail::EventDataStore",
        "cloudtrail:StartQuery",
        "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/e",
    ),
    (
        "AWS::S3Tables::Table",
        "s3tables:GetTableData",
        "arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/t",
    ),
    (
        "AWS::S3Express::AccessPoint",
        "s3express:CreateSession",
        "arn:aws:s3express:us-east-1:111122223333:accesspoint/ap--use1-az4--xa-s3",
    ),
];

fn statement(action: &str, resource: &str, principal: Value, condition: Option<Value>) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": action});
    if !resource.is_empty() {
        s["Resource"] = resource.into();
    }
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    s
}

/// The ways a policy can keep a statement with `Principal: *` private.
fn restrictions() -> Vec<(Value, Option<Value>)> {
    vec![
        (json!({"AWS": "111122223333"}), None),
        (json!("*"), Some(json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}))),
        (json!("*"), Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}))),
        (json!("*"), Some(json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))),
        (
            json!("*"),
            Some(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}})),
        ),
        (
            json!("*"),
            Some(
                json!({"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}),
            ),
        ),
        (json!({"Service": "sns.amazonaws.com"}), None),
        (
            json!("*"),
            Some(
                json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/r-ab12/*"}}),
            ),
        ),
        (json!("*"), Some(json!({"StringEquals": {"aws:SourceOwner": "111122223333"}}))),
        (
            json!("*"),
            Some(json!({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}})),
        ),
        (json!({"AWS": "arn:aws:iam::111122223333:role/r"}), None),
        (json!("*"), Some(json!({"StringEquals": {"kms:CallerAccount": "111122223333"}}))),
        (json!("*"), Some(json!({"StringEquals": {"aws:userid": "AIDAEXAMPLE"}}))),
    ]
}

#[test]
fn every_resource_type_has_a_public_and_a_private_policy() {
    let restrictions = restrictions();
    for (i, (ty, action, resource)) in TYPES.iter().enumerate() {
        let open = doc(json!([statement(action, resource, json!("*"), None)]));
        let v = public(&open, ty);
        assert!(matches!(v, Verdict::Fail { .. }), "{ty}: Principal * must be public: {v:?}");
        let (principal, condition) = restrictions[i % restrictions.len()].clone();
        let closed =
            doc(json!([statement(action, resource, principal.clone(), condition.clone())]));
        let v = public(&closed, ty);
        assert!(is_pass(&v), "{ty}: {principal} / {condition:?} must not be public: {v:?}");
    }
}

#[test]
fn wildcards_and_negations_in_restricting_keys_stay_public() {
    let cases = [
        json!({"StringLike": {"aws:SourceVpc": "vpc-*"}}),
        json!({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}),
        json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}),
        json!({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}),
        json!({"StringEquals": {"aws:UserAgent": "my-app"}}),
        json!({"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/*"}}),
    ];
    for c in cases {
        let p = doc(json!([statement(
            "s3:GetObject",
            "arn:aws:s3:::b/*",
            json!("*"),
            Some(c.clone())
        )]));
        let v = public(&p, "AWS::S3::Bucket");
        assert!(matches!(v, Verdict::Fail { .. }), "{c} must be public: {v:?}");
    }
}

#[test]
fn s3_kms_key_condition_restricts_only_s3() {
    let c = json!({"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/k"}});
    let p = doc(json!([statement("s3:PutObject", "arn:aws:s3:::b/*", json!("*"), Some(c))]));
    assert!(is_pass(&public(&p, "AWS::S3::Bucket")));
    assert!(matches!(public(&p, "AWS::SQS::Queue"), Verdict::Fail { .. }));
}

#[test]
fn role_trust_policies_and_federated_principals() {
    let trust = |principal: Value, condition: Option<Value>| {
        doc(json!([statement("sts:AssumeRoleWithWebIdentity", "", principal, condition)]))
    };
    let ty = "AWS::IAM::AssumeRolePolicyDocument";
    let gh = json!({"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"});
    let aud_only =
        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}});
    let v = public(&trust(gh.clone(), Some(aud_only)), ty);
    assert!(matches!(v, Verdict::Fail { .. }), "GitHub OIDC without `sub` is public: {v:?}");
    assert!(witness_principal(&v).starts_with("federated:"), "{v:?}");
    let sub = json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:org/repo:ref:refs/heads/main"}});
    assert!(is_pass(&public(&trust(gh.clone(), Some(sub)), ty)));
    let sub_wild = json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}});
    assert!(
        matches!(public(&trust(gh, Some(sub_wild)), ty), Verdict::Fail { .. }),
        "wildcard `sub` is read as public"
    );
    let cognito = json!({"Federated": "cognito-identity.amazonaws.com"});
    assert!(matches!(public(&trust(cognito.clone(), None), ty), Verdict::Fail { .. }));
    let aud = json!({"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"}});
    assert!(is_pass(&public(&trust(cognito, Some(aud)), ty)));
    let saml = json!({"Federated": "arn:aws:iam::111122223333:saml-provider/okta"});
    assert!(is_pass(&public(&trust(saml, None), ty)));
    assert!(is_pass(&public(&trust(json!({"Service": "ec2.amazonaws.com"}), None), ty)));
    assert!(matches!(public(&trust(json!({"AWS": "*"}), None), ty), Verdict::Fail { .. }));
}

#[test]
fn ip_ranges_restrict_unless_too_wide() {
    let with =
        |c: Value| doc(json!([statement("s3:GetObject", "arn:aws:s3:::b/*", json!("*"), Some(c))]));
    let small = with(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}));
    assert!(is_pass(&public(&small, "AWS::S3::Bucket")));
    let wide = with(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}));
    let v = public(&wide, "AWS::S3::Bucket");
    let Verdict::Fail { witness, .. } = &v else { panic!("{v:?}") };
    assert!(witness.context_value("aws:SourceIp").is_some(), "{v:?}");
    let negated = with(json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}));
    assert!(matches!(public(&negated, "AWS::S3::Bucket"), Verdict::Fail { .. }));
}

#[test]
fn external_access_names_the_outside_principal() {
    let p = doc(json!([statement(
        "s3:GetObject",
        "arn:aws:s3:::b/*",
        json!({"AWS": ["123456789012", "111122223333"]}),
        None
    )]));
    let v = external(&p, &["123456789012"], &[]);
    assert!(witness_principal(&v).contains(":111122223333:"), "{v:?}");
    assert!(is_pass(&external(&p, &["123456789012", "111122223333"], &[])));
    // An organization condition keeps access inside a trusted organization.
    let org = doc(json!([statement(
        "s3:GetObject",
        "arn:aws:s3:::b/*",
        json!("*"),
        Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}))
    )]));
    assert!(is_pass(&external(&org, &["123456789012"], &["o-abcdefghij"])));
    assert!(matches!(external(&org, &["123456789012"], &["o-zzzzzzzzzz"]), Verdict::Fail { .. }));
    // Service principals are not outside callers.
    let svc = doc(json!([statement(
        "s3:PutObject",
        "arn:aws:s3:::b/*",
        json!({"Service": "cloudtrail.amazonaws.com"}),
        None
    )]));
    assert!(is_pass(&external(&svc, &["123456789012"], &[])));
}

#[test]
fn external_access_rejects_malformed_zones() {
    let p = example("public-put.json");
    for args in [&["--trusted-account", "12345"][..], &["--trusted-org", "org-1"][..], &[][..]] {
        let mut all = vec!["check-no-external-access", "--policy-document", &p];
        all.extend_from_slice(args);
        let out = crate::common::iamcheck(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// Policy variables under the outsider model: a variable in a resource is
/// concretized (the anonymous caller's own folder); in the public check, a
/// variable tying an identifying key to another key is left UNKNOWN (it may
/// tie the caller to the resource's owner, which the model does not state).
#[test]
fn policy_variables_in_access_checks() {
    let folder = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:userid}/*"}]})
        .to_string(),
        PolicyType::Resource,
    );
    let v = public(&folder, "AWS::S3::Bucket");
    match &v {
        Verdict::Fail { witness, .. } => {
            let userid = match witness.context_value("aws:userid") {
                Some(iamcheck::ContextValue::Single(u)) => u.clone(),
                other => panic!("{other:?}"),
            };
            assert!(witness.resource.starts_with(&format!("arn:aws:s3:::b/{userid}/")), "{v:?}");
        }
        other => panic!("expected FAIL, got {other:?}"),
    }
    let owner = policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "${aws:ResourceAccount}"}}}]})
        .to_string(),
        PolicyType::Resource,
    );
    assert!(matches!(public(&owner, "AWS::S3::Bucket"), Verdict::Unknown { .. }));
    // Only a service principal's requests carry `aws:SourceAccount` (KEYS), and services
    // are inside the zone of trust of the external-access check: no outsider matches.
    let ext = external(&owner, &["111122223333"], &[]);
    assert_eq!(ext, Verdict::Pass);
}

/// Each service's published definition of public, key by key, both ways
/// (docs/public-access.md §2): a listed key with a fixed value keeps a `Principal: *`
/// statement private; a wildcard, a variable or an unlisted key does not.
#[test]
fn each_service_follows_its_published_definition() {
    const S3: &str = "AWS::S3::Bucket";
    const S3AP: &str = "AWS::S3::AccessPoint";
    const EFS: &str = "AWS::EFS::FileSystem";
    const DDB: &str = "AWS::DynamoDB::Table";
    const SQS: &str = "AWS::SQS::Queue";
    const KMS: &str = "AWS::KMS::Key";
    let ap_wild = json!({"ArnLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}});
    let role_wild = json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}});
    let paths =
        json!({"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": "o-abcdefghij/r-ab12/"}});
    let role_session = json!({"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}});
    let cases: Vec<(&str, Value, bool)> = vec![
        // S3, "The meaning of public".
        (S3, json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}), false),
        (S3, json!({"StringLike": {"aws:SourceVpce": "vpce-*"}}), true),
        (S3, json!({"StringEquals": {"aws:SourceVpce": "${aws:SourceVpc}"}}), true),
        (S3, ap_wild.clone(), false),
        (S3AP, ap_wild, true),
        (
            S3AP,
            json!({"ArnEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/ap"}}),
            false,
        ),
        (S3, json!({"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}}), false),
        (S3, role_wild.clone(), true),
        (
            S3,
            json!({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/r"}}),
            false,
        ),
        (S3, role_session.clone(), false),
        (S3, json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}), true),
        (S3, paths.clone(), true),
        (S3, json!({"StringEquals": {"kms:CallerAccount": "111122223333"}}), true),
        (S3, json!({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}), true),
        (S3, json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), false),
        (S3, json!({"Bool": {"aws:PrincipalIsAWSService": "true"}}), true),
        // EFS, "The meaning of public".
        (EFS, json!({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}), false),
        (EFS, json!({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}}), true),
        (S3, json!({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}), true),
        (EFS, json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), false),
        (
            EFS,
            json!({"StringEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}}),
            false,
        ),
        (EFS, role_session.clone(), false),
        (EFS, paths.clone(), true),
        // DynamoDB, "Blocking public access with resource-based policies".
        (DDB, json!({"Bool": {"aws:PrincipalIsAWSService": "true"}}), false),
        (
            DDB,
            json!({"StringEquals": {"aws:PrincipalServiceName": "dynamodb.amazonaws.com"}}),
            false,
        ),
        (DDB, json!({"StringEquals": {"aws:SourceOrgID": "o-abcdefghij"}}), false),
        (DDB, json!({"StringEquals": {"aws:Ec2InstanceSourceVpc": "vpc-1a2b3c4d"}}), false),
        (DDB, paths.clone(), false),
        (DDB, json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/*"}}), true),
        (DDB, role_wild.clone(), true),
        (DDB, role_session, true),
        (DDB, json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), true),
        (DDB, json!({"StringEquals": {"aws:SourceOwner": "111122223333"}}), true),
        // No page: Access Analyzer's keys.
        (SQS, role_wild, false),
        (SQS, paths, false),
        (SQS, json!({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}), false),
        (KMS, json!({"StringEquals": {"kms:CallerAccount": "111122223333"}}), false),
        (SQS, json!({"Bool": {"aws:PrincipalIsAWSService": "true"}}), true),
    ];
    for (ty, c, is_public) in cases {
        let p = doc(json!([statement("*", "*", json!("*"), Some(c.clone()))]));
        let v = public(&p, ty);
        let text = c.to_string();
        if is_public && text.contains("${") {
            // A variable tying a trusted key to another key (§2): never PASS, UNKNOWN for now.
            assert!(matches!(v, Verdict::Unknown { .. }), "{ty} {c} must not pass: {v:?}");
        } else if is_public && text.contains("aws:userid") {
            // `aws:userid` patterns of role sessions get role-session witnesses
            // (semantics.md §6, issue 11 §7).
            let Verdict::Fail { witness, .. } = &v else {
                panic!("{ty} {c} must be public: {v:?}")
            };
            let principal = witness.principal.as_deref().unwrap_or_default();
            assert!(principal.contains(":assumed-role/"), "{ty} {c}: {witness:?}");
        } else if is_public {
            assert!(matches!(v, Verdict::Fail { .. }), "{ty} {c} must be public: {v:?}");
        } else {
            assert!(is_pass(&v), "{ty} {c} must not be public: {v:?}");
        }
    }
}

/// The OIDC subject key of a provider whose URL has a path (EKS) restricts like any other
/// provider's (docs/public-access.md §2: `PROVIDER:sub`).
#[test]
fn eks_oidc_subjects_restrict() {
    let host = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let trust = |c: Value| {
        doc(json!([statement(
            "sts:AssumeRoleWithWebIdentity",
            "",
            json!({"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{host}")}),
            Some(c)
        )]))
    };
    let ty = "AWS::IAM::AssumeRolePolicyDocument";
    let fixed = trust(
        json!({"StringEquals": {format!("{host}:sub"): "system:serviceaccount:default:app"}}),
    );
    assert!(is_pass(&public(&fixed, ty)));
    let wild = trust(json!({"StringLike": {format!("{host}:sub"): "system:serviceaccount:*"}}));
    assert!(witness_principal(&public(&wild, ty)).starts_with("federated:"));
    let aud = trust(json!({"StringEquals": {format!("{host}:aud"): "sts.amazonaws.com"}}));
    assert!(matches!(public(&aud, ty), Verdict::Fail { .. }));
}
