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
    /// Per encoded label statement, its bit in the encoding and its label (`labels.rs`), for
    /// the labels encoded as one statement: a label the encoder splits into readings
    /// (`encode::federator`: a `NotPrincipal` listing a federated user) says nothing exact
    /// on its own and is left out.
    label_bits: Vec<(usize, usize)>,
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
        let encoded: Vec<(usize, usize)> = enc
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.policy == 2)
            .map(|(bit, s)| (bit, s.index))
            .collect();
        let once = |label: usize| encoded.iter().filter(|(_, l)| *l == label).count() == 1;
        let label_bits = encoded.iter().copied().filter(|&(_, l)| once(l)).collect();
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
        let partition_labels: Vec<(usize, Option<usize>)> =
            side.map(|side| labels.partition_labels(side)).unwrap_or_default();
        let n_stmts = enc.statements.len();
        self.cache.entry(d).or_insert_with(|| {
            let atoms = enc.fields.get(d).map_or(&[][..], |f| f.atoms.as_slice());
            let n = atoms.len();
            // Per label encoded as one statement, the atoms that satisfy its statement.
            let sets = bits.iter().map(|&(bit, label)| {
                let m: FixedBitSet = atoms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.sat.contains(bit))
                    .map(|(i, _)| i)
                    .collect();
                (label, m)
            });
            // A class's label: the atoms with that class's bit alone; `in no partition`: the
            // atoms with every bit.
            let partition_sets = partition_labels.iter().map(|&(label, class)| {
                let mut m = FixedBitSet::with_capacity(n);
                for (i, a) in atoms.iter().enumerate() {
                    let bits: Vec<usize> = a.sat.ones().filter(|&b| b >= n_stmts).collect();
                    let holds = match class {
                        Some(k) => bits == [n_stmts + k],
                        None => bits.len() == enc.partition_bits,
                    };
                    m.set(i, holds);
                }
                (label, m)
            });
            let labels = sets
                .chain(partition_sets)
                .map(|(label, mut m)| {
                    m.grow(n);
                    (label, m)
                })
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
        let mut out = cover_greedily(field, labels, wanted, &allowed);
        simplify(field, labels, wanted, &allowed, &mut out);
        // A union and a term's exceptions read in alphabetical order (`*` first):
        // `ecs:Describe*, ecs:List*, iam:…`.
        let text = |l: &usize| labels.text(*l).to_ascii_lowercase();
        for (_, none_of) in &mut out {
            none_of.sort_by_cached_key(text);
        }
        let key = |ids: &[usize]| -> Vec<String> { ids.iter().map(text).collect() };
        out.sort_by_cached_key(|(all_of, none_of)| (key(all_of), key(none_of)));
        // Shortening may leave two terms alike (each needed before its `match` labels went).
        out.dedup();
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

/// One term as label ids: all of the first, none of the second.
type TermIds = (Vec<usize>, Vec<usize>);

/// A candidate term of [`cover_greedily`].
struct Candidate {
    head: Option<usize>,
    exceptions: Vec<usize>,
    set: FixedBitSet,
    gain: usize,
}

impl Candidate {
    /// Whether `self` is a better next term than `other`: more new atoms per label written
    /// (a head and its exceptions), then fewer exceptions, then a pattern over `*`.
    fn beats(&self, other: &Candidate) -> bool {
        let (a, b) =
            (self.gain * (1 + other.exceptions.len()), other.gain * (1 + self.exceptions.len()));
        a > b
            || (a == b && self.exceptions.len() < other.exceptions.len())
            || (a == b
                && self.exceptions.len() == other.exceptions.len()
                && self.head.is_some()
                && other.head.is_none())
    }
}

/// Terms covering `wanted` within `allowed`, chosen greedily (weighted set cover): a
/// pattern of the policies as the head, or `*`, with patterns as exceptions; else a
/// partition label as the head, or `*`, with any labels as exceptions; else an atom's own
/// labels (always exact, atoms being the labels' classes).
fn cover_greedily(
    field: &FieldLabels,
    labels: &Labels,
    wanted: &FixedBitSet,
    allowed: &FixedBitSet,
) -> Vec<TermIds> {
    let mut universe = FixedBitSet::with_capacity(field.atoms);
    universe.insert_range(..);
    let patterns: Vec<(usize, FixedBitSet)> =
        field.labels.iter().filter(|(l, _)| !labels.is_partition(*l)).cloned().collect();
    let mut uncovered = wanted.clone();
    let mut out: Vec<TermIds> = Vec::new();
    while uncovered.count_ones(..) > 0 {
        let mut best: Option<Candidate> = None;
        let consider = |best: &mut Option<Candidate>, c: Candidate| {
            if best.as_ref().is_none_or(|b| c.beats(b)) {
                *best = Some(c);
            }
        };
        for partition in [false, true] {
            let heads = field.labels.iter().filter(|(l, m)| {
                labels.is_partition(*l) == partition && !m.is_disjoint(&uncovered)
            });
            for (label, m) in heads {
                if let Some(exceptions) = exceptions(m, wanted, allowed, &field.labels) {
                    let gain = m.intersection(&uncovered).count();
                    consider(
                        &mut best,
                        Candidate { head: Some(*label), exceptions, set: m.clone(), gain },
                    );
                }
            }
            let among = if partition { &field.labels } else { &patterns };
            if let Some(exceptions) = exceptions(&universe, wanted, allowed, among) {
                let gain = uncovered.count_ones(..);
                consider(
                    &mut best,
                    Candidate { head: None, exceptions, set: universe.clone(), gain },
                );
            }
            if best.is_some() {
                break;
            }
        }
        let (term, covered) = match best {
            Some(c) => {
                let mut covered = c.set;
                covered.intersect_with(wanted);
                ((c.head.into_iter().collect(), c.exceptions), covered)
            }
            None => {
                let Some(atom) = uncovered.ones().next() else { break };
                own_labels(field, allowed, wanted, atom)
            }
        };
        uncovered.difference_with(&covered);
        out.push(term);
    }
    out
}

/// The term of atom `atom`'s own labels, its exceptions covering what it matches outside
/// `allowed`, and the wanted atoms it covers.
fn own_labels(
    field: &FieldLabels,
    allowed: &FixedBitSet,
    wanted: &FixedBitSet,
    atom: usize,
) -> (TermIds, FixedBitSet) {
    let all_of: Vec<usize> =
        field.labels.iter().filter(|(_, m)| m.contains(atom)).map(|(l, _)| *l).collect();
    let mut head = FixedBitSet::with_capacity(field.atoms);
    head.insert_range(..);
    for (_, m) in field.labels.iter().filter(|(_, m)| m.contains(atom)) {
        head.intersect_with(m);
    }
    let candidates: Vec<(usize, &FixedBitSet)> =
        field.labels.iter().filter(|(_, m)| !m.contains(atom)).map(|(l, m)| (*l, m)).collect();
    let none_of = cover(&difference(&head, allowed), field.atoms, &candidates);
    // Every wanted atom the term matches (atoms the labels do not tell apart, split by the
    // facts of AWS's requests, go together).
    let mut covered = term_set(field, &all_of, &none_of);
    covered.intersect_with(wanted);
    covered.insert(atom);
    ((all_of, none_of), covered)
}

/// Shortens a cover without changing what it says: drops terms the others cover, then
/// per term the `match` labels and exceptions it does not need, and writes a term that
/// excludes partitions as the one partition it keeps (`123456789012 except caller in
/// partitions aws-cn, …` as `123456789012` and `caller in partition aws`) when shorter.
fn simplify(
    field: &FieldLabels,
    labels: &Labels,
    wanted: &FixedBitSet,
    allowed: &FixedBitSet,
    out: &mut Vec<TermIds>,
) {
    // Terms the others cover, last first: per wanted atom, how many terms cover it.
    let sets: Vec<FixedBitSet> = out
        .iter()
        .map(|(all_of, none_of)| intersection(&term_set(field, all_of, none_of), wanted))
        .collect();
    let mut count = vec![0usize; field.atoms];
    for a in sets.iter().flat_map(|s| s.ones()) {
        if let Some(c) = count.get_mut(a) {
            *c += 1;
        }
    }
    for (i, set) in sets.iter().enumerate().rev() {
        if set.ones().all(|a| count.get(a).is_some_and(|&c| c > 1)) {
            for a in set.ones() {
                if let Some(c) = count.get_mut(a) {
                    *c -= 1;
                }
            }
            out.remove(i);
        }
    }
    let len = |(all_of, none_of): &TermIds| -> usize {
        all_of.iter().chain(none_of).map(|&l| labels.text(l).len() + 2).sum()
    };
    for term in out.iter_mut() {
        let keeps = intersection(&term_set(field, &term.0, &term.1), wanted);
        trim(field, labels, allowed, term);
        if term.1.iter().any(|&l| labels.is_partition(l)) {
            let patterns: Vec<usize> =
                term.1.iter().copied().filter(|&l| !labels.is_partition(l)).collect();
            let qualified = field
                .labels
                .iter()
                .filter(|(l, m)| labels.is_partition(*l) && keeps.is_subset(m))
                .map(|(l, _)| {
                    let mut t = (term.0.clone(), patterns.clone());
                    t.0.push(*l);
                    trim(field, labels, allowed, &mut t);
                    t
                })
                .filter(|t| term_set(field, &t.0, &t.1).is_subset(allowed))
                .min_by_key(len);
            if let Some(t) = qualified.filter(|t| len(t) < len(term)) {
                *term = t;
            }
        }
    }
}

/// Drops the `match` labels and then the exceptions of `term` that it does not need to
/// stay within `allowed` (dropping a `match` label only widens a term, dropping an
/// exception too: what the term covers stays covered). A term keeps one pattern of the
/// policies as its head (`123456789012 in partition aws`, not `* in partition aws except
/// …`).
fn trim(field: &FieldLabels, labels: &Labels, allowed: &FixedBitSet, term: &mut TermIds) {
    for which in [0, 1] {
        let mut i = match which {
            0 => term.0.len(),
            _ => term.1.len(),
        };
        while i > 0 {
            i -= 1;
            let mut t = term.clone();
            let list = if which == 0 { &mut t.0 } else { &mut t.1 };
            list.remove(i);
            let head_kept = which == 1 || t.0.iter().any(|&l| !labels.is_partition(l));
            if (head_kept || term.0.iter().all(|&l| labels.is_partition(l)))
                && term_set(field, &t.0, &t.1).is_subset(allowed)
            {
                *term = t;
            }
        }
    }
}

/// The atoms of one term: those every `all_of` label matches and no `none_of` label does.
fn term_set(field: &FieldLabels, all_of: &[usize], none_of: &[usize]) -> FixedBitSet {
    let set = |l: &usize| field.labels.iter().find(|(k, _)| k == l).map(|(_, m)| m);
    let mut t = FixedBitSet::with_capacity(field.atoms);
    t.insert_range(..);
    for l in all_of {
        t.intersect_with(set(l).unwrap_or(&FixedBitSet::new()));
    }
    for m in none_of.iter().filter_map(set) {
        t.difference_with(m);
    }
    t
}

/// The terms' union, checked to cover `wanted` within `allowed`.
fn exact(
    field: &FieldLabels,
    wanted: &FixedBitSet,
    allowed: &FixedBitSet,
    terms: &[TermIds],
) -> Result<FixedBitSet, Undecided> {
    let mut union = FixedBitSet::with_capacity(field.atoms);
    for (all_of, none_of) in terms {
        union.union_with(&term_set(field, all_of, none_of));
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
    let bad = difference(head, allowed);
    if bad.is_clear() {
        return Some(Vec::new());
    }
    let inside = intersection(head, wanted);
    let usable: Vec<(usize, &FixedBitSet)> = labels
        .iter()
        .filter(|(_, m)| m.is_disjoint(&inside) && !m.is_disjoint(&bad))
        .map(|(l, m)| (*l, m))
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
fn cover(target: &FixedBitSet, len: usize, sets: &[(usize, &FixedBitSet)]) -> Vec<usize> {
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

/// `a ∩ b`, word by word (collecting the bits one at a time was a fifth of a diff's time).
fn intersection(a: &FixedBitSet, b: &FixedBitSet) -> FixedBitSet {
    let mut out = a.clone();
    out.intersect_with(b);
    out
}

/// `a \ b`, word by word.
fn difference(a: &FixedBitSet, b: &FixedBitSet) -> FixedBitSet {
    let mut out = a.clone();
    out.difference_with(b);
    out
}
