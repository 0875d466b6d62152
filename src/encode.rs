//! Encoding: the policies of one query → fields of a request, each with its
//! atoms and, per atom, the statements whose constraint on that field the
//! atom satisfies.
//!
//! A statement is a conjunction of per-field constraints (action, resource,
//! principal, one per condition key, one per opaque construct), so a
//! request matches a statement iff the request's atom on every field
//! satisfies it. The fields are listed in search order: action, resource,
//! principal, condition keys (by name), opaque constructs last.
//!
//! Soundness contract: the atoms of a field cover every value of the
//! field's universe (docs/semantics.md §2); opaque constructs are free
//! Booleans, which over-approximates (docs/semantics.md §6).

mod action_whitespace;
pub(crate) mod caller;
mod federator;
pub mod glob;
pub(crate) mod keys;
mod opaque;
mod partitions;
pub mod principal;
mod sets;
mod table;
pub(crate) mod variables;

use crate::automata::{self, AtomBudget, AtomError, AtomErrorKind};
use crate::policy::template::Tok;
use crate::policy::{Effect, Element, Policy, PolicyType};
use crate::unknown::{AutomatonField, Budget, Construct, ConstructKind, UnknownReason};
use fixedbitset::FixedBitSet;
use glob::Pattern;
use regex_syntax::escape;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use table::{Constraint, Grouping, PatternTable};

/// A statement of the query, by policy and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// Which policy of the query (its position in the `policies` slice).
    pub policy: usize,
    /// The statement's index in that policy.
    pub index: usize,
    /// Its effect.
    pub effect: Effect,
}

/// What a field is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// The action (lower-cased in atoms).
    Action,
    /// The resource ARN.
    Resource,
    /// The principal string (resource policies only).
    Principal,
    /// A condition key, by the name first written in the query.
    Key {
        /// The key as first written.
        name: String,
        /// Whether values are sets.
        multi: bool,
    },
    /// The caller (docs/semantics.md §2): the principal (resource policies) with the
    /// condition keys that are functions of it, as a caller string (`encode::caller`); only
    /// in queries that use such a key.
    Caller {
        /// The names of `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
        /// `aws:username` and `aws:userid` as the query first writes them.
        keys: Vec<String>,
    },
    /// An opaque construct (docs/semantics.md §6): a free Boolean.
    Opaque {
        /// What the construct is, for UNKNOWN reasons.
        construct: Construct,
    },
}

/// The value an atom stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtomValue {
    /// A string (action, resource, principal, single-valued key).
    Str(String),
    /// The key is absent from the request.
    Absent,
    /// A multivalued key's values.
    Set(Vec<String>),
    /// An opaque construct's truth value.
    Opaque(bool),
}

/// One atom of a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldAtom {
    /// A value of the atom (the witness).
    pub value: AtomValue,
    /// Bit `s` set iff the value satisfies statement `s`'s constraint on
    /// this field.
    pub sat: FixedBitSet,
}

/// One field with its atoms (distinct by `sat`).
#[derive(Clone, Debug)]
pub struct Field {
    /// What the field is.
    pub kind: FieldKind,
    /// The atoms, best witness first.
    pub atoms: Vec<FieldAtom>,
}

/// The encoded query.
#[derive(Clone, Debug)]
pub struct Encoded {
    /// Every statement of every policy; bit positions in `sat` sets.
    pub statements: Vec<StatementRef>,
    /// The fields in search order.
    pub fields: Vec<Field>,
    /// How many partition bits follow the statements' bits in every `sat` set
    /// (`encode::partitions`; 0: the query needs none).
    pub partition_bits: usize,
    /// The partition classes, class `k` for partition bit `k` (empty without bits).
    pub(crate) partition_classes: Vec<crate::iam::partition::Set>,
}

impl Encoded {
    /// The bits of a `sat` set: one per statement, then the partition bits.
    pub fn width(&self) -> usize {
        self.statements.len() + self.partition_bits
    }
}

