//! Exact decimal numbers for the `Numeric…` operators (docs/semantics.md §4).
//!
//! A [`Number`] is a sign and two digit strings, so any length is exact and
//! nothing overflows: no floating point is involved anywhere.

use std::cmp::Ordering;
use std::fmt;

/// An exact decimal: `-3.5`, `0`, `12345678901234567890.25`.
///
/// `Eq` is numeric equality (`1.50` and `1.5` parse to the same value) and
/// the order is the numeric order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number {
    // INVARIANT: `int` has no leading zero, `frac` no trailing zero, and zero
    // is `negative == false` with both strings empty; both hold ASCII digits
    // only.
    negative: bool,
    int: String,
    frac: String,
}

impl Number {
    /// Zero.
    pub fn zero() -> Number {
        Number { negative: false, int: String::new(), frac: String::new() }
    }

    /// Parses the forms iamcheck accepts: an optional sign `+` or `-`, one or
    /// more digits, optionally `.` and one or more digits (`10`, `-3.5`,
    /// `+0.25`, `007`). Exponents (`1e3`), a bare `.5` or `5.`, spaces,
    /// `NaN` and infinities are rejected: AWS documents integers and
    /// decimals only.
    ///
    /// # Errors
    /// A message naming the value (`` `abc` is not a number ``).
    pub fn parse(text: &str) -> Result<Number, String> {
        let bad = || format!("`{text}` is not a number");
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = match rest.split_once('.') {
            Some((int, frac)) => (int, frac),
            None => (rest, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) {
            return Err(if rest.contains(['e', 'E']) {
                format!("`{text}` is not a number: exponents are not accepted")
            } else {
                bad()
            });
        }
        if rest.contains('.') && frac.is_empty() {
            return Err(bad());
        }
        Ok(Number::from_parts(negative, int, frac))
    }

    /// A number from a sign and digit strings (any leading or trailing
    /// zeros).
    pub(crate) fn from_parts(negative: bool, int: &str, frac: &str) -> Number {
        let int = int.trim_start_matches('0').to_string();
        let frac = frac.trim_end_matches('0').to_string();
        let zero = int.is_empty() && frac.is_empty();
        Number { negative: negative && !zero, int, frac }
    }

    /// Whether the number is negative (zero is not).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the number is an integer.
    pub fn is_integer(&self) -> bool {
        self.frac.is_empty()
    }

    /// The integer part's digits (no leading zero; empty for zero).
    pub(crate) fn int_digits(&self) -> &str {
        &self.int
    }

    /// The fraction's digits (no trailing zero).
    pub(crate) fn frac_digits(&self) -> &str {
        &self.frac
    }

    /// `-self`.
    pub fn negated(&self) -> Number {
        Number::from_parts(!self.negative, &self.int, &self.frac)
    }

    fn cmp_magnitude(&self, other: &Number) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            // Without trailing zeros, digit strings compare like fractions.
            .then_with(|| self.frac.cmp(&other.frac))
    }

    /// The smallest multiple of `10^-k` strictly greater than `self`, for a
    /// non-negative `self`.
    fn next_multiple(&self, k: usize) -> Number {
        let mut digits: Vec<u8> = self.int.bytes().collect();
        digits.extend(self.frac.bytes().chain(std::iter::repeat(b'0')).take(k));
        increment(&mut digits);
        let (int, frac) = digits.split_at(digits.len().saturating_sub(k));
        let int = String::from_utf8_lossy(int).into_owned();
        let frac = String::from_utf8_lossy(frac).into_owned();
        Number::from_parts(false, &int, &frac)
    }
}

/// Adds one to a big-endian string of ASCII digits, growing it on carry.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The canonical form: no `+`, no leading zero (but `0.5`), no trailing
/// fraction zero, no `.` for integers, `0` for zero.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str(if self.int.is_empty() { "0" } else { &self.int })?;
        if !self.frac.is_empty() {
            write!(f, ".{}", self.frac)?;
        }
        Ok(())
    }
}

