//! Running one subcommand.

use crate::args::{
    AccessNotGrantedArgs, Cli, Command, Common, NoNewAccessArgs, Output, PolicyTypeArg,
};
use crate::input::{self, Doc};
use iamcheck::report::text::{self, Source};
use iamcheck::report::{CheckKind, CheckReport};
use iamcheck::{Decision, Parsed, PolicyType, Request, ResourceType, Verdict, ZoneOfTrust};
use std::io::IsTerminal;

/// Exit codes (the contract: 0 pass, 1 fail, 2 error, 3 unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Pass = 0,
    Fail = 1,
    Error = 2,
    Unknown = 3,
}

pub fn run(cli: Cli) -> Result<Exit, String> {
    crate::limits::set(cli.limits)?;
    match cli.command {
        Command::CheckNoNewAccess(args) => {
            let (new_doc, new, existing) = load_no_new_access(&args)?;
            let ty = policy_type(&args.common);
            let config = crate::limits::config();
            let verdict = iamcheck::check_no_new_access(&existing.policy, &new.policy, ty, &config);
            let out = output(args.common.output);
            let explanation = crate::diff_cmd::wanted(&verdict, args.explain, out == Output::Text)
                .then(|| {
                    iamcheck::diff(&existing.policy, &new.policy, ty, &config, &Default::default())
                });
            Ok(report_with(
                CheckKind::NoNewAccess,
                &verdict,
                &new_doc,
                &new,
                Some(out),
                explanation.as_ref(),
                args.explain,
            ))
        }
        Command::CheckAccessNotGranted(args) => {
            let (doc, parsed, access) = load_access_not_granted(&args)?;
            let ty = policy_type(&args.common);
            let config = crate::limits::config();
            let verdict = iamcheck::check_access_not_granted(&parsed.policy, &access, ty, &config);
            let out = output(args.common.output);
            let explanation = crate::diff_cmd::wanted(&verdict, args.explain, out == Output::Text)
                .then(|| {
                    iamcheck::decide::diff::access_regions(
                        &parsed.policy,
                        &access,
                        ty,
                        &config,
                        &Default::default(),
                    )
                });
            Ok(report_with(
                CheckKind::AccessNotGranted,
                &verdict,
                &doc,
                &parsed,
                Some(out),
                explanation.as_ref(),
                args.explain,
            ))
        }
        Command::CheckNoPublicAccess { policy_document, resource_type, output } => {
            let ty = ResourceType::parse(&resource_type).map_err(|e| format!("error: {e}"))?;
            let doc = input::load(&policy_document, "policy document")?;
            let parsed = parse(&doc, PolicyType::Resource, "policy document")?;
            let verdict =
                iamcheck::check_no_public_access(&parsed.policy, ty, &crate::limits::config());
            Ok(report(CheckKind::NoPublicAccess, &verdict, &doc, &parsed, output))
        }
        Command::CheckNoExternalAccess {
            policy_document,
            trusted_account,
            trusted_org,
            output,
        } => {
            let zone = zone_of_trust(trusted_account, trusted_org)?;
            let doc = input::load(&policy_document, "policy document")?;
            let parsed = parse(&doc, PolicyType::Resource, "policy document")?;
            let config = crate::limits::config();
            let verdict = iamcheck::check_no_external_access(&parsed.policy, &zone, &config);
            Ok(report(CheckKind::NoExternalAccess, &verdict, &doc, &parsed, output))
        }
        Command::Simulate { policy_document, request, common } => {
            simulate(&policy_document, &request, &common)
        }
        Command::Smtlib(args) => crate::smtlib_cmd::run(args),
        Command::Batch(args) => crate::batch::run(args),
        Command::Diff(args) => crate::diff_cmd::run(args),
    }
}

/// Loads and parses check-no-new-access's documents: (new document, new
/// policy, existing policy).
pub(crate) fn load_no_new_access(args: &NoNewAccessArgs) -> Result<(Doc, Parsed, Parsed), String> {
    let ty = policy_type(&args.common);
    let existing_doc = input::load(&args.existing_policy_document, "existing policy document")?;
    let new_doc = input::load(&args.new_policy_document, "new policy document")?;
    let existing = parse(&existing_doc, ty, "existing policy document")?;
    let new = parse(&new_doc, ty, "new policy document")?;
    Ok((new_doc, new, existing))
}

/// Loads check-access-not-granted's operands: (document, policy, access).
pub(crate) fn load_access_not_granted(
    args: &AccessNotGrantedArgs,
) -> Result<(Doc, Parsed, iamcheck::Access), String> {
    let access = input::access(&args.access)?;
    let doc = input::load(&args.policy_document, "policy document")?;
    let parsed = parse(&doc, policy_type(&args.common), "policy document")?;
    Ok((doc, parsed, access))
}

pub(crate) fn policy_type(common: &Common) -> PolicyType {
    match common.policy_type {
        PolicyTypeArg::Identity => PolicyType::Identity,
        PolicyTypeArg::Resource => PolicyType::Resource,
    }
}

