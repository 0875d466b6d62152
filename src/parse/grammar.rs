//! The grammar of the strings of `Action`, `Resource` and `Principal`
//! (docs/semantics.md §1): what AWS rejects is an error here, never a value
//! that silently matches no request.
//!
//! Each check returns the [`Problem`] with a help line; the lowering locates
//! it, and the `--access` list of check-access-not-granted reuses the action
//! and resource checks ([`crate::parse::check_access`]).

use super::suggest::did_you_mean;
use crate::iam::partition::PARTITIONS;
use crate::policy::template::Template;
use crate::request::caller::is_account;

/// What is wrong with one string, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

fn problem(message: String, help: impl Into<Option<String>>) -> Problem {
    Problem { message, help: help.into() }
}

/// The shape of an ARN for help texts.
const ARN_SHAPE: &str = "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE";

/// Characters of a service prefix or an action name as AWS publishes them,
/// with the wildcards.
fn action_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?')
}

/// An `Action`/`NotAction` entry (and an `--access` action): `*` or
/// `SERVICE:ACTION` ("IAM JSON policy elements: Action"; the grammar's
/// `action_string`: "a service namespace, a colon, and the name of an
/// action"). Wildcards may stand anywhere (`*:Get*`).
pub(crate) fn action(text: &str) -> Result<(), Problem> {
    if text == "*" {
        return Ok(());
    }
    let Some((service, name)) = text.split_once(':') else {
        let help = glued_prefix(text).map_or_else(
            || {
                "write the service prefix and a colon before the action, e.g. `s3:GetObject`"
                    .to_string()
            },
            |fixed| format!("did you mean `{fixed}`?"),
        );
        return Err(problem(
            format!("`{text}` is not an action: it has no service prefix (`SERVICE:ACTION`)"),
            help,
        ));
    };
    if service.is_empty() || name.is_empty() {
        let what = if service.is_empty() { "service prefix" } else { "action name" };
        return Err(problem(
            format!("`{text}` is not an action: its {what} is empty"),
            "write `SERVICE:ACTION`, e.g. `s3:GetObject`, or `s3:*` for every action of a service"
                .to_string(),
        ));
    }
    if Template::mentions_variable(text) {
        // `${…}` in an action is literal text (a warning of the variable
        // rules), not a character of an action name.
        return Ok(());
    }
    if let Some(c) = text.chars().find(|&c| c != ':' && !action_char(c)).or_else(|| {
        // A second colon: no action name has one.
        name.contains(':').then_some(':')
    }) {
        let shown =
            if c.is_control() { format!("U+{:04X}", u32::from(c)) } else { format!("`{c}`") };
        return Err(problem(
            format!("`{}` is not an action: no service prefix or action name contains {shown}", text.escape_debug()),
            "service prefixes and action names are letters, digits, `-` and `_` (and the wildcards `*` and `?`)".to_string(),
        ));
    }
    Ok(())
}

/// `s3GetObject` → `s3:GetObject`: a lower-case prefix glued to a
/// capitalized action name.
fn glued_prefix(text: &str) -> Option<String> {
    let split = text.find(|c: char| c.is_ascii_uppercase())?;
    let (service, name) = text.split_at(split);
    let prefix_like = !service.is_empty()
        && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    prefix_like.then(|| format!("{service}:{name}"))
}

