//! Deciding checks: one generic reduction, "is there a request that the
//! policies allow or not as the goal says?", and the named checks on top.
//!
//! Soundness contract: [`Verdict::Pass`] means no request of the request
//! model (docs/semantics.md §2) reaches the goal; [`Verdict::Fail`] always
//! carries a witness request that reaches it whatever any opaque construct
//! evaluates to; everything else is [`Verdict::Unknown`] with the reason.

mod concrete;
mod concretize;
pub mod diff;
pub(crate) mod facts;
mod outsider;
mod search;
mod witness;

pub use outsider::{
    check_no_external_access, check_no_public_access, ResourceType, ZoneOfTrust, RESOURCE_TYPES,
};

use crate::encode::{encode, EncodeBudget, Encoded, FieldKind, Restrict};
use crate::policy::{Effect, Element, Policy, PolicyType, Principal, Statement};
use crate::request::caller::inconsistency;
use crate::request::Request;
use crate::unknown::{Construct, UnknownReason};
use concrete::Concrete;
use search::{Goal, Limits, Masks, OutOfBudget, Search};

/// Budgets of one check.
#[derive(Clone, Debug)]
pub struct Config {
    /// Budgets of the encoding (automata, multivalued keys).
    pub encode: EncodeBudget,
    /// Maximum search nodes over all searches of one check.
    pub max_search_nodes: usize,
    /// Wall-clock limit of one check (`None`: no limit). Past it the check
    /// answers UNKNOWN naming the limit.
    pub timeout: Option<std::time::Duration>,
    /// Which requests exist (default: Access Analyzer's model).
    pub request_model: RequestModel,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            encode: EncodeBudget::default(),
            max_search_nodes: 1_000_000,
            timeout: None,
            request_model: RequestModel::default(),
        }
    }
}

/// Which requests a check ranges over (docs/semantics.md, "The catalogue
/// request model").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestModel {
    /// Access Analyzer's: any action name with any resource ARN.
    #[default]
    AccessAnalyzer,
    /// Only the real pairs of the catalogue shipped in the crate
    /// ([`crate::iam::catalog`]): an action AWS lists, with a resource in the
    /// ARN format of a resource type it takes (`*` when it takes none).
    /// PASS there says nothing of actions newer than the catalogue.
    Catalog,
}

/// A statement of the policy under test that grants the access found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The statement's index.
    pub statement_index: usize,
    /// The statement's Sid, if any.
    pub statement_id: Option<String>,
}

/// The access named by check-access-not-granted: empty lists mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Action patterns.
    pub actions: Vec<String>,
    /// Resource patterns.
    pub resources: Vec<String>,
}

/// The outcome of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No request violates the check.
    Pass,
    /// A request violates it.
    Fail {
        /// A concrete violating request (replayable by `simulate`).
        witness: Request,
        /// The statements of the policy under test granting the access.
        reasons: Vec<Reason>,
    },
    /// The check could not be decided exactly.
    Unknown {
        /// Why: a budget, the time limit, a construct, or an internal failure
        /// (`Display` gives the message, [`UnknownReason::code`] a stable code).
        reason: UnknownReason,
    },
}

impl Verdict {
    /// An UNKNOWN verdict.
    pub fn unknown(reason: UnknownReason) -> Verdict {
        Verdict::Unknown { reason }
    }
}

/// check-no-new-access: FAIL iff `new` allows a request `existing` does not.
pub fn check_no_new_access(
    existing: &Policy,
    new: &Policy,
    policy_type: PolicyType,
    config: &Config,
) -> Verdict {
    decide(&[new, existing], &[(0, true), (1, false)], policy_type, config, &Restrict::default())
}

/// check-access-not-granted: FAIL iff `policy` allows a request within
/// `access` (docs/semantics.md §7).
pub fn check_access_not_granted(
    policy: &Policy,
    access: &Access,
    policy_type: PolicyType,
    config: &Config,
) -> Verdict {
    let target = access_policy(access, policy_type);
    decide(&[policy, &target], &[(0, true), (1, true)], policy_type, config, &Restrict::default())
}

