//! Atoms without an automaton, for the common case: every pattern is a literal or a literal
//! prefix followed by `*`, and the universe is a fixed prefix followed by one or more bytes of
//! a small ASCII class (an action service: `s3:` then `[a-z0-9_-]+`).
//!
//! Write `t` for the part of a value after the universe's prefix (its *tail*), and likewise
//! for a pattern's text. A tail matches literal `l` iff `t = l`, and prefix `p*` iff `p` is a
//! prefix of `t`. The prefixes matched by `t` form a chain, so a value's pattern set is fixed
//! by whether it is a literal and by the longest prefix it extends. The atoms are therefore:
//! - each literal `l` in the universe, with the prefixes of `l`;
//! - for the root (no prefix) and for each prefix `r`, the values extending `r` that extend no
//!   longer prefix and are no literal, when there are any, with the prefixes of `r`.
//!
//! Each atom's witness is its least string by (length, readability), found by a depth-first
//! walk of the patterns' tails per length; a region has a member of length at most the
//! longest tail plus one, if it has one at all (cut a longer member there). The result is the
//! same list [`super::atoms`] returns for the translated regexes, in the same order; the
//! property test `literal_atoms_equal_the_automaton` checks it.

use fixedbitset::FixedBitSet;

use super::fxhash::FxHashMap;
use super::{memo, utf8, Atom, AtomBudget, AtomError, Budget};

/// A pattern of the fast path, written in full (universe prefix included, lower-cased as the
/// field is).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Exactly this string.
    Literal(String),
    /// This string followed by anything the universe allows.
    Prefix(String),
}

impl Shape {
    /// The string written (the literal, or the prefix without its `*`).
    pub fn text(&self) -> &str {
        match self {
            Shape::Literal(t) | Shape::Prefix(t) => t,
        }
    }
}

/// A universe `prefix` · `class`+, with `class` a set of ASCII bytes.
#[derive(Clone, Copy, Debug)]
pub struct TailUniverse<'a> {
    /// The prefix every value has (`s3:`).
    pub prefix: &'a str,
    /// The bytes a tail is made of (at least one).
    pub class: &'a [u8],
}

/// The atoms of `shapes` within `universe`: the same list [`super::atoms`] gives for their
/// regexes (a [`Shape::Prefix`]'s `*` may be any regex run that contains `universe.class`).
/// Every shape must begin with `universe.prefix`.
///
/// # Errors
/// When there are more atoms than `budget.max_atoms`, or on a misuse: a class that is empty
/// or not ASCII, or a shape without the prefix.
pub fn literal_atoms(
    shapes: &[Shape],
    universe: &TailUniverse<'_>,
    budget: &AtomBudget,
) -> Result<Vec<Atom>, AtomError> {
    memo::cached(memo::Inputs::Literal(shapes, *universe), budget, || {
        literal_atoms_fresh(shapes, universe, budget)
    })
}

/// [`literal_atoms`] computed now, without the memo.
pub(crate) fn literal_atoms_fresh(
    shapes: &[Shape],
    universe: &TailUniverse<'_>,
    budget: &AtomBudget,
) -> Result<Vec<Atom>, AtomError> {
    let walk = Walk::new(shapes, universe)?;
    let mut atoms: Vec<(Vec<u8>, FixedBitSet)> = Vec::new();
    let push = |atoms: &mut Vec<(Vec<u8>, FixedBitSet)>, tail: Vec<u8>, matched| {
        if atoms.len() >= budget.max_atoms {
            return Err(AtomError::exceeded(Budget::Atoms, budget.max_atoms));
        }
        atoms.push((tail, matched));
        Ok(())
    };
    for (tail, ids) in &walk.literals {
        if tail.is_empty() {
            continue;
        }
        let mut matched = walk.prefixes_of(tail, shapes.len());
        for &i in ids {
            matched.insert(i);
        }
        push(&mut atoms, tail.clone(), matched)?;
    }
    let roots = std::iter::once(None).chain(walk.prefixes.keys().map(Some));
    for region in roots {
        if let Some(tail) = walk.region_witness(region.map(Vec::as_slice)) {
            let matched = walk.prefixes_of(&tail, shapes.len());
            push(&mut atoms, tail, matched)?;
        }
    }
    let key = |tail: &[u8]| (tail.len(), tail.iter().map(|&b| utf8::rank(b)).collect::<Vec<_>>());
    atoms.sort_by_cached_key(|(tail, _)| key(tail));
    let mut out = Vec::with_capacity(atoms.len());
    for (tail, matched) in atoms {
        let tail = String::from_utf8(tail)
            .map_err(|_| AtomError::internal("a literal witness is not valid UTF-8"))?;
        out.push(Atom { witness: format!("{}{tail}", universe.prefix), matched });
    }
    Ok(out)
}

