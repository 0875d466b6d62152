//! `iamcheck smtlib CHECK …`: prints the SMT-LIB 2 script of a check
//! (satisfiable iff the check FAILs) instead of deciding it.

use crate::args::{AccessNotGrantedArgs, NoNewAccessArgs};
use crate::run::{policy_type, Exit};
use iamcheck::report::smtlib;

/// Print an SMT-LIB 2 script whose satisfiability means the check FAILs.
///
/// Takes the same flags as the check (`--output` is accepted and ignored: the script is always
/// SMT-LIB). Exit codes: 0 script printed, 2 invalid input, 3 a construct the export cannot
/// express exactly (named on standard error).
///
/// Example:
///   iamcheck smtlib check-no-new-access --existing-policy-document file://ref.json \
///     --new-policy-document file://candidate.json --policy-type IDENTITY_POLICY | z3 -in
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

pub fn run(args: SmtlibArgs) -> Result<Exit, String> {
    let script = match args.command {
        SmtlibCommand::CheckNoNewAccess(args) => {
            let (_, new, existing) = crate::run::load_no_new_access(&args)?;
            smtlib::no_new_access(&existing.policy, &new.policy, policy_type(&args.common))
        }
        SmtlibCommand::CheckAccessNotGranted(args) => {
            let (_, parsed, access) = crate::run::load_access_not_granted(&args)?;
            smtlib::access_not_granted(&parsed.policy, &access, policy_type(&args.common))
        }
    };
    match script {
        Ok(script) => {
            print!("{script}");
            Ok(Exit::Pass)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(Exit::Unknown)
        }
    }
}
