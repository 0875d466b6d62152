//! Turning a search path into a concrete [`Request`].

use crate::encode::{AtomValue, Encoded, FieldKind};
use crate::policy::{Policy, PolicyType};
use crate::request::{ContextValue, Request};
use crate::simulate::{simulate, Decision};

/// Replays a witness through the concrete evaluator: why it does not reach
/// the goal (`terms`), if it does not. A FAIL is only reported with a
/// witness `simulate` confirms; a decision `simulate` leaves undecided
/// (an opaque construct the witness does not depend on) is accepted.
pub(crate) fn contradiction(
    witness: &Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
) -> Option<String> {
    if let Some(why) = crate::request::caller::inconsistency(witness, policy_type) {
        return Some(format!(
            "the witness {witness:?} pairs its caller with keys it cannot have: {why}"
        ));
    }
    for &(p, want) in terms {
        let policy = policies.get(p)?;
        let decision = match simulate(policy, policy_type, witness) {
            Ok(sim) => sim.decision,
            Err(e) => return Some(format!("the witness {witness:?} is not a valid request: {e}")),
        };
        let allowed = match decision {
            Decision::Allow => true,
            Decision::ExplicitDeny | Decision::ImplicitDeny => false,
            Decision::Unknown => continue,
        };
        if allowed != want {
            return Some(format!("simulate disagrees with the witness {witness:?} on policy {p}"));
        }
    }
    None
}

/// The request that `path` (one atom per searched field) stands for.
pub(crate) fn request(
    enc: &Encoded,
    path: &[usize],
    policies: &[&Policy],
    policy_type: PolicyType,
) -> Request {
    let mut req = Request::default();
    let mut caller = None;
    for (field, &atom) in enc.fields.iter().zip(path) {
        let Some(value) = field.atoms.get(atom).map(|a| &a.value) else {
            continue;
        };
        match (&field.kind, value) {
            (FieldKind::Action, AtomValue::Str(s)) => req.action = recase_action(s, policies),
            (FieldKind::Resource, AtomValue::Str(s)) => req.resource = s.clone(),
            (FieldKind::Principal, AtomValue::Str(s)) => {
                let (principal, by) = crate::iam::caller::split_federator(s);
                req.principal = Some(principal);
                req.federated_by = by;
            }
            (FieldKind::Caller { keys }, AtomValue::Str(s)) => caller = Some((s, keys)),
            (FieldKind::Key { name, .. }, AtomValue::Str(s)) => {
                req.context.insert(name.clone(), ContextValue::Single(s.clone()));
            }
            (FieldKind::Key { name, .. }, AtomValue::Set(vs)) => {
                req.context.insert(name.clone(), ContextValue::Multi(vs.clone()));
            }
            _ => {}
        }
    }
    if policy_type == PolicyType::Identity {
        req.principal = None;
        req.federated_by = None;
    }
    let userid_field = enc.fields.iter().any(
        |f| matches!(&f.kind, FieldKind::Key { name, .. } if name.eq_ignore_ascii_case("aws:userid")),
    );
    if let Some((s, keys)) = caller {
        crate::encode::caller::apply(s, keys, policy_type, userid_field, &mut req);
    }
    req
}

/// Gives a lower-cased action witness the casing of the policy pattern
/// whose literal prefix covers most of it (`ec2:describeinstance` →
/// `ec2:DescribeInstance` from `ec2:DescribeInstance*`).
fn recase_action(lower: &str, policies: &[&Policy]) -> String {
    let mut best: Option<&str> = None;
    for p in policies {
        for s in &p.statements {
            for pattern in &s.action.values {
                let prefix = pattern.split(['*', '?']).next().unwrap_or_default();
                let fits = lower.len() >= prefix.len()
                    && lower.get(..prefix.len()).is_some_and(|l| l.eq_ignore_ascii_case(prefix));
                if fits && best.is_none_or(|b| b.len() < prefix.len()) {
                    best = Some(prefix);
                }
            }
        }
    }
    match best {
        Some(prefix) => format!("{prefix}{}", lower.get(prefix.len()..).unwrap_or_default()),
        None => lower.to_string(),
    }
}

/// Makes a witness read like a real request where that keeps it a witness:
/// a resource left free by the policies (`arn:aws:a:::a`) becomes one of
/// the action's service. Every candidate is checked with `simulate`, so
/// a polished witness reaches the goal as surely as the original.
pub(crate) fn polish(
    witness: &mut Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
) {
    let Some((service, _)) = witness.action.split_once(':') else { return };
    let service = service.to_ascii_lowercase();
    if witness.resource.split(':').nth(2) == Some(service.as_str()) {
        return;
    }
    let candidates = [
        format!("arn:aws:{service}:us-east-1:123456789012:example"),
        format!("arn:aws:{service}:::example"),
    ];
    for candidate in candidates {
        let mut polished = witness.clone();
        polished.resource = candidate;
        if reaches_goal_decidedly(&polished, policies, terms, policy_type) {
            *witness = polished;
            return;
        }
    }
}

/// Whether `simulate` decides every policy of the goal for `request` (no
/// `Unknown`) and each as the goal wants: the bar a polished witness must
/// clear, stricter than [`contradiction`].
pub(crate) fn reaches_goal_decidedly(
    request: &Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
) -> bool {
    terms.iter().all(|&(p, want)| {
        let Some(policy) = policies.get(p) else { return false };
        match simulate(policy, policy_type, request).map(|s| s.decision) {
            Ok(Decision::Allow) => want,
            Ok(Decision::ExplicitDeny | Decision::ImplicitDeny) => !want,
            Ok(Decision::Unknown) | Err(_) => false,
        }
    })
}
