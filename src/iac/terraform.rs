//! The Terraform front end: plans in `terraform show -json` form.
//!
//! Every resource type and attribute tf-policy-validator maps
//! (`iam_check/config/default.yaml`, `iamPolicyAttributes`), in the root
//! module and in every child module (tf-policy-validator reads resource
//! types from the address's first part, so resources in modules give it an
//! empty, passing report: its issue #27). `aws_lambda_permission` becomes a
//! one-statement policy, as tf-policy-validator's `generatePolicyForLambda`
//! builds it. A policy whose value is known only after apply
//! (`resource_changes[].change.after_unknown`) is kept with no document and
//! named as unresolved: the checks report it, never pass it.

use super::json::{entries, get, items, scalar_text, string};
use super::{Format, Found, FoundPolicy, IacError, Options, Skipped, Unresolved};
use crate::parse::json::{Json, Kind};
use crate::policy::PolicyType;

/// tf-policy-validator's `iamPolicyAttributes`: type → policy attributes
/// (`block.attribute` for nested blocks).
const ATTRIBUTES: &[(&str, &[&str])] = &[
    ("aws_iam_group_policy", &["policy"]),
    ("aws_iam_policy", &["policy"]),
    ("aws_iam_role", &["assume_role_policy", "inline_policy.policy"]),
    ("aws_iam_role_policy", &["policy"]),
    ("aws_iam_user_policy", &["policy"]),
    ("aws_api_gateway_rest_api", &["policy"]),
    ("aws_api_gateway_rest_api_policy", &["policy"]),
    ("aws_backup_vault_policy", &["policy"]),
    ("aws_cloudwatch_event_bus_policy", &["policy"]),
    ("aws_cloudwatch_log_destination_policy", &["access_policy"]),
    ("aws_cloudwatch_log_resource_policy", &["policy"]),
    ("aws_codeartifact_domain_permissions_policy", &["policy_document"]),
    ("aws_codeartifact_repository_permissions_policy", &["policy_document"]),
    ("aws_codebuild_resource_policy", &["policy"]),
    ("aws_ecr_registry_policy", &["policy"]),
    ("aws_ecr_repository_policy", &["policy"]),
    ("aws_ecrpublic_repository_policy", &["policy"]),
    ("aws_efs_file_system_policy", &["policy"]),
    ("aws_elasticsearch_domain", &["access_policies"]),
    ("aws_elasticsearch_domain_policy", &["access_policies"]),
    ("aws_glacier_vault", &["access_policy"]),
    ("aws_glacier_vault_lock", &["access_policy"]),
    ("aws_glue_resource_policy", &["policy"]),
    ("aws_iot_policy", &["policy"]),
    ("aws_kms_external_key", &["policy"]),
    ("aws_kms_key", &["policy"]),
    ("aws_kms_replica_external_key", &["policy"]),
    ("aws_kms_replica_key", &["policy"]),
    ("aws_media_store_container_policy", &["policy"]),
    ("aws_networkfirewall_resource_policy", &["policy"]),
    ("aws_opensearch_domain", &["access_policies"]),
    ("aws_opensearch_domain_policy", &["access_policies"]),
    ("aws_organizations_policy", &["content"]),
    ("aws_s3_access_point", &["policy"]),
    ("aws_s3_bucket", &["policy"]),
    ("aws_s3_bucket_policy", &["policy"]),
    ("aws_s3control_access_point_policy", &["policy"]),
    ("aws_s3control_bucket_policy", &["policy"]),
    ("aws_s3control_multi_region_access_point_policy", &["details.policy"]),
    ("aws_s3control_object_lambda_access_point_policy", &["policy"]),
    ("aws_ses_identity_policy", &["policy"]),
    ("aws_sns_topic", &["policy"]),
    ("aws_sns_topic_policy", &["policy"]),
    ("aws_sqs_queue", &["policy"]),
    ("aws_sqs_queue_policy", &["policy"]),
    ("aws_ssoadmin_permission_set_inline_policy", &["inline_policy"]),
    ("aws_sagemaker_model_package_group_policy", &["resource_policy"]),
    ("aws_secretsmanager_secret", &["policy"]),
    ("aws_secretsmanager_secret_policy", &["policy"]),
    ("aws_transfer_access", &["policy"]),
    ("aws_transfer_user", &["policy"]),
    ("aws_vpc_endpoint", &["policy"]),
    ("aws_s3tables_table_bucket_policy", &["resource_policy"]),
    ("aws_s3tables_table_policy", &["resource_policy"]),
    ("aws_kinesis_resource_policy", &["policy"]),
    ("aws_dynamodb_resource_policy", &["policy"]),
    ("aws_lambda_permission", &[]),
];

