//! Atoms of one field: the partition of a field's domain by a set of patterns.
//!
//! Given patterns `p_0 … p_{n-1}` and a universe `U` (regexes, matched anchored at both ends),
//! an *atom* is a non-empty class of valid UTF-8 strings `w ∈ L(U)` that all match exactly the
//! same patterns. [`atoms`] returns every atom, each with its pattern set and a witness: the
//! shortest, then most readable, string of the atom.
//!
//! Each pattern's alternations are first factored (`factor`: `A[^:]*|B[^:]*` becomes
//! `(?:A|B)[^:]*`, the same language with one copy of each shared loop). It builds one
//! multi-pattern lazy DFA (`regex_automata::hybrid`) with `MatchKind::All` over
//! the patterns plus the universe, and runs a FIFO breadth-first search over pairs
//! (DFA state, UTF-8 decoder state). The result is exact: the search visits every reachable
//! state, or fails with an [`AtomError`] when a budget is hit. It never returns a partial list.

mod build;
mod factor;
pub(crate) mod fxhash;
mod literal;
mod memo;
mod search;
mod utf8;

#[cfg(test)]
mod tests;

use fixedbitset::FixedBitSet;

pub use literal::{literal_atoms, Shape, TailUniverse};

/// Budgets for one atom computation.
#[derive(Clone, Debug)]
pub struct AtomBudget {
    /// Lazy DFA cache capacity in bytes (for each of the two lazy DFAs: the patterns' and the
    /// universe's).
    pub cache_bytes: usize,
    /// Maximum BFS nodes, i.e. (DFA state, UTF-8 decoder state) pairs.
    pub max_nodes: usize,
    /// Maximum atoms.
    pub max_atoms: usize,
    /// A deadline (with the limit it came from, for the message): past it
    /// the computation stops with [`Budget::Time`]. Checked every 4,096
    /// nodes.
    pub deadline: Option<(std::time::Instant, std::time::Duration)>,
}

impl Default for AtomBudget {
    fn default() -> Self {
        AtomBudget {
            cache_bytes: 64 << 20,
            max_nodes: 2_000_000,
            max_atoms: 200_000,
            deadline: None,
        }
    }
}

/// Heap limit, in bytes, for the Thompson NFA of all patterns together.
pub const NFA_SIZE_LIMIT: usize = 256 << 20;

/// One atom: a witness string and the set of patterns it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atom {
    /// The most readable shortest string of the atom.
    pub witness: String,
    /// Bit i set iff pattern i matches every string of the atom.
    pub matched: FixedBitSet,
}

/// A budget that an atom computation can exceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    /// [`AtomBudget::max_nodes`].
    SearchNodes,
    /// [`AtomBudget::max_atoms`].
    Atoms,
    /// [`AtomBudget::cache_bytes`].
    CacheBytes,
    /// [`NFA_SIZE_LIMIT`].
    NfaBytes,
    /// [`AtomBudget::deadline`] (the limit in milliseconds).
    Time,
}

impl Budget {
    /// What the limit counts, in the plural ("search nodes").
    pub fn unit(self) -> &'static str {
        match self {
            Budget::SearchNodes => "search nodes",
            Budget::Atoms => "atoms",
            Budget::CacheBytes => "bytes of lazy DFA cache",
            Budget::NfaBytes => "bytes of NFA",
            Budget::Time => "milliseconds",
        }
    }
}

/// The kind of an [`AtomError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtomErrorKind {
    /// A budget was exceeded; the computation was abandoned.
    Exceeded {
        /// Which budget.
        what: Budget,
        /// Its limit.
        limit: usize,
    },
    /// A pattern (`Some(i)`) or the universe (`None`) does not compile.
    Pattern {
        /// Index of the pattern, or `None` for the universe.
        index: Option<usize>,
    },
    /// An unexpected failure of the automaton library (a bug, reported rather than panicking).
    Internal,
}

/// Why atoms could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtomError {
    /// What went wrong, machine readable.
    pub kind: AtomErrorKind,
    /// Human readable reason, lowercase, e.g.
    /// "the automaton exceeded its budget of 2000000 search nodes".
    pub message: String,
}

impl AtomError {
    /// A budget error.
    pub fn exceeded(what: Budget, limit: usize) -> AtomError {
        AtomError {
            kind: AtomErrorKind::Exceeded { what, limit },
            message: format!("the automaton exceeded its budget of {limit} {}", what.unit()),
        }
    }

    pub(crate) fn pattern(index: Option<usize>, detail: &str) -> AtomError {
        let which = match index {
            Some(i) => format!("pattern {i}"),
            None => "the universe".to_string(),
        };
        AtomError {
            kind: AtomErrorKind::Pattern { index },
            message: format!("{which} does not compile: {detail}"),
        }
    }

    pub(crate) fn internal(detail: &str) -> AtomError {
        AtomError {
            kind: AtomErrorKind::Internal,
            message: format!("internal automaton error: {detail}"),
        }
    }

    /// True iff a budget was exceeded (the question may be answerable with more resources).
    pub fn is_budget(&self) -> bool {
        matches!(self.kind, AtomErrorKind::Exceeded { .. })
    }

    /// The message with a field name, e.g. `describe("resource")` gives
    /// "the resource automaton exceeded its budget of 2000000 search nodes".
    pub fn describe(&self, field: &str) -> String {
        match &self.kind {
            AtomErrorKind::Exceeded { what, limit } => {
                format!("the {field} automaton exceeded its budget of {limit} {}", what.unit())
            }
            _ => format!("the {field} automaton failed: {}", self.message),
        }
    }
}

impl std::fmt::Display for AtomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AtomError {}

/// Computes the atoms of `patterns` within `universe` (all regexes, matched anchored).
///
/// Returns one [`Atom`] per distinct set `M` of pattern indices such that some valid UTF-8
/// string `w ∈ L(universe)` matches exactly the patterns in `M`; `matched` has length
/// `patterns.len()`. Atoms come in discovery order, which is the order of their witnesses
/// (shorter first, then more readable), and the output is deterministic.
///
/// Regexes use the `regex-syntax` dialect with Unicode on and `utf8(false)`, so byte classes
/// such as `(?s-u:.)` and `(?-u:[^:])` are allowed.
///
/// A computation asked before in this process (by any thread) is answered from memory
/// (`memo`): the same atoms, witnesses and order.
///
/// # Errors
/// When a budget of `budget` (or [`NFA_SIZE_LIMIT`]) is exceeded, or a regex does not compile.
/// Never returns a partial list.
pub fn atoms(
    patterns: &[String],
    universe: &str,
    budget: &AtomBudget,
) -> Result<Vec<Atom>, AtomError> {
    memo::cached(memo::Inputs::Regexes(patterns, universe), budget, || {
        atoms_fresh(patterns, universe, budget)
    })
}

/// [`atoms`] computed now, without the memo.
pub(crate) fn atoms_fresh(
    patterns: &[String],
    universe: &str,
    budget: &AtomBudget,
) -> Result<Vec<Atom>, AtomError> {
    let automata = build::Automata::new(patterns, universe, budget)?;
    search::run(&automata, budget)
}

/// [`atoms`] without factoring the alternations: the reference of the factoring's tests.
#[cfg(test)]
pub(crate) fn atoms_unfactored(
    patterns: &[String],
    universe: &str,
    budget: &AtomBudget,
) -> Result<Vec<Atom>, AtomError> {
    let automata = build::Automata::new_with(patterns, universe, budget, false)?;
    search::run(&automata, budget)
}
