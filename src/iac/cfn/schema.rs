//! The shape each policy-bearing resource must have before its policies are
//! read: the properties it requires and the JSON type of each property the
//! front end reads, checked after intrinsic functions are resolved, as
//! cfn-policy-validator checks them (its JSON schemas in
//! `parsers/identity_schemas.py` and `parsers/resource/*.py`, which raise
//! `SchemaValidationError`), and the values it cannot read (a role name
//! outside IAM's pattern, a queue URL without a name, a table bucket or
//! secret ARN of the wrong form). Each is a located error; where
//! CloudFormation itself accepts what the validator's schema rejects (a KMS
//! key without `KeyPolicy`, a REST API imported from `Body` without `Name`,
//! a secret named rather than given by ARN), the template is read as
//! CloudFormation reads it. docs/templates.md lists the differences.

use super::intrinsics::Resolver;
use super::Ctx;
use crate::iac::json::{get, join, scalar_text};
use crate::iac::IacError;
use crate::parse::json::{Json, Kind};

/// The JSON type a property must have (once resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A string (numbers and booleans are read as text, as CloudFormation does).
    Text,
    /// A policy document: an object, or JSON text.
    Document,
    /// A list of strings.
    Names,
    /// A list of at least one string.
    SomeNames,
    /// An object.
    Object,
}

