//! Structured policies (derived with `arbitrary`, so the fuzzer reaches
//! the engine rather than the JSON parser): every check must finish
//! without panicking, and a FAIL's witness must replay through `simulate`
//! — allowed by the new policy, not allowed by the existing one. The
//! `Debug` output of a failing input is the two policies as JSON.
#![no_main]
use arbitrary::Arbitrary;
use iamcheck::{check_no_new_access, parse_policy, simulate, Config, Decision, PolicyType, Verdict};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &["s3:GetObject", "s3:Get*", "s3:*", "*", "ec2:?tart*", "*:Get*", "S3:getobject", "iam:PassRole"];
const RESOURCES: &[&str] = &["*", "arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:s3:::*", "arn:aws:*", "arn:aws:ec2:*:111122223333:instance/*", "arn:aws:s3:::b/?x", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}${*}"];
const PRINCIPALS: &[&str] = &["*", "111122223333", "arn:aws:iam::111122223333:user/u", "arn:aws:iam::444455556666:role/r", "arn:aws:iam::444455556666:root"];
const KEYS: &[&str] = &["aws:PrincipalTag/team", "aws:SourceVpc", "s3:max-keys", "aws:TagKeys", "aws:SourceIp", "aws:CurrentTime", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:username", "aws:userid"];
const OPS: &[&str] = &["StringEquals", "StringNotLike", "StringLikeIfExists", "ArnLike", "Null", "Bool", "NumericLessThan", "DateGreaterThan", "IpAddress", "NotIpAddress", "ForAnyValue:StringEquals", "ForAllValues:StringLike"];
const VALUES: &[&str] = &["a", "a*", "true", "10", "2020-01-01T00:00:00Z", "10.0.0.0/8", "arn:aws:iam::*:role/x", "${aws:username}", "111122223333", "User", "arn:aws:iam::111122223333:user/u", "${aws:PrincipalTag/team}-*", "AIDA*"];

#[derive(Arbitrary, Debug)]
struct Input {
    resource_policy: bool,
    existing: Vec<St>,
    new: Vec<St>,
}

#[derive(Arbitrary, Debug)]
struct St {
    deny: bool,
    not_action: bool,
    actions: Vec<u8>,
    not_resource: bool,
    resources: Vec<u8>,
    not_principal: bool,
    principals: Vec<u8>,
    conditions: Vec<(u8, u8, Vec<u8>)>,
}

fn pick<'a>(pool: &[&'a str], i: u8) -> &'a str {
    pool.get(usize::from(i) % pool.len()).copied().unwrap_or("*")
}

fn statement(s: &St, resource_policy: bool) -> Value {
    let list = |pool: &[&str], v: &[u8]| -> Vec<String> { v.iter().take(4).map(|i| pick(pool, *i).to_string()).collect() };
    let mut out = json!({"Effect": if s.deny { "Deny" } else { "Allow" }});
    out[if s.not_action { "NotAction" } else { "Action" }] = json!(list(ACTIONS, &s.actions));
    out[if s.not_resource { "NotResource" } else { "Resource" }] = json!(list(RESOURCES, &s.resources));
    if resource_policy {
        out[if s.not_principal { "NotPrincipal" } else { "Principal" }] = json!({"AWS": list(PRINCIPALS, &s.principals)});
    }
    let mut cond = serde_json::Map::new();
    for (op, key, values) in s.conditions.iter().take(3) {
        let entry = cond.entry(pick(OPS, *op).to_string()).or_insert_with(|| json!({}));
        entry[pick(KEYS, *key)] = json!(list(VALUES, values));
    }
    if !cond.is_empty() {
        out["Condition"] = Value::Object(cond);
    }
    out
}

fn document(sts: &[St], resource_policy: bool) -> String {
    let sts: Vec<Value> = sts.iter().take(5).map(|s| statement(s, resource_policy)).collect();
    json!({"Version": "2012-10-17", "Statement": sts}).to_string()
}

fuzz_target!(|input: Input| {
    let ty = if input.resource_policy { PolicyType::Resource } else { PolicyType::Identity };
    let (e, n) = (document(&input.existing, input.resource_policy), document(&input.new, input.resource_policy));
    let (Ok(existing), Ok(new)) = (parse_policy(&e, ty), parse_policy(&n, ty)) else { return };
    let config = Config { max_search_nodes: 50_000, ..Config::default() };
    if let Verdict::Fail { witness, .. } = check_no_new_access(&existing.policy, &new.policy, ty, &config) {
        let decision = |p| simulate(p, ty, &witness).map(|s| s.decision);
        assert_eq!(decision(&new.policy), Ok(Decision::Allow), "witness {witness:?}\nexisting {e}\nnew {n}");
        assert!(!matches!(decision(&existing.policy), Ok(Decision::Allow)), "witness {witness:?}\nexisting {e}\nnew {n}");
    }
});
