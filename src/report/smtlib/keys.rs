//! Condition keys as SMT-LIB variables, and their condition entries
//! (docs/semantics.md §4; the engine's `encode::keys`).
//!
//! A key has a presence Boolean and, by the sort of the operators used on
//! it (`encode::keys::key_sort`), string, Real (numbers; dates as seconds
//! since the epoch), Int (IP addresses, with an IPv6 flag) or byte-string
//! (a String of characters U+0000–U+00FF) value variables.
//!
//! A multivalued key (a documented multivalued global key, or one with a
//! `ForAllValues:`/`ForAnyValue:` entry) is a set, encoded with `m` element
//! variables and `m` "used" flags, where `m` is the number of distinct
//! qualified non-`Null` entries on the key. This is exact: whether each
//! entry holds depends only on presence and, per entry, on whether some
//! element passes (`ForAnyValue:`) or fails (`ForAllValues:`) its per-value
//! test. Given any request set `S`, keep one element of `S` per entry: a
//! witness for each `ForAnyValue:` entry that holds, a counterexample for
//! each `ForAllValues:` entry that fails. The subset `S'` (present iff `S`
//! is; empty counts as present) gives every entry the same truth value:
//! `ForAnyValue:` entries that hold keep their witness and those that fail
//! stay failed on a subset; `ForAllValues:` entries that hold still hold on
//! a subset and those that fail keep their counterexample. `Null` depends
//! on presence only (qualified `Null` is a constant). So every satisfiable
//! combination of entries has a model with at most `m` elements, and every
//! model (present, the used elements) is a request set.

