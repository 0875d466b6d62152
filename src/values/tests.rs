//! `atoms` against brute force, and the predicate constructors.

use proptest::prelude::*;

use super::*;

fn bits(atom: &TypedAtom) -> Vec<bool> {
    (0..atom.matched.len()).map(|i| atom.matched.contains(i)).collect()
}

fn truth(predicates: &[Predicate], v: &Value) -> Vec<bool> {
    predicates.iter().map(|p| p.holds(v)).collect()
}

/// Every sample lands in exactly one atom (the one whose `matched` equals
/// its truth vector), atoms have distinct vectors, and every witness parses
/// back into its atom.
fn check_partition(sort: Sort, predicates: &[Predicate], samples: &[Value]) {
    let atoms = atoms(sort, predicates);
    for (i, a) in atoms.iter().enumerate() {
        assert_eq!(a.matched.len(), predicates.len());
        for b in &atoms[..i] {
            assert_ne!(a.matched, b.matched, "duplicate atoms {atoms:?}");
        }
        let v = parse_request_value(sort, &a.witness)
            .unwrap_or_else(|| panic!("witness `{}` does not parse", a.witness));
        assert_eq!(truth(predicates, &v), bits(a), "witness `{}` of {predicates:?}", a.witness);
        assert_eq!(witness(&v), a.witness, "witness not canonical");
    }
    for v in samples {
        let t = truth(predicates, v);
        let n = atoms.iter().filter(|a| bits(a) == t).count();
        assert_eq!(n, 1, "sample {v:?} under {predicates:?}: atoms {atoms:?}");
    }
}

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).unwrap())
}

fn constants() -> Vec<&'static str> {
    vec!["-2", "-1.5", "-1", "-0.25", "0", "0.1", "0.25", "1", "1.05", "2", "10"]
}

/// Every multiple of 0.05 in [-3, 11], and some finer and far values.
fn number_samples() -> Vec<Value> {
    let mut out: Vec<Value> = (-60..=220)
        .map(|i: i32| {
            let (sign, m) = (if i < 0 { "-" } else { "" }, i.unsigned_abs() * 5);
            num(&format!("{sign}{}.{:02}", m / 100, m % 100))
        })
        .collect();
    for s in [
        "-1000000",
        "-0.0001",
        "0.0001",
        "0.2501",
        "0.26",
        "1.049",
        "1.051",
        "999999999999999999999",
    ] {
        out.push(num(s));
    }
    out
}

fn numeric_predicate() -> impl Strategy<Value = Predicate> {
    (0..5usize, proptest::sample::select(constants())).prop_map(|(op, c)| {
        let v = num(c);
        match op {
            0 => Predicate::Eq(v),
            1 => Predicate::Lt(v),
            2 => Predicate::Le(v),
            3 => Predicate::Gt(v),
            _ => Predicate::Ge(v),
        }
    })
}

fn date(s: &str) -> Value {
    Value::Instant(Instant::parse(s).unwrap())
}

fn date_constants() -> Vec<&'static str> {
    vec![
        "0000-01-01",
        "1969-12-31T23:59:59.5Z",
        "1970-01-01",
        "1970-01-01T00:00:01Z",
        "1970-01-01T00:00:01.25Z",
        "2020-01-01T00:00:00Z",
        "2020-01-01T00:00:00.5+00:00",
        "9999-12-31T23:59:59Z",
    ]
}

fn date_predicate() -> impl Strategy<Value = Predicate> {
    (0..5usize, proptest::sample::select(date_constants())).prop_map(|(op, c)| {
        let v = date(c);
        match op {
            0 => Predicate::Eq(v),
            1 => Predicate::Lt(v),
            2 => Predicate::Le(v),
            3 => Predicate::Gt(v),
            _ => Predicate::Ge(v),
        }
    })
}

