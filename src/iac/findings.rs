//! Checking every policy of a template or plan, reported in the shape of
//! AWS's validators (cfn-policy-validator, tf-policy-validator):
//! `{"BlockingFindings": […], "NonBlockingFindings": […]}`, each finding
//! with `findingType`, `code`, `message`, `resourceName`, `policyName` and
//! `details` (the check's own JSON, witness included), plus where it is:
//! the file and the line of each statement a reason names.
//!
//! Which policies each check reads, as the validators do:
//! check-no-new-access reads the policies of the reference policy's type
//! (or, with a baseline, every policy against the same resource's policy
//! in the baseline); check-access-not-granted reads every policy;
//! check-no-public-access reads the resource policies of a type Access
//! Analyzer's CheckNoPublicAccess accepts; check-no-external-access reads
//! every resource policy.
//!
//! A policy that is not valid is an `ERROR` finding; a policy known only
//! after deployment, or a check that cannot be decided exactly, is an
//! `UNKNOWN` finding (blocking unless told otherwise); a policy with
//! stand-ins for values known only at deployment gets a `WARNING` naming
//! them.

use super::{Found, FoundPolicy};
use crate::check::Check;
use crate::decide::{Access, Config, ResourceType, Verdict, ZoneOfTrust};
use crate::parse::{parse_policy_with, ParseLimits};
use crate::policy::{Policy, PolicyType};
use crate::report::CheckKind;
use serde::Serialize;

/// The check to run over every policy.
#[derive(Clone, Debug)]
pub enum TemplateCheck {
    /// check-no-new-access against one reference policy, for the policies
    /// of its type.
    NoNewAccess {
        /// The reference policy.
        reference: Policy,
        /// Which policies it is compared with.
        reference_type: PolicyType,
    },
    /// check-no-new-access against the same resource's policy in a
    /// baseline template or plan.
    NoNewAccessSinceBaseline {
        /// The baseline's policies.
        baseline: Found,
    },
    /// check-access-not-granted.
    AccessNotGranted {
        /// The access that must not be granted.
        access: Access,
    },
    /// check-no-public-access.
    NoPublicAccess,
    /// check-no-external-access.
    NoExternalAccess {
        /// The zone of trust.
        zone: ZoneOfTrust,
    },
}

impl TemplateCheck {
    /// Which check this is.
    pub fn kind(&self) -> CheckKind {
        match self {
            TemplateCheck::NoNewAccess { .. } | TemplateCheck::NoNewAccessSinceBaseline { .. } => {
                CheckKind::NoNewAccess
            }
            TemplateCheck::AccessNotGranted { .. } => CheckKind::AccessNotGranted,
            TemplateCheck::NoPublicAccess => CheckKind::NoPublicAccess,
            TemplateCheck::NoExternalAccess { .. } => CheckKind::NoExternalAccess,
        }
    }

    /// The validators' finding code (`policy-analysis-` and the API name).
    fn code(&self) -> &'static str {
        match self.kind() {
            CheckKind::NoNewAccess => "policy-analysis-CheckNoNewAccess",
            CheckKind::AccessNotGranted => "policy-analysis-CheckAccessNotGranted",
            CheckKind::NoPublicAccess => "policy-analysis-CheckNoPublicAccess",
            CheckKind::NoExternalAccess => "iamcheck-CheckNoExternalAccess",
        }
    }
}

/// A finding's type, as Access Analyzer and the validators name them, plus
/// `UNKNOWN` for what iamcheck cannot decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingType {
    /// An invalid policy or a template that cannot be read.
    Error,
    /// The check failed.
    SecurityWarning,
    /// Worth a look (stand-ins used).
    Warning,
    /// Informational (a policy removed since the baseline).
    Suggestion,
    /// Not decided: the policy is unknown until deployment, or a budget ran out.
    Unknown,
}

impl FindingType {
    /// The type's name (`SECURITY_WARNING` …).
    pub fn name(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
            FindingType::Unknown => "UNKNOWN",
        }
    }
}

/// Where a finding is: the file and the line of one statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceLocation {
    /// The template or plan.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The statement, when the location is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_index: Option<usize>,
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// `SECURITY_WARNING`, `ERROR` …
    pub finding_type: FindingType,
    /// `policy-analysis-CheckNoNewAccess` …
    pub code: String,
    /// What was found.
    pub message: String,
    /// The resource's name (see [`FoundPolicy::resource_name`]).
    pub resource_name: String,
    /// The policy's name.
    pub policy_name: String,
    /// The check's JSON (result, message, reasons, witness), or the error.
    pub details: serde_json::Value,
    /// Where: the first statement a reason names, else the policy.
    pub location: SourceLocation,
    /// Every statement a reason names, with its line.
    pub statement_locations: Vec<SourceLocation>,
    /// The logical name or address (`--ignore-finding` matches it too).
    #[serde(skip)]
    pub resource: String,
}

