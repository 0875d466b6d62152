//! Command-line arguments (the doc comments are the `--help` text; the
//! examples are `after_help` strings, kept verbatim so they paste).

use clap::{Parser, Subcommand, ValueEnum};

/// Exact, offline checks of AWS IAM policies, with a witness for every FAIL.
///
/// iamcheck answers Access Analyzer's custom policy checks without a network, an AWS account
/// or an SMT solver. Exit codes: 0 PASS, 1 FAIL, 2 invalid input or usage, 3 UNKNOWN
/// (a budget ran out or a construct is not decided exactly yet); `--exit-codes aws-validator`
/// gives AWS's policy validators' codes instead.
///
/// DOC arguments take a path, `file://path`, `-` for standard input, or the JSON inline.
#[derive(Debug, Parser)]
#[command(name = "iamcheck", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Exit codes: iamcheck's, or those of AWS's cfn-policy-validator and tf-policy-validator.
    #[arg(long, global = true, value_name = "STYLE", default_value = "iamcheck")]
    pub exit_codes: ExitCodes,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    #[command(flatten)]
    pub request_model: RequestModelOpt,
}

/// `--request-model` (valid before or after the subcommand; templates too).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct RequestModelOpt {
    /// Which requests exist: `access-analyzer` (default: any action with any resource ARN, as
    /// Access Analyzer) or `catalog` (only an action AWS lists with a resource of a type it
    /// takes, from the catalogue shipped in iamcheck; see docs/semantics.md).
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "MODEL",
        default_value = "access-analyzer"
    )]
    request_model: RequestModelArg,
}

impl RequestModelOpt {
    /// The library's value.
    pub fn model(self) -> iamcheck::RequestModel {
        self.request_model.model()
    }
}

/// `--request-model` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestModelArg {
    /// Access Analyzer's request model.
    AccessAnalyzer,
    /// Real (action, resource type) pairs only.
    Catalog,
}

impl RequestModelArg {
    /// The library's value.
    pub fn model(self) -> iamcheck::RequestModel {
        match self {
            RequestModelArg::AccessAnalyzer => iamcheck::RequestModel::AccessAnalyzer,
            RequestModelArg::Catalog => iamcheck::RequestModel::Catalog,
        }
    }
}

const NO_NEW_ACCESS_EXAMPLE: &str = "\
Examples:
  iamcheck check-no-new-access \\
    --existing-policy-document file://examples/reference-account-only.json \\
    --new-policy-document file://examples/public-put.json \\
    --policy-type RESOURCE_POLICY
  iamcheck check-no-new-access --template-path template.yaml \\
    --reference-policy file://examples/reference-account-only.json --reference-policy-type RESOURCE
  iamcheck check-no-new-access --template-path new.yaml --baseline-template-path old.yaml";

const ACCESS_NOT_GRANTED_EXAMPLE: &str = "\
Examples:
  iamcheck check-access-not-granted \\
    --policy-document file://examples/identity-ec2-s3.json \\
    --access actions=s3:DeleteBucket,s3:GetBucketLocation \\
    --policy-type IDENTITY_POLICY
  iamcheck check-access-not-granted --template-path plan.json --actions iam:PassRole,s3:DeleteBucket";

const NO_PUBLIC_ACCESS_EXAMPLE: &str = "\
Examples:
  iamcheck check-no-public-access \\
    --policy-document file://examples/public-put.json \\
    --resource-type AWS::S3::Bucket
  iamcheck check-no-public-access --template-path template.yaml --parameters Env=prod";

const NO_EXTERNAL_ACCESS_EXAMPLE: &str = "\
Examples:
  iamcheck check-no-external-access \\
    --policy-document file://examples/public-put.json \\
    --trusted-account 123456789012
  iamcheck check-no-external-access --template-path plan.json --trusted-account 123456789012";

