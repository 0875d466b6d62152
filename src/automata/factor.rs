//! Factoring an alternation before it is compiled, so that its lazy DFA stays small.
//!
//! A merged class of patterns is the alternation of its members (`A[^:]*|B[^:]*|…`). The
//! Thompson NFA of an alternation keeps one copy of every loop per alternative, and the subset
//! construction then remembers *which* alternatives' loops are active: `k` infix globs
//! `svc:*Xi*` give up to `2^k` DFA states per position although the class only needs "some
//! alternative matched". Rewriting the alternation by regular algebra — a common prefix out
//! (`AB|AC = A(B|C)`), alternatives with the same last item together (`A L|B L = (A|B) L`),
//! the others by their first item — leaves one copy of each shared loop: `svc:[^:]*(X1|…|Xk)[^:]*`
//! determinizes to an Aho–Corasick-sized automaton. Every step is an identity of regular
//! expressions (concatenation distributes over union), so the language is unchanged; the
//! property test `factored_alternations_match_the_same_strings` compares both on brute-force
//! strings and `factoring_keeps_every_atom` the atoms.
//!
//! A pattern is read as a list of alternatives, each a sequence of items: one byte of a literal,
//! or any other sub-expression (a class, a loop, a look-around, an inner alternation that is not
//! last in its concatenation) compared as a whole. Only alternations at the top of the pattern,
//! or last in a concatenation, are spread into alternatives.

use regex_syntax::hir::{Hir, HirKind};

/// At most this many alternatives are spread out; a pattern with more is kept as written.
const MAX_ALTERNATIVES: usize = 100_000;

/// `hir` with its alternatives factored (the same language).
pub(super) fn factor(hir: Hir) -> Hir {
    let mut alternatives = Vec::new();
    if !spread(&hir, &[], &mut alternatives) || alternatives.len() < 2 {
        return hir;
    }
    let slices: Vec<&[Hir]> = alternatives.iter().map(Vec::as_slice).collect();
    build(&slices, 0)
}

/// Deeper than this, [`build`] writes the remaining alternatives as they are (a bound on the
/// recursion, e.g. for `a|aa|aaa|…`).
const MAX_DEPTH: usize = 64;

/// Appends to `out` the alternatives of `prefix` followed by `hir`, as item sequences; false
/// when there would be more than [`MAX_ALTERNATIVES`].
fn spread(hir: &Hir, prefix: &[Hir], out: &mut Vec<Vec<Hir>>) -> bool {
    match hir.kind() {
        HirKind::Alternation(subs) => subs.iter().all(|sub| spread(sub, prefix, out)),
        HirKind::Concat(subs) => {
            let Some((last, first)) = subs.split_last() else {
                return push(prefix.to_vec(), out);
            };
            let mut items = prefix.to_vec();
            for sub in first {
                push_items(sub, &mut items);
            }
            spread(last, &items, out)
        }
        _ => {
            let mut items = prefix.to_vec();
            push_items(hir, &mut items);
            push(items, out)
        }
    }
}

fn push(items: Vec<Hir>, out: &mut Vec<Vec<Hir>>) -> bool {
    if out.len() >= MAX_ALTERNATIVES {
        return false;
    }
    out.push(items);
    true
}

/// Appends the items of `hir` (not spreading alternations): one per literal byte.
fn push_items(hir: &Hir, items: &mut Vec<Hir>) {
    match hir.kind() {
        HirKind::Literal(literal) => {
            items.extend(literal.0.iter().map(|&b| Hir::literal([b])));
        }
        HirKind::Concat(subs) => subs.iter().for_each(|sub| push_items(sub, items)),
        HirKind::Empty => {}
        _ => items.push(hir.clone()),
    }
}

