use super::*;
use crate::request::caller::inconsistency;

fn templated(site: Site, text: &str, glob: bool) -> Templated {
    let template = Template::parse(text).unwrap_or_else(|e| panic!("{e}"));
    Templated { site, template, glob, arn: false, statement: (0, 0) }
}

fn req(resource: &str, context: &[(&str, &str)]) -> Request {
    Request {
        principal: None,
        federated_by: None,
        action: "s3:GetObject".into(),
        resource: resource.into(),
        context: context
            .iter()
            .map(|(k, v)| (k.to_string(), ContextValue::Single(v.to_string())))
            .collect(),
    }
}

#[test]
fn solving_a_template_against_a_value() {
    let t = templated(Site::Resource, "arn:aws:s3:::b/${aws:username}/*", true);
    let found = solve(&t, &req("arn:aws:s3:::b/alice/x/y", &[]), &mut Tripped::default());
    assert!(found.contains(&("aws:username".into(), "alice".into())), "{found:?}");
    assert!(found.contains(&("aws:username".into(), "alice/x".into())), "{found:?}");
    assert!(solve(&t, &req("arn:aws:s3:::c/alice/x", &[]), &mut Tripped::default()).is_empty());
    // Two variables: not solved (the candidates still try fresh values).
    let two = templated(Site::Resource, "arn:aws:s3:::${a}${b}", true);
    assert!(solve(&two, &req("arn:aws:s3:::xy", &[]), &mut Tripped::default()).is_empty());
}

#[test]
fn candidates_instantiate_the_templates() {
    let ts = [
        templated(Site::Resource, "arn:aws:s3:::b/${aws:username}/*", true),
        templated(Site::Key("s3:prefix".into()), "${aws:username}/", false),
    ];
    let found =
        candidates(&req("arn:aws:s3:::b//", &[]), &ts, &BTreeMap::new(), &mut Tripped::default());
    let both =
        req("arn:aws:s3:::b/example/", &[("aws:username", "example"), ("s3:prefix", "example/")]);
    assert!(found.contains(&both), "{found:#?}");
    assert!(found.len() <= PER_REGION);
    // Absence of the key is tried too.
    assert!(found.iter().any(|r| r.context_value("aws:username").is_none()));
}

#[test]
fn assignments_spread_over_many_keys() {
    let options: BTreeMap<String, (String, Vec<Option<String>>)> = ["a", "b", "c", "d"]
        .iter()
        .map(|k| {
            let values = vec![Some("x".to_string()), Some("y".to_string()), None];
            (k.to_string(), (k.to_string(), values))
        })
        .collect();
    let mut tripped = Tripped::default();
    let all = assignments(&options, &mut tripped);
    // 81 combinations, 96 candidates: none left out.
    assert_eq!(tripped, Tripped::default());
    let uniform = |v: Option<&str>| -> Vec<(String, Option<String>)> {
        ["a", "b", "c", "d"].iter().map(|k| (k.to_string(), v.map(str::to_string))).collect()
    };
    assert_eq!(all.first(), Some(&uniform(Some("x"))));
    assert!(all.contains(&uniform(Some("y"))) && all.contains(&uniform(None)));
    assert_eq!(all.len(), 3usize.pow(4).min(PER_REGION));
}

#[test]
fn the_outsider_restriction_is_checked_concretely() {
    let mut restrict = Restrict::default();
    restrict.principal.push(crate::policy::Principal::Aws("111122223333".into()));
    restrict
        .keys
        .insert("aws:sourceaccount".into(), vec![crate::encode::glob::literal("444455556666")]);
    let mut r = req("arn:aws:s3:::b/x", &[("aws:SourceAccount", "777788889999")]);
    r.principal = Some("anonymous".into());
    assert!(admitted(&restrict, &r));
    let mut inside = r.clone();
    inside.principal = Some("arn:aws:iam::111122223333:user/u".into());
    assert!(!admitted(&restrict, &inside));
    let named =
        Request { context: req("x", &[("AWS:SourceAccount", "444455556666")]).context, ..r };
    assert!(!admitted(&restrict, &named));
}

