//! Concretization: a concrete witness for a violation that depends on
//! policy variables.
//!
//! The encoding bounds a construct with a variable by its widening and an
//! opaque Boolean (`encode::variables`), so the search can only say that a
//! violation is *possible*. Here each possible region's request is made
//! concrete: values for the variables' keys are chosen (the region's own
//! value, values that make a template match the region's resource or key
//! value, a fresh value, absence), and the templated fields are
//! instantiated with them. A candidate counts only if `simulate` decides
//! every policy of the goal as the goal wants, so a FAIL found this way is
//! as sure as any other. Finding none answers UNKNOWN, never PASS.

use crate::encode::glob::Pattern;
use crate::encode::{AtomValue, Encoded, FieldKind, Restrict};
use crate::policy::condition::Family;
use crate::policy::template::{Instance, Lookup, Part, Template, Tok};
use crate::policy::{BaseOperator, Policy, PolicyType};
use crate::request::{ContextValue, Request};
use crate::simulate::glob::glob_tokens;
use crate::unknown::{Budget, UnknownReason};
use crate::values::{parse_request_value, Sort};
use std::collections::BTreeMap;

/// Where a template's value goes in a request.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Site {
    Resource,
    /// A condition key, as written.
    Key(String),
}

/// A policy string with a variable, where it applies, and whether its
/// text's `*`/`?` are wildcards.
#[derive(Clone, Debug)]
pub(crate) struct Templated {
    site: Site,
    template: Template,
    glob: bool,
    /// Under an Arn operator (a whole-value variable then needs an ARN).
    arn: bool,
    /// The statement it is in (policy, statement index).
    statement: (usize, usize),
}

/// The witnesses of the atoms of every key field of `enc` (a set's
/// elements for a multivalued key), by folded key name.
pub(crate) fn field_values(enc: &Encoded) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for field in &enc.fields {
        if let FieldKind::Key { name, .. } = &field.kind {
            let mut values: Vec<String> = Vec::new();
            for atom in &field.atoms {
                let found = match &atom.value {
                    AtomValue::Str(s) => std::slice::from_ref(s),
                    AtomValue::Set(vs) => vs.as_slice(),
                    _ => &[],
                };
                for v in found {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
            }
            out.insert(name.to_ascii_lowercase(), values);
        }
    }
    out
}

/// Every string with a real variable in `policies` (under Version
/// 2012-10-17): `Resource`/`NotResource` entries and String/Arn condition
/// values.
pub(crate) fn templates(policies: &[&Policy]) -> Vec<Templated> {
    let mut out = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        if !policy.substitutes_variables() {
            continue;
        }
        for s in &policy.statements {
            let at = (p, s.index);
            if let Some(el) = &s.resource {
                for v in &el.values {
                    push(&mut out, (Site::Resource, at), v, (true, false));
                }
            }
            for c in &s.conditions {
                let base = c.operator.base;
                if !matches!(base.family(), Family::String | Family::Arn) {
                    continue;
                }
                let glob = matches!(base, BaseOperator::StringLike | BaseOperator::StringNotLike)
                    || base.family() == Family::Arn;
                for v in &c.values {
                    let arn = base.family() == Family::Arn;
                    push(&mut out, (Site::Key(c.key.clone()), at), v, (glob, arn));
                }
            }
        }
    }
    out
}

impl Templated {
    /// The statement it is in (policy, statement index).
    pub(crate) fn statement(&self) -> (usize, usize) {
        self.statement
    }

    /// Whether its field or one of its variables is a key the outsider
    /// restriction constrains (an identifying key of `decide::outsider`):
    /// such a relation, e.g. `aws:SourceAccount` = `${aws:ResourceAccount}`,
    /// may tie the caller to the resource's owner, which the outsider model
    /// does not state; the access checks leave it UNKNOWN.
    pub(crate) fn touches(&self, restrict: &Restrict) -> bool {
        let named = |k: &str| {
            let k = k.to_ascii_lowercase();
            restrict.keys.contains_key(&k) || restrict.typed_keys.contains_key(&k)
        };
        matches!(&self.site, Site::Key(k) if named(k)) || self.template.keys().any(named)
    }
}