/// The report: findings split by `--treat-finding-type-as-blocking`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Findings that fail the run.
    #[serde(rename = "BlockingFindings")]
    pub blocking: Vec<Finding>,
    /// The others.
    #[serde(rename = "NonBlockingFindings")]
    pub non_blocking: Vec<Finding>,
}

/// What to do with findings.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// `--ignore-finding`: `CODE`, `RESOURCE`, or `RESOURCE.CODE`
    /// (resource: its name, logical name/address or policy name).
    pub ignore: Vec<String>,
    /// `--treat-findings-as-non-blocking`.
    pub all_non_blocking: bool,
    /// The finding types that block (default `ERROR`, `SECURITY_WARNING`, `UNKNOWN`).
    pub blocking_types: Vec<FindingType>,
    /// `--explain`: a failed check-no-new-access or check-access-not-granted finding's
    /// `details` carry the regions of the access found, as `iamcheck diff` describes them
    /// (`regions`, `regionsUndecided`, `regionsOmitted` or `regionsUnknown`; docs/diff.md).
    pub explain: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            ignore: Vec::new(),
            all_non_blocking: false,
            blocking_types: vec![
                FindingType::Error,
                FindingType::SecurityWarning,
                FindingType::Unknown,
            ],
            explain: false,
        }
    }
}

/// Runs `check` over every policy of `found` and sorts the findings.
pub fn check(
    found: &Found,
    check: &TemplateCheck,
    limits: &ParseLimits,
    config: &Config,
    options: &ReportOptions,
) -> Report {
    let mut findings = Vec::new();
    for p in &found.policies {
        findings.extend(check_policy(p, check, limits, config, options.explain));
    }
    if let TemplateCheck::NoNewAccessSinceBaseline { baseline } = check {
        for old in &baseline.policies {
            if !found.policies.iter().any(|p| same(p, old)) {
                findings.push(removed(old));
            }
        }
    }
    let mut report = Report::default();
    for f in findings {
        if ignored(&f, &options.ignore) {
            continue;
        }
        if !options.all_non_blocking && options.blocking_types.contains(&f.finding_type) {
            report.blocking.push(f);
        } else {
            report.non_blocking.push(f);
        }
    }
    report
}

impl Report {
    /// The exit status the CLI contract gives: 1 when a blocking finding is
    /// an error or a failed check, 3 when the blocking findings are only
    /// UNKNOWN, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        let has = |t: FindingType| self.blocking.iter().any(|f| f.finding_type == t);
        if has(FindingType::SecurityWarning)
            || has(FindingType::Error)
            || has(FindingType::Warning)
            || has(FindingType::Suggestion)
        {
            1
        } else if has(FindingType::Unknown) {
            3
        } else {
            0
        }
    }
}

/// The same policy in another version of the template or plan: same
/// resource (logical name or address), policy name and principal it is
/// attached to.
fn same(a: &FoundPolicy, b: &FoundPolicy) -> bool {
    a.resource == b.resource && a.policy_name == b.policy_name && a.attached_to == b.attached_to
}

fn ignored(f: &Finding, ignore: &[String]) -> bool {
    let names = [&f.resource_name, &f.resource, &f.policy_name];
    ignore.iter().any(|i| {
        let i = i.trim();
        if i.eq_ignore_ascii_case(&f.code) || names.iter().any(|n| n.eq_ignore_ascii_case(i)) {
            return true;
        }
        match i.rsplit_once('.') {
            Some((resource, code)) => {
                code.eq_ignore_ascii_case(&f.code)
                    && names.iter().any(|n| n.eq_ignore_ascii_case(resource))
            }
            None => false,
        }
    })
}

/// Whether `check` reads policy `p`, and the public-access type when it
/// is check-no-public-access.
fn applies(p: &FoundPolicy, check: &TemplateCheck) -> Option<Option<ResourceType>> {
    match check {
        TemplateCheck::NoNewAccess { reference_type, .. } => {
            (p.policy_type == *reference_type).then_some(None)
        }
        TemplateCheck::NoNewAccessSinceBaseline { .. } | TemplateCheck::AccessNotGranted { .. } => {
            Some(None)
        }
        TemplateCheck::NoExternalAccess { .. } => {
            (p.policy_type == PolicyType::Resource).then_some(None)
        }
        TemplateCheck::NoPublicAccess => {
            if p.policy_type != PolicyType::Resource {
                return None;
            }
            let ty = ResourceType::parse(p.public_access_type.as_deref()?).ok()?;
            Some(Some(ty))
        }
    }
}

