//! The concrete evaluator: one request against one policy, by direct string
//! matching (docs/semantics.md §2–§6).
//!
//! This is deliberately a separate, simple code path (no automata, no
//! regular expressions, nothing shared with the symbolic engine but the
//! value grammars of [`crate::values`] and IAM's facts of [`crate::iam`]:
//! partitions, identifier grammars, a caller's identities) so that it can
//! replay and check every witness the engine produces.
//!
//! Each statement matches a request `Yes`, `No` or `Unknown` (when it
//! depends on a construct of §6: policy variables); the parts of a
//! statement combine by Kleene AND (`No` dominates, then `Unknown`).

pub(crate) mod arn;
mod condition;
pub(crate) mod glob;
mod keys;
mod principal;
mod statement;
#[cfg(test)]
mod tests;
mod validate;
mod variables;

use crate::policy::{Effect, Policy, PolicyType};
use crate::request::Request;
use principal::Caller;
use statement::{evaluate, Input, Match};

/// Whether the principal entry `entry` matches the request principal
/// `principal`, federated by `by` if given (`None` if they are not a request principal).
pub(crate) fn principal_entry_matches(
    entry: &crate::policy::Principal,
    principal: &str,
    by: Option<&str>,
) -> Option<bool> {
    let caller = principal::parse_federated(principal, by).ok()?;
    Some(principal::entry_matches(entry, caller, principal))
}

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
    /// Indices of the statements that match the request, ascending.
    pub matched: Vec<usize>,
    /// Statements whose match could not be decided, with the reason,
    /// ascending by index.
    pub undecided: Vec<(usize, String)>,
}

/// Evaluates `request` against `policy`.
///
/// The decision: some `Deny` statement matches → [`Decision::ExplicitDeny`];
/// else some `Deny` is undecided → [`Decision::Unknown`]; else some `Allow`
/// matches → [`Decision::Allow`]; else some `Allow` is undecided →
/// [`Decision::Unknown`]; else [`Decision::ImplicitDeny`].
///
/// # Errors
/// A lowercase message when the request is outside the request universe of
/// `docs/semantics.md` §2: a malformed action or resource, or (for resource
/// policies only) a missing or malformed principal, or one in another partition
/// than the resource (partitions are isolated).
pub fn simulate(
    policy: &Policy,
    policy_type: PolicyType,
    request: &Request,
) -> Result<Simulation, String> {
    validate::check_action(&request.action)?;
    validate::check_resource(&request.resource)?;
    keys::check_context(policy_type, request)?;
    let caller = request_caller(policy_type, request)?;
    validate::check_partition(&request.resource, caller.and_then(|(c, _)| c.partition()))?;
    let input = Input::new(policy, request, caller);
    let mut sim =
        Simulation { decision: Decision::ImplicitDeny, matched: Vec::new(), undecided: Vec::new() };
    let (mut deny, mut allow) = (Match::No, Match::No);
    for (index, stmt) in policy.statements.iter().enumerate() {
        let outcome = evaluate(stmt, &input);
        match &outcome {
            Match::Yes => sim.matched.push(index),
            Match::No => {}
            Match::Unknown(reasons) => {
                sim.undecided.push((index, format!("statement {index}: {}", reasons.join("; "))));
            }
        }
        let acc = match stmt.effect {
            Effect::Deny => &mut deny,
            Effect::Allow => &mut allow,
        };
        *acc = kleene_or(acc, &outcome);
    }
    sim.decision = decide(&deny, &allow);
    Ok(sim)
}

/// The caller of a resource-policy request; identity policies ignore the
/// request's principal.
fn request_caller(
    policy_type: PolicyType,
    request: &Request,
) -> Result<Option<(Caller<'_>, &str)>, String> {
    match policy_type {
        PolicyType::Identity => Ok(None),
        PolicyType::Resource => {
            let raw = request
                .principal
                .as_deref()
                .ok_or_else(|| "a resource-policy request needs a `principal`".to_string())?;
            Ok(Some((principal::parse_federated(raw, request.federated_by.as_deref())?, raw)))
        }
    }
}

/// Three-valued OR, ignoring reasons (only whether it is undecided counts).
fn kleene_or(a: &Match, b: &Match) -> Match {
    match (a, b) {
        (Match::Yes, _) | (_, Match::Yes) => Match::Yes,
        (Match::Unknown(_), _) | (_, Match::Unknown(_)) => Match::Unknown(Vec::new()),
        (Match::No, Match::No) => Match::No,
    }
}

fn decide(deny: &Match, allow: &Match) -> Decision {
    match (deny, allow) {
        (Match::Yes, _) => Decision::ExplicitDeny,
        // No Allow can match: denied either way, so not allowed (reported
        // as implicit; the undecided Deny is listed).
        (Match::Unknown(_), Match::No) => Decision::ImplicitDeny,
        (Match::Unknown(_), _) => Decision::Unknown,
        (Match::No, Match::Yes) => Decision::Allow,
        (Match::No, Match::Unknown(_)) => Decision::Unknown,
        (Match::No, Match::No) => Decision::ImplicitDeny,
    }
}
