//! SARIF 2.1.0 for code scanning (GitHub reads it to annotate the lines of a
//! pull request): one log, one run, iamcheck's four checks as rules, and one
//! result per statement that grants a violating access.
//!
//! The renderer is fed [`Finding`]s, each on a file and a start line, so any
//! front end plugs in: [`findings`] makes them for one check on one policy
//! document; a template or plan front end makes them with the line of the
//! policy inside its file ([`Artifact::first_line`]).
//!
//! What GitHub requires and this writes: `$schema`, `version`,
//! `runs[].tool.driver` (`name`, `version`, `informationUri`, `rules[]` with
//! `id`, `shortDescription`, `fullDescription`, `help`), and results with
//! `ruleId`, `message.text` (the witness included), `level`,
//! `locations[0].physicalLocation` (`artifactLocation.uri` relative to the
//! repository, `region.startLine`), `partialFingerprints` (stable across runs
//! and line moves: the rule, the file and the statement's Sid or index), and
//! the exceeded reference statement as a `relatedLocations` entry.
//!
//! # Example
//! ```
//! use iamcheck::report::sarif::{self, Artifact};
//! use iamcheck::{parse_policy, Check, Config, PolicyType};
//!
//! let text = "{\"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \
//!             \"Principal\": \"*\", \"Action\": \"sqs:*\", \"Resource\": \"*\"}]}";
//! let policy = parse_policy(text, PolicyType::Resource)?.policy;
//! let check = Check::no_public_access(policy, "AWS::SQS::Queue")?;
//! let verdict = check.run(&Config::default());
//! let file = Artifact { uri: "policies/queue.json".into(), first_line: 1 };
//! let log = sarif::log(&sarif::findings(&check, &verdict, &file, None));
//! let result = &log["runs"][0]["results"][0];
//! assert_eq!(result["ruleId"], "check-no-public-access");
//! assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::CheckKind;
use crate::check::Check;
use crate::decide::Verdict;
use crate::policy::{Effect, Element, Policy, Principal, Statement};
use crate::simulate::{simulate, Decision};
use serde_json::{json, Value};

/// The schema GitHub and the SARIF validators know.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where iamcheck is described: the crate's repository, else its homepage,
/// else its crates.io page.
pub const INFORMATION_URI: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(uri) if !uri.is_empty() => uri,
    _ => match option_env!("CARGO_PKG_HOMEPAGE") {
        Some(uri) if !uri.is_empty() => uri,
        _ => "https://crates.io/crates/iamcheck",
    },
};

/// A file findings point into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Its path relative to the repository root, with `/` separators.
    pub uri: String,
    /// The line of the file where the policy document's first line is (1
    /// for a policy file; the line of the policy in a template).
    pub first_line: usize,
}

impl Artifact {
    /// The file line of a line (1-based) of the policy document.
    pub fn line(&self, document_line: usize) -> usize {
        self.first_line.saturating_sub(1) + document_line.max(1)
    }
}

/// How serious a result is (SARIF's `level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A FAIL: the policy grants what the check forbids (or it is invalid).
    Error,
    /// An UNKNOWN: the check could not be decided exactly.
    Warning,
    /// Informational.
    Note,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// What a result is about: one of the four checks, or another rule of a
/// front end (a template's invalid or unresolved policy), with its id and
/// a one-line description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A check's verdict.
    Check(CheckKind),
    /// Another finding.
    Other {
        /// The rule id, e.g. `iamcheck-invalid-policy`.
        id: String,
        /// What the rule finds, one line.
        description: String,
    },
}

impl Rule {
    fn id(&self) -> &str {
        match self {
            Rule::Check(kind) => kind.name(),
            Rule::Other { id, .. } => id,
        }
    }
}

/// A place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file, relative to the repository root.
    pub uri: String,
    /// First line (1-based).
    pub start_line: usize,
    /// Last line, when known.
    pub end_line: Option<usize>,
}

/// One result: a rule (a check) broken or undecided at a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The check, or another rule.
    pub rule: Rule,
    /// Error (FAIL) or warning (UNKNOWN).
    pub level: Level,
    /// The message, witness included.
    pub message: String,
    /// The statement that grants the access (or the document, when UNKNOWN).
    pub location: Place,
    /// The reference statement the access exceeds, with a description.
    pub related: Vec<(Place, String)>,
    /// What identifies the finding across runs: stable when lines move
    /// (the rule, file and statement Sid or index; a front end may add the
    /// resource and policy names).
    pub identity: String,
}

