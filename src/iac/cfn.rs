//! The CloudFormation front end: every policy of every resource type
//! cfn-policy-validator reads (its `parsers/identity.py` and
//! `parsers/resource/*.py`), resolved with [`intrinsics`].
//!
//! | type | property | policy name | policy type | public-access type |
//! |---|---|---|---|---|
//! | `AWS::IAM::Role` | `AssumeRolePolicyDocument` | `TrustPolicy` | resource | `AWS::IAM::AssumeRolePolicyDocument` |
//! | `AWS::IAM::Role`, `User`, `Group` | `Policies[].PolicyDocument` | its `PolicyName` | identity | |
//! | `AWS::IAM::Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` | `PolicyDocument` | `PolicyName` | identity | |
//! | `AWS::IAM::ManagedPolicy` | `PolicyDocument` | `ManagedPolicyName` or the logical name | identity | |
//! | `AWS::SSO::PermissionSet` | `InlinePolicy` | `InlinePolicy` | identity | |
//! | `AWS::S3::BucketPolicy` | `PolicyDocument` | `BucketPolicy` | resource | `AWS::S3::Bucket` |
//! | … | | | | (the table `SITES` in this file) |
//!
//! `AWS::IAM::Policy` and `ManagedPolicy` are reported under each principal
//! they attach to (`attach.rs`).
//!
//! `AWS::Lambda::Permission` resources become one statement each, and the
//! statements of one function one `PermissionsPolicy`, as
//! cfn-policy-validator builds them (`parsers/resource/lambda_aws.py`), with
//! `PrincipalOrgID` added as the `aws:PrincipalOrgID` condition Lambda adds.

mod attach;
pub mod intrinsics;
mod schema;
mod types;

use super::json::{get, join, scalar_text, string, to_value};
use super::{Format, Found, FoundPolicy, IacError, Options, Skipped};
use crate::parse::json::{Json, Kind};
use crate::policy::PolicyType;
use intrinsics::Resolver;

