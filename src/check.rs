//! A check is a value: the four checks with their parsed policies and
//! parameters, built once by every front end (the command line, `batch`,
//! templates and plans, the SMT-LIB export) and run by one function.
//!
//! The constructors validate the parameters (a 12-digit account id, a
//! resource type's spelling) with messages in the project's style; the
//! policies come parsed, with their statement lines for reports.
//!
//! # Example
//! ```
//! use iamcheck::{parse_policy, Check, Config, PolicyType, Verdict};
//!
//! let bucket_policy = r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::my-bucket/*"}]}"#;
//! let policy = parse_policy(bucket_policy, PolicyType::Resource)?.policy;
//! let check = Check::no_public_access(policy, "AWS::S3::Bucket")?;
//! assert_eq!(check.name(), "check-no-public-access");
//! match check.run(&Config::default()) {
//!     Verdict::Fail { witness, reasons } => {
//!         assert_eq!(witness.action, "s3:GetObject");
//!         assert_eq!(reasons[0].statement_index, 0);
//!     }
//!     other => panic!("a public bucket policy FAILs, got {other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::decide::{
    check_access_not_granted, check_no_external_access, check_no_new_access,
    check_no_public_access, Access, Config, ResourceType, Verdict, ZoneOfTrust, RESOURCE_TYPES,
};
use crate::parse::suggest::closest;
use crate::policy::{Policy, PolicyType};
use crate::report::smtlib::{self, Unsupported};
use crate::report::{CheckKind, CheckReport};
use std::fmt;

/// One check with its operands, ready to run.
#[derive(Clone, Debug)]
pub enum Check {
    /// check-no-new-access: FAIL iff `new` allows a request `existing` does not.
    NoNewAccess {
        /// The reference policy.
        existing: Policy,
        /// The policy under test.
        new: Policy,
        /// Identity or resource policies (both are read as this type).
        policy_type: PolicyType,
    },
    /// check-access-not-granted: FAIL iff `policy` allows some of `access`.
    AccessNotGranted {
        /// The policy under test.
        policy: Policy,
        /// The listed actions and/or resources (empty lists mean "any").
        access: Access,
        /// Identity or resource policy.
        policy_type: PolicyType,
    },
    /// check-no-public-access: FAIL iff the resource policy allows an outsider.
    NoPublicAccess {
        /// The resource policy.
        policy: Policy,
        /// The resource type it is attached to.
        resource_type: ResourceType,
    },
    /// check-no-external-access: FAIL iff the resource policy allows a
    /// principal outside the zone of trust.
    NoExternalAccess {
        /// The resource policy.
        policy: Policy,
        /// The trusted accounts and organizations.
        zone: ZoneOfTrust,
    },
}

/// A check's parameters are invalid (the message is lowercase, user input
/// in backticks; `help` is advice such as a suggested spelling).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    /// What is wrong.
    pub message: String,
    /// Advice, if any.
    pub help: Option<String>,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CheckError {}

impl Check {
    /// check-no-new-access of `new` against `existing`.
    pub fn no_new_access(existing: Policy, new: Policy, policy_type: PolicyType) -> Check {
        Check::NoNewAccess { existing, new, policy_type }
    }

    /// check-access-not-granted of `policy` for `access`.
    ///
    /// # Errors
    /// `access` lists neither an action nor a resource.
    pub fn access_not_granted(
        policy: Policy,
        access: Access,
        policy_type: PolicyType,
    ) -> Result<Check, CheckError> {
        if access.actions.is_empty() && access.resources.is_empty() {
            return Err(CheckError {
                message: "the access must list at least one action or resource".into(),
                help: Some("e.g. `actions=s3:DeleteBucket` or `resources=arn:aws:s3:::b/*`".into()),
            });
        }
        Ok(Check::AccessNotGranted { policy, access, policy_type })
    }

    /// check-no-public-access of a resource policy attached to a resource
    /// of type `resource_type` (one of [`RESOURCE_TYPES`], spelled exactly).
    ///
    /// # Errors
    /// An unknown resource type, with the closest spelling as help.
    pub fn no_public_access(policy: Policy, resource_type: &str) -> Result<Check, CheckError> {
        Ok(Check::NoPublicAccess { policy, resource_type: resource_type_named(resource_type)? })
    }

