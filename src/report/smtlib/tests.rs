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
    let engine = crate::encode::principal::PARTITIONS;
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
    assert!(s.contains(";   k_present_2 / k_2  condition key \"k\""));
}

#[test]
fn unsupported_constructs_are_refused_with_reasons() {
    let cases = [
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":"1"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::${aws:username}"}"#,
    ];
    for st in cases {
        let p = identity(st);
        let e = no_new_access(&p, &p, PolicyType::Identity).unwrap_err();
        assert_eq!(e.reasons().len(), 1, "{st}: {e}");
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
