//! The lazy product search over fields.
//!
//! The state is the set of statements still *alive* (satisfied by the
//! fields chosen so far). At each field the atoms are grouped by what they
//! leave alive, and the search branches once per group, best witness
//! first. A state is pruned as soon as the goal is impossible whatever the
//! remaining fields, and dead states are memoized by (field, alive set).
//!
//! Opaque fields (docs/semantics.md §6) come last. In *concrete* mode the
//! search is existential over the other fields and universal over the
//! opaque ones: a request found that way violates the goal whatever the
//! opaque constructs evaluate to, so it is a real witness. In *possible*
//! mode every field is existential: finding nothing proves PASS.

use crate::automata::fxhash::FxBuild;
use crate::encode::Encoded;
use crate::policy::Effect;
use fixedbitset::FixedBitSet;
use std::collections::{HashMap, HashSet};

/// What the request must do: for each term, whether policy `.0` allows it
/// (`.1 == true`) or does not (`.1 == false`).
#[derive(Clone, Debug)]
pub(crate) struct Goal {
    pub(crate) terms: Vec<(usize, bool)>,
}

/// The search ran out of its node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutOfBudget {
    /// More search nodes than the limit.
    Nodes(usize),
    /// Past the check's time limit.
    Time(std::time::Duration),
}

impl From<OutOfBudget> for crate::unknown::UnknownReason {
    fn from(e: OutOfBudget) -> Self {
        match e {
            OutOfBudget::Nodes(n) => crate::unknown::UnknownReason::Budget {
                budget: crate::unknown::Budget::SearchNodes,
                limit: u64::try_from(n).unwrap_or(u64::MAX),
            },
            OutOfBudget::Time(limit) => crate::unknown::UnknownReason::Timeout { limit },
        }
    }
}

/// The search's budgets: nodes over all searches of a check, and a
/// deadline (with the limit it came from, for the message).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) max_nodes: usize,
    pub(crate) deadline: Option<(std::time::Instant, std::time::Duration)>,
}

impl Limits {
    /// Counts one search node in `nodes` (shared by every search of a
    /// check); past the node budget or the deadline, the search stops.
    pub(crate) fn tick(&self, nodes: &mut usize) -> Result<(), OutOfBudget> {
        *nodes += 1;
        if *nodes > self.max_nodes {
            return Err(OutOfBudget::Nodes(self.max_nodes));
        }
        if let Some((deadline, limit)) = self.deadline {
            // The clock is read every 256 nodes only.
            if *nodes % 256 == 0 && std::time::Instant::now() > deadline {
                return Err(OutOfBudget::Time(limit));
            }
        }
        Ok(())
    }
}

/// A found request: one atom index per field searched existentially, and
/// the statements alive after them.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub(crate) path: Vec<usize>,
    pub(crate) alive: FixedBitSet,
}

/// Per-policy statement masks and per-depth "no constraint left" masks.
#[derive(Debug)]
pub(crate) struct Masks {
    allows: Vec<FixedBitSet>,
    denies: Vec<FixedBitSet>,
    /// `settled[d]`: statements with no constraint on fields `d..`.
    settled: Vec<FixedBitSet>,
    /// Index of the first opaque field (== fields.len() when none).
    pub(crate) first_opaque: usize,
    empty: FixedBitSet,
    /// The partition bits (`encode::partitions`): some must stay alive.
    partitions: FixedBitSet,
}

impl Masks {
    pub(crate) fn new(enc: &Encoded, policies: usize) -> Masks {
        let n = enc.statements.len();
        let mut allows = vec![FixedBitSet::with_capacity(n); policies];
        let mut denies = vec![FixedBitSet::with_capacity(n); policies];
        for (i, s) in enc.statements.iter().enumerate() {
            let masks = if s.effect == Effect::Allow { &mut allows } else { &mut denies };
            if let Some(m) = masks.get_mut(s.policy) {
                m.insert(i);
            }
        }
        let mut settled = vec![FixedBitSet::with_capacity(n); enc.fields.len() + 1];
        let mut acc = FixedBitSet::with_capacity(n);
        acc.insert_range(..);
        for (d, field) in enc.fields.iter().enumerate().rev() {
            if let Some(slot) = settled.get_mut(d + 1) {
                *slot = acc.clone();
            }
            for atom in &field.atoms {
                acc.intersect_with(&atom.sat);
            }
        }
        if let Some(slot) = settled.get_mut(0) {
            *slot = acc;
        }
        let first_opaque = enc
            .fields
            .iter()
            .position(|f| matches!(f.kind, crate::encode::FieldKind::Opaque { .. }))
            .unwrap_or(enc.fields.len());
        let mut partitions = FixedBitSet::with_capacity(enc.width());
        partitions.insert_range(n..enc.width());
        Masks { allows, denies, settled, first_opaque, empty: FixedBitSet::new(), partitions }
    }

