//! Tests of [`super::atoms`] against a brute-force glob reference.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::{atoms, Atom, AtomBudget, AtomErrorKind, Budget};

/// Regex for all strings.
const ALL: &str = "(?s-u:.)*";

/// Translates a glob (`*` any string, `?` one character) into a regex of the module's dialect.
fn glob_regex(glob: &str) -> String {
    let mut out = String::new();
    let mut literal = String::new();
    let mut previous_star = false;
    for c in glob.chars() {
        if c == '*' || c == '?' {
            out.push_str(&regex_syntax::escape(&literal));
            literal.clear();
        }
        match c {
            '*' if previous_star => {}
            '*' => out.push_str("(?s-u:.)*"),
            '?' => out.push_str("(?s:.)"),
            _ => literal.push(c),
        }
        previous_star = c == '*';
    }
    out.push_str(&regex_syntax::escape(&literal));
    out
}

/// Reference glob matcher over characters.
fn glob_match(glob: &[char], s: &[char]) -> bool {
    match glob.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => {
            (0..=s.len()).any(|k| s.get(k..).is_some_and(|tail| glob_match(rest, tail)))
        }
        Some(('?', rest)) => s.split_first().is_some_and(|(_, tail)| glob_match(rest, tail)),
        Some((c, rest)) => {
            s.split_first().is_some_and(|(d, tail)| c == d && glob_match(rest, tail))
        }
    }
}

fn matches(glob: &str, s: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let s: Vec<char> = s.chars().collect();
    glob_match(&g, &s)
}

/// The reference pattern set of `s`.
fn reference_set(globs: &[&str], s: &str) -> Vec<usize> {
    globs.iter().enumerate().filter(|(_, g)| matches(g, s)).map(|(i, _)| i).collect()
}

fn set_of(atom: &Atom) -> Vec<usize> {
    atom.matched.ones().collect()
}

fn run(globs: &[&str], universe: &str) -> Vec<Atom> {
    let patterns: Vec<String> = globs.iter().map(|g| glob_regex(g)).collect();
    match atoms(&patterns, universe, &AtomBudget::default()) {
        Ok(found) => found,
        Err(e) => panic!("atoms failed: {e}"),
    }
}

/// All strings of up to `max_len` characters over `alphabet`.
fn strings(alphabet: &[char], max_len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..max_len {
        let next: Vec<String> =
            layer.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
        all.extend(next.iter().cloned());
        layer = next;
    }
    all
}

/// Checks the atoms of `globs` within the universe glob `universe` against brute force:
/// soundness of every atom, distinctness, completeness and minimality up to `max_len`.
fn check(globs: &[&str], universe: &str, max_len: usize) {
    let found = run(globs, &glob_regex(universe));
    let mut sets = HashSet::new();
    for atom in &found {
        assert_eq!(atom.matched.len(), globs.len());
        assert!(
            matches(universe, &atom.witness),
            "{globs:?}: witness {:?} outside universe",
            atom.witness
        );
        assert_eq!(
            reference_set(globs, &atom.witness),
            set_of(atom),
            "{globs:?}: witness {:?}",
            atom.witness
        );
        assert!(sets.insert(set_of(atom)), "{globs:?}: duplicate atom {:?}", atom.witness);
    }
    let mut alphabet: Vec<char> =
        globs.iter().flat_map(|g| g.chars()).filter(|c| *c != '*' && *c != '?').collect();
    alphabet.extend(['z', 'é']);
    alphabet.sort_unstable();
    alphabet.dedup();
    // The best string seen per set, by (byte length, readability ranks).
    let mut best: HashMap<Vec<usize>, (usize, Vec<u16>)> = HashMap::new();
    for s in strings(&alphabet, max_len) {
        if !matches(universe, &s) {
            continue;
        }
        let set = reference_set(globs, &s);
        assert!(sets.contains(&set), "{globs:?}: {s:?} has set {set:?}, which is no atom");
        let key = readability(&s);
        let entry = best.entry(set).or_insert_with(|| key.clone());
        *entry = key.min(entry.clone());
    }
    for atom in &found {
        if let Some(key) = best.get(&set_of(atom)) {
            assert!(
                &readability(&atom.witness) <= key,
                "{globs:?}: witness {:?} is not the best",
                atom.witness
            );
        }
    }
    let lengths: Vec<usize> = found.iter().map(|a| a.witness.len()).collect();
    assert!(lengths.windows(2).all(|w| w.first() <= w.get(1)), "{globs:?}: not in discovery order");
}

