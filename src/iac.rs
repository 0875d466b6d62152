//! Templates and plans: every policy in a CloudFormation template (JSON or
//! YAML, CDK output included) or a Terraform plan (`terraform show -json`),
//! found with its location, then checked like any other policy.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! file ─yaml/json─▶ tree with lines ─cfn | terraform─▶ [FoundPolicy] ─findings─▶ Report
//!                                   (intrinsics resolved,            (the four checks,
//!                                    stand-ins named)                 the validators' shape)
//! ```
//!
//! - [`yaml`] reads YAML into the same positioned tree as JSON, with
//!   CloudFormation's short-form tags (`!Ref`, `!Sub`, …) as the long form
//!   and alias expansion bounded;
//! - [`cfn`] finds the policies of every resource type cfn-policy-validator
//!   reads and resolves intrinsic functions ([`cfn::intrinsics`]);
//! - [`terraform`] finds the policies of every resource type and attribute
//!   tf-policy-validator maps, in the root module and in child modules;
//! - [`findings`] runs a check over every policy and reports in
//!   `{"BlockingFindings": […], "NonBlockingFindings": […]}`.
//!
//! Nothing is dropped silently: a value that cannot be known offline (a
//! generated physical name, an import, a value known only after apply) is
//! replaced by a documented stand-in and named in [`FoundPolicy::unresolved`];
//! a policy whose document is unknown is kept with `document: None`.
//! docs/templates.md describes each front end, its limits and its stand-ins.
//!
//! ```
//! use iamcheck::iac::{extract, Options};
//! let template = r#"
//! Resources:
//!   Bucket:
//!     Type: AWS::S3::Bucket
//!   BucketPolicy:
//!     Type: AWS::S3::BucketPolicy
//!     Properties:
//!       Bucket: !Ref Bucket
//!       PolicyDocument:
//!         Statement:
//!           - Effect: Allow
//!             Principal: "*"
//!             Action: s3:GetObject
//!             Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
//! "#;
//! let found = extract("template.yaml", template, &Options::default())?;
//! let policy = &found.policies[0];
//! assert_eq!(policy.resource, "BucketPolicy");
//! assert_eq!(policy.public_access_type.as_deref(), Some("AWS::S3::Bucket"));
//! assert_eq!(policy.statement_lines, vec![11]);
//! // The bucket has no BucketName: its generated name is a stand-in, and named.
//! assert!(found.policies[0].unresolved.iter().any(|u| u.what.contains("Bucket")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cfn;
pub mod findings;
pub(crate) mod json;
pub mod parameters;
pub mod terraform;
pub mod yaml;

