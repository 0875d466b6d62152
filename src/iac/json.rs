//! Small helpers over the positioned JSON tree ([`Json`]) that both front
//! ends read: lookups, typed accessors with located errors, and the
//! conversion to `serde_json` values for output.

use super::IacError;
use crate::parse::json::{Json, Key, Kind};

/// The value of `key` in an object (the last one, as CloudFormation and
/// Terraform read duplicate keys), or `None`.
pub(crate) fn get<'a>(node: &'a Json, key: &str) -> Option<&'a Json> {
    match &node.kind {
        Kind::Object(entries) => entries.iter().rev().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The entries of an object, or a located error naming `path`.
pub(crate) fn entries<'a>(node: &'a Json, path: &str) -> Result<&'a [(Key, Json)], IacError> {
    match &node.kind {
        Kind::Object(entries) => Ok(entries),
        other => {
            Err(IacError::at(node, path, format!("expected an object, found {}", other.describe())))
        }
    }
}

/// The items of an array, or a located error naming `path`.
pub(crate) fn items<'a>(node: &'a Json, path: &str) -> Result<&'a [Json], IacError> {
    match &node.kind {
        Kind::Array(items) => Ok(items),
        other => {
            Err(IacError::at(node, path, format!("expected an array, found {}", other.describe())))
        }
    }
}

/// A string value, or a located error naming `path`.
pub(crate) fn string<'a>(node: &'a Json, path: &str) -> Result<&'a str, IacError> {
    match &node.kind {
        Kind::String(s) => Ok(s),
        other => {
            Err(IacError::at(node, path, format!("expected a string, found {}", other.describe())))
        }
    }
}

/// A scalar read as text, as CloudFormation reads numbers and booleans in
/// string positions; `None` for arrays, objects and null.
pub(crate) fn scalar_text(node: &Json) -> Option<String> {
    match &node.kind {
        Kind::String(s) => Some(s.clone()),
        Kind::Number(n) => Some(n.clone()),
        Kind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A new node at `at`'s position.
pub(crate) fn node(kind: Kind, at: &Json) -> Json {
    Json { kind, line: at.line, column: at.column, end_line: at.end_line }
}

/// A string node at `at`'s position.
pub(crate) fn text(s: impl Into<String>, at: &Json) -> Json {
    node(Kind::String(s.into()), at)
}

/// The tree as a `serde_json` value (numbers that do not fit a JSON
/// number stay text).
pub(crate) fn to_value(node: &Json) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Number(n) => serde_json::from_str::<serde_json::Number>(n)
            .map_or(Value::String(n.clone()), Value::Number),
        Kind::String(s) => Value::String(s.clone()),
        Kind::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Kind::Object(entries) => {
            Value::Object(entries.iter().map(|(k, v)| (k.name.clone(), to_value(v))).collect())
        }
    }
}

/// The number of nodes in a tree.
pub(crate) fn size(node: &Json) -> usize {
    match &node.kind {
        Kind::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Kind::Object(entries) => 1 + entries.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// `path.key` (keys that are not identifiers are quoted).
pub(crate) fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-');
    let key = if plain { key.to_string() } else { format!("{key:?}") };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}
