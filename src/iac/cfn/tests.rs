use crate::iac::{extract, Found, IacError, Options};
use serde_json::json;

fn found(text: &str) -> Found {
    extract("t.yaml", text, &Options::default()).unwrap()
}

fn error(text: &str) -> IacError {
    extract("t.yaml", text, &Options::default()).unwrap_err()
}

fn role(trust_resource: &str) -> String {
    format!(
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {{AWS: {trust_resource}}}\n            Action: sts:AssumeRole\n"
    )
}

#[test]
fn intrinsics_resolve_as_the_user_guide_defines_them() {
    let t = r#"
Parameters:
  Env: {Type: String, Default: prod}
  Ids: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  M: {prod: {Account: "111122223333"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: !If [IsProd, "s3:GetObject", "s3:*"]
            Resource:
              - !Sub "arn:${AWS::Partition}:s3:::${Env}-${!Literal}/*"
              - !Join [":", [a, !Select [1, !Ref Ids], !Select [0, !Split [",", "x,y"]]]]
              - !Sub ["arn:aws:iam::${A}:root", {A: !FindInMap [M, !Ref Env, Account]}]
              - !If [NotProd, "never", !Ref AWS::NoValue]
"#;
    let f = found(t);
    let doc = f.policies[0].document.clone().unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(
        doc["Statement"][0]["Resource"],
        json!(["arn:aws:s3:::prod-${Literal}/*", "a:b:x", "arn:aws:iam::111122223333:root"])
    );
    assert_eq!(f.policies[0].policy_name, "P");
    assert_eq!(f.policies[0].statement_lines, vec![16]);
}

#[test]
fn parameters_override_defaults_and_missing_ones_are_named_stand_ins() {
    let t = "Parameters:\n  Acct: {Type: String}\n".to_string()
        + &role("!Sub 'arn:aws:iam::${Acct}:root'");
    let f = found(&t);
    assert!(f.policies[0].unresolved[0].what.contains("parameter `Acct` has no value"));
    let mut o = Options::default();
    o.parameters.insert("Acct".into(), "111122223333".into());
    let f = extract("t.yaml", &t, &o).unwrap();
    assert_eq!(
        f.policies[0].document.as_ref().unwrap()["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert!(f.policies[0].unresolved.is_empty());
}

#[test]
fn generated_names_imports_and_unknown_attributes_are_named() {
    let t = r#"
Resources:
  B: {Type: AWS::S3::Bucket}
  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: q1}}
  P:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !ImportValue SharedAccount}
            Action: sqs:SendMessage
            Resource: [!GetAtt Q.Arn, !GetAtt B.Arn, !GetAtt B.DomainName]
"#;
    let f = found(t);
    let p = &f.policies[0];
    assert_eq!(p.resource_name, "q1");
    assert_eq!(p.public_access_type.as_deref(), Some("AWS::SQS::Queue"));
    let doc = p.document.as_ref().unwrap();
    assert_eq!(doc["Statement"][0]["Resource"][0], "arn:aws:sqs:us-east-1:123456789012:q1");
    assert_eq!(doc["Statement"][0]["Resource"][1], "arn:aws:s3:::B");
    let what: Vec<&str> = p.unresolved.iter().map(|u| u.what.as_str()).collect();
    assert!(what.iter().any(|w| w.contains("Fn::ImportValue `SharedAccount`")), "{what:?}");
    assert!(what.iter().any(|w| w.contains("`B` has no name")), "{what:?}");
    assert!(what.iter().any(|w| w.contains("B.DomainName")), "{what:?}");
}

#[test]
fn lambda_permissions_become_one_policy_per_function() {
    let t = r#"
Resources:
  F: {Type: AWS::Lambda::Function, Properties: {FunctionName: f}}
  A:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, FunctionName: !Ref F, Principal: s3.amazonaws.com, SourceAccount: !Ref AWS::AccountId}
  B:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, FunctionName: !GetAtt F.Arn, Principal: "*", PrincipalOrgID: o-abcdefghij}
"#;
    let f = found(t);
    assert_eq!(f.policies.len(), 1);
    let p = &f.policies[0];
    assert_eq!(
        (p.resource.as_str(), p.resource_name.as_str(), p.policy_name.as_str()),
        ("A,B", "f", "PermissionsPolicy")
    );
    assert_eq!(p.statement_lines, vec![5, 8]);
    let doc = p.document.as_ref().unwrap();
    assert_eq!(doc["Statement"][0]["Principal"], json!({"Service": "s3.amazonaws.com"}));
    assert_eq!(
        doc["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceAccount"],
        "123456789012"
    );
    assert_eq!(
        doc["Statement"][1]["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
        "o-abcdefghij"
    );
}

