//! The requests reaching a goal as disjoint boxes of atoms.
//!
//! A walk over the fields in search order: at each field the atoms are
//! grouped by the policies' statements they leave alive (label statements
//! do not count), so every atom of a group leads to the same subtree; a
//! group whose subtree reaches the goal becomes one factor of a box. Two
//! paths part at the first field where their groups differ, and groups are
//! disjoint, so the boxes are disjoint and their union is exactly the set
//! of requests reaching the goal. Boxes are then merged where they differ
//! in one field only (their union is again a box), or only in their
//! partitions (`encode::partitions`: a request's fields share one).

use super::super::search::{Goal, Limits, Masks, OutOfBudget};
use super::{Undecided, UndecidedKind};
use crate::encode::Encoded;
use fixedbitset::FixedBitSet;
use std::collections::HashMap;
use std::rc::Rc;

/// One box: per field before the opaque ones, a set of atoms; and the
/// policies' statements alive in some request of the box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Cell {
    pub(super) fields: Vec<FixedBitSet>,
    pub(super) alive: FixedBitSet,
    /// Whether an opaque construct decides whether the box's requests reach the goal
    /// (some values of the constructs do, others do not): an undecided region.
    pub(super) undecided: bool,
}

/// The walk of one goal.
pub(super) struct Walk<'a> {
    enc: &'a Encoded,
    masks: &'a Masks,
    goal: Goal,
    /// The statements of the two policies (not the labels) and the partition bits.
    real: FixedBitSet,
    nodes: &'a mut usize,
    limits: Limits,
    max_boxes: usize,
    boxes: usize,
    memo: HashMap<(usize, FixedBitSet), Rc<Vec<Cell>>>,
    first_opaque: usize,
}

impl std::fmt::Debug for Walk<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk").field("goal", &self.goal).finish_non_exhaustive()
    }
}

