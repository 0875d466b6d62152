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