fn push(
    out: &mut Vec<Templated>,
    (site, statement): (Site, (usize, usize)),
    text: &str,
    (glob, arn): (bool, bool),
) {
    if !Template::mentions_variable(text) {
        return;
    }
    if let Ok(template) = Template::parse(text) {
        if !template.is_constant() {
            out.push(Templated { site, template, glob, arn, statement });
        }
    }
}

/// The first bound of the concretization that cut what it tries: the
/// check's typed budget when no witness is found (a larger bound might have
/// found one), never a PASS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tripped(Option<(Budget, u64)>);

impl Tripped {
    /// Records that `budget` (of limit `limit`) cut the candidates, unless
    /// an earlier bound did.
    pub(crate) fn note(&mut self, budget: Budget, limit: usize) {
        if self.0.is_none() {
            self.0 = Some((budget, u64::try_from(limit).unwrap_or(u64::MAX)));
        }
    }

    /// Whether some bound tripped.
    pub(crate) fn is_set(self) -> bool {
        self.0.is_some()
    }

    /// The budget reason, if a bound tripped.
    pub(crate) fn reason(self) -> Option<UnknownReason> {
        self.0.map(|(budget, limit)| UnknownReason::Budget { budget, limit })
    }
}

/// At most this many candidate requests per region.
const PER_REGION: usize = 96;
/// At most this many values tried per variable key.
const PER_KEY: usize = 4;
/// Longest field value searched for template matches (characters).
const MAX_SOLVE: usize = 256;
/// The value a variable's key gets when no other value is suggested.
const FRESH: &str = "example";
/// The same under an Arn operator.
const FRESH_ARN: &str = "arn:aws:iam::123456789012:user/example";

/// Candidate concrete requests for the region whose request is `base`.
/// `field_values`: per key (folded), the witnesses of its field's atoms in
/// the encoding, tried after the values suggested by the region. A bound
/// that leaves out a candidate is noted in `tripped`.
pub(crate) fn candidates(
    base: &Request,
    templates: &[Templated],
    field_values: &BTreeMap<String, Vec<String>>,
    tripped: &mut Tripped,
) -> Vec<Request> {
    // The variables' keys (folded) with the values to try, most readable
    // first: the region's own value, values making a template match the
    // region's request, a fresh value, the empty string, absence.
    let mut options: BTreeMap<String, (String, Vec<Option<String>>)> = BTreeMap::new();
    for t in templates {
        for key in t.template.keys() {
            let entry = options
                .entry(key.to_ascii_lowercase())
                .or_insert_with(|| (key.to_string(), Vec::new()));
            // An empty value (the first witness of a present key) comes
            // after the fresh one, for readable witnesses.
            if let Some(ContextValue::Single(v)) = base.context_value(key) {
                let caller_key =
                    crate::request::caller::KEYS.contains(&key.to_ascii_lowercase().as_str());
                if !v.is_empty() || caller_key {
                    add(&mut entry.1, Some(v.clone()));
                }
            }
        }
    }
    for t in templates {
        for (key, value) in solve(t, base, tripped) {
            // The empty string comes later, after the fresh value.
            if value.is_empty() {
                continue;
            }
            if let Some(entry) = options.get_mut(&key.to_ascii_lowercase()) {
                add(&mut entry.1, Some(value));
            }
        }
    }
    for (folded, (_, values)) in &mut options {
        // A key of the caller keeps the region's value: another would not
        // fit the caller (`request::caller`).
        if crate::request::caller::KEYS.contains(&folded.as_str()) && !values.is_empty() {
            values.truncate(1);
            continue;
        }
        if values.len() > PER_KEY - 1 {
            tripped.note(Budget::ConcreteKeyValues, PER_KEY - 1);
            values.truncate(PER_KEY - 1);
        }
        let own = field_values.get(folded).map_or(&[][..], Vec::as_slice);
        if own.len() > PER_KEY {
            tripped.note(Budget::ConcreteKeyValues, PER_KEY);
        }
        for v in own.iter().take(PER_KEY) {
            add(values, Some(v.clone()));
        }
        add(values, Some(FRESH.to_string()));
        let under_arn = templates
            .iter()
            .any(|t| t.arn && t.template.keys().any(|k| k.eq_ignore_ascii_case(folded)));
        if under_arn {
            add(values, Some(FRESH_ARN.to_string()));
        }
        add(values, Some(String::new()));
        add(values, None);
    }
    // Every assignment on the region's own fields first, then with the
    // templated fields instantiated.
    let assigned: Vec<Request> = assignments(&options, tripped)
        .into_iter()
        .map(|assignment| {
            let mut r = base.clone();
            for (name, value) in &assignment {
                r.context.retain(|k, _| !k.eq_ignore_ascii_case(name));
                if let Some(v) = value {
                    r.context.insert(name.clone(), ContextValue::Single(v.clone()));
                }
            }
            r
        })
        .collect();
    let mut out: Vec<Request> = Vec::new();
    // Once the region's candidates are full, a new one only needs comparing while no bound
    // has tripped yet (comparing every later one with all kept made large regions quadratic).
    let push = |out: &mut Vec<Request>, r: Request, tripped: &mut Tripped| {
        if out.len() < PER_REGION {
            if !out.contains(&r) {
                out.push(r);
            }
        } else if !tripped.is_set() && !out.contains(&r) {
            tripped.note(Budget::ConcreteRegionCandidates, PER_REGION);
        }
    };
    for r in &assigned {
        push(&mut out, r.clone(), tripped);
    }
    // Per statement, all its templated fields at once (the statement that
    // grants the access needs them together), then each alone, then the
    // first template of every field.
    let mut statements: Vec<(usize, usize)> = templates.iter().map(|t| t.statement).collect();
    statements.dedup();
    for r in &assigned {
        for &st in &statements {
            let mine = templates.iter().filter(|t| t.statement == st);
            push(&mut out, instantiated(r, mine), tripped);
        }
    }
    for r in &assigned {
        for t in templates {
            push(&mut out, instantiated(r, std::iter::once(t)), tripped);
        }
        push(&mut out, instantiated(r, templates.iter()), tripped);
    }
    // A wildcard of a template's text made non-empty: the value is then in
    // that template and not in one that has nothing in its place.
    for r in &assigned {
        for t in templates.iter().filter(|t| t.glob) {
            let mut c = r.clone();
            if let Some(value) = instantiate_with(t, r, "x") {
                set(&mut c, &t.site, &value);
                push(&mut out, c, tripped);
            }
        }
    }
    out
}

