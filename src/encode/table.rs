//! Interning a field's patterns and turning automaton atoms into
//! per-statement satisfaction bits.

use super::glob::Pattern;
use super::{AtomValue, FieldAtom};
use crate::automata::{atoms, literal_atoms, Atom, AtomBudget, AtomError, Shape, TailUniverse};
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

/// An element's constraint: some listed pattern matches (xor negated), and
/// no pattern of `except` does.
#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    negated: bool,
    refs: Vec<PatRef>,
    except: Vec<PatRef>,
}

impl Constraint {
    pub(crate) fn nothing() -> Constraint {
        Constraint { negated: false, refs: Vec::new(), except: Vec::new() }
    }

    /// The constraint, and none of the values `except` match.
    pub(crate) fn except(mut self, except: Vec<PatRef>) -> Constraint {
        self.except.extend(except);
        self
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
    /// Per pattern: its literal shape, when it is a literal or a literal prefix and `*`
    /// (groups of such patterns skip the automaton).
    shapes: Vec<Option<Shape>>,
    /// Patterns whose values are excluded from the field's domain.
    forbidden: Vec<PatRef>,
    /// Per pattern: its class for merging in [`PatternTable::atoms_of`]
    /// (empty: every pattern its own class).
    classes: Vec<usize>,
}

impl PatternTable {
    pub(crate) fn intern(&mut self, p: Pattern) -> PatRef {
        self.intern_in(p, None, None)
    }

    /// Interns a pattern that only matches values of `group`, with its literal shape if any
    /// (which must describe the same values as the regex).
    pub(crate) fn intern_in(
        &mut self,
        p: Pattern,
        group: Option<String>,
        shape: Option<Shape>,
    ) -> PatRef {
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
                self.shapes.push(shape);
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
        self.grouped_element(el, |v| (translate(v), None, None))
    }

    /// Like [`PatternTable::element`], each pattern with its group and literal shape.
    pub(crate) fn grouped_element<T>(
        &mut self,
        el: &Element<T>,
        mut translate: impl FnMut(&T) -> (Pattern, Option<String>, Option<Shape>),
    ) -> Constraint {
        let refs = el
            .values
            .iter()
            .map(|v| {
                let (p, g, shape) = translate(v);
                self.intern_in(p, g, shape)
            })
            .collect();
        Constraint { negated: el.negated, refs, except: Vec::new() }
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
        let mut out = match universe.outside {
            Some(outside) if global.is_empty() => {
                // No pattern is outside the groups: the rest is one atom, or none.
                let groups: Vec<&str> = members.keys().copied().collect();
                let found = outside(&groups)
                    .map(|witness| Atom { witness, matched: FixedBitSet::with_capacity(0) });
                self.lift(&[], 0, found.into_iter().collect())
            }
            _ => {
                let excluded: Vec<String> = members.keys().map(|g| (universe.prefix)(g)).collect();
                self.atoms_of(&global, universe.rest, &excluded, budget)?
            }
        };
        for (g, ids) in &members {
            let literal = match universe.tail {
                Some((prefix, class)) if global.is_empty() => {
                    self.literal_atoms_of(ids, &prefix(g), class, budget)?
                }
                _ => None,
            };
            match literal {
                Some(atoms) => out.extend(atoms),
                None => {
                    let ids: Vec<usize> = ids.iter().chain(&global).copied().collect();
                    out.extend(self.atoms_of(&ids, &(universe.group)(g), &[], budget)?);
                }
            }
        }
        Ok(out)
    }

    /// The atoms of the patterns `ids` within `prefix` · `class`+ without an automaton, when
    /// every one of them has a literal shape; `None` otherwise.
    fn literal_atoms_of(
        &self,
        ids: &[usize],
        prefix: &str,
        class: &[u8],
        budget: &AtomBudget,
    ) -> Result<Option<Vec<(String, FixedBitSet)>>, AtomError> {
        let mut shapes = Vec::with_capacity(ids.len());
        for &i in ids {
            match self.shapes.get(i) {
                Some(Some(shape)) if shape.text().starts_with(prefix) => shapes.push(shape.clone()),
                _ => return Ok(None),
            }
        }
        let found = literal_atoms(&shapes, &TailUniverse { prefix, class }, budget)?;
        let singles: Vec<Vec<usize>> = ids.iter().map(|&i| vec![i]).collect();
        Ok(Some(self.lift(&singles, 0, found)))
    }