/// Where a resource type keeps a policy.
#[derive(Clone, Copy, Debug)]
enum Site {
    /// One document at a property.
    Doc { property: &'static str, name: Name, ty: PolicyType, public: Option<&'static str> },
    /// A list of `{PolicyName, PolicyDocument}` (inline policies).
    Inline { property: &'static str },
}

/// How a policy is named.
#[derive(Clone, Copy, Debug)]
enum Name {
    Fixed(&'static str),
    /// A property, else the logical name.
    Property(&'static str),
}

struct TypeSites {
    ty: &'static str,
    sites: &'static [Site],
    /// Properties naming the resource for findings' `resourceName`, first given wins.
    names: &'static [&'static str],
}

const ID: PolicyType = PolicyType::Identity;
const RES: PolicyType = PolicyType::Resource;

const fn doc(property: &'static str, name: &'static str, public: &'static str) -> Site {
    Site::Doc { property, name: Name::Fixed(name), ty: RES, public: Some(public) }
}

/// Every policy site, by resource type.
const SITES: &[TypeSites] = &[
    TypeSites {
        ty: "AWS::IAM::Role",
        sites: &[
            Site::Doc {
                property: "AssumeRolePolicyDocument",
                name: Name::Fixed("TrustPolicy"),
                ty: RES,
                public: Some("AWS::IAM::AssumeRolePolicyDocument"),
            },
            Site::Inline { property: "Policies" },
        ],
        names: &["RoleName"],
    },
    TypeSites {
        ty: "AWS::IAM::User",
        sites: &[Site::Inline { property: "Policies" }],
        names: &["UserName"],
    },
    TypeSites {
        ty: "AWS::IAM::Group",
        sites: &[Site::Inline { property: "Policies" }],
        names: &["GroupName"],
    },
    TypeSites {
        ty: "AWS::IAM::Policy",
        sites: &[Site::Doc {
            property: "PolicyDocument",
            name: Name::Property("PolicyName"),
            ty: ID,
            public: None,
        }],
        names: &["Roles", "Users", "Groups"],
    },
    TypeSites {
        ty: "AWS::IAM::RolePolicy",
        sites: &[Site::Doc {
            property: "PolicyDocument",
            name: Name::Property("PolicyName"),
            ty: ID,
            public: None,
        }],
        names: &["RoleName"],
    },
    TypeSites {
        ty: "AWS::IAM::UserPolicy",
        sites: &[Site::Doc {
            property: "PolicyDocument",
            name: Name::Property("PolicyName"),
            ty: ID,
            public: None,
        }],
        names: &["UserName"],
    },
    TypeSites {
        ty: "AWS::IAM::GroupPolicy",
        sites: &[Site::Doc {
            property: "PolicyDocument",
            name: Name::Property("PolicyName"),
            ty: ID,
            public: None,
        }],
        names: &["GroupName"],
    },
    TypeSites {
        ty: "AWS::IAM::ManagedPolicy",
        sites: &[Site::Doc {
            property: "PolicyDocument",
            name: Name::Property("ManagedPolicyName"),
            ty: ID,
            public: None,
        }],
        names: &["ManagedPolicyName"],
    },
    TypeSites {
        ty: "AWS::SSO::PermissionSet",
        sites: &[Site::Doc {
            property: "InlinePolicy",
            name: Name::Fixed("InlinePolicy"),
            ty: ID,
            public: None,
        }],
        names: &["Name"],
    },
    TypeSites {
        ty: "AWS::S3::BucketPolicy",
        sites: &[doc("PolicyDocument", "BucketPolicy", "AWS::S3::Bucket")],
        names: &["Bucket"],
    },
    TypeSites {
        ty: "AWS::S3::AccessPoint",
        sites: &[doc("Policy", "AccessPointPolicy", "AWS::S3::AccessPoint")],
        names: &["Name"],
    },
    TypeSites {
        ty: "AWS::S3::MultiRegionAccessPointPolicy",
        sites: &[Site::Doc {
            property: "Policy",
            name: Name::Fixed("MultiRegionAccessPointPolicy"),
            ty: RES,
            public: None,
        }],
        names: &["MrapName"],
    },
    TypeSites {
        ty: "AWS::S3Tables::TableBucketPolicy",
        sites: &[doc("ResourcePolicy", "TableBucketPolicy", "AWS::S3Tables::TableBucket")],
        names: &["TableBucketARN"],
    },
    TypeSites {
        ty: "AWS::SQS::QueuePolicy",
        sites: &[doc("PolicyDocument", "QueuePolicy", "AWS::SQS::Queue")],
        names: &["Queues"],
    },
    TypeSites {
        ty: "AWS::SNS::TopicPolicy",
        sites: &[doc("PolicyDocument", "TopicPolicy", "AWS::SNS::Topic")],
        names: &["Topics"],
    },
    TypeSites {
        ty: "AWS::KMS::Key",
        sites: &[doc("KeyPolicy", "KeyPolicy", "AWS::KMS::Key")],
        names: &[],
    },
    TypeSites {
        ty: "AWS::SecretsManager::ResourcePolicy",
        sites: &[doc("ResourcePolicy", "ResourcePolicy", "AWS::SecretsManager::Secret")],
        names: &["SecretId"],
    },
    TypeSites {
        ty: "AWS::ApiGateway::RestApi",
        sites: &[doc("Policy", "Policy", "AWS::ApiGateway::RestApi")],
        names: &["Name"],
    },
    TypeSites {
        ty: "AWS::CodeArtifact::Domain",
        sites: &[doc(
            "PermissionsPolicyDocument",
            "PermissionsPolicyDocument",
            "AWS::CodeArtifact::Domain",
        )],
        names: &["DomainName"],
    },
    TypeSites {
        ty: "AWS::CloudTrail::ResourcePolicy",
        sites: &[Site::Doc {
            property: "ResourcePolicy",
            name: Name::Fixed("ResourcePolicy"),
            ty: RES,
            public: None,
        }],
        names: &["ResourceArn"],
    },
    TypeSites {
        ty: "AWS::S3Express::AccessPoint",
        sites: &[doc("Policy", "Policy", "AWS::S3Express::AccessPoint")],
        names: &["Name"],
    },
    TypeSites {
        ty: "AWS::Backup::BackupVault",
        sites: &[doc("AccessPolicy", "AccessPolicy", "AWS::Backup::BackupVault")],
        names: &["BackupVaultName"],
    },
];

const LAMBDA_PERMISSION: &str = "AWS::Lambda::Permission";
const LAYER_PERMISSION: &str = "AWS::Lambda::LayerVersionPermission";

/// Whether a resource type holds a policy this front end reads.
pub fn is_policy_type(ty: &str) -> bool {
    ty == LAMBDA_PERMISSION || ty == LAYER_PERMISSION || SITES.iter().any(|s| s.ty == ty)
}

/// Finds and resolves every policy of a template.
///
/// # Errors
/// A located error for a template that is not an object, a `Resources`
/// entry without a string `Type`, a parameter without a value, or an
/// intrinsic function that cannot be resolved (wrong argument shape,
/// unknown name, circular reference).
pub fn extract(file: &str, template: &Json, options: &Options) -> Result<Found, IacError> {
    super::json::entries(template, "")?;
    let mut resolver = Resolver::new(template, options)?;
    let mut found = Found {
        file: file.to_string(),
        format: Format::CloudFormation,
        policies: Vec::new(),
        skipped: Vec::new(),
    };
    let resources = match get(template, "Resources") {
        Some(r) => super::json::entries(r, "Resources")?,
        None => return Err(IacError::at(template, "", "no `Resources` section: this is neither a CloudFormation template nor a Terraform plan")),
    };
    let mut permissions = Permissions::default();
    let mut attachments = attach::Attachments::default();
    for (key, resource) in resources {
        let path = join("Resources", &key.name);
        let ty = match get(resource, "Type").map(|t| &t.kind) {
            Some(Kind::String(t)) => t.as_str(),
            Some(other) => {
                let reason = format!(
                    "its `Type` is {}, not a resource type (a pre-processor directive?)",
                    other.describe()
                );
                found.skipped.push(skip(&key.name, "", &reason, resource));
                continue;
            }
            None => return Err(IacError::at(resource, &path, "a resource without `Type`")),
        };
        if !is_policy_type(ty) {
            continue;
        }
        if options.exclude_resource_types.iter().any(|x| x.eq_ignore_ascii_case(ty)) {
            found.skipped.push(skip(
                &key.name,
                ty,
                "excluded by --exclude-resource-types",
                resource,
            ));
            continue;
        }
        if let Some(c) = get(resource, "Condition") {
            let name = string(c, &join(&path, "Condition"))?;
            if !resolver.condition(name, c, &join(&path, "Condition"))? {
                found.skipped.push(skip(
                    &key.name,
                    ty,
                    &format!("its condition `{name}` is false"),
                    resource,
                ));
                continue;
            }
        }
        let ctx = Ctx { id: &key.name, ty, resource, path: &path, file };
        schema::check(&ctx, &mut resolver)?;
        if ty == LAMBDA_PERMISSION {
            permissions.add(&ctx, &mut resolver, options)?;
        } else if ty == LAYER_PERMISSION {
            permissions.add_layer(&ctx, &mut resolver)?;
        } else {
            let first = found.policies.len();
            let (policies, name) = resource_policies(&ctx, &mut resolver)?;
            found.policies.extend(policies);
            attachments.add(&ctx, &mut resolver, first..found.policies.len(), &name)?;
        }
    }
    found.policies = attachments.group(std::mem::take(&mut found.policies));
    found.policies.extend(permissions.policies(file));
    Ok(found)
}

fn skip(id: &str, ty: &str, reason: &str, at: &Json) -> Skipped {
    Skipped { resource: id.into(), resource_type: ty.into(), reason: reason.into(), line: at.line }
}

/// One resource being read.
struct Ctx<'a> {
    id: &'a str,
    ty: &'a str,
    resource: &'a Json,
    path: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn property(&self, name: &str) -> Option<&Json> {
        get(self.resource, "Properties").and_then(|p| get(p, name))
    }