use super::strings::{and, dedup, member, not, or, union_of, Writer};
use crate::policy::condition::Family;
use crate::policy::template::Template;
use crate::policy::{BaseOperator, Condition, Policy, Qualifier};
use crate::values::{self, IpRange, Number, Predicate, Sort, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// `0000-01-01T00:00:00Z` in epoch seconds: the first instant of the
/// engine's date domain.
pub(super) const DATE_MIN: i64 = -62_167_219_200;
/// `10000-01-01T00:00:00Z` in epoch seconds: the first instant past it.
pub(super) const DATE_END: i64 = 253_402_300_800;

/// A condition key of the query: its variables and first spelling.
#[derive(Debug)]
pub(super) struct Key {
    pub(super) index: usize,
    pub(super) name: String,
    /// `None`: strings (String, Arn, Bool operators or only `Null`).
    pub(super) sort: Option<Sort>,
    /// `None`: single-valued; `Some(m)`: a set with `m` element variables.
    pub(super) elements: Option<usize>,
    /// The SMT-LIB regex of the values AWS sends for a key of strings, when the key table
    /// documents their shape (`iam::keys`, `grammar::regex`).
    pub(super) grammar: Option<String>,
    /// Whether the key table documents the key's values as of its typed sort (`aws:SourceIp`
    /// an IP address): then no value fails to parse (`VAR_bad` is false), as in the engine
    /// (`encode::keys::documented_sort`).
    pub(super) documented: bool,
    /// `aws:EpochTime` (`KeySort::EpochSeconds`): Date and Numeric operators are one numeric
    /// sort, and AWS sends a non-negative integer, as in the engine (`encode::keys`).
    pub(super) epoch: bool,
}

impl Key {
    pub(super) fn present(&self) -> String {
        format!("k_present_{}", self.index)
    }

    /// The single value's variable.
    pub(super) fn value(&self) -> String {
        format!("k_{}", self.index)
    }

    /// Element `j`'s variable.
    pub(super) fn element(&self, j: usize) -> String {
        format!("k_{}_{j}", self.index)
    }

    /// Whether element `j` is in the set.
    pub(super) fn used(&self, j: usize) -> String {
        format!("k_used_{}_{j}", self.index)
    }

    /// A single-valued key of strings (what a policy variable may name in
    /// the export).
    pub(super) fn is_plain_string(&self) -> bool {
        self.sort.is_none() && self.elements.is_none()
    }

    fn value_vars(&self) -> Vec<String> {
        match self.elements {
            None => vec![self.value()],
            Some(m) => (0..m).map(|j| self.element(j)).collect(),
        }
    }

    fn sort_name(&self) -> &'static str {
        match self.sort {
            None => "string",
            Some(Sort::Numeric) => "number",
            Some(Sort::Date) => "date",
            Some(Sort::Ip) => "ip",
            Some(Sort::Binary) => "binary",
        }
    }

    /// The declarations and domain constraints of the key's variables.
    pub(super) fn declarations(&self) -> String {
        let mut out = format!("(declare-const {} Bool)\n", self.present());
        for var in self.value_vars() {
            let smt_sort = match self.sort {
                None | Some(Sort::Binary) => "String",
                Some(Sort::Numeric | Sort::Date) => "Real",
                Some(Sort::Ip) => "Int",
            };
            out.push_str(&format!("(declare-const {var} {smt_sort})\n"));
            if self.sort.is_some() {
                // A value that does not parse as the sort (matches nothing).
                out.push_str(&format!("(declare-const {var}_bad Bool)\n"));
                if self.documented {
                    out.push_str(&format!("(assert (not {var}_bad))\n"));
                }
            }
            match self.sort {
                None => {
                    if let Some(re) = &self.grammar {
                        // The shape of the values AWS sends (docs/semantics.md §2a).
                        out.push_str(&format!("(assert (str.in_re {var} {re}))\n"));
                    }
                }
                // Epoch seconds: a non-negative integer (docs/semantics.md §2a, `DIGITS`).
                Some(Sort::Numeric) if self.epoch => {
                    out.push_str(&format!("(assert (and (<= 0.0 {var}) (is_int {var})))\n"));
                }
                Some(Sort::Numeric) => {}
                Some(Sort::Date) => out.push_str(&format!(
                    "(assert (and (<= {} {var}) (< {var} {})))\n",
                    real_int(DATE_MIN),
                    real_int(DATE_END)
                )),
                Some(Sort::Ip) => {
                    out.push_str(&format!("(declare-const {var}_v6 Bool)\n"));
                    out.push_str(&format!(
                        "(assert (and (<= 0 {var}) (<= {var} (ite {var}_v6 {} {}))))\n",
                        u128::MAX,
                        u32::MAX
                    ));
                }
                Some(Sort::Binary) => out.push_str(&format!(
                    "(assert (str.in_re {var} (re.* (re.range \"\\u{{0}}\" \"\\u{{ff}}\"))))\n"
                )),
            }
        }
        if let Some(m) = self.elements {
            for j in 0..m {
                let used = self.used(j);
                out.push_str(&format!(
                    "(declare-const {used} Bool)\n(assert (=> {used} {}))\n",
                    self.present()
                ));
            }
        }
        out
    }

    /// The header lines naming the key's variables; the `@key` line is for
    /// tools (scripts/crosscheck reads it to replay models).
    pub(super) fn header(&self) -> String {
        let name = comment(&self.name);
        let what = match self.sort {
            None => "a string",
            Some(Sort::Numeric) if self.epoch => {
                "a number (Real), epoch seconds: a non-negative integer under Date and Numeric operators alike"
            }
            Some(Sort::Numeric) => "a number (Real); VAR_bad: not a number",
            Some(Sort::Date) => {
                "a date: seconds since 1970-01-01T00:00:00Z (Real), years 0000-9999; VAR_bad: not a date"
            }
            Some(Sort::Ip) => {
                "an IP address: VAR_v6 for IPv6 (else IPv4), VAR the address as an Int; VAR_bad: not an address"
            }
            Some(Sort::Binary) => {
                "a byte string: one character U+0000..U+00FF per byte; VAR_bad: not base64"
            }
        };
        let mut h = format!(
            "; @key {} {} {} {name}\n",
            self.index,
            self.sort_name(),
            self.elements.map_or("single".to_string(), |m| format!("multi {m}"))
        );
        match self.elements {
            None => h.push_str(&format!(
                ";   {} / {}  condition key {name} is present in the request / its value, {what}\n",
                self.present(),
                self.value()
            )),
            Some(m) => h.push_str(&format!(
                ";   {} / {}_J / k_used_{}_J (J < {m})  multivalued condition key {name} is present (a set, possibly empty) / element J, {what} / whether element J is in the set\n",
                self.present(),
                self.value(),
                self.index
            )),
        }
        h
    }
}

pub(super) fn comment(text: &str) -> String {
    format!("{text:?}")
}

/// An integer as a Real literal.
fn real_int(n: i64) -> String {
    if n < 0 {
        format!("(- {}.0)", n.unsigned_abs())
    } else {
        format!("{n}.0")
    }
}

/// An exact decimal as a Real literal: `2.5`, `(- 3.0)`.
pub(super) fn real(n: &Number) -> String {
    let int = if n.int_digits().is_empty() { "0" } else { n.int_digits() };
    let frac = if n.frac_digits().is_empty() { "0" } else { n.frac_digits() };
    if n.is_negative() {
        format!("(- {int}.{frac})")
    } else {
        format!("{int}.{frac}")
    }
}