/// The patterns' tails, indexed for the walk.
struct Walk {
    /// The class in readability order.
    class: Vec<u8>,
    /// Literal tails within the universe → pattern ids.
    literals: FxHashMap<Vec<u8>, Vec<usize>>,
    /// Prefix tails within the universe → pattern ids.
    prefixes: FxHashMap<Vec<u8>, Vec<usize>>,
    /// Every tail above, sorted (to ask whether a string begins some tail).
    sorted: Vec<Vec<u8>>,
    /// The longest tail's length.
    longest: usize,
}

impl Walk {
    fn new(shapes: &[Shape], universe: &TailUniverse<'_>) -> Result<Walk, AtomError> {
        if universe.class.is_empty() || !universe.class.is_ascii() {
            return Err(AtomError::internal("a literal universe needs a non-empty ASCII class"));
        }
        let mut class = universe.class.to_vec();
        class.sort_by_key(|&b| utf8::rank(b));
        class.dedup();
        let mut walk = Walk {
            class,
            literals: FxHashMap::default(),
            prefixes: FxHashMap::default(),
            sorted: Vec::new(),
            longest: 0,
        };
        for (i, shape) in shapes.iter().enumerate() {
            let (text, map) = match shape {
                Shape::Literal(t) => (t, &mut walk.literals),
                Shape::Prefix(t) => (t, &mut walk.prefixes),
            };
            let Some(tail) = text.strip_prefix(universe.prefix) else {
                return Err(AtomError::internal("a literal pattern lacks the universe's prefix"));
            };
            // A tail outside the class matches no value of the universe: its bit stays clear.
            if tail.bytes().all(|b| universe.class.contains(&b)) {
                map.entry(tail.as_bytes().to_vec()).or_default().push(i);
            }
        }
        walk.sorted = walk.literals.keys().chain(walk.prefixes.keys()).cloned().collect();
        walk.sorted.sort_unstable();
        walk.sorted.dedup();
        walk.longest = walk.sorted.iter().map(Vec::len).max().unwrap_or(0);
        Ok(walk)
    }

    /// The prefix patterns `tail` extends (each prefix of `tail`, itself included).
    fn prefixes_of(&self, tail: &[u8], n: usize) -> FixedBitSet {
        let mut matched = FixedBitSet::with_capacity(n);
        for k in 0..=tail.len() {
            if let Some(ids) = tail.get(..k).and_then(|p| self.prefixes.get(p)) {
                for &i in ids {
                    matched.insert(i);
                }
            }
        }
        matched
    }

    /// Whether some tail begins with `x`.
    fn begins_a_tail(&self, x: &[u8]) -> bool {
        let at = self.sorted.partition_point(|t| t.as_slice() < x);
        self.sorted.get(at).is_some_and(|t| t.starts_with(x))
    }

    /// The least (length, readability) non-empty tail that extends `region` (the empty string
    /// for the root, `None`), extends no longer prefix (for the root: no prefix at all) and is
    /// no literal.
    fn region_witness(&self, region: Option<&[u8]>) -> Option<Vec<u8>> {
        let base = region.unwrap_or_default();
        let shortest = base.len().max(1);
        let longest = self.longest.saturating_add(1).max(shortest);
        (shortest..=longest).find_map(|length| {
            let mut x = base.to_vec();
            self.least(&mut x, length, region.map(<[u8]>::len)).then_some(x)
        })
    }

    /// Extends `x` to the least string of `length` bytes that is in the region (strings longer
    /// than `own`, or all when `own` is `None`, must not be prefix patterns); false if none.
    fn least(&self, x: &mut Vec<u8>, length: usize, own: Option<usize>) -> bool {
        let blocked_here = own.is_none_or(|own| x.len() > own);
        if blocked_here && self.prefixes.contains_key(x.as_slice()) {
            return false;
        }
        if x.len() >= length {
            return !self.literals.contains_key(x.as_slice());
        }
        if !self.begins_a_tail(x) {
            // No pattern lies beyond `x`: its least completion is in the region.
            let first = self.class.first().copied().unwrap_or(b'a');
            x.resize(length, first);
            return true;
        }
        for k in 0..self.class.len() {
            let Some(&c) = self.class.get(k) else { break };
            x.push(c);
            if self.least(x, length, own) {
                return true;
            }
            x.pop();
        }
        false
    }
}