#[test]
fn false_conditions_and_excluded_types_are_skipped_with_a_reason() {
    let t = "Conditions:\n  No: !Equals [a, b]\n".to_string()
        + &role("'*'").replace("Type: AWS::IAM::Role", "Type: AWS::IAM::Role\n    Condition: No");
    let f = found(&t);
    assert!(f.policies.is_empty());
    assert!(f.skipped[0].reason.contains("condition `No` is false"));
    let o = Options { exclude_resource_types: vec!["aws::iam::role".into()], ..Options::default() };
    let f = extract("t.yaml", &role("'*'"), &o).unwrap();
    assert!(f.policies.is_empty() && f.skipped[0].reason.contains("exclude"));
}

#[test]
fn json_templates_and_policy_text_keep_their_lines() {
    let t = r#"{
  "Resources": {
    "P": {
      "Type": "AWS::SSO::PermissionSet",
      "Properties": {
        "Name": "ps",
        "InlinePolicy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}"
      }
    }
  }
}"#;
    let f = extract("t.json", t, &Options::default()).unwrap();
    let p = &f.policies[0];
    assert_eq!(
        (p.policy_name.as_str(), p.resource_name.as_str(), p.line),
        ("InlinePolicy", "ps", 7)
    );
    assert_eq!(p.statement_lines, vec![7]);
}

#[test]
fn circular_references_are_located_errors() {
    let t = r#"
Resources:
  A: {Type: AWS::IAM::Role, Properties: {RoleName: !GetAtt B.Arn, AssumeRolePolicyDocument: {Statement: []}}}
  B: {Type: AWS::IAM::Role, Properties: {RoleName: !Ref A, AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: !GetAtt A.Arn}, Action: "sts:AssumeRole"}]}}}
"#;
    let e = error(t);
    assert!(e.message.contains("circular reference: "), "{e}");
    assert!(e.line > 0 && e.to_string().contains("t.yaml"), "{e}");
    let c = "Conditions:\n  X: !Condition Y\n  Y: !Condition X\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Condition: X\n";
    assert!(error(c).message.contains("circular condition"), "{}", error(c));
}

#[test]
fn wrong_argument_shapes_and_types_are_located_errors() {
    for (value, wanted) in [
        ("!Join [a]", "`Fn::Join` takes a list of 2 arguments, found 1 arguments"),
        ("!Select [5, [a]]", "out of range"),
        ("!Select [x, [a]]", "not a non-negative integer"),
        ("!GetAtt Nope", "takes `Resource.Attribute`"),
        ("!GetAtt [Nope, Arn]", "not a resource"),
        ("!Ref Nope", "neither a parameter"),
        ("!Split ['', x]", "delimiter is empty"),
        ("!FindInMap [M, a, b]", "no `M.a.b` in Mappings"),
        ("!If [C, a, b]", "no condition `C`"),
        ("!Sub '${Nope}'", "names no parameter"),
        ("!Join [',', {a: b}]", "expected an array"),
    ] {
        let e = error(&role(value));
        assert!(e.message.contains(wanted), "{value}: {e}");
        assert_eq!(e.line, 8, "{value}: {e}");
        assert!(
            e.path.starts_with(
                "Resources.R.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS"
            ),
            "{value}: {e}"
        );
    }
    let e = error("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: [a]\n");
    assert!(e.message.contains("expected an object, found an array"), "{e}");
    let e = error("Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: [x]\n      PolicyDocument: {}\n");
    assert!(e.message.contains("expected a string"), "{e}");
    let e = error("Resources: [a]\n");
    assert!(e.message.contains("expected an object"), "{e}");
    assert!(error("Foo: 1\n").message.contains("no `Resources`"));
}

#[test]
fn exponential_references_hit_the_node_budget() {
    let mut t =
        String::from("Resources:\n  R0: {Type: AWS::S3::Bucket, Properties: {BucketName: x}}\n");
    for i in 1..40 {
        let p = i - 1;
        t.push_str(&format!(
            "  R{i}: {{Type: AWS::S3::Bucket, Properties: {{BucketName: !Join ['', [!Ref R{p}, !Ref R{p}, !Ref R{p}]]}}}}\n"
        ));
    }
    t.push_str(&role("!GetAtt R39.Arn").replace("Resources:\n", ""));
    let o = Options { max_nodes: 100_000, ..Options::default() };
    let e = extract("t.yaml", &t, &o).unwrap_err();
    assert!(e.message.contains("nodes") || e.message.contains("deeper"), "{e}");
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let o = Options { max_file_size: 10, ..Options::default() };
    let e = extract("t.yaml", "Resources: {}\n", &o).unwrap_err();
    assert!(e.message.contains("more than the limit of 10 bytes"), "{e}");
}
