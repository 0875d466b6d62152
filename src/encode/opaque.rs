//! Opaque constructs of a query (docs/semantics.md §4a, §6): free Booleans,
//! keyed by their canonical text so that the same construct in two
//! policies is one Boolean.
//!
//! A construct may have a known *meaning*: "this template's instance
//! matches the value at this site" (`encode::variables::Meaning`). Then a
//! statement may need it true (a `Resource` entry, a `StringEquals` value)
//! or false (a `NotResource` entry, a `StringNotEquals` value), and two
//! meanings over the same site may be related: when every instance of one
//! template is contained in the other's (`b/${u}/docs/*` in `b/${u}/*`),
//! the first cannot hold without the second. Related constructs share one
//! field whose atoms are the valuations these implications allow; each
//! implication holds in every request, so this stays an over-approximation
//! (a PASS is exact) while proving more.

use super::variables::Meaning;
use super::{AtomValue, Field, FieldAtom, FieldKind};
use crate::unknown::{Construct, ConstructKind};
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;

/// At most this many related constructs share one field (2^this valuations).
const MAX_GROUP: usize = 6;

#[derive(Debug)]
struct Entry {
    construct: Construct,
    /// (statement, the value the statement needs).
    gates: Vec<(usize, bool)>,
    meaning: Option<Meaning>,
}

/// The opaque constructs of a query.
#[derive(Debug, Default)]
pub(crate) struct OpaqueSet {
    entries: BTreeMap<String, Entry>,
}

impl OpaqueSet {
    /// A construct statement `statement` needs true, with no known meaning.
    pub(crate) fn add(&mut self, key: String, statement: usize, construct: Construct) {
        self.add_gate(key, statement, true, construct);
    }

    /// A construct with no known meaning that `statement` needs to be `needs`.
    pub(crate) fn add_gate(
        &mut self,
        key: String,
        statement: usize,
        needs: bool,
        construct: Construct,
    ) {
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            construct,
            gates: Vec::new(),
            meaning: None,
        });
        entry.gates.push((statement, needs));
    }

    /// A construct with a known meaning, which `statement` needs to be
    /// `needs` (identical meanings are one construct).
    pub(crate) fn add_meaning(
        &mut self,
        meaning: Meaning,
        statement: usize,
        needs: bool,
        construct: Construct,
    ) {
        let key = format!("meaning {}", meaning.key());
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            construct,
            gates: Vec::new(),
            meaning: Some(meaning),
        });
        entry.gates.push((statement, needs));
    }

    /// The fields: one per construct, or one per group of related
    /// constructs; `n` statements.
    pub(crate) fn into_fields(self, n: usize) -> Vec<Field> {
        let entries: Vec<Entry> = self.entries.into_values().collect();
        // implies[i] = the constructs that construct i implies.
        let mut implies: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
        for (i, a) in entries.iter().enumerate() {
            for (j, b) in entries.iter().enumerate() {
                if let (true, Some(ma), Some(mb)) = (i != j, &a.meaning, &b.meaning) {
                    if ma.implies(mb) {
                        if let Some(v) = implies.get_mut(i) {
                            v.push(j);
                        }
                    }
                }
            }
        }
        groups(&implies)
            .into_iter()
            .map(|members| group_field(&entries, &members, &implies, n))
            .collect()
    }
}

/// The connected groups of the implication graph, each at most
/// [`MAX_GROUP`] constructs (a larger group is split into singletons:
/// dropping implications only loses precision).
fn groups(implies: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = implies.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            i = p;
        }
        i
    }
    for (i, targets) in implies.iter().enumerate() {
        for &j in targets {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            if let Some(slot) = parent.get_mut(a) {
                *slot = b;
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        by_root.entry(root(&mut parent, i)).or_default().push(i);
    }
    let mut out = Vec::new();
    for (_, members) in by_root {
        if members.len() > MAX_GROUP {
            out.extend(members.into_iter().map(|m| vec![m]));
        } else {
            out.push(members);
        }
    }
    out
}

/// One field for the constructs `members`: an atom per valuation the
/// implications between them allow.
fn group_field(entries: &[Entry], members: &[usize], implies: &[Vec<usize>], n: usize) -> Field {
    // One construct as it is; related ones as one policy-variable construct.
    let construct = match members {
        [one] => entries.get(*one).map(|e| e.construct.clone()),
        _ => None,
    };
    let construct = construct.unwrap_or_else(|| Construct {
        kind: ConstructKind::PolicyVariable,
        description: members
            .iter()
            .filter_map(|&m| entries.get(m).map(|e| e.construct.description.as_str()))
            .collect::<Vec<_>>()
            .join("; "),
    });
    let mut atoms = Vec::new();
    // Valuations in order: all true first (the readable witness of a
    // single construct is `true`).
    for mask in 0..(1usize << members.len()) {
        let value = |k: usize| mask & (1 << k) == 0;
        let position = |m: usize| members.iter().position(|&x| x == m);
        let consistent = members.iter().enumerate().all(|(k, &m)| {
            !value(k)
                || implies.get(m).into_iter().flatten().all(|&t| position(t).is_none_or(&value))
        });
        if !consistent {
            continue;
        }
        let mut sat = FixedBitSet::with_capacity(n);
        sat.insert_range(..);
        for (k, &m) in members.iter().enumerate() {
            for &(s, needs) in entries.get(m).map_or(&[][..], |e| e.gates.as_slice()) {
                if value(k) != needs {
                    sat.set(s, false);
                }
            }
        }
        atoms.push(FieldAtom { value: AtomValue::Opaque(value(0)), sat });
    }
    Field { kind: FieldKind::Opaque { construct }, atoms: super::table::dedup(atoms) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::variables::Mode;

    fn construct() -> Construct {
        Construct { kind: ConstructKind::PolicyVariable, description: "x".into() }
    }

    #[test]
    fn related_meanings_share_a_field_of_allowed_valuations() {
        let m =
            |t: &str| Meaning::of("resource", Mode::Arn, t, true).unwrap_or_else(|| panic!("{t}"));
        let mut set = OpaqueSet::default();
        // Statement 0 needs `docs` true, 1 needs `home` true, 2 needs `home` false.
        set.add_meaning(m("arn:aws:s3:::b/${u}/docs/*"), 0, true, construct());
        set.add_meaning(m("arn:aws:s3:::b/${U}/*"), 1, true, construct());
        set.add_meaning(m("arn:aws:s3:::b/${u}/*"), 2, false, construct());
        set.add(String::from("other"), 3, construct());
        let fields = set.into_fields(4);
        assert_eq!(fields.len(), 2);
        let group =
            fields.iter().find(|f| f.atoms.len() == 3).unwrap_or_else(|| panic!("{fields:?}"));
        let sats: Vec<Vec<usize>> = group.atoms.iter().map(|a| a.sat.ones().collect()).collect();
        // docs ⇒ home: never statement 0 without statement 1; home false gives 2.
        assert!(sats.iter().all(|s| !s.contains(&0) || s.contains(&1)), "{sats:?}");
        assert!(sats.iter().any(|s| s.contains(&2) && !s.contains(&1)), "{sats:?}");
    }
}
