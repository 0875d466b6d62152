//! `iamcheck diff`: every region of access one policy adds to another, and
//! every region it removes, described in the policies' own patterns.
//!
//! How (docs/diff.md): the two policies are encoded together with one
//! *label* statement per pattern and per condition entry they write
//! (`labels`), so that every atom of every field is exactly a class of
//! values on which every written pattern agrees. A walk over the fields
//! (`regions`) splits the requests one policy allows and the other does
//! not into disjoint boxes (one set of atoms per field), merged where they
//! differ in one field only; each box's atom sets are then written as
//! patterns with exceptions (`describe`).
//!
//! Exactness contract: among the requests of the request model
//! (docs/semantics.md §2) AWS can send (the availability facts of §2a,
//! `decide::facts`, which constrain both sides), the union of the added
//! regions is exactly the set that `new` allows and `existing` does not, and
//! likewise for the removed ones; regions of one list do not overlap. Where
//! an opaque construct (a policy variable compared with another key, …)
//! decides part of it, that part is an [`UndecidedRegion`], described as
//! exactly; where a region cannot be written in the labels or a budget runs
//! out, the diff is [`Undecided`], never a guess.

mod describe;
mod labels;
mod regions;

use super::search::{Goal, Limits, Masks, OutOfBudget};
use super::{Config, Reason};
use crate::encode::{encode, Restrict};
use crate::policy::{Policy, PolicyType};
use crate::request::Request;
use crate::simulate::{simulate, Decision};
use labels::Labels;
use std::collections::BTreeMap;

/// How the new policy relates to the existing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Both allow exactly the same requests.
    Equivalent,
    /// New allows everything existing allows, and more.
    MorePermissive,
    /// New allows a strict subset of what existing allows.
    LessPermissive,
    /// Each allows a request the other does not.
    Incomparable,
}

impl Relation {
    /// `EQUIVALENT`, `MORE_PERMISSIVE`, `LESS_PERMISSIVE` or `INCOMPARABLE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equivalent => "EQUIVALENT",
            Relation::MorePermissive => "MORE_PERMISSIVE",
            Relation::LessPermissive => "LESS_PERMISSIVE",
            Relation::Incomparable => "INCOMPARABLE",
        }
    }

    fn of(added: bool, removed: bool) -> Relation {
        match (added, removed) {
            (false, false) => Relation::Equivalent,
            (true, false) => Relation::MorePermissive,
            (false, true) => Relation::LessPermissive,
            (true, true) => Relation::Incomparable,
        }
    }

    /// Whether the new policy adds access (the diff's exit code 1).
    pub fn adds_access(self) -> bool {
        matches!(self, Relation::MorePermissive | Relation::Incomparable)
    }
}

/// One term of a field's description: the values every `all_of` label
/// matches and no `none_of` label matches (an empty `all_of`: any value).
/// A field's description is the union of its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// Labels (patterns, condition entries) that all match.
    pub all_of: Vec<String>,
    /// Labels none of which match: the exceptions.
    pub none_of: Vec<String>,
    /// The label indices of `all_of` and `none_of` (for [`Diff::contains`]).
    ids: (Vec<usize>, Vec<usize>),
}

/// Where a field's description goes in a region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldName {
    /// The action.
    Actions,
    /// The resource.
    Resources,
    /// The principal (resource policies).
    Principals,
    /// A condition key (or, in identity policies, the caller keys), as first written.
    Condition(String),
}

/// One region: a set of requests, the product of one described set per field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Per constrained field, the union of its terms. A field not listed
    /// takes any value (a condition key: absent included).
    pub fields: BTreeMap<FieldName, Vec<Term>>,
    /// The Allow statements of the side that gains this access which grant
    /// some request of the region.
    pub statements: Vec<Reason>,
    /// A request of the region: allowed by the gaining side, not by the other.
    pub witness: Request,
    /// The catalogue's real actions in the region's actions ([`crate::iam::catalog`]),
    /// when its actions are neither any action nor action names without wildcards.
    pub real_actions: Option<RealActions>,
}

/// A region whose requests reach the goal for some values of constructs iamcheck does not
/// decide exactly (policy variables compared with other keys, docs/semantics.md §6) and not
/// for others: the diff says which requests these are, not whether they are added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndecidedRegion {
    /// The region, described as a decided one's.
    pub fields: BTreeMap<FieldName, Vec<Term>>,
    /// The Allow statements of the side that would gain it which grant some of it.
    pub statements: Vec<Reason>,
    /// The constructs the answer depends on.
    pub constructs: Vec<String>,
}