/// tf-policy-validator's `arnServiceMap`: the attribute naming the resource
/// in findings, and the placeholder when the plan lacks it.
const NAMES: &[(&str, &str)] = &[
    ("aws_iam_policy", "name?fakename"),
    ("aws_iam_user_policy", "name?fakename"),
    ("aws_iam_role", "name?fakename"),
    ("aws_iam_role_policy", "name"),
    ("aws_iam_group_policy", "name"),
    ("aws_api_gateway_rest_api_policy", "rest_api_id?fakeRestApiId"),
    ("aws_backup_vault_policy", "backup_vault_name?fakeBackupVaultName"),
    ("aws_cloudwatch_event_bus_policy", "event_bus_name?fakeEventBusName"),
    ("aws_cloudwatch_log_destination_policy", "destination_name?fakeDestinationName"),
    ("aws_codeartifact_domain_permissions_policy", "domain?fakeDomain"),
    ("aws_codeartifact_repository_permissions_policy", "repository?fakeRepository"),
    ("aws_codebuild_resource_policy", "?fakename"),
    ("aws_ecr_registry_policy", "?fakename"),
    ("aws_ecr_repository_policy", "repository?fakeRepositoryName"),
    ("aws_ecrpublic_repository_policy", "repository_name?fakeRepositoryName"),
    ("aws_efs_file_system_policy", "file_system_id?fakeFileSystemId"),
    ("aws_elasticsearch_domain", "domain_name?fakeDomainName"),
    ("aws_elasticsearch_domain_policy", "domain_name?fakeDomainName"),
    ("aws_glacier_vault", "name?fakename"),
    ("aws_glacier_vault_lock", "vault_name?fakeVaultName"),
    ("aws_glue_resource_policy", "?fakeName"),
    ("aws_iot_policy", "name?fakename"),
    ("aws_kms_external_key", "?fakeName"),
    ("aws_kms_key", "?fakeName"),
    ("aws_kms_replica_external_key", "?fakeName"),
    ("aws_kms_replica_key", "?fakeName"),
    ("aws_media_store_container_policy", "container_name?fakeContainerName"),
    ("aws_networkfirewall_resource_policy", "resource_arn?fakeResourceArn"),
    ("aws_opensearch_domain", "domain_name?fakeDomainName"),
    ("aws_opensearch_domain_policy", "domain_name?fakeDomainName"),
    ("aws_organizations_policy", "name?fakename"),
    ("aws_s3_access_point", "name?fakename"),
    ("aws_s3_bucket", "bucket?fakeBucket"),
    ("aws_s3_bucket_policy", "bucket?fakeBucket"),
    ("aws_s3control_access_point_policy", "access_point_arn?fakeAccessPointArn"),
    ("aws_s3control_bucket_policy", "bucket?fakeBucket"),
    ("aws_s3control_multi_region_access_point_policy", "details.name?fakename"),
    ("aws_s3control_object_lambda_access_point_policy", "name?fakename"),
    ("aws_ses_identity_policy", "name?fakename"),
    ("aws_sns_topic", "name?fakename"),
    ("aws_sns_topic_policy", "arn?fakename"),
    ("aws_sqs_queue", "name?fakename"),
    ("aws_sqs_queue_policy", "?fakeQueueUrl"),
    ("aws_ssoadmin_permission_set_inline_policy", "instance_arn?fakeSSOInstanceArn"),
    (
        "aws_sagemaker_model_package_group_policy",
        "model_package_group_name?fakeModelPackageGroupName",
    ),
    ("aws_secretsmanager_secret", "name?fakename"),
    ("aws_secretsmanager_secret_policy", "secret_arn?fakeSecretArn"),
    ("aws_transfer_access", "server_id?fakeServerId"),
    ("aws_transfer_user", "user_name?fakeUserName"),
    ("aws_vpc_endpoint", "?fakeName"),
    ("aws_s3tables_table_bucket_policy", "table_bucket_arn?fakeTableBucketARN"),
    ("aws_s3tables_table_policy", "table_bucket_arn?fakeTableBucketARN"),
    ("aws_kinesis_resource_policy", "resource_arn?fakeResourceArn"),
    ("aws_dynamodb_resource_policy", "resource_arn?fakeResourceArn"),
    ("aws_lambda_permission", "function_name?fakeFunctionName"),
];