impl<'a> Walk<'a> {
    pub(super) fn new(
        enc: &'a Encoded,
        masks: &'a Masks,
        goal: Goal,
        nodes: &'a mut usize,
        limits: Limits,
        max_boxes: usize,
    ) -> Walk<'a> {
        // The policies' statements, and the partition bits (`encode::partitions`), which
        // must stay alive like the search's.
        let mut real = FixedBitSet::with_capacity(enc.width());
        for (i, s) in enc.statements.iter().enumerate() {
            real.set(i, s.policy < 2);
        }
        real.insert_range(enc.statements.len()..enc.width());
        Walk {
            enc,
            masks,
            goal,
            real,
            nodes,
            limits,
            max_boxes,
            boxes: 0,
            memo: HashMap::new(),
            first_opaque: masks.first_opaque,
        }
    }

    /// The boxes of the goal, in search order (best witnesses first).
    pub(super) fn run(&mut self) -> Result<Vec<Cell>, Undecided> {
        let alive = self.real.clone();
        let cells = self.walk(0, alive)?;
        Ok(cells.as_ref().clone())
    }

    fn tick(&mut self) -> Result<(), OutOfBudget> {
        self.limits.tick(self.nodes)
    }

    fn walk(&mut self, d: usize, alive: FixedBitSet) -> Result<Rc<Vec<Cell>>, Undecided> {
        if !self.masks.possible(&self.goal, d, &alive) {
            return Ok(Rc::new(Vec::new()));
        }
        if d == self.first_opaque {
            let (any, all) = self.opaque(d, &alive)?;
            let cell = |undecided| Rc::new(vec![Cell { fields: Vec::new(), alive, undecided }]);
            return Ok(match (any, all) {
                (_, true) => cell(false),
                (false, _) => Rc::new(Vec::new()),
                (true, false) => cell(true),
            });
        }
        let key = (d, alive);
        if let Some(found) = self.memo.get(&key) {
            return Ok(Rc::clone(found));
        }
        self.tick()?;
        let Some(field) = self.enc.fields.get(d) else {
            return Ok(Rc::new(Vec::new()));
        };
        // Groups of atoms by the statements they leave alive, in atom order.
        let mut order: Vec<(FixedBitSet, FixedBitSet)> = Vec::new();
        let mut index: HashMap<FixedBitSet, usize> = HashMap::new();
        for (i, atom) in field.atoms.iter().enumerate() {
            let mut next = key.1.clone();
            next.intersect_with(&atom.sat);
            match index.get(&next) {
                Some(&g) => {
                    if let Some((_, atoms)) = order.get_mut(g) {
                        atoms.insert(i);
                    }
                }
                None => {
                    let mut atoms = FixedBitSet::with_capacity(field.atoms.len());
                    atoms.insert(i);
                    index.insert(next.clone(), order.len());
                    order.push((next, atoms));
                }
            }
        }
        let mut out = Vec::new();
        for (next, atoms) in order {
            let below = self.walk(d + 1, next)?;
            for cell in below.iter() {
                let mut fields = Vec::with_capacity(cell.fields.len() + 1);
                fields.push(atoms.clone());
                fields.extend(cell.fields.iter().cloned());
                out.push(Cell { fields, alive: cell.alive.clone(), undecided: cell.undecided });
            }
            self.boxes += below.len();
            if self.boxes > self.max_boxes {
                return Err(Undecided::new(
                    UndecidedKind::Budget,
                    format!("the difference splits into more than {} boxes", self.max_boxes),
                ));
            }
        }
        let out = Rc::new(out);
        self.memo.insert(key, Rc::clone(&out));
        Ok(out)
    }

    /// Whether some / every completion of `alive` over the opaque fields
    /// from `d` on reaches the goal.
    fn opaque(&mut self, d: usize, alive: &FixedBitSet) -> Result<(bool, bool), OutOfBudget> {
        if d == self.enc.fields.len() {
            let reached = self.masks.possible(&self.goal, d, alive);
            return Ok((reached, reached));
        }
        self.tick()?;
        let (mut any, mut all) = (false, true);
        let Some(field) = self.enc.fields.get(d) else { return Ok((false, false)) };
        for atom in &field.atoms {
            let mut next = alive.clone();
            next.intersect_with(&atom.sat);
            let (a, b) = self.opaque(d + 1, &next)?;
            any |= a;
            all &= b;
        }
        Ok((any, all))
    }
}

/// The opaque constructs of the query, described.
pub(super) fn opaque_names(enc: &Encoded) -> Vec<String> {
    enc.fields
        .iter()
        .filter_map(|f| match &f.kind {
            crate::encode::FieldKind::Opaque { construct } => Some(construct.description.clone()),
            _ => None,
        })
        .collect()
}

/// Merges boxes equal in every field but one, and boxes that differ only in
/// their partitions, until none are mergeable.
pub(super) fn merge(mut cells: Vec<Cell>, enc: &Encoded) -> Vec<Cell> {
    loop {
        let before = cells.len();
        cells = merge_one_field(cells);
        if enc.partition_bits > 0 && cells.len() <= MAX_PARTITION_MERGE {
            cells = merge_partitions(cells, enc);
        }
        if cells.len() == before {
            return cells;
        }
    }
}

/// Most boxes the pairwise partition merge considers.
const MAX_PARTITION_MERGE: usize = 2000;

