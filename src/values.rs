//! Typed condition values: exact numbers, instants, IP ranges and byte
//! strings for the Numeric, Date, IpAddress/NotIpAddress and BinaryEquals
//! operators, and `Bool`'s spellings (docs/semantics.md §4).
//!
//! Two users share this module: `simulate` evaluates one request value with
//! [`Predicate::holds`], and the engine partitions each sort's whole domain
//! with [`atoms`]. Both read values with the same parsers, so a witness
//! printed by [`atoms`] lands back in its atom.
//!
//! ```
//! use iamcheck::values::{atoms, predicate, Sort};
//! use iamcheck::policy::BaseOperator;
//! let p = vec![predicate(BaseOperator::NumericLessThan, "10")?];
//! let atoms = atoms(Sort::Numeric, &p);
//! let witnesses: Vec<&str> = atoms.iter().map(|a| a.witness.as_str()).collect();
//! assert_eq!(witnesses, ["0", "10"]); // below 10, and 10 or above
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use fixedbitset::FixedBitSet;

use crate::policy::condition::Family;
use crate::policy::BaseOperator;

pub mod binary;
pub mod date;
pub mod ip;
pub mod number;

pub use date::Instant;
pub use ip::{parse_addr, IpRange};
pub use number::Number;

/// The typed sorts (string-like families use automata instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Exact decimals ([`Number`]).
    Numeric,
    /// Instants ([`Instant`]).
    Date,
    /// IPv4 and IPv6 addresses.
    Ip,
    /// Byte strings, written in base64.
    Binary,
}

impl Sort {
    /// The sort of an operator family, if it is typed.
    pub fn of(family: Family) -> Option<Sort> {
        match family {
            Family::Numeric => Some(Sort::Numeric),
            Family::Date => Some(Sort::Date),
            Family::Ip => Some(Sort::Ip),
            Family::Binary => Some(Sort::Binary),
            Family::String | Family::Arn | Family::Bool | Family::Null => None,
        }
    }

    /// What a value of the sort is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Sort::Numeric => "a number",
            Sort::Date => "a date",
            Sort::Ip => "an IP address or CIDR range",
            Sort::Binary => "base64",
        }
    }
}

/// One value of a sort's domain: what a request carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A number.
    Number(Number),
    /// An instant.
    Instant(Instant),
    /// An IPv4 or IPv6 address.
    Addr(IpAddr),
    /// A byte string.
    Bytes(Vec<u8>),
}

/// A policy value as read for its operator: an IP range for
/// `IpAddress`/`NotIpAddress`, otherwise a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A number, instant or byte string.
    Value(Value),
    /// A CIDR range.
    Range(IpRange),
}

/// A test of a request value `v` against a policy value. Comparisons hold
/// only between values of the same sort; `In` only for addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Predicate {
    /// `v == x`.
    Eq(Value),
    /// `v < x`.
    Lt(Value),
    /// `v <= x`.
    Le(Value),
    /// `v > x`.
    Gt(Value),
    /// `v >= x`.
    Ge(Value),
    /// `v` lies in the range.
    In(IpRange),
}

impl Predicate {
    /// Whether the predicate holds for `v`. An ill-sorted pairing (a number
    /// against an instant, an order on addresses or bytes) never holds.
    pub fn holds(&self, v: &Value) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Predicate::In(range) => matches!(v, Value::Addr(a) if range.contains(*a)),
            Predicate::Eq(x) => compare(v, x, true) == Some(Equal),
            Predicate::Lt(x) => compare(v, x, false) == Some(Less),
            Predicate::Le(x) => matches!(compare(v, x, false), Some(Less | Equal)),
            Predicate::Gt(x) => compare(v, x, false) == Some(Greater),
            Predicate::Ge(x) => matches!(compare(v, x, false), Some(Greater | Equal)),
        }
    }

    fn operand(&self) -> Option<&Value> {
        match self {
            Predicate::Eq(x)
            | Predicate::Lt(x)
            | Predicate::Le(x)
            | Predicate::Gt(x)
            | Predicate::Ge(x) => Some(x),
            Predicate::In(_) => None,
        }
    }
}