    fn property_path(&self, name: &str) -> String {
        join(&join(self.path, "Properties"), name)
    }
}

/// The policies of one resource, and the name its findings report.
fn resource_policies(
    ctx: &Ctx<'_>,
    r: &mut Resolver<'_>,
) -> Result<(Vec<FoundPolicy>, String), IacError> {
    let Some(sites) = SITES.iter().find(|s| s.ty == ctx.ty) else {
        return Ok((Vec::new(), ctx.id.to_string()));
    };
    if let Some(props) = get(ctx.resource, "Properties") {
        super::json::entries(props, &join(ctx.path, "Properties"))?;
    }
    let mut out = Vec::new();
    for site in sites.sites {
        match *site {
            Site::Doc { property, name, ty, public } => {
                let Some(document) = ctx.property(property) else { continue };
                let policy_name = match name {
                    Name::Fixed(n) => n.to_string(),
                    Name::Property(p) => match ctx.property(p) {
                        Some(v) => r.string_of(v, &ctx.property_path(p))?,
                        None => ctx.id.to_string(),
                    },
                };
                let path = ctx.property_path(property);
                let public = public.map(str::to_string).or_else(|| cloudtrail_type(ctx, r));
                out.push(policy(ctx, r, document, &path, policy_name, ty, public)?);
            }
            Site::Inline { property } => {
                let Some(list) = ctx.property(property) else { continue };
                let path = ctx.property_path(property);
                let Some(list) = r.resolve(list, &path)? else { continue };
                for (i, item) in super::json::items(&list, &path)?.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    let name = match get(item, "PolicyName") {
                        Some(n) => r.string_of(n, &join(&item_path, "PolicyName"))?,
                        None => {
                            return Err(IacError::at(
                                item,
                                &item_path,
                                "an inline policy without `PolicyName`",
                            ))
                        }
                    };
                    let Some(document) = get(item, "PolicyDocument") else {
                        return Err(IacError::at(
                            item,
                            &item_path,
                            "an inline policy without `PolicyDocument`",
                        ));
                    };
                    out.push(policy(
                        ctx,
                        r,
                        document,
                        &join(&item_path, "PolicyDocument"),
                        name,
                        ID,
                        None,
                    )?);
                }
            }
        }
    }
    let name = resource_name(ctx, sites.names, r)?;
    for p in &mut out {
        p.resource_name.clone_from(&name);
        p.unresolved.extend(r.take_unresolved());
        p.unresolved.dedup();
    }
    Ok((out, name))
}