/// Sort key of a witness: byte length, then the readability ranks of its bytes.
fn readability(s: &str) -> (usize, Vec<u16>) {
    (s.len(), s.bytes().map(super::utf8::rank).collect())
}

fn summary(found: &[Atom]) -> Vec<(String, Vec<usize>)> {
    found.iter().map(|a| (a.witness.clone(), set_of(a))).collect()
}

#[test]
fn glob_translation() {
    assert_eq!(glob_regex("s3:*"), "s3:(?s-u:.)*");
    assert_eq!(glob_regex("a**?.b"), "a(?s-u:.)*(?s:.)\\.b");
    assert!(matches("a*b?", "axxbé"));
    assert!(!matches("a*b?", "axxb"));
}

#[test]
fn star_gives_one_atom() {
    assert_eq!(summary(&run(&["*"], ALL)), vec![(String::new(), vec![0])]);
    assert_eq!(summary(&run(&["**"], ALL)), vec![(String::new(), vec![0])]);
}

#[test]
fn question_mark_gives_two_atoms() {
    assert_eq!(
        summary(&run(&["?"], ALL)),
        vec![(String::new(), vec![]), ("a".to_string(), vec![0])]
    );
}

#[test]
fn no_patterns_gives_the_universe() {
    assert_eq!(summary(&run(&[], ALL)), vec![(String::new(), vec![])]);
    assert_eq!(summary(&run(&[], "x+")), vec![("x".to_string(), vec![])]);
}

#[test]
fn non_ascii_counts_as_one_character() {
    let found = run(&["é", "?", "??", "é*"], ALL);
    assert_eq!(
        summary(&found),
        vec![
            (String::new(), vec![]),
            ("a".to_string(), vec![1]),
            // Shortest in bytes: "aa" ties with "é" (two bytes) and is more readable.
            ("aa".to_string(), vec![2]),
            ("é".to_string(), vec![0, 1, 3]),
            ("éa".to_string(), vec![2, 3]),
            ("éaa".to_string(), vec![3]),
        ]
    );
    check(&["é", "?", "??", "é*"], "*", 3);
}

#[test]
fn readable_witnesses() {
    assert_eq!(
        summary(&run(&["s3:*", "*"], ALL)),
        vec![(String::new(), vec![1]), ("s3:".to_string(), vec![0, 1])]
    );
    let found = run(&["arn:aws:s3:::ci-*", "arn:aws:s3:::ci-5", "*"], ALL);
    let witnesses: Vec<&str> = found.iter().map(|a| a.witness.as_str()).collect();
    assert_eq!(witnesses, vec!["", "arn:aws:s3:::ci-", "arn:aws:s3:::ci-5"]);
    // Non-ASCII witnesses prefer the Latin-1 letters of C3.
    let patterns = vec![r"[^\x00-\x7F]".to_string()];
    let found = atoms(&patterns, ALL, &AtomBudget::default()).map(|f| summary(&f));
    assert_eq!(found.ok().and_then(|f| f.get(1).cloned()), Some(("à".to_string(), vec![0])));
}

#[test]
fn results_are_deterministic() {
    let globs = ["a*", "*b", "?:?", "a*b*", "*:*"];
    let first = run(&globs, ALL);
    for _ in 0..3 {
        assert_eq!(run(&globs, ALL), first);
    }
}

#[test]
fn universe_restricts_atoms() {
    let found = run(&["s3:*"], "[a-z0-9]+:[a-z0-9]+");
    assert_eq!(summary(&found), vec![("a:a".to_string(), vec![]), ("s3:a".to_string(), vec![0])]);
    // With letters only, `s3:*` is outside the universe.
    assert_eq!(summary(&run(&["s3:*"], "[a-z]+:[a-z]+")), vec![("a:a".to_string(), vec![])]);
    // A universe that only invalid UTF-8 reaches has no atoms.
    assert!(run(&["*"], "(?-u:\\xFF)").is_empty());
    assert!(run(&["*"], "(?-u:\\xC3)").is_empty());
    check(&["a*", "*b", "?"], "a*", 4);
}

