//! Bad documents: exit code 2 and messages naming the statement and path.

use crate::common::iamcheck;

fn errors_of(doc: &str, ty: &str) -> String {
    let out = iamcheck(&[
        "check-access-not-granted",
        "--policy-document",
        doc,
        "--access",
        "actions=s3:GetObject",
        "--policy-type",
        ty,
    ]);
    assert_eq!(out.status.code(), Some(2), "bad document must exit 2: {doc}");
    // Standard output is not a terminal: JSON mode, so the error is JSON there too.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["result"], "ERROR", "no verdict on stdout for a bad document: {json}");
    assert!(json["message"].as_str().unwrap().contains("is not a valid policy"), "{json}");
    assert!(!json["errors"].as_array().unwrap().is_empty(), "{json}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_error_of_a_document_names_its_statement_and_path() {
    let doc = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Ok","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Sid":"Bad","Efect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Effect":"allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]}"#;
    let err = errors_of(doc, "IDENTITY_POLICY");
    assert!(err.contains("statement 1 (sid: Bad)"), "{err}");
    assert!(err.contains("Statement[1].Efect"), "{err}");
    assert!(err.contains("`Effect`"), "did-you-mean help: {err}");
    assert!(err.contains("statement 2"), "{err}");
    assert!(err.contains("Statement[2].Effect"), "{err}");
    assert!(err.contains("NotAction"), "{err}");
}

#[test]
fn unknown_and_miscased_operators_are_errors() {
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringEquals":{"aws:username":"a"}}}}"#;
    let err = errors_of(doc, "IDENTITY_POLICY");
    assert!(err.contains("stringEquals") && err.contains("Statement.Condition"), "{err}");
    assert!(err.contains("StringEquals"), "did-you-mean help: {err}");
}

#[test]
fn duplicate_keys_and_json_syntax_errors_are_located() {
    let err = errors_of(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}"#,
        "IDENTITY_POLICY",
    );
    assert!(err.contains("Effect") && err.to_lowercase().contains("duplicate"), "{err}");
    let err = errors_of("{\"Version\":\"2012-10-17\",\n\"Statement\": [,]}", "IDENTITY_POLICY");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn principal_rules_depend_on_the_policy_type() {
    let with_principal = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#;
    let err = errors_of(with_principal, "IDENTITY_POLICY");
    assert!(err.contains("Principal"), "{err}");
    let without =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let err = errors_of(without, "RESOURCE_POLICY");
    assert!(err.contains("Principal"), "{err}");
    let partial = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"*","Resource":"*"}}"#;
    let err = errors_of(partial, "RESOURCE_POLICY");
    assert!(err.contains("Statement.Principal.AWS"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let path = std::env::temp_dir().join(format!("iamcheck-deep-{}.json", std::process::id()));
    std::fs::write(&path, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    let err = errors_of(path.to_str().unwrap(), "IDENTITY_POLICY");
    let _ = std::fs::remove_file(&path);
    assert!(err.contains("nest") || err.contains("depth"), "{err}");
}

fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("iamcheck-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn limits_on_statements_strings_and_characters_are_errors() {
    let st = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let many =
        format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, vec![st; 10_000].join(","));
    let path = write_temp("many", &many);
    let err = errors_of(path.to_str().unwrap(), "IDENTITY_POLICY");
    assert!(err.contains("10000 statements, more than the limit of 2000"), "{err}");
    let long = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:{}","Resource":"*"}}}}"#,
        "a".repeat(5_000)
    );
    let err = errors_of(&long, "IDENTITY_POLICY");
    assert!(
        err.contains("5003 characters long, more than the limit of 4096")
            && err.contains("Statement[0].Action"),
        "{err}"
    );
    let wide = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::中"}}"#;
    let err = errors_of(wide, "IDENTITY_POLICY");
    assert!(err.contains("U+4E2D") && err.contains("Resource"), "{err}");
    let _ = std::fs::remove_file(path);
}

