//! A real witness without a second search: concrete candidates from the
//! catalogue, screened per action and replayed through `simulate`.
//!
//! The candidates are the catalogue's actions the policy under test's Allow
//! entries can name, in a fixed order: the first witness's service, the
//! service its resource ARN names, then the services and actions of those
//! entries in document order (every service when an entry may name any
//! action). Each action is first
//! *screened* against every policy of the goal at the level of the action
//! alone ([`Screen`]): a policy the goal wants to allow the request must have
//! an Allow statement whose `Action` names it, and a policy the goal wants to
//! refuse it must not allow it unconditionally (an Allow statement naming it
//! with no condition, the resource `*` and any principal, and no Deny
//! statement naming it). An action that passes is tried on a few resources
//! (`*` when it takes no resource type; else the first witness's resource,
//! the policies' resource patterns made concrete and its ARN formats filled,
//! whichever fit its formats), the rest of the first witness kept, and the
//! first request `simulate` confirms is the witness. The number of replays
//! is bounded ([`TRIES`]), so the work is the same for the same input.
//!
//! When no catalogue action passes the screen, no real pair violates (the
//! screen only drops actions every request of which misses the goal, as far
//! as statements tell), and the caller stops there; an action that takes no
//! resource type counts as settled once its one real resource, `*`, was
//! tried with the first witness's caller and context.

use super::{concrete_patterns, place_of, reaches_goal_decidedly};
use crate::decide::Query;
use crate::iam::catalog::{self, ActionRef, Catalog};
use crate::policy::template::Tok;
use crate::policy::{Effect, Policy, Principal, Statement};
use crate::request::Request;
use std::collections::{HashMap, HashSet};

/// Most candidate requests replayed through `simulate`.
const TRIES: usize = 48;
/// Most resources tried per action.
const RESOURCES_PER_ACTION: usize = 6;
/// Most actions that pass the screen reported as [`Outcome::Open`].
const OPEN_ACTIONS: usize = 64;
/// Most actions of one service among the first of [`Outcome::Open`]; the
/// others of that service follow those of the other services (so one large
/// service, `cloudformation:*`, does not fill the list alone).
const OPEN_PER_SERVICE: usize = 8;
/// Most actions that pass the screen looked at: the scan stops there (a
/// count, not a time, so the same input gives the same witness).
const PASSING_SCANNED: usize = 4 * OPEN_ACTIONS;

/// What the candidates gave.
pub(super) enum Outcome<'c> {
    /// A real request that reaches the goal.
    Found(Request),
    /// No catalogue action passes the screen but type-less ones tried on
    /// `*`: no real pair violates, as far as the screen tells.
    NoneReal,
    /// Actions that take resource types and pass the screen (the first
    /// [`OPEN_ACTIONS`], in candidate order), none of whose tried requests
    /// (if any were tried) reached the goal.
    Open(Vec<ActionRef<'c>>),
}

/// Looks for a real request reaching the goal of `query` next to `witness`.
pub(super) fn find<'c>(c: &'c Catalog, witness: &Request, query: &Query<'_>) -> Outcome<'c> {
    let Some(under_test) = query.policies.first() else { return Outcome::Open(Vec::new()) };
    let screens: Vec<(Screen, bool)> = query
        .terms
        .iter()
        .filter_map(|&(p, want)| query.policies.get(p).map(|policy| (Screen::new(policy), want)))
        .collect();
    let mut marks: Vec<Vec<bool>> = vec![Vec::new(); screens.len()];
    let place = place_of(witness);
    let patterns = Patterns::new(query, &place);
    let mut tries = 0;
    let mut open = Vec::new();
    // Passing actions beyond their service's share, and the shares.
    let mut spill = Vec::new();
    let mut per_service: HashMap<usize, usize> = HashMap::new();
    let mut seen = HashSet::new();
    for (s, a) in order(c, witness, under_test) {
        if !seen.insert((s, a)) {
            continue;
        }
        let Some(action) = c.action_at(s, a) else { continue };
        let name = action.name().to_ascii_lowercase();
        if !passes(&screens, &name, &mut marks) {
            continue;
        }
        let tried = tries < TRIES;
        if tried {
            for resource in resources(&action, witness, &patterns, &place) {
                if tries >= TRIES {
                    break;
                }
                tries += 1;
                let candidate = Request { action: action.name(), resource, ..witness.clone() };
                let keeps = crate::request::caller::inconsistency(&candidate, query.policy_type)
                    .is_none()
                    && crate::decide::concretize::admitted(query.restrict, &candidate)
                    && reaches_goal_decidedly(
                        &candidate,
                        query.policies,
                        query.terms,
                        query.policy_type,
                    );
                if keeps {
                    return Outcome::Found(candidate);
                }
            }
        }
        // An action that takes no resource type has one real request
        // resource, `*`, which was just tried.
        if tried && action.formats().next().is_none() {
            continue;
        }
        let share = per_service.entry(s).or_insert(0);
        *share += 1;
        if *share <= OPEN_PER_SERVICE && open.len() < OPEN_ACTIONS {
            open.push(action);
        } else {
            spill.push(action);
        }
        if open.len() >= OPEN_ACTIONS || open.len() + spill.len() >= PASSING_SCANNED {
            break;
        }
    }
    open.extend(spill);
    open.truncate(OPEN_ACTIONS);
    if open.is_empty() {
        Outcome::NoneReal
    } else {
        Outcome::Open(open)
    }
}

