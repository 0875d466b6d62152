//! `NotPrincipal` as AWS evaluates it and partition isolation (docs/semantics.md §2, §3):
//! check-level tests in both directions, every FAIL's witness replayed through `simulate`
//! (by the `common` helpers), and a property test against brute force over a small
//! principal alphabet.

use crate::common::{access_not_granted, no_new_access, policy, result};
use iamcheck::{simulate, Access, Decision, Policy, PolicyType, Request, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

const TY: PolicyType = PolicyType::Resource;

fn doc(statements: Value) -> Policy {
    policy(&json!({"Version": "2012-10-17", "Statement": statements}).to_string(), TY)
}

/// Allow everyone, deny everyone but the `NotPrincipal` entries.
fn deny_except(entries: &[&str]) -> Policy {
    doc(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": entries}, "Action": "s3:*", "Resource": "*"}
    ]))
}

/// Allows exactly `principal`.
fn allow_only(principal: &str) -> Policy {
    doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:*", "Resource": "*"}]),
    )
}

const BOB: &str = "arn:aws:iam::444455556666:user/Bob";
const ROOT: &str = "arn:aws:iam::444455556666:root";
const SESSION: &str =
    "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
const ROLE: &str = "arn:aws:iam::444455556666:role/cross-account-read-only-role";

fn witness_principal(v: &Verdict) -> Option<String> {
    match v {
        Verdict::Fail { witness, .. } => witness.principal.clone(),
        _ => None,
    }
}

/// Allows nothing.
fn nothing() -> Policy {
    doc(json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]))
}

