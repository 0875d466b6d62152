//! The catalogue request model as one more policy of a query: it allows
//! exactly the real (action, resource) pairs, so "the policies reach the
//! goal and the model allows the request" is the goal in that model.
//!
//! One Allow statement per resource type, listing the actions that take it
//! and, as its `Resource`, the regex of the type's ARN format
//! ([`super::format_regex`]; the encoding reads that policy's resources as
//! regexes, `encode::Restrict::model`), and one per service for the actions
//! that take no resource type, on the resource `*`. Only the actions that
//! some `Action` entry of an Allow statement of the policy under test
//! matches are listed: every check's goal wants that policy to allow the
//! request, and any other action matches none of its Allow statements.

use super::{ActionRef, Catalog, Service};
use crate::policy::{Effect, Element, Policy, PolicyType, Principal, Statement};

/// The model's policy for a query over `policies`, listing the actions
/// `only` names (all when `None`) among those the query can name.
///
/// # Errors
/// When a service it reads does not parse ([`Service::try_body`]): leaving
/// its actions out would shrink the model, and so could turn a FAIL into a PASS.
pub(crate) fn policy(
    catalog: &Catalog,
    policies: &[&Policy],
    terms: &[(usize, bool)],
    policy_type: PolicyType,
    only: Option<&[ActionRef<'_>]>,
) -> Result<Policy, super::CatalogError> {
    let allowing: Vec<&Policy> = terms
        .iter()
        .filter(|(_, want)| *want)
        .filter_map(|(p, _)| policies.get(*p).copied())
        .collect();
    let entries = AllowEntries::of(&allowing);
    let mut statements = Vec::new();
    let mut add = |actions: Vec<String>, resource: String| {
        statements.push(Statement {
            index: statements.len(),
            sid: None,
            effect: Effect::Allow,
            principal: (policy_type == PolicyType::Resource)
                .then(|| Element { negated: false, values: vec![Principal::Everyone] }),
            action: Element { negated: false, values: actions },
            resource: Some(Element { negated: false, values: vec![resource] }),
            conditions: Vec::new(),
            lines: (0, 0),
        });
    };
    let listed =
        |a: &super::Action| only.is_none_or(|o| o.iter().any(|r| std::ptr::eq(r.action, a)));
    let wanted = |s: &&Service| only.is_none_or(|o| o.iter().any(|r| std::ptr::eq(r.service, *s)));
    for service in catalog.services().iter().filter(wanted) {
        let patterns = entries.of_service(service.prefix);
        if !entries.any_action && patterns.is_empty() {
            continue;
        }
        let named = |a: &super::Action| {
            listed(a)
                && (entries.any_action
                    || patterns
                        .iter()
                        .any(|p| crate::simulate::glob::glob_ignore_ascii_case(p, a.name)))
        };
        let (resource_types, service_actions) = service.try_body()?;
        for (t, rtype) in resource_types.iter().enumerate() {
            let actions = actions_where(service, service_actions, |a| {
                a.resource_types.contains(&t) && named(a)
            });
            if !actions.is_empty() {
                add(actions, super::format_regex(rtype.arn));
            }
        }
        let untyped =
            actions_where(service, service_actions, |a| a.resource_types.is_empty() && named(a));
        if !untyped.is_empty() {
            add(untyped, regex_syntax::escape("*"));
        }
    }
    Ok(Policy { version: None, id: Some("catalogue request model".into()), statements })
}

fn actions_where(
    service: &Service,
    actions: &[super::Action],
    keep: impl Fn(&super::Action) -> bool,
) -> Vec<String> {
    actions.iter().filter(|a| keep(a)).map(|a| format!("{}:{}", service.prefix, a.name)).collect()
}

/// The `Action` entries of the Allow statements of the policies the goal
/// wants to allow the request: a request must match one of them.
struct AllowEntries<'a> {
    /// Some entry (a `NotAction`, or one without `:`) may name any action.
    any_action: bool,
    /// (service glob, name glob) of the other entries.
    split: Vec<(&'a str, &'a str)>,
}

impl<'a> AllowEntries<'a> {
    fn of(policies: &[&'a Policy]) -> AllowEntries<'a> {
        let mut out = AllowEntries { any_action: false, split: Vec::new() };
        for s in policies.iter().flat_map(|p| &p.statements).filter(|s| s.effect == Effect::Allow) {
            if s.action.negated {
                out.any_action = true;
                continue;
            }
            for v in &s.action.values {
                // An action has one `:`, so an entry's first `:` is the action's.
                match v.split_once(':') {
                    Some(pair) => out.split.push(pair),
                    None => out.any_action = true,
                }
            }
        }
        out
    }

    /// The name globs of the entries whose service glob matches `prefix`.
    fn of_service(&self, prefix: &str) -> Vec<&'a str> {
        self.split
            .iter()
            .filter(|(svc, _)| crate::simulate::glob::glob_ignore_ascii_case(svc, prefix))
            .map(|(_, name)| *name)
            .collect()
    }
}
