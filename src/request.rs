//! A concrete request: what `simulate` evaluates and what every witness is.
//!
//! The JSON form is the contract shared by `--request` and the `witness`
//! of a FAIL, so any witness can be replayed:
//!
//! ```json
//! {"principal": "arn:aws:iam::111122223333:root",
//!  "action": "s3:PutObject",
//!  "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET",
//!  "context": {"aws:SourceVpc": "vpc-1", "aws:TagKeys": ["a", "b"]}}
//! ```
//!
//! `principal` is only meaningful for resource policies. Principal strings
//! (see `docs/semantics.md`, "Request model"):
//! `arn:PARTITION:iam::ACCOUNT:root`, `arn:PARTITION:iam::ACCOUNT:user/NAME`,
//! `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`,
//! `arn:PARTITION:sts::ACCOUNT:federated-user/NAME`, `anonymous`,
//! `service:NAME`, `federated:PROVIDER`, `canonical-user:ID`. A federated user's request may
//! name the IAM user who federated: `"federatedBy": "arn:PARTITION:iam::ACCOUNT:user/NAME"`
//! (same partition and account; absent: the root user federated).
//! Context keys that are absent from the request are omitted.

pub(crate) mod caller;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The caller (resource policies only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The IAM user who federated a federated-user caller (`GetFederationToken`), as its
    /// ARN in the caller's partition and account; absent: the account's root user federated
    /// (docs/semantics.md §2). A grant to this user reaches the session.
    #[serde(default, rename = "federatedBy", skip_serializing_if = "Option::is_none")]
    pub federated_by: Option<String>,
    /// The action, e.g. `s3:GetObject` (compared case-insensitively).
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// Condition keys present in the request, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub context: BTreeMap<String, ContextValue>,
}

/// The value of one context key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (may be empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice-like list (one for a single value).
    pub fn values(&self) -> Vec<&str> {
        match self {
            ContextValue::Single(v) => vec![v.as_str()],
            ContextValue::Multi(vs) => vs.iter().map(String::as_str).collect(),
        }
    }
}

impl Request {
    /// Looks a context key up case-insensitively (key names fold case).
    pub fn context_value(&self, key: &str) -> Option<&ContextValue> {
        self.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }

    /// Parses the JSON form, accepting JSON numbers and booleans as
    /// context values (kept as their JSON text).
    ///
    /// # Errors
    /// A message naming the offending field when the JSON is not a request.
    pub fn from_json(text: &str) -> Result<Request, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("request is not valid JSON: {e}"))?;
        Request::from_value(&value)
    }

    /// Like [`Request::from_json`] from an already parsed value.
    ///
    /// # Errors
    /// A message naming the offending field.
    pub fn from_value(value: &serde_json::Value) -> Result<Request, String> {
        use serde_json::Value;
        let Value::Object(map) = value else {
            return Err("request must be a JSON object".into());
        };
        let mut req = Request::default();
        let mut have_action = false;
        let mut have_resource = false;
        for (k, v) in map {
            match (k.as_str(), v) {
                ("principal", Value::String(s)) => req.principal = Some(s.clone()),
                ("federatedBy", Value::String(s)) => req.federated_by = Some(s.clone()),
                ("action", Value::String(s)) => {
                    req.action = s.clone();
                    have_action = true;
                }
                ("resource", Value::String(s)) => {
                    req.resource = s.clone();
                    have_resource = true;
                }
                ("context", Value::Object(ctx)) => {
                    for (key, val) in ctx {
                        let cv = context_value(val)
                            .ok_or_else(|| format!("request `context.{key}` must be a string, number, boolean or an array of them"))?;
                        req.context.insert(key.clone(), cv);
                    }
                }
                ("principal" | "federatedBy" | "action" | "resource", _) => {
                    return Err(format!("request `{k}` must be a string"));
                }
                ("context", _) => return Err("request `context` must be an object".into()),
                _ => {
                    return Err(format!(
                        "unknown request field `{k}`: expected principal, federatedBy, action, resource, context"
                    ))
                }
            }
        }
        if !have_action {
            return Err("request has no `action`".into());
        }
        if !have_resource {
            return Err("request has no `resource`".into());
        }
        Ok(req)
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn context_value(v: &serde_json::Value) -> Option<ContextValue> {
    match v {
        serde_json::Value::Array(items) => {
            items.iter().map(scalar).collect::<Option<Vec<_>>>().map(ContextValue::Multi)
        }
        other => scalar(other).map(ContextValue::Single),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_serializes_the_witness_shape() {
        let text = r#"{"principal":"anonymous","action":"s3:PutObject","resource":"arn:aws:s3:::b","context":{"aws:TagKeys":["a","b"],"aws:SecureTransport":true}}"#;
        let req = Request::from_json(text).unwrap();
        assert_eq!(
            req.context_value("AWS:securetransport"),
            Some(&ContextValue::Single("true".into()))
        );
        let back = serde_json::to_string(&req).unwrap();
        assert_eq!(Request::from_json(&back).unwrap(), req);
    }

    #[test]
    fn rejects_unknown_fields_and_missing_action() {
        assert!(Request::from_json(r#"{"action":"a:b","resource":"r","foo":1}"#)
            .unwrap_err()
            .contains("unknown request field `foo`"));
        assert!(Request::from_json(r#"{"resource":"r"}"#).unwrap_err().contains("no `action`"));
    }
}
