//! What `Ref` and `Fn::GetAtt` return for the resource types policies name
//! most (CloudFormation user guide, each type's "Return values" section),
//! and the ARN patterns of those types (Service Authorization Reference).
//! A type not listed gets its name for `Ref` and a generic ARN
//! `arn:PARTITION:SERVICE:REGION:ACCOUNT:NAME` for `*Arn`, named as a
//! stand-in; a generated name is the logical name, named too.

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
    /// `{p}` partition, `{r}` region, `{a}` account, `{n}` name, `{path}` IAM path,
    /// `{n/}` the name without a leading `/`, `{prop:P}` the resource's property `P`
    /// (the last part of an ARN given there; `{prop:P|d}`: `d` when absent).
    pub arn: Option<&'static str>,
    /// `Fn::GetAtt` attributes that return the name.
    pub name_attributes: &'static [&'static str],
    /// `Fn::GetAtt` attributes besides `Arn` that return the ARN.
    pub arn_attributes: &'static [&'static str],
}

const fn t(
    ty: &'static str,
    name_property: Option<&'static str>,
    reference: Refers,
    arn: &'static str,
    name_attributes: &'static [&'static str],
) -> TypeInfo {
    TypeInfo { ty, name_property, reference, arn: Some(arn), name_attributes, arn_attributes: &[] }
}

impl TypeInfo {
    /// The same, with `attributes` returning the ARN too.
    const fn arns(self, attributes: &'static [&'static str]) -> TypeInfo {
        TypeInfo { arn_attributes: attributes, ..self }
    }
}

use Refers::{Arn, Name};

