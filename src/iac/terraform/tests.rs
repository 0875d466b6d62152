use crate::iac::{extract, Found, IacError, Options};
use serde_json::json;

fn plan(resources: serde_json::Value, extra: serde_json::Value) -> String {
    let mut p = json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}});
    if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
        p.extend(extra.clone());
    }
    p.to_string()
}

fn found(text: &str) -> Found {
    extract("plan.json", text, &Options::default()).unwrap()
}

fn error(text: &str) -> IacError {
    extract("plan.json", text, &Options::default()).unwrap_err()
}

const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

#[test]
fn child_modules_are_read_recursively() {
    let text = json!({"format_version": "1.2", "planned_values": {"root_module": {
        "resources": [],
        "child_modules": [{"address": "module.a", "child_modules": [{"address": "module.a.module.b", "resources": [
            {"address": "module.a.module.b.aws_iam_policy.p[\"x\"]", "mode": "managed", "type": "aws_iam_policy", "name": "p", "values": {"name": "pol", "policy": POLICY}}
        ]}]}]
    }}})
    .to_string();
    let f = found(&text);
    assert_eq!(f.policies.len(), 1);
    let p = &f.policies[0];
    assert_eq!(
        (p.resource.as_str(), p.resource_name.as_str()),
        ("module.a.module.b.aws_iam_policy.p[\"x\"]", "pol")
    );
    assert_eq!(p.policy_type, crate::PolicyType::Identity);
}

#[test]
fn unknown_policies_are_kept_unless_the_configuration_leaves_them_out() {
    let resources = json!([
        {"address": "aws_s3_bucket.declared", "mode": "managed", "type": "aws_s3_bucket", "name": "declared", "values": {"bucket": "b1"}},
        {"address": "aws_s3_bucket.computed", "mode": "managed", "type": "aws_s3_bucket", "name": "computed", "values": {"bucket": "b2"}}
    ]);
    let extra = json!({
        "resource_changes": [
            {"address": "aws_s3_bucket.declared", "change": {"after_unknown": {"policy": true}}},
            {"address": "aws_s3_bucket.computed", "change": {"after_unknown": {"policy": true}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.declared", "expressions": {"policy": {"references": ["data.aws_iam_policy_document.d.json"]}}},
            {"address": "aws_s3_bucket.computed", "expressions": {"bucket": {"constant_value": "b2"}}}
        ]}}
    });
    let f = found(&plan(resources, extra));
    assert_eq!(f.policies.len(), 1);
    assert!(f.policies[0].document.is_none());
    assert!(f.policies[0].unresolved[0].what.contains("known only after apply"));
    assert_eq!(f.skipped[0].resource, "aws_s3_bucket.computed");
}

#[test]
fn lambda_permissions_become_a_statement() {
    let resources = json!([{"address": "aws_lambda_permission.p", "mode": "managed", "type": "aws_lambda_permission", "name": "p",
        "values": {"action": "lambda:InvokeFunction", "function_name": "f", "principal": "sns.amazonaws.com", "source_arn": "arn:aws:sns:us-east-1:123456789012:t", "source_account": null}}]);
    let f = found(&plan(resources, json!({})));
    let doc = f.policies[0].document.clone().unwrap();
    assert_eq!(
        doc["Statement"][0],
        json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Principal": {"Service": "sns.amazonaws.com"},
               "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
               "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}}})
    );
    assert_eq!(f.policies[0].public_access_type.as_deref(), Some("AWS::Lambda::Function"));
}

#[test]
fn wrong_json_types_are_located_errors() {
    for (resources, wanted) in [
        (json!({"a": 1}), "expected an array, found an object"),
        (json!([1]), "expected an object, found a number"),
        (json!([{"address": "x", "type": 3}]), "expected a string, found a number"),
        (
            json!([{"address": "aws_iam_policy.p", "type": "aws_iam_policy", "values": []}]),
            "expected an object, found an array",
        ),
        (
            json!([{"address": "aws_iam_policy.p", "type": "aws_iam_policy", "values": {"policy": 5}}]),
            "expected policy JSON text, found a number",
        ),
        (
            json!([{"address": "aws_iam_policy.p", "type": "aws_iam_policy", "values": {"policy": "{nope"}}]),
            "the policy text is not JSON",
        ),
        (
            json!([{"address": "aws_iam_role.r", "type": "aws_iam_role", "values": {"inline_policy": "x"}}]),
            "expected a list of blocks",
        ),
        (json!([{"type": "aws_iam_policy"}]), "without `address`"),
    ] {
        let e = error(&plan(resources.clone(), json!({})));
        assert!(e.message.contains(wanted), "{resources}: {e}");
        assert!(e.path.starts_with("planned_values.root_module.resources"), "{resources}: {e}");
        assert_eq!(e.line, 1, "{e}");
    }
}

#[test]
fn unevaluated_interpolations_are_named() {
    let policy = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${var.bucket}/${aws:username}"}]}"#;
    let resources = json!([{"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p", "values": {"policy": policy}}]);
    let f = found(&plan(resources, json!({})));
    let what: Vec<&str> = f.policies[0].unresolved.iter().map(|u| u.what.as_str()).collect();
    assert_eq!(what.len(), 1, "{what:?}");
    assert!(what[0].contains("${var.bucket}"));
}
