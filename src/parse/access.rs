//! The access list of check-access-not-granted (`--access`, batch
//! `access`): the same action and resource grammar as a policy's (an entry
//! AWS rejects is an error), and a warning for each way the list goes
//! beyond Access Analyzer's `Access` shape, which iamcheck still decides
//! exactly (docs/semantics.md §7).

use super::grammar::{self, Problem};
use crate::decide::Access;

/// Access Analyzer's `AccessActionsList` and `AccessResourcesList` hold at
/// most 100 entries (botocore's accessanalyzer model, `"max": 100`).
pub const MAX_ACCESS_ENTRIES: usize = 100;

/// Access Analyzer's `Resource` is at most 2,048 characters (`"max": 2048`).
pub const MAX_ACCESS_RESOURCE_LENGTH: usize = 2048;

/// What [`check_access`] found: errors (the list is refused) and warnings
/// (decided as written; Access Analyzer would refuse it), each a line such
/// as "`resources[1]`: … (help: …)".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessFindings {
    /// Entries AWS rejects in any policy: the check does not run.
    pub errors: Vec<String>,
    /// Where the list goes beyond Access Analyzer's `Access` shape.
    pub warnings: Vec<String>,
}

/// Checks an access list.
///
/// ```
/// use iamcheck::Access;
/// let access = Access { actions: vec!["GetObject".into()], resources: vec!["arn:aws:*:::b".into()] };
/// let found = iamcheck::parse::check_access(&access);
/// assert!(found.errors[0].starts_with("`actions[0]`: `GetObject` is not an action"));
/// assert!(found.warnings[0].contains("wildcard"));
/// ```
pub fn check_access(access: &Access) -> AccessFindings {
    let mut found = AccessFindings::default();
    let line = |what: &str, i: usize, p: Problem| match p.help {
        Some(help) => format!("`{what}[{i}]`: {} (help: {help})", p.message),
        None => format!("`{what}[{i}]`: {}", p.message),
    };
    for (i, action) in access.actions.iter().enumerate() {
        if let Err(p) = grammar::action(action) {
            found.errors.push(line("actions", i, p));
        }
    }
    for (i, resource) in access.resources.iter().enumerate() {
        if let Err(p) = grammar::resource(resource, resource) {
            found.errors.push(line("resources", i, p));
            continue;
        }
        if let Some(p) = grammar::resource_warning(resource, resource) {
            found.warnings.push(line("resources", i, p));
        }
        if resource.chars().count() > MAX_ACCESS_RESOURCE_LENGTH {
            found.warnings.push(format!(
                "`resources[{i}]` has {} characters: Access Analyzer takes at most {MAX_ACCESS_RESOURCE_LENGTH}",
                resource.chars().count()
            ));
        }
        if let Some(field) = wildcard_outside_resource_id(resource) {
            found.warnings.push(format!(
                "`resources[{i}]` `{resource}` has a wildcard in its {field}: Access Analyzer takes wildcards only in the resource ID"
            ));
        }
    }
    for (what, n) in [("actions", access.actions.len()), ("resources", access.resources.len())] {
        if n > MAX_ACCESS_ENTRIES {
            found.warnings.push(format!(
                "`{what}` lists {n} entries: Access Analyzer takes at most {MAX_ACCESS_ENTRIES}"
            ));
        }
    }
    found
}

/// The first field before the resource part of an ARN that has a wildcard
/// (`*` alone is a wildcard for the whole ARN).
fn wildcard_outside_resource_id(resource: &str) -> Option<&'static str> {
    if resource == "*" {
        return Some("whole ARN (`*`)");
    }
    let names = ["prefix", "partition", "service", "region", "account"];
    // The fields before the resource part (a shorter ARN's final `*`
    // stands for the rest, the resource part included).
    resource
        .splitn(6, ':')
        .zip(names)
        .find(|(field, _)| field.contains(['*', '?']))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::check_access;
    use crate::decide::Access;

    fn access(actions: &[&str], resources: &[&str]) -> Access {
        Access {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn entries_aws_rejects_are_errors() {
        let found = check_access(&access(&["s3GetObject", "s3:*"], &["acme", "arn:aws:s3:::b/*"]));
        assert_eq!(found.errors.len(), 2, "{found:?}");
        assert!(found.errors[0].contains("did you mean `s3:GetObject`?"), "{found:?}");
        assert!(found.errors[1].starts_with("`resources[0]`: `acme` is neither"), "{found:?}");
        assert!(found.warnings.is_empty(), "{found:?}");
    }

    #[test]
    fn extensions_are_warnings() {
        let many: Vec<String> = (0..101).map(|i| format!("s3:Get{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let long = format!("arn:aws:s3:::b/{}", "k".repeat(2100));
        let found = check_access(&access(
            &many,
            &[
                "arn:aws:s3:::b/*",
                "arn:*:s3:::b",
                "arn:aws:sqs:*:123456789012:q",
                "*",
                "arn:aws:ec2:*",
                &long,
            ],
        ));
        assert!(found.errors.is_empty(), "{found:?}");
        let w = found.warnings.join("\n");
        assert!(w.contains("`resources[1]` `arn:*:s3:::b` has a wildcard in its partition"), "{w}");
        assert!(
            w.contains(
                "`resources[2]` `arn:aws:sqs:*:123456789012:q` has a wildcard in its region"
            ),
            "{w}"
        );
        assert!(w.contains("`resources[3]` `*` has a wildcard in its whole ARN"), "{w}");
        assert!(w.contains("`resources[4]` `arn:aws:ec2:*` has a wildcard in its region"), "{w}");
        assert!(w.contains("`resources[5]` has 2115 characters"), "{w}");
        assert!(
            w.contains("`actions` lists 101 entries: Access Analyzer takes at most 100"),
            "{w}"
        );
        assert!(!w.contains("resources[0]"), "{w}");
        assert_eq!(found.warnings.len(), 6, "{w}");
    }
}
