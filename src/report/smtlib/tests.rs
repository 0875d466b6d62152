use super::strings::{Pat, PARTITIONS};
use super::*;
use crate::parse_policy;

fn policy(text: &str, ty: PolicyType) -> Policy {
    match parse_policy(text, ty) {
        Ok(p) => p.policy,
        Err(e) => panic!("{e}"),
    }
}

fn identity(statement: &str) -> Policy {
    policy(
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
        PolicyType::Identity,
    )
}

/// Parentheses balance outside string literals and comments.
fn balanced(script: &str) -> bool {
    let mut depth = 0i64;
    for line in script.lines() {
        let mut in_str = false;
        for c in line.chars() {
            match (in_str, c) {
                (false, ';') => break,
                (_, '"') => in_str = !in_str,
                (false, '(') => depth += 1,
                (false, ')') => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return false;
            }
        }
        if in_str {
            return false;
        }
    }
    depth == 0
}

#[test]
fn partitions_match_the_engine() {
    let engine = crate::iam::partition::regex();
    assert_eq!(format!("(?:{})", PARTITIONS.join("|")), engine);
}

#[test]
fn string_literals_escape_quotes_backslashes_and_non_ascii() {
    let mut w = Writer::default();
    assert_eq!(w.string(r#"a"b"#), r#""a""b""#);
    assert_eq!(w.string(r"a\u{41}"), r#""a\u{5c}u{41}""#);
    assert_eq!(w.string("é\n"), r#""\u{e9}\u{a}""#);
    assert!(w.unsupported.is_empty());
    w.string("\u{10ffff}");
    assert_eq!(w.unsupported.len(), 1);
}

#[test]
fn globs_translate_wildcards() {
    let mut w = Writer::default();
    assert_eq!(w.string_like("**"), Pat::All);
    assert_eq!(
        w.string_like("a**b?"),
        Pat::Re(r#"(re.++ (str.to_re "a") re.all (str.to_re "b") re.allchar)"#.into())
    );
    assert_eq!(w.action("S3:Get*"), Pat::Re(r#"(re.++ (str.to_re "s3:get") re.all)"#.into()));
    assert_eq!(w.arn("arn:aws:s3"), Pat::Nothing);
    assert_eq!(w.resource("arn:aws:s3"), "false");
    assert_eq!(w.resource("*"), "true");
    assert_eq!(
        w.resource("arn:aws:s3:::b/*"),
        r#"(and (= r_partition "aws") (= r_service "s3") (= r_region "") (= r_account "") (str.in_re r_resource (re.++ (str.to_re "b/") re.all)))"#
    );
    assert_eq!(
        w.resource("arn:*:e?2*"),
        r#"(str.in_re r_service (re.++ (str.to_re "e") re.allchar (str.to_re "2") re.all))"#
    );
    assert_eq!(
        w.literal_ignore_ascii_case("a1"),
        Pat::Re(r#"(re.++ (re.union (str.to_re "a") (str.to_re "A")) (str.to_re "1"))"#.into())
    );
}

#[test]
fn no_new_access_script_has_the_goal_and_is_balanced() {
    let old = identity(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#);
    let new = identity(
        r#"{"Sid":"q\"uote","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b\"é/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-\"1"}}},
           {"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#,
    );
    let s = no_new_access(&old, &new, PolicyType::Identity).unwrap();
    assert!(s.starts_with("; SMT-LIB 2 export of iamcheck"));
    assert!(s.contains("; sat <=> the check FAILs"));
    assert!(s.contains("(set-logic ALL)"));
    assert!(s.contains("(declare-const action String)"));
    assert!(!s.contains("(declare-const principal String)"));
    assert!(s.contains("(declare-const k_present_0 Bool)"));
    assert!(s.contains("(declare-const k_0 String)"));
    assert!(s.contains(r#"(str.to_re "b""\u{e9}/")"#));
    assert!(s.contains(r#"(str.in_re k_0 (str.to_re "vpc-""1"))"#));
    assert!(s.contains("(assert (and allow_new (not allow_existing)))"));
    assert!(s.contains("(define-fun allow_new () Bool (and new_s0 (not new_s1)))"));
    assert!(s.trim_end().ends_with("(check-sat)\n(get-model)".trim_end()));
    assert!(balanced(&s), "{s}");
}

#[test]
fn access_not_granted_script_for_resource_policies_has_a_principal() {
    let p = policy(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::111122223333:role/p/r"]},"Action":"s3:*","Resource":"*"}}"#,
        PolicyType::Resource,
    );
    let access = Access { actions: vec!["s3:DeleteBucket".into()], resources: vec![] };
    let s = access_not_granted(&p, &access, PolicyType::Resource).unwrap();
    assert!(s.contains("(declare-const principal String)"));
    assert!(s.contains("(assert (and allow_policy allow_access))"));
    assert!(s.contains(r#"(str.to_re "s3:deletebucket")"#));
    assert!(s.contains(r#"(str.to_re "arn:aws:sts::111122223333:assumed-role/r/")"#));
    assert!(balanced(&s), "{s}");
}

#[test]
fn missing_key_rules() {
    let p = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"k":"v"},"StringLikeIfExists":{"k":"x*"},"Null":{"j":"true"}}},
           {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"b":"maybe"}}}"#,
    );
    let s = no_new_access(&p, &p, PolicyType::Identity).unwrap();
    // keys: b, j, k by folded name
    assert!(s.contains("(not k_present_1)"));
    assert!(s.contains(r#"(or (not k_present_2) (not (str.in_re k_2 (str.to_re "v"))))"#));
    assert!(s.contains(r#"(or (not k_present_2) (str.in_re k_2 (re.++ (str.to_re "x") re.all)))"#));
    // A non-boolean `Bool` value never matches: the statement matches nothing.
    assert!(s.contains("(define-fun new_s1 () Bool false)"));
    assert!(s.contains(";   k_present_2 / k_2  condition key \"k\" is present"));
    assert!(s.contains("; @key 2 string single \"k\"\n"));
}

#[test]
fn unsupported_constructs_are_refused_with_reasons() {
    let cases = [
        // Mixed sorts on one key (`aws:EpochTime` is one sort: smtlib_states_epoch_seconds…).
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:CurrentTime":"1"},"DateLessThan":{"aws:CurrentTime":"1"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":"1"},"StringEquals":{"n":"1"}}}"#,
        // Unqualified operators on multivalued keys (documented, or qualified elsewhere).
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"k":"a"},"StringLike":{"k":"a"}}}"#,
        // Policy variables the export cannot state: a key of the caller, two
        // variables, wildcards on both sides, a variable before the resource
        // part, IgnoreCase, Arn and typed operators, a multivalued key.
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:username":"1"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::${a}${b}"}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*${a}*"}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:${a}::b"}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"k":"${a}"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"k":"arn:aws:s3:::${a}"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"k":"${a}"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::${aws:TagKeys}"}"#,
        // An opaque construct of the engine (semantics.md §1).
        r#"{"Effect":"Allow","Action":"lambda:ListFunctions ","Resource":"*"}"#,
    ];
    for st in cases {
        let p = identity(st);
        let e = no_new_access(&p, &p, PolicyType::Identity).unwrap_err();
        assert!(!e.reasons().is_empty(), "{st}: {e}");
    }
    // Null alone on a multivalued key is expressible.
    let p = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TagKeys":"false"}}}"#,
    );
    assert!(no_new_access(&p, &p, PolicyType::Identity).is_ok());
}

#[test]
fn key_names_in_comments_cannot_break_lines() {
    let p = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a\nb":"v"}}}"#,
    );
    let s = no_new_access(&p, &p, PolicyType::Identity).unwrap();
    assert!(s.contains(r#"condition key "a\nb""#));
    assert!(balanced(&s));
}

/// The body of the statement `new_s{index}` of a no-new-access export of
/// one policy against itself.
fn statement(statements: &str, index: usize) -> (String, String) {
    let p = identity(statements);
    let s = no_new_access(&p, &p, PolicyType::Identity).unwrap_or_else(|e| panic!("{e}"));
    assert!(balanced(&s), "{s}");
    let prefix = format!("(define-fun new_s{index} () Bool ");
    let line = s.lines().find(|l| l.starts_with(&prefix)).unwrap_or_default();
    let body = line.strip_prefix(&prefix).and_then(|l| l.strip_suffix(')')).unwrap_or_default();
    (body.to_string(), s)
}

#[test]
fn typed_constants_are_exact() {
    use crate::values::{Instant, Number};
    let n = |t: &str| keys::real(&Number::parse(t).unwrap());
    assert_eq!(n("10"), "10.0");
    assert_eq!(n("+0.250"), "0.25");
    assert_eq!(n("-3.5"), "(- 3.5)");
    assert_eq!(n("-0"), "0.0");
    assert_eq!(n("007.10"), "7.1");
    assert_eq!(
        n("123456789012345678901234567890.000000000000000000001"),
        "123456789012345678901234567890.000000000000000000001"
    );
    // The date domain's ends are the engine's.
    let secs = |t: &str| Instant::parse(t).unwrap().epoch_seconds();
    assert_eq!(keys::DATE_MIN, secs("0000-01-01T00:00:00Z"));
    assert_eq!(keys::DATE_END, secs("9999-12-31T23:59:59Z") + 1);
    let instant = |t: &str| keys::real(&Instant::parse(t).unwrap().to_number());
    assert_eq!(instant("2020-01-01T01:00:00.5+01:00"), "1577836800.5");
    assert_eq!(instant("1969-12-31T23:59:59.25Z"), "(- 0.75)");
    assert_eq!(instant("0000-01-01"), "(- 62167219200.0)");

    let (body, s) = statement(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":["2.5","-1"]},"NumericNotEquals":{"m":"7"},"DateGreaterThanEquals":{"d":"2020-01-01"},"BinaryEqualsIfExists":{"b":"AAH/"}}}"#,
        0,
    );
    assert!(s.contains("(declare-const k_2 Real)"), "{s}");
    assert!(s.contains("(declare-const k_1 Real)\n(declare-const k_1_bad Bool)\n(assert (and (<= (- 62167219200.0) k_1) (< k_1 253402300800.0)))"), "{s}");
    assert!(s.contains("(declare-const k_0 String)\n(declare-const k_0_bad Bool)\n(assert (str.in_re k_0 (re.* (re.range \"\\u{0}\" \"\\u{ff}\"))))"), "{s}");
    assert!(s.contains("; @key 1 date single \"d\""));
    assert_eq!(
        body,
        r#"(and (and k_present_3 (and (not k_3_bad) (or (< k_3 2.5) (< k_3 (- 1.0))))) (or (not k_present_2) (not (and (not k_2_bad) (= k_2 7.0)))) (and k_present_1 (and (not k_1_bad) (>= k_1 1577836800.0))) (or (not k_present_0) (and (not k_0_bad) (= k_0 "\u{0}\u{1}\u{ff}"))))"#
    );
}

#[test]
fn ip_ranges_are_family_and_bounds() {
    let (body, s) = statement(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.1.2.3/8","192.0.2.7","0.0.0.0/0","2001:DB8::/32","::/0"]}}}"#,
        0,
    );
    assert!(
        s.contains(
            "(declare-const k_0 Int)\n(declare-const k_0_bad Bool)\n(assert (not k_0_bad))\n(declare-const k_0_v6 Bool)\n"
        ),
        "{s}"
    );
    assert!(s.contains(
        "(assert (and (<= 0 k_0) (<= k_0 (ite k_0_v6 340282366920938463463374607431768211455 4294967295))))"
    ));
    assert_eq!(
        body,
        "(and k_present_0 (and (not k_0_bad) (or (and (not k_0_v6) (<= 167772160 k_0) (<= k_0 184549375)) (and (not k_0_v6) (= k_0 3221225991)) (not k_0_v6) (and k_0_v6 (<= 42540766411282592856903984951653826560 k_0) (<= k_0 42540766490510755371168322545197776895)) k_0_v6)))"
    );
    let (body, _) = statement(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#,
        0,
    );
    assert_eq!(
        body,
        "(or (not k_present_0) (not (and (not k_0_bad) (and (not k_0_v6) (<= 167772160 k_0) (<= k_0 184549375)))))"
    );
}

#[test]
fn multivalued_keys_get_one_element_per_distinct_qualified_entry() {
    let statements = r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"},"ForAllValues:StringNotEqualsIfExists":{"aws:TagKeys":["x","y"]},"Null":{"aws:TagKeys":"false"}}},
        {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"},"ForAnyValue:IpAddressIfExists":{"ip":"10.0.0.0/8"},"ForAllValues:Null":{"z":"true"},"ForAnyValue:Null":{"y":"false"}}}"#;
    let (body, s) = statement(statements, 0);
    // Two distinct qualified entries on aws:TagKeys (the repeated one counts once).
    assert!(s.contains("; @key 0 string multi 2 \"aws:TagKeys\""), "{s}");
    assert!(s.contains("(declare-const k_0_0 String)\n(declare-const k_0_1 String)\n"));
    assert!(s.contains("(declare-const k_used_0_1 Bool)\n(assert (=> k_used_0_1 k_present_0))"));
    assert!(!s.contains("k_0_2"));
    assert_eq!(
        body,
        r#"(and (or (and k_used_0_0 (str.in_re k_0_0 (re.++ (str.to_re "a") re.all))) (and k_used_0_1 (str.in_re k_0_1 (re.++ (str.to_re "a") re.all)))) (and (or (not k_used_0_0) (not (str.in_re k_0_0 (re.union (str.to_re "x") (str.to_re "y"))))) (or (not k_used_0_1) (not (str.in_re k_0_1 (re.union (str.to_re "x") (str.to_re "y")))))) k_present_0)"#
    );
    // A typed set: IP elements with their own family flags; ForAnyValue:Null
    // is false, so the statement matches nothing; ForAllValues:Null is true.
    assert!(s.contains("; @key 1 ip multi 1 \"ip\""), "{s}");
    assert!(s.contains("(declare-const k_1_0 Int)\n(declare-const k_1_0_bad Bool)\n(declare-const k_1_0_v6 Bool)\n"));
    assert!(s.contains("; @key 2 string multi 0 \"y\""));
    assert!(s.contains("(define-fun new_s1 () Bool false)"), "{s}");
    let (body, _) = statement(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:Null":{"z":"true"},"ForAnyValue:IpAddress":{"ip":"10.0.0.0/8"}}}"#,
        0,
    );
    assert_eq!(
        body,
        "(and k_used_0_0 (and (not k_0_0_bad) (and (not k_0_0_v6) (<= 167772160 k_0_0) (<= k_0_0 184549375))))"
    );
}

#[test]
fn policy_variables_with_one_literal_side_are_stated_exactly() {
    let p = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::b/${aws:PrincipalTag/u}/*","arn:aws:s3:::c/*${t, 'd'}"],"Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/u}/*"}}}"#,
    );
    let s = match no_new_access(&p, &p, PolicyType::Identity) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(balanced(&s));
    // A literal prefix, then the value of the tag: one `str.prefixof` per use.
    assert!(s.contains(r#"(str.prefixof (str.++ "b/" k_"#), "{s}");
    // A literal suffix (empty) after a wildcard: the mirror image.
    assert!(s.contains("(str.suffixof (str.++ k_"), "{s}");
    // The default when the key is absent, a literal.
    assert!(s.contains(r#"(= r_resource "c/d")"#) || s.contains(r#""c/""#), "{s}");
    // The variable-only key is declared.
    assert!(s.contains("aws:PrincipalTag/u") && s.contains("(declare-const k_present_"));
    // Under Version 2008-10-17 the text is literal and needs no key.
    let old = policy(
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${x}"}]}"#,
        PolicyType::Identity,
    );
    let s = match no_new_access(&old, &old, PolicyType::Identity) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(s.contains("${x}") && !s.contains("(str.prefixof (str.++ \"b/\""), "{s}");
}

#[test]
fn keys_of_the_caller_are_functions_of_its_parts() {
    let p = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalType":"User"}}}"#,
    );
    let s = match no_new_access(&p, &p, PolicyType::Identity) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(balanced(&s));
    // An identity policy's caller: a user, a role session or a federated user.
    assert!(s.contains("(assert (and (<= 2 c_kind) (<= c_kind 4)))"), "{s}");
    // A user's name is `aws:username`; other callers have none.
    assert!(s.contains("(=> (= c_kind 2) (and k_present_"), "{s}");
    assert!(s.contains("(= k_1 c_name)") || s.contains("(= k_0 c_name)"), "{s}");
    // A resource policy ties the request's principal to the caller.
    let r = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#,
        PolicyType::Resource,
    );
    let s = match no_new_access(&r, &r, PolicyType::Resource) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(balanced(&s));
    assert!(s.contains(r#"(ite (= c_kind 0) (= principal "anonymous")"#), "{s}");
}
