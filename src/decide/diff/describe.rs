//! Writing a box's sets of atoms in the policies' own words.
//!
//! Every atom of a field is a class of values on which every label
//! (written pattern, condition entry) agrees, so a set of atoms `G` is a
//! union of terms "matches every label of `all_of`, none of `none_of`".
//! Terms are chosen greedily, largest first: a single label `p` whose
//! values outside `G` are covered by labels that miss `G` inside `p` (the
//! exceptions), or `*` with exceptions; an atom no such term covers gets the
//! term of its own labels (always exact, since atoms are the classes of the
//! labels).

use super::labels::{Labels, Side};
use super::regions::Cell;
use super::{FieldName, Term, Undecided, UndecidedKind};
use crate::encode::{Encoded, FieldKind};
use crate::policy::PolicyType;
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;

/// The labels of one field: (label, the atoms it matches), for the labels
/// that tell atoms apart.
#[derive(Debug)]
struct FieldLabels {
    labels: Vec<(usize, FixedBitSet)>,
    atoms: usize,
}

/// Describes boxes of one encoded query, caching per-field label sets.
pub(super) struct Describer<'a> {
    enc: &'a Encoded,
    labels: &'a Labels,
    policy_type: PolicyType,
    /// Per label, its statement's position in the encoding.
    label_bits: Vec<usize>,
    cache: HashMapFields,
}

type HashMapFields = std::collections::HashMap<usize, FieldLabels>;

impl std::fmt::Debug for Describer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Describer").finish_non_exhaustive()
    }
}