/// Orders two values of the same ordered sort; `equality` also admits
/// addresses and byte strings (compared for equality only).
fn compare(v: &Value, x: &Value, equality: bool) -> Option<std::cmp::Ordering> {
    match (v, x) {
        (Value::Number(a), Value::Number(b)) => Some(a.cmp(b)),
        (Value::Instant(a), Value::Instant(b)) => Some(a.cmp(b)),
        (Value::Addr(a), Value::Addr(b)) if equality => Some(a.cmp(b)),
        (Value::Bytes(a), Value::Bytes(b)) if equality => Some(a.cmp(b)),
        _ => None,
    }
}

/// Reads a policy value of `sort` (IP: a CIDR range or a bare address).
///
/// # Errors
/// A message naming the value, such as `` `abc` is not a number ``.
pub fn parse_policy_value(sort: Sort, text: &str) -> Result<Operand, String> {
    Ok(match sort {
        Sort::Numeric => Operand::Value(Value::Number(Number::parse(text)?)),
        Sort::Date => Operand::Value(Value::Instant(Instant::parse(text)?)),
        Sort::Ip => Operand::Range(IpRange::parse(text)?),
        Sort::Binary => Operand::Value(Value::Bytes(binary::decode(text)?)),
    })
}

/// Reads a request value of `sort` with the same grammar as policy values
/// (IP: one address, no prefix). `None` when it does not parse.
pub fn parse_request_value(sort: Sort, text: &str) -> Option<Value> {
    match sort {
        Sort::Numeric => Number::parse(text).ok().map(Value::Number),
        Sort::Date => Instant::parse(text).ok().map(Value::Instant),
        Sort::Ip => parse_addr(text).map(Value::Addr),
        Sort::Binary => binary::decode(text).ok().map(Value::Bytes),
    }
}

/// The predicate of the positive form of `base` against policy value
/// `text`: `NumericLessThan 10` is `Lt(10)`, `NumericNotEquals 10` is
/// `Eq(10)` (the caller negates), `IpAddress`/`NotIpAddress` are `In`,
/// `BinaryEquals` is `Eq`.
///
/// # Errors
/// The operator is not typed, or the value does not parse.
pub fn predicate(base: BaseOperator, text: &str) -> Result<Predicate, String> {
    use BaseOperator as B;
    let sort = Sort::of(base.family())
        .ok_or_else(|| format!("`{}` does not take typed values", base.as_str()))?;
    let value = match parse_policy_value(sort, text)? {
        Operand::Range(range) => return Ok(Predicate::In(range)),
        Operand::Value(value) => value,
    };
    Ok(match base {
        B::NumericLessThan | B::DateLessThan => Predicate::Lt(value),
        B::NumericLessThanEquals | B::DateLessThanEquals => Predicate::Le(value),
        B::NumericGreaterThan | B::DateGreaterThan => Predicate::Gt(value),
        B::NumericGreaterThanEquals | B::DateGreaterThanEquals => Predicate::Ge(value),
        _ => Predicate::Eq(value),
    })
}

/// `Bool`'s spellings: `true` and `false` in any ASCII case (AWS honours
/// `"True"` in practice; iam-semantics.md §3.5).
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// One region of a sort's domain on which every predicate agrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedAtom {
    /// A canonical request value in the region, which
    /// [`parse_request_value`] reads back into it.
    pub witness: String,
    /// Bit `i` is set iff predicate `i` holds on the region.
    pub matched: FixedBitSet,
}

/// Partitions the whole domain of `sort` (all numbers; all instants of
/// years 0000–9999; all IPv4 and IPv6 addresses; all byte strings) into
/// regions on which every predicate agrees, one atom per distinct truth
/// vector (the first region found keeps its witness).
///
/// Complete and exact: every value of the domain satisfies exactly the
/// predicates of one atom's `matched`, and every witness parses back to a
/// value of its atom. Witnesses prefer simple values: integers, whole
/// seconds, round addresses (`0.0.0.0`, `::`, `10.0.0.0`).
pub fn atoms(sort: Sort, predicates: &[Predicate]) -> Vec<TypedAtom> {
    let representatives = match sort {
        Sort::Numeric => ordered(
            predicates,
            |v| match v {
                Value::Number(n) => Some(n.clone()),
                _ => None,
            },
            number::simplest_between,
            Value::Number,
        ),
        Sort::Date => ordered(
            predicates,
            |v| match v {
                Value::Instant(i) => Some(i.clone()),
                _ => None,
            },
            Instant::simplest_between,
            Value::Instant,
        ),
        Sort::Ip => addresses(predicates),
        Sort::Binary => byte_strings(predicates),
    };
    let mut out: Vec<TypedAtom> = Vec::new();
    for value in representatives {
        let mut matched = FixedBitSet::with_capacity(predicates.len());
        for (i, p) in predicates.iter().enumerate() {
            matched.set(i, p.holds(&value));
        }
        if out.iter().all(|a| a.matched != matched) {
            out.push(TypedAtom { witness: witness(&value), matched });
        }
    }
    out
}