/// The access as a one-statement policy allowing exactly it.
pub(crate) fn access_policy(access: &Access, policy_type: PolicyType) -> Policy {
    let or_any = |v: &Vec<String>| {
        if v.is_empty() {
            vec!["*".to_string()]
        } else {
            v.clone()
        }
    };
    let statement = Statement {
        index: 0,
        sid: None,
        effect: Effect::Allow,
        principal: (policy_type == PolicyType::Resource)
            .then(|| Element { negated: false, values: vec![Principal::Everyone] }),
        action: Element { negated: false, values: or_any(&access.actions) },
        resource: Some(Element { negated: false, values: or_any(&access.resources) }),
        conditions: Vec::new(),
        lines: (0, 0),
    };
    Policy { version: None, id: None, statements: vec![statement] }
}

/// The generic reduction: policy 0 is the policy under test, whose Allow
/// statements are the reasons.
fn decide(
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
    config: &Config,
    restrict: &Restrict,
) -> Verdict {
    with_facts(policies, terms, policy_type, restrict, |query, real| match config.request_model {
        RequestModel::Catalog => witness::in_catalog_model(query, config),
        RequestModel::AccessAnalyzer => {
            witness::realistic(decide_exactly(query, config, real), query, config)
        }
    })
}

/// check-no-new-access's verdict over Access Analyzer's request model, without the last
/// step that makes a FAIL's witness a real action (which never changes the verdict): what
/// the diff's relation is settled with (`diff`, over the same requests).
pub(crate) fn no_new_access_exactly(
    existing: &Policy,
    new: &Policy,
    policy_type: PolicyType,
    config: &Config,
) -> Verdict {
    let terms = [(0, true), (1, false)];
    with_facts(&[new, existing], &terms, policy_type, &Restrict::default(), |query, real| {
        decide_exactly(query, config, real)
    })
}

/// `decide` on the query with the facts of AWS's requests added (only requests AWS can
/// receive: keys as each kind of caller carries them, `facts`); `then` gets the query and
/// how many of its policies are real (all of them).
fn with_facts<R>(
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
    restrict: &Restrict,
    then: impl FnOnce(&Query<'_>, usize) -> R,
) -> R {
    let facts = facts::policies(policies, policy_type);
    let mut with_facts: Vec<&Policy> = policies.to_vec();
    let mut all_terms = terms.to_vec();
    for f in &facts {
        all_terms.push((with_facts.len(), true));
        with_facts.push(f);
    }
    let query = Query { policies: &with_facts, terms: &all_terms, policy_type, restrict };
    then(&query, with_facts.len())
}

/// One query: its policies (the policy under test first, the key facts
/// last), the goal's terms, their type and the outsider restriction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Query<'a> {
    pub(crate) policies: &'a [&'a Policy],
    pub(crate) terms: &'a [(usize, bool)],
    pub(crate) policy_type: PolicyType,
    pub(crate) restrict: &'a Restrict,
}

