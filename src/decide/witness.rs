//! Turning a search path into a concrete [`Request`], and making witnesses
//! real: an action AWS lists, on a resource in the ARN format of a type it
//! takes (`iam::catalog`).

use super::{decide_exactly, Config, Query, Verdict};
use crate::encode::{AtomValue, Encoded, FieldKind, Restrict};
use crate::iam::catalog::{self, catalog, Place};
use crate::policy::{Policy, PolicyType};
use crate::request::{ContextValue, Request};
use crate::simulate::{simulate, Decision};

mod real;

/// Replays a witness through the concrete evaluator: why it does not reach
/// the goal (`terms`), if it does not. A FAIL is only reported with a
/// witness `simulate` confirms; a decision `simulate` leaves undecided
/// (an opaque construct the witness does not depend on) is accepted.
pub(crate) fn contradiction(
    witness: &Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
) -> Option<String> {
    if let Some(why) = crate::request::caller::inconsistency(witness, policy_type) {
        return Some(format!(
            "the witness {witness:?} pairs its caller with keys it cannot have: {why}"
        ));
    }
    for &(p, want) in terms {
        let policy = policies.get(p)?;
        let decision = match simulate(policy, policy_type, witness) {
            Ok(sim) => sim.decision,
            Err(e) => return Some(format!("the witness {witness:?} is not a valid request: {e}")),
        };
        let allowed = match decision {
            Decision::Allow => true,
            Decision::ExplicitDeny | Decision::ImplicitDeny => false,
            Decision::Unknown => continue,
        };
        if allowed != want {
            return Some(format!("simulate disagrees with the witness {witness:?} on policy {p}"));
        }
    }
    None
}

/// The request that `path` (one atom per searched field) stands for.
pub(crate) fn request(
    enc: &Encoded,
    path: &[usize],
    policies: &[&Policy],
    policy_type: PolicyType,
) -> Request {
    let mut req = Request::default();
    let mut caller = None;
    for (field, &atom) in enc.fields.iter().zip(path) {
        let Some(value) = field.atoms.get(atom).map(|a| &a.value) else {
            continue;
        };
        match (&field.kind, value) {
            (FieldKind::Action, AtomValue::Str(s)) => req.action = recase_action(s, policies),
            (FieldKind::Resource, AtomValue::Str(s)) => req.resource = s.clone(),
            (FieldKind::Principal, AtomValue::Str(s)) => {
                let (principal, by) = crate::iam::caller::split_federator(s);
                req.principal = Some(principal);
                req.federated_by = by;
            }
            (FieldKind::Caller { keys }, AtomValue::Str(s)) => caller = Some((s, keys)),
            (FieldKind::Key { name, .. }, AtomValue::Str(s)) => {
                req.context.insert(name.clone(), ContextValue::Single(s.clone()));
            }
            (FieldKind::Key { name, .. }, AtomValue::Set(vs)) => {
                req.context.insert(name.clone(), ContextValue::Multi(vs.clone()));
            }
            _ => {}
        }
    }
    if policy_type == PolicyType::Identity {
        req.principal = None;
        req.federated_by = None;
    }
    let userid_field = enc.fields.iter().any(
        |f| matches!(&f.kind, FieldKind::Key { name, .. } if name.eq_ignore_ascii_case("aws:userid")),
    );
    if let Some((s, keys)) = caller {
        crate::encode::caller::apply(s, keys, policy_type, userid_field, &mut req);
    }
    req
}

