//! What `Ref` and `Fn::GetAtt` return for the resource types policies name
//! most (CloudFormation user guide, each type's "Return values" section),
//! and the ARN patterns of those types (Service Authorization Reference).
//! A type not listed gets its logical name for `Ref` and a generic ARN
//! `arn:PARTITION:SERVICE:REGION:ACCOUNT:LOGICAL-NAME` for `*Arn`, both
//! named as stand-ins when the name is not given.

use crate::iac::Options;

/// What `Ref` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refers {
    /// The physical name.
    Name,
    /// The ARN.
    Arn,
    /// The SQS queue URL.
    QueueUrl,
}

/// One resource type's return values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TypeInfo {
    pub ty: &'static str,
    /// The property that names the resource, if the template can.
    pub name_property: Option<&'static str>,
    pub reference: Refers,
    /// `{p}` partition, `{r}` region, `{a}` account, `{n}` name, `{path}` IAM path.
    pub arn: Option<&'static str>,
    /// `Fn::GetAtt` attributes that return the name.
    pub name_attributes: &'static [&'static str],
}

const fn t(
    ty: &'static str,
    name_property: Option<&'static str>,
    reference: Refers,
    arn: &'static str,
    name_attributes: &'static [&'static str],
) -> TypeInfo {
    TypeInfo { ty, name_property, reference, arn: Some(arn), name_attributes }
}

const TYPES: &[TypeInfo] = &[
    t("AWS::IAM::Role", Some("RoleName"), Refers::Name, "arn:{p}:iam::{a}:role{path}{n}", &[]),
    t("AWS::IAM::User", Some("UserName"), Refers::Name, "arn:{p}:iam::{a}:user{path}{n}", &[]),
    t("AWS::IAM::Group", Some("GroupName"), Refers::Name, "arn:{p}:iam::{a}:group{path}{n}", &[]),
    t(
        "AWS::IAM::ManagedPolicy",
        Some("ManagedPolicyName"),
        Refers::Arn,
        "arn:{p}:iam::{a}:policy{path}{n}",
        &[],
    ),
    t(
        "AWS::IAM::InstanceProfile",
        Some("InstanceProfileName"),
        Refers::Name,
        "arn:{p}:iam::{a}:instance-profile{path}{n}",
        &[],
    ),
    t("AWS::S3::Bucket", Some("BucketName"), Refers::Name, "arn:{p}:s3:::{n}", &[]),
    t(
        "AWS::S3::AccessPoint",
        Some("Name"),
        Refers::Name,
        "arn:{p}:s3:{r}:{a}:accesspoint/{n}",
        &["Name"],
    ),
    t(
        "AWS::SQS::Queue",
        Some("QueueName"),
        Refers::QueueUrl,
        "arn:{p}:sqs:{r}:{a}:{n}",
        &["QueueName"],
    ),
    t("AWS::SNS::Topic", Some("TopicName"), Refers::Arn, "arn:{p}:sns:{r}:{a}:{n}", &["TopicName"]),
    t("AWS::KMS::Key", None, Refers::Name, "arn:{p}:kms:{r}:{a}:key/{n}", &["KeyId"]),
    t("AWS::KMS::Alias", Some("AliasName"), Refers::Name, "arn:{p}:kms:{r}:{a}:{n}", &[]),
    t(
        "AWS::Lambda::Function",
        Some("FunctionName"),
        Refers::Name,
        "arn:{p}:lambda:{r}:{a}:function:{n}",
        &[],
    ),
    t(
        "AWS::SecretsManager::Secret",
        Some("Name"),
        Refers::Arn,
        "arn:{p}:secretsmanager:{r}:{a}:secret:{n}",
        &[],
    ),
    t(
        "AWS::DynamoDB::Table",
        Some("TableName"),
        Refers::Name,
        "arn:{p}:dynamodb:{r}:{a}:table/{n}",
        &[],
    ),
    t(
        "AWS::Logs::LogGroup",
        Some("LogGroupName"),
        Refers::Name,
        "arn:{p}:logs:{r}:{a}:log-group:{n}:*",
        &[],
    ),
    t(
        "AWS::Kinesis::Stream",
        Some("Name"),
        Refers::Name,
        "arn:{p}:kinesis:{r}:{a}:stream/{n}",
        &[],
    ),
    t(
        "AWS::StepFunctions::StateMachine",
        Some("StateMachineName"),
        Refers::Arn,
        "arn:{p}:states:{r}:{a}:stateMachine:{n}",
        &["Name"],
    ),
    t(
        "AWS::Events::EventBus",
        Some("Name"),
        Refers::Name,
        "arn:{p}:events:{r}:{a}:event-bus/{n}",
        &["Name"],
    ),
    t("AWS::Events::Rule", Some("Name"), Refers::Name, "arn:{p}:events:{r}:{a}:rule/{n}", &[]),
    t(
        "AWS::ECR::Repository",
        Some("RepositoryName"),
        Refers::Name,
        "arn:{p}:ecr:{r}:{a}:repository/{n}",
        &[],
    ),
    t(
        "AWS::ApiGateway::RestApi",
        None,
        Refers::Name,
        "arn:{p}:apigateway:{r}::/restapis/{n}",
        &["RestApiId"],
    ),
    t(
        "AWS::Backup::BackupVault",
        Some("BackupVaultName"),
        Refers::Name,
        "arn:{p}:backup:{r}:{a}:backup-vault:{n}",
        &["BackupVaultName"],
    ),
    t(
        "AWS::CodeArtifact::Domain",
        Some("DomainName"),
        Refers::Arn,
        "arn:{p}:codeartifact:{r}:{a}:domain/{n}",
        &["Name"],
    ),
    t(
        "AWS::SSO::PermissionSet",
        Some("Name"),
        Refers::Arn,
        "arn:{p}:sso:::permissionSet/ssoins-iamcheck/{n}",
        &[],
    ),
];

/// The return values of `ty`, if listed.
pub(crate) fn info(ty: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|i| i.ty == ty)
}

/// An ARN pattern filled in.
pub(crate) fn fill(pattern: &str, o: &Options, name: &str, iam_path: &str) -> String {
    pattern
        .replace("{p}", &o.partition)
        .replace("{r}", &o.region)
        .replace("{a}", &o.account_id)
        .replace("{path}", iam_path)
        .replace("{n}", name)
}

/// The stand-in ARN of a type not listed.
pub(crate) fn generic_arn(ty: &str, o: &Options, name: &str) -> String {
    let service = ty.split("::").nth(1).unwrap_or("unknown").to_ascii_lowercase();
    format!("arn:{}:{service}:{}:{}:{name}", o.partition, o.region, o.account_id)
}