/// The simplest number strictly between `lo` and `hi` (`None` is unbounded):
/// fewest fraction digits first, then closest to zero. `None` when the
/// interval is empty (`lo >= hi`).
pub(crate) fn simplest_between(lo: Option<&Number>, hi: Option<&Number>) -> Option<Number> {
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo >= hi {
            return None;
        }
    }
    let zero = Number::zero();
    let above_lo = lo.is_none_or(|lo| *lo < zero);
    let below_hi = hi.is_none_or(|hi| zero < *hi);
    match (above_lo, below_hi) {
        (true, true) => Some(zero),
        (false, _) => lo.map(|lo| simplest_above(lo, hi)),
        (true, false) => {
            let hi = hi?.negated();
            let lo = lo.map(Number::negated);
            Some(simplest_above(&hi, lo.as_ref()).negated())
        }
    }
}

/// The simplest number in `(lo, hi)` for `0 <= lo < hi`.
fn simplest_above(lo: &Number, hi: Option<&Number>) -> Number {
    // With k at least both fraction lengths, lo and hi are multiples of
    // 10^-k, so lo + 10^-(k+1) < hi: the loop ends by then.
    let bound = lo.frac.len().max(hi.map_or(0, |h| h.frac.len())) + 1;
    let mut k = 0;
    loop {
        let candidate = lo.next_multiple(k);
        if k >= bound || hi.is_none_or(|hi| candidate < *hi) {
            return candidate;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn accepted_forms_and_canonical_display() {
        for (text, canonical) in [
            ("10", "10"),
            ("-3.5", "-3.5"),
            ("0.25", "0.25"),
            ("+7", "7"),
            ("007", "7"),
            ("1.500", "1.5"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("0.000", "0"),
            (
                "123456789012345678901234567890.000000000000000000001",
                "123456789012345678901234567890.000000000000000000001",
            ),
        ] {
            assert_eq!(n(text).to_string(), canonical, "{text}");
            assert_eq!(n(canonical), n(text));
        }
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "", "-", "+", "abc", "1e3", "1E-2", ".5", "5.", "1.2.3", " 1", "1 ", "--1", "NaN",
            "0x10", "1_000", "١",
        ] {
            assert!(Number::parse(text).is_err(), "{text}");
        }
        assert_eq!(Number::parse("abc").unwrap_err(), "`abc` is not a number");
        assert!(Number::parse("1e3").unwrap_err().contains("exponent"));
    }

    #[test]
    fn order_is_numeric() {
        let sorted = [
            "-100", "-10.5", "-10", "-9.99", "-0.5", "0", "0.05", "0.5", "0.51", "1", "9", "10",
            "100.001",
        ];
        for (i, a) in sorted.iter().enumerate() {
            for (j, b) in sorted.iter().enumerate() {
                assert_eq!(n(a).cmp(&n(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn simplest_between_prefers_integers_near_zero() {
        let s = |lo: Option<&str>, hi: Option<&str>| {
            simplest_between(lo.map(n).as_ref(), hi.map(n).as_ref()).map(|x| x.to_string())
        };
        assert_eq!(s(None, None).as_deref(), Some("0"));
        assert_eq!(s(Some("3"), Some("7")).as_deref(), Some("4"));
        assert_eq!(s(Some("3"), None).as_deref(), Some("4"));
        assert_eq!(s(None, Some("-5")).as_deref(), Some("-6"));
        assert_eq!(s(None, Some("5")).as_deref(), Some("0"));
        assert_eq!(s(Some("-2.5"), Some("-2")).as_deref(), Some("-2.1"));
        assert_eq!(s(Some("3"), Some("4")).as_deref(), Some("3.1"));
        assert_eq!(s(Some("0.25"), Some("0.26")).as_deref(), Some("0.251"));
        assert_eq!(s(Some("0.1"), Some("0.2")).as_deref(), Some("0.11"));
        assert_eq!(s(Some("9.99"), Some("10.5")).as_deref(), Some("10"));
        assert_eq!(s(Some("1"), Some("1")), None);
        assert_eq!(s(Some("-0.5"), Some("0.5")).as_deref(), Some("0"));
        assert_eq!(s(Some("0"), Some("0.001")).as_deref(), Some("0.0001"));
    }
}
