//! `iamcheck diff`: exactness against brute force on small alphabets (fixed
//! seed), witnesses replayed through `simulate`, the relation against
//! check-no-new-access both ways on the labelled corpora, and the CLI.

use crate::common::{
    example, iamcheck, iamcheck_json, no_new_access, parsed, policy, repo, result,
};
use crate::props::{allows, condition_doc, policy_doc, runner, universe};
use iamcheck::decide::diff::{diff, Diff, DiffOptions, Relation};
use iamcheck::{Config, ContextValue, Policy, PolicyType, Request};
use proptest::prelude::*;
use serde_json::json;
use serde_json::Value;

fn run_diff(existing: &Policy, new: &Policy, ty: PolicyType) -> Option<Diff> {
    diff(existing, new, ty, &Config::default(), &DiffOptions::default()).ok()
}

/// The regions' union is the brute-force difference, regions of one side do
/// not overlap, and each witness lies in its region and replays.
fn check_exact(
    existing: &Policy,
    new: &Policy,
    ty: PolicyType,
    requests: &[Request],
) -> Result<(), TestCaseError> {
    let Some(d) = run_diff(existing, new, ty) else {
        return Err(TestCaseError::fail("diff undecided on a policy without variables"));
    };
    // Exactness is among the requests AWS can send (the availability facts); a request it
    // never sends may lie in a region or not.
    let sendable: Vec<&Request> = requests.iter().filter(|q| d.can_send(q) == Some(true)).collect();
    for (regions, gains, other) in [(&d.added, new, existing), (&d.removed, existing, new)] {
        for r in regions.iter() {
            prop_assert!(allows(gains, ty, &r.witness), "witness {:?} not allowed", r.witness);
            prop_assert!(!allows(other, ty, &r.witness), "witness {:?} allowed by both", r.witness);
            prop_assert_eq!(d.contains(r, &r.witness), Some(true), "witness outside its region");
            prop_assert_eq!(d.can_send(&r.witness), Some(true), "witness AWS never sends");
            prop_assert!(!r.statements.is_empty(), "a region names its statements");
        }
        for &q in &sendable {
            let expected = allows(gains, ty, q) && !allows(other, ty, q);
            let inside = regions.iter().filter(|r| d.contains(r, q) == Some(true)).count();
            prop_assert_eq!(inside, usize::from(expected), "request {:?}", q);
        }
    }
    let added = sendable.iter().any(|q| allows(new, ty, q) && !allows(existing, ty, q));
    let removed = sendable.iter().any(|q| allows(existing, ty, q) && !allows(new, ty, q));
    let Some(relation) = d.relation else {
        return Err(TestCaseError::fail("relation undecided on a policy without variables"));
    };
    // The finite universe may miss a difference, never invent one.
    prop_assert!(!added || relation.adds_access());
    prop_assert!(!removed || removes(relation));
    // And the relation is the two directional checks'.
    let (forward, backward) =
        (result(&no_new_access(existing, new, ty)), result(&no_new_access(new, existing, ty)));
    if forward != "UNKNOWN" && backward != "UNKNOWN" {
        prop_assert_eq!(relation.adds_access(), forward == "FAIL", "vs check-no-new-access");
        prop_assert_eq!(removes(relation), backward == "FAIL", "vs the reverse check");
    }
    Ok(())
}

/// Whether the relation says the new policy removes access.
fn removes(r: Relation) -> bool {
    matches!(r, Relation::LessPermissive | Relation::Incomparable)
}

fn exact_pairs(resource_policy: bool, docs: impl Strategy<Value = (Value, Value)>, cases: u32) {
    let ty = if resource_policy { PolicyType::Resource } else { PolicyType::Identity };
    let requests = universe(resource_policy);
    runner(cases)
        .run(&docs, |(e, n)| {
            check_exact(&policy(&e.to_string(), ty), &policy(&n.to_string(), ty), ty, &requests)
        })
        .unwrap();
}

#[test]
fn regions_are_exact_identity() {
    exact_pairs(false, (policy_doc(false), policy_doc(false)), 48);
}

#[test]
fn regions_are_exact_resource() {
    exact_pairs(true, (policy_doc(true), policy_doc(true)), 16);
}

#[test]
fn regions_are_exact_conditions() {
    exact_pairs(false, (condition_doc(), condition_doc()), 48);
}

