//! One statement against one request, three-valued (Kleene AND of its
//! parts).

use super::arn::arn_matches_tokens;
use super::condition::entry;
use super::glob::glob_ignore_ascii_case;
use super::principal::{element_matches, Caller};
use super::variables::any_entry;
use crate::policy::template::Tok;
use crate::policy::{Policy, Statement};
use crate::request::Request;

/// Whether a statement matches a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// Every part matches.
    Yes,
    /// Some part does not match.
    No,
    /// No part fails, but some cannot be decided; the reasons.
    Unknown(Vec<String>),
}

/// The request as the statements see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Input<'a> {
    /// The request.
    pub(crate) request: &'a Request,
    /// The parsed caller with its string (resource policies), `None` for
    /// identity policies.
    pub(crate) caller: Option<(Caller<'a>, &'a str)>,
    /// Whether `${…}` is a policy variable.
    pub(crate) substitutes_variables: bool,
}

impl Input<'_> {
    /// Builds the input for `request` against `policy`.
    pub(crate) fn new<'a>(
        policy: &Policy,
        request: &'a Request,
        caller: Option<(Caller<'a>, &'a str)>,
    ) -> Input<'a> {
        Input { request, caller, substitutes_variables: policy.substitutes_variables() }
    }
}

/// Evaluates `stmt` on `input`.
pub(crate) fn evaluate(stmt: &Statement, input: &Input<'_>) -> Match {
    let mut reasons = Vec::new();
    let parts = [principal_part(stmt, input), action_part(stmt, input), resource_part(stmt, input)];
    let conditions =
        stmt.conditions.iter().map(|cond| entry(cond, input.request, input.substitutes_variables));
    for part in parts.into_iter().chain(conditions) {
        match part {
            Ok(true) => {}
            Ok(false) => return Match::No,
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.is_empty() {
        Match::Yes
    } else {
        Match::Unknown(reasons)
    }
}

/// A decided part is `Ok(matches)`, an undecided one `Err(reason)`.
type Part = Result<bool, String>;

fn principal_part(stmt: &Statement, input: &Input<'_>) -> Part {
    let Some((caller, raw)) = input.caller else {
        // Identity policies have no principal constraint.
        return Ok(true);
    };
    // A resource-policy statement without `Principal`/`NotPrincipal`
    // matches no principal.
    let Some(el) = stmt.principal.as_ref() else { return Ok(false) };
    let matches = element_matches(el, caller, raw);
    // Whether the IAM user who federated counts is documented only for grants
    // (docs/semantics.md §3): elsewhere both readings, undecided where they differ.
    // Only a federated user federated by an IAM user has a second reading to compare.
    let plain = caller.without_federator();
    if (el.negated || stmt.effect == crate::policy::Effect::Deny)
        && plain != caller
        && matches != element_matches(el, plain, raw)
    {
        return Err(crate::iam::caller::FEDERATOR_UNDOCUMENTED.to_string());
    }
    Ok(matches)
}

fn action_part(stmt: &Statement, input: &Input<'_>) -> Part {
    let action = input.request.action.as_str();
    // An entry with whitespace (`"lambda:ListFunctions "`) matches no action as written; whether
    // AWS matches it as its trimmed action is not documented: undecided where that matters.
    let mut undecided = None;
    for p in &stmt.action.values {
        match crate::iam::grammar::action_whitespace(p) {
            Some(trimmed) if glob_ignore_ascii_case(&trimmed, action) => {
                undecided = Some(format!(
                    "whether the action entry `{}` matches `{trimmed}` (AWS does not document it)",
                    p.escape_debug()
                ));
            }
            Some(_) => {}
            None if glob_ignore_ascii_case(p, action) => return Ok(!stmt.action.negated),
            None => {}
        }
    }
    undecided.map_or(Ok(stmt.action.negated), Err)
}

fn resource_part(stmt: &Statement, input: &Input<'_>) -> Part {
    let Some(element) = &stmt.resource else {
        // Role trust policies: every resource.
        return Ok(true);
    };
    let resource = input.request.resource.as_str();
    let any = any_entry(&element.values, input.request, input.substitutes_variables, true, |t| {
        t == [Tok::Star] || arn_matches_tokens(t, resource)
    })?;
    Ok(any != element.negated)
}
