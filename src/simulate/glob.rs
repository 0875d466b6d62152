//! The `*`/`?` glob matcher shared by every element of `simulate`.
//!
//! `*` matches any run of characters (also empty), `?` exactly one
//! character, everything else is literal (docs/semantics.md §3, §4). The
//! matcher is the standard two-pointer greedy algorithm: linear memory and
//! `O(|pattern| * |text|)` time in the worst case, no exponential
//! backtracking.

use crate::policy::template::Tok;

#[cfg(test)]
/// Whether `pattern` matches all of `text`, comparing characters exactly.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<Tok> = Tok::of_text(pattern, true).collect();
    glob_tokens(&pattern, text)
}

/// Whether the glob tokens `pattern` match all of `text` (exact
/// characters).
pub(crate) fn glob_tokens(pattern: &[Tok], text: &str) -> bool {
    glob_with(pattern, text, |p, t| p == t)
}

/// Whether `pattern` matches all of `text`, ignoring ASCII case.
pub(crate) fn glob_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    // The text before the first wildcard decides most calls (an action's
    // service prefix) without tokenizing: compared byte by byte ignoring
    // ASCII case, as the tokens would be (the head ends at an ASCII `*` or
    // `?`, so at a character boundary of both texts when they agree).
    let head = pattern.find(['*', '?']).unwrap_or(pattern.len());
    let (pattern_head, text_head) = (pattern.as_bytes().get(..head), text.as_bytes().get(..head));
    match (pattern_head, text_head) {
        (Some(p), Some(t)) if p.eq_ignore_ascii_case(t) => {}
        _ => return false,
    }
    if head == pattern.len() {
        return text.len() == pattern.len();
    }
    let pattern: Vec<Tok> = Tok::of_text(pattern, true).collect();
    glob_with(&pattern, text, |p, t| p.eq_ignore_ascii_case(&t))
}

/// Whether the literal tokens `pattern` equal `text` ignoring ASCII case
/// (`StringEqualsIgnoreCase` after substitution).
pub(crate) fn equal_ignore_ascii_case(pattern: &[Tok], text: &str) -> bool {
    glob_with(pattern, text, |p, t| p.eq_ignore_ascii_case(&t))
}

fn glob_with(pattern: &[Tok], text: &str, eq: impl Fn(char, char) -> bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` seen and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match pattern.get(p) {
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::One) => {
                p += 1;
                t += 1;
            }
            Some(&Tok::Char(q)) if eq(q, c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` absorb one more character and retry.
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                None => return false,
            },
        }
    }
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|&q| q == Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_literal_head_fast_path_agrees_with_the_tokens() {
        let slow = |p: &str, t: &str| {
            let pattern: Vec<Tok> = Tok::of_text(p, true).collect();
            glob_with(&pattern, t, |p, t| p.eq_ignore_ascii_case(&t))
        };
        let words = [
            "",
            "*",
            "?",
            "s3:*",
            "S3:Get*",
            "s3:getobject",
            "s3:GetObject",
            "s3",
            "s3:",
            "ec2:Describe?nstances",
            "ec2:describeinstances",
            "é:*",
            "É:a",
            "é:A",
            "a*b?c",
            "aXbYc",
            "s3:Get",
            "s3:GetObjectAcl",
            "*:List*",
            "iam:ListRoles",
            "ß?",
            "ßx",
        ];
        for p in words {
            for t in words {
                assert_eq!(glob_ignore_ascii_case(p, t), slow(p, t), "{p:?} {t:?}");
            }
        }
    }

    #[test]
    fn literals_and_wildcards() {
        assert!(glob("", ""));
        assert!(!glob("", "a"));
        assert!(glob("*", ""));
        assert!(glob("**", "abc"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("a*c", "ac"));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(!glob("a*b*c", "aXbYbZ"));
        assert!(glob("*.txt", "x.txt.txt"));
        assert!(!glob("abc", "ABC"));
        assert!(glob_ignore_ascii_case("abc", "ABC"));
        assert!(glob("?", "é"));
        assert!(!glob("??", "é"));
        // Literal tokens: a substituted `*` is a character.
        let lit = [Tok::Char('a'), Tok::Char('*')];
        assert!(glob_tokens(&lit, "a*"));
        assert!(!glob_tokens(&lit, "ab"));
        assert!(equal_ignore_ascii_case(&lit, "A*"));
    }

    #[test]
    fn docs_examples() {
        let p = "arn:aws:s3:::b/*/test/*";
        assert!(glob(p, "arn:aws:s3:::b/1/2/test/3/x"));
        assert!(glob(p, "arn:aws:s3:::b//test/x"));
        assert!(glob(p, "arn:aws:s3:::b/1/test/"));
        assert!(!glob(p, "arn:aws:s3:::b/test/x"));
        assert!(!glob(p, "arn:aws:s3:::b/1-test/x"));
    }

    #[test]
    fn no_exponential_backtracking() {
        let text = "a".repeat(5000);
        let pattern = format!("{}b", "*a".repeat(200));
        assert!(!glob(&pattern, &text));
        assert!(glob(&"*a".repeat(200), &text));
    }
}