/// Resource-policy statements over keys whose availability depends on the caller
/// (`aws:SourceAccount`: services only; `aws:MultiFactorAuthPresent`: never anonymous;
/// `aws:PrincipalIsAWSService`: `true` exactly for services), with service, account and
/// anonymous principals.
fn facts_doc() -> impl Strategy<Value = Value> {
    let principal = prop::sample::select(vec![
        json!("*"),
        json!({"AWS": "111111111111"}),
        json!({"Service": "s.amazonaws.com"}),
        json!({"AWS": "*"}),
    ]);
    let entry = prop::sample::select(vec![
        json!({"StringEquals": {"aws:SourceAccount": "111111111111"}}),
        json!({"StringNotEqualsIfExists": {"aws:SourceAccount": "111111111111"}}),
        json!({"Null": {"aws:SourceAccount": "true"}}),
        json!({"Null": {"aws:SourceAccount": "false"}}),
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
        json!({"Null": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"Bool": {"aws:PrincipalIsAWSService": "false"}}),
        json!({"Null": {"aws:PrincipalIsAWSService": "true"}}),
    ]);
    let statement = (
        any::<bool>(),
        principal,
        prop::sample::select(vec!["a:x", "a:*", "*"]),
        prop::option::of(entry),
    )
        .prop_map(|(allow, principal, action, cond)| {
            let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" },
                               "Principal": principal, "Action": action, "Resource": "*"});
            if let Some(c) = cond {
                s["Condition"] = c;
            }
            s
        });
    prop::collection::vec(statement, 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

/// The requests of [`facts_doc`]'s alphabet, those AWS never sends included.
fn facts_universe() -> Vec<Request> {
    let principals = [
        "anonymous",
        "arn:aws:iam::111111111111:user/u",
        "s.amazonaws.com",
        "arn:aws:sts::222222222222:assumed-role/r/s",
    ];
    let values: [&[&str]; 3] =
        [&["", "111111111111", "222222222222"], &["", "true", "false"], &["", "true", "false"]];
    let keys = ["aws:SourceAccount", "aws:MultiFactorAuthPresent", "aws:PrincipalIsAWSService"];
    let mut out = Vec::new();
    for p in principals {
        for action in ["a:x", "a:y"] {
            for &v0 in values[0] {
                for &v1 in values[1] {
                    for &v2 in values[2] {
                        let mut q = Request {
                            principal: Some(p.into()),
                            action: action.into(),
                            resource: "arn:aws:s3:::a".into(),
                            ..Default::default()
                        };
                        for (k, v) in keys.iter().zip([v0, v1, v2]) {
                            if !v.is_empty() {
                                q.context.insert(k.to_string(), ContextValue::Single(v.into()));
                            }
                        }
                        out.push(q);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn regions_are_exact_among_requests_aws_sends() {
    let ty = PolicyType::Resource;
    let requests = facts_universe();
    let differ = std::cell::Cell::new(0);
    runner(64)
        .run(&(facts_doc(), facts_doc()), |(e, n)| {
            let (existing, new) = (policy(&e.to_string(), ty), policy(&n.to_string(), ty));
            check_exact(&existing, &new, ty, &requests)?;
            let d = run_diff(&existing, &new, ty);
            differ.set(
                differ.get()
                    + usize::from(d.is_some_and(|d| d.relation != Some(Relation::Equivalent))),
            );
            Ok(())
        })
        .unwrap();
    assert!(differ.get() >= 30, "only {} of 64 pairs differ", differ.get());
}

/// Over the request model alone the new policy would add requests that carry
/// `aws:SourceAccount` and `aws:PrincipalIsAWSService: false` together; AWS never sends
/// those (the first comes with service principals only, the second never does), so nothing
/// is added, as check-no-new-access says.
#[test]
fn requests_aws_never_sends_are_no_region() {
    let ty = PolicyType::Resource;
    let doc = |cond: Value| {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*",
               "Action": "s3:GetObject", "Resource": "*", "Condition": cond}})
        .to_string()
    };
    let existing = policy(&doc(json!({"Null": {"aws:SourceAccount": "true"}})), ty);
    let new = policy(&doc(json!({"Bool": {"aws:PrincipalIsAWSService": "false"}})), ty);
    let d = run_diff(&existing, &new, ty).unwrap();
    assert_eq!(d.relation, Some(Relation::LessPermissive), "{:?}", d.added);
    assert_eq!(result(&no_new_access(&existing, &new, ty)), "PASS");
    assert_eq!(result(&no_new_access(&new, &existing, ty)), "FAIL");
    for r in &d.removed {
        assert_eq!(d.can_send(&r.witness), Some(true));
    }
}

fn identity(statement: Value) -> Policy {
    let doc = json!({"Version": "2012-10-17", "Statement": statement});
    policy(&doc.to_string(), PolicyType::Identity)
}

fn get_object(resource: &str, condition: Option<Value>) -> Policy {
    let mut statement = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource});
    if let Some(c) = condition {
        statement["Condition"] = c;
    }
    identity(statement)
}

/// Where undecided regions (policy variables) leave the relation open, check-no-new-access
/// in that direction settles it: FAIL keeps the regions listed, UNKNOWN leaves it open.
#[test]
fn relation_from_the_checks_where_regions_are_undecided() {
    let ty = PolicyType::Identity;
    let run = |e: &Policy, n: &Policy| diff(e, n, ty, &Config::default(), &DiffOptions::default());
    // Narrowing the user's folder: nothing added (the encoding sees the containment), maybe
    // removed where the user's name is the folder: the reverse check FAILs.
    let (folder, sub) = (
        get_object("arn:aws:s3:::b/${aws:username}/*", None),
        get_object("arn:aws:s3:::b/${aws:username}/x/*", None),
    );
    let d = run(&folder, &sub).unwrap();
    assert_eq!(d.relation, Some(Relation::LessPermissive));
    assert_eq!(d.adds_access(), Some(false));
    assert!(d.added.is_empty() && d.removed.is_empty() && d.undecided.0.is_empty());
    assert_eq!(d.undecided.1.len(), 1, "{:?}", d.undecided);
    assert!(!d.complete());
    assert_eq!(result(&no_new_access(&folder, &sub, ty)), "PASS");
    assert_eq!(result(&no_new_access(&sub, &folder, ty)), "FAIL");
    // `aws:username` and `aws:userid` swapped: no decided region at all, both checks FAIL.
    let by_name = get_object(
        "arn:aws:s3:::b/${aws:username}/*",
        Some(json!({"StringEquals": {"s3:prefix": "${aws:userid}"}})),
    );
    let by_id = get_object(
        "arn:aws:s3:::b/${aws:userid}/*",
        Some(json!({"StringEquals": {"s3:prefix": "${aws:username}"}})),
    );
    let d = run(&by_name, &by_id).unwrap();
    assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    assert!(!d.undecided.0.is_empty() && !d.undecided.1.is_empty());
    assert_eq!(d.relation, Some(Relation::Incomparable));
    assert_eq!(d.adds_access(), Some(true));
    // The same equality written both ways round: equivalent, but neither the regions nor
    // the checks decide it.
    let (tags, tags_reversed) = (
        get_object(
            "*",
            Some(json!({"StringEquals": {"aws:ResourceTag/t": "${aws:PrincipalTag/t}"}})),
        ),
        get_object(
            "*",
            Some(json!({"StringEquals": {"aws:PrincipalTag/t": "${aws:ResourceTag/t}"}})),
        ),
    );
    let d = run(&tags, &tags_reversed).unwrap();
    assert_eq!((d.relation, d.adds_access()), (None, None));
    assert!(!d.undecided.0.is_empty());
    assert_eq!(result(&no_new_access(&tags, &tags_reversed, ty)), "UNKNOWN");
    // Settling off (`--explain`): the regions only.
    let regions_only = DiffOptions { settle_relation: false, ..DiffOptions::default() };
    let d = diff(&by_name, &by_id, ty, &Config::default(), &regions_only).unwrap();
    assert_eq!((d.relation, d.adds_access()), (None, None));
}

/// How the relation compares with check-no-new-access run both ways, per corpus.
#[derive(Debug, Default, PartialEq, Eq)]
struct Agreement {
    /// Both decided, and the relation is the two checks'.
    agree: usize,
    /// Of `agree`, pairs with undecided regions left (the relation from the decided regions
    /// or from a check in the direction they leave open).
    with_undecided_regions: usize,
    /// Of `agree`, pairs whose regions cannot be described (the relation from the checks).
    without_regions: usize,
    /// The diff's relation and some check are undecided.
    both_undecided: usize,
    /// The diff's relation is undecided, both checks are decided.
    diff_undecided: usize,
    /// Some check is UNKNOWN, the diff decides.
    check_undecided: usize,
}

/// Compares one pair; a disagreement fails the test.
fn agree(existing: &Policy, new: &Policy, ty: PolicyType, id: &str, counts: &mut Agreement) {
    let forward = result(&no_new_access(existing, new, ty));
    let backward = result(&no_new_access(new, existing, ty));
    let checks_decided = forward != "UNKNOWN" && backward != "UNKNOWN";
    let d = diff(existing, new, ty, &Config::default(), &DiffOptions::default());
    let relation = match &d {
        Ok(d) => d.decided_relation(),
        Err(u) => u.relation,
    };
    if let Ok(d) = &d {
        // Decided regions are sure access: the checks must find it.
        assert!(d.added.is_empty() || forward != "PASS", "{id}: added region, check PASS");
        assert!(d.removed.is_empty() || backward != "PASS", "{id}: removed region, reverse PASS");
        // Undecided regions are left only where the check in their direction does not pass.
        assert!(d.undecided.0.is_empty() || forward != "PASS", "{id}: undecided added, PASS");
        assert!(d.undecided.1.is_empty() || backward != "PASS", "{id}: undecided removed, PASS");
        if let (Some(adds), true) = (d.adds_access(), forward != "UNKNOWN") {
            assert_eq!(adds, forward == "FAIL", "{id}: adds access vs check-no-new-access");
        }
    }
    match (relation, checks_decided) {
        (Some(r), true) => {
            assert_eq!(r.adds_access(), forward == "FAIL", "{id}: added vs check-no-new-access");
            assert_eq!(removes(r), backward == "FAIL", "{id}: removed vs the reverse check");
            counts.agree += 1;
            match &d {
                Ok(d) if !d.complete() => counts.with_undecided_regions += 1,
                Ok(_) => {}
                Err(_) => counts.without_regions += 1,
            }
        }
        (Some(_), false) => counts.check_undecided += 1,
        (None, false) => counts.both_undecided += 1,
        (None, true) => counts.diff_undecided += 1,
    }
}

#[test]
fn relation_agrees_with_the_directional_checks_on_aa_samples() {
    let text = std::fs::read_to_string(repo("tests/data/aa-samples.jsonl")).unwrap();
    let mut counts = Agreement::default();
    for (case, ty, existing, new) in crate::common::aa_cases(&text) {
        agree(&existing, &new, ty, case["id"].as_str().unwrap(), &mut counts);
    }
    println!("aa-samples: {counts:?}, 0 disagreements");
    // The 147 pairs AWS accepts (8 keep the `<ACCOUNT ID>` placeholder), all decided.
    assert_eq!(counts, Agreement { agree: 147, ..Agreement::default() });
}

#[test]
fn relation_agrees_with_the_directional_checks_on_examples() {
    let resource = [
        "public-put.json",
        "account-put-delete.json",
        "public-put-deny-outside.json",
        "reference-account-only.json",
    ];
    let mut counts = Agreement::default();
    for a in resource {
        for b in resource {
            let (e, n) = (
                std::fs::read_to_string(repo(&format!("examples/{a}"))).unwrap(),
                std::fs::read_to_string(repo(&format!("examples/{b}"))).unwrap(),
            );
            let ty = PolicyType::Resource;
            agree(&policy(&e, ty), &policy(&n, ty), ty, &format!("{a} -> {b}"), &mut counts);
        }
    }
    let identity = std::fs::read_to_string(repo("examples/identity-ec2-s3.json")).unwrap();
    let ty = PolicyType::Identity;
    agree(&policy(&identity, ty), &policy(&identity, ty), ty, "identity-ec2-s3", &mut counts);
    println!("examples: {counts:?}, 0 disagreements");
    // All 17, the six pairs with reference-account-only (`*` on `*` for one account) included:
    // their regions split a pattern by partition, which the partition labels write.
    assert_eq!(counts, Agreement { agree: 17, ..Agreement::default() });
}

#[test]
fn reference_account_only_pairs_are_decided_with_partition_labels() {
    let ty = PolicyType::Resource;
    let read = |name: &str| {
        policy(&std::fs::read_to_string(repo(&format!("examples/{name}"))).unwrap(), ty)
    };
    let reference = read("reference-account-only.json");
    let cases = [
        ("public-put.json", Relation::Incomparable, Relation::Incomparable),
        ("account-put-delete.json", Relation::MorePermissive, Relation::LessPermissive),
        ("public-put-deny-outside.json", Relation::MorePermissive, Relation::LessPermissive),
    ];
    for (name, to_reference, from_reference) in cases {
        let other = read(name);
        for (existing, new, want) in
            [(&other, &reference, to_reference), (&reference, &other, from_reference)]
        {
            let d = run_diff(existing, new, ty).unwrap();
            assert!(d.complete(), "{name}: {:?}", d.undecided);
            assert_eq!(d.relation, Some(want), "{name}");
            // The account's access outside partition `aws` is a region of its own, said so.
            let regions: Vec<_> = d.added.iter().chain(&d.removed).collect();
            let partition = regions.iter().any(|r| {
                r.fields
                    .values()
                    .flatten()
                    .any(|t| t.all_of.iter().chain(&t.none_of).any(|l| l.contains(" in partition")))
            });
            assert!(partition, "{name}: {regions:?}");
            for r in d.added.iter().chain(&d.removed) {
                assert_eq!(d.can_send(&r.witness), Some(true), "{name}");
                assert_eq!(d.contains(r, &r.witness), Some(true), "{name}");
            }
        }
    }
}

#[test]
fn relation_agrees_with_the_directional_checks_on_quacky_pairs() {
    let mut counts = Agreement::default();
    for (row, ty) in crate::common::quacky_pairs() {
        let (original, mutant) = (&row["original"], &row["mutant"]);
        // Pairs AWS would reject (accounts of 11 or 14 digits) are left out.
        let (Some(existing), Some(new)) =
            (parsed(&original.to_string(), ty), parsed(&mutant.to_string(), ty))
        else {
            continue;
        };
        agree(&existing, &new, ty, row["id"].as_str().unwrap(), &mut counts);
    }
    println!("Quacky: {counts:?}, 0 disagreements");
    // All 372 pairs AWS accepts (5 have accounts of 11 or 14 digits). The 45 pairs with policy
    // variables keep undecided regions; every pair's regions are described (the 5
    // `s3_policy_for_lambda_function` pairs with the label of a whole `NotPrincipal` element:
    // docs/diff.md, "What stays undecided").
    let want = Agreement { agree: 372, with_undecided_regions: 45, ..Default::default() };
    assert_eq!(counts, want);
}

/// Golden outputs: the article's examples and managed-policy versions
/// (tests/data/diff/, from the npm package scripts/crosscheck/install-managed.sh pins).
/// `IAMCHECK_BLESS=1` rewrites the golden files.
const GOLDEN: &[(&str, &str, &str, &str, i32)] = &[
    (
        "public-put-to-account-put-delete",
        "examples/public-put.json",
        "examples/account-put-delete.json",
        "RESOURCE_POLICY",
        1,
    ),
    (
        "account-put-delete-to-public-put",
        "examples/account-put-delete.json",
        "examples/public-put.json",
        "RESOURCE_POLICY",
        1,
    ),
    (
        "public-put-to-deny-outside",
        "examples/public-put.json",
        "examples/public-put-deny-outside.json",
        "RESOURCE_POLICY",
        0,
    ),
    (
        "identity-ec2-s3-itself",
        "examples/identity-ec2-s3.json",
        "examples/identity-ec2-s3.json",
        "IDENTITY_POLICY",
        0,
    ),
    (
        "PowerUserAccess-v4-v5",
        "tests/data/diff/PowerUserAccess-v4.json",
        "tests/data/diff/PowerUserAccess-v5.json",
        "IDENTITY_POLICY",
        1,
    ),
    (
        "AmazonSSMServiceRolePolicy-v2-v3",
        "tests/data/diff/AmazonSSMServiceRolePolicy-v2.json",
        "tests/data/diff/AmazonSSMServiceRolePolicy-v3.json",
        "IDENTITY_POLICY",
        1,
    ),
    (
        "AmazonEC2RoleforAWSCodeDeployLimited-v1-v2",
        "tests/data/diff/AmazonEC2RoleforAWSCodeDeployLimited-v1.json",
        "tests/data/diff/AmazonEC2RoleforAWSCodeDeployLimited-v2.json",
        "IDENTITY_POLICY",
        0,
    ),
];

fn golden(name: &str, ext: &str, got: &str) {
    let path = repo(&format!("tests/data/diff/{name}.golden.{ext}"));
    if std::env::var_os("IAMCHECK_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got,
        want,
        "{name}.{ext} differs from {} (IAMCHECK_BLESS=1 rewrites it)",
        path.display()
    );
}

#[test]
fn golden_outputs() {
    for &(name, existing, new, ty, code) in GOLDEN {
        let (existing, new) =
            (repo(existing).display().to_string(), repo(new).display().to_string());
        let args = [
            "diff",
            "--existing-policy-document",
            &existing,
            "--new-policy-document",
            &new,
            "--policy-type",
            ty,
        ];
        let (got_code, json) = iamcheck_json(&args);
        assert_eq!(got_code, code, "{name}: exit code");
        golden(name, "json", &format!("{}\n", serde_json::to_string_pretty(&json).unwrap()));
        let mut md = args.to_vec();
        md.extend(["--output", "markdown"]);
        golden(name, "md", &String::from_utf8(iamcheck(&md).stdout).unwrap());
    }
}

#[test]
fn cli_contract() {
    let (existing, new) = (example("public-put.json"), example("account-put-delete.json"));
    let args = [
        "diff",
        "--existing-policy-document",
        &existing,
        "--new-policy-document",
        &new,
        "--policy-type",
        "RESOURCE_POLICY",
    ];
    let mut capped = args.to_vec();
    capped.extend(["--max-regions", "0"]);
    let (code, json) = iamcheck_json(&capped);
    assert_eq!(code, 1);
    assert_eq!(json["relation"], "INCOMPARABLE");
    assert_eq!(json["complete"], false);
    assert_eq!(json["omitted"], serde_json::json!({"added": 1, "removed": 1}));
    let with_var = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#;
    let plain = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;
    let (code, json) = iamcheck_json(&[
        "diff",
        "--existing-policy-document",
        plain,
        "--new-policy-document",
        with_var,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    // Policy variables: the regions that depend on a variable are undecided, said exactly;
    // check-no-new-access settles the relation (`s3:PutObject` on the user's folder is new).
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["relation"], "INCOMPARABLE");
    assert_eq!(json["complete"], false);
    let maybe = &json["undecided"]["added"][0];
    assert_eq!(maybe["resources"][0]["match"][0], "arn:aws:s3:::b/*/*", "{json}");
    assert!(maybe["constructs"][0].as_str().unwrap().contains("policy variables"), "{json}");
    assert_eq!(json["removed"].as_array().unwrap().len(), 2, "{json}");
    relation_from_the_checks_on_the_command_line();
    // --explain on the checks.
    let check = [
        "check-no-new-access",
        "--existing-policy-document",
        &existing,
        "--new-policy-document",
        &new,
        "--policy-type",
        "RESOURCE_POLICY",
        "--explain",
    ];
    let (code, json) = iamcheck_json(&check);
    assert_eq!(code, 1);
    assert_eq!(json["regions"][0]["actions"][0]["match"][0], "s3:DeleteBucket");
    let (_, plain_json) = iamcheck_json(&check[..check.len() - 1]);
    assert!(plain_json.get("regions").is_none(), "regions are opt-in");
    let access = [
        "check-access-not-granted",
        "--policy-document",
        &new,
        "--access",
        "actions=s3:*",
        "--policy-type",
        "RESOURCE_POLICY",
        "--explain",
    ];
    let (code, json) = iamcheck_json(&access);
    assert_eq!(code, 1);
    let regions = json["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 1, "{json}");
    let actions = regions[0]["actions"].to_string();
    assert!(actions.contains("s3:PutObject") && actions.contains("s3:DeleteBucket"), "{actions}");
}

/// `iamcheck diff` where undecided regions leave the relation open: the checks' relation and
/// its exit code, the undecided regions still listed; UNKNOWN (exit 3) where they do not
/// decide; and the relation of a diff whose regions cannot be described.
fn relation_from_the_checks_on_the_command_line() {
    let run = |existing: &Value, new: &Value, ty: &str| {
        let (e, n) = (existing.to_string(), new.to_string());
        let args = [
            "diff",
            "--existing-policy-document",
            e.as_str(),
            "--new-policy-document",
            n.as_str(),
            "--policy-type",
            ty,
        ];
        iamcheck_json(&args)
    };
    let doc = |resource: &str, condition: Value| {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": resource, "Condition": condition}})
    };
    let by_name = doc(
        "arn:aws:s3:::b/${aws:username}/*",
        json!({"StringEquals": {"s3:prefix": "${aws:userid}"}}),
    );
    let by_id = doc(
        "arn:aws:s3:::b/${aws:userid}/*",
        json!({"StringEquals": {"s3:prefix": "${aws:username}"}}),
    );
    let (code, json) = run(&by_name, &by_id, "IDENTITY_POLICY");
    assert_eq!(
        (code, &json["relation"], &json["complete"]),
        (1, &json!("INCOMPARABLE"), &json!(false)),
        "{json}"
    );
    assert_eq!(
        (json["added"].as_array().unwrap().len(), json["removed"].as_array().unwrap().len()),
        (0, 0)
    );
    assert_eq!(json["undecided"]["added"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["undecided"]["removed"].as_array().unwrap().len(), 1, "{json}");
    let tags = doc("*", json!({"StringEquals": {"aws:ResourceTag/t": "${aws:PrincipalTag/t}"}}));
    let reversed =
        doc("*", json!({"StringEquals": {"aws:PrincipalTag/t": "${aws:ResourceTag/t}"}}));
    let (code, json) = run(&tags, &reversed, "IDENTITY_POLICY");
    assert_eq!(
        (code, &json["relation"], &json["complete"]),
        (3, &json!("UNKNOWN"), &json!(false)),
        "{json}"
    );
    assert!(!json["undecided"]["added"].as_array().unwrap().is_empty(), "{json}");
    // A pair whose regions are not described (docs/diff.md, "What stays undecided": a
    // `NotPrincipal` listing a federated user, whose reading AWS does not document): the
    // relation is the checks' all the same, with the reason.
    let deny = |excepted: Value| {
        json!({"Effect": "Deny", "Action": "a:x", "Resource": "*",
               "NotPrincipal": {"AWS": excepted}})
    };
    let session = "arn:aws:sts::111111111111:federated-user/f";
    let existing = json!({"Version": "2012-10-17", "Statement": [deny(json!([session]))]});
    let new = json!({"Version": "2012-10-17", "Statement": [
        deny(json!(["arn:aws:iam::111111111111:root", session])),
        {"Effect": "Allow", "Action": "a:x", "Resource": "*", "Principal": "*"}]});
    let (code, json) = run(&existing, &new, "RESOURCE_POLICY");
    assert_eq!(
        (code, &json["relation"], &json["complete"], &json["reason"]["kind"]),
        (1, &json!("MORE_PERMISSIVE"), &json!(false), &json!("internal")),
        "{json}"
    );
}

/// The template front end's check-no-new-access findings carry the regions with `--explain`,
/// inside `details` (the validators' finding shape is unchanged), and not without it.
#[test]
fn template_findings_carry_the_regions_with_explain() {
    let (plan, reference) =
        (repo("examples/templates/tf-plan.json"), repo("examples/templates/tf-reference.json"));
    let args = [
        "check-no-new-access",
        "--template-path",
        plan.to_str().unwrap(),
        "--reference-policy",
        reference.to_str().unwrap(),
        "--reference-policy-type",
        "RESOURCE",
        "--output",
        "json",
    ];
    let run = |explain: bool| {
        let mut a = args.to_vec();
        a.extend(explain.then_some("--explain"));
        let out = iamcheck(&a);
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let with = run(true);
    let finding = &with["BlockingFindings"][0];
    let mut keys: Vec<&str> = finding.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "details",
            "findingType",
            "location",
            "message",
            "policyName",
            "resourceName",
            "statementLocations"
        ]
    );
    let region = &finding["details"]["regions"][0];
    assert_eq!(region["actions"][0]["match"][0], "s3:ListBucket", "{finding}");
    assert_eq!(region["principals"][0]["match"][0], "123456789012", "{finding}");
    assert!(region["witness"]["action"].is_string());
    let without = run(false);
    assert!(without["BlockingFindings"][0]["details"].get("regions").is_none());
}

// How regions are described (docs/diff.md, "How regions are described").

use iamcheck::decide::diff::FieldName;

/// A field of a region as `--output text` writes it.
fn field_text(r: &iamcheck::decide::diff::Region, name: FieldName) -> String {
    iamcheck::report::diff::field_text(&name, r.fields.get(&name).unwrap())
}

/// The six reference-account-only pairs split the account's access by partition. The part
/// in partition `aws` reads "123456789012 in partition aws" (`match`: the principal and the
/// partition label), the rest "123456789012 except caller in partition aws", never the list
/// of the other partitions "or in none"; a union one term covers is that term (resources
/// `*`, not `arn:aws:s3:::DOC-EXAMPLE-BUCKET, *`).
#[test]
fn partition_regions_read_plainly() {
    let ty = PolicyType::Resource;
    let read = |name: &str| {
        policy(&std::fs::read_to_string(repo(&format!("examples/{name}"))).unwrap(), ty)
    };
    let reference = read("reference-account-only.json");
    let public = read("public-put.json");
    let d = run_diff(&public, &reference, ty).unwrap();
    let texts: Vec<(String, String, String)> = d
        .added
        .iter()
        .map(|r| {
            (
                field_text(r, FieldName::Actions),
                field_text(r, FieldName::Resources),
                field_text(r, FieldName::Principals),
            )
        })
        .collect();
    let row = |a: &str, r: &str, p: &str| (a.to_string(), r.to_string(), p.to_string());
    assert_eq!(
        texts,
        [
            row("* except s3:PutObject", "*", "123456789012 in partition aws"),
            row("*", "*", "123456789012 except caller in partition aws"),
            row(
                "s3:PutObject",
                "* except arn:aws:s3:::DOC-EXAMPLE-BUCKET",
                "123456789012 in partition aws"
            ),
        ]
    );
    let inside = &d.added[0].fields[&FieldName::Principals][0];
    assert_eq!(inside.all_of, ["123456789012", "caller in partition aws"]);
    assert!(inside.none_of.is_empty());
    for name in ["public-put.json", "account-put-delete.json", "public-put-deny-outside.json"] {
        let other = read(name);
        for (existing, new) in [(&other, &reference), (&reference, &other)] {
            let d = run_diff(existing, new, ty).unwrap();
            for r in d.added.iter().chain(&d.removed) {
                let p = field_text(r, FieldName::Principals);
                assert!(!p.contains("aws-cn") && !p.contains("or in none"), "{name}: {p}");
                assert_eq!(d.contains(r, &r.witness), Some(true), "{name}");
            }
        }
    }
}

/// Terms of a union read in alphabetical order, whatever order the policy writes them in.
#[test]
fn union_terms_are_sorted() {
    let ty = PolicyType::Identity;
    let doc = |actions: Value| {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": actions,
               "Resource": "*"}})
        .to_string()
    };
    let existing = policy(&doc(json!("s3:GetObject")), ty);
    let new = policy(
        &doc(json!(["s3:GetObject", "sqs:SendMessage", "ec2:RunInstances", "iam:PassRole"])),
        ty,
    );
    let d = run_diff(&existing, &new, ty).unwrap();
    assert_eq!(d.added.len(), 1);
    assert_eq!(
        field_text(&d.added[0], FieldName::Actions),
        "ec2:RunInstances, iam:PassRole, sqs:SendMessage"
    );
}

/// The resource policy of [`regions_name_only_statements_granting_requests_aws_sends`]:
/// statement 0 grants 111122223333's principals `s3:GetObject` when `aws:SourceAccount` is
/// 111122223333, statement 1 without a condition.
fn source_account_doc(with_condition: bool, without: bool) -> Value {
    let mut statements = Vec::new();
    if with_condition {
        statements.push(json!({"Sid": "OnlyWithSourceAccount", "Effect": "Allow",
            "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}));
    }
    if without {
        statements.push(json!({"Sid": "Account", "Effect": "Allow",
            "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An account's principals never send `aws:SourceAccount` (services' requests carry it,
/// docs/semantics.md §2a): statement 0 grants no request AWS sends, so the region names
/// statement 1 only (it named both before: the region's boxes merged the key's values).
#[test]
fn regions_name_only_statements_granting_requests_aws_sends() {
    let ty = PolicyType::Resource;
    let existing = policy(
        &json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                "Principal": {"AWS": "111122223333"}, "Action": "s3:PutObject", "Resource": "*"}})
        .to_string(),
        ty,
    );
    let both = policy(&source_account_doc(true, true).to_string(), ty);
    let d = run_diff(&existing, &both, ty).unwrap();
    assert_eq!(d.added.len(), 1, "{:?}", d.added);
    let named: Vec<_> = d.added[0].statements.iter().map(|r| r.statement_index).collect();
    assert_eq!(named, [1]);
    assert_eq!(d.added[0].statements[0].statement_id.as_deref(), Some("Account"));
    // Statement 0 alone adds nothing AWS sends.
    let alone = policy(&source_account_doc(true, false).to_string(), ty);
    let d = run_diff(&existing, &alone, ty).unwrap();
    assert!(d.added.is_empty(), "{:?}", d.added);
}

/// On random resource policies over caller-dependent keys, a region names every Allow
/// statement of the gaining side that allows a request of the region AWS can send (of the
/// alphabet's universe, and the region's witness). That it names no other is
/// [`regions_name_only_statements_granting_requests_aws_sends`]'s case: the universe lacks
/// keys AWS's requests carry (`aws:PrincipalType`), so it cannot tell.
#[test]
fn regions_name_every_statement_granting_sendable_requests() {
    let ty = PolicyType::Resource;
    let requests = facts_universe();
    runner(48)
        .run(&(facts_doc(), facts_doc()), |(e, n)| {
            let (existing, new) = (policy(&e.to_string(), ty), policy(&n.to_string(), ty));
            let Some(d) = run_diff(&existing, &new, ty) else { return Ok(()) };
            for (regions, gains) in [(&d.added, &new), (&d.removed, &existing)] {
                for r in regions.iter() {
                    let mut inside: Vec<&Request> = requests
                        .iter()
                        .filter(|q| d.can_send(q) == Some(true) && d.contains(r, q) == Some(true))
                        .collect();
                    inside.push(&r.witness);
                    let named: Vec<usize> =
                        r.statements.iter().map(|s| s.statement_index).collect();
                    for s in &gains.statements {
                        let alone = Policy {
                            version: gains.version,
                            id: None,
                            statements: vec![iamcheck::policy::Statement { index: 0, ..s.clone() }],
                        };
                        if inside.iter().any(|q| allows(&alone, ty, q)) {
                            prop_assert!(
                                named.contains(&s.index),
                                "statement {} not named for {:?}",
                                s.index,
                                r.fields
                            );
                        }
                    }
                    prop_assert!(!named.is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Markdown cells show at most three exceptions per term (the rest counted), and every
/// label in a folded block under the table; a failed check's text at most four.
#[test]
fn long_exception_lists_are_counted_in_markdown_and_check_text() {
    let listed: Vec<String> =
        ["A", "B", "C", "D", "E"].iter().map(|x| format!("chatbot:List{x}")).collect();
    let existing = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": listed, "Resource": "*"}})
    .to_string();
    let sid = format!("Long{}", "x".repeat(200));
    let new = json!({"Version": "2012-10-17", "Statement": {"Sid": sid, "Effect": "Allow",
        "Action": "chatbot:List*", "Resource": "*"}})
    .to_string();
    let args = |cmd: &'static str| {
        vec![
            cmd,
            "--existing-policy-document",
            existing.as_str(),
            "--new-policy-document",
            new.as_str(),
            "--policy-type",
            "IDENTITY_POLICY",
        ]
    };
    let mut md = args("diff");
    md.extend(["--output", "markdown"]);
    let out = String::from_utf8(iamcheck(&md).stdout).unwrap();
    assert!(
        out.contains(
            "| added | `chatbot:List* except chatbot:ListA, chatbot:ListB, chatbot:ListC, and 2 more`"
        ),
        "{out}"
    );
    let (table, folded) = out.split_once("<details>").unwrap();
    assert!(!table.contains("chatbot:ListE"), "{out}");
    assert!(
        folded.contains(
            "chatbot:List* except chatbot:ListA, chatbot:ListB, chatbot:ListC, chatbot:ListD, chatbot:ListE\n"
        ),
        "{out}"
    );
    let mut check = args("check-no-new-access");
    check.extend(["--explain", "--output", "text"]);
    let out = iamcheck(&check);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "actions     chatbot:List* except chatbot:ListA, chatbot:ListB, chatbot:ListC, chatbot:ListD, and 1 more\n"
        ),
        "{text}"
    );
    // A minified policy is one line: its quote is cut.
    let quoted = text.lines().find(|l| l.trim_start().starts_with("1 |")).unwrap();
    assert!(quoted.ends_with('…') && quoted.chars().count() < 200, "{quoted}");
}

/// Text and Markdown name no real actions for `*` with exceptions (most of the catalogue);
/// JSON still counts them.
#[test]
fn real_actions_are_not_listed_for_any_action_but_some() {
    let ty = PolicyType::Identity;
    let doc = |action: &str| {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": action,
               "Resource": "*"}})
        .to_string()
    };
    let (existing, new) = (policy(&doc("s3:GetObject"), ty), policy(&doc("*"), ty));
    let d = run_diff(&existing, &new, ty).unwrap();
    assert_eq!(field_text(&d.added[0], FieldName::Actions), "* except s3:GetObject");
    assert!(d.added[0].real_actions.as_ref().is_some_and(|r| r.count > 1000));
    let text = iamcheck::report::diff::to_text(&d);
    assert!(!text.contains("of the catalogue"), "{text}");
    let md = iamcheck::report::diff::to_markdown(&d);
    assert!(!md.contains("of the catalogue"), "{md}");
}

/// Resource policies whose `Deny` statements name several callers in `NotPrincipal`: an IAM
/// user, the account's root, a role, a role session; among the callers, sessions of those (a
/// federated user federated by the user, by another one or by the root, role sessions), so
/// that a caller escapes the `Deny` only when all its identities are listed. (A `NotPrincipal`
/// listing a federated user is left out: whether the user who federated must be listed too is
/// undocumented, `construct.federatingUser`, and its regions are not described.)
fn not_principal_doc() -> impl Strategy<Value = Value> {
    let names = [
        "arn:aws:iam::111111111111:root",
        "arn:aws:iam::111111111111:user/u",
        "arn:aws:iam::111111111111:role/r",
        "arn:aws:sts::111111111111:assumed-role/r/s",
    ];
    let grant = prop::sample::select(vec![
        json!("*"),
        json!({"AWS": "111111111111"}),
        json!({"AWS": "arn:aws:iam::111111111111:user/u"}),
        json!({"AWS": "arn:aws:iam::111111111111:role/r"}),
    ]);
    let statement = (
        any::<bool>(),
        grant,
        prop::sample::subsequence(names.to_vec(), 1..4),
        prop::sample::select(vec!["a:x", "a:*", "*"]),
        prop::sample::select(vec!["*", "arn:aws:s3:::a"]),
    )
        .prop_map(|(allow, grant, excepted, action, resource)| {
            let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" },
                               "Action": action, "Resource": resource});
            match allow {
                true => s["Principal"] = grant,
                false => s["NotPrincipal"] = json!({"AWS": excepted}),
            }
            s
        });
    prop::collection::vec(statement, 1..4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

/// The requests of [`not_principal_doc`]'s alphabet: the user, the root, a role session, the
/// user's federated session, another user's and the root's, a caller of another account.
fn not_principal_universe() -> Vec<Request> {
    let callers = [
        ("arn:aws:iam::111111111111:user/u", None),
        ("arn:aws:iam::111111111111:user/v", None),
        ("arn:aws:iam::111111111111:root", None),
        ("arn:aws:sts::111111111111:assumed-role/r/s", None),
        ("arn:aws:sts::111111111111:assumed-role/r/t", None),
        ("arn:aws:sts::111111111111:federated-user/f", Some("arn:aws:iam::111111111111:user/u")),
        ("arn:aws:sts::111111111111:federated-user/f", Some("arn:aws:iam::111111111111:user/v")),
        ("arn:aws:sts::111111111111:federated-user/f", None),
        ("arn:aws:sts::111111111111:federated-user/g", Some("arn:aws:iam::111111111111:user/u")),
        ("arn:aws:iam::222222222222:user/u", None),
        ("anonymous", None),
    ];
    let mut out = Vec::new();
    for (principal, by) in callers {
        for action in ["a:x", "a:y", "b:x"] {
            for resource in ["arn:aws:s3:::a", "arn:aws:s3:::b"] {
                out.push(Request {
                    principal: Some(principal.into()),
                    federated_by: by.map(str::to_string),
                    action: action.into(),
                    resource: resource.into(),
                    ..Default::default()
                });
            }
        }
    }
    out
}

/// Regions are exact where a `NotPrincipal` element of several entries means more than its
/// entries one by one (a federated session escapes only when both it and the user who
/// federated are listed); every pair's regions are described.
#[test]
fn regions_are_exact_with_not_principal_elements() {
    let ty = PolicyType::Resource;
    let requests = not_principal_universe();
    let (several, differ) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner(48)
        .run(&(not_principal_doc(), not_principal_doc()), |(e, n)| {
            let (existing, new) = (policy(&e.to_string(), ty), policy(&n.to_string(), ty));
            check_exact(&existing, &new, ty, &requests)?;
            let d = run_diff(&existing, &new, ty);
            let multi = |doc: &Value| {
                doc["Statement"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["NotPrincipal"]["AWS"].as_array().is_some_and(|a| a.len() > 1))
            };
            several.set(several.get() + usize::from(multi(&e) || multi(&n)));
            differ.set(
                differ.get()
                    + usize::from(d.is_some_and(|d| d.relation != Some(Relation::Equivalent))),
            );
            Ok(())
        })
        .unwrap();
    assert!(
        several.get() >= 30,
        "only {} of 48 pairs have a NotPrincipal of several",
        several.get()
    );
    assert!(differ.get() >= 24, "only {} of 48 pairs differ", differ.get());
}

/// Quacky's `s3_policy_for_lambda_function/policy1/0_3`: the existing policy denies `s3:Put*`
/// to every caller but `NotPrincipal [root, user/myuser]`; the mutant denies only outside
/// `s3:Put*` on `prod--testfiles/*`, so myuser's federated sessions (not exempted: the
/// session is not listed) gain `s3:Put*` there. The region is the whole element's label.
#[test]
fn not_principal_element_is_described_as_written() {
    let ty = PolicyType::Resource;
    let (row, _) = crate::common::quacky_pairs()
        .into_iter()
        .find(|(row, _)| {
            row["id"].as_str().unwrap().ends_with("s3_policy_for_lambda_function/policy1/0_3.json")
        })
        .unwrap();
    let existing = policy(&row["original"].to_string(), ty);
    let new = policy(&row["mutant"].to_string(), ty);
    let d = run_diff(&existing, &new, ty).unwrap();
    assert_eq!(d.relation, Some(Relation::MorePermissive));
    assert!(d.complete() && d.removed.is_empty(), "{d:?}");
    let [r] = d.added.as_slice() else { panic!("{:?}", d.added) };
    let (user, root) = ("arn:aws:iam::999999999999:user/myuser", "arn:aws:iam::999999999999:root");
    let element = format!("NotPrincipal [{root}, {user}]");
    let json = iamcheck::report::diff::to_json(&d);
    assert_eq!(json["added"][0]["principals"], json!([{"match": [user, element]}]), "{json}");
    assert_eq!(json["added"][0]["actions"], json!([{"match": ["s3:Put*"]}]));
    assert_eq!(
        json["added"][0]["resources"],
        json!([{"match": ["arn:aws:s3:::prod--testfiles/*"]}])
    );
    assert_eq!(field_text(r, FieldName::Principals), format!("{user} not exempted by {element}"));
    // The witness: a session myuser federated, allowed by new, not by existing.
    assert_eq!(r.witness.federated_by.as_deref(), Some(user));
    assert!(allows(&new, ty, &r.witness) && !allows(&existing, ty, &r.witness));
    assert_eq!(d.contains(r, &r.witness), Some(true));
    // myuser itself lies outside the region (exempted), though each one-entry label
    // answers as for its sessions.
    let myself = Request { principal: Some(user.into()), federated_by: None, ..r.witness.clone() };
    assert_eq!(d.contains(r, &myself), Some(false));
    assert!(allows(&new, ty, &myself) && allows(&existing, ty, &myself));
}

/// A `NotPrincipal` label reads as a qualifier: `not exempted by NotPrincipal …` in `match`,
/// `exempted by NotPrincipal …` in `except` (the callers it exempts); terms alike after
/// shortening are written once.
#[test]
fn not_principal_labels_read_plainly() {
    let ty = PolicyType::Resource;
    let (root, user) = ("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/u");
    let allow = |action: &str| {
        json!({"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": action,
               "Resource": "*"})
    };
    let deny = json!({"Effect": "Deny", "NotPrincipal": {"AWS": [root, user]},
                      "Action": "s3:GetObject", "Resource": "*"});
    let doc =
        |sts: Value| policy(&json!({"Version": "2012-10-17", "Statement": sts}).to_string(), ty);
    let (open, guarded, put) = (
        doc(json!([allow("s3:GetObject")])),
        doc(json!([allow("s3:GetObject"), deny])),
        doc(json!([allow("s3:PutObject")])),
    );
    let element = format!("NotPrincipal [{root}, {user}]");
    // The account's callers but root and u lose s3:GetObject.
    let d = run_diff(&open, &guarded, ty).unwrap();
    let [r] = d.removed.as_slice() else { panic!("{:?}", d.removed) };
    assert_eq!(
        field_text(r, FieldName::Principals),
        format!("123456789012 not exempted by {element}")
    );
    assert_eq!(
        iamcheck::report::diff::to_json(&d)["removed"][0]["principals"],
        json!([{"match": ["123456789012", element]}])
    );
    // Only root and u had s3:GetObject: the except side.
    let d = run_diff(&guarded, &put, ty).unwrap();
    let get = d.removed.iter().find(|r| r.witness.action == "s3:GetObject").unwrap();
    assert_eq!(
        field_text(get, FieldName::Principals),
        format!("123456789012 exempted by {element}")
    );
    assert_eq!(
        iamcheck::report::diff::to_json(&d)["removed"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["actions"] == json!([{"match": ["s3:GetObject"]}]))
            .unwrap()["principals"],
        json!([{"match": ["123456789012"], "except": [element]}])
    );
    for r in d.removed.iter().chain(&d.added) {
        assert_eq!(d.contains(r, &r.witness), Some(true));
    }
}
