//! Checks that a request lies in the request universe of
//! docs/semantics.md §2 (action and resource shapes).

use super::arn::split;

use crate::iam::partition::PARTITIONS;

/// Checks the action: `[a-z0-9-]+:[a-z0-9_-]+` after ASCII lower-casing.
pub(crate) fn check_action(action: &str) -> Result<(), String> {
    let lower = action.to_ascii_lowercase();
    let ok = match lower.split_once(':') {
        Some((service, name)) => is_service(service) && is_action_name(name),
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid request action `{}`: expected `service:name` (letters, digits, `-`, `_`)",
            action.escape_debug()
        ))
    }
}

/// Checks the resource: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
pub(crate) fn check_resource(resource: &str) -> Result<(), String> {
    check_arn_shape(resource)
        .map_err(|why| format!("invalid request resource `{}`: {why}", resource.escape_debug()))
}

fn check_arn_shape(arn: &str) -> Result<(), String> {
    if has_control(arn) {
        return Err("contains a control character".into());
    }
    let [prefix, partition, service, _region, _account, rest] = split(arn)[..] else {
        return Err("expected `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`".into());
    };
    if prefix != "arn" {
        return Err("does not start with `arn:`".into());
    }
    if !PARTITIONS.contains(&partition) {
        return Err(format!("unknown partition `{partition}`"));
    }
    if !is_service(service) {
        return Err(format!("invalid service `{service}`"));
    }
    if rest.is_empty() {
        return Err("empty resource part".into());
    }
    Ok(())
}

/// Checks that the caller is in the resource's partition: "partitions are isolated"
/// (docs/semantics.md §2), so a request across partitions is none AWS can receive.
pub(crate) fn check_partition(resource: &str, caller: Option<&str>) -> Result<(), String> {
    let resource_partition = crate::iam::partition::of_arn(resource);
    match (caller, resource_partition) {
        (Some(c), Some(r)) if c != r => Err(format!(
            "the principal's partition `{c}` is not the resource's `{r}`: partitions are isolated"
        )),
        _ => Ok(()),
    }
}

/// Whether `text` contains an ASCII control character.
pub(crate) fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_control())
}

/// `[a-z0-9-]+`.
fn is_service(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `[a-z0-9_-]+`.
fn is_action_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions() {
        assert!(check_action("s3:GetObject").is_ok());
        assert!(check_action("EC2:describe_instances-2").is_ok());
        for bad in
            ["s3", "s3:", ":get", "s3:get:object", "s3:get object", "s_3:get", "s3:*", "é:get"]
        {
            assert!(check_action(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resources() {
        assert!(check_resource("arn:aws:s3:::b").is_ok());
        assert!(
            check_resource("arn:aws-us-gov:ec2:us-gov-west-1:111111111111:instance/i-1").is_ok()
        );
        assert!(check_resource("arn:aws:svc:r:a:x:y/z").is_ok());
        for bad in [
            "arn:aws:s3:::",
            "arn:aws:s3::",
            "arn:awsx:s3:::b",
            "arn:aws:S3:::b",
            "arn:aws::::b",
            "ARN:aws:s3:::b",
            "arn:aws:s3:::b\n",
            "*",
        ] {
            assert!(check_resource(bad).is_err(), "{bad}");
        }
    }
}
