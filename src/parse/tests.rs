//! Tests of the whole parser: examples, every rule of `docs/semantics.md`
//! §1, and the shared corpora.

use super::*;
use crate::policy::{Effect, Element, Principal, Version};

/// A file of the repository's copies of the shared material: `examples/…`
/// is `examples/`, `corpus/…` is `tests/data/`.
fn shared(relative: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let path = match relative.strip_prefix("corpus/") {
        Some(file) => format!("{root}/tests/data/{file}"),
        None => format!("{root}/{relative}"),
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn example(name: &str) -> String {
    shared(&format!("examples/{name}"))
}

fn errors_of(text: &str, policy_type: PolicyType) -> Vec<Diagnostic> {
    match parse_policy(text, policy_type) {
        Ok(parsed) => panic!("expected errors, parsed {:?}", parsed.policy),
        Err(e) => e.errors,
    }
}

/// The single error of an identity policy.
fn error(text: &str) -> Diagnostic {
    let errors = errors_of(text, PolicyType::Identity);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

fn warnings(text: &str, policy_type: PolicyType) -> Vec<Diagnostic> {
    match parse_policy(text, policy_type) {
        Ok(parsed) => parsed.warnings,
        Err(e) => panic!("expected success, got {e}"),
    }
}

/// A statement object inside a policy with a Version, one key a line:
/// the statement's first key is on line 4.
fn policy_with(statement_body: &str) -> String {
    format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n{statement_body}\n  }}]\n}}")
}

fn assert_at(
    d: &Diagnostic,
    message: &str,
    path: &str,
    statement: Option<(usize, Option<&str>)>,
    line: usize,
) {
    assert!(d.message.contains(message), "message {:?} lacks {message:?}", d.message);
    assert_eq!(d.location.path, path, "{d}");
    let expected = statement.map(|(i, sid)| (i, sid.map(str::to_string)));
    assert_eq!(d.location.statement, expected, "{d}");
    assert_eq!(d.location.line, line, "{d}");
}

// ---- examples ----

#[test]
fn examples_parse() {
    let put = parse_policy(&example("public-put.json"), PolicyType::Resource).unwrap();
    assert!(put.warnings.is_empty(), "{:?}", put.warnings);
    let statement = &put.policy.statements[0];
    assert_eq!(put.policy.version, Some(Version::V2012_10_17));
    assert_eq!(statement.effect, Effect::Allow);
    assert_eq!(
        statement.principal,
        Some(Element { negated: false, values: vec![Principal::Everyone] })
    );
    assert_eq!(
        statement.action,
        Element { negated: false, values: vec!["s3:PutObject".to_string()] }
    );
    assert_eq!(statement.lines, (4, 9));

    let deny =
        parse_policy(&example("public-put-deny-outside.json"), PolicyType::Resource).unwrap();
    assert_eq!(deny.policy.statements.len(), 2);
    let account = parse_policy(&example("account-put-delete.json"), PolicyType::Resource).unwrap();
    assert_eq!(account.policy.statements.len(), 1);
    let identity = parse_policy(&example("identity-ec2-s3.json"), PolicyType::Identity).unwrap();
    assert_eq!(identity.policy.statements.len(), 2);
    assert!(identity.policy.statements.iter().all(|s| s.principal.is_none()));
}

