//! Atoms computed before, kept for the computations that ask again.
//!
//! In a batch, the same computation comes back again and again: both directions of a version
//! pair, consecutive pairs that share a version, and a policy's unchanged services from one
//! version to the next give the same patterns within the same universe (in the first 1,000
//! managed-policy pairs, 93 % of the computations repeat an earlier one, and they take 89 % of
//! the atom time). [`super::atoms`] is a function of its patterns, its universe and its budget
//! figures (a lazy DFA's answers do not depend on its cache, and the search is deterministic),
//! and so is [`super::literal_atoms`] of its shapes and universe, so a kept answer is exactly
//! the one a new computation gives; only successes are kept (a failure may depend on the
//! deadline).
//!
//! Kept process-wide (the worker threads of a batch share it), bounded in bytes, the oldest
//! entry first out. Two threads that miss on the same computation at once both compute it;
//! the answers are equal, one is kept.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::fxhash::{FxBuild, FxHashMap};
use super::{Atom, AtomBudget, AtomError, Shape, TailUniverse};

/// At most this many bytes (patterns, universe and atoms, roughly) are kept; an entry larger
/// than a sixteenth of it is not (so one huge computation does not flush the rest).
const CAPACITY_BYTES: usize = 12 << 20;

/// The budget figures an answer depends on (the deadline only decides whether one comes).
type Figures = (usize, usize, usize);

fn figures(budget: &AtomBudget) -> Figures {
    (budget.cache_bytes, budget.max_nodes, budget.max_atoms)
}

/// What a computation reads besides its budget.
#[derive(Clone, Copy, Debug)]
pub(super) enum Inputs<'a> {
    /// [`super::atoms`]'s patterns and universe.
    Regexes(&'a [String], &'a str),
    /// [`super::literal_atoms`]'s shapes and universe.
    Literal(&'a [Shape], TailUniverse<'a>),
}

/// [`Inputs`], kept.
#[derive(Debug)]
enum Kept {
    Regexes(Vec<String>, String),
    Literal(Vec<Shape>, String, Vec<u8>),
}

impl Inputs<'_> {
    fn keep(&self) -> Kept {
        match *self {
            Inputs::Regexes(patterns, universe) => {
                Kept::Regexes(patterns.to_vec(), universe.into())
            }
            Inputs::Literal(shapes, u) => {
                Kept::Literal(shapes.to_vec(), u.prefix.into(), u.class.into())
            }
        }
    }

    fn is(&self, kept: &Kept) -> bool {
        match (*self, kept) {
            (Inputs::Regexes(p, u), Kept::Regexes(kp, ku)) => u == ku && p == kp.as_slice(),
            (Inputs::Literal(s, u), Kept::Literal(ks, kprefix, kclass)) => {
                u.prefix == kprefix && u.class == kclass.as_slice() && s == ks.as_slice()
            }
            _ => false,
        }
    }

    /// Roughly the bytes the kept inputs take.
    fn bytes(&self) -> usize {
        let strings = |texts: &mut dyn Iterator<Item = &str>| {
            texts.map(|t| t.len() + std::mem::size_of::<String>()).sum::<usize>()
        };
        match *self {
            Inputs::Regexes(patterns, universe) => {
                strings(&mut patterns.iter().map(String::as_str)) + universe.len()
            }
            Inputs::Literal(shapes, u) => {
                strings(&mut shapes.iter().map(Shape::text)) + u.prefix.len() + u.class.len()
            }
        }
    }

    fn hash(&self, h: &mut impl Hasher) {
        match *self {
            Inputs::Regexes(patterns, universe) => {
                0u8.hash(h);
                patterns.hash(h);
                universe.hash(h);
            }
            Inputs::Literal(shapes, u) => {
                1u8.hash(h);
                shapes.hash(h);
                u.prefix.hash(h);
                u.class.hash(h);
            }
        }
    }
}

/// One kept computation.
#[derive(Debug)]
struct Entry {
    /// Insertion number (to find the entry again when it is evicted).
    serial: u64,
    inputs: Kept,
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
struct Key<'a> {
    inputs: Inputs<'a>,
    figures: Figures,
    hash: u64,
}

