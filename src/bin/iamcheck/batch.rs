//! `iamcheck batch`: check requests from JSON Lines, results as JSON Lines, on all cores.
//!
//! One request per line, with Access Analyzer's request field names:
//! `{"id": any, "check": "check-no-new-access", "existingPolicyDocument": DOC,
//!   "newPolicyDocument": DOC, "policyType": "IDENTITY_POLICY"}`, `check-access-not-granted`
//! (`policyDocument`, `access`, `policyType`) and `check-no-public-access` (`policyDocument`,
//! `resourceType`); a DOC is the policy as a JSON string or as an object. `"stats": true` adds
//! `elapsedMicros` (parse and check) to that result. Each result is the single check's report
//! with `id` first; a request that cannot be run gives `{"id", "result": "ERROR", "message"}`
//! and the batch goes on. Results come in input order.

use crate::input;
use crate::run::Exit;
use iamcheck::report::{CheckKind, CheckReport};
use iamcheck::{Config, PolicyType, ResourceType, Verdict};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Run checks from JSON Lines (one request per line) and print one JSON result per line.
///
/// A request: `{"id": any, "check": "check-no-new-access", "existingPolicyDocument": DOC,
/// "newPolicyDocument": DOC, "policyType": "IDENTITY_POLICY"}`; `check-access-not-granted` takes
/// `policyDocument`, `access` (as in the AWS CLI, or the shorthand) and `policyType`;
/// `check-no-public-access` takes `policyDocument` and `resourceType`. DOC is the policy as a
/// JSON string or object. `"stats": true` adds `elapsedMicros` to the result.
///
/// Each result is the check's JSON report with `id` first, in input order; a bad line gives
/// `{"id": ..., "result": "ERROR", "message": ...}` and the batch goes on. Exit code: 2 if any
/// ERROR, else 1 if any FAIL, else 3 if any UNKNOWN, else 0.
///
/// Example:
///   iamcheck batch --input pairs.jsonl --jobs 2 > results.jsonl
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

pub fn run(args: BatchArgs) -> Result<Exit, String> {
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
            .map_err(|e| format!("error: batch input: cannot read `{path}`: {e}"))?;
        Box::new(std::io::BufReader::new(file))
    };
    let config = Config::default();
    let mut worst = Outcome::Pass;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut lines = reader.lines();
    let mut number = 0usize;
    loop {
        let mut round = Vec::with_capacity(ROUND);
        for line in lines.by_ref() {
            number += 1;
            let line =
                line.map_err(|e| format!("error: batch input: cannot read line {number}: {e}"))?;
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
        for (outcome, result) in check_all(&round, jobs, &config, args.stats) {
            worst = worst.max(outcome);
            writeln!(out, "{result}").map_err(|e| format!("error: cannot write results: {e}"))?;
        }
        out.flush().map_err(|e| format!("error: cannot write results: {e}"))?;
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
    stats: bool,
) -> Vec<(Outcome, String)> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((number, line)) = lines.get(i) else { break };
            done.push((i, check_line(*number, line, config, stats)));
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
fn check_line(number: usize, line: &str, config: &Config, stats: bool) -> (Outcome, String) {
    let start = Instant::now();
    let request: Map<String, Value> = match serde_json::from_str(line) {
        Ok(Value::Object(map)) => map,
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
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let (kind, verdict) = match check(&request, config) {
        Ok(done) => done,
        Err(message) => {
            return (Outcome::Error, error_line(&id, &format!("line {number}: {message}")))
        }
    };
    let outcome = match verdict {
        Verdict::Pass => Outcome::Pass,
        Verdict::Fail { .. } => Outcome::Fail,
        Verdict::Unknown { .. } => Outcome::Unknown,
    };
    let mut result = Map::new();
    result.insert("id".into(), id);
    if let Ok(Value::Object(report)) = serde_json::to_value(CheckReport::new(kind, &verdict)) {
        result.extend(report);
    }
    if let Some(model) = crate::limits::request_model_json() {
        result.insert("requestModel".into(), model);
    }
    if stats || request.get("stats").and_then(Value::as_bool) == Some(true) {
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

/// Runs the check a request names.
fn check(request: &Map<String, Value>, config: &Config) -> Result<(CheckKind, Verdict), String> {
    let check = request
        .get("check")
        .and_then(Value::as_str)
        .ok_or("`check` must name the check, e.g. \"check-no-new-access\"")?;
    match check {
        "check-no-new-access" => {
            let ty = policy_type(request)?;
            let existing = policy(request, "existingPolicyDocument", ty)?;
            let new = policy(request, "newPolicyDocument", ty)?;
            Ok((CheckKind::NoNewAccess, iamcheck::check_no_new_access(&existing, &new, ty, config)))
        }
        "check-access-not-granted" => {
            let ty = policy_type(request)?;
            let doc = policy(request, "policyDocument", ty)?;
            let access = match request.get("access") {
                Some(Value::String(s)) => input::access(s),
                Some(v) => input::access(&v.to_string()),
                None => Err("error: `access` is missing".to_string()),
            }
            .map_err(|e| e.trim_start_matches("error: ").replace("--access", "`access`"))?;
            let verdict = iamcheck::check_access_not_granted(&doc, &access, ty, config);
            Ok((CheckKind::AccessNotGranted, verdict))
        }
        "check-no-public-access" => {
            let ty = request
                .get("resourceType")
                .and_then(Value::as_str)
                .ok_or("`resourceType` must be a string such as \"AWS::S3::Bucket\"")?;
            let ty = ResourceType::parse(ty).map_err(|e| e.to_string())?;
            let doc = policy(request, "policyDocument", PolicyType::Resource)?;
            Ok((CheckKind::NoPublicAccess, iamcheck::check_no_public_access(&doc, ty, config)))
        }
        other => Err(format!(
            "unknown check `{other}`: expected check-no-new-access, check-access-not-granted \
             or check-no-public-access"
        )),
    }
}

fn policy_type(request: &Map<String, Value>) -> Result<PolicyType, String> {
    match request.get("policyType").and_then(Value::as_str) {
        Some("IDENTITY_POLICY") => Ok(PolicyType::Identity),
        Some("RESOURCE_POLICY") => Ok(PolicyType::Resource),
        _ => Err("`policyType` must be \"IDENTITY_POLICY\" or \"RESOURCE_POLICY\"".into()),
    }
}

/// Parses the document in field `field` (a JSON string or the policy object itself).
fn policy(
    request: &Map<String, Value>,
    field: &str,
    ty: PolicyType,
) -> Result<iamcheck::Policy, String> {
    let owned;
    let text = match request.get(field) {
        Some(Value::String(s)) => s.as_str(),
        Some(v @ Value::Object(_)) => {
            owned = v.to_string();
            owned.as_str()
        }
        Some(_) => return Err(format!("`{field}` must be a policy: a JSON string or object")),
        None => return Err(format!("`{field}` is missing")),
    };
    match iamcheck::parse_policy(text, ty) {
        Ok(parsed) => Ok(parsed.policy),
        Err(errors) => {
            let all: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
            Err(format!("`{field}`: {}", all.join("; ")))
        }
    }
}
