//! Atoms computed before, kept for the computations that ask again.
//!
//! In a batch, the same computation comes back again and again: both directions of a version
//! pair, consecutive pairs that share a version, and a policy's unchanged services from one
//! version to the next give the same patterns within the same universe (in the first 1,000
//! managed-policy pairs, 93 % of the computations repeat an earlier one, and they take 89 % of
//! the atom time). [`super::atoms`] is a function of its patterns, its universe and its budget
//! figures (a lazy DFA's answers do not depend on its cache, and the search is deterministic),
//! so a kept answer is exactly the one a new computation gives; only successes are kept (a
//! failure may depend on the deadline).
//!
//! Kept process-wide (the worker threads of a batch share it), bounded in bytes, the oldest
//! entry first out. Two threads that miss on the same computation at once both compute it;
//! the answers are equal, one is kept.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::fxhash::{FxBuild, FxHashMap};
use super::{Atom, AtomBudget};

/// At most this many bytes (patterns, universe and atoms, roughly) are kept; an entry larger
/// than a sixteenth of it is not (so one huge computation does not flush the rest).
const CAPACITY_BYTES: usize = 24 << 20;

/// The budget figures an answer depends on (the deadline only decides whether one comes).
type Figures = (usize, usize, usize);

fn figures(budget: &AtomBudget) -> Figures {
    (budget.cache_bytes, budget.max_nodes, budget.max_atoms)
}

/// One kept computation.
#[derive(Debug)]
struct Entry {
    /// Insertion number (to find the entry again when it is evicted).
    serial: u64,
    patterns: Vec<String>,
    universe: String,
    figures: Figures,
    atoms: Vec<Atom>,
    bytes: usize,
}

/// The kept computations, by the hash of their inputs.
#[derive(Debug, Default)]
struct Memo {
    by_hash: FxHashMap<u64, Vec<Entry>>,
    /// (hash, serial) of every entry, oldest first.
    order: VecDeque<(u64, u64)>,
    bytes: usize,
    next_serial: u64,
}

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

/// A computation's inputs, hashed once.
#[derive(Clone, Copy, Debug)]
pub(super) struct Key<'a> {
    patterns: &'a [String],
    universe: &'a str,
    figures: Figures,
    hash: u64,
}

impl<'a> Key<'a> {
    pub(super) fn new(patterns: &'a [String], universe: &'a str, budget: &AtomBudget) -> Key<'a> {
        let figures = figures(budget);
        let mut h = FxBuild::default().build_hasher();
        patterns.hash(&mut h);
        universe.hash(&mut h);
        figures.hash(&mut h);
        Key { patterns, universe, figures, hash: h.finish() }
    }
}

impl Entry {
    fn is(&self, key: &Key<'_>) -> bool {
        self.figures == key.figures
            && self.universe == key.universe
            && self.patterns == key.patterns
    }
}

impl Memo {
    fn find(&self, key: &Key<'_>) -> Option<&Entry> {
        self.by_hash.get(&key.hash)?.iter().find(|e| e.is(key))
    }

    /// Keeps `atoms` for `key`, then evicts the oldest entries until at most `capacity` bytes
    /// are kept. Returns false (keeping nothing) for an entry larger than `capacity / 16`.
    fn insert(&mut self, key: &Key<'_>, atoms: &[Atom], capacity: usize) -> bool {
        let bytes = std::mem::size_of::<Entry>()
            + key.patterns.iter().map(|p| p.len() + std::mem::size_of::<String>()).sum::<usize>()
            + key.universe.len()
            + atoms
                .iter()
                .map(|a| {
                    std::mem::size_of::<Atom>() + a.witness.len() + a.matched.len().div_ceil(8)
                })
                .sum::<usize>();
        if bytes > capacity / 16 || self.find(key).is_some() {
            return false;
        }
        let serial = self.next_serial;
        self.next_serial += 1;
        self.by_hash.entry(key.hash).or_default().push(Entry {
            serial,
            patterns: key.patterns.to_vec(),
            universe: key.universe.to_string(),
            figures: key.figures,
            atoms: atoms.to_vec(),
            bytes,
        });
        self.order.push_back((key.hash, serial));
        self.bytes += bytes;
        while self.bytes > capacity {
            let Some((hash, serial)) = self.order.pop_front() else { break };
            if let Some(bucket) = self.by_hash.get_mut(&hash) {
                if let Some(at) = bucket.iter().position(|e| e.serial == serial) {
                    let gone = bucket.swap_remove(at);
                    self.bytes = self.bytes.saturating_sub(gone.bytes);
                }
                if bucket.is_empty() {
                    self.by_hash.remove(&hash);
                }
            }
        }
        true
    }
}

