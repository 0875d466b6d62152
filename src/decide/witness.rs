//! Turning a search path into a concrete [`Request`], and making witnesses
//! real: an action AWS lists, on a resource in the ARN format of a type it
//! takes (`iam::catalog`).

use super::{decide_exactly, Config, Query, Verdict};
use crate::encode::{AtomValue, Encoded, FieldKind, Restrict};
use crate::iam::catalog::{self, catalog, Place};
use crate::policy::{Policy, PolicyType};
use crate::request::{ContextValue, Request};
use crate::simulate::{simulate, Decision};

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
/// from `ec2:DescribeInstance*`).
fn recase_action(lower: &str, policies: &[&Policy]) -> String {
    if let Some(a) = catalog().ok().and_then(|c| c.action(lower)) {
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
    match best {
        Some(prefix) => format!("{prefix}{}", lower.get(prefix.len()..).unwrap_or_default()),
        None => lower.to_string(),
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

/// [`in_catalog_model`] over the services `only` names (all when `None`):
/// a FAIL there is a FAIL of the whole model, a PASS only says no request
/// of those services violates.
fn in_catalog_services(query: &Query<'_>, config: &Config, only: Option<&[String]>) -> Verdict {
    let c = match catalog() {
        Ok(c) => c,
        Err(e) => {
            return Verdict::unknown(crate::UnknownReason::Internal { detail: e.to_string() })
        }
    };
    let real = query.policies.len();
    let model = catalog::model::policy(c, query.policies, query.terms, query.policy_type, only);
    let mut policies = query.policies.to_vec();
    policies.push(&model);
    let mut terms = query.terms.to_vec();
    terms.push((real, true));
    let mut restrict = query.restrict.clone();
    restrict.model = Some(real);
    let query = Query { policies: &policies, terms: &terms, restrict: &restrict, ..*query };
    decide_exactly(&query, config, real)
}

/// Node budget of the search for a real witness of a FAIL in Access
/// Analyzer's model (past it the FAIL keeps its first witness).
const REAL_WITNESS_NODES: usize = 200_000;

/// Services tried for a real witness beside the first witness's and those
/// the policy under test names: common ones, each with resource types and
/// type-less actions.
const COMMON_SERVICES: &[&str] = &["s3", "ec2", "iam", "lambda", "sqs", "sns", "kms", "dynamodb"];

/// Most services the policy under test names that are tried for a real
/// witness (the catalogue model's encoding grows with its services).
const NAMED_SERVICES: usize = 24;

/// A FAIL of Access Analyzer's model with a real witness where one is found:
/// the witness of the same query in the catalogue model, which is a
/// violating request of both (it replays through `simulate` on the query's
/// own policies). A real request next to the first witness is tried first
/// ([`nearby_real`]); then the model over the first witness's service, then
/// over common services and the first [`NAMED_SERVICES`] the policy under
/// test names literally: a bounded search, so the first witness stays when
/// none of those services has a violating real pair. Anything else is
/// returned as it is.
pub(crate) fn realistic(verdict: Verdict, query: &Query<'_>, config: &Config) -> Verdict {
    let Verdict::Fail { witness, reasons } = verdict else { return verdict };
    let Ok(c) = catalog() else { return Verdict::Fail { witness, reasons } };
    if c.fits(&witness.action, &witness.resource) {
        return Verdict::Fail { witness, reasons };
    }
    if let Some(real) = nearby_real(&witness, query) {
        return Verdict::Fail { witness: real, reasons };
    }
    let budget = Config {
        max_search_nodes: config.max_search_nodes.min(REAL_WITNESS_NODES),
        ..config.clone()
    };
    let known = |s: &str| c.service(s).is_some();
    let own: Vec<String> = witness
        .action
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .filter(|s| known(s))
        .into_iter()
        .collect();
    let mut named: Vec<String> = COMMON_SERVICES.iter().map(|s| s.to_string()).collect();
    let entries = query.policies.first().into_iter().flat_map(|p| &p.statements);
    for v in entries.flat_map(|s| &s.action.values) {
        let svc = v.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        if named.len() < COMMON_SERVICES.len() + NAMED_SERVICES
            && known(&svc)
            && !named.contains(&svc)
            && !own.contains(&svc)
        {
            named.push(svc);
        }
    }
    for only in [own, named].iter().filter(|s| !s.is_empty()) {
        if let Verdict::Fail { witness: real, .. } = in_catalog_services(query, &budget, Some(only))
        {
            return Verdict::Fail { witness: real, reasons };
        }
    }
    Verdict::Fail { witness, reasons }
}

/// Real actions of the first witness's service tried by [`nearby_real`].
const NEARBY_ACTIONS: usize = 16;
/// Resources tried per action by [`nearby_real`].
const NEARBY_RESOURCES: usize = 8;

/// A real request next to `witness`, without a search: a real action of its
/// service that an Allow entry of the policy under test names, on one of
/// [`polish`]'s resources for it, the rest of the request kept, when
/// `simulate` confirms it reaches the goal (a bounded number of tries).
fn nearby_real(witness: &Request, query: &Query<'_>) -> Option<Request> {
    let c = catalog().ok()?;
    let (svc, _) = witness.action.split_once(':')?;
    let service = c.service(&svc.to_ascii_lowercase())?;
    let policy = query.policies.first()?;
    let entries: Vec<&str> = policy
        .statements
        .iter()
        .filter(|s| s.effect == crate::policy::Effect::Allow && !s.action.negated)
        .flat_map(|s| s.action.values.iter().map(String::as_str))
        .collect();
    let place = place_of(witness);
    let patterns = concrete_patterns(query.policies, &place);
    let actions = service.actions.iter().map(|a| catalog::ActionRef { service, action: a });
    let named = actions.filter(|a| {
        let name = a.name();
        entries.iter().any(|e| crate::simulate::glob::glob_ignore_ascii_case(e, &name))
    });
    for action in named.take(NEARBY_ACTIONS) {
        let mut resources: Vec<String> = patterns.clone();
        resources.extend(action.formats().map(|f| catalog::fill(f, &place)));
        resources.push("*".into());
        let fitting = resources.into_iter().filter(|r| catalog::fits_formats(&action, r));
        for resource in fitting.take(NEARBY_RESOURCES) {
            let candidate = Request { action: action.name(), resource, ..witness.clone() };
            if crate::request::caller::inconsistency(&candidate, query.policy_type).is_none()
                && super::concretize::admitted(query.restrict, &candidate)
                && reaches_goal_decidedly(
                    &candidate,
                    query.policies,
                    query.terms,
                    query.policy_type,
                )
            {
                return Some(candidate);
            }
        }
    }
    None
}

/// Makes a witness read like a real request where that keeps it a witness:
/// a real action's resource becomes a policy's resource pattern made
/// concrete, or its ARN format filled with real-looking names in the
/// caller's partition and account (`iam::catalog::fill`), whichever fits
/// the action and keeps the witness first; a
/// resource left free by the policies (`arn:aws:a:::a`) of an action the
/// catalogue does not list becomes one of the action's service; a service
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
            vec![
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
