//! The caller field: the principal together with the condition keys that are functions of
//! it (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`;
//! docs/semantics.md §2 "Keys of the caller", `crate::request::caller` for the facts).
//!
//! When a query uses one of these keys, the principal field's universe becomes a *caller
//! string* from which each key is a regular function, so a condition on a key is a regular
//! constraint on the caller (its preimage), written directly as a regex:
//!
//! | caller | string |
//! |---|---|
//! | anonymous | `anonymous` (no `aws:PrincipalAccount`), `anonymous#account` (with it, `anonymous`) |
//! | root, user, federated user | the principal ARN |
//! | role session `arn:P:sts::A:assumed-role/R/S` | `arn:P:iam::A:role/PATH/R#S` (its `aws:PrincipalArn`, `#`, the session) |
//! | `service:`, `federated:`, `canonical-user:` | the principal, then per key (arn, account, type, username) `\0-` (absent) or `\0=VALUE` |
//!
//! Each key's value is a delimited part of the string (`#` and `\0` are no IAM name
//! characters; values of the free keys exclude `\0`, and a clause whose policy value contains
//! `\0` is not folded), a constant of the kind, or absent, so a statement's constraint on the
//! field is a Boolean formula over regexes (`table::Formula`): its `Principal` element AND its
//! folded condition entries. Identity policies get the same field, hidden (no principal in
//! the request), over the callers an identity policy applies to: users, role sessions and
//! federated users. `aws:userid` stays a key of its own (a federated user's `A:NAME` is no
//! delimited part of its ARN); the witness gives it a value that fits the caller.

use super::glob::{Pattern, ANY};
use super::principal::{self as plain, Exempt, Federator};
use super::table::{Formula, PatternTable};
use super::{EncodeBudget, EncodeError, Field, FieldKind, Stmts};
use crate::iam::grammar::{ACCOUNT as ACCT, NAME};
use crate::policy::condition::Family;
use crate::policy::{BaseOperator, Condition, Element, Policy, PolicyType, Principal, Qualifier};
use crate::request::caller::KEYS;
use crate::request::{ContextValue, Request};
use regex_automata::meta::Regex;
use regex_syntax::escape;
use std::collections::{BTreeMap, BTreeSet};

/// The folded keys, in slot order.
pub(crate) const FOLDED: [&str; 4] =
    ["aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username"];

/// A free slot value.
const FREE_VALUE: &str = "(?s:[^\\x00])*";

/// The kinds of callers, each a sub-universe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    AnonymousWithoutAccount,
    AnonymousWithAccount,
    Root,
    User,
    Session,
    FederatedUser,
    Other,
}

const RESOURCE_KINDS: &[Kind] = &[
    Kind::AnonymousWithoutAccount,
    Kind::AnonymousWithAccount,
    Kind::Root,
    Kind::User,
    Kind::Session,
    Kind::FederatedUser,
    Kind::Other,
];
const IDENTITY_KINDS: &[Kind] = &[Kind::User, Kind::Session, Kind::FederatedUser];

impl Kind {
    fn universe(self) -> String {
        let partitions = crate::iam::partition::regex();
        match self {
            Kind::AnonymousWithoutAccount => "anonymous".into(),
            Kind::AnonymousWithAccount => "anonymous#account".into(),
            Kind::Root => format!("arn:{partitions}:iam::{ACCT}:root"),
            Kind::User => format!("arn:{partitions}:iam::{ACCT}:user/{NAME}(?:/{NAME})*"),
            Kind::Session => format!("arn:{partitions}:iam::{ACCT}:role/(?:{NAME}/)*{NAME}#{NAME}"),
            Kind::FederatedUser => {
                format!("arn:{partitions}:sts::{ACCT}:federated-user/{NAME}{}", plain::federator())
            }
            Kind::Other => format!(
                "(?:service|federated|canonical-user):[^\\x00-\\x1f\\x7f]+(?:\\x00(?:-|={FREE_VALUE})){{4}}"
            ),
        }
    }