/// Merges boxes equal in every field but one: the union of two such disjoint
/// boxes is a box disjoint from the others.
fn merge_one_field(mut cells: Vec<Cell>) -> Vec<Cell> {
    let fields = cells.first().map_or(0, |c| c.fields.len());
    loop {
        let before = cells.len();
        for k in 0..fields {
            let mut index: HashMap<(Vec<FixedBitSet>, bool), usize> = HashMap::new();
            let mut merged: Vec<Cell> = Vec::with_capacity(cells.len());
            for cell in cells {
                let mut rest = cell.fields.clone();
                if let Some(f) = rest.get_mut(k) {
                    f.clear();
                }
                let rest = (rest, cell.undecided);
                match index.get(&rest).and_then(|&i| merged.get_mut(i)) {
                    Some(into) => {
                        if let (Some(a), Some(b)) = (into.fields.get_mut(k), cell.fields.get(k)) {
                            a.union_with(b);
                        }
                        into.alive.union_with(&cell.alive);
                    }
                    None => {
                        index.insert(rest, merged.len());
                        merged.push(cell);
                    }
                }
            }
            cells = merged;
        }
        if cells.len() == before {
            return cells;
        }
    }
}

/// Merges two boxes when, in every partition, one of them holds all the
/// merged box's atoms of that partition: the merged box's requests (those
/// whose fields share a partition) are then exactly the two boxes'.
fn merge_partitions(cells: Vec<Cell>, enc: &Encoded) -> Vec<Cell> {
    let n = enc.statements.len();
    let of = |d: usize, set: &FixedBitSet, p: usize| -> FixedBitSet {
        let atoms = enc.fields.get(d).map_or(&[][..], |f| f.atoms.as_slice());
        set.ones().filter(|&a| atoms.get(a).is_some_and(|x| x.sat.contains(p))).collect()
    };
    let mergeable = |x: &Cell, y: &Cell| {
        x.undecided == y.undecided
            && (n..enc.width()).all(|p| {
                let mut from_x = true;
                let mut from_y = true;
                for (d, (a, b)) in x.fields.iter().zip(&y.fields).enumerate() {
                    let (pa, pb) = (of(d, a, p), of(d, b, p));
                    let mut u = pa.clone();
                    u.union_with(&pb);
                    from_x &= u == pa;
                    from_y &= u == pb;
                }
                from_x || from_y
            })
    };
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
    for cell in cells {
        match out.iter_mut().find(|c| mergeable(c, &cell)) {
            Some(into) => {
                for (a, b) in into.fields.iter_mut().zip(&cell.fields) {
                    a.union_with(b);
                }
                into.alive.union_with(&cell.alive);
            }
            None => out.push(cell),
        }
    }
    out
}

/// A request of `cell` AWS can send: one atom per field of the box (the fields after it,
/// opaque, are free) such that every facts policy (policies `first_fact`…, Allow statements
/// only, `decide::facts`) allows it and its fields share a partition. `None` when the box
/// holds none. A depth-first search over the facts' statements alive, grouping a field's
/// atoms by what they leave alive, with dead states memoized.
pub(super) fn sendable(
    enc: &Encoded,
    cell: &Cell,
    first_fact: usize,
    limits: Limits,
    nodes: &mut usize,
) -> Result<Option<Vec<usize>>, Undecided> {
    let mut search = Sendable::new(enc, cell, first_fact, limits, nodes, None);
    let mut path = Vec::new();
    let found = search.exists(0, search.start(), &mut path)?;
    path.truncate(cell.fields.len());
    Ok(found.then_some(path))
}

/// The statements (of `candidates`, positions in the encoding) responsible for `cell`: each
/// alive (its pattern and conditions hold) in some request of the box AWS can send.
/// `found` is such a request (`sendable`): the statements alive in it are; every other
/// candidate costs one search like `sendable`'s that keeps it alive.
pub(super) fn responsible(
    enc: &Encoded,
    cell: &Cell,
    found: &[usize],
    candidates: &[usize],
    first_fact: usize,
    limits: Limits,
    nodes: &mut usize,
) -> Result<Vec<usize>, Undecided> {
    let mut alive = FixedBitSet::with_capacity(enc.width());
    alive.insert_range(..);
    for (d, &a) in found.iter().enumerate() {
        let Some(atom) = enc.fields.get(d).and_then(|f| f.atoms.get(a)) else {
            // A path of `sendable` names atoms of the encoding; anything else is a bug, and
            // naming every candidate for it would hide it.
            return Err(Undecided::new(
                UndecidedKind::Internal,
                format!("the sendable request names atom {a} of field {d}, which has none"),
            ));
        };
        alive.intersect_with(&atom.sat);
    }
    let mut out = Vec::new();
    for &s in candidates {
        let kept = alive.contains(s) || {
            let mut search = Sendable::new(enc, cell, first_fact, limits, nodes, Some(s));
            let start = search.start();
            search.exists(0, start, &mut Vec::new())?
        };
        if kept {
            out.push(s);
        }
    }
    Ok(out)
}

