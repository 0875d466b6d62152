//! Exact instants for the `Date…` operators (docs/semantics.md §4): the W3C
//! profile of ISO 8601 and epoch seconds, without a date library.

use std::fmt;

use super::number::{simplest_between, Number};

const SECONDS_PER_DAY: i64 = 86_400;

/// `0000-01-01T00:00:00Z` in epoch seconds: the first instant iamcheck
/// represents.
const MIN_SECS: i64 = -62_167_219_200;

/// `10000-01-01T00:00:00Z` in epoch seconds: the first instant past the
/// range (four-digit years).
const END_SECS: i64 = 253_402_300_800;

/// An instant: whole epoch seconds plus an exact decimal fraction of a
/// second, from `0000-01-01T00:00:00Z` (inclusive) to
/// `10000-01-01T00:00:00Z` (exclusive), the instants a four-digit-year ISO
/// form can name in UTC.
///
/// The order is chronological; `Display` is ISO 8601 in UTC
/// (`2020-01-01T00:00:00Z`, `2020-01-01T00:00:00.5Z`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant {
    // INVARIANT: MIN_SECS <= secs < END_SECS; `frac` holds ASCII digits
    // without a trailing zero. The derived order (secs, then frac) is
    // chronological because such digit strings compare like fractions.
    secs: i64,
    frac: String,
}

impl Instant {
    /// Parses a date value:
    /// - a string of ASCII digits only is epoch seconds (`1577836800`), as in
    ///   SIM, so a bare year `2020` reads as epoch seconds too;
    /// - otherwise one of the W3C forms `YYYY-MM`, `YYYY-MM-DD`,
    ///   `YYYY-MM-DDThh:mmTZD`, `YYYY-MM-DDThh:mm:ssTZD`,
    ///   `YYYY-MM-DDThh:mm:ss.sTZD` (one or more fraction digits), with TZD
    ///   `Z` or `+hh:mm`/`-hh:mm`; dates without a time are midnight UTC of
    ///   their first day.
    ///
    /// Fields are range-checked (months 1–12, days of the month with leap
    /// years, hours 0–23, minutes and seconds 0–59, offsets up to 23:59);
    /// the instant must lie in years 0000–9999 UTC.
    ///
    /// # Errors
    /// A message naming the value.
    pub fn parse(text: &str) -> Result<Instant, String> {
        let bad = |why: &str| format!("`{text}` is not a date{why}");
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let secs = text.parse::<i64>().map_err(|_| bad(": out of range"))?;
            return Instant::new(secs, String::new()).ok_or_else(|| bad(": out of range"));
        }
        let (secs, frac) = parse_w3c(text).map_err(|why| bad(&why))?;
        Instant::new(secs, frac).ok_or_else(|| bad(": out of range (years 0000-9999 UTC)"))
    }

    fn new(secs: i64, frac: String) -> Option<Instant> {
        (MIN_SECS..END_SECS).contains(&secs).then_some(Instant { secs, frac })
    }

    /// The instant `secs` seconds after the epoch.
    pub fn from_epoch_seconds(secs: i64) -> Option<Instant> {
        Instant::new(secs, String::new())
    }

    /// Whole seconds since the epoch (rounded down).
    pub fn epoch_seconds(&self) -> i64 {
        self.secs
    }

    /// Seconds since the epoch, exactly.
    pub(crate) fn to_number(&self) -> Number {
        if self.secs >= 0 || self.frac.is_empty() {
            return Number::from_parts(
                self.secs < 0,
                &self.secs.unsigned_abs().to_string(),
                &self.frac,
            );
        }
        let whole = self.secs.unsigned_abs() - 1;
        Number::from_parts(true, &whole.to_string(), &complement(&self.frac))
    }

    /// The instant `n` seconds after the epoch, if in range.
    pub(crate) fn from_number(n: &Number) -> Option<Instant> {
        let int: i64 = match n.int_digits() {
            "" => 0,
            digits => digits.parse().ok()?,
        };
        let frac = n.frac_digits();
        match (n.is_negative(), frac.is_empty()) {
            (false, _) => Instant::new(int, frac.to_string()),
            (true, true) => Instant::new(-int, String::new()),
            (true, false) => Instant::new(-int - 1, complement(frac)),
        }
    }

    /// The simplest instant strictly between `lo` and `hi` (unbounded:
    /// the range's ends): whole seconds first, then closest to the epoch.
    pub(crate) fn simplest_between(lo: Option<&Instant>, hi: Option<&Instant>) -> Option<Instant> {
        let end = Number::from_parts(false, &END_SECS.to_string(), "");
        let lo_n = lo.map(Instant::to_number);
        let hi_n = hi.map_or(end, Instant::to_number);
        let candidate = simplest_between(lo_n.as_ref(), Some(&hi_n))?;
        match Instant::from_number(&candidate) {
            Some(instant) => Some(instant),
            // Below the range: the range's first instant, if inside.
            None if lo.is_none() => {
                let first = Instant { secs: MIN_SECS, frac: String::new() };
                hi.is_none_or(|hi| first < *hi).then_some(first)
            }
            None => None,
        }
    }
}