    /// Atoms of the patterns `ids` within `universe` minus `excluded`,
    /// with `matched` over all of the table's patterns, without the
    /// forbidden values.
    ///
    /// Patterns of one class (`classes`: used by exactly the same
    /// statements, so telling them apart changes no satisfaction vector)
    /// become one alternation: k `*Noun*` patterns of one statement make
    /// one automaton pattern, not 2^k atoms. An atom matching a class
    /// matches all its members in the result.
    fn atoms_of(
        &self,
        ids: &[usize],
        universe: &str,
        excluded: &[String],
        budget: &AtomBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, AtomError> {
        let mut merged: Vec<Vec<usize>> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for &i in ids {
            let class = self.classes.get(i).copied().unwrap_or(i);
            match slot.get(&class) {
                Some(&k) => merged.get_mut(k).into_iter().for_each(|m| m.push(i)),
                None => {
                    slot.insert(class, merged.len());
                    merged.push(vec![i]);
                }
            }
        }
        let mut regexes: Vec<String> = merged
            .iter()
            .map(|members| {
                let rs: Vec<&str> = members
                    .iter()
                    .filter_map(|&i| self.regexes.get(i))
                    .map(String::as_str)
                    .collect();
                match rs.as_slice() {
                    [one] => (*one).to_string(),
                    many => format!("(?:{})", many.join(")|(?:")),
                }
            })
            .collect();
        regexes.extend(excluded.iter().cloned());
        let found = atoms(&regexes, universe, budget)?;
        Ok(self.lift(&merged, excluded.len(), found))
    }

    /// Atoms over the patterns `ids` (then `excluded` more) → atoms over all the table's
    /// patterns, without those matching an excluded or a forbidden pattern.
    fn lift(
        &self,
        ids: &[Vec<usize>],
        excluded: usize,
        found: Vec<Atom>,
    ) -> Vec<(String, FixedBitSet)> {
        let n = self.regexes.len();
        let mut out = Vec::new();
        for a in found {
            if (ids.len()..ids.len() + excluded).any(|j| a.matched.contains(j)) {
                continue;
            }
            let mut matched = FixedBitSet::with_capacity(n);
            for j in a.matched.ones() {
                for &i in ids.get(j).map_or(&[][..], Vec::as_slice) {
                    matched.insert(i);
                }
            }
            if !self.forbidden.iter().any(|r| r.matches(&matched)) {
                out.push((a.witness, matched));
            }
        }
        out
    }

    /// The field's atoms: one per distinct satisfaction vector over the
    /// statements (`None` = the statement does not constrain this field).
    pub(crate) fn field_atoms(
        &mut self,
        universe: &Grouping<'_>,
        constraints: &[Option<Constraint>],
        budget: &AtomBudget,
    ) -> Result<Vec<FieldAtom>, AtomError> {
        // sat = (some listed pattern matches) xor negated, or true when unconstrained; the
        // patterns an atom matches are few, so go from them to the statements listing them.
        let n = constraints.len();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); self.regexes.len()];
        let mut always = FixedBitSet::with_capacity(n);
        let mut negated = FixedBitSet::with_capacity(n);
        let mut free = FixedBitSet::with_capacity(n);
        // Per pattern: the statements it excludes values from (kept apart
        // from `users` when merging patterns: `n + s`).
        let mut excluders: Vec<Vec<usize>> = vec![Vec::new(); self.regexes.len()];
        for (s, c) in constraints.iter().enumerate() {
            let Some(c) = c else {
                free.insert(s);
                continue;
            };
            negated.set(s, c.negated);
            for r in &c.except {
                if let PatRef::Id(i) = *r {
                    if let Some(u) = excluders.get_mut(i) {
                        u.push(s);
                    }
                }
            }
            for r in &c.refs {
                match *r {
                    PatRef::All => always.insert(s),
                    PatRef::Nothing => {}
                    PatRef::Id(i) => {
                        if let Some(u) = users.get_mut(i) {
                            if u.last() != Some(&s) {
                                u.push(s);
                            }
                        }
                    }
                }
            }
        }
        let merged: Vec<Vec<usize>> = users
            .iter()
            .zip(&excluders)
            .map(|(u, e)| u.iter().copied().chain(e.iter().map(|s| n + s)).collect())
            .collect();
        self.classes = self.usage_classes(&merged);
        let raw = self.grouped_atoms(universe, budget)?;
        let atoms = raw.into_iter().map(|(witness, matched)| {
            let mut sat = always.clone();
            for i in matched.ones() {
                for &s in users.get(i).map_or(&[][..], Vec::as_slice) {
                    sat.insert(s);
                }
            }
            sat.symmetric_difference_with(&negated);
            sat.union_with(&free);
            for i in matched.ones() {
                for &s in excluders.get(i).map_or(&[][..], Vec::as_slice) {
                    sat.set(s, false);
                }
            }
            FieldAtom { value: AtomValue::Str(witness), sat }
        });
        Ok(dedup(atoms))
    }
}

