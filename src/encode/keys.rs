//! Condition keys as fields, and opaque constructs (docs/semantics.md §4, §6).
//!
//! A single-valued key's atoms are its value atoms plus "absent". A
//! multivalued key's value is absent or a set; a set matters only through
//! which *classes* of element atoms it touches, where a class groups the
//! element atoms on which every qualified condition's per-value test
//! agrees, so the field's atoms are "absent" and one set per kind of set
//! (`encode::sets`: the distinct satisfaction vectors, not every subset).

use super::glob::{self, Pattern};
use super::principal::KEY_UNIVERSE;
use super::sets::{self, SetEntry, SetTest};
use super::table::{dedup, PatRef, PatternTable};
use super::variables;
use super::{AtomValue, EncodeBudget, EncodeError, Field, FieldAtom, FieldKind, Stmts};
use crate::iam::keys::{self as table_keys, GlobalKey, KeySort};
use crate::policy::condition::Family;
use crate::policy::template::{Template, Tok};
use crate::policy::{BaseOperator, Condition, Qualifier};
use crate::unknown::{Construct, ConstructKind};
use crate::values::{self, Predicate, Sort};
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;

/// One condition entry on a key, ready to evaluate.
#[derive(Debug)]
struct Clause {
    statement: usize,
    qualifier: Option<Qualifier>,
    base: BaseOperator,
    if_exists: bool,
    refs: Vec<PatRef>,
    /// `Null` only: whether the entry holds when the key is absent (some
    /// value is `true`) and when it is present (some value is `false`).
    null: (bool, bool),
}

impl Clause {
    fn new(statement: usize, c: &Condition, refs: Vec<PatRef>, null: (bool, bool)) -> Clause {
        Clause {
            statement,
            qualifier: c.operator.qualifier,
            base: c.operator.base,
            if_exists: c.operator.if_exists,
            refs,
            null,
        }
    }

    /// The per-value test: does `matched` satisfy the operator?
    fn value_holds(&self, matched: &FixedBitSet) -> bool {
        self.refs.iter().any(|r| r.matches(matched)) != self.base.is_negated()
    }

    /// `Null` (values ORed): `true` holds when absent, `false` when present.
    fn null_holds(&self, present: bool) -> bool {
        if present {
            self.null.1
        } else {
            self.null.0
        }
    }

    /// The entry on a single-valued key; a qualified operator reads the value as a
    /// one-element set (docs/semantics.md §4).
    fn holds_single(&self, value: Option<&FixedBitSet>) -> bool {
        match (self.qualifier, self.base, value) {
            (Some(q), BaseOperator::Null, _) => q == Qualifier::ForAllValues,
            (None, BaseOperator::Null, v) => self.null_holds(v.is_some()),
            (Some(_), _, None) => self.holds_absent_multi(),
            (None, _, None) => self.if_exists || self.base.is_negated(),
            (_, _, Some(m)) => self.value_holds(m),
        }
    }

    /// What the entry asks of a present set: that every element passes the
    /// per-value test, that some element does, or a fixed answer (`Null`).
    fn set_test(&self) -> SetTest {
        match (self.qualifier, self.base) {
            (None, _) => SetTest::Fixed(self.null_holds(true)),
            (Some(Qualifier::ForAllValues), BaseOperator::Null) => SetTest::Fixed(true),
            (Some(Qualifier::ForAnyValue), BaseOperator::Null) => SetTest::Fixed(false),
            (Some(Qualifier::ForAllValues), _) => SetTest::All,
            (Some(Qualifier::ForAnyValue), _) => SetTest::Any,
        }
    }

    /// The entry on an absent multivalued key: `ForAllValues:` true,
    /// `ForAnyValue:` false, a plain `Null` by its values.
    fn holds_absent_multi(&self) -> bool {
        match self.qualifier {
            None => self.null_holds(false),
            Some(Qualifier::ForAllValues) => true,
            Some(Qualifier::ForAnyValue) => false,
        }
    }
}

pub(crate) use super::opaque::OpaqueSet;