/// The digits of `1 - 0.frac` for a non-empty `frac` without trailing zero.
fn complement(frac: &str) -> String {
    let bytes = frac.as_bytes();
    let last = bytes.len() - 1;
    bytes
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let sub = if i == last { b'9' + 1 } else { b'9' };
            char::from(sub - d + b'0')
        })
        .collect()
}

/// A W3C date or date-time → (epoch seconds, fraction digits).
fn parse_w3c(text: &str) -> Result<(i64, String), String> {
    let mut c = Cursor { rest: text };
    let year = c.digits(4).ok_or(": expected a four-digit year")?;
    c.eat(b'-').then_some(()).ok_or(": expected `-` after the year")?;
    let month = c.digits(2).ok_or(": expected a two-digit month")?;
    if !(1..=12).contains(&month) {
        return Err(": the month must be 01-12".into());
    }
    if c.rest.is_empty() {
        return Ok((days_from_civil(year, month, 1) * SECONDS_PER_DAY, String::new()));
    }
    c.eat(b'-').then_some(()).ok_or(": expected `-` after the month")?;
    let day = c.digits(2).ok_or(": expected a two-digit day")?;
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!(": {year:04}-{month:02} has no day {day:02}"));
    }
    let midnight = days_from_civil(year, month, day) * SECONDS_PER_DAY;
    if c.rest.is_empty() {
        return Ok((midnight, String::new()));
    }
    let (time, frac) = parse_time(&mut c)?;
    Ok((midnight + time, frac))
}

/// `Thh:mm[:ss[.s+]]TZD` → (seconds since local midnight minus the offset,
/// fraction digits).
fn parse_time(c: &mut Cursor<'_>) -> Result<(i64, String), String> {
    c.eat(b'T').then_some(()).ok_or(": expected `T` before the time")?;
    let hour = c.digits(2).filter(|h| *h < 24).ok_or(": expected an hour 00-23")?;
    c.eat(b':').then_some(()).ok_or(": expected `:` after the hour")?;
    let minute = c.digits(2).filter(|m| *m < 60).ok_or(": expected minutes 00-59")?;
    let mut second = 0;
    let mut frac = String::new();
    if c.eat(b':') {
        second = c.digits(2).filter(|s| *s < 60).ok_or(": expected seconds 00-59")?;
        if c.eat(b'.') {
            let n = c.rest.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return Err(": expected digits after `.`".into());
            }
            frac = c.rest[..n].trim_end_matches('0').to_string();
            c.rest = &c.rest[n..];
        }
    }
    let offset = parse_offset(c)?;
    if !c.rest.is_empty() {
        return Err(format!(": unexpected `{}`", c.rest));
    }
    Ok((hour * 3600 + minute * 60 + second - offset, frac))
}

/// TZD: `Z` or `±hh:mm` → offset in seconds east of UTC.
fn parse_offset(c: &mut Cursor<'_>) -> Result<i64, String> {
    if c.eat(b'Z') {
        return Ok(0);
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(": expected a time zone (`Z`, `+hh:mm` or `-hh:mm`)".into());
    };
    let hours = c.digits(2).filter(|h| *h < 24).ok_or(": expected an offset hour 00-23")?;
    c.eat(b':').then_some(()).ok_or(": expected `:` in the time zone offset")?;
    let minutes = c.digits(2).filter(|m| *m < 60).ok_or(": expected offset minutes 00-59")?;
    Ok(sign * (hours * 3600 + minutes * 60))
}

struct Cursor<'t> {
    rest: &'t str,
}