#[test]
fn byte_class_patterns_compile() {
    let found = run(&[], "(?-u:[^:])*:(?s:.)");
    assert_eq!(summary(&found), vec![(":a".to_string(), vec![])]);
    let patterns = vec!["[^:]*".to_string(), "(?-u:[^:])*".to_string()];
    let found = match atoms(&patterns, ALL, &AtomBudget::default()) {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(summary(&found), vec![(String::new(), vec![0, 1]), (":".to_string(), vec![])]);
}

#[test]
fn metacharacters_are_literal() {
    check(&[".+", "()|", "[]{}", "^$#&", "-~\\", " \t\n", "a.b"], "*", 2);
    check(&["x*y", "a.b"], "*", 3);
}

#[test]
fn small_sets_match_brute_force() {
    check(&["a*", "*a", "a?", "*"], "*", 4);
    check(&["*a*b*", "*b*a*", "ab", "??"], "*", 4);
    check(&["s3:*", "s3:get*", "*:get*", "ec2:*"], "*", 3);
}

/// Thirty subsequence globs whose atoms blow up.
fn adversarial() -> Vec<String> {
    let letters = ['a', 'b', 'c', 'd'];
    let mut globs = Vec::new();
    for i in 0..30usize {
        let pick = |k: usize| letters.get((i * 7 + k * 3 + i / 4) % 4).copied().unwrap_or('a');
        let q = if i % 5 == 0 { "?" } else { "" };
        globs.push(glob_regex(&format!("*{}*{q}{}*{}*", pick(0), pick(1), pick(2))));
    }
    globs
}

#[test]
fn node_budget_is_an_error() {
    let budget = AtomBudget { max_nodes: 1000, ..AtomBudget::default() };
    let err = atoms(&adversarial(), ALL, &budget).err();
    let err = err.map(|e| (e.kind.clone(), e.to_string(), e.describe("resource")));
    assert_eq!(
        err,
        Some((
            AtomErrorKind::Exceeded { what: Budget::SearchNodes, limit: 1000 },
            "the automaton exceeded its budget of 1000 search nodes".to_string(),
            "the resource automaton exceeded its budget of 1000 search nodes".to_string(),
        ))
    );
}

#[test]
fn atom_budget_is_an_error() {
    let budget = AtomBudget { max_atoms: 3, ..AtomBudget::default() };
    let err = atoms(&adversarial(), ALL, &budget).err().map(|e| e.kind);
    assert_eq!(err, Some(AtomErrorKind::Exceeded { what: Budget::Atoms, limit: 3 }));
    // Exactly enough is fine.
    let budget = AtomBudget { max_atoms: 2, ..AtomBudget::default() };
    assert_eq!(atoms(&[glob_regex("?")], ALL, &budget).map(|a| a.len()), Ok(2));
}

#[test]
fn cache_budget_is_an_error() {
    for cache_bytes in [0, 1000, 100_000, 400_000] {
        let budget = AtomBudget { cache_bytes, ..AtomBudget::default() };
        let err = atoms(&adversarial(), ALL, &budget).err().map(|e| e.kind);
        assert_eq!(
            err,
            Some(AtomErrorKind::Exceeded { what: Budget::CacheBytes, limit: cache_bytes })
        );
    }
}

#[test]
fn bad_regexes_are_errors() {
    let err = atoms(&["a".to_string(), "(".to_string()], ALL, &AtomBudget::default()).err();
    assert_eq!(err.map(|e| e.kind), Some(AtomErrorKind::Pattern { index: Some(1) }));
    let err = atoms(&[], "[", &AtomBudget::default()).err();
    assert_eq!(err.as_ref().map(|e| e.kind.clone()), Some(AtomErrorKind::Pattern { index: None }));
    assert!(err.is_some_and(|e| e.message.starts_with("the universe does not compile")));
}

fn glob_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(vec!['a', 'b', ':', '*', '?', 'é']), 0..6)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(30), ..ProptestConfig::default() })]

    #[test]
    fn random_globs_match_brute_force(
        globs in proptest::collection::vec(glob_strategy(), 1..6),
        universe in prop_oneof![Just("*".to_string()), glob_strategy()],
    ) {
        let globs: Vec<&str> = globs.iter().map(String::as_str).collect();
        check(&globs, &universe, 3);
    }
}

