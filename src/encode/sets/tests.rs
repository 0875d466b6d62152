use super::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A small reproducible generator (xorshift64*), seeded per test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

/// A present set's satisfaction vector straight from the definitions:
/// `ForAllValues:` every element passes, `ForAnyValue:` some element does.
fn brute_sat(entries: &[SetEntry], elements: &[Vec<bool>], set: &[usize], n: usize) -> FixedBitSet {
    let mut sat = FixedBitSet::with_capacity(n);
    sat.insert_range(..);
    for (j, e) in entries.iter().enumerate() {
        let passes = |c: &usize| elements[*c][j];
        let holds = match e.test {
            SetTest::All => set.iter().all(passes),
            SetTest::Any => set.iter().any(passes),
            SetTest::Fixed(b) => b,
        };
        if !holds {
            sat.set(e.statement, false);
        }
    }
    sat
}

/// The first encoding: one state per distinct per-entry (some, all) pair,
/// class by class (the classes deduplicated on their entry vectors).
fn by_some_and_all(
    entries: &[SetEntry],
    elements: &[Vec<bool>],
    n: usize,
) -> Vec<(Vec<usize>, FixedBitSet)> {
    let mut classes: Vec<(usize, &Vec<bool>)> = Vec::new();
    for (c, v) in elements.iter().enumerate() {
        if !classes.iter().any(|(_, w)| *w == v) {
            classes.push((c, v));
        }
    }
    let width = entries.len();
    let mut states = vec![(vec![false; width], vec![true; width], Vec::new())];
    let mut seen = HashSet::new();
    seen.insert((vec![false; width], vec![true; width]));
    for (c, v) in classes {
        let grown: Vec<_> = states
            .iter()
            .map(|(some, all, chosen): &(Vec<bool>, Vec<bool>, Vec<usize>)| {
                let some: Vec<bool> = some.iter().zip(v).map(|(a, b)| *a || *b).collect();
                let all: Vec<bool> = all.iter().zip(v).map(|(a, b)| *a && *b).collect();
                let mut chosen = chosen.clone();
                chosen.push(c);
                (some, all, chosen)
            })
            .collect();
        for s in grown {
            if seen.insert((s.0.clone(), s.1.clone())) {
                states.push(s);
            }
        }
    }
    states
        .into_iter()
        .map(|(_, _, chosen)| {
            let sat = brute_sat(entries, elements, &chosen, n);
            (chosen, sat)
        })
        .collect()
}

/// Keep the first of each satisfaction vector (what the field's atoms keep).
fn first_per_sat(kinds: Vec<(Vec<usize>, FixedBitSet)>) -> Vec<(Vec<usize>, FixedBitSet)> {
    let mut seen = HashSet::new();
    kinds.into_iter().filter(|(_, s)| seen.insert(s.clone())).collect()
}

fn random_case(rng: &mut Rng) -> (Vec<SetEntry>, Vec<Vec<bool>>, usize) {
    let n = 1 + rng.below(4);
    let entries: Vec<SetEntry> = (0..1 + rng.below(5))
        .map(|_| SetEntry {
            statement: rng.below(n),
            test: match rng.below(5) {
                0 | 1 => SetTest::All,
                2 | 3 => SetTest::Any,
                _ => SetTest::Fixed(rng.coin()),
            },
        })
        .collect();
    let elements =
        (0..1 + rng.below(6)).map(|_| entries.iter().map(|_| rng.coin()).collect()).collect();
    (entries, elements, n)
}

#[test]
fn kinds_equal_the_first_encoding_atom_for_atom() {
    let mut rng = Rng(0x5eed_0014);
    for _ in 0..3000 {
        let (entries, elements, n) = random_case(&mut rng);
        let new: Vec<(Vec<usize>, FixedBitSet)> = set_kinds(&entries, &elements, n, 1 << 20)
            .unwrap_or_default()
            .into_iter()
            .map(|k| (k.chosen, k.sat))
            .collect();
        let old = by_some_and_all(&entries, &elements, n);
        assert_eq!(first_per_sat(new), first_per_sat(old), "{entries:?} {elements:?}");
    }
}

