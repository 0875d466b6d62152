//! `--output sarif` for templates and plans: the template front end's
//! findings as the library's SARIF findings, one result per statement a
//! failed check names, on its line in the template or plan.

use iamcheck::iac::findings::{self, FindingType, Report};
use iamcheck::report::sarif::{self, Level, Place, Rule};
use iamcheck::report::CheckKind;

/// The SARIF log of a template check's report (blocking and non-blocking
/// findings alike; the level says how serious each is).
pub fn render(report: &Report) -> String {
    let all = report.blocking.iter().chain(&report.non_blocking);
    let findings: Vec<sarif::Finding> = all.flat_map(results).collect();
    serde_json::to_string_pretty(&sarif::log(&findings)).unwrap_or_default()
}

/// The check a finding code names, if it is a check's verdict.
fn rule(f: &findings::Finding) -> Rule {
    let check = match f.code.as_str() {
        "policy-analysis-CheckNoNewAccess" => Some(CheckKind::NoNewAccess),
        "policy-analysis-CheckAccessNotGranted" => Some(CheckKind::AccessNotGranted),
        "policy-analysis-CheckNoPublicAccess" => Some(CheckKind::NoPublicAccess),
        "iamcheck-CheckNoExternalAccess" => Some(CheckKind::NoExternalAccess),
        _ => None,
    };
    match check {
        Some(kind) => Rule::Check(kind),
        None => Rule::Other { id: f.code.clone(), description: description(&f.code).into() },
    }
}

fn description(code: &str) -> &'static str {
    match code {
        "iamcheck-invalid-policy" => "A policy in the template or plan is not a valid policy.",
        "iamcheck-invalid-check" => "The check's parameters do not apply to this policy.",
        "iamcheck-unresolved-policy" => {
            "A policy is unknown until deployment, so it was not checked."
        }
        "iamcheck-unresolved-value" => {
            "A policy was checked with stand-ins for values known only at deployment."
        }
        "iamcheck-unknown" => "iamcheck could not decide the check exactly for this policy.",
        "iamcheck-policy-removed" => "A policy of the baseline is no longer in the template.",
        _ => "A finding of iamcheck's template front end.",
    }
}

fn level(t: FindingType) -> Level {
    match t {
        FindingType::Error | FindingType::SecurityWarning => Level::Error,
        FindingType::Unknown | FindingType::Warning => Level::Warning,
        FindingType::Suggestion => Level::Note,
    }
}

/// One result per statement the finding names (else one on the policy).
fn results(f: &findings::Finding) -> Vec<sarif::Finding> {
    let rule = rule(f);
    let mut message = format!("{}: {} ({})", f.resource_name, f.message, f.policy_name);
    if let Some(witness) = f.details.get("witness") {
        message
            .push_str(&format!(" Witness (replay with `iamcheck simulate --request`): {witness}"));
    }
    let locations = if f.statement_locations.is_empty() {
        std::slice::from_ref(&f.location)
    } else {
        f.statement_locations.as_slice()
    };
    locations
        .iter()
        .map(|l| {
            let uri = crate::input::repository_uri(&l.file);
            let statement = l.statement_index.map_or("policy".to_string(), |i| i.to_string());
            sarif::Finding {
                rule: rule.clone(),
                level: level(f.finding_type),
                message: message.clone(),
                location: Place { uri: uri.clone(), start_line: l.line.max(1), end_line: None },
                related: Vec::new(),
                identity: format!("{}|{uri}|{}|{}|{statement}", f.code, f.resource, f.policy_name),
            }
        })
        .collect()
}