/// The types, each with the ARN format of the Service Authorization Reference ("Resource
/// types defined by …" of its service; the unit test `arns_fit_the_reference` checks every
/// pattern against the catalogue generated from it) and the return values of the
/// CloudFormation user guide. Types whose `Ref` returns a generated id (`CloudFront`
/// distributions, EC2 ids, …) have no name property: the logical name stands in, named.
const TYPES: &[TypeInfo] = &[
    t("AWS::IAM::Role", Some("RoleName"), Name, "arn:{p}:iam::{a}:role{path}{n}", &[]),
    t("AWS::IAM::User", Some("UserName"), Name, "arn:{p}:iam::{a}:user{path}{n}", &[]),
    t("AWS::IAM::Group", Some("GroupName"), Name, "arn:{p}:iam::{a}:group{path}{n}", &[]),
    t(
        "AWS::IAM::ManagedPolicy",
        Some("ManagedPolicyName"),
        Arn,
        "arn:{p}:iam::{a}:policy{path}{n}",
        &[],
    )
    .arns(&["PolicyArn"]),
    t(
        "AWS::IAM::InstanceProfile",
        Some("InstanceProfileName"),
        Name,
        "arn:{p}:iam::{a}:instance-profile{path}{n}",
        &[],
    ),
    t("AWS::S3::Bucket", Some("BucketName"), Name, "arn:{p}:s3:::{n}", &[]),
    t("AWS::S3::AccessPoint", Some("Name"), Name, "arn:{p}:s3:{r}:{a}:accesspoint/{n}", &["Name"]),
    t(
        "AWS::SQS::Queue",
        Some("QueueName"),
        Refers::QueueUrl,
        "arn:{p}:sqs:{r}:{a}:{n}",
        &["QueueName"],
    ),
    t("AWS::SNS::Topic", Some("TopicName"), Arn, "arn:{p}:sns:{r}:{a}:{n}", &["TopicName"])
        .arns(&["TopicArn"]),
    t("AWS::KMS::Key", None, Name, "arn:{p}:kms:{r}:{a}:key/{n}", &["KeyId"]),
    t("AWS::KMS::Alias", Some("AliasName"), Name, "arn:{p}:kms:{r}:{a}:{n}", &[]),
    t(
        "AWS::Lambda::Function",
        Some("FunctionName"),
        Name,
        "arn:{p}:lambda:{r}:{a}:function:{n}",
        &[],
    ),
    // AWS SAM's function (the `AWS::Serverless-2016-10-31` transform makes it a Lambda function).
    t(
        "AWS::Serverless::Function",
        Some("FunctionName"),
        Name,
        "arn:{p}:lambda:{r}:{a}:function:{n}",
        &[],
    ),
    t(
        "AWS::Lambda::Alias",
        Some("Name"),
        Arn,
        "arn:{p}:lambda:{r}:{a}:function:{prop:FunctionName}:{n}",
        &[],
    )
    .arns(&["AliasArn"]),
    t(
        "AWS::Lambda::Version",
        None,
        Arn,
        "arn:{p}:lambda:{r}:{a}:function:{prop:FunctionName}:{n}",
        &["Version"],
    ),
    t(
        "AWS::Lambda::LayerVersion",
        None,
        Arn,
        "arn:{p}:lambda:{r}:{a}:layer:{prop:LayerName}:{n}",
        &[],
    )
    .arns(&["LayerVersionArn"]),
    t(
        "AWS::SecretsManager::Secret",
        Some("Name"),
        Arn,
        "arn:{p}:secretsmanager:{r}:{a}:secret:{n}",
        &[],
    )
    .arns(&["Id"]),
    t("AWS::DynamoDB::Table", Some("TableName"), Name, "arn:{p}:dynamodb:{r}:{a}:table/{n}", &[]),
    t(
        "AWS::DynamoDB::GlobalTable",
        Some("TableName"),
        Name,
        "arn:{p}:dynamodb:{r}:{a}:table/{n}",
        &[],
    ),
    t(
        "AWS::Logs::LogGroup",
        Some("LogGroupName"),
        Name,
        "arn:{p}:logs:{r}:{a}:log-group:{n}:*",
        &[],
    ),
    t(
        "AWS::Logs::LogStream",
        Some("LogStreamName"),
        Name,
        "arn:{p}:logs:{r}:{a}:log-group:{prop:LogGroupName}:log-stream:{n}",
        &[],
    ),
    t(
        "AWS::Logs::Destination",
        Some("DestinationName"),
        Name,
        "arn:{p}:logs:{r}:{a}:destination:{n}",
        &[],
    ),
    t("AWS::Kinesis::Stream", Some("Name"), Name, "arn:{p}:kinesis:{r}:{a}:stream/{n}", &[]),
    t(
        "AWS::KinesisFirehose::DeliveryStream",
        Some("DeliveryStreamName"),
        Name,
        "arn:{p}:firehose:{r}:{a}:deliverystream/{n}",
        &[],
    ),
    t(
        "AWS::StepFunctions::StateMachine",
        Some("StateMachineName"),
        Arn,
        "arn:{p}:states:{r}:{a}:stateMachine:{n}",
        &["Name"],
    ),
    t(
        "AWS::StepFunctions::Activity",
        Some("Name"),
        Arn,
        "arn:{p}:states:{r}:{a}:activity:{n}",
        &["Name"],
    ),
    t(
        "AWS::Events::EventBus",
        Some("Name"),
        Name,
        "arn:{p}:events:{r}:{a}:event-bus/{n}",
        &["Name"],
    ),
    t("AWS::Events::Rule", Some("Name"), Name, "arn:{p}:events:{r}:{a}:rule/{n}", &[]),
    t(
        "AWS::Scheduler::Schedule",
        Some("Name"),
        Name,
        "arn:{p}:scheduler:{r}:{a}:schedule/{prop:GroupName|default}/{n}",
        &[],
    ),
    t(
        "AWS::ECR::Repository",
        Some("RepositoryName"),
        Name,
        "arn:{p}:ecr:{r}:{a}:repository/{n}",
        &[],
    ),
    t("AWS::ECS::Cluster", Some("ClusterName"), Name, "arn:{p}:ecs:{r}:{a}:cluster/{n}", &[]),
    t(
        "AWS::ECS::Service",
        Some("ServiceName"),
        Arn,
        "arn:{p}:ecs:{r}:{a}:service/{prop:Cluster|default}/{n}",
        &["Name"],
    )
    .arns(&["ServiceArn"]),
    t("AWS::EKS::Cluster", Some("Name"), Name, "arn:{p}:eks:{r}:{a}:cluster/{n}", &[]),
    t(
        "AWS::EFS::FileSystem",
        None,
        Name,
        "arn:{p}:elasticfilesystem:{r}:{a}:file-system/{n}",
        &["FileSystemId"],
    ),
    t(
        "AWS::EFS::AccessPoint",
        None,
        Name,
        "arn:{p}:elasticfilesystem:{r}:{a}:access-point/{n}",
        &["AccessPointId"],
    ),
    t(
        "AWS::RDS::DBInstance",
        Some("DBInstanceIdentifier"),
        Name,
        "arn:{p}:rds:{r}:{a}:db:{n}",
        &[],
    )
    .arns(&["DBInstanceArn"]),
    t(
        "AWS::RDS::DBCluster",
        Some("DBClusterIdentifier"),
        Name,
        "arn:{p}:rds:{r}:{a}:cluster:{n}",
        &[],
    )
    .arns(&["DBClusterArn"]),
    t(
        "AWS::ElastiCache::ReplicationGroup",
        Some("ReplicationGroupId"),
        Name,
        "arn:{p}:elasticache:{r}:{a}:replicationgroup:{n}",
        &[],
    ),
    t(
        "AWS::OpenSearchService::Domain",
        Some("DomainName"),
        Name,
        "arn:{p}:es:{r}:{a}:domain/{n}",
        &[],
    )
    .arns(&["DomainArn"]),
    t("AWS::Elasticsearch::Domain", Some("DomainName"), Name, "arn:{p}:es:{r}:{a}:domain/{n}", &[])
        .arns(&["DomainArn"]),
    t(
        "AWS::ApiGateway::RestApi",
        None,
        Name,
        "arn:{p}:apigateway:{r}::/restapis/{n}",
        &["RestApiId"],
    ),
    t(
        "AWS::ApiGateway::Stage",
        Some("StageName"),
        Name,
        "arn:{p}:apigateway:{r}::/restapis/{prop:RestApiId}/stages/{n}",
        &[],
    ),
    t("AWS::ApiGatewayV2::Api", None, Name, "arn:{p}:apigateway:{r}::/apis/{n}", &["ApiId"]),
    t("AWS::AppSync::GraphQLApi", None, Arn, "arn:{p}:appsync:{r}:{a}:apis/{n}", &["ApiId"]),
    t(
        "AWS::Cognito::UserPool",
        None,
        Name,
        "arn:{p}:cognito-idp:{r}:{a}:userpool/{n}",
        &["UserPoolId"],
    ),
    t(
        "AWS::Cognito::IdentityPool",
        None,
        Name,
        "arn:{p}:cognito-identity:{r}:{a}:identitypool/{n}",
        &["Id"],
    ),
    t(
        "AWS::CloudFront::Distribution",
        None,
        Name,
        "arn:{p}:cloudfront::{a}:distribution/{n}",
        &["Id"],
    ),
    t("AWS::IoT::TopicRule", Some("RuleName"), Name, "arn:{p}:iot:{r}:{a}:rule/{n}", &[]),
    t("AWS::SSM::Parameter", Some("Name"), Name, "arn:{p}:ssm:{r}:{a}:parameter/{n/}", &[]),
    t(
        "AWS::SageMaker::Endpoint",
        Some("EndpointName"),
        Arn,
        "arn:{p}:sagemaker:{r}:{a}:endpoint/{n}",
        &["EndpointName"],
    ),
    t(
        "AWS::Bedrock::ApplicationInferenceProfile",
        None,
        Arn,
        "arn:{p}:bedrock:{r}:{a}:application-inference-profile/{n}",
        &["InferenceProfileId"],
    )
    .arns(&["InferenceProfileArn"]),
    t(
        "AWS::S3Tables::TableBucket",
        Some("TableBucketName"),
        Arn,
        "arn:{p}:s3tables:{r}:{a}:bucket/{n}",
        &[],
    )
    .arns(&["TableBucketARN"]),
    t("AWS::CodePipeline::Pipeline", Some("Name"), Name, "arn:{p}:codepipeline:{r}:{a}:{n}", &[]),
    t("AWS::CodeBuild::Project", Some("Name"), Name, "arn:{p}:codebuild:{r}:{a}:project/{n}", &[]),
    t("AWS::Athena::WorkGroup", Some("Name"), Name, "arn:{p}:athena:{r}:{a}:workgroup/{n}", &[]),
    t(
        "AWS::CloudWatch::Alarm",
        Some("AlarmName"),
        Name,
        "arn:{p}:cloudwatch:{r}:{a}:alarm:{n}",
        &[],
    ),
    t(
        "AWS::CloudTrail::Trail",
        Some("TrailName"),
        Name,
        "arn:{p}:cloudtrail:{r}:{a}:trail/{n}",
        &[],
    ),
    t("AWS::EC2::Instance", None, Name, "arn:{p}:ec2:{r}:{a}:instance/{n}", &[]),
    t("AWS::EC2::VPC", None, Name, "arn:{p}:ec2:{r}:{a}:vpc/{n}", &["VpcId"]),
    t(
        "AWS::EC2::SecurityGroup",
        None,
        Name,
        "arn:{p}:ec2:{r}:{a}:security-group/{n}",
        &["GroupId"],
    ),
    t(
        "AWS::Backup::BackupVault",
        Some("BackupVaultName"),
        Name,
        "arn:{p}:backup:{r}:{a}:backup-vault:{n}",
        &["BackupVaultName"],
    )
    .arns(&["BackupVaultArn"]),
    t(
        "AWS::CodeArtifact::Domain",
        Some("DomainName"),
        Arn,
        "arn:{p}:codeartifact:{r}:{a}:domain/{n}",
        &["Name"],
    ),
    t(
        "AWS::SSO::PermissionSet",
        Some("Name"),
        Arn,
        "arn:{p}:sso:::permissionSet/ssoins-iamcheck/{n}",
        &[],
    )
    .arns(&["PermissionSetArn"]),
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
        .replace("{n/}", name.trim_start_matches('/'))
        .replace("{n}", name)
}