/// Why a condition entry is opaque (with no clause), if it is.
fn opaque_reason(
    c: &Condition,
    variables: bool,
    multi: bool,
    sort: Option<Sort>,
    epoch: bool,
) -> Option<Construct> {
    let op = c.operator;
    let family = op.base.family();
    let (kind, what) = match family {
        Family::String | Family::Arn => None,
        _ if variables => Some((
            ConstructKind::VariableOperator,
            "policy variables in a condition whose operator AWS substitutes none in (only String and Arn operators take variables)",
        )),
        _ => None,
    }
    .or_else(|| match family {
        // A key's values have one sort; an operator of another sort on it
        // (`aws:EpochTime` with Date and Numeric operators) stays opaque.
        f if f != Family::Null && sort_of(f, epoch) != sort => Some((
            ConstructKind::MixedTypes,
            "a key compared with operators of different types (strings, numbers, dates, IP addresses, binary) is not decided exactly yet",
        )),
        _ if multi && op.qualifier.is_none() && op.base != BaseOperator::Null => Some((
            ConstructKind::UnqualifiedMultivalued,
            "an operator without `ForAllValues:`/`ForAnyValue:` on a multivalued key has no documented meaning",
        )),
        _ => None,
    })?;
    Some(Construct { kind, description: format!("{what} (`{op}` on `{}`)", c.key) })
}

/// Whether the text of a value of `base` has `*`/`?` wildcards.
fn takes_wildcards(base: BaseOperator) -> bool {
    matches!(base, BaseOperator::StringLike | BaseOperator::StringNotLike)
        || base.family() == Family::Arn
}

/// A string-like value's pattern from its glob tokens (read with
/// [`takes_wildcards`]).
fn value_pattern_tokens(base: BaseOperator, toks: &[Tok]) -> Pattern {
    match base.family() {
        Family::Arn => glob::arn_tokens(toks),
        _ => match base {
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
                glob::ignore_ascii_case_tokens(toks)
            }
            _ => glob::string_like_tokens(toks),
        },
    }
}

pub(crate) fn value_pattern(base: BaseOperator, value: &str) -> Pattern {
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
            by_key.entry(c.key_folded()).or_default().push((s_id, vars, c));
        }
    }
    by_key
}