/// The real actions (of the catalogue shipped in the crate) a region's actions cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealActions {
    /// The first [`MAX_REAL_ACTIONS`] of them, as the catalogue spells them, sorted.
    pub listed: Vec<String>,
    /// How many there are in all (more than listed when cut).
    pub count: usize,
}

/// Most real actions a region lists.
pub const MAX_REAL_ACTIONS: usize = 20;

/// The catalogue's actions in the actions field `terms` (`None`: any action, or no catalogue).
fn real_actions(labels: &Labels, terms: &[Term]) -> Option<RealActions> {
    let catalog = crate::iam::catalog::catalog().ok()?;
    if terms.iter().any(|t| t.ids.0.is_empty() && t.ids.1.is_empty()) {
        return None;
    }
    let pattern = |i: &usize| labels.action_pattern(*i);
    // Actions written as names already say which they are.
    let literal = |i: &usize| pattern(i).is_some_and(|p| !p.contains(['*', '?']));
    if terms.iter().all(|t| t.ids.1.is_empty() && t.ids.0.iter().all(literal)) {
        return None;
    }
    let matches = |i: &usize, name: &str| {
        pattern(i).is_some_and(|p| crate::simulate::glob::glob_ignore_ascii_case(p, name))
    };
    let mut found = std::collections::BTreeSet::new();
    for t in terms {
        // A literal service prefix of a `match` pattern: only that service's actions.
        let service = t.ids.0.iter().filter_map(pattern).find_map(|p| {
            let (svc, _) = p.split_once(':')?;
            (!svc.contains(['*', '?'])).then(|| svc.to_ascii_lowercase())
        });
        let services: Vec<&crate::iam::catalog::Service> = match &service {
            Some(s) => catalog.service(s).into_iter().collect(),
            None => catalog.services().iter().collect(),
        };
        for svc in services {
            for a in svc.actions() {
                let name = format!("{}:{}", svc.prefix, a.name);
                if t.ids.0.iter().all(|i| matches(i, &name))
                    && !t.ids.1.iter().any(|i| matches(i, &name))
                {
                    found.insert(name);
                }
            }
        }
    }
    let count = found.len();
    Some(RealActions { listed: found.into_iter().take(MAX_REAL_ACTIONS).collect(), count })
}

/// The full comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    /// The relation of new to existing; `None` when undecided regions leave it open (see
    /// [`diff`]: the directional checks settle it where they decide).
    pub relation: Option<Relation>,
    /// What new allows and existing does not.
    pub added: Vec<Region>,
    /// What existing allows and new does not.
    pub removed: Vec<Region>,
    /// Regions left out of `added` and `removed` by `max_regions`.
    pub omitted: (usize, usize),
    /// Regions that may be added, or removed, depending on constructs iamcheck does not
    /// decide exactly (disjoint from the decided regions and each other).
    pub undecided: (Vec<UndecidedRegion>, Vec<UndecidedRegion>),
    labels: Labels,
    /// What AWS's requests are (`decide::facts`): the regions are exact among the requests
    /// these policies allow.
    facts: Vec<Policy>,
    policy_type: PolicyType,
    /// Whether access is gained (added, removed), where decided.
    gained: (Option<bool>, Option<bool>),
}

impl Diff {
    /// Whether every region is listed and decided.
    pub fn complete(&self) -> bool {
        self.omitted == (0, 0) && self.undecided.0.is_empty() && self.undecided.1.is_empty()
    }

    /// The relation, when decided: by the decided regions, or, where undecided regions could
    /// change it, by check-no-new-access run in the direction they leave open ([`diff`]).
    pub fn decided_relation(&self) -> Option<Relation> {
        self.relation
    }

    /// Whether `new` adds access, where decided (a decided added region, or the check; the
    /// diff's exit code 1), even when whether it removes some is not.
    pub fn adds_access(&self) -> Option<bool> {
        self.gained.0
    }

    /// Whether `request` lies in `region` (evaluated with `simulate` on the
    /// labels' statements; `None` when `simulate` cannot decide a label).
    pub fn contains(&self, region: &Region, request: &Request) -> Option<bool> {
        contains(&self.labels, &region.fields, request)
    }