/// The memo, also after a thread panicked holding the lock (entries are only ever complete).
fn lock() -> MutexGuard<'static, Option<Memo>> {
    MEMO.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The kept atoms of this computation, if any.
pub(super) fn get(key: &Key<'_>) -> Option<Vec<Atom>> {
    lock().as_ref()?.find(key).map(|e| e.atoms.clone())
}

/// Keeps the atoms of this computation (evicting the oldest entries past the capacity).
pub(super) fn put(key: &Key<'_>, atoms: &[Atom]) {
    lock().get_or_insert_with(Memo::default).insert(key, atoms, CAPACITY_BYTES);
}

#[cfg(test)]
mod tests {
    use super::*;
    use fixedbitset::FixedBitSet;

    fn atom(witness: &str) -> Atom {
        Atom { witness: witness.to_string(), matched: FixedBitSet::with_capacity(3) }
    }

    #[test]
    fn entries_are_found_by_every_input_and_the_oldest_go_first() {
        let patterns: Vec<String> = vec!["a".into(), "b.*".into()];
        let budget = AtomBudget::default();
        let key = Key::new(&patterns, "[ab]+", &budget);
        let mut memo = Memo::default();
        let capacity = 64 << 10;
        assert!(memo.insert(&key, &[atom("a"), atom("ba")], capacity));
        assert!(!memo.insert(&key, &[atom("a")], capacity), "kept twice");
        assert_eq!(memo.find(&key).map(|e| e.atoms.len()), Some(2));
        // Another universe, another budget figure, other patterns: other computations.
        assert!(memo.find(&Key::new(&patterns, "[ab]*", &budget)).is_none());
        let smaller = AtomBudget { max_nodes: 10, ..AtomBudget::default() };
        assert!(memo.find(&Key::new(&patterns, "[ab]+", &smaller)).is_none());
        assert!(memo.find(&Key::new(&patterns[..1], "[ab]+", &budget)).is_none());
        // The deadline is no part of the key.
        let deadline = Some((std::time::Instant::now(), std::time::Duration::ZERO));
        let timed = AtomBudget { deadline, ..AtomBudget::default() };
        assert!(memo.find(&Key::new(&patterns, "[ab]+", &timed)).is_some());
        // Filling the memo evicts the first entry, and keeps the bytes under the capacity.
        let others: Vec<Vec<String>> = (0..1000).map(|i| vec![format!("x{i}")]).collect();
        for p in &others {
            memo.insert(&Key::new(p, "x[0-9]+", &budget), &[atom("x1")], capacity);
        }
        assert!(memo.find(&key).is_none());
        assert!(memo.bytes <= capacity && memo.bytes > 0);
        assert_eq!(memo.order.len(), memo.by_hash.values().map(Vec::len).sum::<usize>());
        let last = others.last().map(|p| Key::new(p, "x[0-9]+", &budget));
        assert!(last.is_some_and(|k| memo.find(&k).is_some()));
        // An entry larger than a sixteenth of the capacity is not kept.
        let huge = vec!["y".repeat(capacity / 8)];
        assert!(!memo.insert(&Key::new(&huge, "y+", &budget), &[atom("y")], capacity));
    }
}