/// `r` with the fields of `templates` instantiated, the first template of
/// each field winning.
fn instantiated<'a>(r: &Request, templates: impl Iterator<Item = &'a Templated>) -> Request {
    let mut out = r.clone();
    let mut done: Vec<&Site> = Vec::new();
    for t in templates {
        if done.contains(&&t.site) {
            continue;
        }
        if let Some(value) = instantiate(t, r) {
            set(&mut out, &t.site, &value);
            done.push(&t.site);
        }
    }
    out
}

fn add(values: &mut Vec<Option<String>>, value: Option<String>) {
    if !values.contains(&value) {
        values.push(value);
    }
}

/// Combinations of the keys' values, at most [`PER_REGION`], spread so
/// that many keys do not exhaust the bound on the first key's values: every
/// key its `i`-th value (for each `i`), then one key at a time changed from
/// its first value, then the remaining product in order. Leaving out a
/// combination trips [`Budget::ConcreteRegionCandidates`].
fn assignments(
    options: &BTreeMap<String, (String, Vec<Option<String>>)>,
    tripped: &mut Tripped,
) -> Vec<Vec<(String, Option<String>)>> {
    let keys: Vec<(&String, &Vec<Option<String>>)> =
        options.values().map(|(n, v)| (n, v)).collect();
    let pick = |choice: &[usize]| -> Vec<(String, Option<String>)> {
        keys.iter()
            .zip(choice)
            .map(|((name, values), &i)| {
                let v = values.get(i).or_else(|| values.last()).cloned().flatten();
                ((*name).clone(), v)
            })
            .collect()
    };
    let widest = keys.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let mut choices: Vec<Vec<usize>> = (0..widest).map(|i| vec![i; keys.len()]).collect();
    for (k, (_, values)) in keys.iter().enumerate() {
        for j in 1..values.len() {
            let mut c = vec![0; keys.len()];
            if let Some(slot) = c.get_mut(k) {
                *slot = j;
            }
            choices.push(c);
        }
    }
    // The product, odometer order, last key fastest.
    let mut c = vec![0usize; keys.len()];
    'product: while choices.len() < PER_REGION * 2 {
        choices.push(c.clone());
        for k in (0..keys.len()).rev() {
            let len = keys.get(k).map_or(1, |(_, v)| v.len());
            if let Some(slot) = c.get_mut(k) {
                if *slot + 1 < len {
                    *slot += 1;
                    continue 'product;
                }
                *slot = 0;
            }
        }
        break;
    }
    let mut out: Vec<Vec<(String, Option<String>)>> = Vec::new();
    for choice in choices {
        let a = pick(&choice);
        if !out.contains(&a) {
            out.push(a);
        }
        if out.len() >= PER_REGION {
            break;
        }
    }
    // The values of each key are distinct, so fewer distinct assignments
    // than the product's size leaves combinations untried.
    let wide = |n: usize| u128::try_from(n).unwrap_or(u128::MAX);
    let product = keys.iter().fold(1u128, |n, (_, v)| n.saturating_mul(wide(v.len().max(1))));
    if wide(out.len()) < product {
        tripped.note(Budget::ConcreteRegionCandidates, PER_REGION);
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

/// The template's value in `request`, made concrete (`*` empty, `?` one
/// character), if its variables' keys allow one.
fn instantiate(t: &Templated, request: &Request) -> Option<String> {
    instantiate_with(t, request, "")
}

/// [`instantiate`], each `*` made `star`.
fn instantiate_with(t: &Templated, request: &Request, star: &str) -> Option<String> {
    let lookup = |key: &str| match request.context_value(key) {
        None => Lookup::Absent,
        Some(ContextValue::Single(v)) => Lookup::Value(v.as_str()),
        Some(ContextValue::Multi(_)) => Lookup::Set,
    };
    match t.template.instance(t.glob, lookup) {
        Instance::Tokens(toks) => Some(
            toks.iter()
                .map(|t| match t {
                    Tok::Char(c) => c.to_string(),
                    Tok::One => "x".to_string(),
                    Tok::Star => star.to_string(),
                })
                .collect(),
        ),
        Instance::Nothing | Instance::Undefined(_) => None,
    }
}

fn set(request: &mut Request, site: &Site, value: &str) {
    match site {
        Site::Resource => request.resource = value.to_string(),
        Site::Key(name) => {
            request.context.retain(|k, _| !k.eq_ignore_ascii_case(name));
            request.context.insert(name.clone(), ContextValue::Single(value.to_string()));
        }
    }
}

/// Values of a template's one variable that make it match the request's
/// value at its site: `before · value · after` with the text around the
/// variable matching around it; at most [`PER_KEY`] (more trips
/// [`Budget::ConcreteKeyValues`]).
fn solve(t: &Templated, request: &Request, tripped: &mut Tripped) -> Vec<(String, String)> {
    let vars: Vec<&Part> =
        t.template.parts.iter().filter(|p| matches!(p, Part::Var { .. })).collect();
    let [Part::Var { key, .. }] = vars.as_slice() else {
        return Vec::new();
    };
    let text = match &t.site {
        Site::Resource => request.resource.as_str(),
        Site::Key(name) => match request.context_value(name) {
            Some(ContextValue::Single(v)) => v.as_str(),
            _ => return Vec::new(),
        },
    };
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_SOLVE {
        tripped.note(Budget::ConcreteValueLength, MAX_SOLVE);
        return Vec::new();
    }
    let at = t.template.parts.iter().position(|p| matches!(p, Part::Var { .. })).unwrap_or(0);
    let (head, tail) = t.template.parts.split_at(at);
    let before = tokens_of(head, t.glob);
    let after = tokens_of(tail.get(1..).unwrap_or_default(), t.glob);
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        let prefix: String = chars.get(..i).unwrap_or_default().iter().collect();
        if !glob_tokens(&before, &prefix) {
            continue;
        }
        for j in (i..=chars.len()).rev() {
            let suffix: String = chars.get(j..).unwrap_or_default().iter().collect();
            if glob_tokens(&after, &suffix) {
                if out.len() >= PER_KEY {
                    tripped.note(Budget::ConcreteKeyValues, PER_KEY);
                    return out;
                }
                let value: String = chars.get(i..j).unwrap_or_default().iter().collect();
                out.push((key.clone(), value));
            }
        }
    }
    out
}