fn check_policy(
    p: &FoundPolicy,
    check: &TemplateCheck,
    limits: &ParseLimits,
    config: &Config,
    explain: bool,
) -> Vec<Finding> {
    let Some(public_type) = applies(p, check) else { return Vec::new() };
    let mut out = Vec::new();
    let stand_ins: Vec<_> = p.unresolved.iter().filter(|u| !u.stand_in.is_empty()).collect();
    if !stand_ins.is_empty() {
        let names: Vec<String> =
            stand_ins.iter().map(|u| format!("{} (stand-in `{}`)", u.what, u.stand_in)).collect();
        out.push(finding(
            p,
            FindingType::Warning,
            "iamcheck-unresolved-value",
            format!(
                "the policy was checked with stand-ins for values known only at deployment: {}",
                names.join("; ")
            ),
            serde_json::to_value(&p.unresolved).unwrap_or_default(),
        ));
    }
    let Some(text) = p.text() else {
        let what: Vec<&str> = p.unresolved.iter().map(|u| u.what.as_str()).collect();
        out.push(finding(
            p,
            FindingType::Unknown,
            "iamcheck-unresolved-policy",
            format!(
                "the policy is unknown until deployment, so it was not checked: {}",
                what.join("; ")
            ),
            serde_json::to_value(&p.unresolved).unwrap_or_default(),
        ));
        return out;
    };
    let parsed = match parse_policy_with(&text, p.policy_type, limits) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let messages = error_messages(&errors);
            out.push(finding(
                p,
                FindingType::Error,
                "iamcheck-invalid-policy",
                format!("the policy is not valid: {}", messages.join("; ")),
                serde_json::json!({"errors": messages}),
            ));
            return out;
        }
    };
    let policy = parsed.policy;
    let one = match check {
        TemplateCheck::NoNewAccess { reference, .. } => {
            Ok(Check::no_new_access(reference.clone(), policy, p.policy_type))
        }
        TemplateCheck::NoNewAccessSinceBaseline { baseline } => {
            match baseline_policy(p, baseline, limits) {
                Ok(old) => Ok(Check::no_new_access(old, policy, p.policy_type)),
                Err(f) => {
                    out.push(*f);
                    return out;
                }
            }
        }
        TemplateCheck::AccessNotGranted { access } => {
            Check::access_not_granted(policy, access.clone(), p.policy_type)
        }
        TemplateCheck::NoPublicAccess => match public_type {
            Some(ty) => Ok(Check::NoPublicAccess { policy, resource_type: ty }),
            None => return out,
        },
        TemplateCheck::NoExternalAccess { zone } => {
            Ok(Check::NoExternalAccess { policy, zone: zone.clone() })
        }
    };
    let one = match one {
        Ok(one) => one,
        Err(e) => {
            out.push(finding(
                p,
                FindingType::Error,
                "iamcheck-invalid-check",
                e.to_string(),
                serde_json::Value::Null,
            ));
            return out;
        }
    };
    let verdict = one.run(config);
    let mut found = verdict_finding(p, check, &one, &verdict);
    if let (Some(f), true, Verdict::Fail { .. }) = (found.as_mut(), explain, &verdict) {
        add_regions(f, &one, config);
    }
    out.extend(found);
    out
}

/// The baseline's policy for `p`; a policy new since the baseline is
/// compared with an empty policy (all of its access is new).
fn baseline_policy(
    p: &FoundPolicy,
    baseline: &Found,
    limits: &ParseLimits,
) -> Result<Policy, Box<Finding>> {
    let Some(old) = baseline.policies.iter().find(|o| same(p, o)) else {
        return Ok(Policy { version: None, id: None, statements: Vec::new() });
    };
    let Some(text) = old.text() else {
        return Err(Box::new(finding(
            p,
            FindingType::Unknown,
            "iamcheck-unresolved-policy",
            "the baseline's policy is unknown until deployment, so the policy was not compared"
                .into(),
            serde_json::to_value(&old.unresolved).unwrap_or_default(),
        )));
    };
    parse_policy_with(&text, old.policy_type, limits).map(|parsed| parsed.policy).map_err(
        |errors| {
            let messages = error_messages(&errors);
            Box::new(finding(
                p,
                FindingType::Error,
                "iamcheck-invalid-policy",
                format!("the baseline's policy is not valid: {}", messages.join("; ")),
                serde_json::json!({"errors": messages}),
            ))
        },
    )
}

