//! Condition keys as fields, and opaque constructs (docs/semantics.md §4, §6).
//!
//! A single-valued key's atoms are its value atoms plus "absent". A
//! multivalued key's value is absent or a set; a set matters only through
//! which *classes* of element atoms it touches, where a class groups the
//! element atoms on which every qualified condition's per-value test
//! agrees, so the field's atoms are "absent" and every subset of classes.

use super::glob::{self, Pattern};
use super::principal::KEY_UNIVERSE;
use super::table::{dedup, PatRef, PatternTable};
use super::{AtomValue, EncodeBudget, EncodeError, Field, FieldAtom, FieldKind, Stmts};
use crate::policy::condition::Family;
use crate::policy::{BaseOperator, Condition, Qualifier};
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;

/// Condition keys AWS documents as multivalued (KEYS, SVMV).
pub(crate) const MULTIVALUED: &[&str] = &[
    "aws:tagkeys",
    "aws:principalorgpaths",
    "aws:resourceorgpaths",
    "aws:principalservicenameslist",
    "aws:calledvia",
];

/// One condition entry on a key, ready to evaluate.
#[derive(Debug)]
struct Clause {
    statement: usize,
    qualifier: Option<Qualifier>,
    base: BaseOperator,
    if_exists: bool,
    refs: Vec<PatRef>,
}

impl Clause {
    /// The per-value test: does `matched` satisfy the operator?
    fn value_holds(&self, matched: &FixedBitSet) -> bool {
        self.refs.iter().any(|r| r.matches(matched)) != self.base.is_negated()
    }

    /// `Null`'s expectation: `true` means "the key is absent".
    fn null_expects_absent(&self) -> bool {
        self.refs.first() == Some(&PatRef::All)
    }

    fn holds_single(&self, value: Option<&FixedBitSet>) -> bool {
        match (self.base, value) {
            (BaseOperator::Null, v) => v.is_none() == self.null_expects_absent(),
            (_, None) => self.if_exists || self.base.is_negated(),
            (_, Some(m)) => self.value_holds(m),
        }
    }

    fn holds_multi(&self, value: Option<&[&FixedBitSet]>) -> bool {
        match (self.qualifier, self.base, value) {
            (None, _, v) => v.is_none() == self.null_expects_absent(),
            (Some(Qualifier::ForAllValues), BaseOperator::Null, _) => true,
            (Some(Qualifier::ForAnyValue), BaseOperator::Null, _) => false,
            (Some(Qualifier::ForAllValues), _, None) => true,
            (Some(Qualifier::ForAnyValue), _, None) => false,
            (Some(Qualifier::ForAllValues), _, Some(vs)) => vs.iter().all(|m| self.value_holds(m)),
            (Some(Qualifier::ForAnyValue), _, Some(vs)) => vs.iter().any(|m| self.value_holds(m)),
        }
    }
}

/// Opaque constructs of a query, keyed by their canonical text so that the
/// same construct in two policies is one free Boolean.
#[derive(Debug, Default)]
pub(crate) struct OpaqueSet {
    entries: BTreeMap<String, (String, Vec<usize>)>,
}

impl OpaqueSet {
    pub(crate) fn add(&mut self, key: String, statement: usize, description: String) {
        let entry = self
            .entries
            .entry(key)
            .or_insert_with(|| (description, Vec::new()));
        entry.1.push(statement);
    }

    pub(crate) fn into_fields(self, n: usize) -> Vec<Field> {
        self.entries
            .into_values()
            .map(|(description, stmts)| {
                let atoms = [true, false].map(|b| {
                    let mut sat = FixedBitSet::with_capacity(n);
                    sat.insert_range(..);
                    if !b {
                        stmts.iter().for_each(|&s| sat.set(s, false));
                    }
                    FieldAtom {
                        value: AtomValue::Opaque(b),
                        sat,
                    }
                });
                Field {
                    kind: FieldKind::Opaque { description },
                    atoms: atoms.into(),
                }
            })
            .collect()
    }
}

/// Why a condition entry is opaque, if it is.
fn opaque_reason(c: &Condition, variables: bool, multi: bool) -> Option<String> {
    let op = c.operator;
    let what = match op.base.family() {
        Family::Numeric | Family::Date | Family::Ip | Family::Binary => {
            format!("`{op}` conditions are not supported yet")
        }
        _ if variables && c.values.iter().any(|v| v.contains("${")) => {
            "policy variables in condition values are not supported yet".to_string()
        }
        _ if multi && op.qualifier.is_none() && op.base != BaseOperator::Null => {
            "an operator without `ForAllValues:`/`ForAnyValue:` on a multivalued key has no documented meaning".to_string()
        }
        _ => return None,
    };
    Some(format!("{what} (`{op}` on `{}`)", c.key))
}

fn value_pattern(base: BaseOperator, value: &str) -> Pattern {
    match base.family() {
        Family::Arn => glob::arn(value),
        Family::Bool
            if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") =>
        {
            glob::literal_ignore_ascii_case(value)
        }
        Family::Bool => Pattern::Nothing,
        _ => match base {
            BaseOperator::StringLike | BaseOperator::StringNotLike => glob::string_like(value),
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
                glob::literal_ignore_ascii_case(value)
            }
            _ => glob::literal(value),
        },
    }
}

/// Every condition entry of the query, grouped by folded key.
type ByKey<'a> = BTreeMap<String, Vec<(usize, bool, &'a Condition)>>;