    /// The statements no opaque field constrains.
    pub(crate) fn settled_at_opaque(&self) -> &FixedBitSet {
        // INVARIANT: `settled` has one entry per field and one more.
        self.settled.get(self.first_opaque).or(self.settled.last()).unwrap_or(&self.empty)
    }

    /// Whether some completion of `alive` from field `d` on may reach the
    /// goal (exact at the leaf).
    pub(crate) fn possible(&self, goal: &Goal, d: usize, alive: &FixedBitSet) -> bool {
        let Some(settled) = self.settled.get(d) else {
            return false;
        };
        // Partitions are isolated: some partition must still fit every field chosen.
        if !self.partitions.is_clear() && alive.is_disjoint(&self.partitions) {
            return false;
        }
        goal.terms.iter().all(|&(p, want)| {
            let (Some(allows), Some(denies)) = (self.allows.get(p), self.denies.get(p)) else {
                return false;
            };
            let any_allow = !alive.is_disjoint(allows);
            let any_deny = !alive.is_disjoint(denies);
            if want {
                let sure_deny = alive.intersection(denies).any(|s| settled.contains(s));
                any_allow && !sure_deny
            } else {
                let sure_allow = alive.intersection(allows).any(|s| settled.contains(s));
                !sure_allow || any_deny
            }
        })
    }
}

/// One search over an encoded query.
#[derive(Debug)]
pub(crate) struct Search<'a> {
    enc: &'a Encoded,
    masks: &'a Masks,
    goal: Goal,
    /// Universal over opaque fields (concrete mode) or not.
    concrete: bool,
    nodes: &'a mut usize,
    limits: Limits,
    dead: HashSet<(usize, FixedBitSet), FxBuild>,
    forall: HashMap<(usize, FixedBitSet), bool, FxBuild>,
}