/// The factored alternation of `alternatives` (item sequences) at recursion depth `depth`.
fn build(alternatives: &[&[Hir]], depth: usize) -> Hir {
    if let [one] = alternatives {
        return Hir::concat(one.to_vec());
    }
    if depth >= MAX_DEPTH {
        return Hir::alternation(alternatives.iter().map(|a| Hir::concat(a.to_vec())).collect());
    }
    let depth = depth + 1;
    // The longest prefix common to all.
    let shortest = alternatives.iter().map(|a| a.len()).min().unwrap_or(0);
    let common = (0..shortest)
        .take_while(|&k| {
            let first = alternatives.first().and_then(|a| a.get(k));
            alternatives.iter().all(|a| a.get(k) == first)
        })
        .count();
    if common > 0 {
        let head: Vec<Hir> =
            alternatives.first().and_then(|a| a.get(..common)).unwrap_or(&[]).to_vec();
        let tails: Vec<&[Hir]> =
            alternatives.iter().map(|a| a.get(common..).unwrap_or(&[])).collect();
        let mut parts = head;
        parts.push(build(&tails, depth));
        return Hir::concat(parts);
    }
    // Alternatives whose common tail has a loop share it (one copy of the loop); grouping by a
    // tail without a loop would only copy the heads' loops.
    let mut parts = Vec::new();
    let mut rest: Vec<&[Hir]> = Vec::new();
    for (last, members) in groups(alternatives, <[Hir]>::split_last) {
        match (last, members.as_slice()) {
            (Some(last), [_, _, ..]) if tail_has_loop(&members) => {
                let heads: Vec<&[Hir]> = members.iter().map(|&(_, head)| head).collect();
                parts.push(Hir::concat(vec![build(&heads, depth), last.clone()]));
            }
            _ => rest.extend(members.iter().map(|&(whole, _)| whole)),
        }
    }
    // The others by their first item.
    for (first, members) in groups(&rest, <[Hir]>::split_first) {
        match (first, members.as_slice()) {
            (Some(first), [_, _, ..]) => {
                let tails: Vec<&[Hir]> = members.iter().map(|&(_, tail)| tail).collect();
                parts.push(Hir::concat(vec![first.clone(), build(&tails, depth)]));
            }
            _ => parts.extend(members.iter().map(|&(whole, _)| Hir::concat(whole.to_vec()))),
        }
    }
    Hir::alternation(parts)
}

/// Whether the longest common suffix of the `members` (whole alternatives) has a loop.
fn tail_has_loop(members: &[(&[Hir], &[Hir])]) -> bool {
    let Some(&(first, _)) = members.first() else { return false };
    first
        .iter()
        .rev()
        .enumerate()
        .take_while(|&(k, item)| {
            members.iter().all(|(whole, _)| whole.iter().rev().nth(k) == Some(item))
        })
        .any(|(_, item)| has_loop(item))
}

/// Whether `hir` has an unbounded repetition.
fn has_loop(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) => r.max.is_none() || has_loop(&r.sub),
        HirKind::Capture(c) => has_loop(&c.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(has_loop),
        _ => false,
    }
}

/// One group: its key item (`None` for the empty alternative) and its members, each whole and
/// without the key.
type Group<'a> = (Option<&'a Hir>, Vec<(&'a [Hir], &'a [Hir])>);