/// The one error of a one-statement document (`Sid` `S`), or a panic.
fn sole_error(statement: serde_json::Value, ty: iamcheck::PolicyType) -> iamcheck::Diagnostic {
    let mut statement = statement;
    statement["Sid"] = "S".into();
    statement["Effect"] = "Allow".into();
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [statement]});
    match iamcheck::parse_policy(&serde_json::to_string_pretty(&doc).unwrap(), ty) {
        Ok(_) => panic!("accepted: {doc}"),
        Err(e) => {
            assert_eq!(e.errors.len(), 1, "{e}");
            e.errors.into_iter().next().unwrap()
        }
    }
}

/// What AWS rejects (issue 11 §6) is a located error with help: statement
/// index and Sid, JSON path, line and column.
#[test]
fn what_aws_rejects_is_a_located_error_with_help() {
    use iamcheck::PolicyType::{Identity, Resource};
    use serde_json::json;
    let cases = [
        (
            json!({"Principal": {"AWS": "12345"}, "Action": "s3:GetObject", "Resource": "*"}),
            Resource,
            "Statement[0].Principal.AWS",
            "`12345` is not an account ID",
            "12 digits",
        ),
        (
            json!({"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::12345:root"]}, "Action": "s3:GetObject", "Resource": "*"}),
            Resource,
            "Statement[0].Principal.AWS[1]",
            "the account `12345` in `arn:aws:iam::12345:root` is not a 12-digit account ID",
            "12 digits",
        ),
        (
            json!({"Principal": {"AWS": "arn:aws:iam::123456789012:user"}, "Action": "s3:GetObject", "Resource": "*"}),
            Resource,
            "Statement[0].Principal.AWS",
            "is not a principal ARN",
            "`…:role/NAME`",
        ),
        (
            json!({"NotPrincipal": {"AWS": "ec2.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "*"}),
            Resource,
            "Statement[0].NotPrincipal.AWS",
            "`ec2.amazonaws.com` is not an AWS principal",
            "{\"Service\": \"ec2.amazonaws.com\"}",
        ),
        (
            json!({"Action": "GetObject", "Resource": "*"}),
            Identity,
            "Statement[0].Action",
            "`GetObject` is not an action: it has no service prefix",
            "`s3:GetObject`",
        ),
        (
            json!({"NotAction": ["s3:PutObject", "s3GetObject"], "Resource": "*"}),
            Identity,
            "Statement[0].NotAction[1]",
            "`s3GetObject` is not an action",
            "did you mean `s3:GetObject`?",
        ),
        (
            json!({"Action": "s3:GetObject", "Resource": "arn:aws:s3::acme/*"}),
            Identity,
            "Statement[0].Resource",
            "`arn:aws:s3::acme/*` is not an ARN: it has 5 of the 6 fields",
            "arn:aws:s3:::amzn-s3-demo-bucket/*",
        ),
        (
            json!({"Action": "s3:GetObject", "NotResource": ["arn:aws:s3:::a", "acme"]}),
            Identity,
            "Statement[0].NotResource[1]",
            "`acme` is neither `*` nor an ARN",
            "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE",
        ),
        (
            json!({"Action": "s3:GetObject", "Resource": "arn:amazon:s3:::b"}),
            Identity,
            "Statement[0].Resource",
            "`amazon` in `arn:amazon:s3:::b` is not an AWS partition",
            "partitions are aws, aws-cn",
        ),
    ];
    for (statement, ty, path, message, help) in cases {
        let e = sole_error(statement.clone(), ty);
        assert_eq!(e.location.path, path, "{e}");
        assert_eq!(e.location.statement, Some((0, Some("S".to_string()))), "{e}");
        assert!(e.location.line > 1 && e.location.column > 1, "{e}");
        assert!(e.message.contains(message), "{statement}: {e}");
        assert!(e.help.as_deref().unwrap_or_default().contains(help), "{statement}: {e}");
    }
}

/// What AWS accepts stays accepted: wildcards, service, federated and
/// canonical-user principals, role ARNs, empty region and account fields.
#[test]
fn what_aws_accepts_is_not_an_error() {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["*", "123456789012",
            "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/path/x",
            "arn:aws:iam::123456789012:user/alice", "arn:aws-cn:sts::123456789012:assumed-role/r/s",
            "arn:aws:sts::123456789012:federated-user/bob",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"]},
         "Action": ["*", "s3:*", "*:Get*", "s3:Get?bject", "IAM:listaccesskeys"],
         "Resource": ["*", "arn:aws:s3:::*", "arn:*:s3:::b", "arn:aws:ec2:us-east-1::image/ami-*",
            "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:ec2:*", "arn:aws:s3:::b/${aws:username}/*"]},
        {"Effect": "Allow", "Principal": {"Service": ["ecs.amazonaws.com", "*"],
            "Federated": ["accounts.google.com", "arn:aws:iam::123456789012:saml-provider/okta"],
            "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
         "Action": "sts:AssumeRole"}]});
    let parsed = iamcheck::parse_policy(&doc.to_string(), iamcheck::PolicyType::Resource);
    assert!(parsed.is_ok(), "{}", parsed.err().map(|e| e.to_string()).unwrap_or_default());
}

