//! Atoms of one field (stub: being written).

use fixedbitset::FixedBitSet;

/// Budgets for one atom computation.
#[derive(Clone, Debug)]
pub struct AtomBudget {
    /// Lazy DFA cache capacity in bytes.
    pub cache_bytes: usize,
    /// Maximum BFS nodes.
    pub max_nodes: usize,
    /// Maximum atoms.
    pub max_atoms: usize,
}

impl Default for AtomBudget {
    fn default() -> Self {
        AtomBudget { cache_bytes: 64 << 20, max_nodes: 2_000_000, max_atoms: 200_000 }
    }
}

/// One atom: a witness string and the set of patterns it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atom {
    /// The most readable shortest string of the atom.
    pub witness: String,
    /// Bit i set iff pattern i matches every string of the atom.
    pub matched: FixedBitSet,
}

/// Why atoms could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtomError {
    /// Human readable reason.
    pub message: String,
}

/// Computes the atoms of `patterns` within `universe` (all regexes, matched anchored).
///
/// # Errors
/// When a budget is exceeded or a pattern does not compile.
pub fn atoms(_patterns: &[String], _universe: &str, _budget: &AtomBudget) -> Result<Vec<Atom>, AtomError> {
    Err(AtomError { message: "not yet".into() })
}