/// The findings of one check's verdict on a policy document in `file`;
/// `reference` is the file of check-no-new-access's existing policy, for
/// the related location. A PASS has none.
pub fn findings(
    check: &Check,
    verdict: &Verdict,
    file: &Artifact,
    reference: Option<&Artifact>,
) -> Vec<Finding> {
    let rule = check.kind();
    let policy = check.policy();
    let report = check.report(verdict);
    match verdict {
        Verdict::Pass => Vec::new(),
        Verdict::Unknown { .. } => {
            let first = policy.statements.first().map_or(1, |s| s.lines.0);
            vec![Finding {
                rule: Rule::Check(rule),
                level: Level::Warning,
                message: report.message,
                location: Place {
                    uri: file.uri.clone(),
                    start_line: file.line(first),
                    end_line: None,
                },
                related: Vec::new(),
                identity: format!("{}|{}|unknown", rule.name(), file.uri),
            }]
        }
        Verdict::Fail { witness, reasons } => {
            let witness_json = serde_json::to_string(witness).unwrap_or_default();
            let related = match (check.reference(), reference) {
                (Some(existing), Some(reference)) => exceeded(existing, witness, check)
                    .map(|s| {
                        let place = Place {
                            uri: reference.uri.clone(),
                            start_line: reference.line(s.lines.0),
                            end_line: Some(reference.line(s.lines.1)),
                        };
                        let text = format!(
                            "The existing policy's statement with {} allows this action, \
                             not this request.",
                            s.label()
                        );
                        (place, text)
                    })
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            };
            reasons
                .iter()
                .map(|reason| {
                    let lines = policy.statements.get(reason.statement_index).map(|s| s.lines);
                    let (first, last) = lines.unwrap_or((1, 1));
                    let label = match &reason.statement_id {
                        Some(sid) => format!("sid: {sid}"),
                        None => format!("index: {}", reason.statement_index),
                    };
                    Finding {
                        rule: Rule::Check(rule),
                        level: Level::Error,
                        message: format!(
                            "{} {} Witness (replay with `iamcheck simulate --request`): {}",
                            report.message,
                            rule.reason(reason.statement_index, reason.statement_id.as_deref()),
                            witness_json
                        ),
                        location: Place {
                            uri: file.uri.clone(),
                            start_line: file.line(first),
                            end_line: Some(file.line(last)),
                        },
                        related: related.clone(),
                        identity: format!("{}|{}|{label}", rule.name(), file.uri),
                    }
                })
                .collect()
        }
    }
}

/// The first Allow statement of the existing policy that allows the
/// witness's action (its resource, principal and conditions set aside):
/// the statement the new access exceeds.
fn exceeded<'p>(
    existing: &'p Policy,
    witness: &crate::request::Request,
    check: &Check,
) -> Option<&'p Statement> {
    let Check::NoNewAccess { policy_type, .. } = check else { return None };
    existing.statements.iter().filter(|s| s.effect == Effect::Allow).find(|s| {
        let any = Element { negated: false, values: vec!["*".to_string()] };
        let relaxed = Statement {
            principal: s
                .principal
                .as_ref()
                .map(|_| Element { negated: false, values: vec![Principal::Everyone] }),
            resource: Some(any),
            conditions: Vec::new(),
            ..(*s).clone()
        };
        let one = Policy { version: existing.version, id: None, statements: vec![relaxed] };
        simulate(&one, *policy_type, witness).is_ok_and(|sim| sim.decision == Decision::Allow)
    })
}

/// A rule of another kind: its description as every text.
fn other_rule(id: &str, description: &str) -> Value {
    json!({
        "id": id,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": description, "markdown": description},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": "warning"},
    })
}