    /// What `key` (one of [`FOLDED`]) is for this kind.
    fn value(self, key: &str) -> Value {
        let partitions = crate::iam::partition::regex();
        let arn_kinds = format!("arn:{partitions}:(?:iam|sts)::");
        match (self, key) {
            (Kind::Other, k) => match FOLDED.iter().position(|f| *f == k) {
                Some(i) => Value::Slot(i),
                None => Value::NotFolded,
            },
            (Kind::AnonymousWithAccount, "aws:principalaccount") => Value::Const("anonymous"),
            (Kind::AnonymousWithoutAccount | Kind::AnonymousWithAccount, "aws:principaltype") => {
                Value::Const("Anonymous")
            }
            (Kind::AnonymousWithoutAccount | Kind::AnonymousWithAccount, _) => Value::Absent,
            (_, "aws:principaltype") => Value::Const(match self {
                Kind::Root => "Account",
                Kind::User => "User",
                Kind::Session => "AssumedRole",
                _ => "FederatedUser",
            }),
            (_, "aws:principalaccount") => Value::Hole(arn_kinds, ":[^:]*".into()),
            (Kind::Session, "aws:principalarn") => Value::Hole(String::new(), format!("#{NAME}")),
            (Kind::FederatedUser, "aws:principalarn") => {
                Value::Hole(String::new(), plain::federator())
            }
            (_, "aws:principalarn") => Value::Hole(String::new(), String::new()),
            (Kind::User, _) => {
                Value::Name(format!("arn:{partitions}:iam::{ACCT}:user/(?:{NAME}/)*"))
            }
            _ => Value::Absent,
        }
    }
}

/// A key's value for one kind of caller.
enum Value {
    Absent,
    Const(&'static str),
    /// The caller is `prefix` · value · `suffix` (regexes).
    Hole(String, String),
    /// `aws:username`: the caller is `prefix` · value, the value a name (no `/`).
    Name(String),
    /// A free slot of a `service:`/`federated:`/`canonical-user:` caller.
    Slot(usize),
    /// Asked about a key that is not folded: an internal error (`Builder::error`).
    NotFolded,
}

/// The regex of the callers of `Kind::Other` whose slot `i` is `slot` (a regex).
fn slot_regex(i: usize, slot: &str) -> String {
    let any = format!("\\x00(?:-|={FREE_VALUE})");
    format!(
        "(?:service|federated|canonical-user):[^\\x00-\\x1f\\x7f]+(?:{any}){{{i}}}\\x00{slot}(?:{any}){{{}}}",
        3usize.saturating_sub(i)
    )
}

/// Whether a condition entry on a folded key is folded: an operator of the String, Arn or Bool
/// family or `Null`, no policy variable, no `\0` in a value.
fn foldable(policy: &Policy, c: &Condition) -> bool {
    let family_ok = matches!(
        c.operator.base.family(),
        Family::String | Family::Arn | Family::Bool | Family::Null
    );
    let variables = policy.substitutes_variables() && c.values.iter().any(|v| v.contains("${"));
    family_ok && !variables && !c.values.iter().any(|v| v.contains('\0'))
}

/// The folded keys of a query: those of [`FOLDED`] every entry of which is foldable (a key
/// with another entry stays a key of its own, as before: independent of the principal),
/// with the name first written.
pub(crate) fn folded_keys(all: &Stmts<'_>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut refused = BTreeSet::new();
    for (policy, s) in all {
        for c in &s.conditions {
            let key = c.key_folded();
            if !FOLDED.contains(&key.as_str()) {
                continue;
            }
            if foldable(policy, c) {
                names.entry(key).or_insert_with(|| c.key.clone());
            } else {
                refused.insert(key);
            }
        }
    }
    names.retain(|k, _| !refused.contains(k));
    names
}

/// The statements without their folded condition entries.
pub(crate) fn without_folded(
    all: &Stmts<'_>,
    folded: &BTreeMap<String, String>,
) -> Vec<crate::policy::Statement> {
    all.iter()
        .map(|(_, s)| {
            let mut s = (*s).clone();
            s.conditions.retain(|c| !folded.contains_key(&c.key_folded()));
            s
        })
        .collect()
}

/// Builds formulas over one pattern table.
struct Builder<'a> {
    table: PatternTable,
    kinds: &'a [Kind],
    /// The first broken invariant met, reported as an internal error (never a silent default).
    error: Option<String>,
}

