//! check-no-public-access and check-no-external-access: is some request
//! by an *outsider* allowed?
//!
//! An outsider is modelled by restricting the request's domain
//! (docs/public-access.md): its principal is none that the zone of trust
//! names, and every condition key that identifies the caller or its
//! origin (`aws:SourceAccount`, `aws:PrincipalOrgID`, …) is absent or has
//! a value the zone of trust does not name. Every other field and key is
//! free, as an outsider controls it. The check is then "the policy allows
//! some request of that domain".

use super::{decide, Config, Verdict};
use crate::encode::glob::{self, Pattern, ANY, SEGMENT};
use crate::encode::Restrict;
use crate::policy::condition::Family;
use crate::policy::{Policy, PolicyType, Principal};
use crate::values::{IpRange, Predicate};
use regex_syntax::escape;
use std::collections::BTreeMap;
use std::fmt;

/// The resource types of check-no-public-access (access-analyzer.md §1.4).
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
    "AWS::Kinesis::Stream",
    "AWS::Kinesis::StreamConsumer",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3Express::DirectoryBucket",
    "AWS::S3::Glacier",
    "AWS::S3Outposts::Bucket",
    "AWS::S3Outposts::AccessPoint",
    "AWS::SecretsManager::Secret",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::S3Tables::TableBucket",
    "AWS::ApiGateway::RestApi",
    "AWS::CodeArtifact::Domain",
    "AWS::Backup::BackupVault",
    "AWS::CloudTrail::Dashboard",
    "AWS::CloudTrail::EventDataStore",
    "AWS::S3Tables::Table",
    "AWS::S3Express::AccessPoint",
];

/// One of [`RESOURCE_TYPES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceType(&'static str);

impl ResourceType {
    /// Parses a resource type name exactly.
    ///
    /// # Errors
    /// An unknown name, with the list of valid ones.
    pub fn parse(name: &str) -> Result<ResourceType, String> {
        match RESOURCE_TYPES.iter().find(|t| **t == name) {
            Some(t) => Ok(ResourceType(t)),
            None => Err(format!(
                "unknown resource type `{name}`: expected one of {}",
                RESOURCE_TYPES.join(", ")
            )),
        }
    }

    /// The type's name.
    pub fn name(self) -> &'static str {
        self.0
    }

    /// The published definition of "public" that applies to the type
    /// (docs/public-access.md §2).
    fn rule(self) -> Rule {
        match self.0 {
            "AWS::S3::Bucket" | "AWS::S3Express::DirectoryBucket" | "AWS::S3Outposts::Bucket" => {
                Rule::S3Bucket
            }
            "AWS::S3::AccessPoint"
            | "AWS::S3Outposts::AccessPoint"
            | "AWS::S3Express::AccessPoint" => Rule::S3AccessPoint,
            "AWS::EFS::FileSystem" => Rule::Efs,
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::Stream" => Rule::DynamoDb,
            _ => Rule::AccessAnalyzer,
        }
    }
}

/// A published definition of a non-public policy: its trusted keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// S3 User Guide, "The meaning of public", bucket policies.
    S3Bucket,
    /// The same page, access point policies.
    S3AccessPoint,
    /// EFS User Guide, "Blocking public access", "The meaning of public".
    Efs,
    /// DynamoDB Developer Guide, "Blocking public access with resource-based policies".
    DynamoDb,
    /// No page for the type: the keys Access Analyzer's findings report (AACON, AAFK).
    AccessAnalyzer,
}