/// The request-value spelling of a domain value.
fn witness(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Instant(i) => i.to_string(),
        Value::Addr(a) => a.to_string(),
        Value::Bytes(b) => binary::encode(b),
    }
}

/// One value per region of a dense ordered domain cut at the predicates'
/// constants: the open gaps (ends included) and the points, in order.
fn ordered<T: Ord + Clone>(
    predicates: &[Predicate],
    constant: impl Fn(&Value) -> Option<T>,
    between: impl Fn(Option<&T>, Option<&T>) -> Option<T>,
    wrap: impl Fn(T) -> Value,
) -> Vec<Value> {
    let mut points: Vec<T> =
        predicates.iter().filter_map(Predicate::operand).filter_map(&constant).collect();
    points.sort();
    points.dedup();
    let mut out = Vec::with_capacity(2 * points.len() + 1);
    let mut lo: Option<&T> = None;
    for p in &points {
        out.extend(between(lo, Some(p)));
        out.push(p.clone());
        lo = Some(p);
    }
    out.extend(between(lo, None));
    out.into_iter().map(wrap).collect()
}

/// One address per region of IPv4 and of IPv6, cut at range boundaries.
fn addresses(predicates: &[Predicate]) -> Vec<Value> {
    let ranges: Vec<IpRange> = predicates
        .iter()
        .filter_map(|p| match p {
            Predicate::In(range) => Some(*range),
            Predicate::Eq(Value::Addr(IpAddr::V4(a))) => {
                Some(IpRange::V4 { network: u32::from(*a), prefix: 32 })
            }
            Predicate::Eq(Value::Addr(IpAddr::V6(a))) => {
                Some(IpRange::V6 { network: u128::from(*a), prefix: 128 })
            }
            _ => None,
        })
        .collect();
    let v4 = ranges.iter().filter_map(|r| r.v4_bounds()).map(|(a, b)| (a.into(), b.into()));
    let v6 = ranges.iter().filter_map(IpRange::v6_bounds);
    let mut out: Vec<Value> = cut(u32::MAX.into(), v4)
        .into_iter()
        .map(|v| Value::Addr(Ipv4Addr::from(u32::try_from(v).unwrap_or(u32::MAX)).into()))
        .collect();
    out.extend(cut(u128::MAX, v6).into_iter().map(|v| Value::Addr(Ipv6Addr::from(v).into())));
    out
}

/// The roundest value of each region of `[0, max]` cut at the given
/// inclusive intervals' ends.
fn cut(max: u128, intervals: impl Iterator<Item = (u128, u128)>) -> Vec<u128> {
    let mut starts = vec![0u128];
    for (first, last) in intervals {
        starts.push(first);
        if last < max {
            starts.push(last + 1);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let ends = starts.iter().skip(1).map(|s| s - 1).chain(std::iter::once(max));
    starts.iter().zip(ends).map(|(lo, hi)| ip::roundest(*lo, hi)).collect()
}

/// Each constant byte string, then one byte string equal to none of them.
fn byte_strings(predicates: &[Predicate]) -> Vec<Value> {
    let mut constants: Vec<&[u8]> = predicates
        .iter()
        .filter_map(|p| match p {
            Predicate::Eq(Value::Bytes(b)) => Some(b.as_slice()),
            _ => None,
        })
        .collect();
    constants.sort_unstable();
    constants.dedup();
    let other = (0u64..)
        .map(nth_byte_string)
        .find(|c| !constants.contains(&c.as_slice()))
        .unwrap_or_default();
    let mut out: Vec<Value> = constants.iter().map(|c| Value::Bytes(c.to_vec())).collect();
    out.push(Value::Bytes(other));
    out
}

/// The `n`th byte string in a readable order: `a`…`z`, then every byte
/// string by length and value (bijective base 256), starting with the empty
/// one.
fn nth_byte_string(n: u64) -> Vec<u8> {
    if let Some(letter) = u8::try_from(n).ok().filter(|n| *n < 26) {
        return vec![b'a' + letter];
    }
    let mut n = n - 26;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((n % 256) as u8);
        n /= 256;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests;
