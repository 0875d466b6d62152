use crate::decide::{check_no_new_access, Config, Verdict};
use crate::policy::PolicyType;
use crate::request::caller::{derived, inconsistency};
use crate::request::{ContextValue, Request};
use crate::{parse_policy, simulate, Decision};
use proptest::prelude::*;

fn policy(statements: &str, policy_type: PolicyType) -> crate::Policy {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    parse_policy(&text, policy_type).unwrap_or_else(|e| panic!("{e:?}")).policy
}

fn resource(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"*"{}}}"#,
        if condition.is_empty() { String::new() } else { format!(r#","Condition":{condition}"#) }
    )
}

fn identity(condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
    )
}

fn allowed(p: &crate::Policy, t: PolicyType, r: &Request) -> bool {
    simulate(p, t, r).unwrap().decision == Decision::Allow
}

/// check-no-new-access, with every FAIL's witness replayed and checked for consistency.
fn check(existing: &str, new: &str, t: PolicyType) -> Option<Request> {
    let (e, n) = (policy(existing, t), policy(new, t));
    match check_no_new_access(&e, &n, t, &Config::default()) {
        Verdict::Pass => None,
        Verdict::Fail { witness, .. } => {
            assert!(allowed(&n, t, &witness) && !allowed(&e, t, &witness), "{witness:?}");
            assert_eq!(inconsistency(&witness, t), None, "{witness:?}");
            Some(witness)
        }
        Verdict::Unknown { reason } => panic!("unknown: {reason}"),
    }
}

/// Like [`check`], but a Deny naming an IAM user may leave the verdict to the reading of its
/// federated sessions (docs/semantics.md §3): `None` for that UNKNOWN, which must carry the
/// `construct.federatingUser` code; any other UNKNOWN fails the test.
fn check_or_federating(existing: &str, new: &str, t: PolicyType) -> Option<Option<Request>> {
    let (e, n) = (policy(existing, t), policy(new, t));
    match check_no_new_access(&e, &n, t, &Config::default()) {
        Verdict::Unknown { reason } => {
            assert_eq!(reason.code(), "construct.federatingUser", "{reason}");
            None
        }
        _ => Some(check(existing, new, t)),
    }
}

const ACCOUNT: &str = r#"{"AWS":"111122223333"}"#;

