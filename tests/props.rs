//! Property tests: random small policies over a tiny alphabet. The
//! engine's verdict must agree with brute force over a finite universe of
//! requests, and every witness must replay through `simulate` (the
//! helpers in `common` assert that). Seeds are fixed by proptest's
//! deterministic runner and failures are persisted in proptest-regressions/.

use crate::common::{access_not_granted, no_new_access, policy};
use iamcheck::{simulate, Access, ContextValue, Decision, Policy, PolicyType, Request, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

const ACTIONS: &[&str] = &["a:x", "a:y", "a:*", "A:X", "b:x", "*", "a:?", "*:x", "b*:*"];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::a",
    "arn:aws:s3:::a*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::*",
    "arn:aws:s3:::a/?",
    "arn:aws:*",
    "arn:aws:ec2:*:*:i",
];
const PRINCIPALS: &[&str] = &[
    "*",
    "111111111111",
    "arn:aws:iam::111111111111:user/u",
    "arn:aws:iam::222222222222:role/r",
    "arn:aws:iam::222222222222:root",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "Null",
    "Bool",
];
const SET_OPERATORS: &[&str] = &[
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringNotLike",
    "ForAllValues:StringNotEquals",
    "ForAllValues:StringLike",
];
const VALUES: &[&str] = &["v", "w", "v*", "V", "true"];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    let single = (
        pick(OPERATORS),
        prop::sample::select(&["k1", "k2"][..]),
        prop::collection::vec(pick(VALUES), 1..3),
    )
        .prop_map(|(op, key, vals)| {
            let vals: Vec<&str> = if op == "Null" {
                match (vals[0], vals.len()) {
                    ("v", 1) => vec!["true"],
                    ("v", _) => vec!["true", "false"],
                    ("w", 1) => vec![],
                    _ => vec!["false"],
                }
            } else if op == "Bool" {
                vec![vals[0]]
            } else {
                vals
            };
            json!({op: {key: vals}})
        });
    let multi = (pick(SET_OPERATORS), prop::collection::vec(pick(VALUES), 1..3))
        .prop_map(|(op, vals)| json!({op: {"k3": vals}}));
    prop_oneof![2 => Just(None), 3 => single.prop_map(Some), 1 => multi.prop_map(Some)]
}

fn statement(resource_policy: bool) -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(pick(ACTIONS), 1..3),
        any::<bool>(),
        prop::collection::vec(pick(RESOURCES), 1..3),
        prop::collection::vec(pick(PRINCIPALS), 1..3),
        0u8..4,
        condition(),
    )
        .prop_map(
            move |(
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                principals,
                p_kind,
                cond,
            )| {
                let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }});
                let (ak, rk) = (
                    if not_action { "NotAction" } else { "Action" },
                    if not_resource { "NotResource" } else { "Resource" },
                );
                s[ak] = json!(actions);
                s[rk] = json!(resources);
                if resource_policy {
                    let ps: Vec<&str> = principals.into_iter().filter(|p| *p != "*").collect();
                    match (p_kind, ps.is_empty()) {
                        (0, _) | (_, true) => s["Principal"] = "*".into(),
                        (1, _) if !allow => s["NotPrincipal"] = json!({"AWS": ps}),
                        _ => s["Principal"] = json!({"AWS": ps}),
                    }
                }
                if let Some(c) = cond {
                    s["Condition"] = c;
                }
                s
            },
        )
}

/// Statements that differ mostly in their conditions (one or two entries),
/// so that the condition semantics is exercised densely.
fn condition_statement() -> impl Strategy<Value = Value> {
    (any::<bool>(), prop::sample::select(&["a:x", "*"][..]), condition(), condition()).prop_map(|(allow, action, c1, c2)| {
        let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }, "Action": action, "Resource": "*"});
        let mut cond = serde_json::Map::new();
        for c in [c1, c2].into_iter().flatten() {
            if let Value::Object(m) = c {
                for (op, kv) in m {
                    cond.entry(op).or_insert(kv);
                }
            }
        }
        if !cond.is_empty() {
            s["Condition"] = Value::Object(cond);
        }
        s
    })
}