#[test]
fn bare_account_principal_is_read_as_aws_with_a_warning() {
    for file in ["public-put-deny-outside.json", "account-put-delete.json"] {
        let parsed = parse_policy(&example(file), PolicyType::Resource).unwrap();
        let warning = parsed.warnings.iter().find(|w| w.message.contains("123456789012")).unwrap();
        assert_eq!(warning.severity, Severity::Warning);
        assert!(warning.message.contains(r#"is read as `{"AWS": "123456789012"}`"#), "{warning}");
        let account = Principal::Aws("123456789012".to_string());
        let principals = parsed.policy.statements.iter().filter_map(|s| s.principal.as_ref());
        assert!(
            principals.clone().any(|p| p.values.contains(&account)),
            "{:?}",
            principals.collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_full_statement_lowers_in_document_order() {
    let text = r#"{"Version": "2008-10-17", "Id": "p1", "Statement": {
        "Sid": "S", "Effect": "Deny", "NotPrincipal": {"AWS": ["*", "arn:aws:iam::111122223333:root"],
            "Service": "ecs.amazonaws.com", "Federated": "*", "CanonicalUser": "abc"},
        "NotAction": ["s3:Get*", "iam:*"], "NotResource": "arn:aws:s3:::b/*",
        "Condition": {"StringLike": {"aws:PrincipalTag/team": ["a*", "b"]},
                      "NumericLessThan": {"s3:max-keys": 10},
                      "ForAnyValue:BoolIfExists": {"aws:SecureTransport": false}}}}"#;
    let parsed = parse_policy(text, PolicyType::Resource).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let policy = parsed.policy;
    assert_eq!(policy.version, Some(Version::V2008_10_17));
    assert_eq!(policy.id.as_deref(), Some("p1"));
    let s = &policy.statements[0];
    assert_eq!((s.index, s.sid.as_deref(), s.effect), (0, Some("S"), Effect::Deny));
    let principal = s.principal.as_ref().unwrap();
    assert!(principal.negated);
    assert_eq!(
        principal.values,
        vec![
            Principal::Everyone,
            Principal::Aws("arn:aws:iam::111122223333:root".into()),
            Principal::Service("ecs.amazonaws.com".into()),
            Principal::Federated("*".into()),
            Principal::CanonicalUser("abc".into()),
        ]
    );
    assert!(s.action.negated && s.resource.as_ref().unwrap().negated);
    let conditions: Vec<(String, &str, Vec<&str>)> = s
        .conditions
        .iter()
        .map(|c| {
            (c.operator.to_string(), c.key.as_str(), c.values.iter().map(String::as_str).collect())
        })
        .collect();
    assert_eq!(
        conditions,
        vec![
            ("StringLike".to_string(), "aws:PrincipalTag/team", vec!["a*", "b"]),
            ("NumericLessThan".to_string(), "s3:max-keys", vec!["10"]),
            ("ForAnyValue:BoolIfExists".to_string(), "aws:SecureTransport", vec!["false"]),
        ]
    );
    assert_eq!(s.lines, (1, 7));
}

#[test]
fn resource_policy_without_resource_is_a_trust_policy() {
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    let parsed = parse_policy(text, PolicyType::Resource).unwrap();
    assert_eq!(parsed.policy.statements[0].resource, None);
}

// ---- the document ----

#[test]
fn missing_version_warns() {
    let w = warnings(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
    );
    assert_eq!(w.len(), 1);
    assert_at(&w[0], "missing `Version`", "", None, 1);
}

#[test]
fn invalid_version_is_an_error() {
    let e = error(
        r#"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    );
    assert_at(&e, "invalid `Version` `2012-10-18`", "Version", None, 1);
    assert_eq!(e.location.column, 13);
    let e = error(
        r#"{"Version": 2012, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    );
    assert_at(&e, "`Version` must be a string, found a number", "Version", None, 1);
}

#[test]
fn unknown_top_level_element() {
    let errors =
        errors_of("{\"Version\": \"2012-10-17\",\n \"statement\": []}", PolicyType::Identity);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_at(&errors[0], "missing `Statement`", "", None, 1);
    assert_at(&errors[1], "unknown policy element `statement`", "statement", None, 2);
    assert_eq!(errors[1].help.as_deref(), Some("did you mean `Statement`?"));
    assert_eq!(errors[1].location.column, 2);
}

#[test]
fn statement_shapes() {
    let e = error(r#"{"Version": "2012-10-17", "Statement": []}"#);
    assert_at(&e, "`Statement` is an empty list", "Statement", None, 1);
    let e = error(r#"{"Version": "2012-10-17", "Statement": "x"}"#);
    assert_at(&e, "must be an object or an array of objects, found a string", "Statement", None, 1);
    let e = error(r#"[1]"#);
    assert_at(&e, "a policy must be a JSON object, found an array", "", None, 1);
    let errors = errors_of(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, 3]}"#,
        PolicyType::Identity,
    );
    assert_eq!(errors.len(), 1);
    assert_at(&errors[0], "a statement must be an object, found a number", "Statement[1]", None, 1);
}

#[test]
fn single_statement_object_path_has_no_index() {
    let text = "{\"Version\": \"2012-10-17\", \"Statement\": {\n\"Sid\": \"One\",\n\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}}";
    let e = error(text);
    assert_at(&e, "invalid `Effect` `allow`", "Statement.Effect", Some((0, Some("One"))), 3);
    assert_eq!(e.help.as_deref(), Some("did you mean `Allow`?"));
}

// ---- statement elements ----

#[test]
fn unknown_statement_elements_get_suggestions() {
    let text =
        policy_with("    \"effect\": \"Allow\",\n    \"Action\": \"*\",\n    \"Ressource\": \"*\"");
    let errors = errors_of(&text, PolicyType::Identity);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert_at(&errors[0], "missing `Effect`", "Statement[0]", Some((0, None)), 3);
    assert_at(
        &errors[1],
        "missing `Resource` or `NotResource`",
        "Statement[0]",
        Some((0, None)),
        3,
    );
    assert_at(
        &errors[2],
        "unknown statement element `effect`",
        "Statement[0].effect",
        Some((0, None)),
        4,
    );
    assert_eq!(errors[2].help.as_deref(), Some("did you mean `Effect`?"));
    assert_at(
        &errors[3],
        "unknown statement element `Ressource`",
        "Statement[0].Ressource",
        Some((0, None)),
        6,
    );
    assert_eq!(errors[3].help.as_deref(), Some("did you mean `Resource`?"));
}

#[test]
fn duplicate_keys_are_errors() {
    let text = policy_with("    \"Effect\": \"Allow\",\n    \"Action\": \"*\",\n    \"Resource\": \"*\",\n    \"Effect\": \"Deny\"");
    let e = error(&text);
    assert_at(&e, "duplicate key `Effect`", "Statement[0].Effect", Some((0, None)), 7);
    assert_eq!(e.location.column, 5);
    let e = error(
        r#"{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    );
    assert_at(&e, "duplicate key `Version`", "Version", None, 1);
    let text = policy_with(
        "    \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"a\": \"1\", \"a\": \"2\"}}",
    );
    let e = error(&text);
    assert_at(&e, "duplicate key `a`", "Statement[0].Condition.StringEquals.a", Some((0, None)), 5);
}

#[test]
fn effect_must_be_allow_or_deny() {
    let e =
        error(&policy_with("    \"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": \"*\""));
    assert_at(&e, "invalid `Effect` `Permit`", "Statement[0].Effect", Some((0, None)), 4);
    assert_eq!(e.help.as_deref(), Some("use `Allow` or `Deny`"));
    let e = error(&policy_with("    \"Effect\": true, \"Action\": \"*\", \"Resource\": \"*\""));
    assert_at(&e, "found a boolean", "Statement[0].Effect", Some((0, None)), 4);
}

#[test]
fn x_and_not_x_together() {
    let text = policy_with(
        "    \"Sid\": \"Both\", \"Effect\": \"Allow\",\n    \"Action\": \"*\", \"NotAction\": \"s3:*\",\n    \"Resource\": \"*\",\n    \"NotResource\": \"*\"",
    );
    let errors = errors_of(&text, PolicyType::Identity);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(
        &errors[0],
        "`Action` and `NotAction` cannot both appear",
        "Statement[0].NotAction",
        Some((0, Some("Both"))),
        5,
    );
    assert_at(
        &errors[1],
        "`Resource` and `NotResource`",
        "Statement[0].NotResource",
        Some((0, Some("Both"))),
        7,
    );
    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*",
        "Principal": "*", "NotPrincipal": "*"}}"#;
    let errors = errors_of(text, PolicyType::Resource);
    assert_eq!(errors.len(), 1);
    assert_at(
        &errors[0],
        "`Principal` and `NotPrincipal`",
        "Statement.NotPrincipal",
        Some((0, None)),
        2,
    );
}

#[test]
fn missing_action() {
    let e = error(&policy_with("    \"Effect\": \"Allow\", \"Resource\": \"*\""));
    assert_at(&e, "missing `Action` or `NotAction`", "Statement[0]", Some((0, None)), 3);
}

#[test]
fn identity_policy_rules() {
    let e = error(&policy_with("    \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\",\n    \"Principal\": \"*\""));
    assert_at(
        &e,
        "`Principal` is not allowed in an identity policy",
        "Statement[0].Principal",
        Some((0, None)),
        5,
    );
    let e = error(&policy_with("    \"Effect\": \"Allow\", \"Action\": \"*\""));
    assert_at(&e, "missing `Resource` or `NotResource`", "Statement[0]", Some((0, None)), 3);
}

#[test]
fn resource_policy_needs_a_principal() {
    let errors = errors_of(
        &policy_with("    \"Effect\": \"Allow\", \"Action\": \"*\""),
        PolicyType::Resource,
    );
    assert_eq!(errors.len(), 1);
    assert_at(
        &errors[0],
        "missing `Principal` or `NotPrincipal`",
        "Statement[0]",
        Some((0, None)),
        3,
    );
}

#[test]
fn element_value_types() {
    let e = error(&policy_with("    \"Effect\": \"Allow\", \"Action\": 3, \"Resource\": \"*\""));
    assert_at(
        &e,
        "expected a string or an array of strings, found a number",
        "Statement[0].Action",
        Some((0, None)),
        4,
    );
    let e = error(&policy_with(
        "    \"Effect\": \"Allow\", \"Action\": \"*\",\n    \"Resource\": [\"*\", null]",
    ));
    assert_at(&e, "expected a string, found null", "Statement[0].Resource[1]", Some((0, None)), 5);
}

#[test]
fn empty_lists() {
    let w = warnings(
        &policy_with("    \"Effect\": \"Allow\", \"Action\": [], \"Resource\": []"),
        PolicyType::Identity,
    );
    assert_eq!(w.len(), 2, "{w:?}");
    assert_at(
        &w[0],
        "empty `Action` list: the statement matches nothing",
        "Statement[0].Action",
        Some((0, None)),
        4,
    );
    assert_at(&w[1], "empty `Resource` list", "Statement[0].Resource", Some((0, None)), 4);
    let e =
        error(&policy_with("    \"Effect\": \"Allow\", \"NotAction\": [], \"Resource\": \"*\""));
    assert_at(&e, "empty `NotAction` list", "Statement[0].NotAction", Some((0, None)), 4);
    let e =
        error(&policy_with("    \"Effect\": \"Allow\", \"Action\": \"*\", \"NotResource\": []"));
    assert_at(&e, "empty `NotResource` list", "Statement[0].NotResource", Some((0, None)), 4);
}

#[test]
fn sids() {
    let e = error(&policy_with(
        "    \"Sid\": 1, \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"",
    ));
    assert_at(&e, "`Sid` must be a string, found a number", "Statement[0].Sid", Some((0, None)), 4);
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Sid": "A"}]}"#;
    let w = warnings(text, PolicyType::Identity);
    assert_eq!(w.len(), 1);
    assert_at(
        &w[0],
        "duplicate `Sid` `A`: statement 0 uses it too",
        "Statement[1].Sid",
        Some((1, Some("A"))),
        3,
    );
}

// ---- principals ----

fn principal_policy(principal: &str) -> String {
    format!("{{\"Version\": \"2012-10-17\", \"Statement\": {{\"Effect\": \"Allow\", \"Action\": \"*\",\n\"Principal\": {principal}}}}}")
}

#[test]
fn principal_forms() {
    let parsed = parse_policy(&principal_policy(r#"{"AWS": "*"}"#), PolicyType::Resource).unwrap();
    let principal = parsed.policy.statements[0].principal.clone().unwrap();
    assert_eq!(principal.values, vec![Principal::Everyone]);
    let w = warnings(&principal_policy("{}"), PolicyType::Resource);
    assert_at(
        &w[0],
        "empty `Principal` list: the statement matches nothing",
        "Statement.Principal",
        Some((0, None)),
        2,
    );
    let w = warnings(&principal_policy(r#"{"AWS": []}"#), PolicyType::Resource);
    assert_eq!(w.len(), 1);
    let w = warnings(&principal_policy("[]"), PolicyType::Resource);
    assert_eq!(w.len(), 1);
}

#[test]
fn principal_errors() {
    let errors =
        errors_of(&principal_policy(r#"{"aws": "1", "Service": 3}"#), PolicyType::Resource);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(
        &errors[0],
        "unknown principal key `aws`",
        "Statement.Principal.aws",
        Some((0, None)),
        2,
    );
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `AWS`?"));
    assert_at(&errors[1], "found a number", "Statement.Principal.Service", Some((0, None)), 2);

    let errors = errors_of(
        &principal_policy(
            r#"{"AWS": ["111122223333", "arn:aws:iam::*:root"], "Service": "*.amazonaws.com"}"#,
        ),
        PolicyType::Resource,
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(
        &errors[0],
        "partial wildcard in principal `arn:aws:iam::*:root`",
        "Statement.Principal.AWS[1]",
        Some((0, None)),
        2,
    );
    assert_at(&errors[1], "partial wildcard", "Statement.Principal.Service", Some((0, None)), 2);
    let errors =
        errors_of(&principal_policy(r#""arn:aws:iam::12345678901?:root""#), PolicyType::Resource);
    assert_at(&errors[0], "partial wildcard", "Statement.Principal", Some((0, None)), 2);
    let errors = errors_of(&principal_policy(r#"["*"]"#), PolicyType::Resource);
    assert_at(
        &errors[0],
        "must be `\"*\"` or an object",
        "Statement.Principal",
        Some((0, None)),
        2,
    );

    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "NotPrincipal": {}}}"#;
    let errors = errors_of(text, PolicyType::Resource);
    assert_at(
        &errors[0],
        "empty `NotPrincipal` list",
        "Statement.NotPrincipal",
        Some((0, None)),
        1,
    );
}

// ---- conditions ----

/// An identity policy whose statement has the given `Condition` on line 3.
fn condition_policy(condition: &str) -> String {
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Sid\": \"C\",\n\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\",\n\"Condition\": {condition}}}]}}"
    )
}

const C: Option<(usize, Option<&str>)> = Some((0, Some("C")));

#[test]
fn unknown_operators() {
    let errors = errors_of(
        &condition_policy(
            r#"{"stringEquals": {"a": "b"}, "ForSomeValue:StringLike": {"a": "b"}, "NullIfExists": {"a": "true"}}"#,
        ),
        PolicyType::Identity,
    );
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_at(
        &errors[0],
        "unknown condition operator `stringEquals`",
        "Statement[0].Condition.stringEquals",
        C,
        3,
    );
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `StringEquals`?"));
    assert_at(
        &errors[1],
        "unknown condition operator `ForSomeValue:StringLike`",
        "Statement[0].Condition.\"ForSomeValue:StringLike\"",
        C,
        3,
    );
    assert_eq!(
        errors[1].help.as_deref(),
        Some("the set qualifiers are `ForAllValues:` and `ForAnyValue:`")
    );
    assert_eq!(errors[2].help.as_deref(), Some("`Null` takes no `IfExists` suffix"));
}

#[test]
fn condition_value_types() {
    let errors = errors_of(
        &condition_policy(
            r#"{"StringLike": {"aws:PrincipalTag/team": null, "b": [["x"]], "c": {"d": 1}}, "Bool": []}"#,
        ),
        PolicyType::Identity,
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert_at(
        &errors[0],
        "condition values must be strings, numbers or booleans, found null",
        "Statement[0].Condition.StringLike.\"aws:PrincipalTag/team\"",
        C,
        3,
    );
    assert_at(&errors[1], "found an array", "Statement[0].Condition.StringLike.b[0]", C, 3);
    assert_at(&errors[2], "found an object", "Statement[0].Condition.StringLike.c", C, 3);
    assert_at(
        &errors[3],
        "`Bool` must be an object of condition keys, found an array",
        "Statement[0].Condition.Bool",
        C,
        3,
    );
    let e = error(&condition_policy("[]"));
    assert_at(&e, "`Condition` must be an object", "Statement[0].Condition", C, 3);
}

#[test]
fn condition_keys_differing_in_case() {
    let e = error(&condition_policy(
        "{\"StringEquals\": {\"aws:SourceVpc\": \"a\",\n\"aws:sourcevpc\": \"b\"}}",
    ));
    assert_at(
        &e,
        "condition key `aws:sourcevpc` repeats `aws:SourceVpc` with different case",
        "Statement[0].Condition.StringEquals.\"aws:sourcevpc\"",
        C,
        4,
    );
    // Under different operators, the same key is fine.
    let text = condition_policy(r#"{"StringEquals": {"k": "a"}, "StringLike": {"K": "b"}}"#);
    assert!(warnings(&text, PolicyType::Identity).is_empty());
}

#[test]
fn empty_conditions_warn() {
    let w = warnings(&condition_policy("{}"), PolicyType::Identity);
    assert_eq!(w.len(), 1);
    assert_at(
        &w[0],
        "empty `Condition`: the statement is unconditional",
        "Statement[0].Condition",
        C,
        3,
    );
    let w = warnings(&condition_policy(r#"{"StringEquals": {"k": []}}"#), PolicyType::Identity);
    assert_eq!(w.len(), 1);
    assert_at(
        &w[0],
        "no values for condition key `k`",
        "Statement[0].Condition.StringEquals.k",
        C,
        3,
    );
    let parsed =
        parse_policy(&condition_policy(r#"{"StringEquals": {"k": []}}"#), PolicyType::Identity)
            .unwrap();
    assert_eq!(parsed.policy.statements[0].conditions[0].values, Vec::<String>::new());
}

#[test]
fn null_values() {
    let ok = condition_policy(r#"{"Null": {"a": "TRUE", "b": false, "c": ["true", "False"]}}"#);
    assert!(warnings(&ok, PolicyType::Identity).is_empty());
    let errors = errors_of(
        &condition_policy(r#"{"Null": {"a": "yes", "b": [true, 1]}}"#),
        PolicyType::Identity,
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(
        &errors[0],
        "`Null` takes `true` or `false`, found `yes`",
        "Statement[0].Condition.Null.a",
        C,
        3,
    );
    assert_at(&errors[1], "found `1`", "Statement[0].Condition.Null.b[1]", C, 3);
}

#[test]
fn bool_values() {
    let w = warnings(
        &condition_policy(r#"{"Bool": {"aws:SecureTransport": "yes"}}"#),
        PolicyType::Identity,
    );
    assert_eq!(w.len(), 1);
    assert_at(
        &w[0],
        "`Bool` value `yes` is not `true` or `false`: the condition never matches",
        "Statement[0].Condition.Bool.\"aws:SecureTransport\"",
        C,
        3,
    );
    let e = error(&condition_policy(r#"{"Bool": {"aws:SecureTransport": ["true", "false"]}}"#));
    assert_at(
        &e,
        "`Bool` takes one value, found 2",
        "Statement[0].Condition.Bool.\"aws:SecureTransport\"",
        C,
        3,
    );
    let parsed = parse_policy(
        &condition_policy(r#"{"Bool": {"aws:SecureTransport": true}}"#),
        PolicyType::Identity,
    )
    .unwrap();
    assert_eq!(parsed.policy.statements[0].conditions[0].values, vec!["true".to_string()]);
}

#[test]
fn typed_values_are_checked() {
    let ok = condition_policy(
        r#"{"NumericLessThan": {"s3:max-keys": [10, "-3.5", "+0.25"]},
            "DateGreaterThan": {"aws:CurrentTime": ["2020-01-01T00:00:00Z", "2020-02-29", 1577836800]},
            "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8::/32", "10.0.0.1"]},
            "BinaryEquals": {"k": "YWJj"},
            "ForAnyValue:NumericEqualsIfExists": {"n": "${aws:PrincipalTag/n}"}}"#,
    );
    // The variable is not substituted under a Numeric operator (§1).
    let w = warnings(&ok, PolicyType::Identity);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].message.contains("under `ForAnyValue:NumericEqualsIfExists`"), "{w:#?}");
    let errors = errors_of(
        &condition_policy(
            r#"{"NumericLessThan": {"s3:max-keys": ["abc", 1e3]},
                "DateLessThan": {"aws:CurrentTime": "2021-02-29"},
                "NotIpAddress": {"aws:SourceIp": ["10.0.0.0/33"]},
                "BinaryEqualsIfExists": {"k": "YWJ"}}"#,
        ),
        PolicyType::Identity,
    );
    assert_eq!(errors.len(), 5, "{errors:#?}");
    let path = "Statement[0].Condition.NumericLessThan.\"s3:max-keys\"";
    assert_at(
        &errors[0],
        "`abc` is not a number for `NumericLessThan`",
        &format!("{path}[0]"),
        C,
        3,
    );
    assert!(errors[0].help.as_deref().unwrap().contains("`-3.5`"));
    assert_at(
        &errors[1],
        "`1e3` is not a number for `NumericLessThan`",
        &format!("{path}[1]"),
        C,
        3,
    );
    assert!(errors[1].help.as_deref().unwrap().starts_with("exponents are not accepted; "));
    assert_at(
        &errors[2],
        "`2021-02-29` is not a date for `DateLessThan`",
        "Statement[0].Condition.DateLessThan.\"aws:CurrentTime\"",
        C,
        4,
    );
    assert!(errors[2].help.as_deref().unwrap().starts_with("2021-02 has no day 29; "));
    assert_at(
        &errors[3],
        "`10.0.0.0/33` is not an IP address or CIDR range for `NotIpAddress`",
        "Statement[0].Condition.NotIpAddress.\"aws:SourceIp\"[0]",
        C,
        5,
    );
    assert_at(
        &errors[4],
        "`YWJ` is not base64 for `BinaryEqualsIfExists`",
        "Statement[0].Condition.BinaryEqualsIfExists.k",
        C,
        6,
    );
}

#[test]
fn cidr_host_bits_warn() {
    let w = warnings(
        &condition_policy(r#"{"IpAddress": {"aws:SourceIp": "10.1.2.3/8"}}"#),
        PolicyType::Identity,
    );
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_at(
        &w[0],
        "`10.1.2.3/8` has host bits set: it means `10.0.0.0/8`",
        "Statement[0].Condition.IpAddress.\"aws:SourceIp\"",
        C,
        3,
    );
}

// ---- policy variables ----

#[test]
fn malformed_variables_are_errors_in_resources_and_condition_values() {
    // `Version` after `Statement` still turns on variables.
    let text = r#"{"Statement": [{"Sid": "V", "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": ["arn:aws:s3:::b/${aws:username", "arn:aws:s3:::b/${}"],
        "Condition": {"StringLike": {"aws:a": ["${a b}", "${k, default}", "${k, 'ok'}"]},
                      "NumericLessThan": {"s3:max-keys": "${x"}}}],
        "Version": "2012-10-17"}"#;
    let e = errors_of(text, PolicyType::Identity);
    assert_eq!(e.len(), 5, "{e:#?}");
    let v = Some((0, Some("V")));
    assert_at(
        &e[0],
        "malformed policy variable in `arn:aws:s3:::b/${aws:username`: `${` without a closing `}`",
        "Statement[0].Resource[0]",
        v,
        2,
    );
    assert_at(&e[1], "`${}` names no key", "Statement[0].Resource[1]", v, 2);
    assert_at(
        &e[2],
        "`${a b}`: a variable name has no spaces",
        "Statement[0].Condition.StringLike.\"aws:a\"[0]",
        v,
        3,
    );
    assert_at(
        &e[3],
        "`${k, default}`: a default is written `${key, 'default'}`",
        "Statement[0].Condition.StringLike.\"aws:a\"[1]",
        v,
        3,
    );
    assert_at(&e[4], "`${x`", "Statement[0].Condition.NumericLessThan.\"s3:max-keys\"", v, 4);
    let help = e[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("`${key}`")
            && help.contains("`${key, 'default'}`")
            && help.contains("`${*}`, `${?}` or `${$}`"),
        "{help}"
    );
}

#[test]
fn without_version_2012_variables_are_not_checked() {
    for version in [r#""Version": "2008-10-17","#, ""] {
        let text = format!(
            r#"{{{version} "Statement": {{"Effect": "Allow", "Action": "s3:${{x",
            "Resource": "arn:aws:s3:::b/${{", "Condition": {{"StringEquals": {{"k": "${{}}"}}}}}}}}"#
        );
        let w = warnings(&text, PolicyType::Identity);
        assert!(w.iter().all(|d| !d.message.contains("variable in")), "{w:#?}");
    }
}

#[test]
fn variables_where_aws_does_not_substitute_them_are_warnings() {
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:user/${aws:username}"},
        "Action": ["s3:${aws:x}"], "Resource": "arn:aws:s3:::b/${aws:username}",
        "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:x}"}, "Bool": {"aws:SecureTransport": "${aws:y}"},
                      "Null": {"aws:z": "${aws:z}"}, "IpAddress": {"aws:SourceIp": "${aws:ip}"}}},
        {"Effect": "Deny", "Principal": "*", "NotAction": "s3:${*}",
         "NotResource": ["arn:${aws:p}:s3:::b", "arn:aws:s3:::${aws:TagKeys}/x"],
         "Condition": {"StringEquals": {"aws:a": "${aws:CalledVia, 'd'}"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:username}"}}}]}"#;
    let w = warnings(text, PolicyType::Resource);
    let messages: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(w.len(), 10, "{messages:#?}");
    assert_at(&w[0], "`arn:aws:iam::123456789012:user/${aws:username}` in `Principal` is literal text: AWS substitutes policy variables only in `Resource`, `NotResource` and condition values", "Statement[0].Principal.AWS", Some((0, None)), 2);
    assert_at(
        &w[1],
        "`s3:${aws:x}` in `Action` is literal text",
        "Statement[0].Action[0]",
        Some((0, None)),
        3,
    );
    assert_at(&w[2], "policy variable in `${aws:x}` under `NumericLessThan`: AWS substitutes variables only in String and Arn operators", "Statement[0].Condition.NumericLessThan.\"s3:max-keys\"", Some((0, None)), 4);
    assert_eq!(
        w[2].help.as_deref(),
        Some("iamcheck treats the entry as undecided (UNKNOWN where it matters)")
    );
    assert!(
        w[3].message.contains("under `Bool`")
            && w[4].message.contains("under `Null`")
            && w[5].message.contains("under `IpAddress`"),
        "{messages:#?}"
    );
    assert_at(
        &w[6],
        "`s3:${*}` in `NotAction` is literal text",
        "Statement[1].NotAction",
        Some((1, None)),
        6,
    );
    assert_at(&w[7], "policy variable in `arn:${aws:p}:s3:::b` before the resource part of the ARN: AWS allows variables in `NotResource` only after the fifth `:`", "Statement[1].NotResource[0]", Some((1, None)), 7);
    assert_eq!(w[7].help.as_deref(), Some("iamcheck substitutes it anyway"));
    assert_at(&w[8], "policy variable `${aws:TagKeys}` names a multivalued key: AWS substitutes only single-valued keys", "Statement[1].NotResource[1]", Some((1, None)), 7);
    assert_at(
        &w[9],
        "policy variable `${aws:CalledVia}` names a multivalued key",
        "Statement[1].Condition.StringEquals.\"aws:a\"",
        Some((1, None)),
        8,
    );
}

// ---- many errors, JSON errors, limits ----

#[test]
fn every_error_of_a_document_is_reported() {
    let text = r#"{
  "Version": "2012-10-17",
  "Statment": [],
  "Statement": [
    {"Sid": "A", "Effect": "allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "B", "Effect": "Allow", "Action": [], "Resource": "*", "Principal": "*"},
    {"Sid": "C", "Effect": "Deny", "NotAction": "*", "Resource": "*",
     "Condition": {"StringEquals": {"k": "v", "K": "w"}}}
  ]
}"#;
    let errors = errors_of(text, PolicyType::Identity);
    let summary: Vec<(usize, &str, Option<usize>)> = errors
        .iter()
        .map(|e| {
            (e.location.line, e.location.path.as_str(), e.location.statement.as_ref().map(|s| s.0))
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, "Statment", None),
            (5, "Statement[0].Effect", Some(0)),
            (6, "Statement[1].Principal", Some(1)),
            (8, "Statement[2].Condition.StringEquals.K", Some(2)),
        ]
    );
}

#[test]
fn json_syntax_errors_are_located() {
    let cases = [
        (
            "{\"Version\": \"2012-10-17\",\n  \"Statement\": [1,]}",
            "trailing comma before `]`",
            2,
            19,
        ),
        ("{\"a\": 1,}", "trailing comma before `}`", 1, 9),
        ("{\n  // comment\n}", "comments are not allowed", 2, 3),
        ("{\"a\" 1}", "expected `:` after an object key, found `1`", 1, 6),
        ("{\"a\": \"x\ty\"}", "control character U+0009", 1, 9),
        ("{\"a\": \"x\u{0}y\"}", "control character U+0000", 1, 9),
        ("{\"a\": \"\\q\"}", "invalid escape `\\\\q`", 1, 8),
        ("{\"a\": \"\\ud800\"}", "lone high surrogate", 1, 8),
        ("{\"a\": \"\\udc00\"}", "lone low surrogate", 1, 8),
        ("{\"a\": \"\\u12\"}", "expected four hex digits", 1, 8),
        ("{\"a\": \"abc", "unterminated string", 1, 7),
        ("{\"a\": True}", "expected a value, found `True`", 1, 7),
        ("{\"a\": 01}", "leading zeros", 1, 8),
        ("{\"a\": 1.}", "expected a digit", 1, 9),
        ("{\"a\": -}", "expected a digit", 1, 8),
        ("{} {}", "unexpected text after the document", 1, 4),
        ("", "expected a value, found end of input", 1, 1),
        ("{'a': 1}", "expected a string key, found `'`", 1, 2),
        ("{\"é\": [1 2]}", "expected `,` or `]` after an array item, found `2`", 1, 10),
    ];
    for (text, message, line, column) in cases {
        let errors = errors_of(text, PolicyType::Identity);
        assert_eq!(errors.len(), 1, "{text:?}");
        let e = &errors[0];
        assert!(e.message.starts_with("invalid JSON: "), "{e}");
        assert!(e.message.contains(message), "{text:?}: {e}");
        assert_eq!((e.location.line, e.location.column), (line, column), "{text:?}: {e}");
        assert!(e.location.path.is_empty() && e.location.statement.is_none());
    }
}

#[test]
fn escapes_and_surrogate_pairs_are_decoded() {
    let text = r#"{"Version": "2012-10-17", "Statement": {"Sid": "\u0041\n\"\\\/\ud83d\ude00é", "Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    // The decoded emoji is outside IAM's character set: an error that
    // names the code point, which proves the surrogate pair was decoded.
    let errors = errors_of(text, PolicyType::Identity);
    assert!(errors[0].message.contains("U+1F600"), "{}", errors[0]);
    let text = r#"{"Version": "2012-10-17", "Statement": {"Sid": "\u0041\n\"\\\/\u00e9é", "Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let parsed = parse_policy(text, PolicyType::Identity).unwrap();
    assert_eq!(parsed.policy.statements[0].sid.as_deref(), Some("A\n\"\\/éé"));
}

#[test]
fn deep_nesting_is_rejected_quickly() {
    let text = "[".repeat(100_000);
    let start = std::time::Instant::now();
    let e = error(&text);
    assert!(e.message.contains("nesting deeper than 64 levels"), "{e}");
    assert_eq!((e.location.line, e.location.column), (1, 65));
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
    // The ceiling holds whatever the limits say.
    let limits = ParseLimits { max_depth: usize::MAX, ..ParseLimits::default() };
    let e = parse_policy_with(&text, PolicyType::Identity, &limits).unwrap_err();
    assert!(e.errors[0]
        .message
        .contains(&format!("nesting deeper than {MAX_DEPTH_CEILING} levels")));
    // Within the limit, nesting inside a condition value is a lowering error.
    let nested = format!("{}\"x\"{}", "[".repeat(10), "]".repeat(10));
    let e = error(&condition_policy(&format!(r#"{{"StringEquals": {{"k": {nested}}}}}"#)));
    assert!(e.message.contains("found an array"));
}

#[test]
fn size_limit() {
    let text = format!("{{\"Id\": \"{}\"}}", "x".repeat(100));
    let limits = ParseLimits { max_size: 50, ..ParseLimits::default() };
    let e = parse_policy_with(&text, PolicyType::Identity, &limits).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert!(e.errors[0].message.contains("more than the limit of 50 bytes"), "{}", e.errors[0]);
    assert_eq!(
        ParseLimits::default(),
        ParseLimits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_size: DEFAULT_MAX_SIZE,
            max_statements: DEFAULT_MAX_STATEMENTS,
            max_string_length: DEFAULT_MAX_STRING_LENGTH
        }
    );
}

#[test]
fn path_segments_are_quoted_when_needed() {
    assert_eq!(lower_path("a", "b_1"), "a.b_1");
    assert_eq!(lower_path("", "Statement"), "Statement");
    assert_eq!(lower_path("a", "aws:PrincipalTag/team"), "a.\"aws:PrincipalTag/team\"");
    assert_eq!(lower_path("a", "say \"hi\""), "a.\"say \\\"hi\\\"\"");
    assert_eq!(lower_path("a", ""), "a.\"\"");
    assert_eq!(lower_path("a", "1x"), "a.\"1x\"");
}

fn lower_path(path: &str, key: &str) -> String {
    lower::join_key(path, key)
}

mod corpus;

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const SEED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow",
        "Principal": {"AWS": ["*", "123456789012"]}, "Action": ["s3:Get*"], "Resource": "*",
        "Condition": {"StringLike": {"k": ["v\u00e9", 1, true]}, "Null": {"x": "true"}}}]}"#;

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(40),
            ..ProptestConfig::default()
        })]
        #[test]
        fn on_arbitrary_text(text in "\\PC{0,200}") {
            let _ = parse_policy(&text, PolicyType::Resource);
        }

        #[test]
        fn on_edited_policies(edits in proptest::collection::vec((0..SEED.len(), 0..4usize, "[\\[\\]{}\",:\\\\a-z0-9 *\u{0}é]{0,3}"), 1..4)) {
            let mut text = SEED.to_string();
            for (at, delete, insert) in edits {
                let mut at = at.min(text.len());
                while !text.is_char_boundary(at) { at -= 1; }
                let mut end = (at + delete).min(text.len());
                while !text.is_char_boundary(end) { end += 1; }
                text.replace_range(at..end, &insert);
            }
            for ty in [PolicyType::Identity, PolicyType::Resource] {
                if let Err(e) = parse_policy(&text, ty) {
                    prop_assert!(!e.errors.is_empty());
                    prop_assert!(e.errors.iter().all(|d| d.location.line >= 1 && d.severity == Severity::Error));
                }
            }
        }
    }
}