#[test]
fn an_account_condition_never_pairs_with_anonymous() {
    let new = resource("\"*\"", r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#);
    let existing = resource(ACCOUNT, "");
    // Only a service (or web-identity, canonical) principal, whose keys AWS does not
    // document, can still carry the account: never anonymous.
    let w = check(&existing, &new, PolicyType::Resource).unwrap();
    let p = w.principal.unwrap();
    assert!(p.starts_with("service:") || p.starts_with("federated:") || p.starts_with("canonical"));
    // With those callers granted too, nothing is new.
    let existing = format!(
        "{},{}",
        resource(ACCOUNT, ""),
        resource(r#"{"Service":"*","Federated":"*","CanonicalUser":"*"}"#, "")
    );
    assert_eq!(check(&existing, &new, PolicyType::Resource), None);
    // The reverse: every principal of the account has it.
    assert_eq!(check(&new, &resource(ACCOUNT, ""), PolicyType::Resource), None);
    let other = resource(r#"{"AWS":"444455556666"}"#, "");
    let w = check(&new, &other, PolicyType::Resource).unwrap();
    assert!(w.principal.unwrap().contains("444455556666"));
}

#[test]
fn a_role_arn_condition_is_the_sessions_of_the_role_with_any_path() {
    let by_arn = resource(
        "\"*\"",
        r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/p/R"}}"#,
    );
    let by_principal = resource(r#"{"AWS":"arn:aws:iam::111122223333:role/p/R"}"#, "");
    // Service (and web-identity, canonical) principals' keys are free (undocumented).
    let others = resource(r#"{"Service":"*","Federated":"*","CanonicalUser":"*"}"#, "");
    assert_eq!(check(&format!("{by_principal},{others}"), &by_arn, PolicyType::Resource), None);
    // The Principal entry ignores the path, the key does not.
    let w = check(&by_arn, &by_principal, PolicyType::Resource).unwrap();
    let arn = w.context_value("aws:PrincipalArn").unwrap();
    assert_ne!(arn, &ContextValue::Single("arn:aws:iam::111122223333:role/p/R".into()));
    let session = resource(r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/R/s"}"#, "");
    assert_eq!(check(&by_principal, &session, PolicyType::Resource), None);
    let like =
        resource("\"*\"", r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}"#);
    assert_eq!(check(&like, &by_principal, PolicyType::Resource), None);
    let w = check(&by_principal, &like, PolicyType::Resource).unwrap();
    assert!(w.principal.unwrap().contains(":assumed-role/"));
}

#[test]
fn absent_keys_follow_ifexists_negation_and_null() {
    // Anonymous callers have no PrincipalArn: IfExists and negated entries hold for them.
    let anyone = resource("\"*\"", "");
    for condition in [
        r#"{"StringEqualsIfExists":{"aws:PrincipalArn":"x"}}"#,
        r#"{"StringNotEquals":{"aws:PrincipalArn":"x"}}"#,
        r#"{"Null":{"aws:PrincipalArn":"true"}}"#,
    ] {
        let new = resource("\"*\"", condition);
        assert_eq!(check(&anyone, &new, PolicyType::Resource), None);
        let only_accounts = resource(ACCOUNT, "");
        let w = check(&only_accounts, &new, PolicyType::Resource).unwrap();
        assert!(w.principal.is_some(), "{condition}");
    }
    // Null false: only callers with a PrincipalArn, never anonymous.
    let new = resource("\"*\"", r#"{"Null":{"aws:PrincipalArn":"false"}}"#);
    let w = check(
        &resource(r#"{"AWS":"*"}"#, r#"{"Null":{"aws:PrincipalType":"true"}}"#),
        &new,
        PolicyType::Resource,
    );
    if let Some(w) = w {
        assert_ne!(w.principal.as_deref(), Some("anonymous"));
    }
    // Every known caller has a PrincipalType.
    let typed = resource(ACCOUNT, r#"{"Null":{"aws:PrincipalType":"true"}}"#);
    assert_eq!(
        check(
            &resource("\"*\"", r#"{"StringEquals":{"aws:PrincipalType":"Nope"}}"#),
            &typed,
            PolicyType::Resource
        ),
        None
    );
}

#[test]
fn identity_keys_belong_to_one_caller() {
    let user_alice =
        identity(r#"{"StringEquals":{"aws:PrincipalType":"User","aws:username":"alice"}}"#);
    let alice = identity(r#"{"StringEquals":{"aws:username":"alice"}}"#);
    // Only users have a username: the type adds nothing.
    assert_eq!(check(&user_alice, &alice, PolicyType::Identity), None);
    assert_eq!(check(&alice, &user_alice, PolicyType::Identity), None);
    let session =
        identity(r#"{"StringEquals":{"aws:PrincipalType":"AssumedRole","aws:username":"alice"}}"#);
    let nothing = identity(r#"{"StringEquals":{"aws:PrincipalType":"Nope"}}"#);
    assert_eq!(check(&nothing, &session, PolicyType::Identity), None);
    // A username is the last part of the user ARN.
    let arn = identity(
        r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/dev/*"},"StringEquals":{"aws:username":"bob"}}"#,
    );
    let w = check(&nothing, &arn, PolicyType::Identity).unwrap();
    assert_eq!(w.context_value("aws:username"), Some(&ContextValue::Single("bob".into())));
    let like = identity(r#"{"StringLike":{"aws:username":"*/*"}}"#);
    assert_eq!(check(&nothing, &like, PolicyType::Identity), None);
}

/// A small alphabet of callers with the keys they have.
fn callers() -> Vec<Request> {
    let mut out = Vec::new();
    for p in [
        "anonymous",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:iam::444455556666:user/dev/bob",
        "arn:aws:sts::111122223333:assumed-role/R/s",
        "arn:aws:sts::111122223333:federated-user/alice",
    ] {
        let mut r = Request {
            principal: Some(p.into()),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b".into(),
            ..Request::default()
        };
        for (k, v) in derived(p).unwrap() {
            if let Some(v) = v {
                r.context.insert(k.into(), ContextValue::Single(v));
            }
        }
        out.push(r);
    }
    out
}

fn statement() -> impl Strategy<Value = String> {
    let principal = proptest::sample::select(vec![
        "\"*\"",
        r#"{"AWS":"111122223333"}"#,
        r#"{"AWS":"arn:aws:iam::111122223333:role/R"}"#,
        r#"{"AWS":"arn:aws:iam::444455556666:user/dev/bob"}"#,
    ]);
    let op = proptest::sample::select(vec![
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringEqualsIfExists",
        "ArnLike",
        "ArnNotLike",
    ]);
    let key_value = proptest::sample::select(vec![
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:PrincipalAccount", "anonymous"),
        ("aws:PrincipalType", "User"),
        ("aws:PrincipalType", "Anonymous"),
        ("aws:username", "alice"),
        ("aws:username", "*o*"),
        ("aws:PrincipalArn", "arn:aws:iam::*:role/R"),
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:*"),
    ]);
    let effect = proptest::sample::select(vec!["Allow", "Allow", "Deny"]);
    (principal, op, key_value, effect, any::<bool>()).prop_map(|(p, op, (k, v), e, cond)| {
        let condition = if cond {
            format!(r#","Condition":{{"{op}":{{"{k}":"{v}"}}}}"#)
        } else {
            String::new()
        };
        format!(r#"{{"Effect":"{e}","Principal":{p},"Action":"s3:GetObject","Resource":"*"{condition}}}"#)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(220),
        ..ProptestConfig::default()
    })]

    /// A PASS leaves no violation among the small alphabet of consistent callers; a FAIL's
    /// witness replays and is consistent (checked in `check`).
    #[test]
    fn the_engine_agrees_with_consistent_callers(
        existing in proptest::collection::vec(statement(), 1..3),
        new in proptest::collection::vec(statement(), 1..3),
    ) {
        let (existing, new) = (existing.join(","), new.join(","));
        if check_or_federating(&existing, &new, PolicyType::Resource) == Some(None) {
            let (e, n) = (policy(&existing, PolicyType::Resource), policy(&new, PolicyType::Resource));
            for r in callers() {
                let t = PolicyType::Resource;
                prop_assert!(!allowed(&n, t, &r) || allowed(&e, t, &r), "{r:?}");
            }
        }
    }
}

#[test]
fn outsiders_have_the_keys_of_their_principal() {
    use crate::decide::ZoneOfTrust;
    use crate::decide::{check_no_external_access, check_no_public_access, ResourceType};
    let account = policy(
        &resource("\"*\"", r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#),
        PolicyType::Resource,
    );
    let s3 = ResourceType::parse("AWS::S3::Bucket").unwrap();
    assert_eq!(check_no_public_access(&account, s3, &Config::default()), Verdict::Pass);
    let roles = policy(
        &resource(
            "\"*\"",
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}"#,
        ),
        PolicyType::Resource,
    );
    let zone = ZoneOfTrust { accounts: vec!["111122223333".into()], organizations: Vec::new() };
    assert_eq!(check_no_external_access(&roles, &zone, &Config::default()), Verdict::Pass);
    let other = ZoneOfTrust { accounts: vec!["444455556666".into()], organizations: Vec::new() };
    match check_no_external_access(&roles, &other, &Config::default()) {
        Verdict::Fail { witness, .. } => {
            assert!(witness.principal.clone().unwrap().contains("111122223333:assumed-role/"));
            assert_eq!(
                inconsistency(&witness, PolicyType::Resource),
                None,
                "{:?}",
                witness.context
            );
        }
        v => panic!("{v:?}"),
    }
}

/// A key asked about as folded that is not: an internal error (UNKNOWN), not slot 0.
#[test]
fn an_unfolded_key_is_an_internal_error() {
    let mut b = super::Builder {
        table: crate::encode::table::PatternTable::default(),
        kinds: super::RESOURCE_KINDS,
        error: None,
    };
    let _ = b.presence("aws:userid", true);
    assert_eq!(b.error.as_deref(), Some("`aws:userid` is no folded key of the caller"));
    let e = crate::encode::EncodeError::internal("x");
    assert!(matches!(e.reason(), crate::unknown::UnknownReason::Internal { .. }), "{e}");
    assert_eq!(e.reason().code(), "internal");
}
