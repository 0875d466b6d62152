//! Interning a field's patterns and turning automaton atoms into
//! per-statement satisfaction bits.

use super::glob::Pattern;
use super::{AtomValue, FieldAtom};
use crate::automata::{atoms, AtomBudget, AtomError};
use crate::policy::Element;
use fixedbitset::FixedBitSet;
use std::collections::HashMap;

/// A reference to an interned pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatRef {
    All,
    Nothing,
    Id(usize),
}

impl PatRef {
    pub(crate) fn matches(self, matched: &FixedBitSet) -> bool {
        match self {
            PatRef::All => true,
            PatRef::Nothing => false,
            PatRef::Id(i) => matched.contains(i),
        }
    }
}

/// An element's constraint: some listed pattern matches (xor negated).
#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    negated: bool,
    refs: Vec<PatRef>,
}

impl Constraint {
    pub(crate) fn nothing() -> Constraint {
        Constraint { negated: false, refs: Vec::new() }
    }

    pub(crate) fn holds(&self, matched: &FixedBitSet) -> bool {
        self.refs.iter().any(|r| r.matches(matched)) != self.negated
    }
}

/// Distinct regexes of one field.
#[derive(Debug, Default)]
pub(crate) struct PatternTable {
    regexes: Vec<String>,
    index: HashMap<String, usize>,
    /// Per pattern: the group it belongs to (a literal prefix, such as an
    /// action's service, that every value it matches has), if any.
    groups: Vec<Option<String>>,
    /// Patterns whose values are excluded from the field's domain.
    forbidden: Vec<PatRef>,
}

impl PatternTable {
    pub(crate) fn intern(&mut self, p: Pattern) -> PatRef {
        self.intern_in(p, None)
    }

    /// Interns a pattern that only matches values of `group`.
    pub(crate) fn intern_in(&mut self, p: Pattern, group: Option<String>) -> PatRef {
        match p {
            Pattern::All => PatRef::All,
            Pattern::Nothing => PatRef::Nothing,
            Pattern::Regex(r) => {
                if let Some(&i) = self.index.get(&r) {
                    return PatRef::Id(i);
                }
                let i = self.regexes.len();
                self.index.insert(r.clone(), i);
                self.regexes.push(r);
                self.groups.push(group);
                PatRef::Id(i)
            }
        }
    }

    /// Excludes the values of `patterns` from the field's domain.
    pub(crate) fn forbid(&mut self, patterns: &[Pattern]) {
        for p in patterns {
            let r = self.intern(p.clone());
            self.forbidden.push(r);
        }
    }

    pub(crate) fn element<T>(
        &mut self,
        el: &Element<T>,
        mut translate: impl FnMut(&T) -> Pattern,
    ) -> Constraint {
        self.grouped_element(el, |v| (translate(v), None))
    }

    /// Like [`PatternTable::element`], each pattern with its group.
    pub(crate) fn grouped_element<T>(
        &mut self,
        el: &Element<T>,
        mut translate: impl FnMut(&T) -> (Pattern, Option<String>),
    ) -> Constraint {
        let refs = el
            .values
            .iter()
            .map(|v| {
                let (p, g) = translate(v);
                self.intern_in(p, g)
            })
            .collect();
        Constraint { negated: el.negated, refs }
    }

    /// The atoms of this table's patterns within `universe`: (witness,
    /// matched pattern set) pairs.
    pub(crate) fn raw_atoms(
        &self,
        universe: &str,
        budget: &AtomBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, AtomError> {
        let all: Vec<usize> = (0..self.regexes.len()).collect();
        self.atoms_of(&all, universe, &[], budget)
    }

    /// The atoms, computed per group: the values of a group are matched
    /// only by the group's patterns and the ungrouped ones, so each group
    /// gets a small automaton (`universe.group(g)`), and the values of no
    /// group one more (`universe.rest`, minus every group's prefix). Exact:
    /// the groups partition the universe.
    pub(crate) fn grouped_atoms(
        &self,
        universe: &Grouping<'_>,
        budget: &AtomBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, AtomError> {
        let mut members: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        let mut global = Vec::new();
        for (i, g) in self.groups.iter().enumerate() {
            match g {
                Some(g) => members.entry(g.as_str()).or_default().push(i),
                None => global.push(i),
            }
        }
        let excluded: Vec<String> = members.keys().map(|g| (universe.prefix)(g)).collect();
        let mut out = self.atoms_of(&global, universe.rest, &excluded, budget)?;
        for (g, ids) in &members {
            let ids: Vec<usize> = ids.iter().chain(&global).copied().collect();
            out.extend(self.atoms_of(&ids, &(universe.group)(g), &[], budget)?);
        }
        Ok(out)
    }

    /// Atoms of the patterns `ids` within `universe` minus `excluded`,
    /// with `matched` over all of the table's patterns, without the
    /// forbidden values.
    fn atoms_of(
        &self,
        ids: &[usize],
        universe: &str,
        excluded: &[String],
        budget: &AtomBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, AtomError> {
        let mut regexes: Vec<String> =
            ids.iter().filter_map(|&i| self.regexes.get(i).cloned()).collect();
        regexes.extend(excluded.iter().cloned());
        let n = self.regexes.len();
        let mut out = Vec::new();
        for a in atoms(&regexes, universe, budget)? {
            if (ids.len()..regexes.len()).any(|j| a.matched.contains(j)) {
                continue;
            }
            let mut matched = FixedBitSet::with_capacity(n);
            for (j, &i) in ids.iter().enumerate() {
                matched.set(i, a.matched.contains(j));
            }
            if !self.forbidden.iter().any(|r| r.matches(&matched)) {
                out.push((a.witness, matched));
            }
        }
        Ok(out)
    }

    /// The field's atoms: one per distinct satisfaction vector over the
    /// statements (`None` = the statement does not constrain this field).
    pub(crate) fn field_atoms(
        &self,
        universe: &Grouping<'_>,
        constraints: &[Option<Constraint>],
        budget: &AtomBudget,
    ) -> Result<Vec<FieldAtom>, AtomError> {
        let raw = self.grouped_atoms(universe, budget)?;
        let atoms = raw.into_iter().map(|(witness, matched)| {
            let mut sat = FixedBitSet::with_capacity(constraints.len());
            for (s, c) in constraints.iter().enumerate() {
                sat.set(s, c.as_ref().is_none_or(|c| c.holds(&matched)));
            }
            FieldAtom { value: AtomValue::Str(witness), sat }
        });
        Ok(dedup(atoms))
    }
}

/// How a field's universe splits into groups (see
/// [`PatternTable::grouped_atoms`]).
pub(crate) struct Grouping<'a> {
    /// The whole universe.
    pub(crate) rest: &'a str,
    /// The universe of one group.
    pub(crate) group: &'a dyn Fn(&str) -> String,
    /// A pattern of every value of one group (to exclude it from the rest).
    pub(crate) prefix: &'a dyn Fn(&str) -> String,
}

impl Grouping<'_> {
    /// No groups: one automaton over `universe`.
    pub(crate) fn single(universe: &str) -> Grouping<'_> {
        Grouping { rest: universe, group: &|_| String::new(), prefix: &|_| String::new() }
    }
}

impl std::fmt::Debug for Grouping<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grouping").field("rest", &self.rest).finish_non_exhaustive()
    }
}

/// Keeps the first atom of each satisfaction vector.
pub(crate) fn dedup(atoms: impl IntoIterator<Item = FieldAtom>) -> Vec<FieldAtom> {
    let mut seen = std::collections::HashSet::new();
    atoms.into_iter().filter(|a| seen.insert(a.sat.clone())).collect()
}