/// The search and its witness: the first `real` policies are the query's
/// (`simulate` replays the witness on them), any further one is the
/// request model's (`iam::catalog::model`), which the search honours and
/// `simulate` does not read.
pub(crate) fn decide_exactly(query: &Query<'_>, config: &Config, real: usize) -> Verdict {
    let Query { policies: all, terms: all_terms, policy_type, restrict } = *query;
    let policies = all.get(..real).unwrap_or(all);
    let real_terms: Vec<(usize, bool)> =
        all_terms.iter().copied().filter(|&(p, _)| p < real).collect();
    let terms = real_terms.as_slice();
    let deadline = config.timeout.map(|t| (std::time::Instant::now() + t, t));
    let mut budget = config.encode.clone();
    budget.atoms.deadline = deadline;
    let enc = match encode(all, policy_type, &budget, restrict) {
        Ok(enc) => enc,
        Err(e) => return Verdict::unknown(e.into_reason()),
    };
    if let Some((at, limit)) = deadline {
        if std::time::Instant::now() > at {
            return Verdict::unknown(OutOfBudget::Time(limit).into());
        }
    }
    let masks = Masks::new(&enc, all.len());
    let mut nodes = 0;
    let goal = Goal { terms: all_terms.to_vec() };
    let limits = Limits { max_nodes: config.max_search_nodes, deadline };
    let run = |goal: Goal, concrete: bool, nodes: &mut usize| {
        Search::new(&enc, &masks, goal, concrete, nodes, limits).run()
    };
    let out_of_budget = |e: OutOfBudget| Verdict::unknown(e.into());
    match run(goal.clone(), true, &mut nodes) {
        Err(e) => out_of_budget(e),
        Ok(Some(found)) => {
            let mut search = Search::new(&enc, &masks, goal.clone(), true, &mut nodes, limits);
            let mut sure = found.alive.clone();
            sure.intersect_with(masks.settled_at_opaque());
            let reasons = reasons(&enc, policies, &sure, &mut search);
            let mut witness = witness::request(&enc, &found.path, all, policy_type);
            let why = witness::contradiction(&witness, policies, terms, policy_type)
                .or_else(|| witness::outside_model(&witness, restrict));
            match why {
                None => {
                    witness::polish(&mut witness, policies, terms, policy_type, restrict);
                    Verdict::Fail { witness, reasons }
                }
                Some(why) => {
                    // A key the encoding keeps independent of the caller
                    // (`aws:userid`) may make the first witness one no
                    // caller can send: look for a consistent one.
                    let mut search = Search::new(&enc, &masks, goal, false, &mut nodes, limits);
                    let concrete =
                        Concrete { enc: &enc, policies, terms, policy_type, deadline, restrict };
                    concrete.find(&mut search).unwrap_or_else(|bound| {
                        // An engine bug stays one; a bound that cut the
                        // search for a consistent caller is a budget.
                        Verdict::unknown(match (inconsistency(&witness, policy_type), bound) {
                            (Some(_), Some(bound)) => bound,
                            (Some(_), None) => UnknownReason::CallerKeys { detail: why },
                            (None, _) => UnknownReason::internal(why),
                        })
                    })
                }
            }
        }
        Ok(None) if masks.first_opaque == enc.fields.len() => Verdict::Pass,
        Ok(None) => match run(goal.clone(), false, &mut nodes) {
            Err(e) => out_of_budget(e),
            Ok(None) => Verdict::Pass,
            Ok(Some(_)) => {
                let mut search = Search::new(&enc, &masks, goal, false, &mut nodes, limits);
                let concrete =
                    Concrete { enc: &enc, policies, terms, policy_type, deadline, restrict };
                concrete.find(&mut search).unwrap_or_else(|bound| {
                    Verdict::unknown(bound.unwrap_or_else(|| opaque_reason(&enc)))
                })
            }
        },
    }
}

/// The Allow statements of policy 0 that match some violating request:
/// those alive in the witness, and those one more walk finds (a budget
/// running out there only shortens the list).
fn reasons(
    enc: &Encoded,
    policies: &[&Policy],
    witness_alive: &fixedbitset::FixedBitSet,
    search: &mut Search<'_>,
) -> Vec<Reason> {
    let Some(policy) = policies.first() else {
        return Vec::new();
    };
    let mut targets = fixedbitset::FixedBitSet::with_capacity(enc.statements.len());
    for (i, s) in enc.statements.iter().enumerate() {
        targets.set(i, s.policy == 0 && s.effect == Effect::Allow);
    }
    let mut confirmed = witness_alive.clone();
    confirmed.intersect_with(&targets);
    let _ = search.collect(&targets, &mut confirmed);
    confirmed
        .ones()
        .filter_map(|i| enc.statements.get(i))
        .map(|s| s.index)
        // Variants of one statement (`encode::variables::split`) are one reason.
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .filter_map(|i| policy.statements.get(i))
        .map(|st| Reason { statement_index: st.index, statement_id: st.sid.clone() })
        .collect()
}

fn opaque_reason(enc: &Encoded) -> UnknownReason {
    let constructs: Vec<Construct> = enc
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            FieldKind::Opaque { construct } => Some(construct.clone()),
            _ => None,
        })
        .collect();
    if constructs.is_empty() {
        return UnknownReason::internal("an undecided search without an opaque construct");
    }
    UnknownReason::Construct { constructs }
}