impl Cursor<'_> {
    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let head = self.rest.get(..n)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = &self.rest[n..];
        head.parse().ok()
    }

    fn eat(&mut self, b: u8) -> bool {
        match self.rest.as_bytes().first() {
            Some(&first) if first == b => {
                self.rest = &self.rest[1..];
                true
            }
            _ => false,
        }
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(self.secs.div_euclid(SECONDS_PER_DAY));
        let time = self.secs.rem_euclid(SECONDS_PER_DAY);
        let (h, m, s) = (time / 3600, time / 60 % 60, time % 60);
        write!(f, "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")?;
        if !self.frac.is_empty() {
            write!(f, ".{}", self.frac)?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Instant {
        Instant::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn w3c_forms() {
        for (text, utc) in [
            ("2020-01", "2020-01-01T00:00:00Z"),
            ("2020-02-29", "2020-02-29T00:00:00Z"),
            ("2020-01-01T10:30Z", "2020-01-01T10:30:00Z"),
            ("2020-01-01T10:30:15Z", "2020-01-01T10:30:15Z"),
            ("2020-01-01T10:30:15.250Z", "2020-01-01T10:30:15.25Z"),
            ("2020-01-01T10:30:15.0Z", "2020-01-01T10:30:15Z"),
            ("1997-07-16T19:20:30.45+01:00", "1997-07-16T18:20:30.45Z"),
            ("1997-07-16T19:20+01:00", "1997-07-16T18:20:00Z"),
            ("2020-01-01T00:00:00-05:30", "2020-01-01T05:30:00Z"),
            ("2020-12-31T23:59:59-23:59", "2021-01-01T23:58:59Z"),
            ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
            ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
            ("0000-01-01", "0000-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59.999999999999Z", "9999-12-31T23:59:59.999999999999Z"),
            ("2000-02-29", "2000-02-29T00:00:00Z"),
        ] {
            assert_eq!(d(text).to_string(), utc, "{text}");
            assert_eq!(d(utc), d(text), "{text}");
        }
    }

    #[test]
    fn epoch_seconds() {
        assert_eq!(d("0").to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(d("1577836800"), d("2020-01-01T00:00:00Z"));
        // A bare four-digit string is epoch seconds (as in SIM).
        assert_eq!(d("2020").to_string(), "1970-01-01T00:33:40Z");
        assert_eq!(d("253402300799").to_string(), "9999-12-31T23:59:59Z");
        assert!(Instant::parse("253402300800").is_err());
        assert!(Instant::parse("99999999999999999999999").unwrap_err().contains("out of range"));
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "",
            "-1",
            "+5",
            "1.5",
            "2021-02-29",
            "1900-02-29",
            "2020-13",
            "2020-00-01",
            "2020-04-31",
            "2020-1-1",
            "20-01-01",
            "2020-01-01T",
            "2020-01-01T10:30",
            "2020-01-01T10:30:00",
            "2020-01-01 10:30:00Z",
            "2020-01-01t10:30:00z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T23:60:00Z",
            "2020-01-01T23:59:60Z",
            "2020-01-01T10:30:00.Z",
            "2020-01-01T10:30:00+0100",
            "2020-01-01T10:30:00+24:00",
            "2020-01-01T10:30:00ZZ",
            "2020-01-01Z",
            "0000-01-01T00:00:00+00:01",
            "January 1, 2020",
        ] {
            assert!(Instant::parse(text).is_err(), "{text}");
        }
        assert!(Instant::parse("2021-02-29").unwrap_err().contains("no day 29"));
    }

    #[test]
    fn civil_round_trip() {
        for days in (-719_528..2_932_897).step_by(997) {
            let (y, m, dd) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, dd), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(0, 1, 1) * SECONDS_PER_DAY, MIN_SECS);
        assert_eq!(days_from_civil(10000, 1, 1) * SECONDS_PER_DAY, END_SECS);
    }

    #[test]
    fn order_and_numbers() {
        let sorted = [
            "0000-01-01",
            "1969-12-31T23:59:59Z",
            "1969-12-31T23:59:59.5Z",
            "1970-01-01",
            "1970-01-01T00:00:00.05Z",
            "1970-01-01T00:00:00.5Z",
            "2020-01-01T00:00:00+01:00",
            "2020-01-01",
        ];
        for (i, a) in sorted.iter().enumerate() {
            for (j, b) in sorted.iter().enumerate() {
                assert_eq!(d(a).cmp(&d(b)), i.cmp(&j), "{a} vs {b}");
            }
            assert_eq!(Instant::from_number(&d(a).to_number()), Some(d(a)));
        }
        assert_eq!(d("1969-12-31T23:59:59.25Z").to_number().to_string(), "-0.75");
    }

    #[test]
    fn simplest_between_instants() {
        let s = |lo: Option<&str>, hi: Option<&str>| {
            Instant::simplest_between(lo.map(d).as_ref(), hi.map(d).as_ref()).map(|x| x.to_string())
        };
        assert_eq!(s(None, None).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(s(Some("2020-01-01T00:00:00Z"), None).as_deref(), Some("2020-01-01T00:00:01Z"));
        assert_eq!(
            s(Some("2020-01-01T00:00:00Z"), Some("2020-01-01T00:00:01Z")).as_deref(),
            Some("2020-01-01T00:00:00.1Z")
        );
        assert_eq!(
            s(None, Some("0000-01-01T00:00:00.5Z")).as_deref(),
            Some("0000-01-01T00:00:00Z")
        );
        assert_eq!(s(None, Some("0000-01-01")), None);
        assert_eq!(
            s(Some("9999-12-31T23:59:59Z"), None).as_deref(),
            Some("9999-12-31T23:59:59.1Z")
        );
    }
}
