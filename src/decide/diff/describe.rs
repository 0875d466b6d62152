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

use super::labels::Labels;
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
        let mut out = BTreeMap::new();
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
            let terms = if everything { vec![any()] } else { self.terms(d, atoms)? };
            out.insert(name, terms);
        }
        for name in [FieldName::Actions, FieldName::Resources] {
            out.entry(name).or_insert_with(|| vec![any()]);
        }
        if self.policy_type == PolicyType::Resource {
            out.entry(FieldName::Principals).or_insert_with(|| vec![any()]);
        }
        Ok(out)
    }

    fn field_labels(&mut self, d: usize) -> &FieldLabels {
        let enc = self.enc;
        let bits = &self.label_bits;
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
            let labels = sets
                .into_iter()
                .enumerate()
                .filter(|(_, m)| {
                    let count = m.count_ones(..);
                    count > 0 && count < n
                })
                .collect();
            FieldLabels { labels, atoms: n }
        })
    }

    /// The terms whose union is exactly the atoms `wanted` of field `d`.
    fn terms(&mut self, d: usize, wanted: &FixedBitSet) -> Result<Vec<Term>, Undecided> {
        let labels = self.labels;
        let field = self.field_labels(d);
        let mut universe = FixedBitSet::with_capacity(field.atoms);
        universe.insert_range(..);
        let mut uncovered = wanted.clone();
        let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        while uncovered.count_ones(..) > 0 {
            let heads = field.labels.iter().filter(|(_, m)| !m.is_disjoint(&uncovered));
            let mut best: Option<(usize, Vec<usize>, Vec<usize>, FixedBitSet)> = None;
            for (label, m) in heads {
                if let Some(exceptions) = exceptions(m, wanted, &field.labels) {
                    let gain = m.intersection(&uncovered).count();
                    if best
                        .as_ref()
                        .is_none_or(|b| gain > b.0 || (gain == b.0 && exceptions.len() < b.2.len()))
                    {
                        best = Some((gain, vec![*label], exceptions, m.clone()));
                    }
                }
            }
            if best.is_none() {
                if let Some(exceptions) = exceptions(&universe, wanted, &field.labels) {
                    best = Some((0, Vec::new(), exceptions, universe.clone()));
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
                    let none_of = cover(&head.difference(&one).collect(), field.atoms, &candidates);
                    (all_of, none_of, one)
                }
            };
            uncovered.difference_with(&covered);
            out.push((all_of, none_of));
        }
        exact(field, wanted, &out)?;
        Ok(out
            .into_iter()
            .map(|(all_of, none_of)| Term {
                all_of: all_of.iter().map(|&l| labels.text(l).to_string()).collect(),
                none_of: none_of.iter().map(|&l| labels.text(l).to_string()).collect(),
                ids: (all_of, none_of),
            })
            .collect())
    }
}

/// Checks that the terms' union is exactly `wanted`.
fn exact(
    field: &FieldLabels,
    wanted: &FixedBitSet,
    terms: &[(Vec<usize>, Vec<usize>)],
) -> Result<(), Undecided> {
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
    let mut want = wanted.clone();
    want.grow(field.atoms);
    if union == want {
        Ok(())
    } else {
        Err(Undecided::new(
            UndecidedKind::Budget,
            "internal inconsistency, please report it: a region's description is not exact",
        ))
    }
}

/// The term matching any value.
fn any() -> Term {
    Term { all_of: Vec::new(), none_of: Vec::new(), ids: (Vec::new(), Vec::new()) }
}

/// Labels whose union covers `head` minus `wanted` without touching
/// `wanted` inside `head` (so `head` minus them is exactly `head ∩
/// wanted`), chosen greedily; `None` when there are none such.
fn exceptions(
    head: &FixedBitSet,
    wanted: &FixedBitSet,
    labels: &[(usize, FixedBitSet)],
) -> Option<Vec<usize>> {
    let bad = head.difference(wanted).collect::<FixedBitSet>();
    if bad.count_ones(..) == 0 {
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