impl Builder<'_> {
    fn re(&mut self, regex: String) -> Formula {
        Formula::Ref(self.table.intern(Pattern::Regex(regex)))
    }

    fn pattern(&mut self, p: Pattern) -> Formula {
        Formula::Ref(self.table.intern(p))
    }

    /// Records that `key` was treated as folded but is none of [`FOLDED`].
    fn not_folded(&mut self, key: &str) -> Formula {
        self.error.get_or_insert_with(|| format!("`{key}` is no folded key of the caller"));
        Formula::False
    }

    fn kind(&mut self, k: Kind) -> Formula {
        self.re(k.universe())
    }

    /// The callers whose `key` value matches `g` (a value pattern), within `kinds`.
    fn matching(&mut self, key: &str, g: &Pattern, text: Option<(BaseOperator, &str)>) -> Formula {
        let mut out = Vec::new();
        for &k in self.kinds {
            let f = match (k.value(key), g) {
                (Value::NotFolded, _) => self.not_folded(key),
                (Value::Absent, _) | (_, Pattern::Nothing) => Formula::False,
                (Value::Const(c), _) => {
                    if pattern_matches(g, c) {
                        self.kind(k)
                    } else {
                        Formula::False
                    }
                }
                (Value::Hole(..) | Value::Slot(_), Pattern::All) => self.kind(k),
                (Value::Hole(prefix, suffix), Pattern::Regex(r)) => {
                    let u = self.kind(k);
                    let h = self.re(format!("{prefix}(?:{r}){suffix}"));
                    Formula::And(vec![u, h])
                }
                (Value::Slot(i), Pattern::Regex(r)) => self.re(slot_regex(i, &format!("=(?:{r})"))),
                (Value::Name(prefix), _) => match text.map(|(b, t)| name_pattern(b, t)) {
                    Some(Pattern::All) => self.kind(k),
                    Some(Pattern::Regex(r)) => {
                        let u = self.kind(k);
                        let h = self.re(format!("{prefix}(?:{r})"));
                        Formula::And(vec![u, h])
                    }
                    // Only condition values (with their text) are asked about names.
                    Some(Pattern::Nothing) | None => Formula::False,
                },
            };
            out.push(f);
        }
        Formula::Or(out)
    }

    /// The callers that have `key` (present) or lack it, within `kinds`.
    fn presence(&mut self, key: &str, present: bool) -> Formula {
        let mut out = Vec::new();
        for &k in self.kinds {
            let f = match k.value(key) {
                Value::NotFolded => self.not_folded(key),
                Value::Absent if present => Formula::False,
                Value::Absent => self.kind(k),
                Value::Slot(i) if present => self.re(slot_regex(i, &format!("={FREE_VALUE}"))),
                Value::Slot(i) => self.re(slot_regex(i, "-")),
                _ if present => self.kind(k),
                _ => Formula::False,
            };
            out.push(f);
        }
        Formula::Or(out)
    }

    /// One condition entry on a folded key, as a constraint on the caller.
    fn clause(&mut self, c: &Condition) -> Formula {
        let key = c.key_folded();
        let op = c.operator;
        if op.base == BaseOperator::Null {
            return match op.qualifier {
                Some(Qualifier::ForAllValues) => Formula::True,
                Some(Qualifier::ForAnyValue) => Formula::False,
                None => {
                    let is = |b: &str| c.values.iter().any(|v| v.eq_ignore_ascii_case(b));
                    let mut parts = Vec::new();
                    if is("true") {
                        parts.push(self.presence(&key, false));
                    }
                    if is("false") {
                        parts.push(self.presence(&key, true));
                    }
                    Formula::Or(parts)
                }
            };
        }
        let absent_holds = match op.qualifier {
            Some(Qualifier::ForAllValues) => true,
            Some(Qualifier::ForAnyValue) => false,
            None => op.if_exists || op.base.is_negated(),
        };
        let any: Vec<Formula> = c
            .values
            .iter()
            .map(|v| {
                let g = super::keys::value_pattern(op.base, v);
                self.matching(&key, &g, Some((op.base, v)))
            })
            .collect();
        let any = Formula::Or(any);
        // A present value passes the per-value test (a one-element set under a qualifier).
        let present = if op.base.is_negated() {
            Formula::And(vec![self.presence(&key, true), Formula::Not(Box::new(any))])
        } else {
            any
        };
        if absent_holds {
            Formula::Or(vec![self.presence(&key, false), present])
        } else {
            present
        }
    }

    /// A `Principal`/`NotPrincipal` element over callers: `NotPrincipal` matches the
    /// callers it does not exempt (`principal::exempt`).
    fn element(&mut self, el: &Element<Principal>, reading: Federator) -> Formula {
        if el.negated {
            let exempt = self.pattern(exempt_pattern(&el.values, reading));
            return Formula::Not(Box::new(exempt));
        }
        Formula::Or(el.values.iter().map(|p| self.pattern(principal(p, reading))).collect())
    }
}