/// Budgets of the encoding.
#[derive(Clone, Debug)]
pub struct EncodeBudget {
    /// Per-field automaton budget.
    pub atoms: AtomBudget,
    /// Maximum distinct kinds of value sets of one multivalued key (what
    /// the set qualifiers can tell apart; each is an atom).
    pub max_set_states: usize,
}

impl Default for EncodeBudget {
    fn default() -> Self {
        EncodeBudget { atoms: AtomBudget::default(), max_set_states: 4096 }
    }
}

/// Why the encoding could not be completed: a budget, the time limit, or
/// an internal failure, each typed ([`EncodeError::reason`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    reason: UnknownReason,
}

impl EncodeError {
    /// An internal invariant failure of the encoding (an UNKNOWN coded
    /// `internal`, never a silent default).
    pub(crate) fn internal(detail: impl Into<String>) -> EncodeError {
        EncodeError { reason: UnknownReason::internal(detail) }
    }

    /// A multivalued key with more kinds of value sets than `limit`.
    pub(crate) fn multivalued_classes(limit: usize) -> EncodeError {
        let limit = u64::try_from(limit).unwrap_or(u64::MAX);
        EncodeError { reason: UnknownReason::Budget { budget: Budget::MultivaluedClasses, limit } }
    }

    /// An automaton of `field` that failed.
    fn atoms(field: AutomatonField, e: AtomError) -> EncodeError {
        let budget = |b: fn(AutomatonField) -> Budget, limit: usize| UnknownReason::Budget {
            budget: b(field),
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        };
        let reason = match e.kind {
            AtomErrorKind::Exceeded { what, limit } => match what {
                automata::Budget::SearchNodes => budget(Budget::AutomatonNodes, limit),
                automata::Budget::Atoms => budget(Budget::AutomatonAtoms, limit),
                automata::Budget::CacheBytes => budget(Budget::AutomatonCacheBytes, limit),
                automata::Budget::NfaBytes => budget(Budget::AutomatonNfaBytes, limit),
                automata::Budget::Time => UnknownReason::Timeout {
                    limit: std::time::Duration::from_millis(
                        u64::try_from(limit).unwrap_or(u64::MAX),
                    ),
                },
            },
            AtomErrorKind::Pattern { .. } | AtomErrorKind::Internal => {
                UnknownReason::internal(e.describe(&field.to_string()))
            }
        };
        EncodeError { reason }
    }

    /// Why, typed.
    pub fn reason(&self) -> &UnknownReason {
        &self.reason
    }

