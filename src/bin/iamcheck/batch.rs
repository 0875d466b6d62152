//! `iamcheck batch`: check requests from JSON Lines, results as JSON Lines, on all cores.
//!
//! The request format is `iamcheck batch --help` (args.rs): Access Analyzer's request field
//! names, every check, unknown fields rejected. Each result is the single check's report with
//! `id` first; a request that cannot be run gives `{"id", "result": "ERROR", "message"}` and the
//! batch goes on. Results come in input order; a reader that goes away ends the batch.

use crate::failure::Failure;
use crate::input;
use crate::out;
use crate::parsed::ParseCache;
use crate::run::Exit;
use iamcheck::report::CheckKind;
use iamcheck::{Check, Config, PolicyType, Verdict};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub const EXAMPLE: &str = "\
Example:
  echo '{\"id\": 1, \"check\": \"check-no-public-access\",
         \"policyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": {
           \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:*\",
           \"Resource\": \"*\"}},
         \"resourceType\": \"AWS::SQS::Queue\"}' | iamcheck batch
  iamcheck batch --input requests.jsonl --jobs 2 > results.jsonl";

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// The requests: a JSON Lines file, or `-` for standard input.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub input: String,
    /// Worker threads; defaults to the number of cores.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Add `elapsedMicros` to every result (as `"stats": true` does per request).
    #[arg(long)]
    pub stats: bool,
}

/// How one request ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Pass,
    Unknown,
    Fail,
    Error,
}

/// Lines read and checked per round; results are printed after each round.
const ROUND: usize = 256;

pub fn run(args: BatchArgs) -> Result<Exit, Failure> {
    let jobs = args
        .jobs
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1);
    let reader: Box<dyn BufRead> = if args.input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let path = args.input.strip_prefix("file://").unwrap_or(&args.input);
        let file = std::fs::File::open(path)
            .map_err(|e| format!("batch input: cannot read `{path}`: {e}"))?;
        Box::new(std::io::BufReader::new(file))
    };
    let config = crate::limits::config();
    let cache = ParseCache::default();
    let mut worst = Outcome::Pass;
    let mut lines = reader.lines();
    let mut number = 0usize;
    loop {
        let mut round = Vec::with_capacity(ROUND);
        for line in lines.by_ref() {
            number += 1;
            let line = line.map_err(|e| format!("batch input: cannot read line {number}: {e}"))?;
            if !line.trim().is_empty() {
                round.push((number, line));
            }
            if round.len() == ROUND {
                break;
            }
        }
        if round.is_empty() {
            break;
        }
        let mut results = String::new();
        for (outcome, result) in check_all(&round, jobs, &config, &cache, args.stats) {
            worst = worst.max(outcome);
            results.push_str(&result);
            results.push('\n');
        }
        if !out::print(&results) {
            break;
        }
    }
    Ok(match worst {
        Outcome::Pass => Exit::Pass,
        Outcome::Fail => Exit::Fail,
        Outcome::Unknown => Exit::Unknown,
        Outcome::Error => Exit::Error,
    })
}

/// Checks the lines on `jobs` threads; the results in input order.
fn check_all(
    lines: &[(usize, String)],
    jobs: usize,
    config: &Config,
    cache: &ParseCache,
    stats: bool,
) -> Vec<(Outcome, String)> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((number, line)) = lines.get(i) else { break };
            done.push((i, check_line(*number, line, config, cache, stats)));
        }
        done
    };
    let mut results: Vec<Option<(Outcome, String)>> = vec![None; lines.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            (0..jobs.min(lines.len()).max(1)).map(|_| scope.spawn(work)).collect();
        for worker in workers {
            // A worker that panicked loses its results; they are reported as errors below.
            for (i, result) in worker.join().unwrap_or_default() {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(result);
                }
            }
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                let message = "internal error: the check of this line did not finish";
                (Outcome::Error, error_line(&Value::Null, message))
            })
        })
        .collect()
}

/// One request line → its outcome and result line.
fn check_line(
    number: usize,
    line: &str,
    config: &Config,
    cache: &ParseCache,
    stats: bool,
) -> (Outcome, String) {
    let start = Instant::now();
    // The common case: an object, read with its documents left as raw text; anything else
    // is read again as a `Value` for the same messages as before.
    let parsed: Result<Request<'_>, _> = serde_json::from_str(line);
    let request = match parsed {
        Ok(request) => request,
        Err(_) => match serde_json::from_str(line) {
            Ok(Value::Object(fields)) => Request { fields, documents: Vec::new() },
            Ok(_) => {
                return (
                    Outcome::Error,
                    error_line(
                        &Value::Null,
                        &format!("line {number}: a request must be a JSON object"),
                    ),
                )
            }
            Err(e) => {
                return (
                    Outcome::Error,
                    error_line(&Value::Null, &format!("line {number}: not JSON: {e}")),
                )
            }
        },
    };
    let id = request.fields.get("id").cloned().unwrap_or(Value::Null);
    let check = match check(&request, cache) {
        Ok(check) => check,
        Err(message) => {
            return (Outcome::Error, error_line(&id, &format!("line {number}: {message}")))
        }
    };
    let verdict = check.run(config);
    let outcome = match verdict {
        Verdict::Pass => Outcome::Pass,
        Verdict::Fail { .. } => Outcome::Fail,
        Verdict::Unknown { .. } => Outcome::Unknown,
    };
    let mut result = Map::new();
    result.insert("id".into(), id);
    if let Ok(Value::Object(report)) = serde_json::to_value(check.report(&verdict)) {
        result.extend(report);
    }
    if let Some(model) = crate::limits::request_model_json() {
        result.insert("requestModel".into(), model);
    }
    if stats || request.fields.get("stats").and_then(Value::as_bool) == Some(true) {
        let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        result.insert("elapsedMicros".into(), micros.into());
    }
    (outcome, Value::Object(result).to_string())
}

