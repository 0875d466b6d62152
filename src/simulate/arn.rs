//! ARN patterns: `Resource`/`NotResource` entries and the `Arn*` condition
//! operators (docs/semantics.md §3 "Resource", §4 `ArnEquals`/`ArnLike`).
//!
//! Pattern and ARN are split at their first five colons. The first five
//! segments never contain `:`, so a glob over one segment is automatically
//! segment-bounded; the sixth (the resource part) is matched as a plain
//! glob against the rest of the ARN, colons included.

use super::glob::glob_tokens;
use crate::policy::template::Tok;

/// The number of colon-separated segments of a full ARN.
const SEGMENTS: usize = 6;

/// Splits `text` at its first five colons.
pub(crate) fn split(text: &str) -> Vec<&str> {
    text.splitn(SEGMENTS, ':').collect()
}

#[cfg(test)]
/// Whether the ARN pattern `pattern` matches `arn` (case-sensitive).
///
/// `arn` must have at least six colon-separated parts, else nothing
/// matches. A six-segment pattern matches segment by segment; a shorter
/// pattern must end with `*`, its segments but the last match the ARN's
/// first segments, and its last segment matches the next ARN segment as a
/// prefix (the final `*` runs on over the colons to the end of the ARN).
pub(crate) fn arn_matches(pattern: &str, arn: &str) -> bool {
    let pattern: Vec<Tok> = Tok::of_text(pattern, true).collect();
    arn_matches_tokens(&pattern, arn)
}

/// [`arn_matches`] for glob tokens (a pattern after substituting policy
/// variables): the pattern splits at its first five `:` characters.
pub(crate) fn arn_matches_tokens(pattern: &[Tok], arn: &str) -> bool {
    let text = split(arn);
    if text.len() < SEGMENTS {
        return false;
    }
    let pat: Vec<&[Tok]> = pattern.splitn(SEGMENTS, |t| *t == Tok::Char(':')).collect();
    if pat.len() < SEGMENTS && pattern.last() != Some(&Tok::Star) {
        return false;
    }
    // For a short pattern, matching its last segment against the ARN's
    // segment at the same position is exactly the prefix rule: the
    // segment's wildcards cannot cross `:` and its final `*` absorbs the
    // rest of that segment, the trailing colons being implied.
    pat.iter().zip(text.iter()).all(|(p, t)| glob_tokens(p, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: &str = "arn:aws:ec2:us-east-1:111111111111:instance/i-1";

    #[test]
    fn full_patterns() {
        assert!(arn_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y/z"));
        assert!(arn_matches("arn:aws:ec2:*:*:instance/*", INSTANCE));
        assert!(arn_matches("arn:aws:ec2:us-east-?:*:*", INSTANCE));
        assert!(!arn_matches("arn:aws:EC2:*:*:*", INSTANCE));
        assert!(!arn_matches("arn:aws:*:us-east-1:*:*", "arn:aws:s3:::b1"));
        // `*` in a segment never crosses a colon.
        assert!(!arn_matches("arn:aws:*:111111111111:instance/i-1", INSTANCE));
        assert!(!arn_matches("arn:aws:s3:::", "arn:aws:s3:::b"));
    }

    #[test]
    fn short_patterns_need_a_trailing_star() {
        assert!(arn_matches("arn:aws:ec2:*", INSTANCE));
        assert!(arn_matches("arn:aws:e*", INSTANCE));
        assert!(arn_matches("arn:aws:ec2:us-*", INSTANCE));
        assert!(arn_matches("*", INSTANCE));
        assert!(!arn_matches("arn:aws:s*", INSTANCE));
        assert!(!arn_matches("arn:aws:ec2", INSTANCE));
        assert!(!arn_matches("arn:aws:ec2:us-east-1:111111111111", INSTANCE));
        // The last segment's inner wildcards stay within its segment.
        assert!(!arn_matches("arn:aws:e*1*", INSTANCE));
        assert!(arn_matches("arn:aws:e?2*", INSTANCE));
    }

    #[test]
    fn short_arns_match_nothing() {
        assert!(!arn_matches("*", "arn:aws:s3"));
        assert!(!arn_matches("arn:aws:s3*", "arn:aws:s3::b"));
    }
}