impl Rule {
    /// The trusted condition keys, folded, with how their values identify.
    fn keys(self) -> &'static [(&'static str, KeyKind)] {
        match self {
            Rule::S3Bucket => S3_BUCKET_KEYS,
            Rule::S3AccessPoint => S3_ACCESS_POINT_KEYS,
            Rule::Efs => EFS_KEYS,
            Rule::DynamoDb => DYNAMODB_KEYS,
            Rule::AccessAnalyzer => ACCESS_ANALYZER_KEYS,
        }
    }

    /// The keys holding the caller's address whose small ranges identify.
    fn ip_keys(self) -> &'static [&'static str] {
        match self {
            Rule::S3Bucket | Rule::S3AccessPoint | Rule::Efs => &["aws:sourceip"],
            Rule::DynamoDb => &[],
            Rule::AccessAnalyzer => &["aws:sourceip", "aws:vpcsourceip"],
        }
    }

    /// Whether an OIDC provider's `HOST:sub` key identifies (Access Analyzer's web-identity
    /// keys; no service page lists it).
    fn oidc_subject(self) -> bool {
        self == Rule::AccessAnalyzer
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The accounts and organizations whose principals are inside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneOfTrust {
    /// 12-digit account ids.
    pub accounts: Vec<String>,
    /// Organization ids (`o-…`).
    pub organizations: Vec<String>,
}

/// How a restricting key's values identify the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// Only fixed (wildcard-free) values identify.
    Fixed,
    /// An ARN: fixed values, and every ARN of an account named in a
    /// pattern's account segment.
    Arn,
    /// `o-…/r-…/ou-…/` paths: every path under an organization named as a
    /// pattern's first component.
    OrgPaths,
    /// `aws:userid`: fixed values, and every `ID:…` of a pattern `ID:*`.
    UserId,
    /// Only this value identifies (ASCII case aside), whatever the policy's values.
    Is(&'static str),
}

/// S3 bucket policies (S3PUB, "The meaning of public"): "fixed values … for one or more of
/// the following: An AWS principal, user, role, or service principal (e.g.
/// `aws:PrincipalOrgID`) … `aws:SourceArn` `aws:SourceVpc` `aws:SourceVpce`
/// `aws:SourceOwner` `aws:SourceAccount` `s3:x-amz-server-side-encryption-aws-kms-key-id`
/// `aws:userid`, outside the pattern "`AROLEID:*`" `s3:DataAccessPointArn` (… can contain a
/// wildcard for the access point name … as long as the account id is fixed)
/// `s3:DataAccessPointAccount`".
const S3_BUCKET_KEYS: &[(&str, KeyKind)] = &[
    ("aws:principalaccount", KeyKind::Fixed),
    ("aws:principalarn", KeyKind::Fixed),
    ("aws:principalorgid", KeyKind::Fixed),
    ("aws:sourcearn", KeyKind::Fixed),
    ("aws:sourcevpc", KeyKind::Fixed),
    ("aws:sourcevpce", KeyKind::Fixed),
    ("aws:sourceowner", KeyKind::Fixed),
    ("aws:sourceaccount", KeyKind::Fixed),
    ("s3:x-amz-server-side-encryption-aws-kms-key-id", KeyKind::Fixed),
    ("aws:userid", KeyKind::UserId),
    ("s3:dataaccesspointarn", KeyKind::Arn),
    ("s3:dataaccesspointaccount", KeyKind::Fixed),
];

/// S3 access point policies: as buckets, except "An access point policy that grants access
/// to a set of access points using `s3:DataAccessPointArn` is considered public".
const S3_ACCESS_POINT_KEYS: &[(&str, KeyKind)] = &[
    ("aws:principalaccount", KeyKind::Fixed),
    ("aws:principalarn", KeyKind::Fixed),
    ("aws:principalorgid", KeyKind::Fixed),
    ("aws:sourcearn", KeyKind::Fixed),
    ("aws:sourcevpc", KeyKind::Fixed),
    ("aws:sourcevpce", KeyKind::Fixed),
    ("aws:sourceowner", KeyKind::Fixed),
    ("aws:sourceaccount", KeyKind::Fixed),
    ("s3:x-amz-server-side-encryption-aws-kms-key-id", KeyKind::Fixed),
    ("aws:userid", KeyKind::UserId),
    ("s3:dataaccesspointarn", KeyKind::Fixed),
    ("s3:dataaccesspointaccount", KeyKind::Fixed),
];

/// EFS ("The meaning of public"): "fixed values (values that don't contain a wild card) of
/// one or more of the following: … `aws:SourceIp` … An AWS principal, user, role, or service
/// principal (for example, `aws:PrincipalOrgID`) `aws:SourceArn` `aws:SourceVpc`
/// `aws:SourceVpce` `aws:SourceOwner` `aws:SourceAccount`
/// `elasticfilesystem:AccessedViaMountTarget` `aws:userid, outside the pattern
/// "AROLEID:*"`"; the mount-target key "set to true".
const EFS_KEYS: &[(&str, KeyKind)] = &[
    ("aws:principalaccount", KeyKind::Fixed),
    ("aws:principalarn", KeyKind::Fixed),
    ("aws:principalorgid", KeyKind::Fixed),
    ("aws:sourcearn", KeyKind::Fixed),
    ("aws:sourcevpc", KeyKind::Fixed),
    ("aws:sourcevpce", KeyKind::Fixed),
    ("aws:sourceowner", KeyKind::Fixed),
    ("aws:sourceaccount", KeyKind::Fixed),
    ("elasticfilesystem:accessedviamounttarget", KeyKind::Is("true")),
    ("aws:userid", KeyKind::UserId),
];

/// DynamoDB ("Blocking public access with resource-based policies"): "the following trusted
/// condition keys …: aws:PrincipalAccount aws:PrincipalArn aws:PrincipalOrgID
/// aws:PrincipalOrgPaths aws:SourceAccount aws:SourceArn aws:SourceVpc aws:SourceVpce
/// aws:UserId aws:PrincipalServiceName aws:PrincipalServiceNamesList
/// aws:PrincipalIsAWSService aws:Ec2InstanceSourceVpc aws:SourceOrgID aws:SourceOrgPaths …
/// the values for … ARN and string keys must not contain wildcards or variables. If your
/// resource-based policy uses the aws:PrincipalIsAWSService key, you must make sure that
/// you've set the key value to true."
const DYNAMODB_KEYS: &[(&str, KeyKind)] = &[
    ("aws:principalaccount", KeyKind::Fixed),
    ("aws:principalarn", KeyKind::Fixed),
    ("aws:principalorgid", KeyKind::Fixed),
    ("aws:principalorgpaths", KeyKind::Fixed),
    ("aws:sourceaccount", KeyKind::Fixed),
    ("aws:sourcearn", KeyKind::Fixed),
    ("aws:sourcevpc", KeyKind::Fixed),
    ("aws:sourcevpce", KeyKind::Fixed),
    ("aws:userid", KeyKind::Fixed),
    ("aws:principalservicename", KeyKind::Fixed),
    ("aws:principalservicenameslist", KeyKind::Fixed),
    ("aws:principalisawsservice", KeyKind::Is("true")),
    ("aws:ec2instancesourcevpc", KeyKind::Fixed),
    ("aws:sourceorgid", KeyKind::Fixed),
    ("aws:sourceorgpaths", KeyKind::Fixed),
];

/// Types without a published definition: the conditions Access Analyzer's findings report
/// as restricting (AACON, AAFK: `aws:PrincipalArn`, `aws:PrincipalOrgID`,
/// `aws:PrincipalOrgPaths`, `aws:SourceIp`, `aws:SourceVpc`, `aws:UserId`,
/// `kms:CallerAccount`, web-identity audience keys) and S3's source keys, as before
/// (docs/public-access.md §2).
const ACCESS_ANALYZER_KEYS: &[(&str, KeyKind)] = &[
    ("aws:principalaccount", KeyKind::Fixed),
    ("aws:sourceaccount", KeyKind::Fixed),
    ("aws:sourceowner", KeyKind::Fixed),
    ("kms:calleraccount", KeyKind::Fixed),
    ("aws:principalorgid", KeyKind::Fixed),
    ("aws:sourcevpc", KeyKind::Fixed),
    ("aws:sourcevpce", KeyKind::Fixed),
    ("aws:principalarn", KeyKind::Arn),
    ("aws:sourcearn", KeyKind::Arn),
    ("aws:principalorgpaths", KeyKind::OrgPaths),
    ("aws:userid", KeyKind::UserId),
    ("cognito-identity.amazonaws.com:aud", KeyKind::Fixed),
    ("accounts.google.com:aud", KeyKind::Fixed),
    ("graph.facebook.com:app_id", KeyKind::Fixed),
    ("www.amazon.com:app_id", KeyKind::Fixed),
];

/// Web identity providers: a principal of theirs is anyone with a token.
const WEB_IDENTITY: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// check-no-public-access: FAIL iff an outsider — a caller the policy does
/// not name, from an origin it does not name — is allowed.
pub fn check_no_public_access(
    policy: &Policy,
    resource_type: ResourceType,
    config: &Config,
) -> Verdict {
    let restrict = public_restrict(policy, resource_type);
    decide(&[policy], &[(0, true)], PolicyType::Resource, config, &restrict)
}

/// check-no-external-access: FAIL iff a principal outside `zone` is
/// allowed.
pub fn check_no_external_access(policy: &Policy, zone: &ZoneOfTrust, config: &Config) -> Verdict {
    let restrict = external_restrict(policy, zone);
    decide(&[policy], &[(0, true)], PolicyType::Resource, config, &restrict)
}

fn public_restrict(policy: &Policy, resource_type: ResourceType) -> Restrict {
    let rule = resource_type.rule();
    let keys = rule.keys();
    let mut restrict = Restrict {
        principal: named_principals(policy),
        typed_keys: source_ip_ranges(policy, rule.ip_keys()),
        ..Restrict::default()
    };
    for (key, values) in condition_values(policy) {
        let kind =
            keys.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind).or_else(|| {
                (rule.oidc_subject() && is_oidc_subject(&key)).then_some(KeyKind::Fixed)
            });
        if let Some(kind) = kind {
            restrict.keys.insert(key, identifying(kind, &values));
        }
    }
    restrict
}