    /// Whether AWS can send `request` as far as the two policies' keys tell (the
    /// availability facts of docs/semantics.md §2a the diff was computed under: a service
    /// principal's requests never carry `aws:SourceIp`, for one). The regions' union is
    /// exact among these requests; a request AWS never sends may lie in a region or not.
    /// `None` when `simulate` cannot decide it.
    pub fn can_send(&self, request: &Request) -> Option<bool> {
        if crate::request::caller::inconsistency(request, self.policy_type).is_some() {
            return Some(false);
        }
        // `simulate` refuses a request no caller can send (a key its caller never carries).
        let empty = Policy { version: None, id: None, statements: Vec::new() };
        if simulate(&empty, self.policy_type, request).is_err() {
            return Some(false);
        }
        kleene(self.facts.iter().map(|f| allows(f, self.policy_type, request)), true)
    }
}

/// Whether `request` lies in the described fields (Kleene: `None` when a
/// label is undecided and decides the answer).
fn contains(
    labels: &Labels,
    fields: &BTreeMap<FieldName, Vec<Term>>,
    request: &Request,
) -> Option<bool> {
    let term = |t: &Term| {
        let each = t.ids.0.iter().map(|&i| labels.matches(i, request));
        let each = each.chain(t.ids.1.iter().map(|&i| labels.matches(i, request).map(|m| !m)));
        kleene(each, true)
    };
    kleene(fields.values().map(|terms| kleene(terms.iter().map(term), false)), true)
}

/// Kleene AND (`and`) or OR of three-valued Booleans.
fn kleene(values: impl Iterator<Item = Option<bool>>, and: bool) -> Option<bool> {
    let mut result = Some(and);
    for v in values {
        match v {
            Some(b) if b != and => return Some(b),
            Some(_) => {}
            None => result = None,
        }
    }
    result
}

/// Why a diff is not answered exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndecidedKind {
    /// A policy uses policy variables (`${…}`), which the regions cannot
    /// describe exactly yet.
    PolicyVariables,
    /// A construct iamcheck does not decide exactly (docs/semantics.md §6)
    /// decides part of a region.
    OpaqueConstruct,
    /// A budget (encoding, search nodes, regions, time) ran out.
    Budget,
    /// A region's witness could not be made a request a caller can send.
    Witness,
    /// An invariant of the engine failed (a bug: please report it).
    Internal,
}

impl UndecidedKind {
    /// The kind as scripts read it (`policy-variables`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            UndecidedKind::PolicyVariables => "policy-variables",
            UndecidedKind::OpaqueConstruct => "opaque-construct",
            UndecidedKind::Budget => "budget",
            UndecidedKind::Witness => "witness",
            UndecidedKind::Internal => "internal",
        }
    }
}

/// The diff could not be answered exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecided {
    /// The kind of reason.
    pub kind: UndecidedKind,
    /// The reason in prose.
    pub message: String,
    /// The relation all the same, when check-no-new-access decides it both ways ([`diff`]
    /// only; the regions are not described).
    pub relation: Option<Relation>,
}

impl std::fmt::Display for Undecided {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Undecided {}

impl Undecided {
    fn new(kind: UndecidedKind, message: impl Into<String>) -> Undecided {
        Undecided { kind, message: message.into(), relation: None }
    }
}

impl From<OutOfBudget> for Undecided {
    fn from(e: OutOfBudget) -> Undecided {
        Undecided::new(UndecidedKind::Budget, crate::unknown::UnknownReason::from(e).to_string())
    }
}

/// Options of a diff.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// List at most this many regions per side (the rest are counted in
    /// [`Diff::omitted`]).
    pub max_regions: Option<usize>,
    /// Maximum boxes the walk may produce before merging (a budget: past
    /// it the diff is [`Undecided`]).
    pub max_boxes: usize,
    /// Settle the relation with check-no-new-access where undecided regions (or an
    /// undescribable diff) leave it open ([`diff`]); off where only the regions are wanted
    /// (`--explain` of a check that already failed).
    pub settle_relation: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { max_regions: None, max_boxes: 20_000, settle_relation: true }
    }
}