fn date_samples() -> Vec<Value> {
    let mut out: Vec<Value> = date_constants().into_iter().map(date).collect();
    for s in [
        "0000-01-01T00:00:00.1Z",
        "1000-06-15",
        "1969-12-31T23:59:59Z",
        "1969-12-31T23:59:59.75Z",
        "1970-01-01T00:00:00.5Z",
        "1970-01-01T00:00:01.1Z",
        "1970-01-01T00:00:01.3Z",
        "1970-01-01T00:00:02Z",
        "2019-12-31T23:59:59.999Z",
        "2020-01-01T00:00:00.25Z",
        "2020-01-01T00:00:00.75Z",
        "2021-01-01",
        "9999-12-31T23:59:59.999Z",
    ] {
        out.push(date(s));
    }
    out
}

fn ip_constants() -> Vec<&'static str> {
    vec![
        "0.0.0.0/0",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "10.1.2.3",
        "203.0.113.0/24",
        "255.255.255.255/32",
        "::/0",
        "2001:db8::/32",
        "2001:db8:1::/48",
        "::ffff:10.0.0.0/104",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ]
}

fn ip_samples() -> Vec<Value> {
    [
        "0.0.0.0",
        "9.255.255.255",
        "10.0.0.0",
        "10.0.255.255",
        "10.1.0.0",
        "10.1.2.2",
        "10.1.2.3",
        "10.1.2.4",
        "10.1.255.255",
        "10.2.0.0",
        "10.255.255.255",
        "11.0.0.0",
        "203.0.112.255",
        "203.0.113.128",
        "203.0.114.0",
        "255.255.255.254",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:10.1.2.3",
        "::ffff:11.0.0.0",
        "2001:db7:ffff::",
        "2001:db8::",
        "2001:db8:1::5",
        "2001:db8:2::",
        "2001:db9::",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ]
    .iter()
    .map(|s| Value::Addr(parse_addr(s).unwrap()))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(20), ..ProptestConfig::default() })]

    #[test]
    fn numeric_atoms_partition_exactly(ps in proptest::collection::vec(numeric_predicate(), 0..6)) {
        check_partition(Sort::Numeric, &ps, &number_samples());
    }

    #[test]
    fn date_atoms_partition_exactly(ps in proptest::collection::vec(date_predicate(), 0..6)) {
        check_partition(Sort::Date, &ps, &date_samples());
    }

    #[test]
    fn ip_atoms_partition_exactly(picks in proptest::collection::vec(proptest::sample::select(ip_constants()), 0..6)) {
        let ps: Vec<Predicate> =
            picks.iter().map(|c| Predicate::In(IpRange::parse(c).unwrap())).collect();
        check_partition(Sort::Ip, &ps, &ip_samples());
    }

    #[test]
    fn binary_atoms_partition_exactly(picks in proptest::collection::vec(proptest::sample::select(vec!["", "YQ==", "Yg==", "AA==", "YWI="]), 0..5)) {
        let ps: Vec<Predicate> =
            picks.iter().map(|c| predicate(BaseOperator::BinaryEquals, c).unwrap()).collect();
        let samples: Vec<Value> = ["", "YQ==", "Yg==", "Yw==", "AA==", "YWI=", "YWJj"]
            .iter()
            .map(|s| parse_request_value(Sort::Binary, s).unwrap())
            .collect();
        check_partition(Sort::Binary, &ps, &samples);
    }

    /// Adjacent decimal constants: the gap witness lies strictly inside.
    #[test]
    fn numeric_gaps_between_close_constants(a in -1000i64..1000, digits in 1usize..6) {
        let (x, y) = (num(&format!("{a}")), num(&format!("{a}.{}1", "0".repeat(digits))));
        let (lo, hi) = if Predicate::Lt(y.clone()).holds(&x) { (x, y) } else { (y, x) };
        let ps = vec![Predicate::Gt(lo.clone()), Predicate::Lt(hi.clone())];
        let atoms = atoms(Sort::Numeric, &ps);
        let inside: Vec<&TypedAtom> = atoms.iter().filter(|a| bits(a) == [true, true]).collect();
        prop_assert_eq!(inside.len(), 1);
        let w = parse_request_value(Sort::Numeric, &inside[0].witness).unwrap();
        prop_assert!(Predicate::Gt(lo).holds(&w) && Predicate::Lt(hi).holds(&w));
    }
}

