//! Criterion benchmarks: parse, end-to-end checks on the article's
//! examples, and a synthetic wide policy. The performance issue adds the
//! managed-policy workloads.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamcheck::{
    check_access_not_granted, check_no_new_access, parse_policy, Access, Config, PolicyType,
};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_default()
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

fn benches(c: &mut Criterion) {
    let id = example("identity-ec2-s3.json");
    c.bench_function("parse identity-ec2-s3", |b| {
        b.iter(|| parse_policy(black_box(&id), PolicyType::Identity))
    });
    let Ok(p) = parse_policy(&id, PolicyType::Identity) else {
        return;
    };
    let config = Config::default();
    c.bench_function("check-no-new-access self", |b| {
        b.iter(|| check_no_new_access(&p.policy, &p.policy, PolicyType::Identity, &config))
    });
    let access = Access { actions: vec!["s3:DeleteBucket".into()], resources: vec![] };
    c.bench_function("check-access-not-granted", |b| {
        b.iter(|| check_access_not_granted(&p.policy, &access, PolicyType::Identity, &config))
    });
    for n in [10, 100] {
        let text = wide(n);
        let Ok(w) = parse_policy(&text, PolicyType::Identity) else {
            return;
        };
        c.bench_function(&format!("check-no-new-access wide {n} statements, self"), |b| {
            b.iter(|| check_no_new_access(&w.policy, &w.policy, PolicyType::Identity, &config))
        });
    }
}

criterion_group!(engine, benches);
criterion_main!(engine);