    /// check-no-external-access of a resource policy: trusted 12-digit
    /// account ids and organization ids (`o-…`), at least one of either.
    ///
    /// # Errors
    /// An empty zone of trust, or an id that is not well formed.
    pub fn no_external_access(
        policy: Policy,
        accounts: Vec<String>,
        organizations: Vec<String>,
    ) -> Result<Check, CheckError> {
        Ok(Check::NoExternalAccess { policy, zone: zone_of_trust(accounts, organizations)? })
    }

    /// Decides the check.
    pub fn run(&self, config: &Config) -> Verdict {
        match self {
            Check::NoNewAccess { existing, new, policy_type } => {
                check_no_new_access(existing, new, *policy_type, config)
            }
            Check::AccessNotGranted { policy, access, policy_type } => {
                check_access_not_granted(policy, access, *policy_type, config)
            }
            Check::NoPublicAccess { policy, resource_type } => {
                check_no_public_access(policy, *resource_type, config)
            }
            Check::NoExternalAccess { policy, zone } => {
                check_no_external_access(policy, zone, config)
            }
        }
    }

    /// Which check this is (its messages and name).
    pub fn kind(&self) -> CheckKind {
        match self {
            Check::NoNewAccess { .. } => CheckKind::NoNewAccess,
            Check::AccessNotGranted { .. } => CheckKind::AccessNotGranted,
            Check::NoPublicAccess { .. } => CheckKind::NoPublicAccess,
            Check::NoExternalAccess { .. } => CheckKind::NoExternalAccess,
        }
    }

    /// The check's name, e.g. `check-no-new-access`.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The policy under test: the one whose statements are the reasons.
    pub fn policy(&self) -> &Policy {
        match self {
            Check::NoNewAccess { new: policy, .. }
            | Check::AccessNotGranted { policy, .. }
            | Check::NoPublicAccess { policy, .. }
            | Check::NoExternalAccess { policy, .. } => policy,
        }
    }

    /// The reference policy, for check-no-new-access.
    pub fn reference(&self) -> Option<&Policy> {
        match self {
            Check::NoNewAccess { existing, .. } => Some(existing),
            _ => None,
        }
    }

    /// The report of a verdict of this check (Access Analyzer's messages).
    pub fn report(&self, verdict: &Verdict) -> CheckReport {
        CheckReport::new(self.kind(), verdict)
    }

    /// The SMT-LIB 2 script whose satisfiability means the check FAILs
    /// (see [`smtlib`]).
    ///
    /// # Errors
    /// [`Unsupported`] when a policy uses a construct the export cannot
    /// express exactly, or for the public and external access checks,
    /// which the export does not cover.
    pub fn smtlib(&self) -> Result<String, Unsupported> {
        match self {
            Check::NoNewAccess { existing, new, policy_type } => {
                smtlib::no_new_access(existing, new, *policy_type)
            }
            Check::AccessNotGranted { policy, access, policy_type } => {
                smtlib::access_not_granted(policy, access, *policy_type)
            }
            Check::NoPublicAccess { .. } | Check::NoExternalAccess { .. } => {
                Err(Unsupported::new(vec![format!("{} is not exported to SMT-LIB", self.name())]))
            }
        }
    }
}

/// A check by its name (`check-no-new-access`, …); a near miss is an error
/// whose help is the right spelling.
///
/// # Errors
/// An unknown name.
pub fn kind_named(name: &str) -> Result<CheckKind, CheckError> {
    let names = CheckKind::ALL.map(CheckKind::name);
    match CheckKind::ALL.into_iter().find(|k| k.name() == name) {
        Some(kind) => Ok(kind),
        None => Err(CheckError {
            message: format!("unknown check `{name}`"),
            help: Some(match closest(name, names) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("expected one of {}", names.join(", ")),
            }),
        }),
    }
}

