//! The grammars of IAM's identifiers (docs/semantics.md §2): account ids, names, unique ids
//! and the ARNs of request principals, as predicates and as regexes, for the parser, the
//! engine, `simulate` and the SMT-LIB export (which writes the same classes in SMT-LIB).
//!
//! Sources: IAM identifiers ("IAM identifiers", names of users and roles: "alphanumeric
//! characters, including the following common characters: plus (+), equal (=), comma (,),
//! period (.), at (@), underscore (_), and hyphen (-)"; unique ids begin with a prefix such
//! as `AIDA`, `AROA`), "AWS account identifiers" (12 digits).

/// The punctuation of IAM names, besides ASCII letters and digits.
pub const NAME_PUNCTUATION: &str = "+=,.@_-";

/// An IAM name (user, role, session, federated user, path segment) as a regex.
pub const NAME: &str = "[A-Za-z0-9+=,.@_-]+";

/// The number of digits of an account id.
pub const ACCOUNT_DIGITS: usize = 12;

/// A 12-digit account id as a regex.
pub const ACCOUNT: &str = "[0-9]{12}";

/// A 12-digit account id.
pub fn is_account(text: &str) -> bool {
    text.len() == ACCOUNT_DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// A non-empty name of IAM's name characters.
pub fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || NAME_PUNCTUATION.as_bytes().contains(&b))
}

/// A unique id (`[A-Z0-9]+`: `AIDA…`, `AROA…`).
pub fn is_unique_id(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A user path and name (`dev/alice`, `alice`): non-empty names separated by `/`.
pub fn is_user_path_name(text: &str) -> bool {
    text.split('/').all(is_name)
}

/// The six colon-separated parts of an ARN (the last one keeps its colons), or `None`.
pub fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let out =
        [parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?];
    Some(out)
}

/// The role a role ARN names, `arn:P:iam::A:role/PATH/NAME` → (`P`, `A`, `NAME`).
pub fn role_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let ["arn", p, "iam", "", a, rest] = arn_parts(arn)? else { return None };
    let name = rest.strip_prefix("role/")?.rsplit('/').next()?;
    Some((p, a, name))
}

/// The account a root ARN names, `arn:P:iam::A:root` → (`P`, `A`).
pub fn root_arn(arn: &str) -> Option<(&str, &str)> {
    match arn_parts(arn)? {
        ["arn", p, "iam", "", a, "root"] if is_account(a) => Some((p, a)),
        _ => None,
    }
}

/// An `Action`/`NotAction` entry with whitespace at its ends or around its
/// colon (`"lambda:ListFunctions "`, `"amplifybackend: *"`, as AWS's own
/// managed policies have them), and the entry without it. AWS accepts such
/// entries but does not document whether one matches the action without its
/// whitespace, so the engine decides both readings (docs/semantics.md §1,
/// "Whitespace in an action"). `None`: the entry has no such whitespace.
pub fn action_whitespace(entry: &str) -> Option<String> {
    if !entry.contains(char::is_whitespace) {
        return None;
    }
    let trimmed = entry.trim();
    let out = match trimmed.split_once(':') {
        Some((service, name)) => format!("{}:{}", service.trim_end(), name.trim_start()),
        None => trimmed.to_string(),
    };
    (out != entry).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_predicates_and_the_regexes_agree() {
        let name = regex_automata::meta::Regex::new(&format!("^{NAME}$")).unwrap();
        let account = regex_automata::meta::Regex::new(&format!("^{ACCOUNT}$")).unwrap();
        for s in [
            "a",
            "A-b_c",
            "x+y=z,w.v@u",
            "",
            "a/b",
            "a:b",
            "é",
            "a b",
            "123456789012",
            "12345678901a",
        ] {
            assert_eq!(is_name(s), name.is_match(s), "{s}");
            assert_eq!(is_account(s), account.is_match(s), "{s}");
        }
        assert!(is_unique_id("AROAEXAMPLE1") && !is_unique_id("aroa") && !is_unique_id(""));
        assert!(is_user_path_name("dev/alice") && !is_user_path_name("dev//alice"));
    }

    #[test]
    fn arns() {
        assert_eq!(
            role_arn("arn:aws:iam::111122223333:role/p/r"),
            Some(("aws", "111122223333", "r"))
        );
        assert_eq!(role_arn("arn:aws:iam::111122223333:user/r"), None);
        assert_eq!(root_arn("arn:aws-cn:iam::111122223333:root"), Some(("aws-cn", "111122223333")));
        assert_eq!(root_arn("arn:aws-cn:iam::1111:root"), None);
        assert_eq!(arn_parts("arn:a:b:c:d"), None);
    }

    #[test]
    fn action_whitespace_trims_the_ends_and_the_colon() {
        use super::action_whitespace as w;
        assert_eq!(w("lambda:ListFunctions ").as_deref(), Some("lambda:ListFunctions"));
        assert_eq!(w("amplifybackend: *").as_deref(), Some("amplifybackend:*"));
        assert_eq!(w(" ec2 : Describe*\t").as_deref(), Some("ec2:Describe*"));
        assert_eq!(w("s3:GetObject"), None);
        // Inside a name: unchanged, so not this rule (the parser rejects it).
        assert_eq!(w("s3:Get Object"), None);
    }
}