/// The tokens of constant parts.
fn tokens_of(parts: &[Part], glob: bool) -> Vec<Tok> {
    Template { parts: parts.to_vec() }.widened(glob)
}

/// Repairs of a request whose `aws:userid` (a key of its own,
/// docs/semantics.md §2) does not fit its caller: principals that could
/// send that `aws:userid` (resource policies), then the caller's own
/// `aws:userid`. Every one is checked by the caller's consistency rule and
/// `simulate`.
pub(crate) fn caller_repairs(request: &Request, policy_type: PolicyType) -> Vec<Request> {
    use crate::request::caller::inconsistency;
    if inconsistency(request, policy_type).is_none() {
        return Vec::new();
    }
    // Partitions are isolated: candidates are in the resource's partition.
    let partition = crate::iam::partition::of_arn(&request.resource).unwrap_or("aws");
    let mut out = Vec::new();
    let stated = match request.context_value("aws:userid") {
        Some(ContextValue::Single(id)) => Some(id.as_str()),
        _ => None,
    };
    if let Some(id) = stated {
        let name = request
            .context
            .keys()
            .find(|k| k.eq_ignore_ascii_case("aws:userid"))
            .cloned()
            .unwrap_or_else(|| "aws:userid".to_string());
        // The `aws:userid` itself, then the same completed to a caller's form (`AROA…:`
        // becomes the role session `AROA…:example`).
        let mut ids = vec![id.to_string()];
        ids.extend(userid_completions(id).into_iter().filter(|c| c != id));
        for completed in ids {
            let mut base = request.clone();
            base.context.insert(name.clone(), ContextValue::Single(completed.clone()));
            if request.principal.is_none() {
                if completed != id {
                    out.push(base);
                }
                continue;
            }
            for p in userid_principals(&completed, partition) {
                if request.principal.as_deref() != Some(p.as_str()) || completed != id {
                    // `federatedBy` belongs to the request's own principal only.
                    let by =
                        base.federated_by.clone().filter(|_| request.principal == Some(p.clone()));
                    out.push(Request { principal: Some(p), federated_by: by, ..base.clone() });
                }
            }
        }
    }
    // The other way round: a caller the request's keys suggest, with all
    // its keys.
    if let Some(caller) = suggested_caller(request) {
        if let Some(values) = crate::request::caller::derived(&caller) {
            let mut r = request.clone();
            if r.principal.is_some() {
                r.principal = Some(caller.clone());
            }
            for (key, value) in values {
                let name = r
                    .context
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .cloned()
                    .unwrap_or_else(|| crate::encode::caller::canonical_name(key).to_string());
                r.context.remove(&name);
                if let Some(v) = value {
                    r.context.insert(name, ContextValue::Single(v));
                }
            }
            out.push(r);
        }
    }
    out
}