/// The search of [`sendable`] and [`responsible`].
struct Sendable<'a> {
    enc: &'a Encoded,
    cell: &'a Cell,
    of_policy: Vec<FixedBitSet>,
    partitions: FixedBitSet,
    /// A statement that must stay alive through the box's fields ([`responsible`]).
    required: Option<usize>,
    limits: Limits,
    nodes: &'a mut usize,
    dead: std::collections::HashSet<(usize, FixedBitSet)>,
}

impl<'a> Sendable<'a> {
    fn new(
        enc: &'a Encoded,
        cell: &'a Cell,
        first_fact: usize,
        limits: Limits,
        nodes: &'a mut usize,
        required: Option<usize>,
    ) -> Sendable<'a> {
        let n = enc.statements.len();
        let facts: std::collections::BTreeSet<usize> =
            enc.statements.iter().filter(|s| s.policy >= first_fact).map(|s| s.policy).collect();
        let of_policy = facts
            .into_iter()
            .map(|p| {
                let mut m = FixedBitSet::with_capacity(enc.width());
                for (i, s) in enc.statements.iter().enumerate() {
                    m.set(i, s.policy == p);
                }
                m
            })
            .collect();
        let mut partitions = FixedBitSet::with_capacity(enc.width());
        partitions.insert_range(n..enc.width());
        Sendable {
            enc,
            cell,
            of_policy,
            partitions,
            required,
            limits,
            nodes,
            dead: std::collections::HashSet::new(),
        }
    }

    /// The bits alive before the first field: the facts', the partitions', the required
    /// statement's.
    fn start(&self) -> FixedBitSet {
        let mut alive = self.partitions.clone();
        for m in &self.of_policy {
            alive.union_with(m);
        }
        if let Some(s) = self.required {
            alive.grow(s + 1);
            alive.insert(s);
        }
        alive
    }
}

impl Sendable<'_> {
    fn exists(
        &mut self,
        d: usize,
        alive: FixedBitSet,
        path: &mut Vec<usize>,
    ) -> Result<bool, OutOfBudget> {
        // Some statement of every facts policy, and some partition, must stay alive.
        if self.of_policy.iter().any(|m| m.is_disjoint(&alive))
            || (!self.partitions.is_clear() && self.partitions.is_disjoint(&alive))
            || self.required.is_some_and(|s| d <= self.cell.fields.len() && !alive.contains(s))
        {
            return Ok(false);
        }
        let Some(field) = self.enc.fields.get(d) else { return Ok(true) };
        let key = (d, alive);
        if self.dead.contains(&key) {
            return Ok(false);
        }
        self.limits.tick(self.nodes)?;
        let candidates: Vec<usize> = match self.cell.fields.get(d) {
            Some(atoms) => atoms.ones().collect(),
            None => (0..field.atoms.len()).collect(),
        };
        let mut seen = std::collections::HashSet::new();
        for a in candidates {
            let Some(atom) = field.atoms.get(a) else { continue };
            let mut next = key.1.clone();
            next.intersect_with(&atom.sat);
            if !seen.insert(next.clone()) {
                continue;
            }
            path.push(a);
            if self.exists(d + 1, next, path)? {
                return Ok(true);
            }
            path.pop();
        }
        self.dead.insert(key);
        Ok(false)
    }
}