impl<'a> Search<'a> {
    pub(crate) fn new(
        enc: &'a Encoded,
        masks: &'a Masks,
        goal: Goal,
        concrete: bool,
        nodes: &'a mut usize,
        limits: Limits,
    ) -> Search<'a> {
        Search {
            enc,
            masks,
            goal,
            concrete,
            nodes,
            limits,
            dead: HashSet::default(),
            forall: HashMap::default(),
        }
    }

    /// Finds a request reaching the goal, if any.
    pub(crate) fn run(&mut self) -> Result<Option<Found>, OutOfBudget> {
        let mut alive = FixedBitSet::with_capacity(self.enc.width());
        alive.insert_range(..);
        let found = self.exists(0, alive)?;
        Ok(found.map(|mut f| {
            f.path.reverse();
            f
        }))
    }

    fn tick(&mut self) -> Result<(), OutOfBudget> {
        self.limits.tick(self.nodes)
    }

    /// The distinct successors of `alive` at field `d`: (first atom, alive).
    ///
    /// Atoms are told apart by their bits on the alive statements only, so
    /// the work per atom is the number of alive statements, not the number
    /// of statements (after the first fields, few statements are alive).
    fn groups(&self, d: usize, alive: &FixedBitSet) -> Vec<(usize, FixedBitSet)> {
        let mut out: Vec<(usize, FixedBitSet)> = Vec::new();
        let Some(field) = self.enc.fields.get(d) else {
            return out;
        };
        let live: Vec<usize> = alive.ones().collect();
        let mut seen: HashSet<Vec<u64>, FxBuild> = HashSet::default();
        let mut key = vec![0u64; live.len().div_ceil(64)];
        for (i, atom) in field.atoms.iter().enumerate() {
            key.iter_mut().for_each(|w| *w = 0);
            for (j, &s) in live.iter().enumerate() {
                if atom.sat.contains(s) {
                    if let Some(w) = key.get_mut(j / 64) {
                        *w |= 1 << (j % 64);
                    }
                }
            }
            if seen.insert(key.clone()) {
                let mut next = alive.clone();
                next.intersect_with(&atom.sat);
                out.push((i, next));
            }
        }
        out
    }

    fn exists(&mut self, d: usize, alive: FixedBitSet) -> Result<Option<Found>, OutOfBudget> {
        if !self.masks.possible(&self.goal, d, &alive) {
            return Ok(None);
        }
        if self.concrete && d == self.masks.first_opaque {
            let ok = self.all_hold(d, &alive)?;
            return Ok(ok.then(|| Found { path: Vec::new(), alive }));
        }
        if d == self.enc.fields.len() {
            return Ok(Some(Found { path: Vec::new(), alive }));
        }
        let key = (d, alive);
        if self.dead.contains(&key) {
            return Ok(None);
        }
        self.tick()?;
        for (atom, next) in self.groups(d, &key.1) {
            if let Some(mut found) = self.exists(d + 1, next)? {
                found.path.push(atom);
                return Ok(Some(found));
            }
        }
        self.dead.insert(key);
        Ok(None)
    }

    /// Up to `limit` requests reaching the goal (possible mode: opaque
    /// fields existential too), in search order: the candidate regions a
    /// concretization tries.
    pub(crate) fn enumerate(&mut self, limit: usize) -> Result<Vec<Found>, OutOfBudget> {
        let mut alive = FixedBitSet::with_capacity(self.enc.width());
        alive.insert_range(..);
        let mut out = Vec::new();
        self.exists_many(0, alive, limit, &mut out)?;
        for f in &mut out {
            f.path.reverse();
        }
        Ok(out)
    }

    fn exists_many(
        &mut self,
        d: usize,
        alive: FixedBitSet,
        limit: usize,
        out: &mut Vec<Found>,
    ) -> Result<bool, OutOfBudget> {
        if !self.masks.possible(&self.goal, d, &alive) {
            return Ok(false);
        }
        // One region per distinct request over the other fields: the opaque
        // fields (last) only need some completion.
        if d == self.enc.fields.len()
            || (d == self.masks.first_opaque && self.exists(d, alive.clone())?.is_some())
        {
            out.push(Found { path: Vec::new(), alive });
            return Ok(true);
        }
        if d == self.masks.first_opaque {
            return Ok(false);
        }
        let key = (d, alive);
        if self.dead.contains(&key) {
            return Ok(false);
        }
        self.tick()?;
        let mut any = false;
        for (atom, next) in self.groups(d, &key.1) {
            let before = out.len();
            if self.exists_many(d + 1, next, limit, out)? {
                any = true;
                for f in out.iter_mut().skip(before) {
                    f.path.push(atom);
                }
            }
            if out.len() >= limit {
                break;
            }
        }
        if !any {
            self.dead.insert(key);
        }
        Ok(any)
    }

    /// Adds to `confirmed` every statement of `targets` that is alive at
    /// some request reaching the goal: one walk over the distinct states
    /// (each visited once), pruned where no unconfirmed target is alive.
    pub(crate) fn collect(
        &mut self,
        targets: &FixedBitSet,
        confirmed: &mut FixedBitSet,
    ) -> Result<(), OutOfBudget> {
        let mut alive = FixedBitSet::with_capacity(self.enc.width());
        alive.insert_range(..);
        self.collect_from(0, alive, targets, confirmed)
    }

    fn collect_from(
        &mut self,
        d: usize,
        alive: FixedBitSet,
        targets: &FixedBitSet,
        confirmed: &mut FixedBitSet,
    ) -> Result<(), OutOfBudget> {
        if alive.intersection(targets).all(|s| confirmed.contains(s))
            || !self.masks.possible(&self.goal, d, &alive)
        {
            return Ok(());
        }
        let leaf = if self.concrete && d == self.masks.first_opaque {
            Some(self.all_hold(d, &alive)?)
        } else {
            (d == self.enc.fields.len()).then_some(true)
        };
        if let Some(reached) = leaf {
            if reached {
                // Only statements no opaque construct constrains surely match.
                let sure = self.masks.settled_at_opaque();
                confirmed.extend(alive.intersection(targets).filter(|s| sure.contains(*s)));
            }
            return Ok(());
        }
        // `dead` serves as the visited set: a state explored once has
        // confirmed all it can.
        if !self.dead.insert((d, alive.clone())) {
            return Ok(());
        }
        self.tick()?;
        for (_, next) in self.groups(d, &alive) {
            self.collect_from(d + 1, next, targets, confirmed)?;
        }
        Ok(())
    }

    /// Whether every completion of `alive` from field `d` on reaches the goal.
    fn all_hold(&mut self, d: usize, alive: &FixedBitSet) -> Result<bool, OutOfBudget> {
        if !self.masks.possible(&self.goal, d, alive) {
            return Ok(false);
        }
        if d == self.enc.fields.len() {
            return Ok(true);
        }
        let key = (d, alive.clone());
        if let Some(&known) = self.forall.get(&key) {
            return Ok(known);
        }
        self.tick()?;
        let mut result = true;
        for (_, next) in self.groups(d, alive) {
            if !self.all_hold(d + 1, &next)? {
                result = false;
                break;
            }
        }
        self.forall.insert(key, result);
        Ok(result)
    }
}
