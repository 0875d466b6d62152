//! Checks on a lowered policy that bound the work later stages do and
//! enforce IAM's character set: statement count, string length, allowed
//! characters (every string of the document, after JSON unescaping).

use super::ParseLimits;
use crate::error::{Diagnostic, Location, Severity};
use crate::policy::{Policy, PolicyType, Principal, Statement};

/// Whether IAM accepts `c` in a policy document: U+0009, U+000A, U+000D
/// and U+0020–U+00FF (IAM quotas page; access-analyzer.md §1.6).
pub fn is_iam_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{ff}')
}

/// Every limit or character error of `policy`. IAM's character set binds
/// identity policies (IAM stores them); a resource policy is stored by its
/// service, and S3 object keys, for one, may hold any Unicode.
pub(crate) fn check(
    policy: &Policy,
    policy_type: PolicyType,
    limits: &ParseLimits,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if policy.statements.len() > limits.max_statements {
        let message = format!(
            "the policy has {} statements, more than the limit of {}",
            policy.statements.len(),
            limits.max_statements
        );
        out.push(error(message, Location { path: "Statement".into(), ..Location::default() }));
        return out;
    }
    for s in &policy.statements {
        for (what, text) in strings(s) {
            if let Some(e) = check_string(s, what, text, limits, policy_type) {
                out.push(e);
            }
        }
    }
    out
}

fn check_string(
    s: &Statement,
    what: &str,
    text: &str,
    limits: &ParseLimits,
    policy_type: PolicyType,
) -> Option<Diagnostic> {
    let location = Location {
        path: format!("Statement[{}].{what}", s.index),
        statement: Some((s.index, s.sid.clone())),
        line: s.lines.0,
        column: 0,
    };
    let chars = text.chars().count();
    if chars > limits.max_string_length {
        let message = format!(
            "a `{what}` value is {chars} characters long, more than the limit of {}",
            limits.max_string_length
        );
        return Some(error(message, location));
    }
    if policy_type != PolicyType::Identity {
        return None;
    }
    let bad = text.chars().find(|c| !is_iam_char(*c))?;
    let message = format!(
        "character U+{:04X} in a `{what}` value is not allowed in IAM policies (only U+0009, U+000A, U+000D and U+0020 to U+00FF are)",
        u32::from(bad)
    );
    Some(error(message, location))
}

fn error(message: String, location: Location) -> Diagnostic {
    Diagnostic { severity: Severity::Error, message, help: None, location }
}

/// Every string of a statement with the element it belongs to.
fn strings(s: &Statement) -> Vec<(&'static str, &str)> {
    let mut out: Vec<(&'static str, &str)> = Vec::new();
    if let Some(sid) = &s.sid {
        out.push(("Sid", sid));
    }
    out.extend(s.action.values.iter().map(|v| ("Action", v.as_str())));
    if let Some(r) = &s.resource {
        out.extend(r.values.iter().map(|v| ("Resource", v.as_str())));
    }
    if let Some(p) = &s.principal {
        for entry in &p.values {
            let text = match entry {
                Principal::Everyone => continue,
                Principal::Aws(v)
                | Principal::Service(v)
                | Principal::Federated(v)
                | Principal::CanonicalUser(v) => v.as_str(),
            };
            out.push(("Principal", text));
        }
    }
    for c in &s.conditions {
        out.push(("Condition", c.key.as_str()));
        out.extend(c.values.iter().map(|v| ("Condition", v.as_str())));
    }
    out
}