/// Parse errors without their positions, which are in the resolved text,
/// not in the template (the finding has the template's line).
fn error_messages(errors: &crate::ParseErrors) -> Vec<String> {
    errors
        .errors
        .iter()
        .map(|e| {
            let mut m = if e.location.path.is_empty() {
                e.message.clone()
            } else {
                format!("at `{}`: {}", e.location.path, e.message)
            };
            if let Some(help) = &e.help {
                m.push_str(&format!(" (help: {help})"));
            }
            m
        })
        .collect()
}

fn verdict_finding(
    p: &FoundPolicy,
    check: &TemplateCheck,
    one: &Check,
    verdict: &Verdict,
) -> Option<Finding> {
    let report = one.report(verdict);
    let details = serde_json::to_value(&report).unwrap_or_default();
    let mut f = match verdict {
        Verdict::Pass => return None,
        Verdict::Fail { .. } => {
            finding(p, FindingType::SecurityWarning, check.code(), report.message.clone(), details)
        }
        Verdict::Unknown { .. } => {
            finding(p, FindingType::Unknown, "iamcheck-unknown", report.message.clone(), details)
        }
    };
    if let Verdict::Fail { reasons, .. } = verdict {
        f.statement_locations = reasons
            .iter()
            .map(|r| SourceLocation {
                file: p.file.clone(),
                line: p.statement_line(r.statement_index),
                statement_index: Some(r.statement_index),
            })
            .collect();
        if let Some(first) = f.statement_locations.first() {
            f.location = first.clone();
        }
    }
    Some(f)
}

/// The regions of a failed check's access in the finding's details (`--explain`).
fn add_regions(f: &mut Finding, one: &Check, config: &Config) {
    use crate::decide::diff::{access_regions, diff, DiffOptions};
    let options = DiffOptions::default();
    let explanation = match one {
        Check::NoNewAccess { existing, new, policy_type } => {
            diff(existing, new, *policy_type, config, &options)
        }
        Check::AccessNotGranted { policy, access, policy_type } => {
            access_regions(policy, access, *policy_type, config, &options)
        }
        Check::NoPublicAccess { .. } | Check::NoExternalAccess { .. } => return,
    };
    if let Some(details) = f.details.as_object_mut() {
        crate::report::diff::add_regions(details, &explanation);
    }
}

fn finding(
    p: &FoundPolicy,
    ty: FindingType,
    code: &str,
    message: String,
    details: serde_json::Value,
) -> Finding {
    Finding {
        finding_type: ty,
        code: code.to_string(),
        message,
        resource_name: p.resource_name.clone(),
        policy_name: p.policy_name.clone(),
        details,
        location: SourceLocation { file: p.file.clone(), line: p.line, statement_index: None },
        statement_locations: Vec::new(),
        resource: p.resource.clone(),
    }
}

fn removed(old: &FoundPolicy) -> Finding {
    let mut f = finding(
        old,
        FindingType::Suggestion,
        "iamcheck-policy-removed",
        format!(
            "the policy `{}` of `{}` is in the baseline only: removing it grants no new access",
            old.policy_name, old.resource
        ),
        serde_json::Value::Null,
    );
    f.location.file = old.file.clone();
    f
}

/// The report as one screen of text.
pub fn render_text(report: &Report, found: &Found) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} policies checked", found.file, found.policies.len());
    for s in &found.skipped {
        let _ = writeln!(out, "  skipped {} ({}): {}", s.resource, s.resource_type, s.reason);
    }
    for (title, list) in [("blocking", &report.blocking), ("non-blocking", &report.non_blocking)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {title} finding(s):", list.len());
        for f in list {
            let _ = writeln!(
                out,
                "  {}:{}: {} {} {} / {}: {}",
                f.location.file,
                f.location.line,
                f.finding_type.name(),
                f.code,
                f.resource_name,
                f.policy_name,
                f.message
            );
            if let Some(w) = f.details.get("witness") {
                let _ = writeln!(out, "      witness: {w}");
            }
        }
    }
    if report.blocking.is_empty() && report.non_blocking.is_empty() {
        out.push_str("no findings\n");
    }
    out
}

#[cfg(test)]
mod tests;