/// One property: its name, shape, and whether the resource needs it.
struct Prop(&'static str, Shape, bool);

struct Schema {
    ty: &'static str,
    /// Whether the resource needs a `Properties` section.
    needs_properties: bool,
    props: &'static [Prop],
}

use Shape::{Document, Names, Object, SomeNames, Text};

const REQ: bool = true;
const OPT: bool = false;

/// A type that needs `Properties`.
const fn with(ty: &'static str, props: &'static [Prop]) -> Schema {
    Schema { ty, needs_properties: true, props }
}

/// A type whose `Properties` may be absent.
const fn bare(ty: &'static str, props: &'static [Prop]) -> Schema {
    Schema { ty, needs_properties: false, props }
}

const POLICY_NAME: Prop = Prop("PolicyName", Text, REQ);
const POLICY_DOCUMENT: Prop = Prop("PolicyDocument", Document, REQ);
const PATH: Prop = Prop("Path", Text, OPT);
const MANAGED: Prop = Prop("ManagedPolicyArns", Names, OPT);
const ROLES: Prop = Prop("Roles", Names, OPT);
const USERS: Prop = Prop("Users", Names, OPT);
const GROUPS: Prop = Prop("Groups", Names, OPT);
const ACCESS_POINT: &[Prop] = &[
    Prop("Name", Text, OPT),
    Prop("Policy", Document, OPT),
    Prop("VpcConfiguration", Object, OPT),
];

/// The schemas, from cfn-policy-validator's, by resource type.
const SCHEMAS: &[Schema] = &[
    with(
        "AWS::IAM::Role",
        &[
            Prop("AssumeRolePolicyDocument", Document, REQ),
            Prop("RoleName", Text, OPT),
            PATH,
            MANAGED,
        ],
    ),
    bare("AWS::IAM::User", &[Prop("UserName", Text, OPT), PATH, MANAGED]),
    bare("AWS::IAM::Group", &[Prop("GroupName", Text, OPT), PATH, MANAGED]),
    with("AWS::IAM::Policy", &[POLICY_NAME, POLICY_DOCUMENT, ROLES, USERS, GROUPS]),
    with(
        "AWS::IAM::ManagedPolicy",
        &[POLICY_DOCUMENT, Prop("ManagedPolicyName", Text, OPT), PATH, ROLES, USERS, GROUPS],
    ),
    with("AWS::IAM::RolePolicy", &[POLICY_NAME, POLICY_DOCUMENT, Prop("RoleName", Text, REQ)]),
    with("AWS::IAM::UserPolicy", &[POLICY_NAME, POLICY_DOCUMENT, Prop("UserName", Text, REQ)]),
    with("AWS::IAM::GroupPolicy", &[POLICY_NAME, POLICY_DOCUMENT, Prop("GroupName", Text, REQ)]),
    with(
        "AWS::SSO::PermissionSet",
        &[
            Prop("Name", Text, REQ),
            Prop("InlinePolicy", Document, OPT),
            Prop("ManagedPolicies", Names, OPT),
        ],
    ),
    with("AWS::S3::BucketPolicy", &[Prop("Bucket", Text, REQ), POLICY_DOCUMENT]),
    with("AWS::S3::AccessPoint", ACCESS_POINT),
    with(
        "AWS::S3::MultiRegionAccessPointPolicy",
        &[Prop("MrapName", Text, REQ), Prop("Policy", Document, REQ)],
    ),
    with(
        "AWS::S3Tables::TableBucketPolicy",
        &[Prop("TableBucketARN", Text, REQ), Prop("ResourcePolicy", Document, REQ)],
    ),
    with("AWS::S3Express::AccessPoint", ACCESS_POINT),
    with("AWS::SQS::QueuePolicy", &[Prop("Queues", SomeNames, REQ), POLICY_DOCUMENT]),
    with("AWS::SNS::TopicPolicy", &[Prop("Topics", SomeNames, REQ), POLICY_DOCUMENT]),
    // CloudFormation: "KeyPolicy … Required: No" (a default key policy applies).
    bare("AWS::KMS::Key", &[Prop("KeyPolicy", Document, OPT)]),
    // CloudFormation: `SecretId` is "the ARN or name of the secret".
    with(
        "AWS::SecretsManager::ResourcePolicy",
        &[Prop("SecretId", Text, REQ), Prop("ResourcePolicy", Document, REQ)],
    ),
    // A REST API imported from `Body`/`BodyS3Location` needs no `Name`.
    bare("AWS::ApiGateway::RestApi", &[Prop("Name", Text, OPT), Prop("Policy", Document, OPT)]),
    with(
        "AWS::CodeArtifact::Domain",
        &[Prop("DomainName", Text, REQ), Prop("PermissionsPolicyDocument", Document, OPT)],
    ),
    with(
        "AWS::CloudTrail::ResourcePolicy",
        &[Prop("ResourceArn", Text, REQ), Prop("ResourcePolicy", Document, REQ)],
    ),
    with(
        "AWS::Backup::BackupVault",
        &[Prop("BackupVaultName", Text, REQ), Prop("AccessPolicy", Document, OPT)],
    ),
    with(
        "AWS::Lambda::Permission",
        &[
            Prop("Action", Text, REQ),
            Prop("FunctionName", Text, REQ),
            Prop("Principal", Text, REQ),
            Prop("SourceAccount", Text, OPT),
            Prop("SourceArn", Text, OPT),
            Prop("PrincipalOrgID", Text, OPT),
        ],
    ),
    with(
        "AWS::Lambda::LayerVersionPermission",
        &[
            Prop("Action", Text, REQ),
            Prop("LayerVersionArn", Text, REQ),
            Prop("Principal", Text, REQ),
            Prop("OrganizationId", Text, OPT),
        ],
    ),
];

/// Checks `ctx`'s resource against its type's schema. The stand-ins named
/// while resolving are dropped: the policies name them when they are read.
pub(super) fn check(ctx: &Ctx<'_>, r: &mut Resolver<'_>) -> Result<(), IacError> {
    let Some(schema) = SCHEMAS.iter().find(|s| s.ty == ctx.ty) else { return Ok(()) };
    r.speculative(|r| check_props(ctx, schema, r))
}

fn check_props(ctx: &Ctx<'_>, schema: &Schema, r: &mut Resolver<'_>) -> Result<(), IacError> {
    let properties = get(ctx.resource, "Properties");
    if properties.is_none() && schema.needs_properties {
        return Err(IacError::at(
            ctx.resource,
            ctx.path,
            format!("`{}` needs `Properties`", schema.ty),
        ));
    }
    let props_path = join(ctx.path, "Properties");
    if let Some(p) = properties {
        crate::iac::json::entries(p, &props_path)?;
    }
    for Prop(name, shape, required) in schema.props {
        let path = join(&props_path, name);
        let missing = || {
            IacError::at(
                properties.unwrap_or(ctx.resource),
                &props_path,
                format!("`{}` needs the property `{name}`", schema.ty),
            )
        };
        let Some(raw) = ctx.property(name) else {
            if *required {
                return Err(missing());
            }
            continue;
        };
        // Resolved where a function may change the shape (lists may hold
        // functions, and `AWS::NoValue` items).
        let resolved;
        let value = if is_function(raw) || matches!(shape, Names | SomeNames) {
            resolved = r.resolve(raw, &path)?;
            match &resolved {
                Some(v) => v,
                None if *required => return Err(missing()),
                None => continue,
            }
        } else {
            raw
        };
        check_shape(value, *shape, &path)?;
        check_value(schema.ty, name, value, &path)?;
    }
    Ok(())
}

/// Whether `j` is an intrinsic function (or a `Condition` reference).
fn is_function(j: &Json) -> bool {
    match &j.kind {
        Kind::Object(entries) => match entries.as_slice() {
            [(k, _)] => k.name == "Ref" || k.name == "Condition" || k.name.starts_with("Fn::"),
            _ => false,
        },
        _ => false,
    }
}

fn check_shape(value: &Json, shape: Shape, path: &str) -> Result<(), IacError> {
    let found = value.kind.describe();
    let fits = match (shape, &value.kind) {
        (Text, _) => scalar_text(value).is_some(),
        (Document, k) => matches!(k, Kind::Object(_) | Kind::String(_)),
        (Object, k) => matches!(k, Kind::Object(_)),
        (Names | SomeNames, Kind::Array(items)) => {
            if shape == SomeNames && items.is_empty() {
                return Err(IacError::at(
                    value,
                    path,
                    "expected a list of at least one string, found an empty list",
                ));
            }
            for (i, item) in items.iter().enumerate() {
                if scalar_text(item).is_none() {
                    let found = item.kind.describe();
                    let at = format!("{path}[{i}]");
                    return Err(IacError::at(
                        item,
                        &at,
                        format!("expected a string, found {found}"),
                    ));
                }
            }
            true
        }
        (Names | SomeNames, _) => false,
    };
    if fits {
        return Ok(());
    }
    let want = match shape {
        Text => "a string",
        Document => "a policy document (an object, or the policy as JSON text)",
        Object => "an object",
        Names | SomeNames => "a list of strings",
    };
    Err(IacError::at(value, path, format!("expected {want}, found {found}")))
}

/// Values the front end cannot read, though of the right type. A stand-in
/// (a value known only at deployment) is never refused.
fn check_value(ty: &str, property: &str, value: &Json, path: &str) -> Result<(), IacError> {
    let texts: Vec<String> = match &value.kind {
        Kind::Array(items) => items.iter().filter_map(scalar_text).collect(),
        _ => scalar_text(value).into_iter().collect(),
    };
    for (i, text) in texts.iter().enumerate() {
        if text.contains("iamcheck-unresolved") || text.contains("{{resolve:") {
            continue;
        }
        let problem = match (ty, property) {
            // IAM API reference, CreateRole: "RoleName … Length Constraints: Minimum length
            // of 1. Maximum length of 64. Pattern: [\w+=,.@-]+".
            ("AWS::IAM::Role", "RoleName") if !valid_role_name(text) => Some(
                "is not a role name (1 to 64 letters, digits and `_+=,.@-`)".to_string(),
            ),
            ("AWS::SQS::QueuePolicy", "Queues") if queue_name(text).is_none() => Some(
                "is not a queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`)".to_string(),
            ),
            ("AWS::S3Tables::TableBucketPolicy", "TableBucketARN")
                if !text.contains(":bucket/") =>
            {
                Some("is not a table bucket ARN (`arn:PARTITION:s3tables:REGION:ACCOUNT:bucket/NAME`)".to_string())
            }
            ("AWS::SecretsManager::ResourcePolicy", "SecretId")
                if text.starts_with("arn:") && !text.contains(":secret:") =>
            {
                Some("is not a secret ARN (`arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME`)".to_string())
            }
            _ => None,
        };
        if let Some(problem) = problem {
            let (at, path) = match &value.kind {
                Kind::Array(items) => (items.get(i).unwrap_or(value), format!("{path}[{i}]")),
                _ => (value, path.to_string()),
            };
            return Err(IacError::at(at, &path, format!("`{text}` {problem}")));
        }
    }
    Ok(())
}

fn valid_role_name(name: &str) -> bool {
    (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// The queue name of a queue URL: its path is `/ACCOUNT/NAME`.
pub(super) fn queue_name(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut parts = rest.split('/');
    let _host = parts.next()?;
    let _account = parts.next().filter(|a| !a.is_empty())?;
    parts.next().filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::valid_role_name;

    #[test]
    fn role_names_follow_iams_ascii_pattern() {
        assert!(valid_role_name("my-role_1+=,.@"));
        assert!(!valid_role_name("rôle"), "IAM's \\w is ASCII");
        assert!(!valid_role_name(""));
        assert!(!valid_role_name(&"r".repeat(65)));
        assert!(valid_role_name(&"r".repeat(64)));
    }
}