#[test]
fn caller_repairs_fit_the_keys() {
    // Resource policy: the principal that could send this `aws:userid`.
    let mut r = req("arn:aws:s3:::b/x", &[("aws:userid", "111122223333")]);
    r.principal = Some("anonymous".into());
    let fixed = caller_repairs(&r, PolicyType::Resource);
    let root =
        fixed.iter().find(|c| c.principal.as_deref() == Some("arn:aws:iam::111122223333:root"));
    assert!(root.is_some_and(|c| inconsistency(c, PolicyType::Resource).is_none()));
    // Identity policy: a caller completed from the account alone.
    let r = req("arn:aws:s3:::b/x", &[("aws:PrincipalAccount", "111122223333")]);
    assert!(inconsistency(&r, PolicyType::Identity).is_some());
    let fixed = caller_repairs(&r, PolicyType::Identity);
    assert!(
        fixed.iter().any(|c| inconsistency(c, PolicyType::Identity).is_none()
            && matches!(c.context_value("aws:PrincipalAccount"), Some(ContextValue::Single(a)) if a == "111122223333")),
        "{fixed:#?}"
    );
    // A consistent request needs no repair.
    assert!(caller_repairs(&req("arn:aws:s3:::b/x", &[]), PolicyType::Identity).is_empty());
}

#[test]
fn bounds_that_cut_the_candidates_are_noted_with_their_figure() {
    let t = templated(Site::Resource, "arn:aws:s3:::b/${aws:username}/*", true);
    // Within the bounds: nothing noted.
    let mut tripped = Tripped::default();
    let _ = solve(&t, &req("arn:aws:s3:::b/alice/x", &[]), &mut tripped);
    assert_eq!(tripped.reason(), None);
    // More solutions than PER_KEY (b/a/b/c/d/e/f has 6 ways to split at a `/`).
    let found = solve(&t, &req("arn:aws:s3:::b/a/b/c/d/e/f", &[]), &mut tripped);
    assert_eq!(found.len(), PER_KEY);
    let limit = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    assert_eq!(
        tripped.reason(),
        Some(UnknownReason::Budget { budget: Budget::ConcreteKeyValues, limit: limit(PER_KEY) })
    );
    assert_eq!(tripped.reason().map(|r| r.code()), Some("budget.concreteKeyValues"));
    // A value longer than MAX_SOLVE is not solved; the first bound noted is kept.
    let long = format!("arn:aws:s3:::b/{}/x", "a".repeat(MAX_SOLVE));
    let mut first = Tripped::default();
    assert!(solve(&t, &req(&long, &[]), &mut first).is_empty());
    assert_eq!(first.reason().map(|r| r.code()), Some("budget.concreteValueLength"));
    let _ = solve(&t, &req("arn:aws:s3:::b/a/b/c/d/e/f", &[]), &mut first);
    assert_eq!(
        first.reason(),
        Some(UnknownReason::Budget {
            budget: Budget::ConcreteValueLength,
            limit: limit(MAX_SOLVE)
        })
    );
    // More atoms' values of a key than PER_KEY.
    let key = templated(Site::Key("s3:prefix".into()), "${s3:x}/", false);
    let mut values = BTreeMap::new();
    values.insert("s3:x".to_string(), (0..=PER_KEY).map(|i| format!("v{i}")).collect());
    let mut tripped = Tripped::default();
    let _ = candidates(&req("arn:aws:s3:::b/x", &[]), &[key], &values, &mut tripped);
    assert_eq!(tripped.reason().map(|r| r.code()), Some("budget.concreteKeyValues"));
}

#[test]
fn a_product_larger_than_a_region_trips_its_bound() {
    // 4 values for each of 4 keys: 256 combinations, 96 kept.
    let options: BTreeMap<String, (String, Vec<Option<String>>)> = ["a", "b", "c", "d"]
        .iter()
        .map(|k| {
            let values =
                vec![Some("x".to_string()), Some("y".to_string()), Some(String::new()), None];
            (k.to_string(), (k.to_string(), values))
        })
        .collect();
    let mut tripped = Tripped::default();
    assert_eq!(assignments(&options, &mut tripped).len(), PER_REGION);
    assert_eq!(
        tripped.reason(),
        Some(UnknownReason::Budget {
            budget: Budget::ConcreteRegionCandidates,
            limit: u64::try_from(PER_REGION).unwrap_or(u64::MAX)
        })
    );
}