/// A `Resource`/`NotResource` entry: `*` or an ARN
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` ("IAM identifiers", IAM
/// ARNs; Access Analyzer's "Invalid ARN prefix", "Missing ARN field",
/// "Invalid partition", "Invalid ARN service case", "Invalid ARN account").
/// `shape` is the text with each policy variable written `*` (a variable
/// is checked by the variable rules, not here); wildcards and empty region
/// or account fields are valid.
pub(crate) fn resource(text: &str, shape: &str) -> Result<(), Problem> {
    if shape == "*" {
        return Ok(());
    }
    if !shape.starts_with("arn:") {
        return Err(problem(
            format!("`{text}` is neither `*` nor an ARN"),
            format!("a resource is `*` or an ARN `{ARN_SHAPE}`, e.g. `arn:aws:s3:::amzn-s3-demo-bucket/*`"),
        ));
    }
    let fields: Vec<&str> = shape.splitn(6, ':').collect();
    let [_, partition, service, _region, _account, rest] = fields[..] else {
        // "If the `*` wildcard is the last character of a resource ARN
        // segment, it can expand to match beyond colon boundaries": a
        // shorter ARN whose last field is `*` stands for the rest.
        if fields.len() > 1 && fields.last() == Some(&"*") {
            return short_arn(text, &fields);
        }
        return Err(problem(
            format!(
                "`{text}` is not an ARN: it has {} of the 6 fields of `{ARN_SHAPE}`",
                fields.len()
            ),
            "an empty region or account is written as an empty field, e.g. `arn:aws:s3:::amzn-s3-demo-bucket/*`"
                .to_string(),
        ));
    };
    arn_partition(text, partition)?;
    if service.is_empty() {
        return Err(problem(
            format!("`{text}` is not an ARN: its service field is empty"),
            format!("write `{ARN_SHAPE}`, e.g. `arn:aws:s3:::amzn-s3-demo-bucket`"),
        ));
    }
    if service.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(problem(
            format!("the service `{service}` of `{text}` is not lower case: ARN service names are"),
            format!("did you mean `{}`?", text.replacen(service, &service.to_ascii_lowercase(), 1)),
        ));
    }
    if rest.is_empty() {
        return Err(problem(
            format!("`{text}` is not an ARN: its resource field is empty"),
            "name the resource, or end it with `*`".to_string(),
        ));
    }
    Ok(())
}

/// The fields of an ARN cut short by a final `*` field (`arn:aws:ec2:*`).
fn short_arn(text: &str, fields: &[&str]) -> Result<(), Problem> {
    if let Some(partition) = fields.get(1) {
        arn_partition(text, partition)?;
    }
    match fields.get(2) {
        Some(service) if service.chars().any(|c| c.is_ascii_uppercase()) => Err(problem(
            format!("the service `{service}` of `{text}` is not lower case: ARN service names are"),
            format!("did you mean `{}`?", text.replacen(service, &service.to_ascii_lowercase(), 1)),
        )),
        Some(&"") => Err(problem(
            format!("`{text}` is not an ARN: its service field is empty"),
            format!("write `{ARN_SHAPE}`, e.g. `arn:aws:s3:::amzn-s3-demo-bucket`"),
        )),
        _ => Ok(()),
    }
}

/// A literal partition must be one AWS has (wildcards may stand for any).
fn arn_partition(text: &str, partition: &str) -> Result<(), Problem> {
    if partition.contains(['*', '?']) || PARTITIONS.contains(&partition) {
        return Ok(());
    }
    let help = did_you_mean(partition, PARTITIONS.iter().copied())
        .unwrap_or_else(|| format!("partitions are {}", PARTITIONS.join(", ")));
    Err(problem(format!("`{partition}` in `{text}` is not an AWS partition"), help))
}

/// A warning about a valid resource (see [`resource`]): an account made of
/// digits (and hyphens) that is not 12 digits names no resource (Access
/// Analyzer's policy validation reports "Invalid ARN account"), yet its
/// custom checks run on it (tests/iac.rs: a finding AWS recorded on
/// `arn:aws:dynamodb:us-east-1:1234567890:table/my-table`), so it is read as
/// written. Empty accounts, wildcards and the `aws` of AWS managed policy
/// ARNs are left alone.
pub(crate) fn resource_warning(text: &str, shape: &str) -> Option<Problem> {
    let account = shape.split(':').nth(4)?;
    if shape.splitn(6, ':').count() < 6 {
        return None;
    }
    arn_account(text, account).err()
}

/// An account made of digits (and hyphens) must be 12 digits.
fn arn_account(text: &str, account: &str) -> Result<(), Problem> {
    let numeric = account.chars().any(|c| c.is_ascii_digit())
        && account.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !numeric || is_account(account) {
        return Ok(());
    }
    Err(problem(
        format!("the account `{account}` in `{text}` is not a 12-digit account ID"),
        account_help(account),
    ))
}

fn account_help(account: &str) -> String {
    let digits: String = account.chars().filter(char::is_ascii_digit).collect();
    if account.contains('-') && digits.len() == 12 {
        format!("write the account ID without hyphens: `{digits}`")
    } else {
        "AWS account IDs are exactly 12 digits, e.g. `123456789012`".to_string()
    }
}

/// The forms of an `AWS` principal, for help texts.
const AWS_FORMS: &str = "an `AWS` principal is `*`, a 12-digit account ID, or the ARN of an account (`arn:aws:iam::123456789012:root`), user (`…:user/NAME`), role (`…:role/NAME`), assumed-role session (`arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`) or federated user (`arn:aws:sts::123456789012:federated-user/NAME`)";

/// An `AWS` entry of `Principal`/`NotPrincipal` (other than `*`): an
/// account ID or a principal ARN ("IAM JSON policy elements: Principal").
/// Unique IDs (`AIDA…`, `AROA…`), which IAM shows for deleted principals
/// and which name principals iamcheck cannot resolve, are errors too.
pub(crate) fn aws_principal(text: &str) -> Result<(), Problem> {
    if text.starts_with("arn:") {
        return principal_arn(text);
    }
    if text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        if is_account(text) {
            return Ok(());
        }
        return Err(problem(
            format!("`{text}` is not an account ID: AWS account IDs are 12 digits"),
            account_help(text),
        ));
    }
    if unique_id(text) {
        return Err(problem(
            format!("`{text}` is a unique ID: iamcheck cannot tell which principal it names"),
            "IAM writes a unique ID where the principal it named was deleted; write the principal's ARN".to_string(),
        ));
    }
    let help = if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") {
        format!("a service is written `{{\"Service\": \"{text}\"}}`")
    } else {
        AWS_FORMS.to_string()
    };
    Err(problem(format!("`{text}` is not an AWS principal"), help))
}

/// An IAM unique ID ("IAM identifiers", Unique identifiers: `AIDA…`,
/// `AROA…`): four upper-case letters starting with `A`, then upper-case
/// letters and digits, 16 or more characters in all.
fn unique_id(text: &str) -> bool {
    text.len() >= 16
        && text.starts_with('A')
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && text.chars().take(4).all(|c| c.is_ascii_uppercase())
}

/// A principal ARN: `arn:PARTITION:iam::ACCOUNT:root|user/…|role/…` or
/// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION|federated-user/NAME`
/// ("IAM identifiers", IAM ARNs; "IAM JSON policy elements: Principal").
/// CloudFront's origin access identities keep their legacy principal
/// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID`
/// (Amazon CloudFront Developer Guide, "Restricting access to an Amazon S3
/// origin").
fn principal_arn(text: &str) -> Result<(), Problem> {
    let bad = |why: String| {
        Err(problem(format!("`{text}` is not a principal ARN: {why}"), AWS_FORMS.to_string()))
    };
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    let [_, partition, service, region, account, rest] = fields[..] else {
        return bad(format!("it has {} of the 6 fields of `{ARN_SHAPE}`", fields.len()));
    };
    arn_partition(text, partition)?;
    if !matches!(service, "iam" | "sts") {
        return bad(format!("the service is `{service}`, not `iam` or `sts`"));
    }
    if !region.is_empty() {
        return bad(format!("IAM and STS ARNs have an empty region, not `{region}`"));
    }
    if account == "cloudfront" && service == "iam" {
        return match rest.strip_prefix("user/CloudFront Origin Access Identity ") {
            Some(id) if !id.is_empty() => Ok(()),
            _ => bad("the `cloudfront` account names only origin access identities (`user/CloudFront Origin Access Identity ID`)".to_string()),
        };
    }
    if !is_account(account) {
        return Err(problem(
            format!("the account `{account}` in `{text}` is not a 12-digit account ID"),
            account_help(account),
        ));
    }
    let named = |name: &str| !name.is_empty() && name.split('/').all(|s| !s.is_empty());
    let ok = match (service, rest.split_once('/')) {
        ("iam", None) => rest == "root",
        ("iam", Some(("user" | "role", name))) => named(name),
        ("iam", Some(("group", _))) => {
            return bad("a group is not a principal (\"You cannot identify a user group as a principal in a policy\")".to_string())
        }
        ("sts", Some(("assumed-role", session))) => {
            matches!(session.split_once('/'), Some((role, name)) if !role.is_empty() && !name.is_empty() && !name.contains('/'))
        }
        ("sts", Some(("federated-user", name))) => !name.is_empty() && !name.contains('/'),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        bad(format!("`{rest}` is not a principal of `{service}`"))
    }
}

/// A `Federated` entry: a provider name (`accounts.google.com`,
/// `cognito-identity.amazonaws.com`) or the ARN of an IAM SAML or OIDC
/// provider ("IAM JSON policy elements: Principal", SAML session principals).
pub(crate) fn federated_principal(text: &str) -> Result<(), Problem> {
    if !text.starts_with("arn:") {
        return Ok(());
    }
    let help = "a federated provider ARN is `arn:aws:iam::123456789012:saml-provider/NAME` or `…:oidc-provider/HOST`";
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    let [_, partition, "iam", "", account, rest] = fields[..] else {
        return Err(problem(
            format!("`{text}` is not an IAM identity provider ARN"),
            help.to_string(),
        ));
    };
    arn_partition(text, partition)?;
    if !is_account(account) {
        return Err(problem(
            format!("the account `{account}` in `{text}` is not a 12-digit account ID"),
            account_help(account),
        ));
    }
    match rest.split_once('/') {
        Some(("saml-provider" | "oidc-provider", name)) if !name.is_empty() => Ok(()),
        _ => {
            Err(problem(format!("`{text}` is not an IAM identity provider ARN"), help.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{action, aws_principal, federated_principal, resource, Problem};

    /// `check` accepts every `ok` and rejects every `(bad, text)` with
    /// `text` in its message or help.
    fn table(check: impl Fn(&str) -> Result<(), Problem>, ok: &[&str], bad: &[(&str, &str)]) {
        for ok in ok {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, text) in bad {
            let e = check(bad).err().unwrap_or_else(|| panic!("{bad} accepted"));
            let help = e.help.clone().unwrap_or_default();
            assert!(e.message.contains(text) || help.contains(text), "{bad}: {e:?}");
        }
    }

    #[test]
    fn actions() {
        table(
            action,
            &["*", "s3:GetObject", "s3:*", "*:Get*", "S3:get?bject", "iam:*", "ec2:Describe*"],
            &[
                ("GetObject", "write the service prefix"),
                ("s3GetObject", "did you mean `s3:GetObject`?"),
                ("s3:", "SERVICE:ACTION"),
                (":GetObject", "SERVICE:ACTION"),
                ("s3:Get Object", "letters, digits"),
                ("s3:Get:Object", "letters, digits"),
            ],
        );
    }

    #[test]
    fn resources() {
        table(
            |t| resource(t, t),
            &[
                "*",
                "arn:aws:s3:::b",
                "arn:aws:s3:::*",
                "arn:*:s3:::b",
                "arn:aws:iam::aws:policy/AdministratorAccess",
                "arn:aws:ec2:us-east-1::image/ami-*",
                "arn:aws:sqs:*:123456789012:q",
                "arn:aws-cn:s3:::b/a:b:c",
                "arn:aws:*:*:*:*",
                "arn:aws:ec2:*",
                "arn:*",
                "arn:aws:sqs:us-east-1:*",
            ],
            &[
                ("acme", "neither `*` nor an ARN"),
                ("arn:aws:s3::acme/*", "5 of the 6 fields"),
                ("arn:aws:s3:us-east-1", "4 of the 6 fields"),
                ("arn:awz:s3:*", "not an AWS partition"),
                ("arn:awz:s3:::b", "not an AWS partition"),
                ("arn:aws:S3:::b", "not lower case"),
                ("arn:aws:s3:::", "resource field is empty"),
                ("*bucket*", "neither"),
            ],
        );
        let w = super::resource_warning(
            "arn:aws:sqs:us-east-1:12345:q",
            "arn:aws:sqs:us-east-1:12345:q",
        );
        assert!(w.is_some_and(|w| w.message.contains("not a 12-digit account ID")));
        assert_eq!(
            super::resource_warning("arn:aws:iam::aws:policy/x", "arn:aws:iam::aws:policy/x"),
            None
        );
        // A variable stands for any text of its field.
        assert_eq!(resource("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/*"), Ok(()));
    }

    #[test]
    fn aws_principals() {
        table(
            aws_principal,
            &[
                "123456789012",
                "arn:aws:iam::123456789012:root",
                "arn:aws:iam::123456789012:user/dev/alice",
                "arn:aws:iam::123456789012:role/x",
                "arn:aws:iam::123456789012:role/service-role/x",
                "arn:aws:sts::123456789012:assumed-role/r/s",
                "arn:aws:sts::123456789012:federated-user/bob",
                "arn:aws-us-gov:iam::123456789012:root",
                "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL",
            ],
            &[
                ("12345", "not an account ID"),
                ("1234-5678-9012", "not an account ID"),
                ("arn:aws:iam::12345:root", "not a 12-digit account ID"),
                ("arn:aws:iam::123456789012:group/g", "a group is not a principal"),
                ("arn:aws:iam::123456789012:rot", "not a principal of `iam`"),
                ("arn:aws:sts::123456789012:assumed-role/r", "not a principal of `sts`"),
                ("arn:aws:s3:::b", "not `iam` or `sts`"),
                ("arn:aws:iam:us-east-1:123456789012:root", "empty region"),
                ("arn:aws:iam::123456789012", "5 of the 6"),
                ("AIDACKCEVSQ6C2EXAMPLE", "unique ID"),
                ("alice", "not an AWS principal"),
                ("ec2.amazonaws.com", "not an AWS principal"),
            ],
        );
        let e = aws_principal("ec2.amazonaws.com").err();
        assert!(e.and_then(|e| e.help).unwrap_or_default().contains("\"Service\""));
    }

    #[test]
    fn federated_principals() {
        for ok in [
            "accounts.google.com",
            "cognito-identity.amazonaws.com",
            "arn:aws:iam::123456789012:saml-provider/okta",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        ] {
            assert_eq!(federated_principal(ok), Ok(()), "{ok}");
        }
        for bad in ["arn:aws:iam::12345:saml-provider/okta", "arn:aws:iam::123456789012:role/r"] {
            assert!(federated_principal(bad).is_err(), "{bad}");
        }
    }
}
