//! Command-line arguments (the doc comments are the `--help` text).

use clap::{Parser, Subcommand, ValueEnum};

/// Exact, offline checks of AWS IAM policies, with a witness for every FAIL.
///
/// iamcheck answers Access Analyzer's custom policy checks without a network, an AWS account
/// or an SMT solver. Exit codes: 0 PASS, 1 FAIL, 2 invalid input or usage, 3 UNKNOWN
/// (a budget ran out or a construct is not decided exactly yet).
///
/// DOC arguments take a path, `file://path`, `-` for standard input, or the JSON inline.
#[derive(Debug, Parser)]
#[command(name = "iamcheck", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// FAIL when the new policy allows a request the existing policy does not.
    ///
    /// Prints Access Analyzer's result shape plus `witness`: a request the new policy allows
    /// and the existing one does not.
    ///
    /// Example:
    ///   iamcheck check-no-new-access --existing-policy-document file://ref.json \
    ///     --new-policy-document file://candidate.json --policy-type IDENTITY_POLICY
    CheckNoNewAccess(NoNewAccessArgs),
    /// FAIL when the policy allows any of the listed actions and/or resources.
    ///
    /// With actions only: some listed action on any resource; with resources only: any action
    /// on some listed resource; with both: some listed action on some listed resource.
    ///
    /// Example:
    ///   iamcheck check-access-not-granted --policy-document file://p.json \
    ///     --access actions=s3:DeleteBucket,s3:GetBucketLocation --policy-type IDENTITY_POLICY
    CheckAccessNotGranted(AccessNotGrantedArgs),
    /// FAIL when the resource policy grants access to the public: to a caller it does not name.
    ///
    /// An outsider is anyone the policy does not name as a principal, calling from an origin it
    /// does not name (aws:SourceAccount, aws:SourceVpc, aws:PrincipalOrgID, … with fixed values);
    /// see docs/public-access.md. The witness is a request by such an outsider.
    ///
    /// Example:
    ///   iamcheck check-no-public-access --policy-document file://bucket-policy.json \
    ///     --resource-type AWS::S3::Bucket
    CheckNoPublicAccess {
        /// The resource policy (DOC).
        #[arg(long, value_name = "DOC")]
        policy_document: String,
        /// One of Access Analyzer's 26 resource types, e.g. AWS::S3::Bucket, AWS::KMS::Key,
        /// AWS::IAM::AssumeRolePolicyDocument.
        #[arg(long, value_name = "TYPE")]
        resource_type: String,
        /// Output format; defaults to text on a terminal and json otherwise.
        #[arg(long)]
        output: Option<Output>,
    },
    /// FAIL when a principal outside the zone of trust (accounts, organizations) is allowed.
    ///
    /// "Can anyone outside 123456789012 access my bucket?" The witness is a request by a
    /// principal outside every trusted account and organization.
    ///
    /// Example:
    ///   iamcheck check-no-external-access --policy-document file://bucket-policy.json \
    ///     --trusted-account 123456789012
    CheckNoExternalAccess {
        /// The resource policy (DOC).
        #[arg(long, value_name = "DOC")]
        policy_document: String,
        /// A trusted 12-digit account id (repeat, or list several after the flag).
        #[arg(long, value_name = "ID", num_args = 1..)]
        trusted_account: Vec<String>,
        /// A trusted organization id `o-…` (repeat, or list several after the flag).
        #[arg(long, value_name = "ORG", num_args = 1..)]
        trusted_org: Vec<String>,
        /// Output format; defaults to text on a terminal and json otherwise.
        #[arg(long)]
        output: Option<Output>,
    },
    /// Evaluate one concrete request against a policy (replays witnesses).
    ///
    /// REQUEST has the witness's shape:
    /// `{"principal":"...","action":"...","resource":"...","context":{"key":"v" or ["v"]}}`
    /// (DOC forms accepted). Prints `{"decision":"Allow|ExplicitDeny|ImplicitDeny","statements":[...]}`;
    /// exit 0 when decided, 3 when the decision depends on a construct not evaluated yet.
    Simulate {
        /// The policy (DOC).
        #[arg(long, value_name = "DOC")]
        policy_document: String,
        /// The request (DOC).
        #[arg(long, value_name = "REQUEST")]
        request: String,
        #[command(flatten)]
        common: Common,
    },
    /// Print an SMT-LIB 2 script whose satisfiability means the check FAILs (for z3, cvc5).
    Smtlib(crate::smtlib_cmd::SmtlibArgs),
    /// Every region of access the new policy adds to the existing one, and every one it removes.
    ///
    /// Prints the relation (EQUIVALENT, MORE_PERMISSIVE, LESS_PERMISSIVE, INCOMPARABLE) and the
    /// regions in the policies' own patterns, each with the statements responsible and a witness.
    /// Exit 0 when nothing is added, 1 when something is, 3 when undecided.
    ///
    /// Example:
    ///   iamcheck diff --existing-policy-document file://old.json \
    ///     --new-policy-document file://new.json --policy-type IDENTITY_POLICY --output markdown
    Diff(crate::diff_cmd::DiffArgs),
    /// Run many checks from JSON Lines on all cores; one JSON result per line, in order.
    Batch(crate::batch::BatchArgs),
}

/// The operands of check-no-new-access (also `smtlib check-no-new-access`).
#[derive(Debug, clap::Args)]
pub struct NoNewAccessArgs {
    /// The reference policy (DOC).
    #[arg(long, value_name = "DOC")]
    pub existing_policy_document: String,
    /// The policy under test (DOC); reasons point at its statements.
    #[arg(long, value_name = "DOC")]
    pub new_policy_document: String,
    /// On FAIL, add `regions` to the JSON: all the new access, in the policies' patterns
    /// (see `iamcheck diff`). Text output of a FAIL always shows them.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub common: Common,
}

/// The operands of check-access-not-granted (also `smtlib check-access-not-granted`).
#[derive(Debug, clap::Args)]
pub struct AccessNotGrantedArgs {
    /// The policy under test (DOC).
    #[arg(long, value_name = "DOC")]
    pub policy_document: String,
    /// The access: `[{"actions":[...],"resources":[...]}]`, the object alone, or the
    /// shorthand `actions=a,b` / `resources=r1,r2` / `actions=a,resources=r`.
    #[arg(long, value_name = "ACCESS")]
    pub access: String,
    /// On FAIL, add `regions` to the JSON: all the listed access the policy grants, in the
    /// policy's patterns. Text output of a FAIL always shows them.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// IDENTITY_POLICY or RESOURCE_POLICY (role trust policies are resource policies).
    #[arg(long, value_name = "TYPE")]
    pub policy_type: PolicyTypeArg,
    /// Output format; defaults to text on a terminal and json otherwise.
    #[arg(long)]
    pub output: Option<Output>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PolicyTypeArg {
    #[value(name = "IDENTITY_POLICY")]
    Identity,
    #[value(name = "RESOURCE_POLICY")]
    Resource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Json,
    Text,
}