impl<'a> Key<'a> {
    fn new(inputs: Inputs<'a>, budget: &AtomBudget) -> Key<'a> {
        let figures = figures(budget);
        let mut h = FxBuild::default().build_hasher();
        inputs.hash(&mut h);
        figures.hash(&mut h);
        Key { inputs, figures, hash: h.finish() }
    }
}

impl Entry {
    fn is(&self, key: &Key<'_>) -> bool {
        self.figures == key.figures && key.inputs.is(&self.inputs)
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
            + key.inputs.bytes()
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
            inputs: key.inputs.keep(),
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

/// The atoms of the computation with these inputs: kept ones, or `compute`'s (then kept, if
/// it succeeds).
pub(super) fn cached(
    inputs: Inputs<'_>,
    budget: &AtomBudget,
    compute: impl FnOnce() -> Result<Vec<Atom>, AtomError>,
) -> Result<Vec<Atom>, AtomError> {
    let key = Key::new(inputs, budget);
    let kept = lock().as_ref().and_then(|memo| memo.find(&key)).map(|e| e.atoms.clone());
    if let Some(found) = kept {
        return Ok(found);
    }
    let found = compute()?;
    lock().get_or_insert_with(Memo::default).insert(&key, &found, CAPACITY_BYTES);
    Ok(found)
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
        let regexes = |p, u| Key::new(Inputs::Regexes(p, u), &budget);
        let key = regexes(&patterns, "[ab]+");
        let mut memo = Memo::default();
        let capacity = 64 << 10;
        assert!(memo.insert(&key, &[atom("a"), atom("ba")], capacity));
        assert!(!memo.insert(&key, &[atom("a")], capacity), "kept twice");
        assert_eq!(memo.find(&key).map(|e| e.atoms.len()), Some(2));
        // Another universe, another budget figure, other patterns: other computations.
        assert!(memo.find(&regexes(&patterns, "[ab]*")).is_none());
        let smaller = AtomBudget { max_nodes: 10, ..AtomBudget::default() };
        assert!(memo.find(&Key::new(Inputs::Regexes(&patterns, "[ab]+"), &smaller)).is_none());
        assert!(memo.find(&regexes(&patterns[..1], "[ab]+")).is_none());
        // Literal shapes are other computations, told apart by each input.
        let shapes = [Shape::Literal("s:a".into()), Shape::Prefix("s:b".into())];
        let literal = |shapes, prefix, class| {
            Key::new(Inputs::Literal(shapes, TailUniverse { prefix, class }), &budget)
        };
        assert!(memo.insert(&literal(&shapes, "s:", b"ab"), &[atom("s:a")], capacity));
        assert!(memo.find(&literal(&shapes, "s:", b"ab")).is_some());
        assert!(memo.find(&literal(&shapes, "s:", b"abc")).is_none());
        assert!(memo.find(&literal(&shapes, "t:", b"ab")).is_none());
        assert!(memo.find(&literal(&shapes[..1], "s:", b"ab")).is_none());
        // The deadline is no part of the key.
        let deadline = Some((std::time::Instant::now(), std::time::Duration::ZERO));
        let timed = AtomBudget { deadline, ..AtomBudget::default() };
        assert!(memo.find(&Key::new(Inputs::Regexes(&patterns, "[ab]+"), &timed)).is_some());
        // Filling the memo evicts the first entry, and keeps the bytes under the capacity.
        let others: Vec<Vec<String>> = (0..1000).map(|i| vec![format!("x{i}")]).collect();
        for p in &others {
            memo.insert(&regexes(p, "x[0-9]+"), &[atom("x1")], capacity);
        }
        assert!(memo.find(&key).is_none());
        assert!(memo.bytes <= capacity && memo.bytes > 0);
        assert_eq!(memo.order.len(), memo.by_hash.values().map(Vec::len).sum::<usize>());
        let last = others.last().map(|p| regexes(p, "x[0-9]+"));
        assert!(last.is_some_and(|k| memo.find(&k).is_some()));
        // An entry larger than a sixteenth of the capacity is not kept.
        let huge = vec!["y".repeat(capacity / 8)];
        assert!(!memo.insert(&regexes(&huge, "y+"), &[atom("y")], capacity));
    }
}
