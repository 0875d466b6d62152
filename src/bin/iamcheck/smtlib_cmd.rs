//! `iamcheck smtlib CHECK …`: prints the SMT-LIB 2 script of a check
//! (satisfiable iff the check FAILs) instead of deciding it.

use crate::args::{AccessNotGrantedArgs, NoNewAccessArgs, Output};
use crate::failure::Failure;
use crate::out;
use crate::run::Exit;

pub const EXAMPLE: &str = "\
Example:
  iamcheck smtlib check-no-new-access \\
    --existing-policy-document file://examples/reference-account-only.json \\
    --new-policy-document file://examples/public-put.json \\
    --policy-type RESOURCE_POLICY | z3 -in";

#[derive(Debug, clap::Args)]
pub struct SmtlibArgs {
    #[command(subcommand)]
    pub command: SmtlibCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SmtlibCommand {
    /// The script of check-no-new-access: sat iff the new policy allows a request the existing
    /// one does not.
    CheckNoNewAccess(NoNewAccessArgs),
    /// The script of check-access-not-granted: sat iff the policy allows some listed access.
    CheckAccessNotGranted(AccessNotGrantedArgs),
}

impl SmtlibArgs {
    /// `--output` as given (the script itself is always SMT-LIB; json
    /// changes how errors and refusals are printed).
    pub fn output(&self) -> Option<Output> {
        match &self.command {
            SmtlibCommand::CheckNoNewAccess(a) => a.output.chosen,
            SmtlibCommand::CheckAccessNotGranted(a) => a.output.chosen,
        }
    }
}

pub fn run(args: SmtlibArgs, output: Output) -> Result<Exit, Failure> {
    let explain = match &args.command {
        SmtlibCommand::CheckNoNewAccess(a) => a.explain,
        SmtlibCommand::CheckAccessNotGranted(a) => a.explain,
    };
    if explain {
        // A script has no regions to explain: refuse the flag rather than ignore it.
        return Err(Failure::new(
            "`--explain` does not apply to `iamcheck smtlib` (it prints a script, not a verdict); \
             help: run the check itself with `--explain`, or `iamcheck diff`, for the regions",
        ));
    }
    let loaded = match &args.command {
        SmtlibCommand::CheckNoNewAccess(args) => crate::run::load_no_new_access(args)?,
        SmtlibCommand::CheckAccessNotGranted(args) => crate::run::load_access_not_granted(args)?,
    };
    match loaded.check.smtlib() {
        Ok(script) => {
            out::print(&script);
            Ok(Exit::Pass)
        }
        Err(e) => {
            out::eprintln(&e.to_string());
            if output == Output::Json {
                let o = serde_json::json!({"result": "UNKNOWN", "message": e.to_string(),
                                           "reasons": e.reasons()});
                out::println(&o.to_string());
            }
            Ok(Exit::Unknown)
        }
    }
}
