//! AWS partitions (docs/semantics.md §2, "Partitions").
//!
//! "Partitions are isolated": a caller and the resource it acts on are in the
//! same partition, so a request whose principal (or, without a principal, whose
//! caller keys) names another partition than its resource does not exist
//! (docs/semantics.md §2 quotes AWS).

/// The partitions a principal or resource ARN may name.
pub const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// The partitions as one regex alternation, `(?:aws|aws-cn|…)`.
pub(crate) fn regex() -> String {
    format!("(?:{})", PARTITIONS.join("|"))
}

/// The partition an ARN names (`arn:PARTITION:…`), if it is one of [`PARTITIONS`].
pub(crate) fn of_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, _) = rest.split_once(':')?;
    PARTITIONS.contains(&partition).then_some(partition)
}

/// A set of partitions, bit `i` for `PARTITIONS[i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Set(pub(crate) u16);

impl Set {
    /// Every partition.
    #[cfg(test)]
    pub(crate) const ALL: Set = Set((1 << PARTITIONS.len()) - 1);

    /// The partitions a glob over partition names matches (`*` any run, `?` one character).
    pub(crate) fn matching(glob: &str) -> Set {
        let mut bits = 0;
        for (i, p) in PARTITIONS.iter().enumerate() {
            if glob_matches(glob.as_bytes(), p.as_bytes()) {
                bits |= 1 << i;
            }
        }
        Set(bits)
    }

    /// The partitions in the set, in [`PARTITIONS`] order.
    pub(crate) fn members(self) -> impl Iterator<Item = &'static str> {
        PARTITIONS.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, p)| *p)
    }
}

fn glob_matches(glob: &[u8], text: &[u8]) -> bool {
    match (glob.split_first(), text.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            glob_matches(rest, text)
                || text.split_first().is_some_and(|(_, t)| glob_matches(glob, t))
        }
        (Some((b'?', rest)), Some((_, t))) => glob_matches(rest, t),
        (Some((g, rest)), Some((c, t))) if g == c => glob_matches(rest, t),
        _ => false,
    }
}

/// Partition classes: partitions that every mask of `masks` treats alike (each contains
/// both or neither) are one class. The classes are non-empty and partition [`PARTITIONS`].
pub(crate) fn classes(masks: impl IntoIterator<Item = Set>) -> Vec<Set> {
    let masks: Vec<Set> = masks.into_iter().collect();
    let mut classes: Vec<(Vec<bool>, u16)> = Vec::new();
    for i in 0..PARTITIONS.len() {
        let signature: Vec<bool> = masks.iter().map(|m| m.0 & (1 << i) != 0).collect();
        match classes.iter_mut().find(|(s, _)| *s == signature) {
            Some((_, bits)) => *bits |= 1 << i,
            None => classes.push((signature, 1 << i)),
        }
    }
    classes.into_iter().map(|(_, bits)| Set(bits)).collect()
}

/// Every partition alone: the masks that make every partition a class of its own.
pub(crate) fn singletons() -> impl Iterator<Item = Set> {
    (0..PARTITIONS.len()).map(|i| Set(1 << i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_their_partition() {
        assert_eq!(of_arn("arn:aws-cn:s3:::b"), Some("aws-cn"));
        assert_eq!(of_arn("arn:awsx:s3:::b"), None);
        assert_eq!(of_arn("anonymous"), None);
        assert_eq!(
            regex(),
            "(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)"
        );
    }

    #[test]
    fn globs_and_classes() {
        assert_eq!(Set::matching("aws"), Set(1));
        assert_eq!(Set::matching("*"), Set::ALL);
        assert_eq!(Set::matching("aws-iso*").members().count(), 4);
        assert_eq!(Set::matching("aws-?n").members().collect::<Vec<_>>(), ["aws-cn"]);
        let m = |g: &str| Set::matching(g);
        assert_eq!(classes([]), vec![Set::ALL]);
        let c = classes([m("aws"), m("*"), m("aws")]);
        assert_eq!(c, vec![Set(1), Set(Set::ALL.0 & !1)]);
        assert_eq!(classes([m("aws-iso*"), m("aws-cn")]).len(), 3);
        assert_eq!(classes(singletons()).len(), PARTITIONS.len());
    }
}