/// The regions of access `new` adds to `existing` and removes from it.
///
/// The relation comes from the decided regions where the undecided ones cannot change it.
/// Where they can (no decided region on a side with undecided ones), check-no-new-access
/// settles that side (with [`DiffOptions::settle_relation`]), over the same requests (Access
/// Analyzer's request model, the same facts of AWS's requests): a PASS says no request
/// of the undecided regions is gained, so they are dropped; a FAIL says one is, so access
/// is surely gained and they stay listed; an UNKNOWN leaves the relation undecided.
///
/// # Errors
/// [`Undecided`] when the regions cannot be described exactly (a region
/// not writable in the policies' labels) or a budget runs out; its
/// `relation` is then the two checks' where both decide.
///
/// # Example
/// ```
/// use iamcheck::decide::diff::{diff, DiffOptions, FieldName, Relation};
/// use iamcheck::{parse_policy, PolicyType};
/// let old = parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#, PolicyType::Identity)?;
/// let new = parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, PolicyType::Identity)?;
/// let d = diff(&old.policy, &new.policy, PolicyType::Identity, &Default::default(), &DiffOptions::default())?;
/// assert_eq!(d.relation, Some(Relation::MorePermissive));
/// let actions = &d.added[0].fields[&FieldName::Actions][0];
/// assert_eq!((actions.all_of.clone(), actions.none_of.clone()), (vec!["s3:*".to_string()], vec!["s3:Get*".to_string()]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(
    existing: &Policy,
    new: &Policy,
    policy_type: PolicyType,
    config: &Config,
    options: &DiffOptions,
) -> Result<Diff, Undecided> {
    let started = std::time::Instant::now();
    let settle = |existing: &Policy, new: &Policy| {
        options.settle_relation.then(|| gains(existing, new, policy_type, config, started))?
    };
    let regions = || {
        let policies = [new, existing];
        let mut engine = Engine::new(&policies, policy_type, config, options)?;
        let added = engine.regions(&[(0, true), (1, false)])?;
        let removed = engine.regions(&[(1, true), (0, false)])?;
        Ok::<_, Undecided>((engine, added, removed))
    };
    let (engine, (added, mut undecided_added), (removed, mut undecided_removed)) = match regions() {
        Ok(found) => found,
        // No regions: the relation all the same, where the checks decide it both ways.
        Err(mut u) => {
            if let (Some(adds), Some(removes)) = (settle(existing, new), settle(new, existing)) {
                u.relation = Some(Relation::of(adds, removes));
            }
            return Err(u);
        }
    };
    let adds = settled(&added, &mut undecided_added, || settle(existing, new));
    let removes = settled(&removed, &mut undecided_removed, || settle(new, existing));
    let relation = match (adds, removes) {
        (Some(a), Some(r)) => Some(Relation::of(a, r)),
        _ => None,
    };
    let cut = |mut v: Vec<Region>| {
        let keep = options.max_regions.unwrap_or(usize::MAX);
        let omitted = v.len().saturating_sub(keep);
        v.truncate(keep);
        (v, omitted)
    };
    let (added, omitted_added) = cut(added);
    let (removed, omitted_removed) = cut(removed);
    Ok(Diff {
        relation,
        added,
        removed,
        omitted: (omitted_added, omitted_removed),
        undecided: (undecided_added, undecided_removed),
        labels: engine.labels,
        facts: engine.facts,
        policy_type,
        gained: (adds, removes),
    })
}

/// Whether a side gains access: by its decided regions, else by having no undecided region,
/// else by `check` (check-no-new-access in its direction), whose PASS drops the undecided
/// regions (none of their requests is gained) and whose FAIL keeps them listed.
fn settled(
    decided: &[Region],
    undecided: &mut Vec<UndecidedRegion>,
    check: impl FnOnce() -> Option<bool>,
) -> Option<bool> {
    if !decided.is_empty() {
        return Some(true);
    }
    if undecided.is_empty() {
        return Some(false);
    }
    let gained = check()?;
    if !gained {
        undecided.clear();
    }
    Some(gained)
}

/// Whether `new` allows a request `existing` does not: check-no-new-access's verdict over the
/// diff's requests (Access Analyzer's request model, whatever `config` names; the same facts
/// of AWS's requests), within what is left of the time limit; `None` when UNKNOWN.
fn gains(
    existing: &Policy,
    new: &Policy,
    policy_type: PolicyType,
    config: &Config,
    started: std::time::Instant,
) -> Option<bool> {
    let timeout = match config.timeout {
        Some(limit) => Some(limit.checked_sub(started.elapsed()).filter(|t| !t.is_zero())?),
        None => None,
    };
    let config =
        Config { timeout, request_model: super::RequestModel::AccessAnalyzer, ..config.clone() };
    match super::no_new_access_exactly(existing, new, policy_type, &config) {
        super::Verdict::Pass => Some(false),
        super::Verdict::Fail { .. } => Some(true),
        super::Verdict::Unknown { .. } => None,
    }
}