/// The fields of every condition key of the query.
pub(crate) fn key_fields(
    all: &Stmts<'_>,
    opaque: &mut OpaqueSet,
    budget: &EncodeBudget,
    forbidden: &BTreeMap<String, Vec<Pattern>>,
    typed_forbidden: &BTreeMap<String, Vec<Predicate>>,
) -> Result<Vec<Field>, EncodeError> {
    let mut fields = Vec::new();
    for (folded, entries) in group_by_key(all) {
        let row = table_keys::lookup(&folded);
        let qualified = entries.iter().any(|(_, _, c)| c.operator.qualifier.is_some());
        let multi = table_keys::is_multivalued(&folded, qualified);
        // `aws:EpochTime` is epoch seconds under Date and Numeric operators alike: one
        // numeric sort (KEYS: "Data type – Date, Numeric").
        let epoch = row.is_some_and(|k| k.sort == KeySort::EpochSeconds);
        let sort = key_sort(&entries, epoch).or_else(|| only_null(&entries, row));
        let mut values = match sort {
            Some(sort) => Values::Typed { sort, preds: Vec::new(), epoch, row },
            None => Values::Strings(PatternTable::default(), row),
        };
        if let (Values::Strings(table, _), Some(patterns)) = (&mut values, forbidden.get(&folded)) {
            table.forbid(patterns);
        }
        let mut clauses = Vec::new();
        for &(s_id, vars, c) in &entries {
            let has_vars = vars && c.values.iter().any(|v| Template::mentions_variable(v));
            // The same text means something else where `${…}` is literal
            // (Version 2008-10-17 or none): a distinct construct.
            let key = format!("{} {folded} {:?} variables={has_vars}", c.operator, c.values);
            if let Some(reason) = opaque_reason(c, has_vars, multi, sort, epoch) {
                opaque.add(key, s_id, reason);
                continue;
            }
            let built = if has_vars {
                let base = c.operator.base;
                let negated = base.is_negated();
                // Single-valued keys only: a set as a variable has no meaning.
                let own = (base.family() == Family::String && !multi).then_some(c.key.as_str());
                variables::bound(&c.values, true, takes_wildcards(base), negated, own).and_then(
                    |(tokens, dependent)| {
                        let cl = token_clause(&mut values, s_id, c, &tokens)?;
                        Some((cl, dependent))
                    },
                )
            } else {
                clause(&mut values, s_id, c).map(|cl| (cl, false))
            };
            match built {
                Some((cl, dependent)) => {
                    if dependent {
                        let what = Construct {
                            kind: ConstructKind::PolicyVariable,
                            description: format!(
                                "policy variables in the `{}` condition on `{}` ({})",
                                c.operator,
                                c.key,
                                c.values.join(", ")
                            ),
                        };
                        variables::gate_condition(opaque, c, multi, s_id, (key, what));
                    }
                    clauses.push(cl);
                }
                None if has_vars => opaque.add(
                    key,
                    s_id,
                    Construct {
                        kind: ConstructKind::MalformedVariable,
                        description: format!(
                            "a malformed policy variable in `{}` on `{}`",
                            c.operator, c.key
                        ),
                    },
                ),
                None => opaque.add(
                    format!("{} {folded} {:?} unreadable", c.operator, c.values),
                    s_id,
                    Construct {
                        kind: ConstructKind::UnreadableValue,
                        description: format!(
                            "a value of `{}` on `{}` that does not parse",
                            c.operator, c.key
                        ),
                    },
                ),
            }
        }
        let name = entries.first().map(|(_, _, c)| c.key.clone()).unwrap_or_default();
        if let Values::Strings(table, _) = &mut values {
            // Values every entry lists together need not be told apart:
            // 50,000 values of one entry make one automaton pattern.
            let mut users: Vec<Vec<usize>> = Vec::new();
            for (k, c) in clauses.iter().enumerate() {
                for r in &c.refs {
                    if let PatRef::Id(i) = *r {
                        if users.len() <= i {
                            users.resize(i + 1, Vec::new());
                        }
                        if let Some(u) = users.get_mut(i) {
                            u.push(k);
                        }
                    }
                }
            }
            table.merge_by_users(&users);
        }
        let raw = values.raw_atoms(typed_forbidden.get(&folded), budget)?;
        // A key every request carries has no "absent" atom (docs/semantics.md §2a).
        let absent = !row.is_some_and(GlobalKey::always_present);
        let atoms = if multi {
            multi_atoms(raw, &clauses, all.len(), budget, absent)?
        } else {
            single_atoms(raw, &clauses, all.len(), absent)
        };
        fields.push(Field { kind: FieldKind::Key { name, multi }, atoms });
    }
    Ok(fields)
}

/// A key's value domain: strings (automata) or one typed sort, with the key's row of the
/// global key table if it has one (its values' shape).
#[derive(Debug)]
enum Values {
    Strings(PatternTable, Option<&'static GlobalKey>),
    Typed {
        sort: Sort,
        preds: Vec<Predicate>,
        /// `aws:EpochTime`: Date values are read as epoch seconds, request values are
        /// non-negative integers.
        epoch: bool,
        row: Option<&'static GlobalKey>,
    },
}

/// The sort an operator family gives a key's values; `epoch`: Date is Numeric.
pub(crate) fn sort_of(family: Family, epoch: bool) -> Option<Sort> {
    match Sort::of(family) {
        Some(Sort::Date) if epoch => Some(Sort::Numeric),
        s => s,
    }
}

/// Whether a documented key's values all have `sort` (then no request value fails to
/// parse, and the "not of the sort" atom does not exist).
pub(crate) fn documented_sort(row: Option<&GlobalKey>, sort: Sort) -> bool {
    matches!(
        (row.map(|k| k.sort), sort),
        (Some(KeySort::Date), Sort::Date)
            | (Some(KeySort::Numeric | KeySort::EpochSeconds), Sort::Numeric)
            | (Some(KeySort::Ip), Sort::Ip)
    )
}

impl Values {
    /// The reference of one policy value under `base`, `None` if a typed
    /// value does not parse (the parser rejects those).
    fn intern(&mut self, base: BaseOperator, value: &str) -> Option<PatRef> {
        match self {
            Values::Strings(table, _) => Some(table.intern(value_pattern(base, value))),
            Values::Typed { preds, epoch, .. } => {
                let p = values::predicate(base, value).ok()?;
                let p = if *epoch { instant_as_number(p) } else { p };
                let i = preds.iter().position(|q| *q == p).unwrap_or_else(|| {
                    preds.push(p);
                    preds.len() - 1
                });
                Some(PatRef::Id(i))
            }
        }
    }