fn external_restrict(policy: &Policy, zone: &ZoneOfTrust) -> Restrict {
    let mut principals: Vec<Principal> =
        zone.accounts.iter().map(|a| Principal::Aws(a.clone())).collect();
    // AWS service principals act for resources, not as outside callers.
    principals.push(Principal::Service("*".to_string()));
    let mut keys = BTreeMap::new();
    let literals = |v: &[String]| v.iter().map(|s| glob::literal(s)).collect::<Vec<_>>();
    let arns = zone.accounts.iter().map(|a| account_arns(a)).collect::<Vec<_>>();
    let orgs = zone.organizations.iter().map(|o| org_paths(o)).collect::<Vec<_>>();
    let present: Vec<String> = condition_values(policy).into_keys().collect();
    for key in present {
        let forbidden = match key.as_str() {
            "aws:principalaccount" | "kms:calleraccount" => literals(&zone.accounts),
            "aws:principalarn" => arns.clone(),
            "aws:principalorgid" => literals(&zone.organizations),
            "aws:principalorgpaths" => orgs.clone(),
            _ => continue,
        };
        keys.insert(key, forbidden);
    }
    Restrict { principal: principals, keys, ..Restrict::default() }
}

/// IP keys: an outsider's address is in none of the policy's ranges that
/// are small enough to belong to one organization — an IPv4 prefix of at
/// least /8, an IPv6 prefix of at least /32 (ours: Zelkova's threshold is
/// unpublished; a /8 is the largest block ever assigned to one holder).
fn source_ip_ranges(policy: &Policy, ip_keys: &[&str]) -> BTreeMap<String, Vec<Predicate>> {
    let mut out: BTreeMap<String, Vec<Predicate>> = BTreeMap::new();
    for s in &policy.statements {
        for c in &s.conditions {
            let key = c.key_folded();
            if c.operator.base.family() != Family::Ip || !ip_keys.contains(&key.as_str()) {
                continue;
            }
            let ranges = c.values.iter().filter_map(|v| IpRange::parse(v).ok());
            let small = ranges.filter(|r| match r {
                IpRange::V4 { prefix, .. } => *prefix >= 8,
                IpRange::V6 { prefix, .. } => *prefix >= 32,
            });
            out.entry(key).or_default().extend(small.map(Predicate::In));
        }
    }
    out
}