/// The regions of requests `policy` allows within `access` (what
/// check-access-not-granted's `--explain` lists), described like a diff's.
///
/// # Errors
/// As [`diff`].
pub fn access_regions(
    policy: &Policy,
    access: &super::Access,
    policy_type: PolicyType,
    config: &Config,
    options: &DiffOptions,
) -> Result<Diff, Undecided> {
    let target = super::access_policy(access, policy_type);
    let policies = [policy, &target];
    let mut engine = Engine::new(&policies, policy_type, config, options)?;
    let (mut added, mut undecided) = engine.regions(&[(0, true), (1, true)])?;
    // No check settles it: the target's requests are what the check would ask about.
    let adds = settled(&added, &mut undecided, || None);
    let relation = adds.map(|a| Relation::of(a, false));
    let keep = options.max_regions.unwrap_or(usize::MAX);
    let omitted = added.len().saturating_sub(keep);
    added.truncate(keep);
    Ok(Diff {
        relation,
        added,
        removed: Vec::new(),
        omitted: (omitted, 0),
        undecided: (undecided, Vec::new()),
        labels: engine.labels,
        facts: engine.facts,
        policy_type,
        gained: (adds, Some(false)),
    })
}

/// The two policies encoded with their labels (policy 2) and the facts of AWS's requests
/// (policies 3…, `decide::facts`).
struct Engine<'a> {
    policies: [&'a Policy; 2],
    /// Where a policy uses a policy variable, if one does.
    variables: Option<String>,
    facts: Vec<Policy>,
    policy_type: PolicyType,
    enc: crate::encode::Encoded,
    masks: Masks,
    labels: Labels,
    limits: Limits,
    nodes: usize,
    max_boxes: usize,
}

impl<'a> Engine<'a> {
    fn new(
        policies: &[&'a Policy; 2],
        policy_type: PolicyType,
        config: &Config,
        options: &DiffOptions,
    ) -> Result<Engine<'a>, Undecided> {
        let deadline = config.timeout.map(|t| (std::time::Instant::now() + t, t));
        // Only requests AWS can send count (keys as each kind of caller carries them), as in
        // the checks: the facts constrain both sides.
        let facts = super::facts::policies(policies, policy_type);
        let mut read: Vec<&Policy> = policies.to_vec();
        read.extend(facts.iter());
        let mut labels =
            Labels::of(policies, policy_type, &crate::encode::variables::literals(&read));
        let variables = policies.iter().find_map(|p| labels::variable_in(p));
        let mut budget = config.encode.clone();
        budget.atoms.deadline = deadline;
        let [first, second] = *policies;
        let mut all = vec![first, second, labels.policy()];
        all.extend(facts.iter());
        let enc = encode(&all, policy_type, &budget, &Restrict::default()).map_err(|e| {
            Undecided::new(UndecidedKind::Budget, format!("a budget was exceeded: {e}"))
        })?;
        let masks = Masks::new(&enc, all.len());
        labels.add_partitions(&enc.partition_classes);
        Ok(Engine {
            policies: *policies,
            variables,
            facts,
            policy_type,
            enc,
            masks,
            labels,
            limits: Limits { max_nodes: config.max_search_nodes, deadline },
            nodes: 0,
            max_boxes: options.max_boxes,
        })
    }

