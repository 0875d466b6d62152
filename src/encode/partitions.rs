//! Partitions are isolated (docs/semantics.md §2): a request's caller and its resource are in
//! one partition. The fields are independent, so the encoding adds one *partition bit* per
//! class of partitions (partitions every pattern of the query treats alike) after the
//! statements' bits: a resource or caller atom has the bit of its class, a principal without a
//! partition (anonymous, service, web-identity, canonical) and every other field's atom all
//! of them, and the search keeps a request only while some partition bit is alive. Classes
//! keep this cheap: a query that names only `aws` has two (`aws` and the rest).

use super::glob::ANY;
use super::{Restrict, Stmts};
use crate::iam::partition::{classes, singletons, Set};
use crate::policy::condition::Family;
use crate::policy::{BaseOperator, Principal};
use regex_syntax::escape;
use std::collections::BTreeMap;

/// The partition classes of a query (one class: the partitions need no bits).
pub(crate) fn query_classes(
    all: &Stmts<'_>,
    folded: &BTreeMap<String, String>,
    restrict: &Restrict,
) -> Vec<Set> {
    let mut masks: Vec<Set> = Vec::new();
    let mut split_all = false;
    let mut add = |found: Found| match found {
        Found::None => {}
        Found::Mask(m) => masks.push(m),
        Found::SplitAll => split_all = true,
    };
    for (_, s) in all {
        for v in s.resource.iter().flat_map(|el| &el.values) {
            add(mask(v, Reading::Segments));
        }
        for p in s.principal.iter().flat_map(|el| &el.values) {
            add(principal_mask(p));
        }
        for c in &s.conditions {
            if c.key_folded() == "aws:principalarn" && folded.contains_key("aws:principalarn") {
                for v in &c.values {
                    add(mask(v, reading(c.operator.base)));
                }
            }
        }
    }
    for p in &restrict.principal {
        add(principal_mask(p));
    }
    if restrict.keys.contains_key("aws:principalarn") {
        add(Found::SplitAll);
    }
    if split_all {
        masks.extend(singletons());
    }
    classes(masks)
}

/// What a value says about partitions.
enum Found {
    None,
    Mask(Set),
    /// The value may tell partitions apart in a way not worked out here: every partition
    /// its own class (exact, only slower).
    SplitAll,
}

/// How a value's text reads.
#[derive(Clone, Copy)]
enum Reading {
    /// `Resource`, `Arn…`: segments bounded by `:`, `*` and `?` never cross one.
    Segments,
    /// `StringLike`: `*` may cross `:`.
    Glob,
    /// `StringEquals`: literal text.
    Literal,
    /// `StringEqualsIgnoreCase`: literal, any ASCII case.
    LiteralIgnoreCase,
    /// Other families: no partition.
    Unrelated,
}

fn reading(base: BaseOperator) -> Reading {
    match base.family() {
        Family::Arn => Reading::Segments,
        Family::String => match base {
            BaseOperator::StringLike | BaseOperator::StringNotLike => Reading::Glob,
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
                Reading::LiteralIgnoreCase
            }
            _ => Reading::Literal,
        },
        _ => Reading::Unrelated,
    }
}

fn principal_mask(p: &Principal) -> Found {
    match p {
        Principal::Aws(v) => mask(v, Reading::Literal),
        _ => Found::None,
    }
}

fn mask(value: &str, how: Reading) -> Found {
    // A variable up to the partition segment may make it anything (its value may hold `:`);
    // one further on leaves the partition alone.
    let head_end = value.match_indices(':').nth(1).map_or(value.len(), |(i, _)| i);
    if value.get(..head_end).is_none_or(|head| head.contains("${")) {
        return Found::SplitAll;
    }
    let literal = |text: &str| match text.strip_prefix("arn:") {
        Some(rest) => {
            let p = rest.split(':').next().unwrap_or_default();
            Found::Mask(Set::matching(&p.replace(['*', '?'], "\u{0}")))
        }
        None => Found::None,
    };
    match how {
        Reading::Unrelated => Found::None,
        Reading::Literal => literal(value),
        Reading::LiteralIgnoreCase => literal(&value.to_ascii_lowercase()),
        Reading::Segments => match value.split(':').nth(1) {
            Some(p) => Found::Mask(Set::matching(p)),
            None => Found::None,
        },
        Reading::Glob => {
            if !value.contains(['*', '?']) {
                return literal(value);
            }
            match value.strip_prefix("arn:").and_then(|r| r.split_once(':')) {
                Some((p, _)) if !p.contains(['*', '?']) => Found::Mask(Set::matching(p)),
                _ => Found::SplitAll,
            }
        }
    }
}

/// The regex of the ARNs of one class of partitions.
pub(crate) fn class_regex(class: Set) -> String {
    let names: Vec<String> = class.members().map(escape).collect();
    format!("arn:(?:{}):{ANY}", names.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_their_partitions() {
        let m = |v: &str, how| match mask(v, how) {
            Found::Mask(m) => Some(m.members().collect::<Vec<_>>()),
            Found::None => None,
            Found::SplitAll => Some(vec!["all"]),
        };
        assert_eq!(m("arn:aws-cn:s3:::b", Reading::Segments), Some(vec!["aws-cn"]));
        assert_eq!(m("arn:aws-iso*:s3:::b", Reading::Segments).map(|v| v.len()), Some(4));
        assert_eq!(m("*", Reading::Segments), None);
        assert_eq!(m("arn:aws*", Reading::Literal), Some(vec![]));
        assert_eq!(m("ARN:AWS-CN:iam::1:root", Reading::LiteralIgnoreCase), Some(vec!["aws-cn"]));
        assert_eq!(m("arn:aws-c*root", Reading::Glob), Some(vec!["all"]));
        assert_eq!(m("arn:aws:iam::*", Reading::Glob), Some(vec!["aws"]));
        assert_eq!(m("arn:${x}:s3:::b", Reading::Segments), Some(vec!["all"]));
        assert_eq!(m("${x}", Reading::Segments), Some(vec!["all"]));
        let home = "arn:aws:s3:::b/home/${aws:username}/*";
        assert_eq!(m(home, Reading::Segments), Some(vec!["aws"]));
    }
}
