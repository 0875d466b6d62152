//! Driving the concretization (`concretize`): the possible regions of a
//! query whose violations depend on opaque constructs, each made into
//! candidate requests; the first that `simulate` confirms, whose caller is
//! consistent and which the outsider restriction admits, is the witness.

use super::search::Search;
use super::{concretize, witness, Reason, Verdict};
use crate::encode::{Encoded, Restrict};
use crate::policy::{Effect, Policy, PolicyType};
use crate::request::Request;
use crate::unknown::{Budget, UnknownReason};

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
    /// regions (`decide::concretize`). Otherwise the caller answers
    /// UNKNOWN: with `Err(Some(budget))` when a bound of the concretization
    /// (or the search's node or time budget) left candidates untried, with
    /// its own reason on `Err(None)` (every candidate was tried).
    pub(super) fn find(&self, search: &mut Search<'_>) -> Result<Verdict, Option<UnknownReason>> {
        let templates = concretize::templates(self.policies);
        if templates.iter().any(|t| t.touches(self.restrict)) {
            return Err(None);
        }
        let field_values = concretize::field_values(self.enc);
        let mut tripped = concretize::Tripped::default();
        // One region more than the bound tells whether the bound cut any.
        let mut regions =
            search.enumerate(CONCRETE_REGIONS + 1).map_err(|e| Some(UnknownReason::from(e)))?;
        if regions.len() > CONCRETE_REGIONS {
            regions.truncate(CONCRETE_REGIONS);
            tripped.note(Budget::ConcreteRegions, CONCRETE_REGIONS);
        }
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
                .flat_map(|b| concretize::candidates(b, &templates, &field_values, &mut tripped))
                .collect();
            let repaired: Vec<Request> = candidates
                .iter()
                .flat_map(|c| concretize::caller_repairs(c, self.policy_type))
                .collect();
            candidates.extend(repaired);
            for candidate in candidates {
                if let Some((at, limit)) = self.deadline {
                    if std::time::Instant::now() > at {
                        return Err(Some(UnknownReason::Timeout { limit }));
                    }
                }
                if tried.contains(&candidate) {
                    continue;
                }
                if tried.len() >= CONCRETE_CANDIDATES {
                    let limit = u64::try_from(CONCRETE_CANDIDATES).unwrap_or(u64::MAX);
                    return Err(Some(UnknownReason::Budget {
                        budget: Budget::ConcreteCandidates,
                        limit,
                    }));
                }
                tried.insert(candidate.clone());
                let (p, t, ty) = (self.policies, self.terms, self.policy_type);
                if crate::request::caller::inconsistency(&candidate, ty).is_none()
                    && concretize::admitted(self.restrict, &candidate)
                    && witness::reaches_goal_decidedly(&candidate, p, t, ty)
                {
                    let mut witness = candidate;
                    witness::polish(&mut witness, p, t, ty, self.restrict);
                    let reasons = self.reasons(&witness);
                    return Ok(Verdict::Fail { witness, reasons });
                }
            }
        }
        Err(tripped.reason())
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