    /// The element atoms: (witness, values matched), without the
    /// forbidden values.
    fn raw_atoms(
        &self,
        forbidden: Option<&Vec<Predicate>>,
        budget: &EncodeBudget,
    ) -> Result<Vec<(String, FixedBitSet)>, EncodeError> {
        match self {
            Values::Strings(table, row) => {
                let universe = row.and_then(|k| k.grammar).unwrap_or(KEY_UNIVERSE);
                table.raw_atoms(universe, &budget.atoms).map_err(|e| {
                    EncodeError::atoms(crate::unknown::AutomatonField::ConditionKey, e)
                })
            }
            Values::Typed { sort, preds, epoch, row } => {
                let n = preds.len();
                let mut all = preds.clone();
                all.extend(forbidden.into_iter().flatten().cloned());
                let mut out: Vec<(String, FixedBitSet)> = values::atoms(*sort, &all)
                    .into_iter()
                    .filter(|a| !(n..all.len()).any(|i| a.matched.contains(i)))
                    .map(|a| (a.witness, a.matched))
                    .collect();
                if *epoch {
                    // Epoch seconds: only atoms holding a non-negative integer (the
                    // simplest value of an interval is an integer if it holds one).
                    out.retain(|(w, _)| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
                }
                // A request value that is not of the sort: no operator value
                // matches it (docs/semantics.md §4), so positive operators
                // are false and negated ones true. Last, so witnesses prefer
                // real values. None for a key AWS documents of this sort.
                if !documented_sort(*row, *sort) {
                    out.push((
                        unparsable(*sort).to_string(),
                        FixedBitSet::with_capacity(all.len()),
                    ));
                }
                Ok(out)
            }
        }
    }
}

/// A Date predicate as the same predicate on epoch seconds (`aws:EpochTime`).
fn instant_as_number(p: Predicate) -> Predicate {
    use values::Value;
    let number = |v: Value| match v {
        Value::Instant(i) => Value::Number(i.to_number()),
        v => v,
    };
    match p {
        Predicate::Eq(v) => Predicate::Eq(number(v)),
        Predicate::Lt(v) => Predicate::Lt(number(v)),
        Predicate::Le(v) => Predicate::Le(number(v)),
        Predicate::Gt(v) => Predicate::Gt(number(v)),
        Predicate::Ge(v) => Predicate::Ge(number(v)),
        p @ Predicate::In(_) => p,
    }
}

/// A request value that does not parse as `sort`.
fn unparsable(sort: Sort) -> &'static str {
    match sort {
        Sort::Numeric => "not-a-number",
        Sort::Date => "not-a-date",
        Sort::Ip => "not-an-ip-address",
        Sort::Binary => "not*base64",
    }
}

/// The typed sort of a key: `Some` when every non-`Null` entry without a
/// variable uses the operators of one typed sort (`epoch`: Date and Numeric are one).
fn key_sort(entries: &[(usize, bool, &Condition)], epoch: bool) -> Option<Sort> {
    let mut sorts = entries
        .iter()
        .filter(|(_, vars, c)| !(*vars && c.values.iter().any(|v| v.contains("${"))))
        .map(|(_, _, c)| c.operator.base.family())
        .filter(|f| *f != Family::Null)
        .map(|f| sort_of(f, epoch));
    let first = sorts.next()??;
    sorts.all(|s| s == Some(first)).then_some(first)
}

/// A documented typed key compared with `Null` only: its present values are of its sort.
fn only_null(entries: &[(usize, bool, &Condition)], row: Option<&GlobalKey>) -> Option<Sort> {
    if !entries.iter().all(|(_, _, c)| c.operator.base == BaseOperator::Null) {
        return None;
    }
    match row?.sort {
        KeySort::Date => Some(Sort::Date),
        KeySort::Numeric | KeySort::EpochSeconds => Some(Sort::Numeric),
        KeySort::Ip => Some(Sort::Ip),
        KeySort::String | KeySort::Arn | KeySort::Bool => None,
    }
}

fn clause(values: &mut Values, statement: usize, c: &Condition) -> Option<Clause> {
    let base = c.operator.base;
    let is = |b: &str| c.values.iter().any(|v| v.eq_ignore_ascii_case(b));
    let (null, refs) = if base == BaseOperator::Null {
        // The parser accepts only `true`/`false` for `Null`.
        ((is("true"), is("false")), Vec::new())
    } else {
        let refs: Option<Vec<PatRef>> = c.values.iter().map(|v| values.intern(base, v)).collect();
        ((false, false), refs?)
    };
    Some(Clause::new(statement, c, refs, null))
}

/// A String/Arn entry's clause from its values' glob tokens (policy
/// variables read by [`variables::bound`]); `None` on a typed key.
fn token_clause(
    values: &mut Values,
    statement: usize,
    c: &Condition,
    tokens: &[Vec<Tok>],
) -> Option<Clause> {
    let Values::Strings(table, _) = values else {
        return None;
    };
    let base = c.operator.base;
    let refs = tokens.iter().map(|t| table.intern(value_pattern_tokens(base, t))).collect();
    Some(Clause::new(statement, c, refs, (false, false)))
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
    raw: Vec<(String, FixedBitSet)>,
    clauses: &[Clause],
    n: usize,
    may_be_absent: bool,
) -> Vec<FieldAtom> {
    let present = raw.into_iter().map(|(w, m)| FieldAtom {
        value: AtomValue::Str(w),
        sat: sat_of(n, clauses, |c| c.holds_single(Some(&m))),
    });
    let absent = may_be_absent.then(|| FieldAtom {
        value: AtomValue::Absent,
        sat: sat_of(n, clauses, |c| c.holds_single(None)),
    });
    // Absent first: witnesses then name only the keys a violation needs.
    dedup(absent.into_iter().chain(present))
}

fn multi_atoms(
    raw: Vec<(String, FixedBitSet)>,
    clauses: &[Clause],
    n: usize,
    budget: &EncodeBudget,
    may_be_absent: bool,
) -> Result<Vec<FieldAtom>, EncodeError> {
    let entries: Vec<SetEntry> =
        clauses.iter().map(|c| SetEntry { statement: c.statement, test: c.set_test() }).collect();
    let elements: Vec<Vec<bool>> =
        raw.iter().map(|(_, m)| clauses.iter().map(|c| c.value_holds(m)).collect()).collect();
    let kinds = sets::set_kinds(&entries, &elements, n, budget.max_set_states)
        .map_err(EncodeError::multivalued_classes)?;
    let absent = may_be_absent.then(|| FieldAtom {
        value: AtomValue::Absent,
        sat: sat_of(n, clauses, Clause::holds_absent_multi),
    });
    let present = kinds.into_iter().map(|k| FieldAtom {
        value: AtomValue::Set(
            k.chosen.iter().filter_map(|&c| raw.get(c)).map(|(w, _)| w.clone()).collect(),
        ),
        sat: k.sat,
    });
    Ok(dedup(absent.into_iter().chain(present)))
}