/// tf-policy-validator's `RESOURCE_TYPE_MAP`: the check-no-public-access
/// resource type of each Terraform type (`iamcheck_AccessAnalyzer.py`).
const PUBLIC: &[(&str, &str)] = &[
    ("aws_efs_file_system_policy", "AWS::EFS::FileSystem"),
    ("aws_opensearch_domain", "AWS::OpenSearchService::Domain"),
    ("aws_opensearch_domain_policy", "AWS::OpenSearchService::Domain"),
    ("aws_kms_key", "AWS::KMS::Key"),
    ("aws_s3_bucket", "AWS::S3::Bucket"),
    ("aws_s3_bucket_policy", "AWS::S3::Bucket"),
    ("aws_s3_access_point", "AWS::S3::AccessPoint"),
    ("aws_s3control_access_point_policy", "AWS::S3::AccessPoint"),
    ("aws_glacier_vault", "AWS::S3::Glacier"),
    ("aws_glacier_vault_lock", "AWS::S3::Glacier"),
    ("aws_s3control_bucket_policy", "AWS::S3Outposts::Bucket"),
    ("aws_secretsmanager_secret", "AWS::SecretsManager::Secret"),
    ("aws_secretsmanager_secret_policy", "AWS::SecretsManager::Secret"),
    ("aws_sns_topic", "AWS::SNS::Topic"),
    ("aws_sns_topic_policy", "AWS::SNS::Topic"),
    ("aws_sqs_queue", "AWS::SQS::Queue"),
    ("aws_sqs_queue_policy", "AWS::SQS::Queue"),
    ("aws_s3tables_table_bucket_policy", "AWS::S3Tables::TableBucket"),
    ("aws_api_gateway_rest_api", "AWS::ApiGateway::RestApi"),
    ("aws_api_gateway_rest_api_policy", "AWS::ApiGateway::RestApi"),
    ("aws_codeartifact_domain_permissions_policy", "AWS::CodeArtifact::Domain"),
    ("aws_backup_vault_policy", "AWS::Backup::BackupVault"),
    ("aws_s3tables_table_policy", "AWS::S3Tables::Table"),
    ("aws_lambda_permission", "AWS::Lambda::Function"),
    ("aws_dynamodb_resource_policy", "AWS::DynamoDB::Table"),
    ("aws_kinesis_resource_policy", "AWS::Kinesis::Stream"),
];

/// tf-policy-validator's `get_policy_type`: the IAM types hold identity
/// policies (a role's `assume_role_policy` is a resource policy), and so
/// does an SSO permission set's inline policy (which tf-policy-validator
/// reads as a resource policy); every other type holds a resource policy.
fn policy_type(ty: &str, attribute: &str) -> PolicyType {
    match ty {
        "aws_iam_role" if attribute == "assume_role_policy" => PolicyType::Resource,
        "aws_iam_group_policy"
        | "aws_iam_policy"
        | "aws_iam_role"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_ssoadmin_permission_set_inline_policy" => PolicyType::Identity,
        _ => PolicyType::Resource,
    }
}