/// Whether the lower-cased action `name` passes the screen: no policy the
/// goal wants to allow it allows none of its requests, no policy the goal
/// wants to refuse it allows all of them or all that a policy the goal wants
/// to allow it allows ([`Screen::covered_by`]). `marks` is scratch space.
fn passes(screens: &[(Screen<'_>, bool)], name: &str, marks: &mut [Vec<bool>]) -> bool {
    for ((screen, want), applies) in screens.iter().zip(marks.iter_mut()) {
        screen.mark(name, applies);
        match screen.class(applies) {
            Class::Never if *want => return false,
            Class::Always if !*want => return false,
            _ => {}
        }
    }
    let marked = || screens.iter().zip(marks.iter());
    let allowing = marked().filter(|((_, want), _)| *want);
    !allowing.into_iter().any(|((p, _), pa)| {
        marked().filter(|((_, want), _)| !*want).any(|((q, _), qa)| p.covered_by(pa, q, qa))
    })
}

/// The candidate actions as catalogue positions, in order, with repeats
/// (the caller skips them): the first witness's service, then what the
/// Allow entries of the policy under test name, document order.
fn order<'c>(
    c: &'c Catalog,
    witness: &Request,
    under_test: &'c Policy,
) -> impl Iterator<Item = (usize, usize)> + 'c {
    let own = witness
        .action
        .split_once(':')
        .and_then(|(s, _)| c.service_position(&s.to_ascii_lowercase()));
    // The service the first witness's resource ARN names (`arn:aws:wafv2:…`
    // for `waf:A`): the search paired them, so a real action there may fit.
    let named = witness
        .resource
        .strip_prefix("arn:")
        .and_then(|r| r.split(':').nth(1))
        .and_then(|s| c.service_position(&s.to_ascii_lowercase()));
    let entries = under_test.statements.iter().filter(|s| s.effect == Effect::Allow);
    let mut any = false;
    let mut services: Vec<Source> = own.into_iter().chain(named).map(Source::Service).collect();
    for statement in entries {
        if statement.action.negated {
            any = true;
            continue;
        }
        for entry in &statement.action.values {
            let Some((service, name)) = entry.split_once(':') else {
                any = true;
                continue;
            };
            let wild = |t: &str| t.contains(['*', '?']);
            if !wild(service) && !wild(name) {
                if let Some(at) = c.action_position(entry) {
                    services.push(Source::Action(at));
                }
            } else if !wild(service) {
                if let Some(s) = c.service_position(&service.to_ascii_lowercase()) {
                    services.push(Source::Service(s));
                }
            } else {
                let pattern: Vec<Tok> = Tok::of_text(&service.to_ascii_lowercase(), true).collect();
                let matching = c.services().iter().enumerate();
                services.extend(
                    matching
                        .filter(|(_, s)| crate::simulate::glob::glob_tokens(&pattern, s.prefix))
                        .map(|(i, _)| Source::Service(i)),
                );
            }
        }
    }
    if any {
        services.extend((0..c.services().len()).map(Source::Service));
    }
    let mut expanded = HashSet::new();
    services.into_iter().flat_map(move |source| -> Vec<(usize, usize)> {
        match source {
            Source::Action(at) => vec![at],
            Source::Service(s) if expanded.insert(s) => {
                let n = c.services().get(s).map_or(0, |svc| svc.actions().len());
                (0..n).map(|a| (s, a)).collect()
            }
            Source::Service(_) => Vec::new(),
        }
    })
}