/// Before issue 11 §6 these were silent: a 5-digit account matched no
/// caller (check-no-public-access PASS), a prefix-less action no request.
#[test]
fn the_cli_refuses_them_with_exit_2() {
    let err = errors_of(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"X","Effect":"Allow","Action":"s3GetObject","Resource":"*"}}"#,
        "IDENTITY_POLICY",
    );
    assert!(
        err.contains("error: statement 0 (sid: X), at `Statement.Action` (line 1, column 74): `s3GetObject` is not an action")
            && err.contains("(help: did you mean `s3:GetObject`?)"),
        "{err}"
    );
}

/// `--access`: entries AWS rejects are errors (exit 2); entries beyond
/// Access Analyzer's `Access` shape are decided, with a warning on stderr
/// and the JSON contract unchanged; batch warns on stderr too.
#[test]
fn the_access_list_rejects_what_aws_rejects_and_warns_beyond_access_analyzer() {
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}"#;
    let run = |access: &str| {
        iamcheck(&[
            "check-access-not-granted",
            "--policy-document",
            doc,
            "--access",
            access,
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "json",
        ])
    };
    let out = run("actions=s3GetObject,resources=arn:aws:s3:::b/k");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error: --access: `actions[0]`: `s3GetObject` is not an action"), "{err}");
    assert!(err.contains("did you mean `s3:GetObject`?"), "{err}");
    let out = run(r#"{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3::b/k"]}"#);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`resources[0]`: `arn:aws:s3::b/k` is not an ARN"), "{err}");
    // A wildcard in the partition: decided exactly (FAIL, the policy grants
    // arn:aws:s3:::b/k), with a warning.
    let out = run("actions=s3:GetObject,resources=arn:*:s3:::b/k");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("warning: --access: `resources[0]` `arn:*:s3:::b/k` has a wildcard in its partition: Access Analyzer takes wildcards only in the resource ID"), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"], "FAIL");
    assert!(report.get("warnings").is_none(), "{report}");
    // Batch: the same warning on stderr, the result line unchanged.
    let line = serde_json::json!({"id": 9, "check": "check-access-not-granted",
        "policyDocument": serde_json::from_str::<serde_json::Value>(doc).unwrap(),
        "access": [{"resources": ["arn:*:s3:::b/k"]}], "policyType": "IDENTITY_POLICY"});
    let out = crate::common::batch_output(&format!("{line}\n"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: request 9: `access`: `resources[0]` `arn:*:s3:::b/k` has a wildcard in its partition"), "{err}");
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((out.status.code(), &result["result"]), (Some(1), &serde_json::json!("FAIL")));
}

/// A resource ARN whose account is not 12 digits names no resource, but
/// Access Analyzer's checks run on it (tests/iac.rs): a located warning.
#[test]
fn a_resource_account_of_the_wrong_length_is_a_warning() {
    let doc = r#"{"Version":"2012-10-17","Statement":{"Sid":"Q","Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:1234-5678-9012:q"}}"#;
    let parsed = iamcheck::parse_policy(doc, iamcheck::PolicyType::Identity).unwrap();
    let w = &parsed.warnings[0];
    assert_eq!(w.severity, iamcheck::Severity::Warning);
    assert_eq!(
        (w.location.path.as_str(), &w.location.statement),
        ("Statement.Resource", &Some((0, Some("Q".to_string()))))
    );
    assert!(w.message.contains("the account `1234-5678-9012`"), "{w}");
    assert!(
        w.help.as_deref().unwrap_or_default().contains("without hyphens: `123456789012`"),
        "{w}"
    );
}