/// Whether a tree is a Terraform plan.
pub fn is_plan(tree: &Json) -> bool {
    get(tree, "format_version").is_some()
        && (get(tree, "planned_values").is_some() || get(tree, "resource_changes").is_some())
}

/// Finds every policy of a plan.
///
/// # Errors
/// A located error when a field the front end reads has the wrong JSON
/// type (`planned_values.root_module.resources` not an array …).
pub fn extract(file: &str, plan: &Json, options: &Options) -> Result<Found, IacError> {
    let mut found = Found {
        file: file.to_string(),
        format: Format::TerraformPlan,
        policies: Vec::new(),
        skipped: Vec::new(),
    };
    let Some(root) = get(plan, "planned_values").and_then(|p| get(p, "root_module")) else {
        return Ok(found);
    };
    let changes = get(plan, "resource_changes");
    let configuration = get(plan, "configuration").and_then(|c| get(c, "root_module"));
    let mut modules = vec![(root, "planned_values.root_module".to_string())];
    while let Some((module, path)) = modules.pop() {
        if let Some(resources) = get(module, "resources") {
            for (i, resource) in items(resources, &format!("{path}.resources"))?.iter().enumerate()
            {
                let rpath = format!("{path}.resources[{i}]");
                let plan = Plan { changes, configuration, file, options };
                read_resource(resource, &rpath, &plan, &mut found)?;
            }
        }
        if let Some(children) = get(module, "child_modules") {
            let list = items(children, &format!("{path}.child_modules"))?;
            // Reversed so that the stack visits modules in document order.
            for (i, child) in list.iter().enumerate().rev() {
                modules.push((child, format!("{path}.child_modules[{i}]")));
            }
        }
    }
    Ok(found)
}

struct Res<'a> {
    address: String,
    ty: String,
    values: Option<&'a Json>,
    unknown: Option<&'a Json>,
    node: &'a Json,
    file: &'a str,
}

/// The parts of a plan every resource reads.
struct Plan<'a> {
    changes: Option<&'a Json>,
    configuration: Option<&'a Json>,
    file: &'a str,
    options: &'a Options,
}

/// The configuration's expressions of the resource at a planned address:
/// `module.a[0].module.b.aws_x.y["k"]` is resource `aws_x.y` in module
/// call `b` of module call `a`.
fn expressions<'a>(configuration: &'a Json, address: &str) -> Option<&'a Json> {
    let parts = split_address(address);
    let mut module = configuration;
    let mut rest = parts.as_slice();
    while let [m, name, tail @ ..] = rest {
        if m != "module" {
            break;
        }
        module = get(get(get(module, "module_calls")?, name)?, "module")?;
        rest = tail;
    }
    let local = rest.join(".");
    let resources = get(module, "resources")?;
    let Kind::Array(list) = &resources.kind else { return None };
    list.iter()
        .find(|r| get(r, "address").and_then(scalar_text).is_some_and(|a| a == local))
        .and_then(|r| get(r, "expressions"))
}

/// An address's dot-separated parts without instance keys (`[0]`, `["k"]`).
fn split_address(address: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            c if depth == 0 => current.push(c),
            _ => {}
        }
    }
    parts.push(current);
    parts
}

/// Whether an unknown attribute is one the configuration sets: Terraform
/// marks an optional, computed attribute (`aws_s3_bucket.policy`,
/// `aws_iam_role.inline_policy`) unknown when the configuration leaves it
/// out; then it holds no policy of this resource's own. Without a
/// configuration section, every unknown attribute counts as set.
fn declared(plan: &Plan<'_>, address: &str, attribute: &str) -> bool {
    match plan.configuration {
        None => true,
        Some(c) => expressions(c, address).is_none_or(|e| get(e, attribute).is_some()),
    }
}

