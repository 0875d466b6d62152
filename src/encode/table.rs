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
    /// Patterns whose values are excluded from the field's domain.
    forbidden: Vec<PatRef>,
}

impl PatternTable {
    pub(crate) fn intern(&mut self, p: Pattern) -> PatRef {
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
        let refs = el.values.iter().map(|v| self.intern(translate(v))).collect();
        Constraint { negated: el.negated, refs }
    }

    /// The atoms of this table's patterns within `universe`: (witness,
    /// matched pattern set) pairs.
    pub(crate) fn raw_atoms(
        &self,
        universe: &str,
        budget: &AtomBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, AtomError> {
        Ok(atoms(&self.regexes, universe, budget)?
            .into_iter()
            .filter(|a| !self.forbidden.iter().any(|r| r.matches(&a.matched)))
            .map(|a| (a.witness, a.matched))
            .collect())
    }

    /// The field's atoms: one per distinct satisfaction vector over the
    /// statements (`None` = the statement does not constrain this field).
    pub(crate) fn field_atoms(
        &self,
        universe: &str,
        constraints: &[Option<Constraint>],
        budget: &AtomBudget,
    ) -> Result<Vec<FieldAtom>, AtomError> {
        let raw = self.raw_atoms(universe, budget)?;
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

/// Keeps the first atom of each satisfaction vector.
pub(crate) fn dedup(atoms: impl IntoIterator<Item = FieldAtom>) -> Vec<FieldAtom> {
    let mut seen = std::collections::HashSet::new();
    atoms.into_iter().filter(|a| seen.insert(a.sat.clone())).collect()
}