    /// The described regions of the requests reaching `terms` (policy 0 or
    /// 1 allowing or not), the first term's policy being the gaining side, and those an
    /// opaque construct decides.
    fn regions(
        &mut self,
        terms: &[(usize, bool)],
    ) -> Result<(Vec<Region>, Vec<UndecidedRegion>), Undecided> {
        let goal = Goal { terms: terms.to_vec() };
        let gaining = terms.first().map_or(0, |t| t.0);
        let mut walk = regions::Walk::new(
            &self.enc,
            &self.masks,
            goal,
            &mut self.nodes,
            self.limits,
            self.max_boxes,
        );
        let boxes = regions::merge(walk.run()?, &self.enc);
        // `simulate` replays witnesses on the two policies and the facts (the labels, policy
        // 2, are no term).
        let mut policies: Vec<&Policy> = self.policies.to_vec();
        policies.push(self.labels.policy());
        policies.extend(self.facts.iter());
        let mut terms = terms.to_vec();
        terms.extend((0..self.facts.len()).map(|k| (FIRST_FACT + k, true)));
        let mut describer = describe::Describer::new(&self.enc, &self.labels, self.policy_type);
        let mut out = Vec::with_capacity(boxes.len());
        let mut undecided = Vec::new();
        let mut opaque: Option<Vec<String>> = None;
        for b in boxes {
            // A box holding no request AWS can send is no access at all.
            let Some(sendable) =
                regions::sendable(&self.enc, &b, FIRST_FACT, self.limits, &mut self.nodes)?
            else {
                continue;
            };
            let fields = describer.region(&b).map_err(|e| match &self.variables {
                // Atoms the variants' labels do not tell apart: say so, never guess.
                Some(at) if e.kind == UndecidedKind::Internal => Undecided::new(
                    UndecidedKind::PolicyVariables,
                    format!("a region of a policy with policy variables cannot be written exactly in its patterns ({at})"),
                ),
                _ => e,
            })?;
            // The statements responsible: alive in some request of the box AWS can send.
            let candidates = self.candidates(&b, gaining);
            let responsible = regions::responsible(
                &self.enc,
                &b,
                &sendable,
                &candidates,
                FIRST_FACT,
                self.limits,
                &mut self.nodes,
            )?;
            let statements = self.reasons(&responsible, gaining);
            if b.undecided {
                let constructs =
                    opaque.get_or_insert_with(|| regions::opaque_names(&self.enc)).clone();
                undecided.push(UndecidedRegion { fields, statements, constructs });
                continue;
            }
            let mut witness = self.witness(&b, sendable, &policies, &terms, &fields)?;
            let real_actions =
                fields.get(&FieldName::Actions).and_then(|t| real_actions(&self.labels, t));
            // A real action for the witness, when one keeps it in the region and replays.
            let real = real_actions.iter().flat_map(|r| r.listed.iter().take(3));
            let fits = |c: &Request| {
                super::witness::contradiction(c, &policies, &terms, self.policy_type).is_none()
                    && contains(&self.labels, &fields, c) == Some(true)
            };
            let unreal =
                crate::iam::catalog::catalog().is_ok_and(|c| c.action(&witness.action).is_none());
            if let Some(c) = real
                .filter(|_| unreal)
                .map(|name| Request { action: name.clone(), ..witness.clone() })
                .find(|c| c.action != witness.action && fits(c))
            {
                witness = c;
            }
            out.push(Region { fields, statements, witness, real_actions });
        }
        Ok((out, undecided))
    }

    /// The Allow statements of `gaining` alive in the box (`regions::responsible` keeps
    /// those alive in some request AWS can send).
    fn candidates(&self, b: &regions::Cell, gaining: usize) -> Vec<usize> {
        let allows = |s: &crate::encode::StatementRef| {
            s.policy == gaining && s.effect == crate::policy::Effect::Allow
        };
        b.alive.ones().filter(|&i| self.enc.statements.get(i).is_some_and(allows)).collect()
    }

    /// The statements at positions `found` of the encoding, as reasons of policy `gaining`.
    fn reasons(&self, found: &[usize], gaining: usize) -> Vec<Reason> {
        let Some(policy) = self.policies.get(gaining) else { return Vec::new() };
        let indices: std::collections::BTreeSet<usize> =
            found.iter().filter_map(|&i| self.enc.statements.get(i)).map(|s| s.index).collect();
        indices
            .into_iter()
            .filter_map(|i| policy.statements.get(i))
            .map(|s| Reason { statement_index: s.index, statement_id: s.sid.clone() })
            .collect()
    }