/// `alternatives` grouped by the item `split` takes off, in order of first appearance.
fn groups<'a>(
    alternatives: &[&'a [Hir]],
    split: impl Fn(&'a [Hir]) -> Option<(&'a Hir, &'a [Hir])>,
) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    for &whole in alternatives {
        let (key, remainder) = match split(whole) {
            Some((key, remainder)) => (Some(key), remainder),
            None => (None, whole),
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push((whole, remainder)),
            None => out.push((key, vec![(whole, remainder)])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::factor;
    use crate::automata::{atoms, atoms_unfactored, AtomBudget};
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;
    use regex_automata::meta::Regex;
    use regex_automata::util::syntax;
    use regex_syntax::hir::{Hir, HirKind, Look};

    fn parse(regex: &str) -> Hir {
        let config = syntax::Config::new().unicode(true).utf8(false);
        syntax::parse_with(regex, &config).unwrap_or_else(|e| panic!("{regex}: {e}"))
    }

    /// A whole-string matcher of `hir`.
    fn matcher(hir: &Hir) -> Regex {
        let anchored = Hir::concat(vec![Hir::look(Look::Start), hir.clone(), Hir::look(Look::End)]);
        Regex::builder()
            .syntax(syntax::Config::new().utf8(false))
            .configure(Regex::config().utf8_empty(false))
            .build_from_hir(&anchored)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The number of loops (unbounded repetitions) in `hir`.
    fn loops(hir: &Hir) -> usize {
        match hir.kind() {
            HirKind::Repetition(r) => usize::from(r.max.is_none()) + loops(&r.sub),
            HirKind::Capture(c) => loops(&c.sub),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().map(loops).sum(),
            _ => 0,
        }
    }

    /// A glob over a small alphabet: `*` any run, `%` a run without `:`, `?` one character.
    fn glob_regex(glob: &str) -> String {
        glob.chars()
            .map(|c| match c {
                '*' => "(?s-u:.)*".to_string(),
                '%' => "(?-u:[^:])*".to_string(),
                '?' => "(?s:.)".to_string(),
                c => regex_syntax::escape(&c.to_string()),
            })
            .collect()
    }

    fn alternation(globs: &[String]) -> String {
        let parts: Vec<String> = globs.iter().map(|g| format!("(?:{})", glob_regex(g))).collect();
        parts.join("|")
    }

    fn glob_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec!['a', 'b', 'b', '/', ':', '*', '%', '?', 'é']),
            0..6,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    /// All strings of up to `max_len` characters over `alphabet`.
    fn strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max_len {
            let next: Vec<String> = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(next.iter().cloned());
            layer = next;
        }
        all
    }

    #[test]
    fn infix_globs_share_one_pair_of_loops() {
        let globs: Vec<String> =
            ["s:%model%", "s:%job%", "s:%endpoint%", "s:%context%", "s:%action%", "s:get%"]
                .iter()
                .map(|g| (*g).to_string())
                .collect();
        let hir = parse(&alternation(&globs));
        assert_eq!(loops(&hir), 11);
        let factored = factor(hir.clone());
        // `s:(?:%(?:model|job|…)|get)%`: one leading loop for the infixes, one trailing loop.
        assert_eq!(loops(&factored), 2, "{factored}");
        let (plain, fast) = (matcher(&hir), matcher(&factored));
        for s in ["s:getx", "s:xmodely", "s:job", "s:jo", "s:model:", "s:xcontextx", "t:job"] {
            assert_eq!(plain.is_match(s), fast.is_match(s), "{s}");
        }
        // Middle loops with a common tail: `(?:webacl|ipset)/*/*`.
        let globs: Vec<String> = ["a:*/webacl/*/*", "a:*/ipset/*/*", "a:*/rulegroup/*/*"]
            .iter()
            .map(|g| (*g).to_string())
            .collect();
        let factored = factor(parse(&alternation(&globs)));
        assert_eq!(loops(&factored), 3, "{factored}");
    }

    #[test]
    fn deep_alternations_are_bounded_and_exact() {
        // `a|aa|aaa|…`: one recursion level per length without the depth bound.
        let globs: Vec<String> = (1..=300).map(|n| "a".repeat(n)).collect();
        let hir = parse(&alternation(&globs));
        let (plain, fast) = (matcher(&hir), matcher(&factor(hir.clone())));
        for n in [0, 1, 2, 63, 64, 65, 200, 300, 301] {
            let s = "a".repeat(n);
            assert_eq!(plain.is_match(&s), fast.is_match(&s), "{n}");
        }
        // Duplicated alternatives.
        let globs: Vec<String> =
            ["ab%", "ab%", "b", "b"].iter().map(|g| (*g).to_string()).collect();
        let hir = parse(&alternation(&globs));
        let (plain, fast) = (matcher(&hir), matcher(&factor(hir.clone())));
        for s in ["ab", "abx", "b", "a", "bb", ""] {
            assert_eq!(plain.is_match(s), fast.is_match(s), "{s}");
        }
    }

    #[test]
    fn a_pattern_without_alternatives_is_kept() {
        for regex in ["abc", "a(?s-u:.)*b", "", "(?:a|b)c"] {
            let hir = parse(regex);
            assert_eq!(factor(hir.clone()), hir, "{regex}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(14),
            ..ProptestConfig::default()
        })]

        /// The factored alternation matches exactly the strings the alternation matches.
        #[test]
        fn factored_alternations_match_the_same_strings(
            globs in proptest::collection::vec(glob_strategy(), 1..8),
            nested in any::<bool>(),
        ) {
            let mut regex = alternation(&globs);
            if nested {
                // An alternation last in a concatenation, as regex-syntax writes common prefixes.
                regex = format!("a(?:{regex})|b");
            }
            let hir = parse(&regex);
            let (plain, fast) = (matcher(&hir), matcher(&factor(hir.clone())));
            for s in strings(&['a', 'b', '/', ':', 'é'], 4) {
                prop_assert_eq!(plain.is_match(&s), fast.is_match(&s), "{} on {:?}", regex, s);
            }
        }

        /// Factoring changes no atom, witness or order.
        #[test]
        fn factoring_keeps_every_atom(
            classes in proptest::collection::vec(
                proptest::collection::vec(glob_strategy(), 1..5), 1..4),
            segment_universe in any::<bool>(),
        ) {
            let patterns: Vec<String> = classes.iter().map(|c| alternation(c)).collect();
            let universe = if segment_universe { "(?-u:[^:])*:(?-u:[^:])*" } else { "(?s-u:.)*" };
            let budget = AtomBudget::default();
            prop_assert_eq!(
                atoms(&patterns, universe, &budget),
                atoms_unfactored(&patterns, universe, &budget)
            );
        }
    }
}
