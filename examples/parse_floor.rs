//! The serde_json floor: how long serde_json takes to parse the policy documents of a batch
//! input, next to iamcheck's parser and the whole check on the same documents.
//!
//! `cargo run --release --example parse_floor -- REQUESTS.jsonl [--checks]` reads
//! `iamcheck batch` requests (e.g. `scripts/bench/pairs.py DATA --both`), takes every
//! `*PolicyDocument` as the text batch hands to the parser (a string as is, an object
//! serialized), and prints one JSON line: documents, bytes, the best of three passes of
//! `serde_json::from_str::<Value>` and of `iamcheck::parse_policy` over all of them (one
//! thread), and their ratio. With `--checks` it also runs every check-no-new-access once on
//! one thread and reports the sum (the default budgets; a long run on the managed pairs).

use iamcheck::{check_no_new_access, parse_policy, Config, PolicyType};
use serde_json::Value;
use std::time::{Duration, Instant};

fn documents(path: &str) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let request: Value =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        let doc = |field: &str| match request.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        let (old, new) = match request.get("policyDocument") {
            Some(_) => (String::new(), doc("policyDocument")),
            None => (doc("existingPolicyDocument"), doc("newPolicyDocument")),
        };
        pairs.push((old, new));
    }
    Ok(pairs)
}

fn best_of_three(mut pass: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..3 {
        let start = Instant::now();
        count = pass();
        best = best.min(start.elapsed());
    }
    (best, count)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.iter().find(|a| !a.starts_with("--")).ok_or("usage: parse_floor FILE")?;
    let pairs = documents(path)?;
    let docs: Vec<&String> =
        pairs.iter().flat_map(|(a, b)| [a, b]).filter(|d| !d.is_empty()).collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let (serde, ok_serde) =
        best_of_three(|| docs.iter().filter(|d| serde_json::from_str::<Value>(d).is_ok()).count());
    let (ours, ok_ours) = best_of_three(|| {
        docs.iter().filter(|d| parse_policy(d, PolicyType::Identity).is_ok()).count()
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut line = serde_json::json!({
        "requests": pairs.len(),
        "documents": docs.len(),
        "bytes": bytes,
        "serdeJsonMs": ms(serde),
        "serdeJsonParsed": ok_serde,
        "iamcheckParseMs": ms(ours),
        "iamcheckParsed": ok_ours,
        "parseOverSerde": ms(ours) / ms(serde).max(1e-9),
    });
    if args.iter().any(|a| a == "--checks") {
        let config = Config::default();
        let start = Instant::now();
        let mut checks = 0usize;
        for (old, new) in &pairs {
            let parsed =
                (parse_policy(old, PolicyType::Identity), parse_policy(new, PolicyType::Identity));
            if let (Ok(old), Ok(new)) = parsed {
                let _ =
                    check_no_new_access(&old.policy, &new.policy, PolicyType::Identity, &config);
                checks += 1;
            }
        }
        let total = ms(start.elapsed());
        if let Some(fields) = line.as_object_mut() {
            fields.insert("checks".into(), checks.into());
            fields.insert("checksMs".into(), total.into());
            fields.insert("checksOverSerde".into(), (total / ms(serde).max(1e-9)).into());
        }
    }
    println!("{line}");
    Ok(())
}