/// The condition keys of the policies, by folded name; refuses what the
/// engine treats as opaque (docs/semantics.md §6).
pub(super) fn keys(w: &mut Writer, policies: &[&Policy]) -> BTreeMap<String, Key> {
    let mut by_key: BTreeMap<String, Vec<(&Policy, &Condition)>> = BTreeMap::new();
    for p in policies {
        for s in &p.statements {
            for c in &s.conditions {
                by_key.entry(c.key_folded()).or_default().push((p, c));
            }
        }
    }
    // Keys that only policy variables name get variables too.
    let mut spelled: BTreeMap<String, String> = BTreeMap::new();
    for p in policies.iter().filter(|p| p.substitutes_variables()) {
        for s in &p.statements {
            let resource = s.resource.iter().flat_map(|el| el.values.iter());
            let values = s.conditions.iter().flat_map(|c| c.values.iter());
            for text in resource.chain(values) {
                let Ok(t) = Template::parse(text) else { continue };
                for k in t.keys() {
                    spelled.entry(k.to_ascii_lowercase()).or_insert_with(|| k.to_string());
                }
            }
        }
    }
    for folded in spelled.keys() {
        by_key.entry(folded.clone()).or_default();
    }
    let mut out = BTreeMap::new();
    for (index, (folded, entries)) in by_key.into_iter().enumerate() {
        let multi = crate::iam::keys::is_multivalued(
            &folded,
            entries.iter().any(|(_, c)| c.operator.qualifier.is_some()),
        );
        let families: Vec<Family> = entries
            .iter()
            .map(|(_, c)| c.operator.base.family())
            .filter(|f| *f != Family::Null)
            .collect();
        // `aws:EpochTime`: Date and Numeric operators are one sort, as in the engine.
        let epoch = crate::iam::keys::lookup(&folded)
            .is_some_and(|row| row.sort == crate::iam::keys::KeySort::EpochSeconds);
        let sort_of = |f: Family| crate::encode::keys::sort_of(f, epoch);
        let sort = families.first().and_then(|f| sort_of(*f));
        let mixed = families.iter().any(|f| sort_of(*f) != sort);
        let mut tests: Vec<(Option<Qualifier>, BaseOperator, &Vec<String>)> = Vec::new();
        for (policy, c) in &entries {
            let op = c.operator;
            let variables = policy.substitutes_variables()
                && c.values.iter().any(|v| Template::mentions_variable(v));
            let exportable = matches!(
                op.base,
                BaseOperator::StringEquals
                    | BaseOperator::StringNotEquals
                    | BaseOperator::StringLike
                    | BaseOperator::StringNotLike
            );
            let what = if variables && !exportable {
                format!("policy variables under `{}` (not exported yet)", op.base.as_str())
            } else if mixed && op.base != BaseOperator::Null {
                "a key compared with operators of different types (opaque in iamcheck too)"
                    .to_string()
            } else if multi && op.qualifier.is_none() && op.base != BaseOperator::Null {
                "an operator without a set qualifier on a multivalued key (opaque in iamcheck too)"
                    .to_string()
            } else if let Some(bad) =
                sort.and_then(|_| c.values.iter().find(|v| values::predicate(op.base, v).is_err()))
            {
                format!("a value that does not parse ({bad:?}; opaque in iamcheck too)")
            } else {
                if op.qualifier.is_some()
                    && op.base != BaseOperator::Null
                    && !tests.contains(&(op.qualifier, op.base, &c.values))
                {
                    tests.push((op.qualifier, op.base, &c.values));
                }
                continue;
            };
            w.refuse(format!("{what}: `{op}` on {:?}", c.key));
        }
        let name = entries
            .first()
            .map(|(_, c)| c.key.clone())
            .or_else(|| spelled.get(&folded).cloned())
            .unwrap_or_default();
        let elements = multi.then_some(tests.len());
        let grammar = crate::iam::keys::lookup(&name)
            .and_then(|row| row.grammar)
            .filter(|_| sort.is_none())
            .and_then(|g| super::grammar::regex(w, g));
        let documented = sort.is_some_and(|sort| {
            crate::encode::keys::documented_sort(crate::iam::keys::lookup(&name), sort)
        });
        out.insert(folded, Key { index, name, sort, elements, grammar, documented, epoch });
    }
    out
}