/// Gives a lower-cased action witness AWS's spelling when the catalogue
/// lists it, else the casing of the policy pattern whose literal prefix
/// covers most of it (`ec2:describeinstance` → `ec2:DescribeInstance`
/// from `ec2:DescribeInstance*`), with a capital first letter where every
/// action the catalogue lists for its service has one (`budgets:describeBudget`
/// → `budgets:DescribeBudget`: AWS's names of that service are PascalCase).
fn recase_action(lower: &str, policies: &[&Policy]) -> String {
    let c = catalog().ok();
    if let Some(a) = c.and_then(|c| c.action(lower)) {
        return a.name();
    }
    let mut best: Option<&str> = None;
    for p in policies {
        for s in &p.statements {
            for pattern in &s.action.values {
                let prefix = pattern.split(['*', '?']).next().unwrap_or_default();
                let fits = lower.len() >= prefix.len()
                    && lower.get(..prefix.len()).is_some_and(|l| l.eq_ignore_ascii_case(prefix));
                if fits && best.is_none_or(|b| b.len() < prefix.len()) {
                    best = Some(prefix);
                }
            }
        }
    }
    let spelled = match best {
        Some(prefix) => format!("{prefix}{}", lower.get(prefix.len()..).unwrap_or_default()),
        None => lower.to_string(),
    };
    let Some((service, name)) = spelled.split_once(':') else { return spelled };
    let pascal = c.and_then(|c| c.service(&service.to_ascii_lowercase())).is_some_and(|s| {
        !s.actions().is_empty()
            && s.actions().iter().all(|a| a.name.starts_with(|ch: char| ch.is_ascii_uppercase()))
    });
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if pascal => {
            format!("{service}:{}{}", first.to_ascii_uppercase(), chars.as_str())
        }
        _ => spelled,
    }
}

/// Why a witness is no request of the catalogue request model, when the
/// query is decided in it (`restrict.model`).
pub(crate) fn outside_model(witness: &Request, restrict: &Restrict) -> Option<String> {
    restrict.model?;
    let fits = catalog().is_ok_and(|c| c.fits(&witness.action, &witness.resource));
    (!fits).then(|| {
        format!("the witness {witness:?} is no real (action, resource type) pair of the catalogue")
    })
}

/// Decides a query in the catalogue request model: the query's policies
/// and the model's (`iam::catalog::model`), which the request must match.
pub(crate) fn in_catalog_model(query: &Query<'_>, config: &Config) -> Verdict {
    in_catalog_services(query, config, None)
}