/// The principals a policy names (in `Principal` or `NotPrincipal`): an
/// outsider is none of them. Wildcards and web identity providers name
/// no one in particular.
fn named_principals(policy: &Policy) -> Vec<Principal> {
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(el) = &s.principal else { continue };
        for p in &el.values {
            let anyone = match p {
                Principal::Everyone => true,
                Principal::Service(v) | Principal::CanonicalUser(v) => v == "*",
                Principal::Federated(v) => v == "*" || is_web_identity(v),
                Principal::Aws(_) => false,
            };
            if !anyone {
                out.push(p.clone());
            }
        }
    }
    out
}

/// `PROVIDER:sub`, an OIDC provider's subject key, where PROVIDER is the provider's URL
/// without `https://`: a host name (with a dot), optionally followed by a path
/// (`oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`), and no `:` — not a tag key that
/// happens to end so (docs/public-access.md §2).
fn is_oidc_subject(key: &str) -> bool {
    key.strip_suffix(":sub").is_some_and(|provider| {
        let host = provider.split('/').next().unwrap_or_default();
        host.contains('.') && !provider.contains(':') && !provider.split('/').any(str::is_empty)
    })
}

/// Web identity providers and OIDC provider ARNs (SAML provider ARNs name
/// an identity provider the account itself configures).
fn is_web_identity(v: &str) -> bool {
    WEB_IDENTITY.contains(&v) || v.contains(":oidc-provider/")
}