/// The policies' resource patterns made concrete (`concrete_patterns`).
struct Patterns {
    /// Those of the policies the goal wants to allow the request whose
    /// entry no entry of a policy it wants to refuse it [`includes`].
    fresh: Vec<String>,
    /// The others.
    others: Vec<String>,
}

impl Patterns {
    fn new(query: &Query<'_>, place: &catalog::Place) -> Patterns {
        let side = |want: bool| -> Vec<&Policy> {
            let policies = query.terms.iter().filter(|&&(_, w)| w == want);
            policies.filter_map(|&(p, _)| query.policies.get(p).copied()).collect()
        };
        let (allowing, refusing) = (side(true), side(false));
        let refused: Vec<&String> = refusing
            .iter()
            .flat_map(|p| &p.statements)
            .filter_map(|s| s.resource.as_ref().filter(|r| !r.negated))
            .flat_map(|r| &r.values)
            .collect();
        let covered = |v: &String| refused.iter().any(|w| includes(w, v));
        let fresh: Vec<Policy> = allowing
            .iter()
            .map(|p| {
                let mut p = (*p).clone();
                for s in &mut p.statements {
                    if let Some(r) = &mut s.resource {
                        r.values.retain(|v| !covered(v));
                    }
                }
                p
            })
            .collect();
        let fresh = concrete_patterns(&fresh.iter().collect::<Vec<_>>(), place);
        let others = concrete_patterns(query.policies, place)
            .into_iter()
            .filter(|p| !fresh.contains(p))
            .collect();
        Patterns { fresh, others }
    }
}

/// Where candidate actions come from.
enum Source {
    /// Every action of this service.
    Service(usize),
    /// This action.
    Action((usize, usize)),
}

/// The resources tried for `action`, at most [`RESOURCES_PER_ACTION`]: `*`
/// for an action that takes no resource type; else, of those that fit its
/// formats, without repeats: the fresh patterns, the action's formats
/// filled, the first witness's resource, the other patterns.
fn resources(
    action: &ActionRef<'_>,
    witness: &Request,
    patterns: &Patterns,
    place: &catalog::Place,
) -> Vec<String> {
    if action.formats().next().is_none() {
        return vec!["*".into()];
    }
    let mut out: Vec<String> = Vec::new();
    let fills = action.formats().map(|f| catalog::fill(f, place));
    let all = (patterns.fresh.iter().cloned())
        .chain(fills)
        .chain(std::iter::once(witness.resource.clone()))
        .chain(patterns.others.iter().cloned());
    for r in all {
        if out.len() >= RESOURCES_PER_ACTION {
            break;
        }
        if !out.contains(&r) && catalog::fits_formats(action, &r) {
            out.push(r);
        }
    }
    out
}

/// Whether every resource the entry `inner` matches, the entry `outer`
/// matches too, as far as text tells: they are equal, or `outer` has no `?`
/// and each of its six ARN parts (the whole entry when either is not an
/// ARN) matches `inner`'s part read as plain text (each wildcard of `inner`
/// then lies within a `*` of `outer`, which matches whatever replaces it;
/// ARNs are matched part by part, docs/semantics.md §4). Entries with a
/// policy variable are compared as equal text only.
fn includes(outer: &str, inner: &str) -> bool {
    if outer == inner {
        return true;
    }
    if outer.contains('?') || outer.contains("${") || inner.contains("${") {
        return false;
    }
    let glob = |o: &str, i: &str| {
        let pattern: Vec<Tok> = Tok::of_text(o, true).collect();
        crate::simulate::glob::glob_tokens(&pattern, i)
    };
    if outer == "*" {
        return true;
    }
    let (o, i): (Vec<&str>, Vec<&str>) =
        (outer.splitn(6, ':').collect(), inner.splitn(6, ':').collect());
    match (o.len(), i.len()) {
        (6, 6) => o.iter().zip(&i).all(|(o, i)| glob(o, i)),
        (6, _) | (_, 6) => false,
        _ => glob(outer, inner),
    }
}

