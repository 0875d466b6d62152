//! Parsing: policy text → validated [`Policy`], with every error located.
//!
//! Two layers, so that nothing in the document goes unnoticed:
//!
//! 1. a strict JSON parser (`parse/json.rs`) builds a tree that keeps every
//!    object entry in order, duplicates included, and the line and column of
//!    every key and value;
//! 2. the lowering (`parse/lower.rs`) checks the tree against the grammar of
//!    `docs/semantics.md` §1 and builds the [`Policy`], collecting *every*
//!    error of the document, each with its JSON path
//!    (`Statement[1].Condition.StringLike."aws:PrincipalTag/team"`), its
//!    statement (index and Sid) and its position.
//!
//! The parser keeps values as written: patterns are not translated and no
//! case is folded (that is `encode`'s and `simulate`'s job).
//!
//! ```
//! use iamcheck::{parse_policy, PolicyType};
//! let text = r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;
//! let parsed = parse_policy(text, PolicyType::Identity)?;
//! assert_eq!(parsed.policy.statements.len(), 1);
//! // No `Version`: accepted, with a warning.
//! assert!(parsed.warnings[0].message.contains("missing `Version`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod access;
mod grammar;
pub(crate) mod json;
pub mod limits;
mod lower;
pub mod suggest;

use crate::error::{Diagnostic, Location, ParseErrors, Severity};
use crate::policy::{Policy, PolicyType};
pub use access::{check_access, AccessFindings};

/// The default [`ParseLimits::max_depth`]: policies nest about six levels.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The default [`ParseLimits::max_size`], 1 MiB (AWS's own limits are
/// far smaller: 6,144 characters for a managed policy, 20 KiB for a bucket
/// policy).
pub const DEFAULT_MAX_SIZE: usize = 1 << 20;

/// The largest nesting depth the parser accepts whatever the limits say:
/// the JSON parser recurses once per level, so this bounds its stack use.
pub const MAX_DEPTH_CEILING: usize = 512;

/// The default [`ParseLimits::max_statements`].
pub const DEFAULT_MAX_STATEMENTS: usize = 2_000;

/// The default [`ParseLimits::max_string_length`] in characters (AWS's
/// longest documented string, a resource ARN, is 2,048).
pub const DEFAULT_MAX_STRING_LENGTH: usize = 4_096;

/// Limits on the documents [`parse_policy_with`] accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseLimits {
    /// The deepest nesting of arrays and objects (the document's outermost
    /// object is level 1); capped at [`MAX_DEPTH_CEILING`].
    pub max_depth: usize,
    /// The largest document, in bytes.
    pub max_size: usize,
    /// The most statements.
    pub max_statements: usize,
    /// The longest string (action, resource, principal, condition key or
    /// value), in characters.
    pub max_string_length: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_size: DEFAULT_MAX_SIZE,
            max_statements: DEFAULT_MAX_STATEMENTS,
            max_string_length: DEFAULT_MAX_STRING_LENGTH,
        }
    }
}

/// A parsed policy with its warnings.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The policy.
    pub policy: Policy,
    /// Warnings (the document was accepted, read as each says).
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates one policy document with the default
/// [`ParseLimits`].
///
/// # Errors
/// Every error found in the document, in document order. A JSON syntax
/// error stops the parse, so it is then the only error.
pub fn parse_policy(text: &str, policy_type: PolicyType) -> Result<Parsed, ParseErrors> {
    parse_policy_with(text, policy_type, &ParseLimits::default())
}

/// Parses and validates one policy document within `limits`.
///
/// # Errors
/// Every error found in the document, in document order; a document over
/// the size limit or a JSON syntax error is reported alone.
pub fn parse_policy_with(
    text: &str,
    policy_type: PolicyType,
    limits: &ParseLimits,
) -> Result<Parsed, ParseErrors> {
    if text.len() > limits.max_size {
        let message = format!(
            "the document is {} bytes, more than the limit of {} bytes",
            text.len(),
            limits.max_size
        );
        return Err(single_error(message, 0, 0));
    }
    let max_depth = limits.max_depth.min(MAX_DEPTH_CEILING);
    let doc = json::parse(text, max_depth)
        .map_err(|e| single_error(format!("invalid JSON: {}", e.message), e.line, e.column))?;
    let (policy, warnings) =
        lower::lower(&doc, policy_type).map_err(|errors| ParseErrors { errors })?;
    let errors = limits::check(&policy, policy_type, limits);
    if !errors.is_empty() {
        return Err(ParseErrors { errors });
    }
    Ok(Parsed { policy, warnings })
}

fn single_error(message: String, line: usize, column: usize) -> ParseErrors {
    let location = Location { path: String::new(), statement: None, line, column };
    ParseErrors {
        errors: vec![Diagnostic { severity: Severity::Error, message, help: None, location }],
    }
}

#[cfg(test)]
mod tests;
