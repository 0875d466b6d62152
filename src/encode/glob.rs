//! IAM patterns → regexes (regex-syntax dialect, matched anchored).
//!
//! Each function returns a [`Pattern`]: `All` for a pattern that matches
//! every value of its field (kept out of the automaton: it is in every
//! atom), `Regex` otherwise, `Nothing` for one that can match no value.
//! docs/semantics.md §3–§4 gives the rules implemented here.

use crate::automata::Shape;
use crate::policy::template::Tok;
use regex_syntax::{escape, escape_into};

/// One translated pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Matches every value.
    All,
    /// Matches no value.
    Nothing,
    /// Matches the values of this regex (anchored at both ends).
    Regex(String),
}

/// Any run of bytes, `/` and `:` included.
pub(crate) const ANY: &str = "(?s-u:.)*";
/// Any run within one ARN segment (no `:`).
pub(crate) const SEGMENT: &str = "(?-u:[^:])*";

/// A glob whose `*` is any run and `?` one character.
fn glob(text: &str, star: &str, one: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev_star = false;
    let mut run = 0;
    for (i, c) in text.char_indices() {
        if c != '*' && c != '?' {
            continue;
        }
        if run < i {
            escape_into(text.get(run..i).unwrap_or_default(), &mut out);
            prev_star = false;
        }
        match c {
            '*' if prev_star => {}
            '*' => out.push_str(star),
            _ => out.push_str(one),
        }
        prev_star = c == '*';
        run = i + 1;
    }
    escape_into(text.get(run..).unwrap_or_default(), &mut out);
    out
}

/// [`glob`] over tokens: a policy string after its variables are
/// substituted or widened, whose literal `*`/`?` are characters.
fn glob_tokens(toks: &[Tok], star: &str, one: &str) -> String {
    let mut out = String::with_capacity(toks.len() * 2);
    let mut prev_star = false;
    for t in toks {
        match t {
            Tok::Star if prev_star => {}
            Tok::Star => out.push_str(star),
            Tok::One => out.push_str(one),
            Tok::Char(c) => escape_into(c.encode_utf8(&mut [0; 4]), &mut out),
        }
        prev_star = *t == Tok::Star;
    }
    out
}

/// [`string_like`] over tokens (`StringLike`, and `StringEquals` with
/// literal tokens).
pub fn string_like_tokens(toks: &[Tok]) -> Pattern {
    if !toks.is_empty() && toks.iter().all(|t| *t == Tok::Star) {
        return Pattern::All;
    }
    Pattern::Regex(glob_tokens(toks, ANY, "(?s:.)"))
}

/// [`literal_ignore_ascii_case`] over tokens (a widened variable is `*`).
pub fn ignore_ascii_case_tokens(toks: &[Tok]) -> Pattern {
    let mut out = String::new();
    let mut prev_star = false;
    for t in toks {
        match t {
            Tok::Star if prev_star => {}
            Tok::Star => out.push_str(ANY),
            Tok::One => out.push_str("(?s:.)"),
            Tok::Char(c) if c.is_ascii_alphabetic() => {
                out.push('[');
                out.push(c.to_ascii_lowercase());
                out.push(c.to_ascii_uppercase());
                out.push(']');
            }
            Tok::Char(c) => escape_into(c.encode_utf8(&mut [0; 4]), &mut out),
        }
        prev_star = *t == Tok::Star;
    }
    Pattern::Regex(out)
}