#[test]
fn no_predicates_is_one_atom_per_sort() {
    for (sort, witness) in [
        (Sort::Numeric, "0"),
        (Sort::Date, "1970-01-01T00:00:00Z"),
        (Sort::Ip, "0.0.0.0"),
        (Sort::Binary, "YQ=="),
    ] {
        let atoms = atoms(sort, &[]);
        assert_eq!(atoms.len(), 1);
        assert_eq!(atoms[0].witness, witness);
    }
}

#[test]
fn witnesses_are_simple() {
    let w = |sort, ps: &[Predicate]| -> Vec<String> {
        atoms(sort, ps).into_iter().map(|a| a.witness).collect()
    };
    let p = |op, v: &str| predicate(op, v).unwrap();
    use BaseOperator as B;
    assert_eq!(
        w(Sort::Numeric, &[p(B::NumericGreaterThan, "3"), p(B::NumericLessThan, "4")]),
        ["0", "3.1", "4"]
    );
    assert_eq!(
        w(Sort::Date, &[p(B::DateLessThan, "2020-01-01T00:00:00Z")]),
        ["1970-01-01T00:00:00Z", "2020-01-01T00:00:00Z"]
    );
    assert_eq!(w(Sort::Ip, &[p(B::IpAddress, "10.0.0.0/8")]), ["0.0.0.0", "10.0.0.0"]);
    assert_eq!(w(Sort::Ip, &[p(B::IpAddress, "2001:DB8::/32")]), ["0.0.0.0", "2001:db8::"]);
    assert_eq!(w(Sort::Binary, &[p(B::BinaryEquals, "YQ==")]), ["YQ==", "Yg=="]);
}

#[test]
fn predicates_from_operators() {
    use BaseOperator as B;
    assert_eq!(predicate(B::NumericLessThan, "10"), Ok(Predicate::Lt(num("10"))));
    assert_eq!(predicate(B::NumericNotEquals, "1.0"), Ok(Predicate::Eq(num("1"))));
    assert_eq!(predicate(B::DateGreaterThanEquals, "1970-01-01"), Ok(Predicate::Ge(date("0"))));
    assert_eq!(
        predicate(B::NotIpAddress, "10.0.0.0/8"),
        Ok(Predicate::In(IpRange::parse("10.0.0.0/8").unwrap()))
    );
    assert_eq!(predicate(B::BinaryEquals, "YQ=="), Ok(Predicate::Eq(Value::Bytes(b"a".to_vec()))));
    assert_eq!(predicate(B::NumericEquals, "abc"), Err("`abc` is not a number".to_string()));
    assert!(predicate(B::StringEquals, "x").is_err());
}

#[test]
fn ill_sorted_predicates_never_hold() {
    assert!(!Predicate::Lt(num("1")).holds(&date("0")));
    assert!(!Predicate::Lt(Value::Bytes(vec![1])).holds(&Value::Bytes(vec![0])));
    assert!(!Predicate::In(IpRange::parse("::/0").unwrap()).holds(&num("1")));
    assert!(Predicate::Eq(Value::Bytes(vec![1])).holds(&Value::Bytes(vec![1])));
}

#[test]
fn bool_spellings() {
    assert_eq!(parse_bool("true"), Some(true));
    assert_eq!(parse_bool("TRUE"), Some(true));
    assert_eq!(parse_bool("False"), Some(false));
    assert_eq!(parse_bool("yes"), None);
    assert_eq!(parse_bool("1"), None);
    assert_eq!(parse_bool(" true"), None);
}

#[test]
fn request_values_parse_like_policy_values() {
    assert_eq!(parse_request_value(Sort::Numeric, "10.50"), Some(num("10.5")));
    assert_eq!(parse_request_value(Sort::Numeric, "ten"), None);
    assert_eq!(parse_request_value(Sort::Date, "1577836800"), Some(date("2020-01-01")));
    assert_eq!(parse_request_value(Sort::Ip, "10.0.0.0/8"), None);
    assert!(parse_request_value(Sort::Ip, "2001:DB8::1").is_some());
    assert_eq!(parse_request_value(Sort::Binary, "YQ"), None);
}