/// Timing of a realistic action set; run with
/// `cargo test --release --lib automata::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run by hand in release mode"]
fn timing_actions() {
    let verbs = ["get", "put", "list", "describe", "delete", "create", "update", "tag"];
    let nouns =
        ["bucket", "object", "policy", "role", "instance", "key", "table", "queue", "topic"];
    let mut patterns = Vec::new();
    for i in 0..2000usize {
        let service = i % 300;
        let verb = verbs.get(i % verbs.len()).copied().unwrap_or("get");
        let noun = nouns.get((i / 3) % nouns.len()).copied().unwrap_or("key");
        let glob = match i % 10 {
            0 => format!("svc{service}:*"),
            1 => format!("svc{service}:{verb}*"),
            2 => format!("svc{service}:*{noun}"),
            _ => format!("svc{service}:{verb}*{noun}"),
        };
        patterns.push(glob_regex(&glob));
    }
    let universe = "[a-z0-9-]+:[a-z0-9_-]+";
    let start = std::time::Instant::now();
    let found = atoms(&patterns, universe, &AtomBudget::default());
    let elapsed = start.elapsed();
    match found {
        Ok(found) => {
            let longest = found.iter().map(|a| a.witness.len()).max().unwrap_or(0);
            println!(
                "{} patterns: {} atoms in {elapsed:?}; longest witness {longest} bytes",
                patterns.len(),
                found.len()
            );
            println!(
                "first witnesses: {:?}",
                found.iter().take(6).map(|a| a.witness.as_str()).collect::<Vec<_>>()
            );
        }
        Err(e) => println!("error after {elapsed:?}: {e}"),
    }
}

/// Time to exhaust the default budget on an adversarial set; run like [`timing_actions`].
#[test]
#[ignore = "timing, run by hand in release mode"]
fn timing_adversarial() {
    // Thirty distinct four-letter subsequence globs over six letters.
    let letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    let pick = |i: usize| letters.get(i % 6).copied().unwrap_or('a');
    let patterns: Vec<String> = (0..30usize)
        .map(|i| {
            glob_regex(&format!(
                "*{}*{}*{}?*{}*",
                pick(i),
                pick(i / 6 + 1),
                pick(i + 2),
                pick(i * 5 + 3)
            ))
        })
        .collect();
    let start = std::time::Instant::now();
    let found = atoms(&patterns, ALL, &AtomBudget::default());
    let elapsed = start.elapsed();
    match found {
        Ok(found) => println!("adversarial: {} atoms in {elapsed:?}", found.len()),
        Err(e) => println!("adversarial: error after {elapsed:?}: {e}"),
    }
}

/// The regex of a fast-path shape, as the action field writes it.
fn shape_regex(shape: &super::Shape, star: &str) -> String {
    match shape {
        super::Shape::Literal(t) => regex_syntax::escape(t),
        super::Shape::Prefix(t) => format!("{}{star}", regex_syntax::escape(t)),
    }
}

fn shape_strategy() -> impl Strategy<Value = super::Shape> {
    let tail = proptest::collection::vec(
        proptest::sample::select(vec!['a', 'a', 'b', 'b', '-', '_', ':', 'X', 'é']),
        0..5,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    (tail, any::<bool>()).prop_map(|(t, literal)| {
        let text = format!("s:{t}");
        if literal {
            super::Shape::Literal(text)
        } else {
            super::Shape::Prefix(text)
        }
    })
}

#[test]
fn literal_atoms_examples() {
    use super::{literal_atoms, Shape, TailUniverse};
    let universe = TailUniverse { prefix: "s3:", class: b"abcdefghijklmnopqrstuvwxyz0123456789_-" };
    let shapes = [
        Shape::Prefix("s3:get".into()),
        Shape::Literal("s3:getobject".into()),
        Shape::Prefix("s3:".into()),
        Shape::Literal("s3:a".into()),
    ];
    let found = literal_atoms(&shapes, &universe, &AtomBudget::default()).unwrap_or_default();
    assert_eq!(
        summary(&found),
        vec![
            ("s3:a".to_string(), vec![2, 3]),
            ("s3:b".to_string(), vec![2]),
            ("s3:get".to_string(), vec![0, 2]),
            ("s3:getobject".to_string(), vec![0, 1, 2]),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(30), ..ProptestConfig::default() })]

    /// The fast path gives exactly the automaton's atoms, witnesses and order.
    #[test]
    fn literal_atoms_equal_the_automaton(
        shapes in proptest::collection::vec(shape_strategy(), 0..12),
        segment_star in any::<bool>(),
        class in prop_oneof![Just(&b"ab-_"[..]), Just(&b"ab"[..]), Just(&b"a"[..])],
    ) {
        let star = if segment_star { "(?-u:[^:])*" } else { ALL };
        let universe = super::TailUniverse { prefix: "s:", class };
        let regexes: Vec<String> = shapes.iter().map(|s| shape_regex(s, star)).collect();
        let class_text: String = class.iter().map(|&b| regex_syntax::escape(&char::from(b).to_string())).collect();
        let universe_regex = format!("s:[{class_text}]+");
        let expected = super::atoms_fresh(&regexes, &universe_regex, &AtomBudget::default());
        let got = super::literal::literal_atoms_fresh(&shapes, &universe, &AtomBudget::default());
        prop_assert_eq!(&got, &expected);
        // Kept across computations (the memo), the same atoms.
        for _ in 0..2 {
            prop_assert_eq!(&super::literal_atoms(&shapes, &universe, &AtomBudget::default()), &got);
        }
    }
}