impl<'a> Describer<'a> {
    pub(super) fn new(enc: &'a Encoded, labels: &'a Labels, policy_type: PolicyType) -> Self {
        let label_bits = enc
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.policy == 2)
            .map(|(i, _)| i)
            .collect();
        Describer { enc, labels, policy_type, label_bits, cache: Default::default() }
    }

    /// The description of a box, per field.
    ///
    /// # Errors
    /// When a field's terms do not give its atoms exactly (an internal
    /// inconsistency: atoms are the labels' classes).
    pub(super) fn region(
        &mut self,
        cell: &Cell,
    ) -> Result<BTreeMap<FieldName, Vec<Term>>, Undecided> {
        // Free atoms judged against the box's other fields; else, when the described box
        // then meets other requests, field by field against the fields described so far.
        self.region_with(cell, false).or_else(|_| self.region_with(cell, true))
    }

    fn region_with(
        &mut self,
        cell: &Cell,
        sequential: bool,
    ) -> Result<BTreeMap<FieldName, Vec<Term>>, Undecided> {
        let mut out = BTreeMap::new();
        let mut described: Vec<FixedBitSet> = cell.fields.clone();
        for (d, atoms) in cell.fields.iter().enumerate() {
            let Some(field) = self.enc.fields.get(d) else { continue };
            let name = match &field.kind {
                FieldKind::Action => FieldName::Actions,
                FieldKind::Resource => FieldName::Resources,
                FieldKind::Principal => FieldName::Principals,
                FieldKind::Caller { .. } if self.policy_type == PolicyType::Resource => {
                    FieldName::Principals
                }
                FieldKind::Caller { keys } => FieldName::Condition(keys.join(", ")),
                FieldKind::Key { name, .. } => FieldName::Condition(name.clone()),
                FieldKind::Opaque { .. } => continue,
            };
            let everything = atoms.count_ones(..) == field.atoms.len();
            if everything && matches!(name, FieldName::Condition(_)) {
                continue;
            }
            let terms = if everything {
                vec![any()]
            } else {
                // Free atoms against the fields described so far (and the box's later ones):
                // field by field, the described box meets only the box's requests.
                let against = if sequential { &described } else { &cell.fields };
                let free = self.partition_free(cell, against, d);
                let (terms, union) = self.terms(d, atoms, &free)?;
                if let Some(slot) = described.get_mut(d) {
                    *slot = union;
                }
                terms
            };
            out.insert(name, terms);
        }
        self.partitions_exact(cell, &described)?;
        for name in [FieldName::Actions, FieldName::Resources] {
            out.entry(name).or_insert_with(|| vec![any()]);
        }
        if self.policy_type == PolicyType::Resource {
            out.entry(FieldName::Principals).or_insert_with(|| vec![any()]);
        }
        Ok(out)
    }

    /// The partition bits of atom `a` of field `d`.
    fn partitions_of(&self, d: usize, a: usize) -> FixedBitSet {
        let n = self.enc.statements.len();
        let mut p = FixedBitSet::with_capacity(self.enc.width());
        if let Some(atom) = self.enc.fields.get(d).and_then(|f| f.atoms.get(a)) {
            p.extend(atom.sat.ones().filter(|&b| b >= n));
        }
        p
    }

    /// The atoms of field `d` outside the box that no request of the other fields' sets
    /// `sets` can meet (their partitions never fit): a description may include them or not.
    fn partition_free(&self, cell: &Cell, sets: &[FixedBitSet], d: usize) -> FixedBitSet {
        let n = self.enc.fields.get(d).map_or(0, |f| f.atoms.len());
        let mut free = FixedBitSet::with_capacity(n);
        if self.enc.partition_bits == 0 {
            return free;
        }
        let mut others = FixedBitSet::with_capacity(self.enc.width());
        others.insert_range(self.enc.statements.len()..);
        for (e, atoms) in sets.iter().enumerate().filter(|(e, _)| *e != d) {
            let mut u = FixedBitSet::with_capacity(self.enc.width());
            for a in atoms.ones() {
                u.union_with(&self.partitions_of(e, a));
            }
            others.intersect_with(&u);
        }
        for b in 0..n {
            let inside = cell.fields.get(d).is_some_and(|g| g.contains(b));
            free.set(b, !inside && self.partitions_of(d, b).is_disjoint(&others));
        }
        free
    }

    /// Checks that the described sets meet only the box's requests: per partition, either
    /// some field describes no atom of it, or every field describes exactly the box's atoms
    /// of it.
    fn partitions_exact(&self, cell: &Cell, described: &[FixedBitSet]) -> Result<(), Undecided> {
        let n = self.enc.statements.len();
        for p in n..self.enc.width() {
            let of = |d: usize, set: &FixedBitSet| -> FixedBitSet {
                set.ones().filter(|&a| self.partitions_of(d, a).contains(p)).collect()
            };
            let pairs: Vec<(FixedBitSet, FixedBitSet)> = cell
                .fields
                .iter()
                .zip(described)
                .enumerate()
                .map(|(d, (g, dd))| (of(d, g), of(d, dd)))
                .collect();
            let empty = pairs.iter().any(|(_, dd)| dd.is_clear());
            if !empty && pairs.iter().any(|(g, dd)| g != dd) {
                return Err(inexact());
            }
        }
        Ok(())
    }

    fn field_labels(&mut self, d: usize) -> &FieldLabels {
        let enc = self.enc;
        let bits = &self.label_bits;
        let labels = self.labels;
        // The partition labels of a resource or caller field: per class, its bit's atoms.
        let side = match enc.fields.get(d).map(|f| &f.kind) {
            Some(FieldKind::Resource) => Some(Side::Resource),
            Some(FieldKind::Principal | FieldKind::Caller { .. }) => Some(Side::Caller),
            _ => None,
        };
        let partition_labels: Vec<(usize, usize)> = side
            .into_iter()
            .flat_map(|side| {
                (0..enc.partition_bits).filter_map(move |k| {
                    Some((labels.partition_label(side, k)?, enc.statements.len() + k))
                })
            })
            .collect();
        self.cache.entry(d).or_insert_with(|| {
            let atoms = enc.fields.get(d).map_or(&[][..], |f| f.atoms.as_slice());
            let n = atoms.len();
            // Label bits are the encoding's last statements, in label order.
            let first = bits.first().copied().unwrap_or(usize::MAX);
            let mut sets: Vec<FixedBitSet> = vec![FixedBitSet::with_capacity(n); bits.len()];
            for (i, a) in atoms.iter().enumerate() {
                for bit in a.sat.ones().filter(|&b| b >= first) {
                    if let Some(m) = sets.get_mut(bit - first) {
                        m.insert(i);
                    }
                }
            }
            let partition_sets = partition_labels.iter().map(|&(label, bit)| {
                let mut m = FixedBitSet::with_capacity(n);
                for (i, a) in atoms.iter().enumerate() {
                    m.set(i, a.sat.contains(bit));
                }
                (label, m)
            });
            let labels = sets
                .into_iter()
                .enumerate()
                .chain(partition_sets)
                .filter(|(_, m)| {
                    let count = m.count_ones(..);
                    count > 0 && count < n
                })
                .collect();
            FieldLabels { labels, atoms: n }
        })
    }

    /// The terms whose union covers the atoms `wanted` of field `d` and stays within them
    /// and `free` (atoms no request of the box can have), with that union.
    fn terms(
        &mut self,
        d: usize,
        wanted: &FixedBitSet,
        free: &FixedBitSet,
    ) -> Result<(Vec<Term>, FixedBitSet), Undecided> {
        let labels = self.labels;
        let field = self.field_labels(d);
        let mut allowed = wanted.clone();
        allowed.grow(field.atoms);
        allowed.union_with(free);
        let mut universe = FixedBitSet::with_capacity(field.atoms);
        universe.insert_range(..);
        let mut uncovered = wanted.clone();
        let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        while uncovered.count_ones(..) > 0 {
            // A pattern of the policies as the head, else `*` with patterns as exceptions,
            // else a partition label as the head, else `*` with any exceptions.
            let patterns: Vec<(usize, FixedBitSet)> =
                field.labels.iter().filter(|(l, _)| !labels.is_partition(*l)).cloned().collect();
            let mut best: Option<(usize, Vec<usize>, Vec<usize>, FixedBitSet)> = None;
            for partition in [false, true] {
                let heads = field.labels.iter().filter(|(l, m)| {
                    labels.is_partition(*l) == partition && !m.is_disjoint(&uncovered)
                });
                for (label, m) in heads {
                    if let Some(exceptions) = exceptions(m, wanted, &allowed, &field.labels) {
                        let gain = m.intersection(&uncovered).count();
                        if best.as_ref().is_none_or(|b| {
                            gain > b.0 || (gain == b.0 && exceptions.len() < b.2.len())
                        }) {
                            best = Some((gain, vec![*label], exceptions, m.clone()));
                        }
                    }
                }
                let among = if partition { &field.labels } else { &patterns };
                if best.is_none() {
                    if let Some(exceptions) = exceptions(&universe, wanted, &allowed, among) {
                        best = Some((0, Vec::new(), exceptions, universe.clone()));
                    }
                }
                if best.is_some() {
                    break;
                }
            }
            let (all_of, none_of, covered) = match best {
                Some((_, all_of, none_of, head)) => {
                    let mut covered = head;
                    covered.intersect_with(wanted);
                    (all_of, none_of, covered)
                }
                None => {
                    // The atom's own labels: exact, atoms being their classes.
                    let Some(atom) = uncovered.ones().next() else { break };
                    let all_of: Vec<usize> = field
                        .labels
                        .iter()
                        .filter(|(_, m)| m.contains(atom))
                        .map(|(l, _)| *l)
                        .collect();
                    let mut head = universe.clone();
                    for (_, m) in field.labels.iter().filter(|(_, m)| m.contains(atom)) {
                        head.intersect_with(m);
                    }
                    let mut one = FixedBitSet::with_capacity(field.atoms);
                    one.insert(atom);
                    let candidates: Vec<(usize, FixedBitSet)> =
                        field.labels.iter().filter(|(_, m)| !m.contains(atom)).cloned().collect();
                    let none_of =
                        cover(&head.difference(&allowed).collect(), field.atoms, &candidates);
                    // Every wanted atom the term matches (atoms the labels do not tell
                    // apart, split by the facts of AWS's requests, go together).
                    let mut covered = head;
                    for (_, m) in field.labels.iter().filter(|(l, _)| none_of.contains(l)) {
                        covered.difference_with(m);
                    }
                    covered.intersect_with(wanted);
                    covered.union_with(&one);
                    (all_of, none_of, covered)
                }
            };
            uncovered.difference_with(&covered);
            out.push((all_of, none_of));
        }
        let union = exact(field, wanted, &allowed, &out)?;
        let terms = out
            .into_iter()
            .map(|(all_of, none_of)| Term {
                all_of: all_of.iter().map(|&l| labels.text(l).to_string()).collect(),
                none_of: none_of.iter().map(|&l| labels.text(l).to_string()).collect(),
                ids: (all_of, none_of),
            })
            .collect();
        Ok((terms, union))
    }
}

