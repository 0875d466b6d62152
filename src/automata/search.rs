//! The breadth-first search over (DFA state, UTF-8 decoder state) that finds every atom.
//!
//! Nodes are stored in discovery order in one vector, which is also the FIFO queue; each node
//! keeps its parent and the byte that reached it, so witnesses are rebuilt from the tree.
//! Edges are tried in readability order (see [`utf8::edge_table`]), so the first path found
//! to a node is its shortest, then most readable, path, and the first node that shows a
//! pattern set gives the best witness of that atom.

use fixedbitset::FixedBitSet;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::{CacheError, LazyStateID, StartError};
use regex_automata::util::start;
use regex_automata::Anchored;

use super::build::Automata;
use super::fxhash::{FxHashMap, FxHashSet};
use super::utf8::{self, Edge};
use super::{Atom, AtomBudget, AtomError, AtomErrorKind, Budget};

/// Parent of the root node.
const ROOT: u32 = u32::MAX;

/// One search node.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// State of the patterns' DFA.
    state: LazyStateID,
    /// State of the universe's DFA.
    universe: LazyStateID,
    /// Index of the parent node, or [`ROOT`].
    parent: u32,
    /// The byte from the parent.
    byte: u8,
    /// UTF-8 decoder state.
    decoder: u8,
}

/// Mutable state of one search.
struct Search<'a> {
    automata: &'a Automata,
    budget: &'a AtomBudget,
    main_cache: Cache,
    universe_cache: Cache,
    edges: Vec<Vec<Edge>>,
    nodes: Vec<Node>,
    visited: FxHashSet<(LazyStateID, LazyStateID, u8)>,
    /// EOI states of the patterns' DFA already classified (within the universe).
    seen_eoi: FxHashSet<LazyStateID>,
    /// Whether the empty pattern set is an atom already: then a node whose patterns' state is
    /// dead, which can show no other set, is not kept.
    empty_found: bool,
    /// The pattern sets of `atoms`.
    atom_ids: FxHashSet<FixedBitSet>,
    atoms: Vec<Atom>,
}

/// Runs the search and returns every atom in discovery order.
///
/// The universe's DFA starts with the cache an earlier computation left, when there is one; if
/// that cache fills up, the search runs again with a new one, so the budget means what it
/// means for a computation alone.
pub(super) fn run(automata: &Automata, budget: &AtomBudget) -> Result<Vec<Atom>, AtomError> {
    let Some(kept) = automata.kept_universe_cache() else {
        return run_with(automata, budget, automata.universe.create_cache());
    };
    match run_with(automata, budget, kept) {
        Err(e)
            if e.kind
                == (AtomErrorKind::Exceeded {
                    what: Budget::CacheBytes,
                    limit: budget.cache_bytes,
                }) =>
        {
            run_with(automata, budget, automata.universe.create_cache())
        }
        other => other,
    }
}

/// [`run`] with this cache for the universe's DFA.
fn run_with(
    automata: &Automata,
    budget: &AtomBudget,
    universe_cache: Cache,
) -> Result<Vec<Atom>, AtomError> {
    // Bytes are alike when both DFAs put them in the same class.
    let (main_classes, universe_classes) =
        (automata.main.byte_classes(), automata.universe.byte_classes());
    let mut ids: FxHashMap<(u8, u8), u8> = FxHashMap::default();
    let mut class_of = [0u8; 256];
    for (b, slot) in (0..=u8::MAX).zip(class_of.iter_mut()) {
        let pair = (main_classes.get(b), universe_classes.get(b));
        let next = u8::try_from(ids.len()).unwrap_or(u8::MAX);
        *slot = *ids.entry(pair).or_insert(next);
    }
    let mut search = Search {
        automata,
        budget,
        main_cache: automata.main.create_cache(),
        universe_cache,
        edges: utf8::edge_table(|b| class_of.get(usize::from(b)).copied().unwrap_or(0)),
        nodes: Vec::new(),
        visited: FxHashSet::default(),
        seen_eoi: FxHashSet::default(),
        empty_found: false,
        atom_ids: FxHashSet::default(),
        atoms: Vec::new(),
    };
    search.push_root()?;
    // Once every set of patterns is an atom, no node can show a new one: stop (the atoms and
    // their witnesses are those the whole search would give).
    let most = u32::try_from(automata.patterns).ok().and_then(|k| 1usize.checked_shl(k));
    let mut next = 0;
    while let Some(&node) = search.nodes.get(next) {
        if most == Some(search.atoms.len()) {
            break;
        }
        search.expand(next, node)?;
        next += 1;
    }
    automata.keep_universe_cache(search.universe_cache);
    Ok(search.atoms)
}

