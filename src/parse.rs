//! Parsing: policy text → validated [`Policy`], with every error located.
//! (stub: being written)

use crate::error::{Diagnostic, ParseErrors};
use crate::policy::{Policy, PolicyType};

/// A parsed policy with its warnings.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The policy.
    pub policy: Policy,
    /// Warnings (the document was accepted, read as each says).
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates one policy document.
///
/// # Errors
/// Every error found in the document.
pub fn parse_policy(_text: &str, _policy_type: PolicyType) -> Result<Parsed, ParseErrors> {
    Err(ParseErrors { errors: vec![] })
}