/// The principals whose `aws:userid` can be `id` (docs/semantics.md §2), in `partition`.
fn userid_principals(id: &str, partition: &str) -> Vec<String> {
    use crate::iam::grammar::{is_account, is_name, is_unique_id};
    let account = "123456789012";
    let mut principals = Vec::new();
    if id == "anonymous" {
        principals.push("anonymous".to_string());
    }
    if is_account(id) {
        principals.push(format!("arn:{partition}:iam::{id}:root"));
    }
    if is_unique_id(id) {
        principals.push(format!("arn:{partition}:iam::{account}:user/example"));
    }
    if let Some((head, rest)) = id.split_once(':') {
        if is_account(head) && is_name(rest) {
            principals.push(format!("arn:{partition}:sts::{head}:federated-user/{rest}"));
        }
        if is_unique_id(head) && is_name(rest) {
            principals.push(format!("arn:{partition}:sts::{account}:assumed-role/example/{rest}"));
        }
    }
    principals
}

/// `id` completed to the `aws:userid` of some caller, where a part is empty: `ID:` (a role
/// session's unique id, the session missing) → `ID:example`; `:S` → `AROAEXAMPLE:S` and
/// `123456789012:S`; empty → `AIDAEXAMPLE`.
fn userid_completions(id: &str) -> Vec<String> {
    use crate::iam::grammar::{is_account, is_name, is_unique_id};
    if id.is_empty() {
        return vec!["AIDAEXAMPLE".to_string()];
    }
    let Some((head, rest)) = id.split_once(':') else { return Vec::new() };
    let rests: Vec<&str> = match rest {
        "" => vec!["example"],
        r if is_name(r) => vec![r],
        _ => return Vec::new(),
    };
    let heads: Vec<&str> = match head {
        "" => vec!["AROAEXAMPLE", "123456789012"],
        h if is_unique_id(h) || is_account(h) => vec![h],
        _ => return Vec::new(),
    };
    heads.iter().flat_map(|h| rests.iter().map(move |r| format!("{h}:{r}"))).collect()
}