/// [`arn`] over tokens: the pattern splits at its first five `:`
/// characters.
pub fn arn_tokens(toks: &[Tok]) -> Pattern {
    let segments: Vec<&[Tok]> = toks.splitn(6, |t| *t == Tok::Char(':')).collect();
    let Some((last, first)) = segments.split_last() else {
        return Pattern::Nothing;
    };
    let mut out = String::new();
    for seg in first {
        out.push_str(&glob_tokens(seg, SEGMENT, "[^:]"));
        out.push(':');
    }
    if segments.len() == 6 {
        out.push_str(&glob_tokens(last, ANY, "(?s:.)"));
        return Pattern::Regex(out);
    }
    if last.last() != Some(&Tok::Star) {
        return Pattern::Nothing;
    }
    let stem_len = last.iter().rposition(|t| *t != Tok::Star).map_or(0, |i| i + 1);
    out.push_str(&glob_tokens(last.get(..stem_len).unwrap_or_default(), SEGMENT, "[^:]"));
    out.push_str(SEGMENT);
    for _ in segments.len()..5 {
        out.push(':');
        out.push_str(SEGMENT);
    }
    out.push(':');
    out.push_str(ANY);
    Pattern::Regex(out)
}

/// [`resource`] over tokens: only a lone wildcard `*` is every resource.
pub fn resource_tokens(toks: &[Tok]) -> Pattern {
    if toks == [Tok::Star] {
        return Pattern::All;
    }
    arn_tokens(toks)
}

/// A plain glob (`StringLike`): `*` crosses everything.
pub fn string_like(text: &str) -> Pattern {
    if text.chars().all(|c| c == '*') && !text.is_empty() {
        return Pattern::All;
    }
    Pattern::Regex(glob(text, ANY, "(?s:.)"))
}

/// A literal (`StringEquals`: `*` and `?` are ordinary characters).
pub fn literal(text: &str) -> Pattern {
    Pattern::Regex(escape(text))
}

/// A literal compared ignoring ASCII case (`StringEqualsIgnoreCase`, `Bool`).
pub fn literal_ignore_ascii_case(text: &str) -> Pattern {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            out.push('[');
            out.push(c.to_ascii_lowercase());
            out.push(c.to_ascii_uppercase());
            out.push(']');
        } else {
            out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    Pattern::Regex(out)
}