/// A resource type by its exact name; a near miss (another case, a typo)
/// is an error whose help is the right spelling.
///
/// # Errors
/// An unknown resource type.
pub fn resource_type_named(name: &str) -> Result<ResourceType, CheckError> {
    ResourceType::parse(name).map_err(|_| {
        let same_but_case = RESOURCE_TYPES.iter().find(|t| t.eq_ignore_ascii_case(name));
        let help = match same_but_case.copied().or_else(|| closest(name, RESOURCE_TYPES.to_vec())) {
            Some(t) => format!("resource types are spelled exactly; did you mean `{t}`?"),
            None => format!("expected one of {}", RESOURCE_TYPES.join(", ")),
        };
        CheckError { message: format!("unknown resource type `{name}`"), help: Some(help) }
    })
}

/// Validates a zone of trust: 12-digit accounts, `o-` organization ids.
///
/// # Errors
/// An empty zone, or an id that is not well formed.
pub fn zone_of_trust(
    accounts: Vec<String>,
    organizations: Vec<String>,
) -> Result<ZoneOfTrust, CheckError> {
    let error = |message: String, help: &str| CheckError { message, help: Some(help.into()) };
    if accounts.is_empty() && organizations.is_empty() {
        return Err(error(
            "the zone of trust is empty".into(),
            "name trusted accounts (12 digits) and/or organizations (`o-…`)",
        ));
    }
    if let Some(bad) = accounts.iter().find(|a| !crate::iam::grammar::is_account(a)) {
        return Err(error(
            format!("trusted account `{bad}` is not an account id"),
            "an account id is 12 digits, e.g. `123456789012`",
        ));
    }
    let org_ok = |o: &String| {
        o.strip_prefix("o-").is_some_and(|r| {
            (10..=32).contains(&r.len())
                && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    if let Some(bad) = organizations.iter().find(|o| !org_ok(o)) {
        return Err(error(
            format!("trusted organization `{bad}` is not an organization id"),
            "an organization id is `o-` and 10 to 32 lowercase letters or digits",
        ));
    }
    Ok(ZoneOfTrust { accounts, organizations })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_policy;

    fn resource_policy() -> Policy {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}}"#;
        parse_policy(text, PolicyType::Resource).unwrap().policy
    }

    #[test]
    fn resource_types_suggest_their_spelling() {
        let err = Check::no_public_access(resource_policy(), "aws::s3::bucket").err();
        let help = err.and_then(|e| e.help).unwrap_or_default();
        assert!(help.contains("`AWS::S3::Bucket`"), "{help}");
        let err = Check::no_public_access(resource_policy(), "AWS::SQS::Queu").err();
        let help = err.and_then(|e| e.help).unwrap_or_default();
        assert!(help.contains("`AWS::SQS::Queue`"), "{help}");
    }

    #[test]
    fn zones_of_trust_are_validated() {
        let check = |a: &[&str], o: &[&str]| {
            let a = a.iter().map(|s| s.to_string()).collect();
            let o = o.iter().map(|s| s.to_string()).collect();
            Check::no_external_access(resource_policy(), a, o).err().map(|e| e.message)
        };
        assert_eq!(check(&[], &[]).as_deref(), Some("the zone of trust is empty"));
        assert!(check(&["12345"], &[]).is_some_and(|m| m.contains("`12345`")));
        assert!(check(&[], &["o-AB"]).is_some_and(|m| m.contains("`o-AB`")));
        assert_eq!(check(&["123456789012"], &["o-abcdefghij"]), None);
    }

    #[test]
    fn every_check_runs_through_the_value() {
        let policy = resource_policy();
        let zone = vec!["123456789012".to_string()];
        let checks = [
            Check::no_public_access(policy.clone(), "AWS::SQS::Queue").ok(),
            Check::no_external_access(policy.clone(), zone, Vec::new()).ok(),
            Check::access_not_granted(
                policy.clone(),
                Access { actions: vec!["sqs:SendMessage".into()], resources: Vec::new() },
                PolicyType::Resource,
            )
            .ok(),
        ];
        for check in checks.into_iter().flatten() {
            let verdict = check.run(&Config::default());
            assert!(matches!(verdict, Verdict::Fail { .. }), "{}: {verdict:?}", check.name());
            assert_eq!(check.report(&verdict).result, "FAIL");
        }
        let empty = Check::no_new_access(policy.clone(), policy, PolicyType::Resource);
        assert_eq!(empty.run(&Config::default()), Verdict::Pass);
    }
}