/// Whether the anchored pattern matches `value`.
fn pattern_matches(p: &Pattern, value: &str) -> bool {
    match p {
        Pattern::All => true,
        Pattern::Nothing => false,
        Pattern::Regex(r) => Regex::builder()
            .syntax(regex_automata::util::syntax::Config::new().utf8(false))
            .build(&format!("^(?:{r})$"))
            .map(|re| re.is_match(value))
            .unwrap_or(false),
    }
}

/// A condition value on `aws:username` as a regex over names (no `/`): wildcards stay within
/// the name, a value with `/` or `:` structure names no user.
fn name_pattern(base: BaseOperator, text: &str) -> Pattern {
    match base.family() {
        // A name has no `:`, an ARN value needs six colon-separated parts.
        Family::Arn => Pattern::Nothing,
        _ if text.contains('/') => Pattern::Nothing,
        _ => match base {
            BaseOperator::StringLike | BaseOperator::StringNotLike => {
                if !text.is_empty() && text.chars().all(|c| c == '*') {
                    return Pattern::All;
                }
                let mut out = String::new();
                for c in text.chars() {
                    match c {
                        '*' => out.push_str("[^/]*"),
                        '?' => out.push_str("[^/]"),
                        c => out.push_str(&escape(c.encode_utf8(&mut [0; 4]))),
                    }
                }
                Pattern::Regex(out)
            }
            _ => super::keys::value_pattern(base, text),
        },
    }
}

/// A principal entry as a pattern over callers (docs/semantics.md §3; `principal::principal`
/// over the plain universe).
pub(crate) fn principal(entry: &Principal, reading: Federator) -> Pattern {
    let name_path = format!("(?:{NAME}/)*");
    match entry {
        Principal::Aws(v) if v.contains(['#', '\0']) => Pattern::Nothing,
        Principal::Aws(v) => {
            let parts: Vec<&str> = v.splitn(6, ':').collect();
            match parts.as_slice() {
                ["arn", p, "iam", "", a, rest] if rest.starts_with("role/") => {
                    let name = rest.rsplit('/').next().unwrap_or_default();
                    let head = escape(&format!("arn:{p}:iam::{a}:role/"));
                    Pattern::Regex(format!("{head}{name_path}{}#{ANY}", escape(name)))
                }
                ["arn", p, "sts", "", a, rest] if rest.starts_with("assumed-role/") => {
                    let Some((role, session)) =
                        rest.trim_start_matches("assumed-role/").split_once('/')
                    else {
                        return Pattern::Nothing;
                    };
                    let head = escape(&format!("arn:{p}:iam::{a}:role/"));
                    Pattern::Regex(format!("{head}{name_path}{}#{}", escape(role), escape(session)))
                }
                _ => plain::principal_reading(entry, reading),
            }
        }
        Principal::Everyone => Pattern::All,
        Principal::Service(v) | Principal::Federated(v) | Principal::CanonicalUser(v) => {
            match plain::principal(entry) {
                _ if v.contains('\0') => Pattern::Nothing,
                Pattern::Regex(r) if !r.ends_with(ANY) => Pattern::Regex(format!("{r}\\x00{ANY}")),
                other => other,
            }
        }
    }
}