fn read_resource(
    resource: &Json,
    path: &str,
    plan: &Plan<'_>,
    found: &mut Found,
) -> Result<(), IacError> {
    let (changes, file, options) = (plan.changes, plan.file, plan.options);
    entries(resource, path)?;
    if get(resource, "mode").and_then(scalar_text).is_some_and(|m| m == "data") {
        return Ok(());
    }
    let ty = match get(resource, "type") {
        Some(t) => string(t, &format!("{path}.type"))?.to_string(),
        None => return Err(IacError::at(resource, path, "a resource without `type`")),
    };
    let Some((_, attributes)) = ATTRIBUTES.iter().find(|(t, _)| *t == ty) else { return Ok(()) };
    let address = match get(resource, "address") {
        Some(a) => string(a, &format!("{path}.address"))?.to_string(),
        None => return Err(IacError::at(resource, path, "a resource without `address`")),
    };
    if options.exclude_resource_types.iter().any(|x| x.eq_ignore_ascii_case(&ty)) {
        found.skipped.push(Skipped {
            resource: address,
            resource_type: ty,
            reason: "excluded by --exclude-resource-types".into(),
            line: resource.line,
        });
        return Ok(());
    }
    let values = get(resource, "values");
    if let Some(v) = values {
        entries(v, &format!("{path}.values"))?;
    }
    let unknown = changes.and_then(|c| after_unknown(c, &address));
    let r = Res { address, ty, values, unknown, node: resource, file };
    if r.ty == "aws_lambda_permission" {
        found.policies.push(lambda_permission(&r, options)?);
        return Ok(());
    }
    for attribute in *attributes {
        match attribute.split_once('.') {
            None => {
                let value = r.values.and_then(|v| get(v, attribute));
                let unknown = r.unknown.and_then(|u| get(u, attribute)).is_some_and(is_true);
                if unknown && value.is_none() && !declared(plan, &r.address, attribute) {
                    found.skipped.push(not_declared(&r, attribute));
                    continue;
                }
                if let Some(p) = policy(&r, attribute, r.address.clone(), value, unknown, path)? {
                    found.policies.push(p);
                }
            }
            Some((block, key)) => {
                let Some(blocks) = r.values.and_then(|v| get(v, block)) else {
                    if r.unknown.and_then(|u| get(u, block)).is_some_and(is_true) {
                        if declared(plan, &r.address, block) {
                            let name = format!("{}.{block}", r.address);
                            found.policies.push(unknown_policy(&r, attribute, name, r.node));
                        } else {
                            found.skipped.push(not_declared(&r, block));
                        }
                    }
                    continue;
                };
                let list = match &blocks.kind {
                    Kind::Array(list) => list.as_slice(),
                    Kind::Object(_) => std::slice::from_ref(blocks),
                    Kind::Null => &[],
                    other => {
                        return Err(IacError::at(
                            blocks,
                            &format!("{path}.values.{block}"),
                            format!("expected a list of blocks, found {}", other.describe()),
                        ))
                    }
                };
                for (i, b) in list.iter().enumerate() {
                    let value = get(b, key);
                    let unknown = r
                        .unknown
                        .and_then(|u| get(u, block))
                        .and_then(|u| match &u.kind {
                            Kind::Array(l) => l.get(i),
                            _ => Some(u),
                        })
                        .is_some_and(|u| is_true(u) || get(u, key).is_some_and(is_true));
                    let name = format!("{}.{block}.{i}", r.address);
                    if let Some(p) = policy(&r, attribute, name, value, unknown, path)? {
                        found.policies.push(p);
                    }
                }
            }
        }
    }
    Ok(())
}

fn not_declared(r: &Res<'_>, attribute: &str) -> Skipped {
    Skipped {
        resource: r.address.clone(),
        resource_type: r.ty.clone(),
        reason: format!("`{attribute}` is known only after apply and the configuration does not set it (a computed attribute: policies attached by other resources are checked there)"),
        line: r.node.line,
    }
}