fn output(chosen: Option<Output>) -> Output {
    chosen.unwrap_or_else(
        || {
            if std::io::stdout().is_terminal() {
                Output::Text
            } else {
                Output::Json
            }
        },
    )
}

/// Parses a document, printing its warnings; errors name the document.
pub(crate) fn parse(doc: &Doc, ty: PolicyType, what: &str) -> Result<Parsed, String> {
    match iamcheck::parse_policy_with(&doc.text, ty, &crate::limits::parse_limits()) {
        Ok(parsed) => {
            for w in &parsed.warnings {
                eprintln!("{what} `{}`: {w}", doc.name);
            }
            Ok(parsed)
        }
        Err(errors) => {
            let lines: Vec<String> =
                errors.errors.iter().map(|e| format!("{what} `{}`: {e}", doc.name)).collect();
            Err(lines.join("\n"))
        }
    }
}

fn report(
    kind: CheckKind,
    verdict: &Verdict,
    doc: &Doc,
    parsed: &Parsed,
    chosen: Option<Output>,
) -> Exit {
    report_with(kind, verdict, doc, parsed, chosen, None, false)
}

/// [`report`] with the regions explaining a FAIL (`--explain`, text output).
fn report_with(
    kind: CheckKind,
    verdict: &Verdict,
    doc: &Doc,
    parsed: &Parsed,
    chosen: Option<Output>,
    explanation: Option<&crate::diff_cmd::Explanation>,
    explain: bool,
) -> Exit {
    let report = CheckReport::new(kind, verdict);
    match output(chosen) {
        Output::Json if explain => {
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            crate::diff_cmd::add_json(&mut value, explanation, *verdict == Verdict::Pass);
            println!("{value}");
        }
        Output::Json => println!("{}", report.to_json()),
        Output::Text => {
            let source = Source { name: &doc.name, text: &doc.text, policy: &parsed.policy };
            let mut out = text::render(kind, &report, &source);
            crate::diff_cmd::add_text(&mut out, explanation);
            print!("{out}");
        }
    }
    match verdict {
        Verdict::Pass => Exit::Pass,
        Verdict::Fail { .. } => Exit::Fail,
        Verdict::Unknown { .. } => Exit::Unknown,
    }
}

fn simulate(policy_document: &str, request: &str, common: &Common) -> Result<Exit, String> {
    let ty = policy_type(common);
    let doc = input::load(policy_document, "policy document")?;
    let parsed = parse(&doc, ty, "policy document")?;
    let req_doc = input::load(request, "request")?;
    let req = Request::from_json(&req_doc.text).map_err(|e| format!("error: {e}"))?;
    let sim =
        iamcheck::simulate(&parsed.policy, ty, &req).map_err(|e| format!("error: request: {e}"))?;
    let statements: Vec<serde_json::Value> = sim
        .matched
        .iter()
        .filter_map(|&i| parsed.policy.statements.get(i))
        .map(|s| {
            let mut o =
                serde_json::json!({"statementIndex": s.index, "effect": format!("{:?}", s.effect)});
            if let Some(sid) = &s.sid {
                if let Some(map) = o.as_object_mut() {
                    map.insert("statementId".into(), sid.clone().into());
                }
            }
            o
        })
        .collect();
    let decision = format!("{:?}", sim.decision);
    match output(common.output) {
        Output::Json => {
            let mut out = serde_json::json!({"decision": decision, "statements": statements});
            if !sim.undecided.is_empty() {
                let undecided: Vec<&str> = sim.undecided.iter().map(|(_, r)| r.as_str()).collect();
                if let Some(map) = out.as_object_mut() {
                    map.insert("undecided".into(), undecided.into());
                }
            }
            println!("{out}");
        }
        Output::Text => {
            println!("{decision}");
            for s in &statements {
                println!("  matches statement {}", s);
            }
            for (_, r) in &sim.undecided {
                println!("  undecided: {r}");
            }
        }
    }
    Ok(if sim.decision == Decision::Unknown { Exit::Unknown } else { Exit::Pass })
}

/// Validates the zone of trust: 12-digit accounts, `o-` organization ids.
fn zone_of_trust(accounts: Vec<String>, organizations: Vec<String>) -> Result<ZoneOfTrust, String> {
    if accounts.is_empty() && organizations.is_empty() {
        return Err(
            "error: name the zone of trust with --trusted-account and/or --trusted-org".into()
        );
    }
    if let Some(bad) =
        accounts.iter().find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("error: --trusted-account `{bad}` is not a 12-digit account id"));
    }
    let org_ok = |o: &String| {
        o.strip_prefix("o-").is_some_and(|r| {
            (10..=32).contains(&r.len())
                && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    if let Some(bad) = organizations.iter().find(|o| !org_ok(o)) {
        return Err(format!("error: --trusted-org `{bad}` is not an organization id (`o-` and 10 to 32 lowercase letters or digits)"));
    }
    Ok(ZoneOfTrust { accounts, organizations })
}