/// One condition entry (`encode::keys::Clause`).
/// `all`: every key of the query, for the policy variables of `c`'s values
/// (`variables`: whether `${…}` is a variable in its policy).
pub(super) fn condition(
    w: &mut Writer,
    key: &Key,
    c: &Condition,
    (all, variables): (&BTreeMap<String, Key>, bool),
) -> String {
    let base = c.operator.base;
    let present = key.present();
    if base == BaseOperator::Null {
        return match c.operator.qualifier {
            Some(Qualifier::ForAllValues) => "true".to_string(),
            Some(Qualifier::ForAnyValue) => "false".to_string(),
            None => {
                // Values are ORed: `true` holds when absent, `false` when present.
                let is = |b: &str| c.values.iter().any(|v| v.eq_ignore_ascii_case(b));
                match (is("true"), is("false")) {
                    (true, true) => "true".to_string(),
                    (true, false) => not(present),
                    (false, true) => present,
                    (false, false) => "false".to_string(),
                }
            }
        };
    }
    let Some(m) = key.elements else {
        let holds = test(w, key.sort, c, &key.value(), (all, variables));
        // A qualifier reads a single value as a one-element set (docs/semantics.md §4).
        return if c.operator.qualifier == Some(Qualifier::ForAnyValue) {
            and(vec![present, holds])
        } else if c.operator.qualifier.is_some() || c.operator.if_exists || base.is_negated() {
            format!("(or (not {present}) {holds})")
        } else {
            and(vec![present, holds])
        };
    };
    // `IfExists` changes nothing under a qualifier (docs/semantics.md §4).
    let per_element =
        (0..m).map(|j| (key.used(j), test(w, key.sort, c, &key.element(j), (all, variables))));
    match c.operator.qualifier {
        // Every element in the set passes: vacuous when absent or empty.
        Some(Qualifier::ForAllValues) => and(per_element
            .map(|(used, t)| if t == "true" { t } else { or(vec![not(used), t]) })
            .collect()),
        // Some element in the set passes: false when absent or empty.
        Some(Qualifier::ForAnyValue) => {
            or(per_element.map(|(used, t)| and(vec![used, t])).collect())
        }
        // Refused in `keys` (opaque in the engine).
        None => "false".to_string(),
    }
}

/// The per-value test of an entry on the value variable `var`: some policy
/// value matches, negated for the negated operators.
fn test(
    w: &mut Writer,
    sort: Option<Sort>,
    c: &Condition,
    var: &str,
    (all, variables): (&BTreeMap<String, Key>, bool),
) -> String {
    let base = c.operator.base;
    let any = match sort {
        None if variables => {
            let (templated, plain): (Vec<&String>, Vec<&String>) =
                c.values.iter().partition(|v| Template::mentions_variable(v));
            let glob = matches!(base, BaseOperator::StringLike | BaseOperator::StringNotLike);
            let mut terms =
                vec![member(var, union_of(plain.iter().map(|v| w.value(base, v)).collect()))];
            terms.extend(templated.iter().map(|v| super::variables::matches(w, all, var, v, glob)));
            or(terms)
        }
        None => member(var, union_of(c.values.iter().map(|v| w.value(base, v)).collect())),
        Some(_) => {
            let terms = c
                .values
                .iter()
                .filter_map(|v| values::predicate(base, v).ok())
                .map(|p| predicate(w, &p, var))
                .collect();
            // A request value of another shape matches no policy value.
            and(vec![not(format!("{var}_bad")), or(dedup(terms))])
        }
    };
    if base.is_negated() {
        not(any)
    } else {
        any
    }
}

/// A typed predicate on `var` (`values::Predicate::holds`).
pub(super) fn predicate(w: &mut Writer, p: &Predicate, var: &str) -> String {
    let (op, x) = match p {
        Predicate::In(range) => return ip_range(var, range),
        Predicate::Eq(x) => ("=", x),
        Predicate::Lt(x) => ("<", x),
        Predicate::Le(x) => ("<=", x),
        Predicate::Gt(x) => (">", x),
        Predicate::Ge(x) => (">=", x),
    };
    let constant = match x {
        Value::Number(n) => real(n),
        Value::Instant(i) => real(&i.to_number()),
        Value::Addr(a) if op == "=" => {
            let range = match a {
                IpAddr::V4(a) => IpRange::V4 { network: u32::from(*a), prefix: 32 },
                IpAddr::V6(a) => IpRange::V6 { network: u128::from(*a), prefix: 128 },
            };
            return ip_range(var, &range);
        }
        Value::Bytes(b) if op == "=" => {
            w.string(&b.iter().map(|b| char::from(*b)).collect::<String>())
        }
        // Addresses and byte strings are not ordered: never holds.
        Value::Addr(_) | Value::Bytes(_) => return "false".to_string(),
    };
    format!("({op} {var} {constant})")
}

/// `var` lies in the range: the family, then the bounds.
fn ip_range(var: &str, range: &IpRange) -> String {
    let (family, lo, hi, max) = match (range.v4_bounds(), range.v6_bounds()) {
        (Some((lo, hi)), _) => (format!("(not {var}_v6)"), lo.into(), hi.into(), u32::MAX.into()),
        (None, Some((lo, hi))) => (format!("{var}_v6"), lo, hi, u128::MAX),
        (None, None) => return "false".to_string(),
    };
    let mut parts = vec![family];
    if lo == hi {
        parts.push(format!("(= {var} {lo})"));
    } else {
        if lo > 0 {
            parts.push(format!("(<= {lo} {var})"));
        }
        if hi < max {
            parts.push(format!("(<= {var} {hi})"));
        }
    }
    and(parts)
}