fn group_by_key<'a>(all: &Stmts<'a>) -> ByKey<'a> {
    let mut by_key: ByKey<'a> = BTreeMap::new();
    for (s_id, (policy, s)) in all.iter().enumerate() {
        for c in &s.conditions {
            let vars = policy.substitutes_variables();
            by_key
                .entry(c.key_folded())
                .or_default()
                .push((s_id, vars, c));
        }
    }
    by_key
}

/// The fields of every condition key of the query.
pub(crate) fn key_fields(
    all: &Stmts<'_>,
    opaque: &mut OpaqueSet,
    budget: &EncodeBudget,
) -> Result<Vec<Field>, EncodeError> {
    let mut fields = Vec::new();
    for (folded, entries) in group_by_key(all) {
        let multi = MULTIVALUED.contains(&folded.as_str())
            || entries
                .iter()
                .any(|(_, _, c)| c.operator.qualifier.is_some());
        let mut table = PatternTable::default();
        let mut clauses = Vec::new();
        for &(s_id, vars, c) in &entries {
            if let Some(reason) = opaque_reason(c, vars, multi) {
                let key = format!("{} {folded} {:?}", c.operator, c.values);
                opaque.add(key, s_id, reason);
                continue;
            }
            clauses.push(clause(&mut table, s_id, c));
        }
        let name = entries
            .first()
            .map(|(_, _, c)| c.key.clone())
            .unwrap_or_default();
        let atoms = if multi {
            multi_atoms(&table, &clauses, all.len(), budget)?
        } else {
            single_atoms(&table, &clauses, all.len(), budget)?
        };
        fields.push(Field {
            kind: FieldKind::Key { name, multi },
            atoms,
        });
    }
    Ok(fields)
}

fn clause(table: &mut PatternTable, statement: usize, c: &Condition) -> Clause {
    let base = c.operator.base;
    let refs = if base == BaseOperator::Null {
        // INVARIANT: the parser accepts only `true`/`false` for `Null`;
        // `All` encodes "true" (absent), `Nothing` "false" (present).
        let expects_absent = c.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        vec![if expects_absent {
            PatRef::All
        } else {
            PatRef::Nothing
        }]
    } else {
        c.values
            .iter()
            .map(|v| table.intern(value_pattern(base, v)))
            .collect()
    };
    Clause {
        statement,
        qualifier: c.operator.qualifier,
        base,
        if_exists: c.operator.if_exists,
        refs,
    }
}

/// The satisfaction vector of one key value: the AND of each statement's
/// clauses on this key.
fn sat_of(n: usize, clauses: &[Clause], holds: impl Fn(&Clause) -> bool) -> FixedBitSet {
    let mut sat = FixedBitSet::with_capacity(n);
    sat.insert_range(..);
    for c in clauses {
        if !holds(c) {
            sat.set(c.statement, false);
        }
    }
    sat
}

fn single_atoms(
    table: &PatternTable,
    clauses: &[Clause],
    n: usize,
    budget: &EncodeBudget,
) -> Result<Vec<FieldAtom>, EncodeError> {
    let raw = table
        .raw_atoms(KEY_UNIVERSE, &budget.atoms)
        .map_err(|e| EncodeError::atoms("condition key", e))?;
    let present = raw.into_iter().map(|(w, m)| FieldAtom {
        value: AtomValue::Str(w),
        sat: sat_of(n, clauses, |c| c.holds_single(Some(&m))),
    });
    let absent = FieldAtom {
        value: AtomValue::Absent,
        sat: sat_of(n, clauses, |c| c.holds_single(None)),
    };
    Ok(dedup(present.chain(std::iter::once(absent))))
}

fn multi_atoms(
    table: &PatternTable,
    clauses: &[Clause],
    n: usize,
    budget: &EncodeBudget,
) -> Result<Vec<FieldAtom>, EncodeError> {
    let raw = table
        .raw_atoms(KEY_UNIVERSE, &budget.atoms)
        .map_err(|e| EncodeError::atoms("condition key", e))?;
    // Classes: element atoms on which every per-value test agrees.
    let mut classes: Vec<(Vec<bool>, String, FixedBitSet)> = Vec::new();
    for (w, m) in raw {
        let vector: Vec<bool> = clauses.iter().map(|c| c.value_holds(&m)).collect();
        if !classes.iter().any(|(v, _, _)| *v == vector) {
            classes.push((vector, w, m));
        }
    }
    if classes.len() > budget.max_set_classes {
        return Err(EncodeError::new(format!(
            "a multivalued condition key has {} value classes, over the limit of {}",
            classes.len(),
            budget.max_set_classes
        )));
    }
    let mut atoms = vec![FieldAtom {
        value: AtomValue::Absent,
        sat: sat_of(n, clauses, |c| c.holds_multi(None)),
    }];
    for mask in 0u32..(1u32 << classes.len()) {
        let chosen: Vec<&(Vec<bool>, String, FixedBitSet)> = classes
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect();
        let sets: Vec<&FixedBitSet> = chosen.iter().map(|c| &c.2).collect();
        let values = chosen.iter().map(|c| c.1.clone()).collect();
        atoms.push(FieldAtom {
            value: AtomValue::Set(values),
            sat: sat_of(n, clauses, |c| c.holds_multi(Some(&sets))),
        });
    }
    Ok(dedup(atoms))
}
