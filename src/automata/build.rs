//! Compiling the patterns and the universe into lazy DFAs.

use regex_automata::hybrid::dfa::{Builder, Config, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::syntax;
use regex_automata::MatchKind;
use regex_syntax::hir::Hir;

use super::factor;
use super::{AtomBudget, AtomError, Budget, NFA_SIZE_LIMIT};

/// The two lazy DFAs of one atom computation.
#[derive(Debug)]
pub(super) struct Automata {
    /// All patterns, then the universe as pattern number `patterns`.
    pub(super) main: DFA,
    /// The universe alone, used to prune search nodes that can no longer reach it.
    pub(super) universe: DFA,
    /// Number of caller patterns (the universe's index in `main`).
    pub(super) patterns: usize,
}

impl Automata {
    /// Parses, factors ([`factor`]) and compiles `patterns` and `universe`.
    pub(super) fn new(
        patterns: &[String],
        universe: &str,
        budget: &AtomBudget,
    ) -> Result<Automata, AtomError> {
        Automata::new_with(patterns, universe, budget, true)
    }

    /// [`Automata::new`], with or without factoring the alternations (the same languages).
    pub(super) fn new_with(
        patterns: &[String],
        universe: &str,
        budget: &AtomBudget,
        factoring: bool,
    ) -> Result<Automata, AtomError> {
        let parse = |pattern: &str| {
            parse(pattern).map(|hir| if factoring { factor::factor(hir) } else { hir })
        };
        let mut hirs = Vec::with_capacity(patterns.len().saturating_add(1));
        for (i, pattern) in patterns.iter().enumerate() {
            hirs.push(parse(pattern).map_err(|e| AtomError::pattern(Some(i), &e))?);
        }
        let universe_hir = parse(universe).map_err(|e| AtomError::pattern(None, &e))?;
        hirs.push(universe_hir.clone());
        let main = lazy_dfa(&hirs, budget)?;
        let universe = lazy_dfa(&[universe_hir], budget)?;
        Ok(Automata { main, universe, patterns: patterns.len() })
    }
}

/// Parses one regex (unfactored) with the dialect of the module (Unicode, but byte classes allowed).
fn parse(pattern: &str) -> Result<Hir, String> {
    let config = syntax::Config::new().unicode(true).utf8(false);
    syntax::parse_with(pattern, &config).map_err(|e| e.to_string())
}

/// Builds a lazy DFA for `hirs` with `MatchKind::All` and a cache that fails when full.
fn lazy_dfa(hirs: &[Hir], budget: &AtomBudget) -> Result<DFA, AtomError> {
    let nfa_config = thompson::Config::new()
        .utf8(false)
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT));
    let nfa =
        thompson::Compiler::new().configure(nfa_config).build_many_from_hir(hirs).map_err(|e| {
            match e.size_limit() {
                Some(limit) => AtomError::exceeded(Budget::NfaBytes, limit),
                None => AtomError::internal(&format!("cannot build the NFA: {e}")),
            }
        })?;
    let config = Config::new()
        .match_kind(MatchKind::All)
        .cache_capacity(budget.cache_bytes)
        // A full cache must be an error: clearing it would invalidate the state IDs the search holds.
        .minimum_cache_clear_count(Some(0));
    let minimum = config
        .get_minimum_cache_capacity(&nfa)
        .map_err(|e| AtomError::internal(&format!("unsupported regex: {e}")))?;
    if minimum > budget.cache_bytes {
        return Err(AtomError::exceeded(Budget::CacheBytes, budget.cache_bytes));
    }
    Builder::new()
        .configure(config)
        .build_from_nfa(nfa)
        .map_err(|e| AtomError::internal(&format!("cannot build the lazy DFA: {e}")))
}