const SIMULATE_EXAMPLE: &str = "\
Example:
  iamcheck simulate --policy-document file://examples/public-put.json \\
    --policy-type RESOURCE_POLICY \\
    --request '{\"principal\": \"arn:aws:iam::111122223333:user/alice\",
               \"action\": \"s3:PutObject\",
               \"resource\": \"arn:aws:s3:::DOC-EXAMPLE-BUCKET\"}'";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// FAIL when the new policy allows a request the existing policy does not.
    ///
    /// Prints Access Analyzer's result shape plus `witness`: a request the new policy allows
    /// and the existing one does not.
    #[command(after_help = NO_NEW_ACCESS_EXAMPLE)]
    CheckNoNewAccess(NoNewAccessArgs),
    /// FAIL when the policy allows any of the listed actions and/or resources.
    ///
    /// With actions only: some listed action on any resource; with resources only: any action
    /// on some listed resource; with both: some listed action on some listed resource.
    #[command(after_help = ACCESS_NOT_GRANTED_EXAMPLE)]
    CheckAccessNotGranted(AccessNotGrantedArgs),
    /// FAIL when the resource policy grants access to the public: to a caller it does not name.
    ///
    /// An outsider is anyone the policy does not name as a principal, calling from an origin it
    /// does not name (aws:SourceAccount, aws:SourceVpc, aws:PrincipalOrgID, … with fixed values);
    /// see docs/public-access.md. The witness is a request by such an outsider.
    #[command(after_help = NO_PUBLIC_ACCESS_EXAMPLE)]
    CheckNoPublicAccess(NoPublicAccessArgs),
    /// FAIL when a principal outside the zone of trust (accounts, organizations) is allowed.
    ///
    /// "Can anyone outside 123456789012 access my bucket?" The witness is a request by a
    /// principal outside every trusted account and organization.
    #[command(after_help = NO_EXTERNAL_ACCESS_EXAMPLE)]
    CheckNoExternalAccess(NoExternalAccessArgs),
    /// Evaluate one concrete request against a policy (replays witnesses).
    ///
    /// REQUEST has the witness's shape:
    /// `{"principal":"...","action":"...","resource":"...","context":{"key":"v" or ["v"]}}`,
    /// plus `"federatedBy":"arn:aws:iam::ACCOUNT:user/NAME"` for a federated user
    /// (DOC forms accepted). A role's caller is its session,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. With `--output json` prints
    /// `{"decision":"Allow|ExplicitDeny|ImplicitDeny|Unknown","statements":[...]}`; exit 0 when
    /// decided, 3 when the decision depends on a construct not evaluated yet.
    #[command(after_help = SIMULATE_EXAMPLE)]
    Simulate {
        /// The policy (DOC).
        #[arg(long, value_name = "DOC")]
        policy_document: String,
        /// The request (DOC).
        #[arg(long, value_name = "REQUEST")]
        request: String,
        /// IDENTITY_POLICY or RESOURCE_POLICY (role trust policies are resource policies).
        #[arg(long, value_name = "TYPE")]
        policy_type: PolicyTypeArg,
        #[command(flatten)]
        output: OutputArg,
    },
    /// Print an SMT-LIB 2 script whose satisfiability means the check FAILs (for z3, cvc5).
    ///
    /// Takes the same flags as the check. The script asserts the policies' semantics in the
    /// theory of strings (docs/semantics.md, exactly as the engine reads it) and the check's
    /// goal: `sat` means the check FAILs, and the model is a violating request; `unsat` means
    /// it PASSes. Exit codes: 0 script printed, 2 invalid input, 3 a construct the export
    /// cannot express exactly (named on standard error, or as JSON with `--output json`).
    #[command(after_help = crate::smtlib_cmd::EXAMPLE)]
    Smtlib(crate::smtlib_cmd::SmtlibArgs),
    /// Run many checks from JSON Lines on all cores; one JSON result per line, in order.
    ///
    /// One request per line, with Access Analyzer's request field names:
    ///
    /// - `{"check": "check-no-new-access", "existingPolicyDocument": DOC,
    ///   "newPolicyDocument": DOC, "policyType": "IDENTITY_POLICY"}`
    ///
    /// - `{"check": "check-access-not-granted", "policyDocument": DOC, "access": ACCESS,
    ///   "policyType": "RESOURCE_POLICY"}` (ACCESS as in the AWS CLI, or the shorthand)
    ///
    /// - `{"check": "check-no-public-access", "policyDocument": DOC,
    ///   "resourceType": "AWS::S3::Bucket"}`
    ///
    /// - `{"check": "check-no-external-access", "policyDocument": DOC,
    ///   "trustedAccounts": ["123456789012"], "trustedOrgs": ["o-…"]}`
    ///
    /// Every request may add `"id"` (any JSON, copied to its result) and `"stats": true`
    /// (adds `elapsedMicros`); any other field is an error. DOC is the policy as a JSON string
    /// or object. Each result is the check's JSON report with `id` first, in input order; a
    /// request that cannot be run gives `{"id": ..., "result": "ERROR", "message": ...}` and
    /// the batch goes on. Exit code: 2 if any ERROR, else 1 if any FAIL, else 3 if any
    /// UNKNOWN, else 0.
    #[command(after_help = crate::batch::EXAMPLE)]
    Batch(crate::batch::BatchArgs),
    /// Print every policy of a CloudFormation template or Terraform plan, as JSON.
    ///
    /// The four checks take `--template-path PATH` in place of their document flags, with
    /// cfn-policy-validator's and tf-policy-validator's flags (docs/templates.md).
    ///
    /// Example:
    ///   iamcheck check-no-public-access --template-path template.yaml --output json
    Parse(crate::template::ParseArgs),
    /// Every region of access the new policy adds to the existing one, and every one it removes.
    ///
    /// Prints the relation (EQUIVALENT, MORE_PERMISSIVE, LESS_PERMISSIVE, INCOMPARABLE) and the
    /// regions in the policies' own patterns, each with the statements responsible and a witness
    /// (docs/diff.md). Exit codes: 0 nothing added, 1 access added, 2 error, 3 undecided.
    #[command(after_help = crate::diff_cmd::EXAMPLE)]
    Diff(crate::diff_cmd::DiffArgs),
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
    /// (see `iamcheck diff`). The text output of a FAIL always shows them.
    #[arg(long)]
    pub explain: bool,
    /// IDENTITY_POLICY or RESOURCE_POLICY (role trust policies are resource policies).
    #[arg(long, value_name = "TYPE")]
    pub policy_type: PolicyTypeArg,
    #[command(flatten)]
    pub output: OutputArg,
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
    /// policy's patterns. The text output of a FAIL always shows them.
    #[arg(long)]
    pub explain: bool,
    /// IDENTITY_POLICY or RESOURCE_POLICY (role trust policies are resource policies).
    #[arg(long, value_name = "TYPE")]
    pub policy_type: PolicyTypeArg,
    #[command(flatten)]
    pub output: OutputArg,
}

