//! The concrete evaluator (stub: being written).

use crate::policy::{Policy, PolicyType};
use crate::request::Request;

/// The outcome of evaluating one request against one policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Some Allow statement matches and no Deny statement does.
    Allow,
    /// Some Deny statement matches.
    ExplicitDeny,
    /// No statement allows.
    ImplicitDeny,
    /// The decision depends on a construct simulate cannot evaluate yet.
    Unknown,
}

/// The decision with the statements that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// The decision.
    pub decision: Decision,
    /// Indices of the statements that match the request.
    pub matched: Vec<usize>,
    /// Statements whose match could not be decided, with the reason.
    pub undecided: Vec<(usize, String)>,
}

/// Evaluates `request` against `policy`.
///
/// # Errors
/// A message when the request is malformed (e.g. an invalid principal string).
pub fn simulate(_policy: &Policy, _policy_type: PolicyType, _request: &Request) -> Result<Simulation, String> {
    Err("not yet".into())
}