impl Search<'_> {
    fn cache_error(&self) -> AtomError {
        AtomError::exceeded(Budget::CacheBytes, self.budget.cache_bytes)
    }

    fn start_error(&self, e: StartError) -> AtomError {
        match e {
            StartError::Cache { .. } => self.cache_error(),
            other => AtomError::internal(&format!("no anchored start state: {other}")),
        }
    }

    fn push_root(&mut self) -> Result<(), AtomError> {
        let config = start::Config::new().anchored(Anchored::Yes);
        let main = &self.automata.main;
        let state =
            main.start_state(&mut self.main_cache, &config).map_err(|e| self.start_error(e))?;
        let universe = self
            .automata
            .universe
            .start_state(&mut self.universe_cache, &config)
            .map_err(|e| self.start_error(e))?;
        if universe.is_dead() {
            return Ok(());
        }
        self.visited.insert((state, universe, utf8::BOUNDARY));
        self.nodes.push(Node { state, universe, parent: ROOT, byte: 0, decoder: utf8::BOUNDARY });
        Ok(())
    }

    /// Classifies node `index` if it ends a valid string, then discovers its successors.
    fn expand(&mut self, index: usize, node: Node) -> Result<(), AtomError> {
        if node.decoder == utf8::BOUNDARY {
            self.classify(index, node)?;
        }
        let edge_count = self.edges.get(usize::from(node.decoder)).map_or(0, Vec::len);
        for k in 0..edge_count {
            if let Some(&edge) = self.edges.get(usize::from(node.decoder)).and_then(|e| e.get(k)) {
                self.follow(index, node, edge)?;
            }
        }
        Ok(())
    }

    /// Follows one edge from node `index`, adding the successor node if it is new and live.
    fn follow(&mut self, index: usize, node: Node, edge: Edge) -> Result<(), AtomError> {
        let map = |_: CacheError| AtomError::exceeded(Budget::CacheBytes, self.budget.cache_bytes);
        let state = if node.state.is_dead() {
            node.state
        } else {
            self.automata
                .main
                .next_state(&mut self.main_cache, node.state, edge.byte)
                .map_err(map)?
        };
        if state.is_quit() {
            return Err(AtomError::internal("the lazy DFA quit on a byte"));
        }
        // No pattern can match an extension: only the empty set, once found, is left.
        if state.is_dead() && self.empty_found {
            return Ok(());
        }
        let universe = self
            .automata
            .universe
            .next_state(&mut self.universe_cache, node.universe, edge.byte)
            .map_err(map)?;
        // No extension of this string is in the universe.
        if universe.is_dead() {
            return Ok(());
        }
        if universe.is_quit() {
            return Err(AtomError::internal("the lazy DFA quit on a byte"));
        }
        if !self.visited.insert((state, universe, edge.next)) {
            return Ok(());
        }
        if self.nodes.len() >= self.budget.max_nodes {
            return Err(AtomError::exceeded(Budget::SearchNodes, self.budget.max_nodes));
        }
        if let Some((deadline, limit)) = self.budget.deadline {
            if self.nodes.len() % 4096 == 0 && std::time::Instant::now() > deadline {
                let ms = usize::try_from(limit.as_millis()).unwrap_or(usize::MAX);
                return Err(AtomError::exceeded(Budget::Time, ms));
            }
        }
        let parent = u32::try_from(index)
            .ok()
            .filter(|&p| p != ROOT)
            .ok_or_else(|| AtomError::exceeded(Budget::SearchNodes, self.budget.max_nodes))?;
        self.nodes.push(Node { state, universe, parent, byte: edge.byte, decoder: edge.next });
        Ok(())
    }

    /// Reads the pattern set of the strings ending at `node` (node `index`), and records a new
    /// atom if they are in the universe and the set is new.
    fn classify(&mut self, index: usize, node: Node) -> Result<(), AtomError> {
        let in_universe = self
            .automata
            .universe
            .next_eoi_state(&mut self.universe_cache, node.universe)
            .map_err(|_| self.cache_error())?
            .is_match();
        if !in_universe {
            return Ok(());
        }
        let main: &DFA = &self.automata.main;
        let eoi = if node.state.is_dead() {
            node.state
        } else {
            main.next_eoi_state(&mut self.main_cache, node.state).map_err(|_| self.cache_error())?
        };
        if !self.seen_eoi.insert(eoi) {
            return Ok(());
        }
        let count = self.automata.patterns;
        let mut matched = FixedBitSet::with_capacity(count);
        if eoi.is_match() {
            for i in 0..main.match_len(&self.main_cache, eoi) {
                let pattern = main.match_pattern(&self.main_cache, eoi, i).as_usize();
                if pattern < count {
                    matched.insert(pattern);
                }
            }
        }
        if self.atom_ids.contains(&matched) {
            return Ok(());
        }
        if self.atoms.len() >= self.budget.max_atoms {
            return Err(AtomError::exceeded(Budget::Atoms, self.budget.max_atoms));
        }
        let witness = self.witness(index)?;
        self.empty_found |= matched.is_clear();
        self.atom_ids.insert(matched.clone());
        self.atoms.push(Atom { witness, matched });
        Ok(())
    }

    /// The string that reaches node `index` in the search tree.
    fn witness(&self, index: usize) -> Result<String, AtomError> {
        let mut bytes = Vec::new();
        let mut at = index;
        while let Some(node) = self.nodes.get(at) {
            if node.parent == ROOT {
                break;
            }
            bytes.push(node.byte);
            at = node.parent as usize;
        }
        bytes.reverse();
        String::from_utf8(bytes).map_err(|_| AtomError::internal("a witness is not valid UTF-8"))
    }
}