/// The callers a `NotPrincipal` element with `entries` exempts, as a pattern over caller
/// strings (`principal::exempt_pattern` over the plain universe).
pub(crate) fn exempt_pattern(entries: &[Principal], reading: Federator) -> Pattern {
    let mut parts = Vec::new();
    for e in plain::exempt(entries) {
        parts.push(match e {
            Exempt::Everyone => return Pattern::All,
            Exempt::Root { partition, account } => {
                plain::root_regex(partition.as_deref(), &account)
            }
            Exempt::Exact(s) if s == "anonymous" => "anonymous(?:#account)?".to_string(),
            Exempt::Exact(s) if s.starts_with("arn:") => escape(&s),
            Exempt::Federated { arn, users } => {
                plain::federated_exempt_regex(&arn, &users, reading)
            }
            // `service:…`, `federated:…`, `canonical-user:…`, then the slots.
            Exempt::Exact(s) => format!("{}\\x00{ANY}", escape(&s)),
            Exempt::Prefix(p) => format!("{}{ANY}", escape(p)),
            Exempt::Session { partition, account, role, session } => format!(
                "{}(?:{NAME}/)*{}#{}",
                escape(&format!("arn:{partition}:iam::{account}:role/")),
                escape(&role),
                escape(&session)
            ),
        });
    }
    if parts.is_empty() {
        Pattern::Nothing
    } else {
        Pattern::Regex(parts.join("|"))
    }
}

/// What the outsider of the public and external access checks may not be: principals
/// (callers matching one) and values of folded keys (callers whose key matches one).
#[derive(Debug)]
pub(crate) struct Forbidden<'a> {
    pub(crate) principals: &'a [Principal],
    pub(crate) keys: &'a BTreeMap<String, Vec<Pattern>>,
}

/// What the caller field of a query ranges over.
#[derive(Debug)]
pub(crate) struct Scope<'a> {
    /// The policies' type (identity policies: users, role sessions, federated users).
    pub(crate) policy_type: PolicyType,
    /// The folded keys (non-empty), with their names as first written.
    pub(crate) folded: &'a BTreeMap<String, String>,
    /// The partition classes (`encode::partitions`): one more formula each.
    pub(crate) classes: &'a [crate::iam::partition::Set],
    /// Per statement, the reading of the federating user (`encode::federator`).
    pub(crate) readings: &'a [Federator],
}

/// The caller field of a query.
pub(crate) fn caller_field(
    all: &Stmts<'_>,
    scope: &Scope<'_>,
    forbidden: &Forbidden<'_>,
    budget: &EncodeBudget,
) -> Result<Field, EncodeError> {
    let (policy_type, folded) = (scope.policy_type, scope.folded);
    let kinds = match policy_type {
        PolicyType::Resource => RESOURCE_KINDS,
        PolicyType::Identity => IDENTITY_KINDS,
    };
    let mut b = Builder { table: PatternTable::default(), kinds, error: None };
    let mut formulas = Vec::with_capacity(all.len());
    for (s_id, (_, s)) in all.iter().enumerate() {
        let mut parts = Vec::new();
        if policy_type == PolicyType::Resource {
            let reading = scope.readings.get(s_id).copied().unwrap_or(Federator::Identity);
            parts.push(match &s.principal {
                Some(el) => b.element(el, reading),
                // A resource-policy statement without a principal never applies.
                None => Formula::False,
            });
        }
        for c in &s.conditions {
            if folded.contains_key(&c.key_folded()) {
                parts.push(b.clause(c));
            }
        }
        formulas.push(Formula::And(parts));
    }
    let mut excluded: Vec<Formula> =
        forbidden.principals.iter().map(|p| b.pattern(principal(p, Federator::Identity))).collect();
    for (key, patterns) in forbidden.keys {
        if folded.contains_key(key) {
            for g in patterns {
                excluded.push(b.matching(key, g, None));
            }
        }
    }
    for &class in scope.classes {
        let own = b.re(super::partitions::class_regex(class));
        let none = b.re(plain::PARTITIONLESS.to_string());
        formulas.push(Formula::Or(vec![own, none]));
    }
    if let Some(why) = b.error {
        return Err(EncodeError::internal(&why));
    }
    let universe: Vec<String> = kinds.iter().map(|k| k.universe()).collect();
    let universe = universe.join("|");
    let atoms = b
        .table
        .formula_atoms(&universe, &formulas, &excluded, &budget.atoms)
        .map_err(|e| EncodeError::atoms(crate::unknown::AutomatonField::Principal, e))?;
    let names = KEYS
        .iter()
        .map(|k| folded.get(*k).cloned().unwrap_or_else(|| canonical_name(k).to_string()))
        .collect();
    Ok(Field { kind: FieldKind::Caller { keys: names }, atoms })
}