/// Allows exactly the callers of account 444455556666 whose `aws:PrincipalArn` is one of
/// `arns`, and the `sessions`.
fn exactly(arns: &[&str], sessions: &[&str]) -> Policy {
    let mut st = vec![
        json!({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:*", "Resource": "*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": arns}}}),
    ];
    if !sessions.is_empty() {
        st.push(json!({"Effect": "Allow", "Principal": {"AWS": sessions}, "Action": "s3:*", "Resource": "*"}));
    }
    doc(Value::Array(st))
}

/// Whether `p` and `q` allow the same requests (both directions of check-no-new-access,
/// witnesses replayed).
fn same(p: &Policy, q: &Policy) -> bool {
    result(&no_new_access(p, q, TY)) == "PASS" && result(&no_new_access(q, p, TY)) == "PASS"
}

fn decision(p: &Policy, who: &str) -> Decision {
    simulate(p, TY, &request(who, "arn:aws:s3:::b")).unwrap().decision
}

#[test]
fn the_user_example_exempts_bob_only_with_his_account() {
    // The NotPrincipal page's first example: Bob and his account listed. Allowed: Bob and the
    // account's root, nobody else.
    let p = deny_except(&[BOB, ROOT]);
    assert!(same(&p, &exactly(&[BOB, ROOT], &[])));
    let v = no_new_access(&allow_only(BOB), &p, TY);
    assert_eq!(witness_principal(&v).as_deref(), Some(ROOT));
    // Bob alone: "the effect of the policy might be to explicitly deny access to the AWS
    // account that contains the user Bob", and Bob with it. Nobody is allowed (this was a
    // FAIL with Bob as the witness before).
    let p = deny_except(&[BOB]);
    assert!(same(&p, &nothing()));
    assert_eq!(decision(&p, BOB), Decision::ExplicitDeny);
}

#[test]
fn listing_an_account_exempts_only_its_root() {
    let p = deny_except(&["444455556666"]);
    // Only the account's root, in any partition: its users and sessions are denied.
    assert!(same(&p, &exactly(&["arn:*:iam::444455556666:root"], &[])));
    assert_eq!(decision(&p, BOB), Decision::ExplicitDeny);
    assert_eq!(decision(&p, ROOT), Decision::Allow);
    // Against the root of `aws` only, the new access is the `aws-cn` root, on a resource
    // of `aws-cn` (partitions are isolated).
    let v = no_new_access(&exactly(&[ROOT], &[]), &p, TY);
    assert_eq!(witness_principal(&v).as_deref(), Some("arn:aws-cn:iam::444455556666:root"));
    if let Verdict::Fail { witness, .. } = &v {
        assert!(witness.resource.starts_with("arn:aws-cn:"), "{witness:?}");
    }
}

#[test]
fn the_role_example_needs_session_role_and_account() {
    let p = deny_except(&[SESSION, ROLE, ROOT]);
    assert!(same(&p, &exactly(&[ROOT], &[SESSION])));
    let other = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other";
    assert_eq!(decision(&p, other), Decision::ExplicitDeny);
    // Without its role or its account, the session is denied.
    for (missing, root_allowed) in
        [([SESSION, ROOT], true), ([SESSION, ROLE], false), ([ROLE, ROOT], true)]
    {
        let p = deny_except(&missing);
        assert_eq!(decision(&p, SESSION), Decision::ExplicitDeny, "{missing:?}");
        let expected = if root_allowed { exactly(&[ROOT], &[]) } else { nothing() };
        assert!(same(&p, &expected), "{missing:?}");
        let v = no_new_access(&exactly(&[ROOT], &[SESSION]), &p, TY);
        assert_eq!(result(&v), "PASS", "{missing:?}");
        let v = no_new_access(&p, &exactly(&[ROOT], &[SESSION]), TY);
        let witness = witness_principal(&v);
        assert!(witness.as_deref() == Some(SESSION) || !root_allowed, "{missing:?}: {v:?}");
    }
}

#[test]
fn not_principal_with_allow_allows_every_caller_with_an_identity_not_listed() {
    // "Doing so allows all principals except the one named" (the page's earlier text; it now
    // says the combination is not supported): the same rule as with Deny.
    let p = doc(
        json!([{"Effect": "Allow", "NotPrincipal": {"AWS": [BOB, ROOT]}, "Action": "s3:*", "Resource": "*"}]),
    );
    let v = no_new_access(&nothing(), &p, TY);
    assert_eq!(witness_principal(&v).as_deref(), Some("anonymous"));
    for exempt in [BOB, ROOT] {
        assert_eq!(decision(&p, exempt), Decision::ImplicitDeny);
    }
    // Bob's colleague is allowed although the account is listed: not all her identities are.
    let alice = "arn:aws:iam::444455556666:user/Alice";
    assert_eq!(decision(&p, alice), Decision::Allow);
    let v = no_new_access(&exactly(&[], &[]), &p, TY);
    assert_eq!(result(&v), "FAIL");
}

#[test]
fn no_witness_crosses_partitions() {
    // A principal of `aws-cn` on a resource of `aws`: AWS can never receive such a request.
    let p = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws-cn:iam::111122223333:root"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]),
    );
    assert_eq!(result(&no_new_access(&nothing(), &p, TY)), "PASS");
    let access = Access { actions: vec!["s3:GetObject".into()], resources: vec![] };
    assert_eq!(result(&access_not_granted(&p, &access, TY)), "PASS");
    // The same within one partition is a FAIL, and its witness stays there.
    let p = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "arn:aws-us-gov:s3:::b/*"}]),
    );
    let v = no_new_access(&nothing(), &p, TY);
    assert_eq!(witness_principal(&v).as_deref(), Some("arn:aws-us-gov:iam::111122223333:root"));
    // Identity policies: the caller keys carry the partition too.
    let ty = PolicyType::Identity;
    let id = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws-cn:iam::*"}}}]}).to_string(), ty);
    let empty = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}).to_string(), ty);
    assert_eq!(result(&no_new_access(&empty, &id, ty)), "PASS");
    let id = policy(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws-cn:s3:::b/*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws-cn:iam::*"}}}]}).to_string(), ty);
    assert_eq!(result(&no_new_access(&empty, &id, ty)), "FAIL");
}

fn request(principal: &str, resource: &str) -> Request {
    let (principal, by) = match principal.split_once(" by ") {
        Some((p, by)) => (p, Some(by.to_string())),
        None => (principal, None),
    };
    Request {
        principal: Some(principal.into()),
        federated_by: by,
        action: "s3:GetObject".into(),
        resource: resource.into(),
        ..Default::default()
    }
}

// Property test: NotPrincipal/Principal policies over a small principal alphabet against
// brute force over a small set of callers in two partitions.

const ENTRIES: &[&str] = &[
    "111111111111",
    "arn:aws:iam::111111111111:root",
    "arn:aws-cn:iam::111111111111:root",
    "arn:aws:iam::111111111111:user/u",
    "arn:aws-cn:iam::111111111111:user/u",
    "arn:aws:iam::111111111111:role/r",
    "arn:aws:iam::111111111111:role/p/r",
    "arn:aws:sts::111111111111:assumed-role/r/s",
    "arn:aws:sts::111111111111:federated-user/f",
    "arn:aws:sts::111111111111:federated-user/g",
    "arn:aws:iam::111111111111:user/d/w",
    "arn:aws:iam::222222222222:root",
    "arn:aws:iam::222222222222:user/u",
];

const CALLERS: &[&str] = &[
    "anonymous",
    "service:s.amazonaws.com",
    "arn:aws:iam::111111111111:root",
    "arn:aws-cn:iam::111111111111:root",
    "arn:aws:iam::111111111111:user/u",
    "arn:aws:iam::111111111111:user/v",
    "arn:aws-cn:iam::111111111111:user/u",
    "arn:aws:sts::111111111111:assumed-role/r/s",
    "arn:aws:sts::111111111111:assumed-role/r/t",
    "arn:aws:sts::111111111111:assumed-role/q/s",
    "arn:aws:sts::111111111111:federated-user/f",
    // Federated users with the IAM user who federated (`federatedBy`).
    "arn:aws:sts::111111111111:federated-user/f by arn:aws:iam::111111111111:user/u",
    "arn:aws:sts::111111111111:federated-user/f by arn:aws:iam::111111111111:user/v",
    "arn:aws:sts::111111111111:federated-user/g by arn:aws:iam::111111111111:user/d/w",
    "arn:aws-cn:sts::111111111111:federated-user/f by arn:aws-cn:iam::111111111111:user/u",
    "arn:aws:iam::111111111111:user/d/w",
    "arn:aws:iam::222222222222:user/u",
    "arn:aws:iam::222222222222:root",
];

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        0u8..3,
        prop::collection::vec(prop::sample::select(ENTRIES), 1..4),
        prop::sample::select(&["*", "arn:aws:s3:::b", "arn:aws-cn:s3:::b", "arn:*:s3:::b"][..]),
        any::<bool>(),
    )
        .prop_map(|(allow, kind, entries, resource, service)| {
            let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }, "Action": "s3:GetObject", "Resource": resource});
            let mut map = json!({"AWS": entries});
            if service {
                map["Service"] = "s.amazonaws.com".into();
            }
            match kind {
                0 => s["Principal"] = "*".into(),
                1 => s["Principal"] = map,
                _ => s["NotPrincipal"] = map,
            }
            s
        })
}

fn doc_strategy() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(), 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

#[test]
fn not_principal_agrees_with_brute_force() {
    let mut requests = Vec::new();
    for caller in CALLERS {
        for resource in ["arn:aws:s3:::b", "arn:aws-cn:s3:::b"] {
            let partition = resource.split(':').nth(1).unwrap_or_default();
            let own = caller.split(':').nth(1).filter(|_| caller.starts_with("arn:"));
            if own.is_some_and(|p| p != partition) {
                continue;
            }
            requests.push(request(caller, resource));
        }
    }
    let allows = |p: &Policy, r: &Request| simulate(p, TY, r).unwrap().decision == Decision::Allow;
    let config = PtConfig { cases: 300, failure_persistence: None, ..PtConfig::default() };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]));
    let fails = std::cell::Cell::new(0);
    runner
        .run(&(doc_strategy(), doc_strategy()), |(e, n)| {
            let (existing, new) = (policy(&e.to_string(), TY), policy(&n.to_string(), TY));
            // `no_new_access` replays every FAIL's witness through simulate.
            let verdict = no_new_access(&existing, &new, TY);
            let brute = requests.iter().find(|r| allows(&new, r) && !allows(&existing, r));
            match (&verdict, brute) {
                (Verdict::Unknown { reason }, _) => prop_assert!(false, "UNKNOWN: {reason}"),
                (Verdict::Pass, Some(r)) => {
                    prop_assert!(false, "PASS, but {r:?} is new access\nexisting {e}\nnew {n}")
                }
                (Verdict::Fail { .. }, _) => fails.set(fails.get() + 1),
                _ => {}
            }
            Ok(())
        })
        .unwrap();
    // Both verdicts occur.
    let fails = fails.get();
    assert!(fails > 30 && fails < 270, "{fails} FAILs");
}

fn userid_policy(ty: PolicyType, pattern: &str) -> Policy {
    let mut st = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringLike": {"aws:userid": pattern}}});
    if ty == PolicyType::Resource {
        st["Principal"] = "*".into();
    }
    policy(&json!({"Version": "2012-10-17", "Statement": [st]}).to_string(), ty)
}

#[test]
fn userid_patterns_of_role_sessions_get_role_session_witnesses() {
    let access = Access { actions: vec!["s3:GetObject".into()], resources: vec![] };
    for ty in [PolicyType::Resource, PolicyType::Identity] {
        let p = userid_policy(ty, "AROA1234567890EXAMPLE:*");
        let v = access_not_granted(&p, &access, ty);
        let Verdict::Fail { witness, .. } = &v else { panic!("{ty:?}: {v:?}") };
        let userid = witness.context_value("aws:userid").map(|v| v.values().join(","));
        assert_eq!(userid.as_deref(), Some("AROA1234567890EXAMPLE:example"), "{ty:?}");
        if ty == PolicyType::Resource {
            let principal = witness.principal.clone().unwrap_or_default();
            assert!(principal.ends_with(":assumed-role/example/example"), "{principal}");
        }
        // Both directions: a narrower session pattern is no new access, a wider one is.
        let narrower = userid_policy(ty, "AROA1234567890EXAMPLE:s*");
        assert_eq!(result(&no_new_access(&p, &narrower, ty)), "PASS", "{ty:?}");
        let wider = userid_policy(ty, "AROA*");
        assert_eq!(result(&no_new_access(&p, &wider, ty)), "FAIL", "{ty:?}");
    }
}

// The IAM user who federated (docs/semantics.md §2, §3): "if a resource-based policy grants
// permission to the ARN of the IAM user who federated, then requests made by the federated
// user during the session are limited by an implicit deny in a permission boundary or session
// policy" ("Policy evaluation logic"), so a grant to the user reaches its federated sessions.

const U: &str = "arn:aws:iam::111122223333:user/U";
const N: &str = "arn:aws:sts::111122223333:federated-user/N";

fn allow_u_deny(denied: &str) -> Policy {
    doc(json!([
        {"Effect": "Allow", "Principal": {"AWS": U}, "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": denied}, "Action": "s3:*", "Resource": "*"}
    ]))
}

fn fed_request(by: Option<&str>) -> Request {
    Request { federated_by: by.map(str::to_string), ..request(N, "arn:aws:s3:::b") }
}

#[test]
fn a_grant_to_the_federating_user_reaches_its_sessions() {
    let (existing, new) = (allow_u_deny(N), allow_only(U));
    // simulate: U's session N is allowed by the new policy only; N federated by the root
    // user or by another user is allowed by neither.
    let decision = |p: &Policy, r: &Request| simulate(p, TY, r).unwrap().decision;
    let by_u = fed_request(Some(U));
    assert_eq!(decision(&new, &by_u), Decision::Allow);
    assert_eq!(decision(&existing, &by_u), Decision::ExplicitDeny);
    assert_eq!(decision(&new, &fed_request(None)), Decision::ImplicitDeny);
    let by_v = fed_request(Some("arn:aws:iam::111122223333:user/V"));
    assert_eq!(decision(&new, &by_v), Decision::ImplicitDeny);
    // The check: FAIL, with U's federated session N as the witness (replayed by the helper).
    let v = no_new_access(&existing, &new, TY);
    let Verdict::Fail { witness, .. } = &v else { panic!("{v:?}") };
    assert_eq!(witness.principal.as_deref(), Some(N));
    assert_eq!(witness.federated_by.as_deref(), Some(U));
    assert_eq!(decision(&new, witness), Decision::Allow);
    assert_ne!(decision(&existing, witness), Decision::Allow);
    // The witness's JSON carries `federatedBy` and reads back.
    let text = serde_json::to_string(witness).unwrap();
    assert!(text.contains(r#""federatedBy":"arn:aws:iam::111122223333:user/U""#), "{text}");
    assert_eq!(&Request::from_json(&text).unwrap(), witness);
    // The converse: the new policy adds nothing.
    assert_eq!(result(&no_new_access(&new, &existing, TY)), "PASS");
    // Whether a Deny naming the federating user reaches its sessions AWS does not say
    // (docs/semantics.md §3): simulate leaves it undecided, and the engine decides only what
    // holds under both readings.
    let deny_u = allow_u_deny(U);
    assert_eq!(decision(&deny_u, &by_u), Decision::Unknown);
    assert_eq!(decision(&deny_u, &request(U, "arn:aws:s3:::b")), Decision::ExplicitDeny);
    let allow_n = allow_only(N);
    // N federated by the root user or by another user is new access in both readings.
    let v = no_new_access(&deny_u, &allow_n, TY);
    let Verdict::Fail { witness, .. } = &v else { panic!("{v:?}") };
    assert_eq!(witness.principal.as_deref(), Some(N));
    assert_ne!(witness.federated_by.as_deref(), Some(U), "{witness:?}");
}

fn code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Unknown { reason } => reason.code(),
        other => panic!("expected UNKNOWN, got {other:?}"),
    }
}

#[test]
fn a_deny_naming_the_federating_user_is_decided_only_where_both_readings_agree() {
    let n_deny = |denied: &[&str]| {
        let mut sts = vec![
            json!({"Effect": "Allow", "Principal": {"AWS": N}, "Action": "s3:*", "Resource": "*"}),
        ];
        for d in denied {
            sts.push(json!({"Effect": "Deny", "Principal": {"AWS": d}, "Action": "s3:*", "Resource": "*"}));
        }
        doc(json!(sts))
    };
    // Existing: Allow N, Deny U. New: Allow N. N federated by U is new access if the Deny
    // reaches U's sessions and not otherwise: UNKNOWN, never a guess either way.
    let (existing, new) = (n_deny(&[U]), n_deny(&[]));
    assert_eq!(code(&no_new_access(&existing, &new, TY)), "construct.federatingUser");
    // The converse holds in both readings: PASS.
    assert_eq!(result(&no_new_access(&new, &existing, TY)), "PASS");
    // With N denied outright the readings agree again: both comparisons are decided.
    let both = n_deny(&[U, N]);
    assert_eq!(result(&no_new_access(&both, &existing, TY)), "FAIL");
    assert_eq!(result(&no_new_access(&existing, &both, TY)), "PASS");
    // An Allow naming U is documented to reach U's sessions: decided.
    assert_eq!(result(&no_new_access(&allow_only(N), &allow_only(U), TY)), "FAIL");
}

#[test]
fn not_principal_listing_a_federated_user_without_its_federating_user_is_undecided() {
    // Listing the session and its account exempts it when the root user federated, not
    // when an unlisted IAM user did.
    let p = deny_except(&[N, "111122223333"]);
    let decision = |r: &Request| simulate(&p, TY, r).unwrap().decision;
    assert_eq!(decision(&fed_request(None)), Decision::Allow);
    // Whether U must be listed too AWS does not say (docs/semantics.md §3): undecided.
    assert_eq!(decision(&fed_request(Some(U))), Decision::Unknown);
    let with_u = deny_except(&[N, U, "111122223333"]);
    assert_eq!(simulate(&with_u, TY, &fed_request(Some(U))).unwrap().decision, Decision::Allow);
    // The engine agrees: U and U's sessions N are new access of `with_u` over `p`; with U
    // exempt in both, only U's sessions N are.
    assert_eq!(result(&no_new_access(&p, &with_u, TY)), "FAIL");
    assert_eq!(result(&no_new_access(&with_u, &p, TY)), "PASS");
    let n_except = |listed: &[&str]| {
        doc(json!([
            {"Effect": "Allow", "Principal": {"AWS": N}, "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": listed}, "Action": "s3:*", "Resource": "*"}
        ]))
    };
    // N federated by U is exempt in `only_user`, and in `p` only if U need not be listed.
    let (p, only_user) = (n_except(&[N, "111122223333"]), n_except(&[N, U, "111122223333"]));
    assert_eq!(code(&no_new_access(&p, &only_user, TY)), "construct.federatingUser");
    assert_eq!(result(&no_new_access(&only_user, &p, TY)), "PASS");
}

#[test]
fn federated_by_is_checked() {
    let p = allow_only(U);
    let err = |r: &Request| simulate(&p, TY, r).unwrap_err();
    let mut r = request(U, "arn:aws:s3:::b");
    r.federated_by = Some(U.into());
    assert!(err(&r).contains("only for a federated-user principal"), "{}", err(&r));
    for bad in [
        "arn:aws:iam::444455556666:user/U",
        "arn:aws-cn:iam::111122223333:user/U",
        "arn:aws:iam::111122223333:role/U",
        "U",
    ] {
        let e = err(&fed_request(Some(bad)));
        assert!(e.contains("invalid request `federatedBy`"), "{bad}: {e}");
    }
    let e = Request::from_json(r#"{"action":"s3:GetObject","resource":"r","federatedBy":1}"#);
    assert!(e.unwrap_err().contains("`federatedBy` must be a string"));
}
