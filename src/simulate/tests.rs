//! Statement- and policy-level tests of `simulate`, on policies built
//! directly as ASTs.

use super::*;
use crate::policy::{Condition, Element, Operator, Principal, Statement, Version};
use crate::request::ContextValue;

// ---- helpers -------------------------------------------------------------

fn el(values: &[&str]) -> Element<String> {
    Element { negated: false, values: values.iter().map(|v| v.to_string()).collect() }
}

fn not_el(values: &[&str]) -> Element<String> {
    Element { negated: true, ..el(values) }
}

/// An unconditional statement on every action and resource.
fn stmt(effect: Effect) -> Statement {
    Statement {
        index: 0,
        sid: None,
        effect,
        principal: None,
        action: el(&["*"]),
        resource: Some(el(&["*"])),
        conditions: Vec::new(),
        lines: (1, 1),
    }
}

fn allow() -> Statement {
    stmt(Effect::Allow)
}

fn deny() -> Statement {
    stmt(Effect::Deny)
}

fn with_action(s: Statement, action: Element<String>) -> Statement {
    Statement { action, ..s }
}

fn with_resource(s: Statement, resource: Element<String>) -> Statement {
    Statement { resource: Some(resource), ..s }
}

fn with_principal(s: Statement, negated: bool, values: Vec<Principal>) -> Statement {
    Statement { principal: Some(Element { negated, values }), ..s }
}

fn with_cond(mut s: Statement, op: &str, key: &str, values: &[&str]) -> Statement {
    s.conditions.push(cond(op, key, values));
    s
}

fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    Condition {
        operator: Operator::from_name(op).unwrap_or_else(|| panic!("bad operator {op}")),
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn policy_v(version: Option<Version>, statements: Vec<Statement>) -> Policy {
    let statements =
        statements.into_iter().enumerate().map(|(index, s)| Statement { index, ..s }).collect();
    Policy { version, id: None, statements }
}

fn policy(statements: Vec<Statement>) -> Policy {
    policy_v(Some(Version::V2012_10_17), statements)
}

fn req(action: &str, resource: &str) -> Request {
    Request {
        principal: None,
        federated_by: None,
        action: action.into(),
        resource: resource.into(),
        context: Default::default(),
    }
}

fn s3req() -> Request {
    req("s3:GetObject", "arn:aws:s3:::b/k")
}

fn by(principal: &str, r: Request) -> Request {
    Request { principal: Some(principal.into()), ..r }
}

fn single(v: &str) -> ContextValue {
    ContextValue::Single(v.into())
}

fn multi(vs: &[&str]) -> ContextValue {
    ContextValue::Multi(vs.iter().map(|v| v.to_string()).collect())
}

fn ctx(mut r: Request, key: &str, value: ContextValue) -> Request {
    r.context.insert(key.into(), value);
    r
}

fn run(p: &Policy, t: PolicyType, r: &Request) -> Simulation {
    simulate(p, t, r).unwrap_or_else(|e| panic!("simulate failed: {e}"))
}

fn decision(p: &Policy, r: &Request) -> Decision {
    run(p, PolicyType::Identity, r).decision
}

fn resource_allowed(pattern: Element<String>, resource: &str) -> bool {
    let p = policy(vec![with_resource(allow(), pattern)]);
    decision(&p, &req("s3:GetObject", resource)) == Decision::Allow
}

fn action_allowed(pattern: Element<String>, action: &str) -> bool {
    let p = policy(vec![with_action(allow(), pattern)]);
    decision(&p, &req(action, "arn:aws:s3:::b")) == Decision::Allow
}

/// Whether one condition entry holds for a request with `key` set to
/// `value` (or absent).
fn holds(op: &str, key: &str, values: &[&str], value: Option<ContextValue>) -> bool {
    let p = policy(vec![with_cond(allow(), op, key, values)]);
    let r = match value {
        Some(v) => ctx(s3req(), key, v),
        None => s3req(),
    };
    match decision(&p, &r) {
        Decision::Allow => true,
        Decision::ImplicitDeny => false,
        other => panic!("unexpected {other:?}"),
    }
}

// ---- actions and resources -----------------------------------------------

#[test]
fn actions_ignore_ascii_case() {
    assert!(action_allowed(el(&["ec2:DescribeInstance*"]), "EC2:describeinstancestatus"));
    assert!(action_allowed(el(&["s3:Get?bject"]), "s3:getobject"));
    assert!(!action_allowed(el(&["s3:Get"]), "s3:GetObject"));
    assert!(action_allowed(el(&["*"]), "iam:CreateUser"));
    assert!(action_allowed(el(&["s3:List*", "s3:Get*"]), "s3:GetObject"));
    assert!(!action_allowed(el(&[]), "s3:GetObject"));
    assert!(!action_allowed(el(&["s3:Get Object"]), "s3:GetObject"));
}

#[test]
fn not_action_matches_when_no_entry_does() {
    assert!(!action_allowed(not_el(&["s3:*"]), "S3:GetObject"));
    assert!(action_allowed(not_el(&["s3:*"]), "ec2:RunInstances"));
    assert!(action_allowed(not_el(&["s3:Put*", "iam:*"]), "s3:GetObject"));
}

#[test]
fn resource_globs_from_the_docs() {
    let p = el(&["arn:aws:s3:::b/*/test/*"]);
    assert!(resource_allowed(p.clone(), "arn:aws:s3:::b/1/2/test/3/x"));
    assert!(resource_allowed(p.clone(), "arn:aws:s3:::b//test/x"));
    assert!(resource_allowed(p.clone(), "arn:aws:s3:::b/1/test/"));
    assert!(!resource_allowed(p.clone(), "arn:aws:s3:::b/test/x"));
    assert!(!resource_allowed(p, "arn:aws:s3:::b/1-test/x"));
}

#[test]
fn resource_segments_and_short_patterns() {
    let instance = "arn:aws:ec2:us-east-1:111111111111:instance/i-1";
    assert!(resource_allowed(el(&["arn:aws:ec2:*"]), instance));
    assert!(resource_allowed(el(&["arn:aws:e*"]), instance));
    assert!(!resource_allowed(el(&["arn:aws:ec2"]), instance));
    assert!(!resource_allowed(el(&["arn:aws:*:us-east-1:*:*"]), "arn:aws:s3:::b1"));
    assert!(resource_allowed(el(&["arn:aws:*:us-east-1:*:*"]), instance));
    assert!(!resource_allowed(el(&["arn:aws:s3:::B1"]), "arn:aws:s3:::b1"));
    assert!(resource_allowed(el(&["arn:aws:s3:::*"]), "arn:aws:s3:::b/x:y"));
    assert!(!resource_allowed(el(&[]), "arn:aws:s3:::b1"));
    assert!(resource_allowed(el(&["*"]), instance));
}

#[test]
fn not_resource_and_missing_resource() {
    assert!(!resource_allowed(not_el(&["arn:aws:s3:::b/*"]), "arn:aws:s3:::b/x"));
    assert!(resource_allowed(not_el(&["arn:aws:s3:::b/*"]), "arn:aws:s3:::c/x"));
    // A trust-policy statement without Resource matches every resource.
    let s =
        with_principal(Statement { resource: None, ..allow() }, false, vec![Principal::Everyone]);
    let p = policy(vec![s]);
    let r = by("anonymous", req("sts:AssumeRole", "arn:aws:iam::111122223333:role/r"));
    assert_eq!(run(&p, PolicyType::Resource, &r).decision, Decision::Allow);
}

// ---- principals ----------------------------------------------------------

fn resource_decision(s: Statement, principal: &str) -> Decision {
    run(&policy(vec![s]), PolicyType::Resource, &by(principal, s3req())).decision
}

#[test]
fn account_principal_matches_its_principals_only() {
    let s = with_principal(allow(), false, vec![Principal::Aws("111122223333".into())]);
    for who in [
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:user/dev/alice",
        "arn:aws:sts::111122223333:assumed-role/r/s",
        "arn:aws:sts::111122223333:federated-user/f",
    ] {
        assert_eq!(resource_decision(s.clone(), who), Decision::Allow, "{who}");
    }
    for who in ["anonymous", "arn:aws:iam::444455556666:root", "service:s3.amazonaws.com"] {
        assert_eq!(resource_decision(s.clone(), who), Decision::ImplicitDeny, "{who}");
    }
}

#[test]
fn role_principal_matches_its_sessions() {
    let s = with_principal(
        allow(),
        false,
        vec![Principal::Aws("arn:aws:iam::111122223333:role/path/app".into())],
    );
    assert_eq!(
        resource_decision(s.clone(), "arn:aws:sts::111122223333:assumed-role/app/x"),
        Decision::Allow
    );
    assert_eq!(
        resource_decision(s, "arn:aws:sts::111122223333:assumed-role/other/x"),
        Decision::ImplicitDeny
    );
}

#[test]
fn not_principal_deny_denies_everyone_else() {
    let p = policy(vec![
        with_principal(allow(), false, vec![Principal::Everyone]),
        with_principal(
            deny(),
            true,
            vec![Principal::Aws("arn:aws:iam::111122223333:user/alice".into())],
        ),
    ]);
    // Alice's account is not listed: AWS evaluates her as her account too, and denies it
    // (IAM User Guide, "IAM JSON policy elements: NotPrincipal").
    for who in [
        "arn:aws:iam::111122223333:user/alice",
        "anonymous",
        "arn:aws:iam::111122223333:user/bob",
        "service:x",
    ] {
        let sim = run(&p, PolicyType::Resource, &by(who, s3req()));
        assert_eq!((sim.decision, sim.matched), (Decision::ExplicitDeny, vec![0, 1]), "{who}");
    }
}

/// The NotPrincipal page's examples: a user escapes with its account listed, a role session
/// with its role and its account; an account listed alone exempts only its root.
#[test]
fn not_principal_deny_exempts_a_caller_only_when_all_its_identities_are_listed() {
    let deny_except = |entries: &[&str]| {
        policy(vec![
            with_principal(allow(), false, vec![Principal::Everyone]),
            with_principal(
                deny(),
                true,
                entries.iter().map(|e| Principal::Aws(e.to_string())).collect(),
            ),
        ])
    };
    let decision = |p: &Policy, who: &str| run(p, PolicyType::Resource, &by(who, s3req())).decision;
    let bob = "arn:aws:iam::444455556666:user/Bob";
    let root = "arn:aws:iam::444455556666:root";
    let p = deny_except(&[bob, root]);
    assert_eq!(decision(&p, bob), Decision::Allow);
    assert_eq!(decision(&p, root), Decision::Allow);
    assert_eq!(decision(&p, "arn:aws:iam::444455556666:user/Alice"), Decision::ExplicitDeny);
    let p = deny_except(&["444455556666"]);
    assert_eq!(decision(&p, root), Decision::Allow);
    assert_eq!(decision(&p, bob), Decision::ExplicitDeny);
    let session = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/app";
    let role = "arn:aws:iam::444455556666:role/cross-account-read-only-role";
    let p = deny_except(&[session, role, root]);
    assert_eq!(decision(&p, session), Decision::Allow);
    let other = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other";
    assert_eq!(decision(&p, other), Decision::ExplicitDeny);
    for missing in [&[session, root][..], &[session, role][..], &[role, root][..]] {
        assert_eq!(decision(&deny_except(missing), session), Decision::ExplicitDeny, "{missing:?}");
    }
}

#[test]
fn a_principal_in_another_partition_than_the_resource_is_rejected() {
    let p = policy(vec![with_principal(allow(), false, vec![Principal::Everyone])]);
    let req = by("arn:aws-cn:iam::111122223333:root", s3req());
    let err = simulate(&p, PolicyType::Resource, &req).err().unwrap_or_default();
    assert!(err.contains("partitions are isolated"), "{err}");
    let ok = by(
        "arn:aws-cn:iam::111122223333:root",
        Request { resource: "arn:aws-cn:s3:::b".into(), ..s3req() },
    );
    assert_eq!(run(&p, PolicyType::Resource, &ok).decision, Decision::Allow);
    // Callers without a partition act on resources of any partition.
    assert_eq!(
        run(
            &p,
            PolicyType::Resource,
            &by("anonymous", Request { resource: "arn:aws-cn:s3:::b".into(), ..s3req() })
        )
        .decision,
        Decision::Allow
    );
}

#[test]
fn resource_statement_without_principal_never_matches() {
    assert_eq!(resource_decision(allow(), "anonymous"), Decision::ImplicitDeny);
    let empty = with_principal(allow(), false, Vec::new());
    assert_eq!(resource_decision(empty, "anonymous"), Decision::ImplicitDeny);
}

#[test]
fn identity_policies_ignore_the_principal() {
    let p = policy(vec![allow()]);
    assert_eq!(run(&p, PolicyType::Identity, &s3req()).decision, Decision::Allow);
    assert_eq!(
        run(&p, PolicyType::Identity, &by("not a principal", s3req())).decision,
        Decision::Allow
    );
}

// ---- conditions ----------------------------------------------------------

const K: &str = "aws:k";

#[test]
fn string_operators() {
    let s = |v: &str| Some(single(v));
    assert!(holds("StringEquals", K, &["a", "b"], s("b")));
    assert!(!holds("StringEquals", K, &["a"], s("A")));
    assert!(!holds("StringEquals", K, &["a*"], s("ab")));
    assert!(holds("StringEquals", K, &["a*"], s("a*")));
    assert!(!holds("StringEquals", K, &["a"], None));
    assert!(holds("StringEqualsIfExists", K, &["a"], None));
    assert!(!holds("StringEqualsIfExists", K, &["a"], s("b")));
    assert!(holds("StringNotEquals", K, &["a", "b"], s("c")));
    assert!(!holds("StringNotEquals", K, &["a", "b"], s("b")));
    assert!(holds("StringNotEquals", K, &["a"], None));
    assert!(holds("StringNotEqualsIfExists", K, &["a"], None));
    assert!(!holds("StringNotEqualsIfExists", K, &["a"], s("a")));
    assert!(holds("StringEqualsIgnoreCase", K, &["ABC"], s("abc")));
    assert!(!holds("StringEqualsIgnoreCase", K, &["é"], s("É")));
    assert!(!holds("StringEqualsIgnoreCase", K, &["ABC"], None));
    assert!(!holds("StringNotEqualsIgnoreCase", K, &["ABC"], s("abc")));
    assert!(holds("StringNotEqualsIgnoreCase", K, &["ABC"], s("abd")));
    assert!(holds("StringNotEqualsIgnoreCase", K, &["ABC"], None));
    assert!(holds("StringLike", K, &["x", "a*c?"], s("abbcd")));
    assert!(!holds("StringLike", K, &["a*"], s("Ab")));
    assert!(!holds("StringLike", K, &["a*"], None));
    assert!(holds("StringLikeIfExists", K, &["a*"], None));
    assert!(holds("StringNotLike", K, &["a*"], s("b")));
    assert!(!holds("StringNotLike", K, &["b", "a*"], s("ab")));
    assert!(holds("StringNotLike", K, &["a*"], None));
}

#[test]
fn condition_keys_ignore_case() {
    let p = policy(vec![with_cond(allow(), "StringEquals", "AWS:SourceVpc", &["vpc-1"])]);
    assert_eq!(decision(&p, &ctx(s3req(), "aws:sourcevpc", single("vpc-1"))), Decision::Allow);
}

#[test]
fn empty_value_lists() {
    assert!(!holds("StringEquals", K, &[], Some(single("a"))));
    assert!(holds("StringNotEquals", K, &[], Some(single("a"))));
}

#[test]
fn arn_operators_are_segment_aware() {
    let v = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/d.txt";
    let p = "arn:aws:svc:*:111122223333:finance/*";
    assert!(holds("StringLike", K, &[p], Some(single(v))));
    assert!(!holds("ArnLike", K, &[p], Some(single(v))));
    assert!(!holds("ArnEquals", K, &[p], Some(single(v))));
    assert!(holds("ArnNotLike", K, &[p], Some(single(v))));
    let role = "arn:aws:iam::111122223333:role/r";
    assert!(holds("ArnLike", K, &["arn:aws:iam::*:role/*"], Some(single(role))));
    assert!(holds("ArnEquals", K, &["arn:aws:iam::111122223333:role/*"], Some(single(role))));
    assert!(holds("ArnLike", K, &["arn:aws:iam*"], Some(single(role))));
    assert!(!holds("ArnLike", K, &["arn:aws:IAM::*:*"], Some(single(role))));
    assert!(!holds("ArnNotEquals", K, &[role], Some(single(role))));
    // The value needs six colon-separated parts.
    assert!(!holds("ArnLike", K, &["*"], Some(single("not-an-arn"))));
    assert!(holds("ArnNotLike", K, &["*"], Some(single("not-an-arn"))));
    assert!(!holds("ArnLike", K, &["*"], None));
    assert!(holds("ArnLikeIfExists", K, &["arn:aws:s3:::x"], None));
    assert!(holds("ArnNotLike", K, &["*"], None));
    assert!(holds("ArnNotEqualsIfExists", K, &["*"], None));
}

#[test]
fn bool_ignores_case_and_rejects_non_booleans() {
    assert!(holds("Bool", K, &["true"], Some(single("TRUE"))));
    assert!(holds("Bool", K, &["False"], Some(single("false"))));
    assert!(!holds("Bool", K, &["true"], Some(single("false"))));
    assert!(!holds("Bool", K, &["yes"], Some(single("yes"))));
    assert!(!holds("Bool", K, &["true"], None));
    assert!(holds("BoolIfExists", K, &["true"], None));
    assert!(!holds("BoolIfExists", K, &["true"], Some(single("false"))));
}

#[test]
fn null_checks_presence() {
    assert!(holds("Null", K, &["true"], None));
    assert!(!holds("Null", K, &["true"], Some(single("x"))));
    assert!(holds("Null", K, &["false"], Some(single("x"))));
    assert!(!holds("Null", K, &["false"], None));
    assert!(holds("Null", K, &["TRUE"], None));
    // An empty multivalued value is present.
    assert!(holds("Null", K, &["false"], Some(multi(&[]))));
    assert!(holds("ForAllValues:Null", K, &["false"], None));
    assert!(holds("ForAllValues:Null", K, &["true"], Some(single("x"))));
    assert!(!holds("ForAnyValue:Null", K, &["true"], None));
    assert!(!holds("ForAnyValue:Null", K, &["false"], Some(single("x"))));
}

#[test]
fn for_all_values() {
    let vals = &["a", "b"];
    assert!(holds("ForAllValues:StringEquals", K, vals, None));
    assert!(holds("ForAllValues:StringEquals", K, vals, Some(multi(&[]))));
    assert!(holds("ForAllValues:StringEquals", K, vals, Some(multi(&["a", "b", "a"]))));
    assert!(!holds("ForAllValues:StringEquals", K, vals, Some(multi(&["a", "c"]))));
    assert!(holds("ForAllValues:StringEquals", K, vals, Some(single("a"))));
    assert!(!holds("ForAllValues:StringEquals", K, vals, Some(single("c"))));
    assert!(holds("ForAllValues:StringEqualsIfExists", K, vals, None));
    // Negated: every value matches none of the policy values.
    assert!(holds("ForAllValues:StringNotEquals", K, vals, Some(multi(&["c", "d"]))));
    assert!(!holds("ForAllValues:StringNotEquals", K, vals, Some(multi(&["c", "a"]))));
    assert!(holds("ForAllValues:StringNotEquals", K, vals, None));
    assert!(holds("ForAllValues:StringNotEquals", K, vals, Some(multi(&[]))));
    assert!(holds("ForAllValues:StringLike", K, &["a*"], Some(multi(&["ab", "ac"]))));
    assert!(holds(
        "ForAllValues:ArnLike",
        K,
        &["arn:aws:s3:::*"],
        Some(multi(&["arn:aws:s3:::x"]))
    ));
}

#[test]
fn for_any_value() {
    let vals = &["a", "b"];
    assert!(!holds("ForAnyValue:StringEquals", K, vals, None));
    assert!(!holds("ForAnyValue:StringEquals", K, vals, Some(multi(&[]))));
    assert!(holds("ForAnyValue:StringEquals", K, vals, Some(multi(&["c", "b"]))));
    assert!(!holds("ForAnyValue:StringEquals", K, vals, Some(multi(&["c", "d"]))));
    assert!(holds("ForAnyValue:StringEquals", K, vals, Some(single("a"))));
    // IfExists is ignored under ForAnyValue: absent is false.
    assert!(!holds("ForAnyValue:StringEqualsIfExists", K, vals, None));
    // Negated: some value matches none of the policy values.
    assert!(holds("ForAnyValue:StringNotEquals", K, vals, Some(multi(&["a", "c"]))));
    assert!(!holds("ForAnyValue:StringNotEquals", K, vals, Some(multi(&["a", "b"]))));
    assert!(!holds("ForAnyValue:StringNotEquals", K, vals, None));
    assert!(!holds("ForAnyValue:StringNotEquals", K, vals, Some(multi(&[]))));
    assert!(holds("ForAnyValue:StringNotLike", K, &["a*"], Some(multi(&["ab", "b"]))));
    assert!(holds("ForAnyValue:StringEqualsIgnoreCase", K, vals, Some(multi(&["B"]))));
}

#[test]
fn unqualified_operators_on_multivalued_values() {
    assert!(holds("StringEquals", K, &["a"], Some(multi(&["a"]))));
    assert!(!holds("StringEquals", K, &["a"], Some(multi(&["a", "a"]))));
    assert!(!holds("StringEquals", K, &["a"], Some(multi(&[]))));
    assert!(holds("StringNotEquals", K, &["a"], Some(multi(&["b"]))));
    assert!(!holds("StringNotEquals", K, &["a"], Some(multi(&["b", "c"]))));
    assert!(!holds("StringNotEquals", K, &["a"], Some(multi(&[]))));
    assert!(!holds("StringNotEqualsIfExists", K, &["a"], Some(multi(&[]))));
}

#[test]
fn conditions_are_anded() {
    let s =
        with_cond(with_cond(allow(), "StringEquals", "k1", &["a"]), "StringEquals", "k2", &["b"]);
    let p = policy(vec![s]);
    let both = ctx(ctx(s3req(), "k1", single("a")), "k2", single("b"));
    assert_eq!(decision(&p, &both), Decision::Allow);
    assert_eq!(decision(&p, &ctx(s3req(), "k1", single("a"))), Decision::ImplicitDeny);
}

// ---- undecided constructs ------------------------------------------------

#[test]
fn numeric_operators() {
    assert!(holds("NumericLessThan", K, &["10"], Some(single("9.5"))));
    assert!(!holds("NumericLessThan", K, &["10"], Some(single("10"))));
    assert!(holds("NumericLessThanEquals", K, &["10"], Some(single("10.000"))));
    assert!(holds("NumericGreaterThan", K, &["-3.5"], Some(single("-3.25"))));
    assert!(!holds("NumericGreaterThanEquals", K, &["0.25"], Some(single("0.2"))));
    assert!(holds("NumericEquals", K, &["1", "2"], Some(single("+2"))));
    assert!(holds(
        "NumericEquals",
        K,
        &["12345678901234567890.5"],
        Some(single("12345678901234567890.50"))
    ));
    assert!(!holds(
        "NumericEquals",
        K,
        &["12345678901234567890.5"],
        Some(single("12345678901234567890.4"))
    ));
    // Negated: NOR over the values.
    assert!(holds("NumericNotEquals", K, &["1", "2"], Some(single("3"))));
    assert!(!holds("NumericNotEquals", K, &["1", "2"], Some(single("2.0"))));
    // Unparseable request values: positive false, negated true.
    assert!(!holds("NumericLessThan", K, &["10"], Some(single("five"))));
    assert!(!holds("NumericEquals", K, &["1000"], Some(single("1e3"))));
    assert!(holds("NumericNotEquals", K, &["10"], Some(single("five"))));
    // Absent keys and IfExists.
    assert!(!holds("NumericLessThan", K, &["10"], None));
    assert!(holds("NumericNotEquals", K, &["10"], None));
    assert!(holds("NumericLessThanIfExists", K, &["10"], None));
    assert!(!holds("NumericLessThanIfExists", K, &["10"], Some(single("11"))));
    // Qualifiers.
    assert!(holds("ForAllValues:NumericLessThan", K, &["10"], Some(multi(&["1", "9"]))));
    assert!(!holds("ForAllValues:NumericLessThan", K, &["10"], Some(multi(&["1", "19"]))));
    assert!(holds("ForAllValues:NumericLessThan", K, &["10"], None));
    assert!(holds("ForAnyValue:NumericLessThan", K, &["10"], Some(multi(&["19", "1"]))));
    assert!(!holds("ForAnyValue:NumericLessThan", K, &["10"], Some(multi(&[]))));
    assert!(!holds("ForAnyValue:NumericLessThanIfExists", K, &["10"], None));
    assert!(holds("ForAnyValue:NumericNotEquals", K, &["1"], Some(multi(&["1", "2"]))));
    assert!(!holds("ForAllValues:NumericNotEquals", K, &["1"], Some(multi(&["1", "2"]))));
}

#[test]
fn date_operators() {
    // A key of no documented sort: `aws:CurrentTime` is always a date (`iam::keys`).
    const T: &str = "svc:time";
    let at = |v: &str| Some(single(v));
    assert!(holds("DateLessThan", T, &["2020-01-01T00:00:00Z"], at("2019-12-31T23:59:59Z")));
    assert!(!holds("DateLessThan", T, &["2020-01-01T00:00:00Z"], at("2020-01-01")));
    // Time zones and epoch seconds denote instants.
    assert!(holds("DateEquals", T, &["2020-01-01T01:00:00+01:00"], at("1577836800")));
    assert!(holds("DateGreaterThanEquals", T, &["1577836800"], at("2020-01-01T00:00:00Z")));
    assert!(holds("DateGreaterThan", T, &["2020-01-01T00:00:00Z"], at("2020-01-01T00:00:00.001Z")));
    assert!(holds("DateLessThanEquals", T, &["2020-02-29"], at("2020-02-28T23:00:00-01:00")));
    assert!(holds("DateNotEquals", T, &["2020-01-01"], at("2020-01-02")));
    assert!(!holds("DateNotEquals", T, &["2020-01-01"], at("2020-01-01T00:00:00.000Z")));
    assert!(!holds("DateLessThan", T, &["2020-01-01"], at("yesterday")));
    assert!(holds("DateNotEquals", T, &["2020-01-01"], at("yesterday")));
    assert!(!holds("DateLessThan", T, &["2020-01-01"], None));
    assert!(holds("DateNotEquals", T, &["2020-01-01"], None));
    assert!(holds("DateGreaterThanIfExists", T, &["2020-01-01"], None));
    assert!(holds(
        "ForAllValues:DateLessThan",
        T,
        &["2020-01-01"],
        Some(multi(&["2019-01-01", "1000"]))
    ));
    assert!(!holds(
        "ForAnyValue:DateGreaterThan",
        T,
        &["2020-01-01"],
        Some(multi(&["2019-01-01"]))
    ));
}

#[test]
fn ip_operators() {
    // A key of no documented sort: `aws:SourceIp` is always an address (`iam::keys`).
    const IP: &str = "svc:ip";
    let from = |v: &str| Some(single(v));
    let nets = &["203.0.113.0/24", "2001:DB8:1234:5678::/64"];
    assert!(holds("IpAddress", IP, nets, from("203.0.113.7")));
    assert!(!holds("IpAddress", IP, nets, from("203.0.114.7")));
    assert!(holds("IpAddress", IP, nets, from("2001:db8:1234:5678:abcd::1")));
    assert!(!holds("IpAddress", IP, nets, from("2001:db8:1234:5679::1")));
    assert!(holds("IpAddress", IP, &["10.0.0.1"], from("10.0.0.1")));
    assert!(!holds("IpAddress", IP, &["10.0.0.1"], from("10.0.0.2")));
    // IPv4 and IPv6 are disjoint, mapped addresses included.
    assert!(!holds("IpAddress", IP, &["::/0"], from("10.0.0.1")));
    assert!(!holds("IpAddress", IP, &["0.0.0.0/0"], from("::ffff:10.0.0.1")));
    assert!(holds("NotIpAddress", IP, &["0.0.0.0/0"], from("::1")));
    assert!(!holds("NotIpAddress", IP, nets, from("203.0.113.1")));
    // A request value must be one address.
    assert!(!holds("IpAddress", IP, &["0.0.0.0/0"], from("10.0.0.0/8")));
    assert!(holds("NotIpAddress", IP, &["0.0.0.0/0"], from("not-an-ip")));
    assert!(!holds("IpAddress", IP, nets, None));
    assert!(holds("NotIpAddress", IP, nets, None));
    assert!(holds("IpAddressIfExists", IP, nets, None));
    assert!(holds("NotIpAddressIfExists", IP, nets, None));
    assert!(!holds("NotIpAddressIfExists", IP, nets, from("203.0.113.1")));
    assert!(holds(
        "ForAllValues:IpAddress",
        IP,
        nets,
        Some(multi(&["203.0.113.1", "203.0.113.2"]))
    ));
    assert!(!holds("ForAllValues:IpAddress", IP, nets, Some(multi(&["203.0.113.1", "10.0.0.1"]))));
    assert!(holds("ForAnyValue:NotIpAddress", IP, nets, Some(multi(&["203.0.113.1", "10.0.0.1"]))));
    assert!(!holds("ForAnyValue:IpAddress", IP, nets, None));
}

#[test]
fn binary_equals() {
    assert!(holds("BinaryEquals", K, &["YQ==", "Yg=="], Some(single("Yg=="))));
    assert!(!holds("BinaryEquals", K, &["YQ=="], Some(single("Yw=="))));
    assert!(!holds("BinaryEquals", K, &["YQ=="], Some(single("a"))));
    assert!(!holds("BinaryEquals", K, &["YQ=="], None));
    assert!(holds("BinaryEqualsIfExists", K, &["YQ=="], None));
    assert!(holds(
        "ForAllValues:BinaryEquals",
        K,
        &["YQ==", "Yg=="],
        Some(multi(&["YQ==", "Yg=="]))
    ));
    assert!(!holds("ForAnyValue:BinaryEquals", K, &["YQ=="], Some(multi(&["Yg=="]))));
}

#[test]
fn typed_values_with_variables_are_unknown_only_under_2012() {
    let s = with_cond(allow(), "NumericLessThan", K, &["${aws:PrincipalTag/limit}"]);
    let r = ctx(s3req(), K, single("1"));
    let sim = run(&policy(vec![s.clone()]), PolicyType::Identity, &r);
    assert_eq!(sim.decision, Decision::Unknown);
    // Literal under 2008-10-17: not a number, so it matches nothing.
    let sim = run(&policy_v(Some(Version::V2008_10_17), vec![s]), PolicyType::Identity, &r);
    assert_eq!(sim.decision, Decision::ImplicitDeny);
}

#[test]
fn a_failing_part_decides_an_undecided_statement() {
    let s =
        with_cond(with_action(allow(), el(&["ec2:*"])), "StringEquals", K, &["${aws:username}"]);
    let s = with_cond(s, "StringEquals", "k2", &["x"]);
    let sim = run(&policy(vec![s.clone()]), PolicyType::Identity, &s3req());
    assert_eq!((sim.decision, sim.undecided.len()), (Decision::ImplicitDeny, 0));
    let s = with_action(s, el(&["s3:*"]));
    let sim = run(&policy(vec![s]), PolicyType::Identity, &s3req());
    assert_eq!((sim.decision, sim.undecided.len()), (Decision::ImplicitDeny, 0));
}

#[test]
fn policy_variables_substitute_only_under_2012() {
    let id = PolicyType::Identity;
    let s = with_resource(allow(), el(&["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::c"]));
    let at = |resource: &str, user: Option<&str>| {
        let r = req("s3:GetObject", resource);
        match user {
            Some(u) => ctx(r, "AWS:UserName", single(u)),
            None => r,
        }
    };
    let p = policy(vec![s.clone()]);
    assert_eq!(decision(&p, &at("arn:aws:s3:::b/alice/x", Some("alice"))), Decision::Allow);
    assert_eq!(decision(&p, &at("arn:aws:s3:::b/alice/x", Some("bob"))), Decision::ImplicitDeny);
    // Absent key, no default: the entry matches nothing; the others still do.
    assert_eq!(decision(&p, &at("arn:aws:s3:::b//x", None)), Decision::ImplicitDeny);
    assert_eq!(decision(&p, &at("arn:aws:s3:::c", None)), Decision::Allow);
    // A substituted `*` is literal.
    assert_eq!(decision(&p, &at("arn:aws:s3:::b/x/y", Some("*"))), Decision::ImplicitDeny);
    assert_eq!(decision(&p, &at("arn:aws:s3:::b/*/y", Some("*"))), Decision::Allow);
    // Under 2008-10-17 or without a Version, `${` is literal text.
    for v in [None, Some(Version::V2008_10_17)] {
        let old = policy_v(v, vec![s.clone()]);
        let literal = "arn:aws:s3:::b/${aws:username}/x";
        assert_eq!(decision(&old, &at(literal, Some("alice"))), Decision::Allow);
        assert_eq!(
            decision(&old, &at("arn:aws:s3:::b/alice/x", Some("alice"))),
            Decision::ImplicitDeny
        );
    }
    // Defaults and constants.
    let d = with_resource(allow(), el(&["arn:aws:s3:::b/${aws:username, 'guest'}/${*}${?}${$}"]));
    let d = policy(vec![d]);
    assert_eq!(decision(&d, &at("arn:aws:s3:::b/guest/*?$", None)), Decision::Allow);
    assert_eq!(decision(&d, &at("arn:aws:s3:::b/guest/ab$", None)), Decision::ImplicitDeny);
    assert_eq!(decision(&d, &at("arn:aws:s3:::b/al/*?$", Some("al"))), Decision::Allow);
    // NotResource: an entry whose key is absent excludes nothing.
    let nr = policy(vec![with_resource(allow(), not_el(&["arn:aws:s3:::${aws:username}"]))]);
    assert_eq!(decision(&nr, &at("arn:aws:s3:::alice", None)), Decision::Allow);
    assert_eq!(decision(&nr, &at("arn:aws:s3:::alice", Some("alice"))), Decision::ImplicitDeny);
    // A set as a variable's value is undefined: Unknown.
    let r = ctx(req("s3:GetObject", "arn:aws:s3:::b/a/x"), "aws:username", multi(&["a"]));
    let sim = run(&p, id, &r);
    assert_eq!(sim.decision, Decision::Unknown);
    assert!(sim.undecided[0].1.contains("several values"), "{:?}", sim.undecided);
    // Unless no value could make the entry match: its widening does not.
    let r = ctx(req("s3:GetObject", "arn:aws:s3:::c/x"), "aws:username", multi(&["a"]));
    assert_eq!(run(&p, id, &r).decision, Decision::ImplicitDeny);
    // An absent condition key decides an entry whatever its values.
    let typed =
        policy(vec![with_cond(allow(), "NumericLessThanIfExists", K, &["${aws:username}"])]);
    assert_eq!(run(&typed, id, &s3req()).decision, Decision::Allow);
}

#[test]
fn condition_values_substitute_variables() {
    let eq = |op: &str, v: &str| policy(vec![with_cond(allow(), op, "aws:username", &[v])]);
    let at = |user: Option<&str>, tag: Option<&str>| {
        let mut r = s3req();
        if let Some(u) = user {
            r = ctx(r, "aws:username", single(u));
        }
        if let Some(t) = tag {
            r = ctx(r, "aws:PrincipalTag/x", single(t));
        }
        r
    };
    let p = eq("StringEquals", "${aws:PrincipalTag/x}");
    assert_eq!(decision(&p, &at(Some("a"), Some("a"))), Decision::Allow);
    assert_eq!(decision(&p, &at(Some("a"), Some("b"))), Decision::ImplicitDeny);
    assert_eq!(decision(&p, &at(Some("a"), None)), Decision::ImplicitDeny);
    let n = eq("StringNotEquals", "${aws:PrincipalTag/x}");
    assert_eq!(decision(&n, &at(Some("a"), None)), Decision::Allow);
    assert_eq!(decision(&n, &at(Some("a"), Some("a"))), Decision::ImplicitDeny);
    let like = eq("StringLike", "${aws:PrincipalTag/x}-*");
    assert_eq!(decision(&like, &at(Some("a-b"), Some("a"))), Decision::Allow);
    assert_eq!(decision(&like, &at(Some("ab-b"), Some("a"))), Decision::ImplicitDeny);
    // The substituted value's `*` is literal, the text's a wildcard.
    assert_eq!(decision(&like, &at(Some("ab-b"), Some("*"))), Decision::ImplicitDeny);
    assert_eq!(decision(&like, &at(Some("*-b"), Some("*"))), Decision::Allow);
    let ic = eq("StringEqualsIgnoreCase", "${aws:PrincipalTag/x}");
    assert_eq!(decision(&ic, &at(Some("ABC"), Some("abc"))), Decision::Allow);
    let arn = eq("ArnLike", "arn:aws:iam::*:user/${aws:PrincipalTag/x}");
    assert_eq!(decision(&arn, &at(Some("arn:aws:iam::1:user/a"), Some("a"))), Decision::Allow);
    assert_eq!(
        decision(&arn, &at(Some("arn:aws:iam::1:user/b"), Some("a"))),
        Decision::ImplicitDeny
    );
}

#[test]
fn decision_order_with_unknowns() {
    let unknown =
        |s: Statement| with_cond(s, "NumericLessThan", "aws:CurrentTime", &["${aws:username}"]);
    let cases = [
        (vec![allow(), unknown(deny())], Decision::Unknown, vec![0]),
        (vec![unknown(deny()), deny(), allow()], Decision::ExplicitDeny, vec![1, 2]),
        (vec![unknown(allow()), allow()], Decision::Allow, vec![1]),
        (vec![unknown(allow())], Decision::Unknown, vec![]),
        (vec![with_action(deny(), el(&["ec2:*"])), allow()], Decision::Allow, vec![1]),
        (vec![with_action(allow(), el(&["ec2:*"]))], Decision::ImplicitDeny, vec![]),
        (vec![], Decision::ImplicitDeny, vec![]),
    ];
    for (i, (stmts, want, matched)) in cases.into_iter().enumerate() {
        // The key is present: an absent one would decide the entry.
        let r = ctx(s3req(), "aws:CurrentTime", single("1"));
        let sim = run(&policy(stmts), PolicyType::Identity, &r);
        assert_eq!((sim.decision, sim.matched), (want, matched), "case {i}");
    }
}

// ---- request validation ----------------------------------------------------

/// An action that takes no resource type is evaluated against `*`: only
/// `Resource: "*"` (or a `NotResource` not listing it) matches it.
#[test]
fn the_resource_star_matches_only_the_star() {
    assert!(resource_allowed(el(&["*"]), "*"));
    assert!(!resource_allowed(el(&["arn:aws:s3:::*"]), "*"));
    assert!(!resource_allowed(el(&["arn:*"]), "*"));
    assert!(resource_allowed(not_el(&["arn:aws:s3:::b/*"]), "*"));
}

fn error(t: PolicyType, r: &Request) -> String {
    match simulate(&policy(vec![allow()]), t, r) {
        Err(e) => e,
        Ok(sim) => panic!("expected an error, got {sim:?}"),
    }
}

#[test]
fn rejects_malformed_requests() {
    let id = PolicyType::Identity;
    for action in ["s3", "s3:Get Object", "s3:*", "s3:get:x", ""] {
        assert!(
            error(id, &req(action, "arn:aws:s3:::b")).starts_with("invalid request action"),
            "{action}"
        );
    }
    for resource in [
        "**",
        "arn:aws:s3:::",
        "arn:xyz:s3:::b",
        "arn:aws:S3:::b",
        "arn:aws:s3:::b\u{7}",
        "arn:aws:s3::b",
    ] {
        assert!(
            error(id, &req("s3:GetObject", resource)).starts_with("invalid request resource"),
            "{resource}"
        );
    }
    let rp = PolicyType::Resource;
    assert!(error(rp, &s3req()).contains("needs a `principal`"));
    for who in ["", "*", "arn:aws:iam::111122223333:role/r", "arn:aws:iam::12:root", "Service:x"] {
        assert!(error(rp, &by(who, s3req())).starts_with("invalid request principal"), "{who}");
    }
    // Every message starts in lower case.
    let e = error(rp, &by("root", s3req()));
    assert!(e.chars().next().is_some_and(|c| c.is_ascii_lowercase()), "{e}");
}

#[test]
fn accepts_requests_in_the_universe() {
    let p = policy(vec![allow()]);
    assert!(simulate(
        &p,
        PolicyType::Identity,
        &req("S3:Get_Object-2", "arn:aws-iso-b:s3:::b:c/d")
    )
    .is_ok());
    assert!(simulate(&p, PolicyType::Identity, &req("a:b", "arn:aws:a:r:x:y")).is_ok());
}