/// [`in_catalog_model`] over the actions `only` names (all when `None`):
/// a FAIL there is a FAIL of the whole model, a PASS only says no request
/// of those actions violates.
fn in_catalog_services(
    query: &Query<'_>,
    config: &Config,
    only: Option<&[catalog::ActionRef<'_>]>,
) -> Verdict {
    let c = match catalog() {
        Ok(c) => c,
        Err(e) => {
            return Verdict::unknown(crate::UnknownReason::Internal { detail: e.to_string() })
        }
    };
    let real = query.policies.len();
    let model =
        match catalog::model::policy(c, query.policies, query.terms, query.policy_type, only) {
            Ok(model) => model,
            Err(e) => {
                return Verdict::unknown(crate::UnknownReason::Internal { detail: e.to_string() })
            }
        };
    let mut policies = query.policies.to_vec();
    policies.push(&model);
    let mut terms = query.terms.to_vec();
    terms.push((real, true));
    let mut restrict = query.restrict.clone();
    restrict.model = Some(real);
    let query = Query { policies: &policies, terms: &terms, restrict: &restrict, ..*query };
    decide_exactly(&query, config, real)
}

/// The budgets of the last step of [`realistic`], the search in the
/// catalogue model over the few actions the candidates left open: at most
/// [`REAL_WITNESS_NODES`] search nodes and a tenth of each automaton
/// budget, and no wall-clock limit (the check's own limit was spent on the
/// first decision; counting, not timing, keeps the witness the same from
/// run to run). Past a budget the FAIL keeps its first witness.
fn last_step(config: &Config) -> Config {
    let mut budget = config.clone();
    budget.max_search_nodes = config.max_search_nodes.min(REAL_WITNESS_NODES);
    budget.timeout = None;
    let atoms = &mut budget.encode.atoms;
    atoms.cache_bytes /= 10;
    atoms.max_nodes /= 10;
    atoms.max_atoms /= 10;
    budget.encode.max_set_states /= 10;
    budget
}

/// Search nodes of the last step of [`realistic`].
const REAL_WITNESS_NODES: usize = 20_000;

/// A FAIL of Access Analyzer's model with a real witness where one is found
/// within a fixed budget (the same input always gives the same witness):
/// first concrete candidates ([`real::find`]: catalogue actions the policy
/// under test names, screened per action, on a few resources each, each
/// replayed through `simulate`); when the screen leaves no catalogue action,
/// no real pair violates and the first witness stays; when it leaves some
/// that no candidate resource made a witness, the same query is decided in
/// the catalogue model over those few actions only, within
/// [`REAL_WITNESS_NODES`] search nodes, and its witness (a violating request
/// of both models, replayed on the query's own policies) is taken. Anything
/// else is returned as it is.
pub(crate) fn realistic(verdict: Verdict, query: &Query<'_>, config: &Config) -> Verdict {
    let Verdict::Fail { witness, reasons } = verdict else { return verdict };
    let Ok(c) = catalog() else { return Verdict::Fail { witness, reasons } };
    if c.fits(&witness.action, &witness.resource) {
        return Verdict::Fail { witness, reasons };
    }
    let open = match real::find(c, &witness, query) {
        real::Outcome::Found(real) => return Verdict::Fail { witness: real, reasons },
        real::Outcome::NoneReal => return Verdict::Fail { witness, reasons },
        real::Outcome::Open(open) => open,
    };
    let budget = last_step(config);
    let first = open.get(..FIRST_OPEN.min(open.len())).unwrap_or_default();
    let verdict = match in_catalog_services(query, &budget, Some(first)) {
        // Exactly no violation among the first actions: the rest of those
        // the screen left, once.
        Verdict::Pass if open.len() > first.len() => {
            in_catalog_services(query, &budget, Some(&open))
        }
        verdict => verdict,
    };
    match verdict {
        Verdict::Fail { witness: real, .. } => Verdict::Fail { witness: real, reasons },
        _ => Verdict::Fail { witness, reasons },
    }
}

/// Actions the last step of [`realistic`] decides first; all that the
/// screen left (at most 64) only when none of these violates.
const FIRST_OPEN: usize = 8;

/// Makes a witness read like a real request where that keeps it a witness:
/// a real action's resource becomes a policy's resource pattern made
/// concrete, or its ARN format filled with real-looking names in the
/// caller's partition and account (`iam::catalog::fill`), whichever fits
/// the action and keeps the witness first; a
/// resource left free by the policies (`arn:aws:a:::a`) of an action the
/// catalogue does not list becomes `*` (as AWS evaluates an action that
/// takes no resource type) or else one of the action's service; a service
/// or federated caller becomes a real one (`service:ec2.amazonaws.com`,
/// `federated:cognito-identity.amazonaws.com`) when that keeps it. Every
/// candidate is checked with `simulate`, so a polished witness reaches the
/// goal as surely as the original.
pub(crate) fn polish(
    witness: &mut Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
    restrict: &Restrict,
) {
    let place = place_of(witness);
    let candidates = match catalog().ok().and_then(|c| c.action(&witness.action)) {
        Some(action) => {
            // The policies' own patterns first: an action taking many types
            // would otherwise fill the candidate budget with its formats.
            let mut out = concrete_patterns(policies, &place);
            out.extend(action.formats().map(|f| catalog::fill(f, &place)));
            if action.formats().next().is_none() {
                out.push("*".into());
            }
            let fits = |r: &String| catalog::fits_formats(&action, r);
            out.into_iter().filter(fits).collect()
        }
        None if restrict.model.is_none() => {
            let Some((service, _)) = witness.action.split_once(':') else { return };
            let service = service.to_ascii_lowercase();
            if witness.resource.split(':').nth(2) == Some(service.as_str()) {
                return;
            }
            // The catalogue cannot tell which types it takes (if any):
            // `*` first, as AWS evaluates an action that takes none.
            vec![
                "*".into(),
                format!("arn:aws:{service}:us-east-1:123456789012:example"),
                format!("arn:aws:{service}:::example"),
            ]
        }
        None => return,
    };
    let keeps = |r: &Request| {
        crate::request::caller::inconsistency(r, policy_type).is_none()
            && super::concretize::admitted(restrict, r)
            && reaches_goal_decidedly(r, policies, terms, policy_type)
    };
    for candidate in candidates.into_iter().take(POLISH_CANDIDATES) {
        if candidate == witness.resource {
            break;
        }
        let mut polished = witness.clone();
        polished.resource = candidate;
        if keeps(&polished) {
            *witness = polished;
            break;
        }
    }
    // A service or federated caller the policies leave free gets a real name.
    let Some((kind, name)) = witness.principal.as_deref().and_then(|p| p.split_once(':')) else {
        return;
    };
    let names: &[&str] = match kind {
        "service" => &["ec2.amazonaws.com", "lambda.amazonaws.com"],
        "federated" => &["cognito-identity.amazonaws.com", "accounts.google.com"],
        _ => &[],
    };
    if names.contains(&name) {
        return;
    }
    for name in names {
        let mut polished = witness.clone();
        polished.principal = Some(format!("{kind}:{name}"));
        if keeps(&polished) {
            *witness = polished;
            return;
        }
    }
}

/// Candidate resources [`polish`] tries.
const POLISH_CANDIDATES: usize = 64;

/// Where the witness's caller lives (the defaults of [`Place`] otherwise).
fn place_of(witness: &Request) -> Place {
    let mut place = Place::default();
    if let Some(arn) = witness.principal.as_deref().and_then(|p| p.strip_prefix("arn:")) {
        let parts: Vec<&str> = arn.splitn(5, ':').collect();
        if let (Some(partition), Some(account)) = (parts.first(), parts.get(3)) {
            if !partition.is_empty() && account.len() == 12 {
                place.partition = partition.to_string();
                place.account = account.to_string();
            }
        }
    }
    place
}

/// The `Resource` entries of `policies` made concrete: a segment that is
/// all wildcards in the partition position becomes the place's, in the
/// region or account position the place's or empty (formats such as S3's
/// and EC2 images' leave them empty), any other `*` `example` and `?` `x`
/// (entries with a variable are left out).
fn concrete_patterns(policies: &[&Policy], place: &Place) -> Vec<String> {
    let mut out = Vec::new();
    let entries = policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter_map(|s| s.resource.as_ref().filter(|r| !r.negated))
        .flat_map(|r| &r.values)
        .filter(|v| v.starts_with("arn:") && !v.contains("${"));
    for entry in entries {
        // Bit 0: an all-wildcard region is empty; bit 1: the same for the account.
        for empty in 0..4u8 {
            let parts: Vec<String> = entry
                .splitn(6, ':')
                .enumerate()
                .map(|(i, part)| {
                    let wild = !part.is_empty() && part.chars().all(|c| c == '*' || c == '?');
                    match i {
                        1 if wild => place.partition.clone(),
                        3 if wild && empty & 1 == 0 => place.region.clone(),
                        4 if wild && empty & 2 == 0 => place.account.clone(),
                        3 | 4 if wild => String::new(),
                        _ => part.replace('*', "example").replace('?', "x"),
                    }
                })
                .collect();
            let candidate = parts.join(":");
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

/// Whether `simulate` decides every policy of the goal for `request` (no
/// `Unknown`) and each as the goal wants: the bar a polished witness must
/// clear, stricter than [`contradiction`].
pub(crate) fn reaches_goal_decidedly(
    request: &Request,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
) -> bool {
    terms.iter().all(|&(p, want)| {
        let Some(policy) = policies.get(p) else { return false };
        match simulate(policy, policy_type, request).map(|s| s.decision) {
            Ok(Decision::Allow) => want,
            Ok(Decision::ExplicitDeny | Decision::ImplicitDeny) => !want,
            Ok(Decision::Unknown) | Err(_) => false,
        }
    })
}