/// An action pattern, matched against lower-cased actions. A pattern with
/// a `:` keeps its wildcards on its side of the colon (equivalent on the
/// action universe, where every action has exactly one colon, and much
/// smaller as an automaton: automata-notes.md).
pub fn action(text: &str) -> Pattern {
    if text == "*" {
        return Pattern::All;
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains(':') {
        Pattern::Regex(glob(&lower, SEGMENT, "[^:]"))
    } else {
        Pattern::Regex(glob(&lower, ANY, "(?s:.)"))
    }
}

/// The literal shape of an action pattern, when it has one: a literal with a `:` and no
/// wildcard, or such a literal followed by `*`s only (its `*` then stays within the name, as
/// [`action`]'s does). Lower-cased like [`action`].
pub(crate) fn action_shape(text: &str) -> Option<Shape> {
    let lower = text.to_ascii_lowercase();
    let stem = lower.trim_end_matches('*');
    if !stem.contains(':') || stem.contains(['*', '?']) {
        return None;
    }
    Some(if stem.len() == lower.len() {
        Shape::Literal(lower)
    } else {
        Shape::Prefix(stem.to_string())
    })
}

/// An ARN pattern (`Resource`, `ArnLike`): six segments, the first five
/// segment-bounded, the sixth a plain glob; a pattern of fewer segments
/// ending in `*` lets that `*` cover the remaining segments. Matches only
/// values with at least six colon-separated parts.
pub fn arn(text: &str) -> Pattern {
    let toks: Vec<Tok> = Tok::of_text(text, true).collect();
    arn_tokens(&toks)
}

/// A `Resource` entry: `*` is every resource, otherwise [`arn`].
pub fn resource(text: &str) -> Pattern {
    if text == "*" {
        return Pattern::All;
    }
    arn(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    fn matches(p: &Pattern, s: &str) -> bool {
        match p {
            Pattern::All => true,
            Pattern::Nothing => false,
            Pattern::Regex(r) => {
                let re = Regex::builder()
                    .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                    .build(&format!("^(?:{r})$"))
                    .unwrap();
                re.is_match(s)
            }
        }
    }

    #[test]
    fn arn_patterns_follow_the_segment_rule() {
        let ec2 = "arn:aws:ec2:us-east-1:111111111111:instance/i-1";
        assert!(matches(&arn("arn:aws:ec2:*"), ec2));
        assert!(matches(&arn("arn:aws:e*"), ec2));
        assert!(!matches(&arn("arn:aws:*:us-east-1:*:*"), "arn:aws:s3:::b1"));
        assert!(!matches(&arn("arn:aws:s3:::b1"), "arn:aws:s3:::b1/x"));
        let p = arn("arn:aws:s3:::b/*/test/*");
        assert!(matches(&p, "arn:aws:s3:::b/1/2/test/3/x"));
        assert!(matches(&p, "arn:aws:s3:::b//test/x"));
        assert!(matches(&p, "arn:aws:s3:::b/1/test/"));
        assert!(!matches(&p, "arn:aws:s3:::b/test/x"));
        assert!(!matches(&p, "arn:aws:s3:::b/1-test/x"));
        let svc = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/d.txt";
        assert!(!matches(&arn("arn:aws:svc:*:111122223333:finance/*"), svc));
        assert!(matches(&string_like("arn:aws:svc:*:111122223333:finance/*"), svc));
        assert!(matches(&arn("*"), "a:b:c:d:e:f"));
        assert!(!matches(&arn("*"), "a:b:c:d:e"));
        assert!(!matches(&arn("arn:aws:s3"), "arn:aws:s3:::x"));
    }

    #[test]
    fn action_patterns_fold_case_and_keep_to_their_side() {
        assert!(matches(&action("ec2:DescribeInstance*"), "ec2:describeinstancestatus"));
        assert!(matches(&action("EC2:*"), "ec2:x"));
        assert!(!matches(&action("ec2:*"), "ec2x:y"));
        assert!(matches(&action("ec2*"), "ec2x:y"));
        assert!(matches(&action("s3:Get?bject"), "s3:getobject"));
    }

    #[test]
    fn token_translations_agree_with_the_text_ones() {
        let texts = [
            "arn:aws:s3:::b/*/test/*",
            "arn:aws:ec2:*",
            "arn:aws:e*",
            "arn:aws:s3",
            "arn:aws:*:us-east-1:*:*",
            "*",
            "a?c**",
            "",
        ];
        for t in texts {
            let toks: Vec<Tok> = Tok::of_text(t, true).collect();
            assert_eq!(arn_tokens(&toks), arn(t), "{t}");
            assert_eq!(resource_tokens(&toks), resource(t), "{t}");
            assert_eq!(
                matches(&string_like_tokens(&toks), "a.c"),
                matches(&string_like(t), "a.c"),
                "{t}"
            );
        }
        // A literal `*` token is a character.
        let lit = [Tok::Char('a'), Tok::Char('*')];
        assert!(matches(&string_like_tokens(&lit), "a*"));
        assert!(!matches(&string_like_tokens(&lit), "ab"));
        assert!(matches(&ignore_ascii_case_tokens(&lit), "A*"));
        assert!(matches(&ignore_ascii_case_tokens(&[Tok::Char('a'), Tok::Star]), "Axyz"));
        let r: Vec<Tok> = Tok::of_text("arn:aws:s3:::b/", true).chain([Tok::Char('*')]).collect();
        assert!(matches(&resource_tokens(&r), "arn:aws:s3:::b/*"));
        assert!(!matches(&resource_tokens(&r), "arn:aws:s3:::b/x"));
    }

    #[test]
    fn literals_escape_metacharacters() {
        assert!(matches(&literal("a*b.c"), "a*b.c"));
        assert!(!matches(&literal("a*b"), "axxb"));
        assert!(matches(&literal_ignore_ascii_case("TrUe"), "true"));
        assert!(matches(&string_like("a?c"), "aéc"));
        // `?` is one character, also inside ARN segments and actions.
        assert!(matches(&arn("arn:aws:s?:::b"), "arn:aws:sé:::b"));
        assert!(!matches(&arn("arn:aws:s??:::b"), "arn:aws:sé:::b"));
        assert!(matches(&action("a:?"), "a:é"));
    }
}