/// A function of a group's name.
pub(crate) type GroupFn<'a> = &'a dyn Fn(&str) -> String;
/// The least value outside the named groups, if any.
pub(crate) type OutsideFn<'a> = &'a dyn Fn(&[&str]) -> Option<String>;

impl PatternTable {
    /// Merges, for the automaton, the patterns with the same users (lists
    /// of whatever references them: statements, condition entries).
    pub(crate) fn merge_by_users(&mut self, users: &[Vec<usize>]) {
        self.classes = self.usage_classes(users);
    }

    /// Classes of patterns listed by exactly the same statements (`users`);
    /// a forbidden pattern is a class of its own (it must be told apart).
    fn usage_classes(&self, users: &[Vec<usize>]) -> Vec<usize> {
        let mut by_users: HashMap<&[usize], usize> = HashMap::new();
        (0..self.regexes.len())
            .map(|i| {
                let forbidden = self.forbidden.contains(&PatRef::Id(i));
                match users.get(i) {
                    Some(u) if !forbidden && !u.is_empty() => *by_users.entry(u).or_insert(i),
                    _ => i,
                }
            })
            .collect()
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
    /// When the universe of each group is a literal prefix (a function of the group) followed
    /// by one or more bytes of an ASCII class: those, so that groups whose patterns all have
    /// literal shapes get their atoms without an automaton.
    pub(crate) tail: Option<(GroupFn<'a>, &'a [u8])>,
    /// Given the groups (sorted), the least value (by length, then readability) of `rest`
    /// in none of them, or `None` when there is none: the rest's atom when every pattern is
    /// in a group, without an automaton.
    pub(crate) outside: Option<OutsideFn<'a>>,
}

impl Grouping<'_> {
    /// No groups: one automaton over `universe`.
    pub(crate) fn single(universe: &str) -> Grouping<'_> {
        Grouping {
            rest: universe,
            group: &|_| String::new(),
            prefix: &|_| String::new(),
            tail: None,
            outside: None,
        }
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

/// A Boolean formula over a field's patterns: a statement's constraint on the caller field
/// (`encode::caller`), where one field carries several conditions.
#[derive(Clone, Debug)]
pub(crate) enum Formula {
    True,
    False,
    Ref(PatRef),
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

impl Formula {
    /// The formula's value on a value matching exactly the patterns `matched`.
    pub(crate) fn eval(&self, matched: &FixedBitSet) -> bool {
        match self {
            Formula::True => true,
            Formula::False => false,
            Formula::Ref(r) => r.matches(matched),
            Formula::Not(f) => !f.eval(matched),
            Formula::And(fs) => fs.iter().all(|f| f.eval(matched)),
            Formula::Or(fs) => fs.iter().any(|f| f.eval(matched)),
        }
    }
}

impl PatternTable {
    /// The field's atoms when statement `s`'s constraint is `formulas[s]`: one per distinct
    /// satisfaction vector, without the values satisfying an `excluded` formula. Every pattern
    /// is its own class (patterns may be combined by `And`/`Not`, so none can be merged).
    pub(crate) fn formula_atoms(
        &mut self,
        universe: &str,
        formulas: &[Formula],
        excluded: &[Formula],
        budget: &AtomBudget,
    ) -> Result<Vec<FieldAtom>, AtomError> {
        self.classes = Vec::new();
        let raw = self.grouped_atoms(&Grouping::single(universe), budget)?;
        let atoms = raw.into_iter().filter(|(_, m)| !excluded.iter().any(|f| f.eval(m))).map(
            |(witness, matched)| {
                let mut sat = FixedBitSet::with_capacity(formulas.len());
                for (s, f) in formulas.iter().enumerate() {
                    sat.set(s, f.eval(&matched));
                }
                FieldAtom { value: AtomValue::Str(witness), sat }
            },
        );
        Ok(dedup(atoms))
    }
}
