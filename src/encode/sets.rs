//! The kinds of value sets of a multivalued key (docs/semantics.md §4).
//!
//! A present set matters to a statement only through its entries on the
//! key: a `ForAllValues:` entry holds iff every element passes its
//! per-value test, a `ForAnyValue:` entry iff some element does, and a
//! `Null` entry does not look at the elements. So a set's effect is
//! - per statement, whether every element passes *all* that statement's
//!   `ForAllValues:` tests: the intersection over the elements of each
//!   element's statement vector (one bit per statement), and
//! - per `ForAnyValue:` entry, whether some element passes it: the union
//!   over the elements of each element's entry vector.
//!
//! Both are closures of the per-element vectors (intersection and union),
//! so the kinds of sets are enumerated class by class, keeping one set per
//! distinct pair; a `ForAllValues:`-only key (tag-key allow-lists) has as
//! many kinds as the intersection closure of its element vectors, not
//! 2^classes. Tracking *both* "some" and "all" per entry, as the first
//! encoding did, multiplied the two closures together (over 4,096 kinds on
//! 25 tag-key allow-lists).

use fixedbitset::FixedBitSet;
use std::collections::HashSet;

/// What an entry on a multivalued key asks of a present set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetTest {
    /// Every element passes the per-value test (`ForAllValues:`).
    All,
    /// Some element passes the per-value test (`ForAnyValue:`).
    Any,
    /// A fixed answer on every present set (`Null` with or without a
    /// qualifier).
    Fixed(bool),
}

/// One entry: its statement and what it asks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SetEntry {
    pub(crate) statement: usize,
    pub(crate) test: SetTest,
}

/// One kind of present set: a witness set (indices into the element
/// classes, empty for the empty set) and its satisfaction vector.
#[derive(Debug)]
pub(crate) struct SetKind {
    pub(crate) chosen: Vec<usize>,
    pub(crate) sat: FixedBitSet,
}

/// What decides a set's satisfaction vector: per statement, whether every
/// element passes its `ForAllValues:` tests, and per `ForAnyValue:` entry
/// whether some element passes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Summary {
    all: FixedBitSet,
    some: FixedBitSet,
}

impl Summary {
    fn add(&self, element: &Summary) -> Summary {
        let mut all = self.all.clone();
        all.intersect_with(&element.all);
        let mut some = self.some.clone();
        some.union_with(&element.some);
        Summary { all, some }
    }
}

/// The kinds of present sets, in the order the class-by-class walk first
/// reaches them (the empty set first): `elements[c][j]` is whether element
/// class `c` passes entry `j`'s per-value test; `n` statements. `Err(limit)`
/// when there are more than `limit` distinct summaries (checked after each
/// class, so the walk stops within one class's growth of the limit).
pub(crate) fn set_kinds(
    entries: &[SetEntry],
    elements: &[Vec<bool>],
    n: usize,
    limit: usize,
) -> Result<Vec<SetKind>, usize> {
    let any: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.test == SetTest::Any)
        .map(|(j, _)| j)
        .collect();
    let summary_of = |vector: &[bool]| {
        let mut all = FixedBitSet::with_capacity(n);
        all.insert_range(..);
        for (e, holds) in entries.iter().zip(vector) {
            if e.test == SetTest::All && !holds {
                all.set(e.statement, false);
            }
        }
        let mut some = FixedBitSet::with_capacity(any.len());
        for (k, j) in any.iter().enumerate() {
            some.set(k, vector.get(*j).copied().unwrap_or(false));
        }
        Summary { all, some }
    };
    // Element classes with the same summary add the same thing to every set.
    let mut classes: Vec<(usize, Summary)> = Vec::new();
    let mut class_seen = HashSet::new();
    for (c, vector) in elements.iter().enumerate() {
        let s = summary_of(vector);
        if class_seen.insert(s.clone()) {
            classes.push((c, s));
        }
    }
    let mut empty_all = FixedBitSet::with_capacity(n);
    empty_all.insert_range(..);
    let empty = Summary { all: empty_all, some: FixedBitSet::with_capacity(any.len()) };
    let mut seen: HashSet<Summary> = HashSet::new();
    seen.insert(empty.clone());
    let mut states: Vec<(Summary, Vec<usize>)> = vec![(empty, Vec::new())];
    for (c, element) in &classes {
        let before = states.len();
        for i in 0..before {
            let Some((state, chosen)) = states.get(i) else { break };
            let grown = state.add(element);
            if seen.insert(grown.clone()) {
                let mut chosen = chosen.clone();
                chosen.push(*c);
                states.push((grown, chosen));
                if states.len() > limit {
                    return Err(limit);
                }
            }
        }
    }
    Ok(states
        .into_iter()
        .map(|(summary, chosen)| {
            let mut sat = summary.all;
            let mut k = 0;
            for e in entries {
                let holds = match e.test {
                    SetTest::All => true,
                    SetTest::Any => {
                        k += 1;
                        summary.some.contains(k - 1)
                    }
                    SetTest::Fixed(b) => b,
                };
                if !holds {
                    sat.set(e.statement, false);
                }
            }
            SetKind { chosen, sat }
        })
        .collect())
}

#[cfg(test)]
mod tests;