/// Every String/Arn condition value of the policy, by folded key (every key the policy
/// compares appears, with no values for other operator families).
fn condition_values(policy: &Policy) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &policy.statements {
        for c in &s.conditions {
            let family = c.operator.base.family();
            let entry = out.entry(c.key_folded()).or_default();
            if matches!(family, Family::String | Family::Arn) {
                entry.extend(c.values.iter().cloned());
            }
        }
    }
    out
}

fn is_fixed(v: &str) -> bool {
    !v.contains(['*', '?']) && !v.contains("${")
}

/// The values of a restricting key that identify someone the policy names.
fn identifying(kind: KeyKind, values: &[String]) -> Vec<Pattern> {
    if let KeyKind::Is(value) = kind {
        return vec![glob::literal_ignore_ascii_case(value)];
    }
    let mut out: Vec<Pattern> =
        values.iter().filter(|v| is_fixed(v)).map(|v| glob::literal(v)).collect();
    for v in values {
        let extra = match kind {
            KeyKind::Fixed | KeyKind::Is(_) => None,
            KeyKind::Arn => {
                v.split(':').nth(4).filter(|a| !a.is_empty() && is_fixed(a)).map(account_arns)
            }
            KeyKind::OrgPaths => {
                v.split('/').next().filter(|o| !o.is_empty() && is_fixed(o)).map(org_paths)
            }
            KeyKind::UserId => v
                .strip_suffix(":*")
                .filter(|id| !id.is_empty() && is_fixed(id))
                .map(|id| Pattern::Regex(format!("{}:{ANY}", escape(id)))),
        };
        out.extend(extra);
    }
    out
}

/// Every ARN whose account segment is `account`.
fn account_arns(account: &str) -> Pattern {
    Pattern::Regex(format!("{SEGMENT}:{SEGMENT}:{SEGMENT}:{SEGMENT}:{}:{ANY}", escape(account)))
}

/// Every organization path under `org`.
fn org_paths(org: &str) -> Pattern {
    Pattern::Regex(format!("{}/{ANY}", escape(org)))
}

#[cfg(test)]
mod tests {
    use super::{is_oidc_subject, ResourceType, Rule};

    #[test]
    fn oidc_subject_keys_of_providers_with_a_path() {
        assert!(is_oidc_subject("token.actions.githubusercontent.com:sub"));
        assert!(is_oidc_subject(
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
        ));
        for not in ["aws:RequestTag/team:sub", "team:sub", "a.b//c:sub", "a.b/:sub", "a.b:aud"] {
            assert!(!is_oidc_subject(not), "{not}");
        }
    }

    #[test]
    fn every_type_has_a_rule() {
        let rule = |t: &str| ResourceType::parse(t).map(ResourceType::rule);
        assert_eq!(rule("AWS::S3::Bucket"), Ok(Rule::S3Bucket));
        assert_eq!(rule("AWS::S3Express::AccessPoint"), Ok(Rule::S3AccessPoint));
        assert_eq!(rule("AWS::EFS::FileSystem"), Ok(Rule::Efs));
        assert_eq!(rule("AWS::DynamoDB::Stream"), Ok(Rule::DynamoDb));
        assert_eq!(rule("AWS::S3::Glacier"), Ok(Rule::AccessAnalyzer));
    }
}