fn is_true(v: &Json) -> bool {
    matches!(v.kind, Kind::Bool(true))
}

/// `change.after_unknown` of the resource change at `address`.
fn after_unknown<'a>(changes: &'a Json, address: &str) -> Option<&'a Json> {
    let Kind::Array(list) = &changes.kind else { return None };
    list.iter()
        .find(|c| get(c, "address").and_then(scalar_text).is_some_and(|a| a == address))
        .and_then(|c| get(c, "change"))
        .and_then(|c| get(c, "after_unknown"))
}

/// The resource's name for findings (tf-policy-validator's `arnServiceMap`).
fn resource_name(r: &Res<'_>) -> String {
    let spec = NAMES.iter().find(|(t, _)| *t == r.ty).map_or("?fakename", |(_, s)| *s);
    let (attribute, default) = spec.split_once('?').unwrap_or((spec, ""));
    let value = match attribute.split_once('.') {
        Some((block, key)) => r.values.and_then(|v| get(v, block)).and_then(|b| match &b.kind {
            Kind::Array(l) => l.first().and_then(|b| get(b, key)),
            _ => get(b, key),
        }),
        None if attribute.is_empty() => None,
        None => r.values.and_then(|v| get(v, attribute)),
    };
    value.and_then(scalar_text).filter(|s| !s.is_empty()).unwrap_or_else(|| default.to_string())
}

fn public_type(ty: &str, attribute: &str) -> Option<String> {
    if ty == "aws_iam_role" && attribute == "assume_role_policy" {
        return Some("AWS::IAM::AssumeRolePolicyDocument".into());
    }
    PUBLIC.iter().find(|(t, _)| *t == ty).map(|(_, p)| (*p).to_string())
}

fn base(r: &Res<'_>, attribute: &str, policy_name: String, at: &Json) -> FoundPolicy {
    let leaf = attribute.rsplit('.').next().unwrap_or(attribute);
    FoundPolicy {
        resource: r.address.clone(),
        resource_type: r.ty.clone(),
        resource_name: resource_name(r),
        policy_name,
        policy_type: policy_type(&r.ty, leaf),
        public_access_type: public_type(&r.ty, leaf),
        document: None,
        file: r.file.to_string(),
        line: at.line,
        statement_lines: Vec::new(),
        unresolved: Vec::new(),
        attached_to: None,
    }
}

fn unknown_policy(r: &Res<'_>, attribute: &str, policy_name: String, at: &Json) -> FoundPolicy {
    let mut p = base(r, attribute, policy_name, at);
    p.unresolved.push(Unresolved {
        what: format!("`{}.{attribute}` is known only after apply (after_unknown)", r.address),
        stand_in: String::new(),
        line: at.line,
    });
    p
}

/// The policy at one attribute: parsed from its JSON text, unknown until
/// apply, or absent (`None`: null or empty, as tf-policy-validator skips).
fn policy(
    r: &Res<'_>,
    attribute: &str,
    policy_name: String,
    value: Option<&Json>,
    unknown: bool,
    path: &str,
) -> Result<Option<FoundPolicy>, IacError> {
    if unknown {
        return Ok(Some(unknown_policy(r, attribute, policy_name, value.unwrap_or(r.node))));
    }
    let Some(value) = value else { return Ok(None) };
    let mut p = base(r, attribute, policy_name, value);
    let tree = match &value.kind {
        Kind::Null => return Ok(None),
        Kind::String(s) if s.trim().is_empty() => return Ok(None),
        Kind::String(s) => match crate::parse::json::parse(s, crate::parse::MAX_DEPTH_CEILING) {
            Ok(tree) => tree,
            Err(e) => {
                return Err(IacError::at(
                    value,
                    &format!("{path}.values.{attribute}"),
                    format!("the policy text is not JSON: {e}"),
                ))
            }
        },
        Kind::Object(_) => value.clone(),
        other => {
            return Err(IacError::at(
                value,
                &format!("{path}.values.{attribute}"),
                format!("expected policy JSON text, found {}", other.describe()),
            ))
        }
    };
    // The policy is one string on one line of the plan: every statement is there.
    let count = super::cfn::statement_lines(&tree).len();
    p.statement_lines = vec![value.line; count];
    let mut doc = super::json::to_value(&tree);
    interpolate(&mut doc, r, &mut p.unresolved, value.line);
    p.document = Some(doc);
    Ok(Some(p))
}