/// The operands of check-no-public-access.
#[derive(Debug, clap::Args)]
pub struct NoPublicAccessArgs {
    /// The resource policy (DOC).
    #[arg(long, value_name = "DOC")]
    pub policy_document: String,
    /// One of Access Analyzer's 26 resource types, e.g. AWS::S3::Bucket, AWS::KMS::Key,
    /// AWS::IAM::AssumeRolePolicyDocument.
    #[arg(long, value_name = "TYPE")]
    pub resource_type: String,
    #[command(flatten)]
    pub output: OutputArg,
}

/// The operands of check-no-external-access.
#[derive(Debug, clap::Args)]
pub struct NoExternalAccessArgs {
    /// The resource policy (DOC).
    #[arg(long, value_name = "DOC")]
    pub policy_document: String,
    /// A trusted 12-digit account id (repeat, or list several after the flag).
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub trusted_account: Vec<String>,
    /// A trusted organization id `o-…` (repeat, or list several after the flag).
    #[arg(long, value_name = "ORG", num_args = 1..)]
    pub trusted_org: Vec<String>,
    #[command(flatten)]
    pub output: OutputArg,
}

/// `--output`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct OutputArg {
    /// Output format: text, json or sarif (SARIF 2.1.0, for code scanning); defaults to text
    /// on a terminal and json otherwise. In json, errors are JSON too:
    /// `{"result": "ERROR", "message": ..., "errors": [...]}`.
    #[arg(long = "output", value_name = "FORMAT")]
    pub chosen: Option<Output>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PolicyTypeArg {
    #[value(name = "IDENTITY_POLICY")]
    Identity,
    #[value(name = "RESOURCE_POLICY")]
    Resource,
}

impl PolicyTypeArg {
    pub fn policy_type(self) -> iamcheck::PolicyType {
        match self {
            PolicyTypeArg::Identity => iamcheck::PolicyType::Identity,
            PolicyTypeArg::Resource => iamcheck::PolicyType::Resource,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Json,
    Text,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExitCodes {
    /// 0 PASS, 1 FAIL, 2 error, 3 UNKNOWN.
    Iamcheck,
    /// 0 no finding, 1 error or UNKNOWN, 2 a FAIL (a blocking finding).
    AwsValidator,
}

impl Command {
    /// The output format: `--output`, else text on a terminal and json
    /// otherwise (smtlib: the script, i.e. text, unless `--output json`).
    pub fn output(&self) -> Output {
        let chosen = match self {
            Command::CheckNoNewAccess(NoNewAccessArgs { output, .. })
            | Command::CheckAccessNotGranted(AccessNotGrantedArgs { output, .. })
            | Command::CheckNoPublicAccess(NoPublicAccessArgs { output, .. })
            | Command::CheckNoExternalAccess(NoExternalAccessArgs { output, .. })
            | Command::Simulate { output, .. } => output.chosen,
            Command::Smtlib(args) => return args.output().unwrap_or(Output::Text),
            // batch writes JSON Lines.
            Command::Batch(_) | Command::Parse(_) => return Output::Json,
            Command::Diff(args) => args.output.map(crate::diff_cmd::DiffOutput::format),
        };
        chosen.unwrap_or_else(|| {
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                Output::Text
            } else {
                Output::Json
            }
        })
    }
}
