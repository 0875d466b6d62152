//! Policy variables through the CLI: `simulate` substitutes them (JSON
//! output, exit codes), the parser rejects malformed ones and warns where
//! AWS does not substitute them (docs/semantics.md §1, §4a).

use crate::common::{iamcheck, iamcheck_json};
use serde_json::{json, Value};

/// `iamcheck simulate` on an identity policy: exit code and JSON output.
fn simulate(policy: &Value, request: &Value) -> (i32, Value) {
    iamcheck_json(&[
        "simulate",
        "--policy-document",
        &policy.to_string(),
        "--policy-type",
        "IDENTITY_POLICY",
        "--request",
        &request.to_string(),
    ])
}

fn decision(policy: &Value, request: &Value) -> (i32, String) {
    let (code, out) = simulate(policy, request);
    (code, out["decision"].as_str().unwrap_or_default().to_string())
}

fn home_policy(version: &str) -> Value {
    json!({"Version": version, "Statement": [{"Sid": "Home", "Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]})
}

fn get(resource: &str, context: Value) -> Value {
    json!({"action": "s3:GetObject", "resource": resource, "context": context})
}

#[test]
fn resource_variables_are_substituted_under_2012_only() {
    let p = home_policy("2012-10-17");
    let (code, out) =
        simulate(&p, &get("arn:aws:s3:::b/alice/x", json!({"aws:username": "alice"})));
    assert_eq!((code, &out["decision"]), (0, &json!("Allow")), "{out}");
    assert_eq!(
        out["statements"],
        json!([{"statementIndex": 0, "effect": "Allow", "statementId": "Home"}])
    );
    // Another user, or no user name at all: the entry matches nothing.
    let other = get("arn:aws:s3:::b/alice/x", json!({"aws:username": "bob"}));
    assert_eq!(decision(&p, &other), (0, "ImplicitDeny".into()));
    let absent = get("arn:aws:s3:::b/alice/x", json!({}));
    assert_eq!(decision(&p, &absent), (0, "ImplicitDeny".into()));
    // Key names fold case; a substituted `*` is a literal character.
    let upper = get("arn:aws:s3:::b/alice/x", json!({"AWS:UserName": "alice"}));
    assert_eq!(decision(&p, &upper), (0, "Allow".into()));
    let star = get("arn:aws:s3:::b/alice/x", json!({"aws:username": "*"}));
    assert_eq!(decision(&p, &star), (0, "ImplicitDeny".into()));
    let literal_star = get("arn:aws:s3:::b/*/x", json!({"aws:username": "*"}));
    assert_eq!(decision(&p, &literal_star), (0, "Allow".into()));
    // Under 2008-10-17 the text is literal.
    let old = home_policy("2008-10-17");
    let named = get("arn:aws:s3:::b/${aws:username}/x", json!({"aws:username": "alice"}));
    assert_eq!(decision(&old, &named), (0, "Allow".into()));
    let substituted = get("arn:aws:s3:::b/alice/x", json!({"aws:username": "alice"}));
    assert_eq!(decision(&old, &substituted), (0, "ImplicitDeny".into()));
}

#[test]
fn condition_variables_defaults_and_constants() {
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "*", "Condition": {
            "StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team, 'none'}"},
            "StringLike": {"s3:prefix": "${*}${aws:username}*"}}}]});
    let ctx = |team: &str, prefix: &str| {
        get(
            "arn:aws:s3:::b/k",
            json!({"aws:PrincipalTag/team": team, "s3:prefix": prefix,
            "aws:username": "a?", "aws:ResourceTag/team": "red"}),
        )
    };
    assert_eq!(decision(&p, &ctx("red", "*a?/x")), (0, "Allow".into()));
    // `${*}` is a literal `*`; the substituted `?` is literal too.
    assert_eq!(decision(&p, &ctx("red", "xa?/x")), (0, "ImplicitDeny".into()));
    assert_eq!(decision(&p, &ctx("red", "*ab/x")), (0, "ImplicitDeny".into()));
    assert_eq!(decision(&p, &ctx("blue", "*a?/x")), (0, "ImplicitDeny".into()));
    // The default when the key is absent.
    let defaulted = get(
        "arn:aws:s3:::b/k",
        json!({"aws:PrincipalTag/team": "none",
        "s3:prefix": "*a?", "aws:username": "a?"}),
    );
    assert_eq!(decision(&p, &defaulted), (0, "Allow".into()));
    // A negated operator whose variable's key is absent holds [VARS].
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject",
        "Resource": "*", "Condition": {"StringNotEquals": {"s3:prefix": "${aws:username}"}}}]});
    let no_user = get("arn:aws:s3:::b/k", json!({"s3:prefix": "x"}));
    assert_eq!(decision(&deny, &no_user), (0, "ExplicitDeny".into()));
}

#[test]
fn variables_simulate_cannot_decide_exit_3() {
    // A multivalued key as a variable, and a variable under a Numeric operator.
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/${aws:TagKeys}"}]});
    let (code, out) = simulate(&p, &get("arn:aws:s3:::b/a", json!({"aws:TagKeys": ["a", "b"]})));
    assert_eq!((code, &out["decision"]), (3, &json!("Unknown")), "{out}");
    let why = out["undecided"][0].as_str().unwrap_or_default();
    assert!(why.contains("`${aws:TagKeys}`") && why.contains("single-valued"), "{why}");
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:x}"}}}]});
    let (code, out) =
        simulate(&p, &get("arn:aws:s3:::b/a", json!({"s3:max-keys": "3", "aws:x": "5"})));
    assert_eq!((code, &out["decision"]), (3, &json!("Unknown")), "{out}");
}

