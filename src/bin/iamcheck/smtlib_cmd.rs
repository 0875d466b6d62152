//! `iamcheck smtlib CHECK …`: prints the SMT-LIB 2 script of a check
//! (satisfiable iff the check FAILs) instead of deciding it.

use crate::args::Common;
use crate::input;
use crate::run::{parse, policy_type, Exit};
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
    CheckNoNewAccess {
        /// The reference policy (DOC).
        #[arg(long, value_name = "DOC")]
        existing_policy_document: String,
        /// The policy under test (DOC).
        #[arg(long, value_name = "DOC")]
        new_policy_document: String,
        #[command(flatten)]
        common: Common,
    },
    /// The script of check-access-not-granted: sat iff the policy allows some listed access.
    CheckAccessNotGranted {
        /// The policy under test (DOC).
        #[arg(long, value_name = "DOC")]
        policy_document: String,
        /// The access, as for check-access-not-granted.
        #[arg(long, value_name = "ACCESS")]
        access: String,
        #[command(flatten)]
        common: Common,
    },
}

pub fn run(args: SmtlibArgs) -> Result<Exit, String> {
    let script = match args.command {
        SmtlibCommand::CheckNoNewAccess {
            existing_policy_document,
            new_policy_document,
            common,
        } => {
            let ty = policy_type(&common);
            let existing_doc = input::load(&existing_policy_document, "existing policy document")?;
            let new_doc = input::load(&new_policy_document, "new policy document")?;
            let existing = parse(&existing_doc, ty, "existing policy document")?;
            let new = parse(&new_doc, ty, "new policy document")?;
            smtlib::no_new_access(&existing.policy, &new.policy, ty)
        }
        SmtlibCommand::CheckAccessNotGranted { policy_document, access, common } => {
            let ty = policy_type(&common);
            let access = input::access(&access)?;
            let doc = input::load(&policy_document, "policy document")?;
            let parsed = parse(&doc, ty, "policy document")?;
            smtlib::access_not_granted(&parsed.policy, &access, ty)
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