use crate::parse::json::Json;
use crate::policy::PolicyType;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The account id used when `--account-id` is not given (AWS's own
/// documentation example account; no network call ever asks for the real one).
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The region used when `--region` is not given.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The partition used when `--partition` is not given.
pub const DEFAULT_PARTITION: &str = "aws";

/// The largest template or plan read, in bytes (CloudFormation accepts
/// 1 MB templates from S3; plans of large stacks are a few MB).
pub const DEFAULT_MAX_FILE_SIZE: usize = 16 << 20;
/// The deepest nesting of a template or plan.
pub const DEFAULT_MAX_DEPTH: usize = 200;
/// The most nodes an alias expansion or an intrinsic resolution may build.
pub const DEFAULT_MAX_NODES: usize = 2_000_000;

/// How to read a template or plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `AWS::AccountId` and the account in generated ARNs.
    pub account_id: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::Partition`.
    pub partition: String,
    /// Template parameter values (`--parameters K=V`, a template
    /// configuration file); a list parameter's value is comma-separated.
    pub parameters: BTreeMap<String, String>,
    /// Resource types to leave out (CloudFormation or Terraform names).
    pub exclude_resource_types: Vec<String>,
    /// The largest file read, in bytes.
    pub max_file_size: usize,
    /// The deepest nesting.
    pub max_depth: usize,
    /// The most nodes built by alias expansion or by intrinsic resolution.
    pub max_nodes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            account_id: DEFAULT_ACCOUNT_ID.into(),
            region: DEFAULT_REGION.into(),
            partition: DEFAULT_PARTITION.into(),
            parameters: BTreeMap::new(),
            exclude_resource_types: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// Which front end read a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Format {
    /// A CloudFormation template (JSON or YAML; CDK output is JSON).
    CloudFormation,
    /// A Terraform plan (`terraform show -json`).
    TerraformPlan,
}

/// Every policy of one template or plan.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    /// The file's name as given.
    pub file: String,
    /// Which front end read it.
    pub format: Format,
    /// The policies, in document order.
    pub policies: Vec<FoundPolicy>,
    /// Policy-bearing resources left out, with why (a false `Condition`,
    /// `--exclude-resource-types`).
    pub skipped: Vec<Skipped>,
}

/// A policy-bearing resource that was left out, and why.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// Logical name or address.
    pub resource: String,
    /// Its type.
    pub resource_type: String,
    /// Why, lowercase.
    pub reason: String,
    /// Its line.
    pub line: usize,
}

/// One policy found in a template or plan.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundPolicy {
    /// The resource holding the policy: a CloudFormation logical name or a
    /// Terraform address (`module.app.aws_iam_role.this[0]`).
    pub resource: String,
    /// The resource's type (`AWS::IAM::Role`, `aws_iam_role`).
    pub resource_type: String,
    /// The name findings report as `resourceName`: the resource's physical
    /// name where the template or plan gives it, else the logical name or
    /// the tools' placeholder.
    pub resource_name: String,
    /// The policy's name (`TrustPolicy`, an inline `PolicyName`,
    /// `aws_iam_role.this.assume_role_policy` …).
    pub policy_name: String,
    /// Identity or resource policy (a role trust policy is a resource policy).
    #[serde(serialize_with = "serialize_policy_type")]
    pub policy_type: PolicyType,
    /// The resource type check-no-public-access uses, where one applies.
    pub public_access_type: Option<String>,
    /// The resolved policy document; `None` when it is unknown until
    /// deployment (see `unresolved`).
    pub document: Option<serde_json::Value>,
    /// The file it came from.
    pub file: String,
    /// The line of the policy (its document, or the resource that
    /// synthesizes it).
    pub line: usize,
    /// The source line of each statement, in statement order.
    pub statement_lines: Vec<usize>,
    /// Values that could not be known offline, with their stand-ins.
    pub unresolved: Vec<Unresolved>,
    /// The principal (logical name) an `AWS::IAM::Policy` or
    /// `AWS::IAM::ManagedPolicy` is reported under: such a policy appears once
    /// per role, user, group or permission set of the template it attaches
    /// to, with that principal's name as `resource_name`, as
    /// cfn-policy-validator groups it; `None` for every other policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached_to: Option<String>,
}

fn serialize_policy_type<S: serde::Serializer>(ty: &PolicyType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match ty {
        PolicyType::Identity => "IDENTITY_POLICY",
        PolicyType::Resource => "RESOURCE_POLICY",
    })
}

impl FoundPolicy {
    /// The document as JSON text, for [`crate::parse_policy`].
    pub fn text(&self) -> Option<String> {
        self.document.as_ref().map(|d| d.to_string())
    }

    /// The source line of statement `index` (the policy's line when the
    /// index is out of range).
    pub fn statement_line(&self, index: usize) -> usize {
        self.statement_lines.get(index).copied().unwrap_or(self.line)
    }
}

/// A value replaced by a stand-in because it cannot be known offline.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Unresolved {
    /// Which value: `Ref Bucket (generated physical name)`,
    /// `Fn::ImportValue SharedKeyArn`, `after_unknown policy` …
    pub what: String,
    /// The stand-in used in the document (empty when the whole document is
    /// unknown).
    pub stand_in: String,
    /// Where the value is asked for.
    pub line: usize,
}

/// An error reading a template or plan, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IacError {
    /// The file.
    pub file: String,
    /// 1-based line (0 if unknown).
    pub line: usize,
    /// 1-based column (0 if unknown).
    pub column: usize,
    /// Where in the document: `Resources.Role.Properties.Policies[0]`.
    pub path: String,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for IacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: `{}`", self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
            if self.column > 0 {
                write!(f, ", column {}", self.column)?;
            }
        }
        if !self.path.is_empty() {
            write!(f, ", at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for IacError {}

impl IacError {
    pub(crate) fn at(node: &Json, path: &str, message: impl Into<String>) -> IacError {
        IacError {
            file: String::new(),
            line: node.line,
            column: node.column,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> IacError {
        IacError {
            file: String::new(),
            line: 0,
            column: 0,
            path: String::new(),
            message: message.into(),
        }
    }

    pub(crate) fn in_file(mut self, file: &str) -> IacError {
        file.clone_into(&mut self.file);
        self
    }
}

/// Reads a template or plan from its text and finds every policy in it.
///
/// A JSON document with `format_version` and `planned_values` or
/// `resource_changes` is a Terraform plan; anything else is a
/// CloudFormation template (JSON, or YAML when it does not parse as JSON).
///
/// # Errors
/// A located error: the file over the size limit, a syntax error, a YAML
/// alias expanding past the node budget, nesting past the depth limit, an
/// intrinsic function with a wrong argument shape, a circular reference, a
/// field with the wrong JSON type.
pub fn extract(file: &str, text: &str, options: &Options) -> Result<Found, IacError> {
    extract_tree(file, text, options).map_err(|e| e.in_file(file))
}

fn extract_tree(file: &str, text: &str, options: &Options) -> Result<Found, IacError> {
    if text.len() > options.max_file_size {
        return Err(IacError::whole(format!(
            "the file is {} bytes, more than the limit of {} bytes",
            text.len(),
            options.max_file_size
        )));
    }
    let tree = read_tree(text, options)?;
    if terraform::is_plan(&tree) {
        terraform::extract(file, &tree, options)
    } else {
        cfn::extract(file, &tree, options)
    }
}

/// Reads JSON, or YAML when the text does not start like JSON.
pub(crate) fn read_tree(text: &str, options: &Options) -> Result<Json, IacError> {
    let depth = options.max_depth.min(crate::parse::MAX_DEPTH_CEILING);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match crate::parse::json::parse(text, depth) {
            Ok(tree) => return Ok(tree),
            // Flow-style YAML also starts with `{`: fall back to YAML, but
            // report the JSON error when YAML fails as well.
            Err(json_error) => {
                return yaml::parse(text, options).map_err(|_| IacError {
                    file: String::new(),
                    line: json_error.line,
                    column: json_error.column,
                    path: String::new(),
                    message: format!("invalid JSON: {}", json_error.message),
                })
            }
        }
    }
    yaml::parse(text, options)
}