fn error_line(id: &Value, message: &str) -> String {
    let mut result = Map::new();
    result.insert("id".into(), id.clone());
    result.insert("result".into(), "ERROR".into());
    result.insert("message".into(), message.into());
    Value::Object(result).to_string()
}

/// The fields every request may have.
const COMMON_FIELDS: [&str; 3] = ["id", "check", "stats"];

/// The fields whose value is a policy document.
const DOCUMENT_FIELDS: [&str; 3] =
    ["existingPolicyDocument", "newPolicyDocument", "policyDocument"];

/// A request line as read: every field in order, except that a policy document's value in
/// `fields` is `null` and the document itself is in `documents`, as its raw JSON text (most
/// documents are found in the parse cache by that text, without building them as `Value`s).
/// Repeated fields: the last value counts, at the first one's place, as in a `Value`.
#[derive(Debug)]
struct Request<'a> {
    fields: Map<String, Value>,
    documents: Vec<(String, &'a RawValue)>,
}

impl<'de> Deserialize<'de> for Request<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Request<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a request object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request<'de>, A::Error> {
                let mut request = Request { fields: Map::new(), documents: Vec::new() };
                while let Some(key) = map.next_key::<String>()? {
                    if DOCUMENT_FIELDS.contains(&key.as_str()) {
                        let raw: &'de RawValue = map.next_value()?;
                        request.documents.retain(|(k, _)| *k != key);
                        request.documents.push((key.clone(), raw));
                        request.fields.insert(key, Value::Null);
                    } else {
                        let value: Value = map.next_value()?;
                        request.fields.insert(key, value);
                    }
                }
                Ok(request)
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl Request<'_> {
    /// The value of field `field` (`null` for a document read as raw text).
    fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// The raw JSON text of document field `field`, if the request has it.
    fn document(&self, field: &str) -> Option<&RawValue> {
        self.documents.iter().find(|(k, _)| k == field).map(|(_, raw)| *raw)
    }
}

/// Builds the check a request names, rejecting fields it does not take.
fn check(request: &Request<'_>, cache: &ParseCache) -> Result<Check, String> {
    let name = request
        .get("check")
        .and_then(Value::as_str)
        .ok_or("`check` must name the check, e.g. \"check-no-new-access\"")?;
    let kind = iamcheck::check::kind_named(name).map_err(|e| e.to_string())?;
    let fields: &[&str] = match kind {
        CheckKind::NoNewAccess => &["existingPolicyDocument", "newPolicyDocument", "policyType"],
        CheckKind::AccessNotGranted => &["policyDocument", "access", "policyType"],
        CheckKind::NoPublicAccess => &["policyDocument", "resourceType"],
        CheckKind::NoExternalAccess => &["policyDocument", "trustedAccounts", "trustedOrgs"],
    };
    if let Some(unknown) = request
        .fields
        .keys()
        .find(|k| !COMMON_FIELDS.contains(&k.as_str()) && !fields.contains(&k.as_str()))
    {
        let candidates = COMMON_FIELDS.iter().chain(fields).copied();
        let help = match iamcheck::parse::suggest::did_you_mean(unknown, candidates) {
            Some(help) => help,
            None => format!("{name} takes {}", fields.join(", ")),
        };
        return Err(format!("unknown field `{unknown}` (help: {help})"));
    }
    let check = match kind {
        CheckKind::NoNewAccess => {
            let ty = policy_type(request)?;
            let existing = policy(request, cache, "existingPolicyDocument", ty)?;
            let new = policy(request, cache, "newPolicyDocument", ty)?;
            Check::no_new_access(existing, new, ty)
        }
        CheckKind::AccessNotGranted => {
            let ty = policy_type(request)?;
            let doc = policy(request, cache, "policyDocument", ty)?;
            let (access, warnings) = match request.get("access") {
                Some(Value::String(s)) => input::access_with_warnings(s),
                Some(v) => input::access_with_warnings(&v.to_string()),
                None => Err("`access` is missing".to_string()),
            }
            .map_err(|e| e.replace("--access", "`access`"))?;
            let id = request.get("id").cloned().unwrap_or(Value::Null);
            for w in warnings {
                crate::out::eprintln(&format!("warning: request {id}: `access`: {w}"));
            }
            Check::access_not_granted(doc, access, ty).map_err(|e| format!("`access`: {e}"))?
        }
        CheckKind::NoPublicAccess => {
            let ty = request
                .get("resourceType")
                .and_then(Value::as_str)
                .ok_or("`resourceType` must be a string such as \"AWS::S3::Bucket\"")?;
            let doc = policy(request, cache, "policyDocument", PolicyType::Resource)?;
            Check::no_public_access(doc, ty).map_err(|e| format!("`resourceType`: {e}"))?
        }
        CheckKind::NoExternalAccess => {
            let accounts = strings(request, "trustedAccounts")?;
            let orgs = strings(request, "trustedOrgs")?;
            let doc = policy(request, cache, "policyDocument", PolicyType::Resource)?;
            Check::no_external_access(doc, accounts, orgs)
                .map_err(|e| format!("`trustedAccounts`, `trustedOrgs`: {e}"))?
        }
    };
    Ok(check)
}