/// stderr of a run on `doc` and its exit code.
fn stderr_of(doc: &str) -> (Option<i32>, String) {
    let out = iamcheck(&[
        "simulate",
        "--policy-document",
        doc,
        "--policy-type",
        "RESOURCE_POLICY",
        "--request",
        r#"{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/a"}"#,
        "--output",
        "json",
    ]);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn malformed_variables_are_errors_with_the_accepted_forms() {
    let doc = r#"{"Statement": {"Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/${aws:username",
        "Condition": {"StringEquals": {"aws:a": ["${}", "${k, default}", "${a b}"]}}},
        "Version": "2012-10-17"}"#;
    let (code, err) = stderr_of(doc);
    assert_eq!(code, Some(2), "{err}");
    let forms = "(help: write a variable as `${key}` or `${key, 'default'}`, or a constant `${*}`, `${?}` or `${$}`)";
    for line in [
        "error: statement 0 (sid: S), at `Statement.Resource` (line 2, column 21): malformed policy variable in `arn:aws:s3:::b/${aws:username`: `${` without a closing `}` ",
        "error: statement 0 (sid: S), at `Statement.Condition.StringEquals.\"aws:a\"[0]` (line 3, column 50): malformed policy variable in `${}`: `${}` names no key ",
        "at `Statement.Condition.StringEquals.\"aws:a\"[1]` (line 3, column 57): malformed policy variable in `${k, default}`: `${k, default}`: a default is written `${key, 'default'}` ",
        "at `Statement.Condition.StringEquals.\"aws:a\"[2]` (line 3, column 74): malformed policy variable in `${a b}`: `${a b}`: a variable name has no spaces, `$` or `{` ",
    ] {
        assert!(err.contains(&format!("{line}{forms}")), "missing {line}\n{err}");
    }
    // The same text under 2008-10-17 is literal: accepted.
    let (code, err) = stderr_of(&doc.replace("2012-10-17", "2008-10-17"));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn variables_where_aws_does_not_substitute_them_are_warnings() {
    let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:user/${aws:username}"}, "Action": "s3:${aws:x}",
        "Resource": ["arn:${aws:p}:s3:::b", "arn:aws:s3:::b/${aws:TagKeys}"],
        "Condition": {"DateLessThan": {"aws:CurrentTime": "${aws:t}"}}}}"#;
    let (code, err) = stderr_of(doc);
    assert_eq!(code, Some(0), "{err}");
    let undecided = "(help: iamcheck treats the entry as undecided (UNKNOWN where it matters))";
    for line in [
        "warning: statement 0, at `Statement.Principal.AWS` (line 2, column 30): `arn:aws:iam::123456789012:user/${aws:username}` in `Principal` is literal text: AWS substitutes policy variables only in `Resource`, `NotResource` and condition values\n".to_string(),
        "warning: statement 0, at `Statement.Action` (line 2, column 91): `s3:${aws:x}` in `Action` is literal text: AWS substitutes policy variables only in `Resource`, `NotResource` and condition values\n".to_string(),
        "warning: statement 0, at `Statement.Resource[0]` (line 3, column 22): policy variable in `arn:${aws:p}:s3:::b` before the resource part of the ARN: AWS allows variables in `Resource` only after the fifth `:` (help: iamcheck substitutes it anyway)\n".to_string(),
        format!("warning: statement 0, at `Statement.Resource[1]` (line 3, column 45): policy variable `${{aws:TagKeys}}` names a multivalued key: AWS substitutes only single-valued keys {undecided}\n"),
        format!("warning: statement 0, at `Statement.Condition.DateLessThan.\"aws:CurrentTime\"` (line 4, column 59): policy variable in `${{aws:t}}` under `DateLessThan`: AWS substitutes variables only in String and Arn operators {undecided}\n"),
    ] {
        assert!(err.contains(&line), "missing {line}\n{err}");
    }
    assert_eq!(err.matches("warning:").count(), 5, "{err}");
}

/// The textbook home folder against one object through the CLI: exit 1
/// with the owner as witness, which `iamcheck simulate` replays; exit 0
/// where the folder is someone else's by condition.
#[test]
fn home_folder_access_check_through_the_cli() {
    let check = |policy: &Value| {
        iamcheck_json(&[
            "check-access-not-granted",
            "--policy-document",
            &policy.to_string(),
            "--access",
            "resources=arn:aws:s3:::b/alice/file.txt",
            "--policy-type",
            "IDENTITY_POLICY",
        ])
    };
    let p = home_policy("2012-10-17");
    let (code, out) = check(&p);
    assert_eq!((code, out["result"].as_str()), (1, Some("FAIL")), "{out}");
    let witness = &out["witness"];
    assert_eq!(witness["context"]["aws:username"], json!("alice"), "{out}");
    assert_eq!(witness["context"]["aws:PrincipalType"], json!("User"), "{out}");
    assert_eq!(decision(&p, witness), (0, "Allow".into()));
    let mut bob = p.clone();
    bob["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:username": "bob"}});
    let (code, out) = check(&bob);
    assert_eq!((code, out["result"].as_str()), (0, Some("PASS")), "{out}");
}