pub fn condition_doc() -> impl Strategy<Value = Value> {
    prop::collection::vec(condition_statement(), 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

pub fn policy_doc(resource_policy: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(resource_policy), 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

/// The finite universe the brute force enumerates.
pub fn universe(resource_policy: bool) -> Vec<Request> {
    let actions = ["a:x", "a:y", "A:z", "b:x", "b:yy", "c:x"];
    let resources = [
        "arn:aws:s3:::a",
        "arn:aws:s3:::ab",
        "arn:aws:s3:::b",
        "arn:aws:s3:::a/c",
        "arn:aws:ec2:us-east-1:111111111111:i",
    ];
    let principals: &[Option<&str>] = if resource_policy {
        &[
            Some("anonymous"),
            Some("arn:aws:iam::111111111111:user/u"),
            Some("arn:aws:iam::111111111111:root"),
            Some("arn:aws:sts::222222222222:assumed-role/r/s"),
            Some("arn:aws:iam::333333333333:user/u"),
        ]
    } else {
        &[None]
    };
    let singles: &[Option<&str>] =
        &[None, Some("v"), Some("w"), Some("vx"), Some("V"), Some("true")];
    let sets: &[Option<&[&str]>] = &[
        None,
        Some(&[]),
        Some(&["v"]),
        Some(&["w"]),
        Some(&["v", "w"]),
        Some(&["x"]),
        Some(&["vx", "x"]),
    ];
    let mut out = Vec::new();
    for &p in principals {
        for a in actions {
            for r in resources {
                for &k1 in singles {
                    for &k2 in &singles[..3] {
                        for &k3 in sets {
                            let mut req = Request {
                                principal: p.map(str::to_string),
                                federated_by: None,
                                action: a.into(),
                                resource: r.into(),
                                ..Default::default()
                            };
                            if let Some(v) = k1 {
                                req.context.insert("k1".into(), ContextValue::Single(v.into()));
                            }
                            if let Some(v) = k2 {
                                req.context.insert("k2".into(), ContextValue::Single(v.into()));
                            }
                            if let Some(vs) = k3 {
                                req.context.insert(
                                    "k3".into(),
                                    ContextValue::Multi(vs.iter().map(|s| s.to_string()).collect()),
                                );
                            }
                            out.push(req);
                        }
                    }
                }
            }
        }
    }
    out
}

pub fn allows(p: &Policy, ty: PolicyType, r: &Request) -> bool {
    simulate(p, ty, r).unwrap().decision == Decision::Allow
}

pub fn runner(cases: u32) -> TestRunner {
    let config = PtConfig { cases, failure_persistence: None, ..PtConfig::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
}

fn cases() -> u32 {
    std::env::var("IAMCHECK_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
}

fn check_pair(resource_policy: bool) {
    check_pairs(resource_policy, (policy_doc(resource_policy), policy_doc(resource_policy)));
}

fn check_pairs(resource_policy: bool, docs: impl Strategy<Value = (Value, Value)>) {
    let ty = if resource_policy { PolicyType::Resource } else { PolicyType::Identity };
    let requests = universe(resource_policy);
    runner(cases())
        .run(&docs, |(e, n)| {
            let existing = policy(&e.to_string(), ty);
            let new = policy(&n.to_string(), ty);
            let verdict = no_new_access(&existing, &new, ty);
            let brute = requests.iter().find(|r| allows(&new, ty, r) && !allows(&existing, ty, r));
            match (&verdict, brute) {
                (Verdict::Unknown { reason }, _) => prop_assert!(false, "UNKNOWN: {reason}"),
                (Verdict::Pass, Some(r)) => {
                    prop_assert!(false, "PASS, but {r:?} is new access\nexisting {e}\nnew {n}")
                }
                _ => {}
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn identity_policies_agree_with_brute_force() {
    check_pair(false);
}

#[test]
fn resource_policies_agree_with_brute_force() {
    check_pair(true);
}

#[test]
fn conditions_agree_with_brute_force() {
    check_pairs(false, (condition_doc(), condition_doc()));
}

#[test]
fn access_not_granted_agrees_with_brute_force() {
    let ty = PolicyType::Identity;
    let requests = universe(false);
    let access = (
        prop::collection::vec(pick(&["a:x", "a:*", "b:?x", "c:X"]), 0..2),
        prop::collection::vec(pick(&["arn:aws:s3:::a*", "arn:aws:s3:::b"]), 0..2),
    )
        .prop_filter("some access", |(a, r)| !a.is_empty() || !r.is_empty());
    runner(cases())
        .run(&(policy_doc(false), access), |(d, (actions, resources))| {
            let p = policy(&d.to_string(), ty);
            let access = Access {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                resources: resources.iter().map(|s| s.to_string()).collect(),
            };
            let target = crate::common::access_policy(&access, ty);
            let verdict = access_not_granted(&p, &access, ty);
            let brute = requests.iter().find(|r| allows(&p, ty, r) && allows(&target, ty, r));
            if let (Verdict::Pass, Some(r)) = (&verdict, brute) {
                prop_assert!(false, "PASS, but {r:?} is granted\n{d}");
            }
            prop_assert!(!matches!(verdict, Verdict::Unknown { .. }), "{verdict:?}");
            Ok(())
        })
        .unwrap();
}

/// Conditions over typed keys: numbers (`n`), dates (`d`), IP addresses
/// (`ip`), binary (`b`), single- and multivalued (`ns`), mixed with `Null`.
fn typed_condition() -> impl Strategy<Value = Value> {
    let numeric = (
        pick(&[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEqualsIfExists",
        ]),
        prop::collection::vec(pick(&["1", "2.5", "-3", "0"]), 1..3),
    )
        .prop_map(|(op, vals)| json!({op: {"n": vals}}));
    let date = (
        pick(&["DateLessThan", "DateGreaterThanEquals", "DateEquals", "DateNotEquals"]),
        pick(&["2020-01-01T00:00:00Z", "2021-06-01", "1600000000"]),
    )
        .prop_map(|(op, v)| json!({op: {"d": v}}));
    let ip = (
        pick(&["IpAddress", "NotIpAddress", "NotIpAddressIfExists"]),
        prop::collection::vec(pick(&["10.0.0.0/8", "10.1.0.0/16", "::/0", "203.0.113.7"]), 1..3),
    )
        .prop_map(|(op, vals)| json!({op: {"ip": vals}}));
    let binary =
        pick(&["BinaryEquals", "BinaryEqualsIfExists"]).prop_map(|op| json!({op: {"b": "QUJD"}}));
    let multi = (
        pick(&[
            "ForAnyValue:NumericLessThan",
            "ForAllValues:NumericGreaterThan",
            "ForAnyValue:NumericEquals",
        ]),
        pick(&["1", "2.5"]),
    )
        .prop_map(|(op, v)| json!({op: {"ns": v}}));
    let null = (pick(&["n", "ip", "d"]), any::<bool>())
        .prop_map(|(k, b)| json!({"Null": {k: b.to_string()}}));
    prop_oneof![numeric, date, ip, binary, multi, null]
}

fn typed_doc() -> impl Strategy<Value = Value> {
    let st = (any::<bool>(), prop::sample::select(&["a:x", "*"][..]), typed_condition(), prop::option::of(typed_condition()))
        .prop_map(|(allow, action, c1, c2)| {
            let mut cond = serde_json::Map::new();
            for c in std::iter::once(c1).chain(c2) {
                if let Value::Object(m) = c {
                    for (op, kv) in m {
                        cond.entry(op).or_insert(kv);
                    }
                }
            }
            json!({"Effect": if allow { "Allow" } else { "Deny" }, "Action": action, "Resource": "*", "Condition": cond})
        });
    prop::collection::vec(st, 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

fn typed_universe() -> Vec<Request> {
    let ns: &[Option<&str>] = &[
        None,
        Some("-4"),
        Some("-3"),
        Some("0"),
        Some("0.5"),
        Some("1"),
        Some("2"),
        Some("2.5"),
        Some("3"),
    ];
    let ds: &[Option<&str>] = &[
        None,
        Some("2019-12-31T23:59:59Z"),
        Some("2020-01-01T00:00:00Z"),
        Some("2020-09-13T12:26:40Z"),
        Some("2021-06-01T00:00:00Z"),
        Some("2022-01-01T00:00:00Z"),
    ];
    let ips: &[Option<&str>] = &[
        None,
        Some("10.0.0.1"),
        Some("10.1.2.3"),
        Some("11.0.0.1"),
        Some("203.0.113.7"),
        Some("::1"),
    ];
    let bs: &[Option<&str>] = &[None, Some("QUJD"), Some("YQ==")];
    let nss: &[Option<&[&str]>] =
        &[None, Some(&[]), Some(&["0"]), Some(&["1"]), Some(&["2.5", "3"]), Some(&["0", "3"])];
    let mut out = Vec::new();
    for a in ["a:x", "b:x"] {
        for &n in ns {
            for &d in ds {
                for &ip in ips {
                    for &b in bs {
                        for &set in nss {
                            let mut req = Request {
                                action: a.into(),
                                resource: "arn:aws:s3:::a".into(),
                                ..Default::default()
                            };
                            let ctx = &mut req.context;
                            for (k, v) in [("n", n), ("d", d), ("ip", ip), ("b", b)] {
                                if let Some(v) = v {
                                    ctx.insert(k.into(), ContextValue::Single(v.into()));
                                }
                            }
                            if let Some(vs) = set {
                                ctx.insert(
                                    "ns".into(),
                                    ContextValue::Multi(vs.iter().map(|s| s.to_string()).collect()),
                                );
                            }
                            out.push(req);
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn typed_conditions_agree_with_brute_force() {
    let ty = PolicyType::Identity;
    let requests = typed_universe();
    runner(cases() / 2)
        .run(&(typed_doc(), typed_doc()), |(e, n)| {
            let existing = policy(&e.to_string(), ty);
            let new = policy(&n.to_string(), ty);
            let verdict = no_new_access(&existing, &new, ty);
            if std::env::var("IAMCHECK_DEBUG").is_ok() {
                eprintln!("{}", crate::common::result(&verdict));
            }
            let brute = requests.iter().find(|r| allows(&new, ty, r) && !allows(&existing, ty, r));
            match (&verdict, brute) {
                (Verdict::Unknown { reason }, _) => {
                    prop_assert!(false, "UNKNOWN: {reason}\nexisting {e}\nnew {n}")
                }
                (Verdict::Pass, Some(r)) => {
                    prop_assert!(false, "PASS, but {r:?} is new access\nexisting {e}\nnew {n}")
                }
                _ => {}
            }
            Ok(())
        })
        .unwrap();
}
