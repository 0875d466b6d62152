//! `iamcheck diff`: every region of access the new policy adds or removes.

use crate::args::PolicyTypeArg;
use crate::input;
use crate::run::{parse, Exit};
use iamcheck::decide::diff::DiffOptions;
use iamcheck::report::diff as report;
use iamcheck::PolicyType;
use std::io::IsTerminal;

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
    /// Output format; defaults to text on a terminal and json otherwise.
    #[arg(long)]
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

pub fn run(args: DiffArgs) -> Result<Exit, String> {
    let ty = match args.policy_type {
        PolicyTypeArg::Identity => PolicyType::Identity,
        PolicyTypeArg::Resource => PolicyType::Resource,
    };
    let existing_doc = input::load(&args.existing_policy_document, "existing policy document")?;
    let new_doc = input::load(&args.new_policy_document, "new policy document")?;
    let existing = parse(&existing_doc, ty, "existing policy document")?;
    let new = parse(&new_doc, ty, "new policy document")?;
    let options = DiffOptions { max_regions: args.max_regions, ..DiffOptions::default() };
    let config = crate::limits::config();
    let output = args.output.unwrap_or(if std::io::stdout().is_terminal() {
        DiffOutput::Text
    } else {
        DiffOutput::Json
    });
    match iamcheck::diff(&existing.policy, &new.policy, ty, &config, &options) {
        Ok(diff) => {
            match output {
                DiffOutput::Json => println!("{}", report::to_json(&diff)),
                DiffOutput::Text => print!("{}", report::to_text(&diff)),
                DiffOutput::Markdown => print!("{}", report::to_markdown(&diff)),
            }
            Ok(if diff.relation.adds_access() { Exit::Fail } else { Exit::Pass })
        }
        Err(undecided) => {
            match output {
                DiffOutput::Json => println!("{}", report::undecided_json(&undecided)),
                DiffOutput::Text | DiffOutput::Markdown => println!(
                    "UNKNOWN ({}): iamcheck could not describe the difference exactly: {undecided}",
                    undecided.kind.as_str()
                ),
            }
            Ok(Exit::Unknown)
        }
    }
}

/// The regions explaining a failed check: computed when the check FAILs and
/// `--explain` asks for them in JSON, or the output is text.
pub type Explanation = Result<iamcheck::Diff, iamcheck::Undecided>;

/// Whether to compute the regions of a verdict.
pub fn wanted(verdict: &iamcheck::Verdict, explain: bool, text: bool) -> bool {
    matches!(verdict, iamcheck::Verdict::Fail { .. }) && (explain || text)
}

/// Adds `regions` (or `regionsUnknown`) to a check's JSON report; a PASS has no regions.
pub fn add_json(report: &mut serde_json::Value, explanation: Option<&Explanation>, pass: bool) {
    let Some(map) = report.as_object_mut() else { return };
    match explanation {
        Some(Ok(diff)) => {
            map.insert("regions".into(), report::regions_json(&diff.added, report::Side::Policy));
            if diff.omitted.0 > 0 {
                map.insert("regionsOmitted".into(), diff.omitted.0.into());
            }
        }
        Some(Err(u)) => {
            map.insert(
                "regionsUnknown".into(),
                serde_json::json!({"kind": u.kind.as_str(), "message": u.message}),
            );
        }
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
            report::regions_text(out, shown, "statements");
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