#[test]
fn kinds_are_exactly_the_subsets_vectors() {
    let mut rng = Rng(0x0b5e_55ed);
    for _ in 0..3000 {
        let (entries, elements, n) = random_case(&mut rng);
        let kinds = set_kinds(&entries, &elements, n, 1 << 20).unwrap_or_default();
        // Every kind's witness set has the kind's vector.
        for k in &kinds {
            assert_eq!(k.sat, brute_sat(&entries, &elements, &k.chosen, n));
        }
        // Every subset of the classes has some kind's vector, and no other.
        let found: BTreeSet<Vec<usize>> = kinds.iter().map(|k| k.sat.ones().collect()).collect();
        let mut all = BTreeSet::new();
        for mask in 0u32..(1 << elements.len()) {
            let set: Vec<usize> = (0..elements.len()).filter(|c| mask & (1 << c) != 0).collect();
            all.insert(brute_sat(&entries, &elements, &set, n).ones().collect::<Vec<usize>>());
        }
        assert_eq!(found, all, "{entries:?} {elements:?}");
    }
}

/// 25 statements, each a `ForAllValues:` allow-list of tag keys plus a
/// `Null` entry (the SageMaker Studio provisioning policy's shape): the
/// kinds are the intersection closure, a few dozen, where the first
/// encoding's (some, all) pairs passed 4,096.
#[test]
fn tag_key_allow_lists_have_few_kinds() {
    let n = 25;
    let mut entries = Vec::new();
    for s in 0..n {
        entries.push(SetEntry { statement: s, test: SetTest::All });
        entries.push(SetEntry { statement: s, test: SetTest::Fixed(true) });
    }
    // Element class c < 16 is a tag key on statement c's list only
    // (`RoleName`, `AgentId`, ...); statements 16.. allow every key here
    // (`AmazonDataZone*` lists are the shared part).
    let elements: Vec<Vec<bool>> = (0..16)
        .map(|c| (0..2 * n).map(|j| j % 2 == 1 || j / 2 == c || j / 2 >= 16).collect())
        .collect();
    let kinds = set_kinds(&entries, &elements, n, 4096);
    assert!(matches!(&kinds, Ok(k) if k.len() == 18), "{:?}", kinds.map(|k| k.len()));
    assert!(by_some_and_all(&entries, &elements, n).len() > 4096);
}

/// `ForAnyValue:` entries each passed by one element class: every subset of
/// the entries is a kind, so the budget trips, and fast.
#[test]
fn union_blow_up_trips_the_budget_fast() {
    let width = 40;
    let entries: Vec<SetEntry> =
        (0..width).map(|j| SetEntry { statement: j, test: SetTest::Any }).collect();
    let elements: Vec<Vec<bool>> =
        (0..width).map(|c| (0..width).map(|j| j == c).collect()).collect();
    let start = Instant::now();
    assert_eq!(set_kinds(&entries, &elements, width, 4096).map(|k| k.len()), Err(4096));
    assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
}

/// The SageMaker Studio provisioning policy's shape end to end: 25 statements,
/// each `Null` false and a `ForAllValues:StringLike` allow-list on
/// `aws:TagKeys`; the new version allows one more key on one list. Decided (it
/// was `budget.multivaluedClasses`), with a witness `simulate` replays; the
/// reverse direction passes.
#[test]
fn tag_key_allow_lists_decide_end_to_end() {
    use crate::decide::{check_no_new_access, Config, Verdict};
    use crate::policy::PolicyType;
    use crate::{parse_policy, simulate, Decision};
    let doc = |extra: &str| {
        let statements: Vec<String> = (0..25)
            .map(|i| {
                let mut keys = vec!["\"AmazonDataZone*\"".to_string(), format!("\"Key{i}\"")];
                if i % 3 == 0 {
                    keys.push(format!("\"Shared{}*\"", i % 4));
                }
                if i == 7 {
                    keys.push(format!("\"{extra}\""));
                }
                format!(
                    r#"{{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{{"Null":{{"aws:TagKeys":"false"}},"ForAllValues:StringLike":{{"aws:TagKeys":[{}]}}}}}}"#,
                    keys.join(",")
                )
            })
            .collect();
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
        parse_policy(&text, PolicyType::Identity).unwrap().policy
    };
    let (old, new) = (doc("Key7"), doc("NewKey"));
    let t = PolicyType::Identity;
    let allowed = |p, r| simulate(p, t, r).unwrap().decision == Decision::Allow;
    match check_no_new_access(&old, &new, t, &Config::default()) {
        Verdict::Fail { witness, .. } => {
            assert!(allowed(&new, &witness) && !allowed(&old, &witness), "{witness:?}");
        }
        other => panic!("expected FAIL, got {other:?}"),
    }
    assert_eq!(check_no_new_access(&new, &old, t, &Config::default()), Verdict::Pass);
}