/// CloudTrail resource policies apply to dashboards or event data stores,
/// told apart by the ARN (cfn-policy-validator `cloud_trail.py`).
fn cloudtrail_type(ctx: &Ctx<'_>, r: &mut Resolver<'_>) -> Option<String> {
    if ctx.ty != "AWS::CloudTrail::ResourcePolicy" {
        return None;
    }
    let arn = r.string_of(ctx.property("ResourceArn")?, &ctx.property_path("ResourceArn")).ok()?;
    if arn.contains(":dashboard/") {
        Some("AWS::CloudTrail::Dashboard".into())
    } else if arn.contains(":eventdatastore/") {
        Some("AWS::CloudTrail::EventDataStore".into())
    } else {
        None
    }
}

/// The name findings report: the first naming property given, shortened
/// from a queue URL or a topic ARN; else the logical name.
fn resource_name(ctx: &Ctx<'_>, names: &[&str], r: &mut Resolver<'_>) -> Result<String, IacError> {
    for property in names {
        let Some(v) = ctx.property(property) else { continue };
        let Some(v) = r.resolve(v, &ctx.property_path(property))? else { continue };
        let first = match &v.kind {
            Kind::Array(items) => items.first().and_then(scalar_text),
            _ => scalar_text(&v),
        };
        if let Some(s) = first {
            return Ok(match *property {
                "Queues" => s.rsplit('/').next().unwrap_or(&s).to_string(),
                "Topics" => s.rsplit(':').next().unwrap_or(&s).to_string(),
                _ => s,
            });
        }
    }
    Ok(ctx.id.to_string())
}

/// Resolves one policy document (an object, or JSON text).
fn policy(
    ctx: &Ctx<'_>,
    r: &mut Resolver<'_>,
    document: &Json,
    path: &str,
    policy_name: String,
    policy_type: PolicyType,
    public_access_type: Option<String>,
) -> Result<FoundPolicy, IacError> {
    let resolved = r.resolve(document, path)?;
    let resolved = match resolved {
        Some(Json { kind: Kind::String(text), line, column, .. }) => {
            // A policy given as JSON text: its lines are the text's own,
            // offset to the property's line.
            let mut tree = crate::parse::json::parse(&text, crate::parse::MAX_DEPTH_CEILING)
                .map_err(|e| {
                    IacError::at(document, path, format!("the policy text is not JSON: {e}"))
                })?;
            shift(&mut tree, line.saturating_sub(1), column);
            Some(tree)
        }
        other => other,
    };
    let statement_lines = resolved.as_ref().map(statement_lines).unwrap_or_default();
    Ok(FoundPolicy {
        resource: ctx.id.to_string(),
        resource_type: ctx.ty.to_string(),
        resource_name: ctx.id.to_string(),
        policy_name,
        policy_type,
        public_access_type,
        document: Some(resolved.as_ref().map_or(serde_json::Value::Null, to_value)),
        file: ctx.file.to_string(),
        line: document.line,
        statement_lines,
        unresolved: r.take_unresolved(),
        attached_to: None,
    })
}