/// A universe's DFA and cache are kept per thread between computations: the atoms are those
/// of a thread that computes them first.
#[test]
fn kept_universes_change_no_atom() {
    let universe = glob_regex("s:*");
    let first: Vec<String> = ["s:a*", "s:*b*", "s:ab"].iter().map(|g| glob_regex(g)).collect();
    let second: Vec<String> = ["s:b?", "s:*a", "s:?"].iter().map(|g| glob_regex(g)).collect();
    let compute = |patterns: &[String]| atoms(patterns, &universe, &AtomBudget::default());
    let alone = {
        let (second, universe) = (second.clone(), universe.clone());
        std::thread::spawn(move || atoms(&second, &universe, &AtomBudget::default()))
            .join()
            .unwrap_or_else(|_| panic!("the thread panicked"))
    };
    let before = compute(&first);
    assert_eq!(compute(&second), alone);
    assert_eq!(compute(&first), before);
    assert!(alone.is_ok_and(|found| found.len() == 6));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(14), ..ProptestConfig::default() })]

    /// Atoms kept across computations (the memo, shared by threads) are those a new
    /// computation gives: asked again, after other computations over the same universe, and
    /// from another thread.
    #[test]
    fn kept_atoms_equal_fresh_ones(
        globs in proptest::collection::vec(glob_strategy(), 1..6),
        others in proptest::collection::vec(glob_strategy(), 1..4),
        universe in proptest::sample::select(vec!["*", "a*", "*:*", "?*b"]),
    ) {
        let patterns: Vec<String> = globs.iter().map(|g| glob_regex(g)).collect();
        let others: Vec<String> = others.iter().map(|g| glob_regex(g)).collect();
        let universe = glob_regex(universe);
        let budget = AtomBudget::default();
        let fresh = super::atoms_fresh(&patterns, &universe, &budget);
        prop_assert!(fresh.is_ok(), "{fresh:?}");
        let first = atoms(&patterns, &universe, &budget);
        prop_assert_eq!(&first, &fresh);
        let other_first = atoms(&others, &universe, &budget);
        prop_assert_eq!(&atoms(&patterns, &universe, &budget), &fresh);
        prop_assert_eq!(&atoms(&others, &universe, &budget), &other_first);
        let (p, u) = (patterns.clone(), universe.clone());
        let elsewhere = std::thread::spawn(move || atoms(&p, &u, &AtomBudget::default())).join();
        prop_assert!(elsewhere.as_ref().is_ok_and(|found| found == &fresh));
    }
}

/// A failed computation is not kept: asked again with a larger budget, it succeeds, and asked
/// again with the small one, it fails again.
#[test]
fn failures_are_not_kept() {
    let patterns: Vec<String> = ["a*", "*b", "?:?"].iter().map(|g| glob_regex(g)).collect();
    let small = AtomBudget { max_nodes: 2, ..AtomBudget::default() };
    let failed = atoms(&patterns, ALL, &small);
    assert!(failed.as_ref().is_err_and(|e| e.is_budget()), "{failed:?}");
    assert!(atoms(&patterns, ALL, &AtomBudget::default()).is_ok_and(|found| found.len() > 2));
    assert_eq!(atoms(&patterns, ALL, &small), failed);
}
