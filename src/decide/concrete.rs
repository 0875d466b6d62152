//! Driving the concretization (`concretize`): the possible regions of a
//! query whose violations depend on opaque constructs, each made into
//! candidate requests; the first that `simulate` confirms, whose caller is
//! consistent and which the outsider restriction admits, is the witness.

use super::search::Search;
use super::{concretize, witness, Reason, Verdict};
use crate::encode::{Encoded, Restrict};
use crate::policy::{Effect, Policy, PolicyType};
use crate::request::Request;

/// Regions tried by a concretization.
const CONCRETE_REGIONS: usize = 64;
/// Candidate requests `simulate` checks in one concretization.
const CONCRETE_CANDIDATES: usize = 1500;

/// A query whose violations all depend on opaque constructs.
pub(super) struct Concrete<'a> {
    pub(super) enc: &'a Encoded,
    pub(super) policies: &'a [&'a Policy],
    pub(super) terms: &'a [(usize, bool)],
    pub(super) policy_type: PolicyType,
    pub(super) deadline: Option<(std::time::Instant, std::time::Duration)>,
    /// The outsider of the access checks (empty otherwise).
    pub(super) restrict: &'a Restrict,
}

impl Concrete<'_> {
    /// A FAIL whose witness `simulate` confirms, built from the possible
    /// regions (`decide::concretize`); `None` when none is found within the
    /// bounds (the caller answers UNKNOWN).
    pub(super) fn find(&self, search: &mut Search<'_>) -> Option<Verdict> {
        let templates = concretize::templates(self.policies);
        if templates.iter().any(|t| t.touches(self.restrict)) {
            return None;
        }
        let field_values = concretize::field_values(self.enc);
        let regions = search.enumerate(CONCRETE_REGIONS).ok()?;
        let mut tried = std::collections::HashSet::new();
        for region in regions {
            let base = witness::request(self.enc, &region.path, self.policies, self.policy_type);
            // The templates of the statements alive in the region (all if none is).
            let alive: Vec<(usize, usize)> = region
                .alive
                .ones()
                .filter_map(|i| self.enc.statements.get(i))
                .map(|s| (s.policy, s.index))
                .collect();
            let local: Vec<concretize::Templated> =
                templates.iter().filter(|t| alive.contains(&t.statement())).cloned().collect();
            let templates = if local.is_empty() { templates.clone() } else { local };
            // The region's request and its caller repairs, each made concrete,
            // then the candidates' own caller repairs.
            let mut bases = vec![base.clone()];
            bases.extend(concretize::caller_repairs(&base, self.policy_type));
            let mut candidates: Vec<Request> = bases
                .iter()
                .flat_map(|b| concretize::candidates(b, &templates, &field_values))
                .collect();
            let repaired: Vec<Request> = candidates
                .iter()
                .flat_map(|c| concretize::caller_repairs(c, self.policy_type))
                .collect();
            candidates.extend(repaired);
            for candidate in candidates {
                if tried.len() >= CONCRETE_CANDIDATES
                    || self.deadline.is_some_and(|(at, _)| std::time::Instant::now() > at)
                {
                    return None;
                }
                if !tried.insert(candidate.clone()) {
                    continue;
                }
                let (p, t, ty) = (self.policies, self.terms, self.policy_type);
                if crate::request::caller::inconsistency(&candidate, ty).is_none()
                    && concretize::admitted(self.restrict, &candidate)
                    && witness::reaches_goal_decidedly(&candidate, p, t, ty)
                {
                    let mut witness = candidate;
                    witness::polish(&mut witness, p, t, ty, self.restrict);
                    let reasons = self.reasons(&witness);
                    return Some(Verdict::Fail { witness, reasons });
                }
            }
        }
        None
    }

    /// The Allow statements of policy 0 matching the witness (the regions
    /// searched here are only possible, so the reasons walk of a concrete
    /// search does not apply).
    fn reasons(&self, witness: &Request) -> Vec<Reason> {
        let Some(policy) = self.policies.first() else { return Vec::new() };
        let Ok(sim) = crate::simulate::simulate(policy, self.policy_type, witness) else {
            return Vec::new();
        };
        sim.matched
            .iter()
            .filter_map(|&i| policy.statements.get(i))
            .filter(|st| st.effect == Effect::Allow)
            .map(|st| Reason { statement_index: st.index, statement_id: st.sid.clone() })
            .collect()
    }
}