/// The rule of each check: id, descriptions and help.
fn rule(kind: CheckKind) -> Value {
    let (name, short, full, help) = match kind {
        CheckKind::NoNewAccess => (
            "NoNewAccess",
            "The policy grants access the reference policy does not.",
            "check-no-new-access: the policy under test allows a request that the existing \
             (reference) policy does not allow. The result is on the statement granting it; the \
             witness is such a request.",
            "Narrow the statement (actions, resources, principals or conditions) to what the \
             reference policy allows, or update the reference policy if the new access is \
             intended. Replay the witness with `iamcheck simulate --request` against either \
             policy.",
        ),
        CheckKind::AccessNotGranted => (
            "AccessNotGranted",
            "The policy grants one of the listed actions or resources.",
            "check-access-not-granted: the policy allows a request for one of the listed \
             (forbidden) actions and/or resources. The result is on the statement granting it.",
            "Remove the listed action or resource from the statement, add a Deny for it, or \
             restrict the statement with a condition. The witness is a request the policy \
             allows.",
        ),
        CheckKind::NoPublicAccess => (
            "NoPublicAccess",
            "The resource policy grants public access.",
            "check-no-public-access: the resource policy allows a request by an outsider, a \
             caller it does not name calling from an origin it does not name \
             (docs/public-access.md).",
            "Name the principals (accounts, roles, services) in `Principal`, or restrict the \
             statement to fixed values of aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, \
             aws:SourceVpc and the like. The witness is a request by an outsider.",
        ),
        CheckKind::NoExternalAccess => (
            "NoExternalAccess",
            "The resource policy grants access outside the zone of trust.",
            "check-no-external-access: the resource policy allows a principal outside every \
             trusted account and organization.",
            "Restrict `Principal` to the trusted accounts, or add a condition on \
             aws:PrincipalAccount or aws:PrincipalOrgID. The witness is a request by a principal \
             outside the zone of trust.",
        ),
    };
    json!({
        "id": kind.name(),
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help, "markdown": help},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "iam"], "precision": "very-high",
                       "problem.severity": "error"}
    })
}

fn place(p: &Place) -> Value {
    let mut region = json!({"startLine": p.start_line});
    if let (Some(end), Some(map)) = (p.end_line, region.as_object_mut()) {
        map.insert("endLine".into(), end.max(p.start_line).into());
    }
    json!({"physicalLocation": {"artifactLocation": {"uri": p.uri}, "region": region}})
}

fn result(f: &Finding, rule_ids: &[&str]) -> Value {
    let mut r = json!({
        "ruleId": f.rule.id(),
        "ruleIndex": rule_ids.iter().position(|id| *id == f.rule.id()).unwrap_or(0),
        "level": f.level.name(),
        "message": {"text": f.message},
        "locations": [place(&f.location)],
        "partialFingerprints": {"iamcheckFinding/v1": fingerprint(&f.identity)},
    });
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, (p, text))| {
                let mut v = place(p);
                if let Some(map) = v.as_object_mut() {
                    map.insert("id".into(), i.into());
                    map.insert("message".into(), json!({"text": text}));
                }
                v
            })
            .collect();
        if let Some(map) = r.as_object_mut() {
            map.insert("relatedLocations".into(), related.into());
        }
    }
    r
}

/// The SARIF log of some findings (every check is a rule, whether it has
/// results or not, then the other rules the findings name).
pub fn log(findings: &[Finding]) -> Value {
    let mut rules: Vec<Value> = CheckKind::ALL.into_iter().map(rule).collect();
    let mut rule_ids: Vec<&str> = CheckKind::ALL.iter().map(|k| k.name()).collect();
    for f in findings {
        if let Rule::Other { id, description } = &f.rule {
            if !rule_ids.contains(&id.as_str()) {
                rule_ids.push(id);
                rules.push(other_rule(id, description));
            }
        }
    }
    let results: Vec<Value> = findings.iter().map(|f| result(f, &rule_ids)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iamcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A stable 64-bit FNV-1a hash in hex (the standard library's hasher may
/// change between releases; fingerprints must not).
fn fingerprint(identity: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in identity.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        // FNV-1a's published test vector: the empty string and "a".
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn file_lines_add_the_documents_offset() {
        let a = Artifact { uri: "t.yaml".into(), first_line: 10 };
        assert_eq!((a.line(1), a.line(3)), (10, 12));
        let b = Artifact { uri: "p.json".into(), first_line: 1 };
        assert_eq!((b.line(0), b.line(4)), (1, 4));
    }
}