/// The terms' union, checked to cover `wanted` within `allowed`.
fn exact(
    field: &FieldLabels,
    wanted: &FixedBitSet,
    allowed: &FixedBitSet,
    terms: &[(Vec<usize>, Vec<usize>)],
) -> Result<FixedBitSet, Undecided> {
    let set = |l: &usize| field.labels.iter().find(|(k, _)| k == l).map(|(_, m)| m);
    let mut union = FixedBitSet::with_capacity(field.atoms);
    for (all_of, none_of) in terms {
        let mut t = FixedBitSet::with_capacity(field.atoms);
        t.insert_range(..);
        for l in all_of {
            t.intersect_with(set(l).unwrap_or(&FixedBitSet::new()));
        }
        for m in none_of.iter().filter_map(set) {
            t.difference_with(m);
        }
        union.union_with(&t);
    }
    if wanted.is_subset(&union) && union.is_subset(allowed) {
        Ok(union)
    } else {
        Err(inexact())
    }
}

/// A description that is not exact: an engine invariant failed.
fn inexact() -> Undecided {
    Undecided::new(
        UndecidedKind::Internal,
        "internal inconsistency, please report it: a region's description is not exact",
    )
}

/// The term matching any value.
fn any() -> Term {
    Term { all_of: Vec::new(), none_of: Vec::new(), ids: (Vec::new(), Vec::new()) }
}

