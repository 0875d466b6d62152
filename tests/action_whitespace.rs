//! `Action`/`NotAction` entries with whitespace, as AWS's managed policies have them
//! (SecurityAudit v5 `"lambda:ListFunctions "`, ReadOnlyAccess v61
//! `"access-analyzer:ListTagsForResource "`, AdministratorAccess-Amplify `"amplifybackend: *"`,
//! ViewOnlyAccess `"ec2: DescribeAccountAttributes"`): accepted with a warning, and decided in
//! both readings (docs/semantics.md §1, "Whitespace in an action"): UNKNOWN exactly where the
//! verdict depends on whether the entry matches its trimmed action, never a silent no-match.

use crate::common::policy;
use iamcheck::{
    check_no_new_access, parse_policy, simulate, Config, Decision, Policy, PolicyType, Request,
    Verdict,
};

const TY: PolicyType = PolicyType::Identity;

fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn allow(actions: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":{actions},"Resource":"*"}}"#)
}

fn decision(p: &Policy, r: &Request) -> Decision {
    simulate(p, TY, r).unwrap().decision
}

/// check-no-new-access; a FAIL's witness is replayed: the new policy allows it and the existing
/// one decidedly does not (the FAIL does not depend on the whitespace).
fn check(existing: &str, new: &str) -> Verdict {
    let (e, n) = (policy(&doc(existing), TY), policy(&doc(new), TY));
    let v = check_no_new_access(&e, &n, TY, &Config::default());
    if let Verdict::Fail { witness, .. } = &v {
        assert_eq!(decision(&n, witness), Decision::Allow, "{witness:?}");
        let old = decision(&e, witness);
        assert!(matches!(old, Decision::ImplicitDeny | Decision::ExplicitDeny), "{old:?}");
    }
    v
}

fn unknown_code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Unknown { reason } => reason.code(),
        other => panic!("expected UNKNOWN, got {other:?}"),
    }
}

#[test]
fn the_managed_policies_entries_are_accepted_with_a_warning() {
    for entry in
        ["lambda:ListFunctions ", "amplifybackend: *", "ec2: DescribeAccountAttributes", " s3:Get*"]
    {
        let parsed = parse_policy(&doc(&allow(&format!("[\"{entry}\"]"))), TY).unwrap();
        let w = &parsed.warnings;
        assert_eq!(w.len(), 1, "{entry}: {w:?}");
        assert!(w[0].message.contains("has whitespace"), "{:?}", w[0]);
        assert!(w[0].help.as_deref().unwrap_or("").contains("decides both readings"), "{w:?}");
    }
    // Whitespace inside a name, or an entry of whitespace only, is still an error.
    for bad in ["s3:Get Object", " ", "s3 Get:Object"] {
        let e = parse_policy(&doc(&allow(&format!("[\"{bad}\"]"))), TY).unwrap_err();
        assert!(e.to_string().contains("is not an action"), "{bad}: {e}");
    }
}

#[test]
fn a_verdict_that_depends_on_the_reading_is_unknown() {
    // SecurityAudit v6 -> v7: the entry became `lambda:ListFunctions`.
    let spaced = allow(r#"["lambda:ListFunctions ","s3:GetObject"]"#);
    let plain = allow(r#"["lambda:ListFunctions","s3:GetObject"]"#);
    assert_eq!(unknown_code(&check(&spaced, &plain)), "construct.actionWhitespace");
    // The other direction: the spaced entry allows ListFunctions or nothing, never more.
    assert_eq!(check(&plain, &spaced), Verdict::Pass);
    // simulate: undecided exactly on the action the entry may match.
    let p = policy(&doc(&spaced), TY);
    let r = |action: &str| Request {
        action: action.into(),
        resource: "*".into(),
        ..Request::default()
    };
    assert_eq!(decision(&p, &r("lambda:ListFunctions")), Decision::Unknown);
    assert_eq!(decision(&p, &r("s3:GetObject")), Decision::Allow);
    assert_eq!(decision(&p, &r("lambda:ListLayers")), Decision::ImplicitDeny);
}

#[test]
fn the_same_entry_in_both_policies_is_one_construct() {
    // ReadOnlyAccess v61 -> v62 shape: both keep the spaced entry, the new one adds an action.
    let old = allow(r#"["access-analyzer:ListTagsForResource ","s3:GetObject"]"#);
    let same = allow(r#"["s3:GetObject","access-analyzer:ListTagsForResource "]"#);
    assert_eq!(check(&old, &same), Verdict::Pass);
    let more = allow(r#"["access-analyzer:ListTagsForResource ","s3:GetObject","s3:PutObject"]"#);
    let Verdict::Fail { witness, .. } = check(&old, &more) else { panic!("expected FAIL") };
    assert_eq!(witness.action, "s3:PutObject");
}

#[test]
fn a_service_wildcard_after_a_space_is_read_both_ways() {
    // AdministratorAccess-Amplify: `amplifybackend: *`.
    let spaced = allow(r#"["amplifybackend: *"]"#);
    let plain = allow(r#"["amplifybackend:*"]"#);
    assert_eq!(unknown_code(&check(&spaced, &plain)), "construct.actionWhitespace");
    assert_eq!(check(&plain, &spaced), Verdict::Pass);
}

#[test]
fn not_action_with_a_spaced_entry_splits_both_ways() {
    // Deny everything but `ec2: Describe*`: if the entry matches `ec2:Describe*` the existing
    // policy allows Describe calls, otherwise nothing.
    let existing = format!(
        r#"{},{{"Effect":"Deny","NotAction":["ec2: Describe*"],"Resource":"*"}}"#,
        allow(r#""*""#)
    );
    let describe = allow(r#""ec2:DescribeInstances""#);
    assert_eq!(unknown_code(&check(&existing, &describe)), "construct.actionWhitespace");
    // s3:GetObject is denied in both readings: a decided FAIL.
    let Verdict::Fail { witness, .. } = check(&existing, &allow(r#""s3:GetObject""#)) else {
        panic!("expected FAIL")
    };
    assert_eq!(witness.action, "s3:GetObject");
}
