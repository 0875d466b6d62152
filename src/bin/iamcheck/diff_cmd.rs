//! `iamcheck diff`: every region of access the new policy adds or removes;
//! and the regions explaining a failed check (`--explain`, text output).

use crate::args::{Output, PolicyTypeArg};
use crate::failure::Failure;
use crate::out;
use crate::run::{Exit, Loaded};
use iamcheck::decide::diff::DiffOptions;
use iamcheck::report::diff as report;
use iamcheck::{Check, Config, Verdict};

pub const EXAMPLE: &str = "\
Example:
  iamcheck diff \\
    --existing-policy-document file://examples/public-put.json \\
    --new-policy-document file://examples/account-put-delete.json \\
    --policy-type RESOURCE_POLICY --output markdown";

/// The operands of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The reference policy (DOC).
    #[arg(long, value_name = "DOC")]
    pub existing_policy_document: String,
    /// The changed policy (DOC).
    #[arg(long, value_name = "DOC")]
    pub new_policy_document: String,
    /// IDENTITY_POLICY or RESOURCE_POLICY (role trust policies are resource policies).
    #[arg(long, value_name = "TYPE")]
    pub policy_type: PolicyTypeArg,
    /// Output format: json, text or markdown (a short table for a pull-request comment);
    /// defaults to text on a terminal and json otherwise.
    #[arg(long, value_name = "FORMAT")]
    pub output: Option<DiffOutput>,
    /// List at most N regions per side; the rest are counted (`"complete": false`).
    #[arg(long, value_name = "N")]
    pub max_regions: Option<usize>,
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffOutput {
    Json,
    Text,
    /// A short table for a pull-request comment.
    Markdown,
}

impl DiffOutput {
    /// The check output format errors are reported in.
    pub fn format(self) -> Output {
        match self {
            DiffOutput::Json => Output::Json,
            DiffOutput::Text | DiffOutput::Markdown => Output::Text,
        }
    }
}

pub fn run(args: DiffArgs) -> Result<Exit, Failure> {
    let ty = args.policy_type.policy_type();
    // The documents load and parse as check-no-new-access's.
    let operands = crate::args::NoNewAccessArgs {
        existing_policy_document: args.existing_policy_document.clone(),
        new_policy_document: args.new_policy_document.clone(),
        explain: false,
        policy_type: args.policy_type,
        output: crate::args::OutputArg { chosen: None },
    };
    let Check::NoNewAccess { existing, new, .. } = crate::run::load_no_new_access(&operands)?.check
    else {
        return Err(Failure::new("internal error: check-no-new-access's operands"));
    };
    let options = DiffOptions { max_regions: args.max_regions, ..DiffOptions::default() };
    let config = crate::limits::config();
    let output = args.output.unwrap_or(if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        DiffOutput::Text
    } else {
        DiffOutput::Json
    });
    match iamcheck::diff(&existing, &new, ty, &config, &options) {
        Ok(diff) => {
            out::print(&match output {
                DiffOutput::Json => format!("{}\n", report::to_json(&diff)),
                DiffOutput::Text => report::to_text(&diff),
                DiffOutput::Markdown => report::to_markdown(&diff),
            });
            // Access surely added: 1, surely not: 0, even when whether some is removed is
            // undecided (the exit code answers "does the new version add access?").
            Ok(match diff.adds_access() {
                Some(true) => Exit::Fail,
                Some(false) => Exit::Pass,
                // The relation is then undecided too.
                None => Exit::Unknown,
            })
        }
        Err(undecided) => {
            out::println(&match output {
                DiffOutput::Json => report::undecided_json(&undecided).to_string(),
                DiffOutput::Text | DiffOutput::Markdown => format!(
                    "{} ({}): iamcheck could not describe the difference exactly: {undecided}{}",
                    undecided.relation.map_or("UNKNOWN", |r| r.as_str()),
                    undecided.kind.as_str(),
                    if undecided.relation.is_some() {
                        " (the relation is check-no-new-access's, run both ways)"
                    } else {
                        ""
                    }
                ),
            });
            Ok(exit(undecided.relation))
        }
    }
}

/// Access added (MORE_PERMISSIVE, INCOMPARABLE): 1; none (EQUIVALENT, LESS_PERMISSIVE): 0;
/// the relation undecided: 3.
fn exit(relation: Option<iamcheck::decide::diff::Relation>) -> Exit {
    match relation {
        Some(r) if r.adds_access() => Exit::Fail,
        Some(_) => Exit::Pass,
        None => Exit::Unknown,
    }
}

/// The regions explaining a failed check: computed when the check FAILs and
/// `--explain` asks for them in JSON, or the output is text.
pub type Explanation = Result<iamcheck::Diff, iamcheck::Undecided>;

/// The regions of a failed check-no-new-access or check-access-not-granted, when `--explain`
/// asks for them in JSON or the output is text.
pub fn explain(
    loaded: &Loaded,
    verdict: &Verdict,
    output: Output,
    config: &Config,
) -> Option<Explanation> {
    let wanted = matches!(verdict, Verdict::Fail { .. })
        && (output == Output::Text || (output == Output::Json && loaded.explain));
    if !wanted {
        return None;
    }
    // The check has failed: only the regions are wanted, not the relation.
    let options = DiffOptions { settle_relation: false, ..DiffOptions::default() };
    match &loaded.check {
        Check::NoNewAccess { existing, new, policy_type } => {
            Some(iamcheck::diff(existing, new, *policy_type, config, &options))
        }
        Check::AccessNotGranted { policy, access, policy_type } => Some(
            iamcheck::decide::diff::access_regions(policy, access, *policy_type, config, &options),
        ),
        Check::NoPublicAccess { .. } | Check::NoExternalAccess { .. } => None,
    }
}

/// Adds `regions` (or `regionsUnknown`) to a check's JSON report; a PASS has no regions.
pub fn add_json(report: &mut serde_json::Value, explanation: Option<&Explanation>, pass: bool) {
    let Some(map) = report.as_object_mut() else { return };
    match explanation {
        Some(e) => report::add_regions(map, e),
        None if pass => {
            map.insert("regions".into(), serde_json::Value::Array(Vec::new()));
        }
        None => {}
    }
}

/// Most regions a failed check's text shows (the rest: `iamcheck diff`).
const TEXT_REGIONS: usize = 6;

/// The regions under a failed check's text.
pub fn add_text(out: &mut String, explanation: Option<&Explanation>) {
    match explanation {
        Some(Ok(diff)) => {
            let n = diff.added.len();
            out.push_str(&format!("\nAll of the access found ({n} region(s)):\n"));
            let shown = diff.added.get(..n.min(TEXT_REGIONS)).unwrap_or_default();
            report::regions_brief_text(out, shown, "statements");
            if !diff.undecided.0.is_empty() {
                out.push_str(
                    "\nUndecided (depends on constructs iamcheck does not decide exactly):\n",
                );
                report::undecided_text(out, &diff.undecided.0, "statements");
            }
            if n > TEXT_REGIONS {
                out.push_str(&format!(
                    "  … and {} more region(s) (`iamcheck diff` or `--explain --output json` lists all)\n",
                    n - TEXT_REGIONS
                ));
            }
        }
        Some(Err(u)) => out.push_str(&format!(
            "\nThe regions of the access found are not described exactly ({}): {u}\n",
            u.kind.as_str()
        )),
        None => {}
    }
}