/// The usual spelling of a caller key.
pub(crate) fn canonical_name(folded: &str) -> &'static str {
    match folded {
        "aws:principalarn" => "aws:PrincipalArn",
        "aws:principalaccount" => "aws:PrincipalAccount",
        "aws:principaltype" => "aws:PrincipalType",
        "aws:username" => "aws:username",
        _ => "aws:userid",
    }
}

/// Sets the request's principal (resource policies) and caller keys from a caller string;
/// `names` are the names of `request::caller::KEYS`, in order. `aws:userid` is left alone
/// when it has a field of its own (`own_userid`), else it gets the caller's value.
pub(crate) fn apply(
    caller: &str,
    names: &[String],
    policy_type: PolicyType,
    own_userid: bool,
    req: &mut Request,
) {
    let (principal, slots) = decode(caller);
    if policy_type == PolicyType::Resource {
        req.principal = Some(principal.clone());
        req.federated_by = crate::iam::caller::split_federator(caller).1;
    }
    let derived = crate::request::caller::derived(&principal);
    for (i, key) in KEYS.iter().enumerate() {
        let Some(name) = names.get(i) else { continue };
        let value = match (&slots, &derived) {
            (Some(slots), _) => slots.get(i).cloned().flatten(),
            (None, Some(derived)) => derived.get(i).and_then(|(_, v)| v.clone()),
            (None, None) => None,
        };
        let value = match (*key, caller) {
            ("aws:principalaccount", "anonymous#account") => Some("anonymous".to_string()),
            ("aws:principalarn", _) if caller.contains('#') && !caller.contains('\0') => {
                caller.split('#').next().filter(|a| a.starts_with("arn:")).map(str::to_string)
            }
            _ => value,
        };
        if *key == "aws:userid" && own_userid {
            continue;
        }
        match value {
            Some(v) => req.context.insert(name.clone(), ContextValue::Single(v)),
            None => req.context.remove(name),
        };
    }
}

/// The principal of a caller string and, for `Kind::Other`, its slots.
fn decode(caller: &str) -> (String, Option<Vec<Option<String>>>) {
    if caller.starts_with("anonymous") {
        return ("anonymous".into(), None);
    }
    if let Some((principal, rest)) = caller.split_once('\0') {
        let mut slots: Vec<Option<String>> =
            rest.split('\0').map(|s| s.strip_prefix('=').map(str::to_string)).collect();
        // `aws:userid` has no slot: free, absent in the witness.
        slots.push(None);
        return (principal.to_string(), Some(slots));
    }
    if caller.contains(":federated-user/") {
        return (crate::iam::caller::split_federator(caller).0, None);
    }
    if let Some((role_arn, session)) = caller.split_once('#') {
        let mut parts = role_arn.splitn(6, ':');
        if let (Some("arn"), Some(p), Some(_), Some(_), Some(a), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        {
            let role = rest.rsplit('/').next().unwrap_or_default();
            return (format!("arn:{p}:sts::{a}:assumed-role/{role}/{session}"), None);
        }
    }
    (caller.to_string(), None)
}

#[cfg(test)]
mod tests;
