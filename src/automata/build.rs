//! Compiling the patterns and the universe into lazy DFAs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex_automata::hybrid::dfa::{Builder, Cache, Config, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::syntax;
use regex_automata::MatchKind;
use regex_syntax::hir::Hir;

use super::factor;
use super::{AtomBudget, AtomError, Budget, NFA_SIZE_LIMIT};

/// The two lazy DFAs of one atom computation, searched in product.
///
/// The universe is kept out of the patterns' DFA: each DFA then determinizes its own, smaller
/// subsets (a product DFA would determinize every pair again), and a node whose patterns'
/// state is dead can only show the empty pattern set.
#[derive(Debug)]
pub(super) struct Automata {
    /// All patterns (a pattern that never matches when there are none).
    pub(super) main: DFA,
    /// The universe alone (shared by the computations of one thread over the same universe).
    pub(super) universe: Rc<DFA>,
    /// The universe's key in the thread's [`UNIVERSES`].
    universe_key: (String, usize),
    /// Number of caller patterns.
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
        if hirs.is_empty() {
            hirs.push(Hir::fail());
        }
        let main = lazy_dfa(&hirs, budget)?;
        let universe_key = (universe.to_string(), budget.cache_bytes);
        let known = UNIVERSES.with(|u| u.borrow().get(&universe_key).map(|(dfa, _)| dfa.clone()));
        let universe = match known {
            Some(dfa) => dfa,
            None => {
                let hir = parse(universe).map_err(|e| AtomError::pattern(None, &e))?;
                let dfa = Rc::new(lazy_dfa(&[hir], budget)?);
                UNIVERSES.with(|u| {
                    let mut u = u.borrow_mut();
                    if u.len() >= MAX_UNIVERSES {
                        u.clear();
                    }
                    u.insert(universe_key.clone(), (dfa.clone(), None));
                });
                dfa
            }
        };
        Ok(Automata { main, universe, universe_key, patterns: patterns.len() })
    }

    /// The cache of [`Automata::universe`] the thread's last computation over this universe
    /// left, if any (its states stay valid: the DFA is the same).
    pub(super) fn kept_universe_cache(&self) -> Option<Cache> {
        UNIVERSES.with(|u| {
            u.borrow_mut().get_mut(&self.universe_key).and_then(|(_, cache)| cache.take())
        })
    }

    /// Keeps `cache` for the next computation over the same universe, unless it holds more
    /// than [`KEPT_CACHE_BYTES`] or a quarter of its budget.
    pub(super) fn keep_universe_cache(&self, cache: Cache) {
        if cache.memory_usage() > KEPT_CACHE_BYTES.min(self.universe_key.1 / 4) {
            return;
        }
        UNIVERSES.with(|u| {
            if let Some((dfa, slot)) = u.borrow_mut().get_mut(&self.universe_key) {
                if Rc::ptr_eq(dfa, &self.universe) {
                    *slot = Some(cache);
                }
            }
        });
    }
}

/// At most this many universes are kept per thread (then all are dropped).
const MAX_UNIVERSES: usize = 128;

/// A universe's cache is kept only up to this size (so a thread keeps at most 64 MB; a
/// service's universe takes about 50 KB).
const KEPT_CACHE_BYTES: usize = 512 << 10;

/// A compiled universe and the cache its last computation left.
type KeptUniverse = (Rc<DFA>, Option<Cache>);

thread_local! {
    /// The universes compiled on this thread, by (regex, cache budget): the same few
    /// universes (a service's actions or ARNs) come back in every check, so each is parsed,
    /// compiled and determinized once per thread. A lazy DFA's answers do not depend on its
    /// cache, so the atoms are the same as with a new one.
    static UNIVERSES: RefCell<HashMap<(String, usize), KeptUniverse>> = RefCell::new(HashMap::new());
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
