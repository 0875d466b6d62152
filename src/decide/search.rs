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

use crate::encode::Encoded;
use crate::policy::Effect;
use fixedbitset::FixedBitSet;
use std::collections::{HashMap, HashSet};

/// What the request must do: for each term, whether policy `.0` allows it
/// (`.1 == true`) or does not (`.1 == false`).
#[derive(Clone, Debug)]
pub(crate) struct Goal {
    pub(crate) terms: Vec<(usize, bool)>,
    /// A statement that must match the request (used to find reasons).
    pub(crate) require: Option<usize>,
}

/// The search ran out of its node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutOfBudget {
    pub(crate) limit: usize,
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
        Masks { allows, denies, settled, first_opaque }
    }

    /// Whether some completion of `alive` from field `d` on may reach the
    /// goal (exact at the leaf).
    fn possible(&self, goal: &Goal, d: usize, alive: &FixedBitSet) -> bool {
        if let Some(s) = goal.require {
            if !alive.contains(s) {
                return false;
            }
        }
        let Some(settled) = self.settled.get(d) else {
            return false;
        };
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
    max_nodes: usize,
    dead: HashSet<(usize, FixedBitSet)>,
    forall: HashMap<(usize, FixedBitSet), bool>,
}

impl<'a> Search<'a> {
    pub(crate) fn new(
        enc: &'a Encoded,
        masks: &'a Masks,
        goal: Goal,
        concrete: bool,
        nodes: &'a mut usize,
        max_nodes: usize,
    ) -> Search<'a> {
        Search {
            enc,
            masks,
            goal,
            concrete,
            nodes,
            max_nodes,
            dead: HashSet::new(),
            forall: HashMap::new(),
        }
    }

    /// Finds a request reaching the goal, if any.
    pub(crate) fn run(&mut self) -> Result<Option<Found>, OutOfBudget> {
        let mut alive = FixedBitSet::with_capacity(self.enc.statements.len());
        alive.insert_range(..);
        let found = self.exists(0, alive)?;
        Ok(found.map(|mut f| {
            f.path.reverse();
            f
        }))
    }

    fn tick(&mut self) -> Result<(), OutOfBudget> {
        *self.nodes += 1;
        if *self.nodes > self.max_nodes {
            return Err(OutOfBudget { limit: self.max_nodes });
        }
        Ok(())
    }

    /// The distinct successors of `alive` at field `d`: (first atom, alive).
    fn groups(&self, d: usize, alive: &FixedBitSet) -> Vec<(usize, FixedBitSet)> {
        let mut out: Vec<(usize, FixedBitSet)> = Vec::new();
        let Some(field) = self.enc.fields.get(d) else {
            return out;
        };
        let mut seen = HashSet::new();
        for (i, atom) in field.atoms.iter().enumerate() {
            let mut next = alive.clone();
            next.intersect_with(&atom.sat);
            if seen.insert(next.clone()) {
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