/// The caller a request's keys point at: its principal; else the one
/// `aws:PrincipalArn` names (a role's session `example`); else one built
/// from `aws:PrincipalType`, `aws:PrincipalAccount` and `aws:username`.
fn suggested_caller(request: &Request) -> Option<String> {
    use crate::request::caller::{is_account, is_name};
    if let Some(p) = &request.principal {
        return Some(p.clone());
    }
    let get = |key: &str| match request.context_value(key) {
        Some(ContextValue::Single(v)) => Some(v.as_str()),
        _ => None,
    };
    if let Some(arn) = get("aws:PrincipalArn") {
        let session = crate::request::caller::role_session(arn, "example");
        return Some(session.unwrap_or_else(|| arn.to_string()));
    }
    let account = get("aws:PrincipalAccount").filter(|a| is_account(a)).unwrap_or("123456789012");
    let name = get("aws:username").filter(|n| is_name(n)).unwrap_or("example");
    // Partitions are isolated: the caller is in the resource's partition.
    let p = crate::iam::partition::of_arn(&request.resource).unwrap_or("aws");
    Some(match get("aws:PrincipalType") {
        Some("Account") => format!("arn:{p}:iam::{account}:root"),
        Some("AssumedRole") => format!("arn:{p}:sts::{account}:assumed-role/example/example"),
        Some("FederatedUser") => format!("arn:{p}:sts::{account}:federated-user/{name}"),
        Some("Anonymous") => "anonymous".to_string(),
        _ => format!("arn:{p}:iam::{account}:user/{name}"),
    })
}

/// Whether `request` is one the restriction admits (the outsider of the
/// public and external access checks, `decide::outsider`): a principal no
/// forbidden entry matches, and no key with a forbidden value. A candidate
/// outside it is no witness of those checks.
pub(crate) fn admitted(restrict: &Restrict, request: &Request) -> bool {
    if super::witness::outside_model(request, restrict).is_some() {
        return false;
    }
    if let Some(p) = &request.principal {
        let forbidden = restrict.principal.iter().any(|e| {
            crate::simulate::principal_entry_matches(e, p, request.federated_by.as_deref())
                != Some(false)
        });
        if forbidden {
            return false;
        }
    }
    for (name, value) in &request.context {
        let folded = name.to_ascii_lowercase();
        let values = value.values();
        if let Some(patterns) = restrict.keys.get(&folded) {
            let hit = patterns.iter().any(|pattern| match pattern {
                Pattern::All => true,
                Pattern::Nothing => false,
                Pattern::Regex(r) => {
                    let re = regex_automata::meta::Regex::builder()
                        .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                        .build(&format!("^(?:{r})$"));
                    // A pattern that does not build cannot be checked: refuse.
                    re.map_or(true, |re| values.iter().any(|v| re.is_match(v.as_bytes())))
                }
            });
            if hit {
                return false;
            }
        }
        if let Some(predicates) = restrict.typed_keys.get(&folded) {
            let sorts = [Sort::Numeric, Sort::Date, Sort::Ip, Sort::Binary];
            let hit = predicates.iter().any(|p| {
                values.iter().any(|v| {
                    sorts.iter().filter_map(|s| parse_request_value(*s, v)).any(|v| p.holds(&v))
                })
            });
            if hit {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests;