    /// A request of the box that `simulate` confirms, polished when the
    /// polished request stays in the region.
    fn witness(
        &self,
        b: &regions::Cell,
        first: Vec<usize>,
        policies: &[&Policy],
        terms: &[(usize, bool)],
        fields: &BTreeMap<FieldName, Vec<Term>>,
    ) -> Result<Request, Undecided> {
        // `first`: a request of the box AWS can send (`regions::sendable`).
        // The first atoms; else the same with one field's atom changed (a key the encoding keeps
        // apart from the caller, `aws:userid`, may not fit the first caller).
        let others = b.fields.iter().enumerate().flat_map(|(d, atoms)| {
            let first = &first;
            atoms.ones().skip(1).take(MAX_WITNESS_TRIES).map(move |a| {
                let mut path = first.clone();
                if let Some(slot) = path.get_mut(d) {
                    *slot = a;
                }
                path
            })
        });
        let mut why = String::new();
        let mut found = None;
        for path in std::iter::once(first.clone()).chain(others) {
            let candidate = super::witness::request(&self.enc, &path, policies, self.policy_type);
            let repairs = super::concretize::caller_repairs(&candidate, self.policy_type);
            let repaired =
                repairs.into_iter().filter(|r| contains(&self.labels, fields, r) == Some(true));
            for c in std::iter::once(candidate).chain(repaired) {
                match super::witness::contradiction(&c, policies, terms, self.policy_type) {
                    None => {
                        found = Some(c);
                        break;
                    }
                    Some(w) if why.is_empty() => why = w,
                    Some(_) => {}
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(witness) = found else {
            return Err(Undecided::new(
                UndecidedKind::Witness,
                format!("a region's witness is not confirmed: {why}"),
            ));
        };
        let mut polished = witness.clone();
        super::witness::polish(
            &mut polished,
            policies,
            terms,
            self.policy_type,
            &Restrict::default(),
        );
        let inside = contains(&self.labels, fields, &polished) == Some(true);
        Ok(if inside { polished } else { witness })
    }
}

/// The encoding's first facts policy (after the two policies and the labels).
const FIRST_FACT: usize = 3;

/// Atoms tried per field for a region's witness after the first.
const MAX_WITNESS_TRIES: usize = 32;

/// Whether `policy` allows `request` (`None`: undecided or invalid).
pub(crate) fn allows(policy: &Policy, policy_type: PolicyType, request: &Request) -> Option<bool> {
    match simulate(policy, policy_type, request).ok()?.decision {
        Decision::Allow => Some(true),
        Decision::ExplicitDeny | Decision::ImplicitDeny => Some(false),
        Decision::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts;
    use super::{settled, Region, UndecidedRegion};
    use crate::policy::PolicyType;
    use crate::request::Request;
    use std::collections::BTreeMap;

    fn undecided() -> Vec<UndecidedRegion> {
        vec![UndecidedRegion {
            fields: BTreeMap::new(),
            statements: Vec::new(),
            constructs: Vec::new(),
        }]
    }

    /// The settling checks range over the diff's requests: the facts of AWS's requests the
    /// diff computes from `[new, existing]` are the reverse check's, from `[existing, new]`.
    #[test]
    fn the_reverse_check_has_the_diffs_facts() {
        let parse = |text: &str| match crate::parse_policy(text, PolicyType::Resource) {
            Ok(p) => p.policy,
            Err(e) => panic!("{e}"),
        };
        let a = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",
            "Condition":{"Null":{"aws:SourceAccount":"false"},"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}}"#,
        );
        let b = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abcdefghij/*"}}}}"#,
        );
        let forward = facts::policies(&[&b, &a], PolicyType::Resource);
        assert!(forward.len() >= 2, "{forward:?}");
        assert_eq!(forward, facts::policies(&[&a, &b], PolicyType::Resource));
    }

    /// The check settles a side only where its regions leave it open: PASS drops the
    /// undecided regions, FAIL keeps them, UNKNOWN leaves the side undecided.
    #[test]
    fn a_side_is_settled_by_the_check_only_where_open() {
        let decided = [Region {
            fields: BTreeMap::new(),
            statements: Vec::new(),
            witness: Request::default(),
            real_actions: None,
        }];
        let mut maybe = undecided();
        let never = || -> Option<bool> { panic!("the check runs only where needed") };
        assert_eq!(settled(&decided, &mut maybe, never), Some(true));
        assert_eq!(maybe.len(), 1);
        assert_eq!(settled(&[], &mut Vec::new(), never), Some(false));
        for (verdict, kept) in [(Some(false), 0), (Some(true), 1), (None, 1)] {
            let mut maybe = undecided();
            assert_eq!(settled(&[], &mut maybe, || verdict), verdict);
            assert_eq!(maybe.len(), kept, "{verdict:?}");
        }
    }
}