/// Labels whose union covers `head` outside `allowed` without touching
/// `wanted` inside `head` (so `head` minus them holds `head ∩ wanted` and
/// stays within `allowed`), chosen greedily; `None` when there are none such.
fn exceptions(
    head: &FixedBitSet,
    wanted: &FixedBitSet,
    allowed: &FixedBitSet,
    labels: &[(usize, FixedBitSet)],
) -> Option<Vec<usize>> {
    let bad = head.difference(allowed).collect::<FixedBitSet>();
    if bad.is_clear() {
        return Some(Vec::new());
    }
    let inside = head.intersection(wanted).collect::<FixedBitSet>();
    let usable: Vec<(usize, FixedBitSet)> = labels
        .iter()
        .filter(|(_, m)| m.is_disjoint(&inside) && !m.is_disjoint(&bad))
        .cloned()
        .collect();
    let mut reach = FixedBitSet::with_capacity(head.len());
    for (_, m) in &usable {
        reach.union_with(m);
    }
    if !bad.is_subset(&reach) {
        return None;
    }
    Some(cover(&bad, head.len(), &usable))
}

/// A greedy cover of `target` by the sets of `sets` (which cover it).
fn cover(target: &FixedBitSet, len: usize, sets: &[(usize, FixedBitSet)]) -> Vec<usize> {
    let mut left = target.clone();
    left.grow(len);
    let mut chosen = Vec::new();
    while left.count_ones(..) > 0 {
        let best = sets
            .iter()
            .map(|(l, m)| (m.intersection(&left).count(), *l, m))
            .filter(|(gain, _, _)| *gain > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((_, label, m)) = best else { break };
        left.difference_with(m);
        chosen.push(label);
    }
    chosen.sort_unstable();
    chosen
}