/// Names `${…}` interpolations left in a plan's strings (a template
/// directive Terraform did not evaluate), as tf-policy-validator's
/// `parserHclString` warns; IAM policy variables (`${aws:username}`) are
/// not interpolations.
fn interpolate(v: &mut serde_json::Value, r: &Res<'_>, out: &mut Vec<Unresolved>, line: usize) {
    match v {
        serde_json::Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                let inner = rest.get(i + 2..).unwrap_or("");
                let end = inner.find('}').unwrap_or(inner.len());
                let expr = inner.get(..end).unwrap_or("");
                if !expr.contains(':') && !expr.is_empty() && !matches!(expr, "*" | "?" | "$") {
                    out.push(Unresolved {
                        what: format!(
                            "`${{{expr}}}` in `{}` is a Terraform expression left unevaluated",
                            r.address
                        ),
                        stand_in: format!("${{{expr}}}"),
                        line,
                    });
                }
                rest = inner.get(end..).unwrap_or("");
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| interpolate(x, r, out, line)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| interpolate(x, r, out, line)),
        _ => {}
    }
}

/// The statement tf-policy-validator synthesizes from an
/// `aws_lambda_permission` (`generatePolicyForLambda`), with the function
/// ARN built as for CloudFormation and `principal_org_id` as the
/// `aws:PrincipalOrgID` condition.
fn lambda_permission(r: &Res<'_>, options: &Options) -> Result<FoundPolicy, IacError> {
    let name = r.address.clone();
    let mut p = base(r, "policy", name, r.node);
    let value =
        |k: &str| r.values.and_then(|v| get(v, k)).and_then(scalar_text).filter(|s| !s.is_empty());
    let unknown = |k: &str| r.unknown.and_then(|u| get(u, k)).is_some_and(is_true);
    let stand_in = |k: &str, p: &mut FoundPolicy| -> Option<String> {
        match value(k) {
            Some(v) => Some(v),
            None if unknown(k) => {
                let s = format!("iamcheck-unresolved-{k}");
                p.unresolved.push(Unresolved {
                    what: format!("`{}.{k}` is known only after apply (after_unknown)", r.address),
                    stand_in: s.clone(),
                    line: r.node.line,
                });
                Some(s)
            }
            None => None,
        }
    };
    let (Some(action), Some(function), Some(principal)) = (
        stand_in("action", &mut p),
        stand_in("function_name", &mut p),
        stand_in("principal", &mut p),
    ) else {
        p.unresolved.push(Unresolved {
            what: format!(
                "`{}` has no `action`, `function_name` or `principal` in the plan",
                r.address
            ),
            stand_in: String::new(),
            line: r.node.line,
        });
        return Ok(p);
    };
    let conditions = super::cfn::Conditions {
        source_arn: stand_in("source_arn", &mut p),
        source_account: stand_in("source_account", &mut p),
        org: stand_in("principal_org_id", &mut p),
    };
    let arn = super::cfn::function_arn_for(&function, options);
    let statement = super::cfn::permission_statement(&action, &principal, &arn, &conditions);
    p.document = Some(serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}));
    p.statement_lines = vec![r.node.line];
    Ok(p)
}

/// Whether a Terraform resource type holds a policy this front end reads.
pub fn is_policy_type(ty: &str) -> bool {
    ATTRIBUTES.iter().any(|(t, _)| *t == ty)
}

#[cfg(test)]
mod tests;
