//! "did you mean …?" suggestions from a small edit-distance helper.

/// The largest edit distance a suggestion may have.
const MAX_DISTANCE: usize = 2;

/// The candidate closest to `name`, compared ignoring ASCII case, if one is
/// within two edits; ties go to the earliest candidate.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let name = name.to_ascii_lowercase();
    let name_len = name.chars().count();
    let mut best: Option<(usize, &'c str)> = None;
    for candidate in candidates {
        // The distance is at least the difference in length: skip early, so
        // a huge key costs nothing.
        if name_len.abs_diff(candidate.chars().count()) > MAX_DISTANCE {
            continue;
        }
        let distance = levenshtein(&name, &candidate.to_ascii_lowercase());
        if distance <= MAX_DISTANCE && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `did you mean `X`?` for the closest candidate, if any.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The edit distance (insertions, deletions, substitutions) between two
/// strings, by characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the usual table, updated in place: before the update of
    // cell j it holds the previous row's value ("above"); `diagonal` is the
    // previous row's cell j - 1 and `left` the current row's.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (cb, above) in b.iter().zip(row.iter_mut().skip(1)) {
            let value = (diagonal + usize::from(ca != *cb)).min(*above + 1).min(left + 1);
            diagonal = *above;
            *above = value;
            left = value;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("ressource", "resource"), 1);
    }

    #[test]
    fn suggestions() {
        let elements = ["Sid", "Effect", "Action", "NotAction", "Resource"];
        assert_eq!(closest("effect", elements), Some("Effect"));
        assert_eq!(closest("Ressource", elements), Some("Resource"));
        assert_eq!(closest("Actions", elements), Some("Action"));
        assert_eq!(closest("Banana", elements), None);
        assert_eq!(did_you_mean("efect", elements).as_deref(), Some("did you mean `Effect`?"));
    }
}