    /// Why, typed (by value).
    pub fn into_reason(self) -> UnknownReason {
        self.reason
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for EncodeError {}

/// Values excluded from fields' domains: how the public and external
/// access checks model an outsider (docs/public-access.md).
#[derive(Clone, Debug, Default)]
pub struct Restrict {
    /// Principals the request may not have: those these entries match.
    pub principal: Vec<crate::policy::Principal>,
    /// Per condition key (folded name): values the request may not have
    /// (the key may still be absent).
    pub keys: BTreeMap<String, Vec<Pattern>>,
    /// The same for keys of a typed sort (numbers, dates, IP addresses,
    /// binary): values satisfying one of these predicates.
    pub typed_keys: BTreeMap<String, Vec<crate::values::Predicate>>,
    /// The position in the query of the catalogue request model's policy
    /// (`iam::catalog::model`), if any: its `Resource` entries are regexes,
    /// and the resource field's universe gains `*`, the resource of actions
    /// that take no resource type.
    pub model: Option<usize>,
}

/// Encodes the statements of `policies` (all of `policy_type`).
///
/// # Errors
/// When a field's automaton or a multivalued key exceeds its budget.
pub fn encode(
    policies: &[&Policy],
    policy_type: PolicyType,
    budget: &EncodeBudget,
    restrict: &Restrict,
) -> Result<Encoded, EncodeError> {
    // Statements split where policy variables make an OR more precise
    // (`variables::split`); every variant keeps its statement's index.
    // Statements with whitespace in action entries split first (`action_whitespace::split`).
    let literals = variables::literals(policies);
    let mut variants: Vec<(usize, &Policy, Cow<'_, crate::policy::Statement>)> = Vec::new();
    let mut except: Vec<Vec<String>> = Vec::new();
    let mut gates: Vec<Vec<action_whitespace::Gate>> = Vec::new();
    let mut readings: Vec<principal::Federator> = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for s in &policy.statements {
            let spaced = action_whitespace::split(s).map_err(|reason| EncodeError { reason })?;
            let pieces: Vec<(Cow<'_, crate::policy::Statement>, Vec<action_whitespace::Gate>)> =
                match spaced {
                    Some(split) => split.into_iter().map(|(s, g)| (Cow::Owned(s), g)).collect(),
                    None => vec![(Cow::Borrowed(s), Vec::new())],
                };
            for (s, g) in pieces {
                let split =
                    variables::split(&s, &literals).filter(|_| policy.substitutes_variables());
                let pieces: Vec<(Cow<'_, crate::policy::Statement>, Vec<String>)> = match split {
                    Some(split) => {
                        split.into_iter().map(|v| (Cow::Owned(v.statement), v.except)).collect()
                    }
                    None => vec![(s, Vec::new())],
                };
                for (s, ex) in pieces {
                    // Both readings of the federating user where AWS does not document one.
                    if policy_type == PolicyType::Resource
                        && crate::iam::caller::federator_undocumented(&s)
                    {
                        variants.push((p, *policy, s.clone()));
                        except.push(ex.clone());
                        gates.push(g.clone());
                        readings.push(principal::Federator::NotIdentity);
                        let mut more = g.clone();
                        more.push(federator::gate());
                        gates.push(more);
                        readings.push(principal::Federator::Identity);
                    } else {
                        gates.push(g.clone());
                        readings.push(principal::Federator::Identity);
                    }
                    variants.push((p, *policy, s));
                    except.push(ex);
                }
            }
        }
    }
    let statements: Vec<StatementRef> = variants
        .iter()
        .map(|(p, _, s)| StatementRef { policy: *p, index: s.index, effect: s.effect })
        .collect();
    let all: Vec<(&Policy, &crate::policy::Statement)> =
        variants.iter().map(|(_, p, s)| (*p, s.as_ref())).collect();
    let mut opaque = opaque::OpaqueSet::default();
    for (s_id, g) in gates.into_iter().enumerate() {
        for (key, needs, construct) in g {
            opaque.add_gate(key, s_id, needs, construct);
        }
    }
    let model: Vec<bool> = variants.iter().map(|(p, _, _)| restrict.model == Some(*p)).collect();
    // Keys that are functions of the caller constrain the principal field instead.
    let folded = caller::folded_keys(&all);
    let has_caller = !folded.is_empty() || policy_type == PolicyType::Resource;
    let classes =
        if has_caller { partitions::query_classes(&all, &folded, restrict) } else { Vec::new() };
    let classes = if classes.len() > 1 { classes } else { Vec::new() };
    let mut fields = vec![action_field(&all, budget)?];
    fields.push(resource_field(&all, &except, &model, &mut opaque, budget, &classes)?);
    let stripped = caller::without_folded(&all, &folded);
    let rest: Vec<(&Policy, &crate::policy::Statement)> =
        all.iter().zip(&stripped).map(|((p, _), s)| (*p, s)).collect();
    if !folded.is_empty() {
        let forbidden = caller::Forbidden { principals: &restrict.principal, keys: &restrict.keys };
        let scope =
            caller::Scope { policy_type, folded: &folded, classes: &classes, readings: &readings };
        fields.push(caller::caller_field(&all, &scope, &forbidden, budget)?);
    } else if policy_type == PolicyType::Resource {
        fields.push(principal_field(&all, &readings, budget, &restrict.principal, &classes)?);
    }
    let first_free = fields.len();
    fields.extend(keys::key_fields(
        &rest,
        &mut opaque,
        budget,
        &restrict.keys,
        &restrict.typed_keys,
    )?);
    fields.extend(opaque.into_fields(all.len()));
    // Fields with no partition are compatible with every class. The action field is first.
    let (n, k) = (all.len(), classes.len());
    for (d, field) in fields.iter_mut().enumerate() {
        if d == 0 || d >= first_free {
            for atom in &mut field.atoms {
                atom.sat.grow(n + k);
                atom.sat.insert_range(n..n + k);
            }
        }
    }
    Ok(Encoded { statements, fields, partition_bits: k, partition_classes: classes })
}

/// The bytes of an action name after the colon: the class of the action groups' universe
/// `svc:[a-z0-9_-]+` (a test checks that they agree).
const ACTION_NAME_BYTES: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-_";

/// How the action field splits by service; `fast` enables the automaton-free paths.
fn action_grouping(fast: bool) -> Grouping<'static> {
    fn group(svc: &str) -> String {
        format!("{}:[a-z0-9_-]+", escape(svc))
    }
    fn prefix(svc: &str) -> String {
        format!("{}:{}", escape(svc), glob::ANY)
    }
    fn literal_prefix(svc: &str) -> String {
        format!("{svc}:")
    }
    Grouping {
        rest: principal::ACTION_UNIVERSE,
        group: &group,
        prefix: &prefix,
        tail: fast.then_some((&literal_prefix as table::GroupFn<'static>, ACTION_NAME_BYTES)),
        outside: fast.then_some(&action_outside as table::OutsideFn<'static>),
    }
}

/// The least action (by length, then readability) whose service is none of `groups`:
/// `s:a` for the first service name `s` in that order that is no group.
fn action_outside(groups: &[&str]) -> Option<String> {
    // `[a-z0-9-]`, the service class of `ACTION_UNIVERSE`, in readability order.
    const SERVICE: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
    for length in 1..=groups.len().saturating_add(1) {
        let mut digits = vec![0usize; length];
        loop {
            let name: String = digits
                .iter()
                .map(|&d| char::from(SERVICE.get(d).copied().unwrap_or(b'a')))
                .collect();
            if groups.binary_search(&name.as_str()).is_err() {
                return Some(format!("{name}:a"));
            }
            // The next name of this length: an odometer, last position fastest.
            let Some(k) = digits.iter().rposition(|&d| d + 1 < SERVICE.len()) else {
                break;
            };
            if let Some(d) = digits.get_mut(k) {
                *d += 1;
            }
            for d in digits.iter_mut().skip(k + 1) {
                *d = 0;
            }
        }
    }
    None
}

type Stmts<'a> = [(&'a Policy, &'a crate::policy::Statement)];

fn action_field(all: &Stmts<'_>, budget: &EncodeBudget) -> Result<Field, EncodeError> {
    let mut table = PatternTable::default();
    let constraints: Vec<_> = all
        .iter()
        .map(|(_, s)| {
            Some(table.grouped_element(&s.action, |t| {
                (glob::action(t), action_service(t), glob::action_shape(t))
            }))
        })
        .collect();
    let grouping = action_grouping(true);
    let atoms = table
        .field_atoms(&grouping, &constraints, &budget.atoms)
        .map_err(|e| EncodeError::atoms(AutomatonField::Action, e))?;
    Ok(Field { kind: FieldKind::Action, atoms })
}

fn resource_field(
    all: &Stmts<'_>,
    except: &[Vec<String>],
    model: &[bool],
    opaque: &mut opaque::OpaqueSet,
    budget: &EncodeBudget,
    classes: &[crate::iam::partition::Set],
) -> Result<Field, EncodeError> {
    let mut table = PatternTable::default();
    let mut constraints = Vec::with_capacity(all.len());
    for (s_id, (policy, s)) in all.iter().enumerate() {
        let c = match &s.resource {
            None => None,
            Some(el) if model.get(s_id).copied().unwrap_or(false) => {
                Some(table.grouped_element(el, |r| {
                    (glob::Pattern::Regex(r.clone()), model_service(r), None)
                }))
            }
            Some(el) if policy.substitutes_variables() && has_variable(el) => {
                match variables::bound(&el.values, true, true, el.negated, None) {
                    Some((tokens, dependent)) => {
                        if dependent {
                            variables::gate_element(opaque, el, s_id, || {
                                (element_key("Resource", el), describe_element(el))
                            });
                        }
                        let el = Element { negated: el.negated, values: tokens };
                        Some(table.grouped_element(&el, |t| {
                            let text: String = t.iter().map(Tok::as_glob_char).collect();
                            (glob::resource_tokens(t), arn_service(&text), None)
                        }))
                    }
                    None => {
                        opaque.add(element_key("Resource", el), s_id, describe_element(el));
                        None
                    }
                }
            }
            Some(el) => {
                Some(table.grouped_element(el, |t| (glob::resource(t), arn_service(t), None)))
            }
        };
        // Literal resources a variant leaves to its exact siblings.
        let c = match (c, except.get(s_id)) {
            (Some(c), Some(ex)) if !ex.is_empty() => {
                let refs = ex
                    .iter()
                    .map(|r| table.intern_in(glob::resource(r), arn_service(r), None))
                    .collect();
                Some(c.except(refs))
            }
            (c, _) => c,
        };
        constraints.push(c);
    }
    // The resource `*` of the catalogue model's type-less actions is in no
    // partition, so it goes with every class.
    let star = model.contains(&true);
    for &class in classes {
        let mut regex = partitions::class_regex(class);
        if star {
            regex = format!("(?:{regex})|\\*");
        }
        let el = Element { negated: false, values: vec![regex] };
        constraints.push(Some(table.element(&el, |r| Pattern::Regex(r.clone()))));
    }
    let mut universe = principal::resource_universe();
    if star {
        universe.push_str("|\\*");
    }
    let group = |svc: &str| principal::resource_universe_of(svc);
    let prefix = |svc: &str| format!("{s}:{s}:{}:{}", escape(svc), glob::ANY, s = glob::SEGMENT);
    let grouping =
        Grouping { rest: &universe, group: &group, prefix: &prefix, tail: None, outside: None };
    let atoms = table
        .field_atoms(&grouping, &constraints, &budget.atoms)
        .map_err(|e| EncodeError::atoms(AutomatonField::Resource, e))?;
    Ok(Field { kind: FieldKind::Resource, atoms })
}

fn principal_field(
    all: &Stmts<'_>,
    readings: &[principal::Federator],
    budget: &EncodeBudget,
    forbidden: &[crate::policy::Principal],
    classes: &[crate::iam::partition::Set],
) -> Result<Field, EncodeError> {
    let mut table = PatternTable::default();
    let forbidden: Vec<Pattern> = forbidden.iter().map(principal::principal).collect();
    table.forbid(&forbidden);
    let mut constraints: Vec<_> = all
        .iter()
        .zip(readings)
        .map(|((_, s), &reading)| match &s.principal {
            Some(el) if el.negated => {
                let exempt = Element { negated: true, values: vec![()] };
                Some(table.element(&exempt, |()| principal::exempt_pattern(&el.values, reading)))
            }
            Some(el) => Some(table.element(el, |e| principal::principal_reading(e, reading))),
            // A resource-policy statement without a principal never applies.
            None => Some(Constraint::nothing()),
        })
        .collect();
    for &class in classes {
        let values = vec![partitions::class_regex(class), principal::PARTITIONLESS.to_string()];
        let el = Element { negated: false, values };
        constraints.push(Some(table.element(&el, |r| Pattern::Regex(r.clone()))));
    }
    let universe = principal::principal_universe();
    let atoms = table
        .field_atoms(&Grouping::single(&universe), &constraints, &budget.atoms)
        .map_err(|e| EncodeError::atoms(AutomatonField::Principal, e))?;
    Ok(Field { kind: FieldKind::Principal, atoms })
}

/// A service name as the automata's universes spell it.
fn is_service(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The service an action pattern is confined to, if its service part is
/// literal (`s3:Get*` → `s3`; `*:Get*`, `s3*` → none).
fn action_service(pattern: &str) -> Option<String> {
    let (svc, _) = pattern.split_once(':')?;
    let svc = svc.to_ascii_lowercase();
    is_service(&svc).then_some(svc)
}

/// The service an ARN pattern is confined to, if its service segment is
/// literal and complete (`arn:aws:s3:::b*`, `arn:aws:s3:*` → `s3`).
fn arn_service(pattern: &str) -> Option<String> {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let svc = parts.get(2).filter(|_| parts.len() >= 4)?;
    is_service(svc).then(|| svc.to_string())
}

/// The service of a resource regex of the catalogue model's policy
/// (`iam::catalog::format_regex`): its third `:`-separated part, unescaped.
fn model_service(regex: &str) -> Option<String> {
    let parts: Vec<&str> = regex.splitn(4, ':').collect();
    let svc = parts.get(2).filter(|_| parts.len() == 4)?.replace('\\', "");
    is_service(&svc).then_some(svc)
}

fn has_variable(el: &Element<String>) -> bool {
    el.values.iter().any(|v| v.contains("${"))
}

fn element_key(name: &str, el: &Element<String>) -> String {
    let name = if el.negated { format!("Not{name}") } else { name.to_string() };
    format!("{name} {:?}", el.values)
}

fn describe_element(el: &Element<String>) -> Construct {
    let name = if el.negated { "NotResource" } else { "Resource" };
    Construct {
        kind: ConstructKind::PolicyVariable,
        description: format!("policy variables in `{name}` ({})", el.values.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        action_grouping, action_service, glob, AtomBudget, PatternTable, ACTION_NAME_BYTES,
    };
    use proptest::prelude::*;
    use regex_automata::meta::Regex;

    /// The action atoms of `patterns`, with or without the automaton-free paths.
    fn action_atoms(patterns: &[String], fast: bool) -> Vec<(String, Vec<usize>)> {
        let mut table = PatternTable::default();
        for p in patterns {
            let shape = glob::action_shape(p);
            table.intern_in(glob::action(p), action_service(p), shape);
        }
        match table.grouped_atoms(&action_grouping(fast), &AtomBudget::default()) {
            Ok(atoms) => atoms.into_iter().map(|(w, m)| (w, m.ones().collect())).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    fn action_pattern() -> impl Strategy<Value = String> {
        let service = proptest::sample::select(vec!["a", "b", "s3", "a-b", "0", "*", "a*", "?"]);
        let name = proptest::collection::vec(
            proptest::sample::select(vec!["a", "b", "G", "_", "-", "*", "?", ":", ".", "é"]),
            0..4,
        )
        .prop_map(|parts| parts.concat());
        prop_oneof![
            8 => (service, name).prop_map(|(s, n)| format!("{s}:{n}")),
            1 => Just("a".to_string()),
            1 => Just("*".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(10), ..ProptestConfig::default() })]

        /// The literal-group and outside-the-groups paths give the automaton's atoms exactly.
        #[test]
        fn fast_action_atoms_equal_the_automaton(
            patterns in proptest::collection::vec(action_pattern(), 0..10),
        ) {
            prop_assert_eq!(action_atoms(&patterns, true), action_atoms(&patterns, false));
        }
    }

    #[test]
    fn the_first_free_service_is_the_outside_witness() {
        assert_eq!(super::action_outside(&[]), Some("a:a".to_string()));
        assert_eq!(super::action_outside(&["a", "b"]), Some("c:a".to_string()));
        let all: Vec<String> =
            "abcdefghijklmnopqrstuvwxyz0123456789-".chars().map(String::from).collect();
        let mut all: Vec<&str> = all.iter().map(String::as_str).collect();
        all.sort_unstable();
        assert_eq!(super::action_outside(&all), Some("aa:a".to_string()));
    }

    #[test]
    fn action_name_bytes_are_the_group_universe_class() {
        let re = Regex::new("^[a-z0-9_-]$").unwrap_or_else(|e| panic!("{e}"));
        for b in 0..=127u8 {
            let s = char::from(b).to_string();
            assert_eq!(re.is_match(&s), ACTION_NAME_BYTES.contains(&b), "byte {b}");
        }
    }
}