/// The stand-in ARN of a type not listed.
pub(crate) fn generic_arn(ty: &str, o: &Options, name: &str) -> String {
    let service = ty.split("::").nth(1).unwrap_or("unknown").to_ascii_lowercase();
    format!("arn:{}:{service}:{}:{}:{name}", o.partition, o.region, o.account_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::catalog::{catalog, format_matches};

    /// Every pattern, filled, is an ARN of one of the resource types the Service Authorization
    /// Reference defines for its service (the catalogue generated from it).
    #[test]
    fn arns_fit_the_reference() {
        let catalog = catalog().unwrap();
        let o = Options::default();
        let (mut checked, mut misfits) = (0, Vec::new());
        for info in TYPES {
            let Some(pattern) = info.arn else { continue };
            let mut pattern = pattern.to_string();
            while let Some(start) = pattern.find("{prop:") {
                let end = start + pattern[start..].find('}').unwrap();
                pattern.replace_range(start..=end, "example");
            }
            // An alias's name holds its `alias/` prefix (`AliasName: alias/example`).
            let name = if info.ty == "AWS::KMS::Alias" { "alias/example" } else { "example" };
            let arn = fill(&pattern, &o, name, "/");
            let service = arn.split(':').nth(2).unwrap();
            let fits = catalog
                .services()
                .iter()
                .filter(|s| s.prefix == service)
                .flat_map(|s| s.resource_types().iter())
                .any(|t| format_matches(t.arn, &arn));
            // SSO's permission set ARN names the instance: ours is a placeholder instance.
            if !fits && info.ty != "AWS::SSO::PermissionSet" {
                misfits.push(format!("{}: {arn}", info.ty));
            }
            checked += 1;
        }
        assert!(misfits.is_empty(), "{misfits:#?}");
        assert!(checked >= 60, "{checked}");
    }

    #[test]
    fn a_leading_slash_is_not_doubled() {
        let o = Options::default();
        assert_eq!(
            fill("arn:{p}:ssm:{r}:{a}:parameter/{n/}", &o, "/app/db", "/"),
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
        );
    }
}