/// Moves a tree parsed from an embedded string to the string's place.
pub(crate) fn shift(tree: &mut Json, lines: usize, column: usize) {
    let mut stack = vec![tree];
    while let Some(n) = stack.pop() {
        if n.line == 1 {
            n.column += column;
        }
        n.line += lines;
        n.end_line += lines;
        match &mut n.kind {
            Kind::Array(items) => stack.extend(items.iter_mut()),
            Kind::Object(entries) => stack.extend(entries.iter_mut().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// The line of each statement of a resolved document.
pub(crate) fn statement_lines(document: &Json) -> Vec<usize> {
    match get(document, "Statement").map(|s| (&s.kind, s.line)) {
        Some((Kind::Array(items), _)) => items.iter().map(|s| s.line).collect(),
        Some((_, line)) => vec![line],
        None => Vec::new(),
    }
}

/// `AWS::Lambda::Permission` and `LayerVersionPermission` statements,
/// gathered per function or layer version.
#[derive(Default)]
struct Permissions {
    functions: Vec<Gathered>,
}

/// The statements of one function's or layer version's policy.
struct Gathered {
    /// `AWS::Lambda::Permission` or `AWS::Lambda::LayerVersionPermission`.
    ty: &'static str,
    /// The function or layer version ARN.
    arn: String,
    /// The permission resources' logical names.
    ids: Vec<String>,
    /// Each statement with its permission's line.
    statements: Vec<(serde_json::Value, usize)>,
    unresolved: Vec<super::Unresolved>,
}

impl Permissions {
    fn push(
        &mut self,
        ty: &'static str,
        arn: String,
        ctx: &Ctx<'_>,
        statement: serde_json::Value,
        unresolved: Vec<super::Unresolved>,
    ) {
        let line = ctx.resource.line;
        match self.functions.iter_mut().find(|g| g.ty == ty && g.arn == arn) {
            Some(g) => {
                g.ids.push(ctx.id.to_string());
                g.statements.push((statement, line));
                g.unresolved.extend(unresolved);
            }
            None => self.functions.push(Gathered {
                ty,
                arn,
                ids: vec![ctx.id.to_string()],
                statements: vec![(statement, line)],
                unresolved,
            }),
        }
    }

    /// A layer version permission (cfn-policy-validator
    /// `LambdaLayerVersionPermissionParser`).
    fn add_layer(&mut self, ctx: &Ctx<'_>, r: &mut Resolver<'_>) -> Result<(), IacError> {
        let required = |name: &str| {
            ctx.property(name).ok_or_else(|| {
                IacError::at(
                    ctx.resource,
                    ctx.path,
                    format!("`{LAYER_PERMISSION}` without `{name}`"),
                )
            })
        };
        let action = r.string_of(required("Action")?, &ctx.property_path("Action"))?;
        let arn =
            r.string_of(required("LayerVersionArn")?, &ctx.property_path("LayerVersionArn"))?;
        let principal = r.string_of(required("Principal")?, &ctx.property_path("Principal"))?;
        let mut statement = serde_json::Map::new();
        statement.insert("Effect".into(), "Allow".into());
        statement.insert("Action".into(), action.into());
        statement.insert("Resource".into(), arn.clone().into());
        statement.insert("Principal".into(), serde_json::json!({"AWS": principal}));
        if let Some(org) = ctx.property("OrganizationId") {
            let org = r.string_of(org, &ctx.property_path("OrganizationId"))?;
            let condition = serde_json::json!({"StringEquals": {"aws:PrincipalOrgID": org}});
            statement.insert("Condition".into(), condition);
        }
        let statement = serde_json::Value::Object(statement);
        let unresolved = r.take_unresolved();
        self.push(LAYER_PERMISSION, arn, ctx, statement, unresolved);
        Ok(())
    }

    fn add(
        &mut self,
        ctx: &Ctx<'_>,
        r: &mut Resolver<'_>,
        options: &Options,
    ) -> Result<(), IacError> {
        let required = |name: &str| {
            ctx.property(name).ok_or_else(|| {
                IacError::at(
                    ctx.resource,
                    ctx.path,
                    format!("`AWS::Lambda::Permission` without `{name}`"),
                )
            })
        };
        let action = r.string_of(required("Action")?, &ctx.property_path("Action"))?;
        let function =
            r.string_of(required("FunctionName")?, &ctx.property_path("FunctionName"))?;
        let principal = r.string_of(required("Principal")?, &ctx.property_path("Principal"))?;
        let mut optional = |name: &str| match ctx.property(name) {
            Some(v) => r.string_of(v, &ctx.property_path(name)).map(Some),
            None => Ok(None),
        };
        let source_account = optional("SourceAccount")?;
        let source_arn = optional("SourceArn")?;
        let org = optional("PrincipalOrgID")?;
        let arn = function_arn_for(&function, options);
        let statement = permission_statement(
            &action,
            &principal,
            &arn,
            &Conditions { source_account, source_arn, org },
        );
        let unresolved = r.take_unresolved();
        self.push(LAMBDA_PERMISSION, arn, ctx, statement, unresolved);
        Ok(())
    }

    fn policies(self, file: &str) -> Vec<FoundPolicy> {
        self.functions
            .into_iter()
            .map(|Gathered { ty, arn, ids, statements, unresolved }| {
                let layer = ty == LAYER_PERMISSION;
                let marker = if layer { "layer" } else { "function" };
                let name =
                    arn.split(':').skip_while(|p| *p != marker).nth(1).unwrap_or(&arn).to_string();
                let line = statements.first().map_or(0, |(_, l)| *l);
                let statement_lines = statements.iter().map(|(_, l)| *l).collect();
                let document = serde_json::json!({
                    "Version": "2012-10-17",
                    "Statement": statements.into_iter().map(|(s, _)| s).collect::<Vec<_>>(),
                });
                FoundPolicy {
                    resource: ids.join(","),
                    resource_type: ty.into(),
                    resource_name: name,
                    policy_name: if layer { "LayerVersionPermission" } else { "PermissionsPolicy" }
                        .into(),
                    policy_type: RES,
                    public_access_type: (!layer).then(|| "AWS::Lambda::Function".into()),
                    document: Some(document),
                    file: file.to_string(),
                    line,
                    statement_lines,
                    unresolved,
                    attached_to: None,
                }
            })
            .collect()
    }
}

/// The conditions a Lambda permission adds to its statement.
pub(crate) struct Conditions {
    pub source_account: Option<String>,
    pub source_arn: Option<String>,
    pub org: Option<String>,
}

/// The statement of a Lambda permission (cfn-policy-validator
/// `lambda_aws.py`, tf-policy-validator `generatePolicyForLambda`):
/// `Principal` is a service when it contains `amazonaws`, else `AWS`;
/// `aws:PrincipalOrgID` is the condition Lambda adds for `PrincipalOrgID`.
pub(crate) fn permission_statement(
    action: &str,
    principal: &str,
    function_arn: &str,
    c: &Conditions,
) -> serde_json::Value {
    let key = if principal.contains("amazonaws") { "Service" } else { "AWS" };
    let mut statement = serde_json::Map::new();
    statement.insert("Effect".into(), "Allow".into());
    statement.insert("Action".into(), action.into());
    statement.insert("Principal".into(), serde_json::json!({ key: principal }));
    statement.insert("Resource".into(), function_arn.into());
    let mut condition = serde_json::Map::new();
    let mut equals = serde_json::Map::new();
    if let Some(a) = &c.source_account {
        equals.insert("AWS:SourceAccount".into(), a.clone().into());
    }
    if let Some(o) = &c.org {
        equals.insert("aws:PrincipalOrgID".into(), o.clone().into());
    }
    if !equals.is_empty() {
        condition.insert("StringEquals".into(), equals.into());
    }
    if let Some(s) = &c.source_arn {
        condition.insert("ArnLike".into(), serde_json::json!({"AWS:SourceArn": s}));
    }
    if !condition.is_empty() {
        statement.insert("Condition".into(), condition.into());
    }
    serde_json::Value::Object(statement)
}

/// A Lambda function's ARN from a `FunctionName`: a full ARN, a partial
/// ARN (`123456789012:function:f`, `function:f`), or a name.
pub(crate) fn function_arn_for(name: &str, o: &Options) -> String {
    if name.starts_with("arn:") {
        return name.to_string();
    }
    if name.contains("function:") {
        let before = name.split(':').take_while(|p| !p.eq_ignore_ascii_case("function")).count();
        let base =
            ["arn", o.partition.as_str(), "lambda", o.region.as_str(), o.account_id.as_str()];
        let missing = base.len().saturating_sub(before);
        let prefix = base.get(..missing).unwrap_or(&[]).join(":");
        return format!("{prefix}:{name}");
    }
    format!("arn:{}:lambda:{}:{}:function:{name}", o.partition, o.region, o.account_id)
}

#[cfg(test)]
mod tests;