/// A list of strings (absent: empty).
fn strings(request: &Request<'_>, field: &str) -> Result<Vec<String>, String> {
    let wrong = || format!("`{field}` must be a list of strings");
    match request.get(field) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(wrong)).collect()
        }
        Some(_) => Err(wrong()),
    }
}

fn policy_type(request: &Request<'_>) -> Result<PolicyType, String> {
    match request.get("policyType").and_then(Value::as_str) {
        Some("IDENTITY_POLICY") => Ok(PolicyType::Identity),
        Some("RESOURCE_POLICY") => Ok(PolicyType::Resource),
        _ => Err("`policyType` must be \"IDENTITY_POLICY\" or \"RESOURCE_POLICY\"".into()),
    }
}

/// Parses the document in field `field` (a JSON string or the policy object itself), once
/// per text (`cache`).
fn policy(
    request: &Request<'_>,
    cache: &ParseCache,
    field: &str,
    ty: PolicyType,
) -> Result<iamcheck::Policy, String> {
    let not_a_policy = || format!("`{field}` must be a policy: a JSON string or object");
    let parsed = match (request.document(field), request.get(field)) {
        (Some(raw), _) if raw.get().trim_start().starts_with('{') => {
            cache.get_object(raw.get(), ty).map_err(|_| not_a_policy())?
        }
        (Some(raw), _) => match serde_json::from_str(raw.get()) {
            Ok(Value::String(text)) => cache.get(&text, ty),
            _ => return Err(not_a_policy()),
        },
        // A request read as a `Value` (only when the fast reader failed on it).
        (None, Some(Value::String(text))) => cache.get(text, ty),
        (None, Some(v @ Value::Object(_))) => cache.get(&v.to_string(), ty),
        (None, Some(_)) => return Err(not_a_policy()),
        (None, None) => return Err(format!("`{field}` is missing")),
    };
    match parsed.as_ref() {
        Ok(policy) => Ok(policy.clone()),
        Err(errors) => Err(format!("`{field}`: {errors}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW_S3: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    const ALLOW_GET: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;

    fn result(line: &str) -> Value {
        let (_, out) = check_line(1, line, &Config::default(), &ParseCache::default(), false);
        serde_json::from_str(&out).unwrap_or(Value::Null)
    }

    /// Documents read as raw text answer as documents read as `Value`s: as objects (with
    /// spaces around them), as strings, repeated (the last counts), or of a wrong type.
    #[test]
    fn documents_read_as_raw_text() {
        let request = |existing: &str, new: &str| {
            format!(
                r#"{{"id":"x","check":"check-no-new-access","policyType":"IDENTITY_POLICY","existingPolicyDocument":{existing},"newPolicyDocument":{new}}}"#
            )
        };
        let quoted = |doc: &str| Value::String(doc.to_string()).to_string();
        let verdict = |line: &str| result(line).get("result").cloned().unwrap_or(Value::Null);
        assert_eq!(verdict(&request(ALLOW_S3, ALLOW_GET)), "PASS");
        assert_eq!(verdict(&request(ALLOW_GET, &format!(" {ALLOW_S3} "))), "FAIL");
        assert_eq!(verdict(&request(&quoted(ALLOW_GET), &quoted(ALLOW_S3))), "FAIL");
        let repeated = request(ALLOW_GET, ALLOW_S3).replace(
            r#","newPolicyDocument""#,
            &format!(r#","existingPolicyDocument":{ALLOW_S3},"newPolicyDocument""#),
        );
        assert_eq!(verdict(&repeated), "PASS");
        let wrong = result(&request("null", ALLOW_S3));
        assert_eq!(
            wrong.get("message").and_then(Value::as_str),
            Some("line 1: `existingPolicyDocument` must be a policy: a JSON string or object")
        );
        let not_an_object = result("[1]");
        assert_eq!(
            not_an_object.get("message").and_then(Value::as_str),
            Some("line 1: a request must be a JSON object")
        );
    }
}