/// What a policy does with every request of one action, as far as its
/// `Action` elements tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// No Allow statement names the action: the policy allows none of its
    /// requests.
    Never,
    /// An Allow statement names it with no condition, the resource `*` and
    /// any principal, and no Deny statement names it: the policy allows all
    /// its requests.
    Always,
    /// Anything else.
    Maybe,
}

/// One policy's `Action` entries indexed by service, for [`Class`].
struct Screen<'p> {
    /// The statements, with whether each is open (no condition, resource
    /// `*`, any principal).
    statements: Vec<(&'p Statement, bool)>,
    /// Entries whose service is literal: lower-cased service → (statement,
    /// name glob).
    by_service: HashMap<String, Vec<(usize, Vec<Tok>)>>,
    /// Other entries: (statement, glob over the whole `service:name`).
    wild: Vec<(usize, Vec<Tok>)>,
}

impl<'p> Screen<'p> {
    fn new(policy: &'p Policy) -> Screen<'p> {
        let mut screen =
            Screen { statements: Vec::new(), by_service: HashMap::new(), wild: Vec::new() };
        for (i, s) in policy.statements.iter().enumerate() {
            let any_resource = s.resource.as_ref().is_none_or(|r| {
                !r.negated && r.values.iter().any(|v| v.chars().all(|c| c == '*') && !v.is_empty())
            });
            let any_principal = s
                .principal
                .as_ref()
                .is_none_or(|p| !p.negated && p.values.contains(&Principal::Everyone));
            screen.statements.push((s, s.conditions.is_empty() && any_resource && any_principal));
            for entry in &s.action.values {
                let entry = entry.to_ascii_lowercase();
                match entry.split_once(':') {
                    Some((service, name)) if !service.contains(['*', '?']) => {
                        let glob = Tok::of_text(name, true).collect();
                        screen.by_service.entry(service.to_string()).or_default().push((i, glob));
                    }
                    _ => screen.wild.push((i, Tok::of_text(&entry, true).collect())),
                }
            }
        }
        screen
    }

    /// Marks in `applies` the statements whose `Action` element names the
    /// lower-cased action `name` (`service:action`).
    fn mark(&self, name: &str, applies: &mut Vec<bool>) {
        use crate::simulate::glob::glob_tokens;
        applies.clear();
        applies.resize(self.statements.len(), false);
        let (service, action) = name.split_once(':').unwrap_or((name, ""));
        let literal = self.by_service.get(service).into_iter().flatten();
        let hits = literal
            .filter(|(_, glob)| glob_tokens(glob, action))
            .chain(self.wild.iter().filter(|(_, glob)| glob_tokens(glob, name)));
        for (i, _) in hits {
            if let Some(m) = applies.get_mut(*i) {
                *m = true;
            }
        }
        for (m, (s, _)) in applies.iter_mut().zip(&self.statements) {
            *m ^= s.action.negated;
        }
    }

    /// The statements `applies` marks, with whether each is open.
    fn applying<'a>(
        &'a self,
        applies: &'a [bool],
    ) -> impl Iterator<Item = (&'p Statement, bool)> + 'a {
        self.statements.iter().zip(applies).filter(|(_, &a)| a).map(|(&s, _)| s)
    }

    /// The policy's class for the action whose statements `applies` marks.
    fn class(&self, applies: &[bool]) -> Class {
        let (mut allow, mut deny, mut open_allow) = (false, false, false);
        for (s, open) in self.applying(applies) {
            match s.effect {
                Effect::Allow => {
                    allow = true;
                    open_allow |= open;
                }
                Effect::Deny => deny = true,
            }
        }
        match (allow, deny, open_allow) {
            (false, _, _) => Class::Never,
            (true, false, true) => Class::Always,
            _ => Class::Maybe,
        }
    }

    /// Whether `other` allows every request of the action that this policy
    /// allows, as far as statements tell: `other` has no Deny statement
    /// naming it, and each Allow statement of this policy naming it has a
    /// twin in `other` naming it, with the same principal and conditions and
    /// a resource element that lists at least its resources.
    fn covered_by(&self, applies: &[bool], other: &Screen<'_>, other_applies: &[bool]) -> bool {
        let theirs: Vec<&Statement> = other.applying(other_applies).map(|(s, _)| s).collect();
        if theirs.iter().any(|s| s.effect == Effect::Deny) {
            return false;
        }
        let twin = |s: &Statement, t: &Statement| {
            t.principal == s.principal
                && t.conditions == s.conditions
                && match (&s.resource, &t.resource) {
                    (_, None) => true,
                    (Some(r), Some(u)) if !u.negated => {
                        u.values.iter().any(|v| v == "*")
                            || (!r.negated
                                && r.values.iter().all(|v| u.values.iter().any(|w| includes(w, v))))
                    }
                    (r, u) => r == u,
                }
        };
        self.applying(applies)
            .filter(|(s, _)| s.effect == Effect::Allow)
            .all(|(s, _)| theirs.iter().any(|t| t.effect == Effect::Allow && twin(s, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::{passes, Class, Screen};
    use crate::parse::parse_policy;
    use crate::policy::PolicyType;

    fn policy(text: &str) -> crate::policy::Policy {
        parse_policy(text, PolicyType::Identity).unwrap_or_else(|e| panic!("{e:?}")).policy
    }

    fn class(policy: &crate::policy::Policy, action: &str) -> Class {
        let screen = Screen::new(policy);
        let mut applies = Vec::new();
        screen.mark(action, &mut applies);
        screen.class(&applies)
    }

    #[test]
    fn the_screen_reads_actions_alone() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:Get*","ec2:DescribeInstances"],"Resource":"*"},
              {"Effect":"Allow","Action":"*:List*","Resource":"arn:aws:s3:::b"},
              {"Effect":"Deny","Action":"s3:GetObjectAcl","Resource":"*",
               "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        );
        assert_eq!(class(&p, "s3:getobject"), Class::Always);
        assert_eq!(class(&p, "s3:getobjectacl"), Class::Maybe);
        assert_eq!(class(&p, "ec2:describeinstances"), Class::Always);
        assert_eq!(class(&p, "sqs:listqueues"), Class::Maybe);
        assert_eq!(class(&p, "s3:putobject"), Class::Never);
        let not = policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        assert_eq!(class(&not, "s3:putobject"), Class::Always);
        assert_eq!(class(&not, "iam:passrole"), Class::Never);
    }

    #[test]
    fn an_action_allowed_alike_by_both_policies_is_screened_out() {
        let new = policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["apigateway:GET"],"Resource":["arn:aws:apigateway:*::/restapis"]},
              {"Effect":"Allow","Action":["apigateway:PUT"],"Resource":["arn:aws:apigateway:*::/apis"]}]}"#,
        );
        let old = policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["apigateway:GET","apigateway:PUT"],
               "Resource":["arn:aws:apigateway:*::/restapis","arn:aws:apigateway:*::/domainnames"]}]}"#,
        );
        let screens = [(Screen::new(&new), true), (Screen::new(&old), false)];
        let mut marks = vec![Vec::new(); 2];
        assert!(!passes(&screens, "apigateway:get", &mut marks));
        assert!(passes(&screens, "apigateway:put", &mut marks));
        assert!(!passes(&screens, "apigateway:delete", &mut marks));
        assert!(super::includes("arn:aws:s3:::b/*", "arn:aws:s3:::b/*/c?"));
        assert!(!super::includes("arn:aws:s3:::b/?", "arn:aws:s3:::b/*"));
        assert!(!super::includes("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"));
        // Parts do not run into each other (AWSCloudFrontLogger v1->v2).
        let old = "arn:aws:logs:*:*:/aws/cloudfront/*";
        assert!(!super::includes(old, "arn:aws:logs:*:*:log-group:/aws/cloudfront/*"));
        assert!(super::includes("*", old));
    }
}
