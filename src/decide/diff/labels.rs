//! Labels: one statement per pattern and per condition entry the two
//! policies write, encoded with them so that every atom is a class of values
//! on which every written pattern agrees (the vocabulary of descriptions).

use crate::iam::partition::{of_arn, Set};
use crate::policy::template::Template;
use crate::policy::{Condition, Effect, Element, Policy, PolicyType, Principal, Statement};
use crate::request::Request;

/// What a label constrains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum LabelKind {
    Action,
    Resource,
    Principal,
    NotPrincipal,
    Condition,
}

/// The labels of a query: an Allow statement per label, constrained only
/// where the label is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Labels {
    policy: Policy,
    texts: Vec<String>,
    policy_type: PolicyType,
    /// One single-statement policy per label, for `simulate`.
    singles: Vec<Policy>,
    /// The partition labels (after the statement labels, label `singles.len() + j` is
    /// `partitions[j]`): no statement; per field, the encoding's partition classes (their
    /// bit and partitions) and `None`, in no partition (`add_partitions`).
    partitions: Vec<(Side, Option<(usize, Set)>)>,
}

/// Which field a partition label constrains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    /// The resource ARN.
    Resource,
    /// The caller (the principal, or `aws:PrincipalArn`).
    Caller,
}

impl Labels {
    /// The labels of every pattern and condition entry of `policies`, each once. A
    /// statement with policy variables gives the labels of the variants the encoder splits
    /// it into (`encode::variables::split` against `literals`), an entry with a variable
    /// its *widening* (every variable read as `*`): the part of it the encoding decides;
    /// the rest is its opaque Boolean, which no region depends on.
    pub(super) fn of(
        policies: &[&Policy],
        policy_type: PolicyType,
        literals: &crate::encode::variables::Literals,
    ) -> Labels {
        let mut labels = Labels {
            policy: Policy { version: None, id: None, statements: Vec::new() },
            texts: Vec::new(),
            policy_type,
            singles: Vec::new(),
            partitions: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for p in policies {
            let variables = p.substitutes_variables();
            let statements: Vec<Statement> = p
                .statements
                .iter()
                .flat_map(|s| {
                    match crate::encode::variables::split(s, literals).filter(|_| variables) {
                        Some(split) => split.into_iter().map(|v| v.statement).collect(),
                        None => vec![s.clone()],
                    }
                })
                .map(|s| if variables { widened(s) } else { s })
                .collect();
            for s in &statements {
                for a in &s.action.values {
                    if seen.insert((LabelKind::Action, a.to_ascii_lowercase())) {
                        labels.push(a.clone(), |st| st.action = single(a.clone()));
                    }
                }
                for r in s.resource.iter().flat_map(|e| &e.values) {
                    if seen.insert((LabelKind::Resource, r.clone())) {
                        labels.push(r.clone(), |st| {
                            st.resource = Some(single(r.clone()));
                        });
                    }
                }
                // `NotPrincipal` is no negated `Principal` (an account's role sessions, for
                // one): its entries are labels of their own.
                let negated = s.principal.as_ref().is_some_and(|e| e.negated);
                for pr in s.principal.iter().flat_map(|e| &e.values) {
                    let (kind, text) = match negated {
                        false => (LabelKind::Principal, principal_text(pr)),
                        true => (
                            LabelKind::NotPrincipal,
                            format!("NotPrincipal {}", principal_text(pr)),
                        ),
                    };
                    if seen.insert((kind, text.clone())) {
                        labels.push(text, |st| {
                            st.principal = Some(Element { negated, values: vec![pr.clone()] });
                        });
                    }
                }
                // A caller escapes a `Deny` + `NotPrincipal` only when all its identities
                // are listed (a federated user's session and the IAM user who federated:
                // docs/semantics.md §3), so an element of several entries means more than
                // its entries one by one: it is a label of its own, as written.
                if let Some(el) = s.principal.as_ref().filter(|e| e.negated && e.values.len() > 1) {
                    let texts: Vec<String> = el.values.iter().map(principal_text).collect();
                    let text = format!("NotPrincipal [{}]", texts.join(", "));
                    if seen.insert((LabelKind::NotPrincipal, text.clone())) {
                        labels.push(text, |st| st.principal = Some(el.clone()));
                    }
                }
                for c in &s.conditions {
                    let text = condition_text(c);
                    let key = format!("{} {} {:?}", c.operator, c.key_folded(), c.values);
                    if seen.insert((LabelKind::Condition, key)) {
                        labels.push(text, |st| st.conditions = vec![c.clone()]);
                    }
                }
            }
        }
        labels
    }

    fn push(&mut self, text: String, constrain: impl FnOnce(&mut Statement)) {
        let index = self.policy.statements.len();
        let mut st = Statement {
            index,
            sid: None,
            effect: Effect::Allow,
            principal: (self.policy_type == PolicyType::Resource)
                .then(|| single(Principal::Everyone)),
            action: single("*".to_string()),
            resource: Some(single("*".to_string())),
            conditions: Vec::new(),
            lines: (0, 0),
        };
        constrain(&mut st);
        let mut alone = st.clone();
        alone.index = 0;
        self.singles.push(Policy { version: None, id: None, statements: vec![alone] });
        self.policy.statements.push(st);
        self.texts.push(text);
    }

    /// Adds the partition labels of the resource and caller fields (`encode::partitions`):
    /// per class of `classes` (the encoding's partition classes), `resource in partition aws`
    /// (the values in that class's partitions: the atoms with exactly that class's bit), and
    /// per field one `… in no partition` (anonymous, service, federated and canonical-user
    /// callers; the resource `*` of actions without a resource type: the atoms with every
    /// bit). No pattern tells these apart, so regions that split a pattern by partition need
    /// them (docs/diff.md, "How regions are described").
    pub(super) fn add_partitions(&mut self, classes: &[Set]) {
        if classes.len() < 2 {
            return;
        }
        for side in [Side::Resource, Side::Caller] {
            let what = match side {
                Side::Resource => "resource",
                Side::Caller => "caller",
            };
            for (k, &class) in classes.iter().enumerate() {
                let names: Vec<&str> = class.members().collect();
                let s = if names.len() == 1 { "" } else { "s" };
                self.texts.push(format!("{what} in partition{s} {}", names.join(", ")));
                self.partitions.push((side, Some((k, class))));
            }
            self.texts.push(format!("{what} in no partition"));
            self.partitions.push((side, None));
        }
    }

    /// The partition labels of `side` (`add_partitions`): each label with its class's bit
    /// (`k` of the encoding's partition bits), `None` for `… in no partition`.
    pub(super) fn partition_labels(&self, side: Side) -> Vec<(usize, Option<usize>)> {
        let first = self.singles.len();
        self.partitions
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s == side)
            .map(|(j, (_, class))| (first + j, class.map(|(k, _)| k)))
            .collect()
    }

    /// Whether label `i` is a partition label (`add_partitions`).
    pub(super) fn is_partition(&self, i: usize) -> bool {
        i >= self.singles.len()
    }

    /// The labels as one policy (statement `i` is label `i`).
    pub(super) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Label `i` as written in the policy.
    pub(super) fn text(&self, i: usize) -> &str {
        self.texts.get(i).map_or("", String::as_str)
    }

    /// The action pattern of label `i`, when it is an action label.
    pub(super) fn action_pattern(&self, i: usize) -> Option<&str> {
        let st = self.singles.get(i)?.statements.first()?;
        let only_action = st.conditions.is_empty()
            && st.resource.as_ref().is_some_and(|r| r.values.iter().all(|v| v == "*"));
        let pattern = st.action.values.first()?;
        (only_action && self.texts.get(i).is_some_and(|t| t == pattern)).then_some(pattern.as_str())
    }

    /// Whether label `i`'s pattern or entry holds for `request`.
    pub(super) fn matches(&self, i: usize, request: &Request) -> Option<bool> {
        if let Some(&(side, class)) =
            i.checked_sub(self.singles.len()).and_then(|j| self.partitions.get(j))
        {
            let arn = match side {
                Side::Resource => Some(request.resource.as_str()),
                Side::Caller => request.principal.as_deref().or_else(|| {
                    request
                        .context
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalArn"))
                        .and_then(|(_, v)| v.values().first().copied())
                }),
            };
            // A value in no partition: anonymous, a service, the resource `*`.
            let partition = arn.and_then(of_arn);
            return Some(match class {
                Some((_, class)) => partition.is_some_and(|p| class.members().any(|m| m == p)),
                None => partition.is_none(),
            });
        }
        super::allows(self.singles.get(i)?, self.policy_type, request)
    }
}

/// The statement with every entry that has a policy variable replaced by its widening
/// (constant text: the labels' policy substitutes no variable), the label text saying so.
fn widened(mut s: Statement) -> Statement {
    use crate::encode::variables::Reading;
    use crate::policy::BaseOperator as B;
    let widen = |text: &String| match Reading::of(text, true, true) {
        Reading::Widened(t) => Some(t.iter().map(|t| t.as_glob_char()).collect::<String>()),
        _ => None,
    };
    if let Some(el) = s.resource.as_mut() {
        for v in &mut el.values {
            if let Some(w) = widen(v) {
                *v = w;
            }
        }
    }
    for c in &mut s.conditions {
        if !c.values.iter().any(|v| Template::mentions_variable(v)) {
            continue;
        }
        // The widening is a pattern: the operator's `Like` form.
        c.operator.base = match c.operator.base {
            B::StringEquals | B::StringLike | B::StringEqualsIgnoreCase => B::StringLike,
            B::StringNotEquals | B::StringNotLike | B::StringNotEqualsIgnoreCase => {
                B::StringNotLike
            }
            B::ArnEquals | B::ArnLike => B::ArnLike,
            B::ArnNotEquals | B::ArnNotLike => B::ArnNotLike,
            other => other,
        };
        for v in &mut c.values {
            if let Some(w) = widen(v) {
                *v = w;
            }
        }
    }
    s
}

fn single<T>(value: T) -> Element<T> {
    Element { negated: false, values: vec![value] }
}

/// A principal entry as a label: `*`, the AWS value, or `Service:…` and the like.
fn principal_text(p: &Principal) -> String {
    match p {
        Principal::Everyone => "*".to_string(),
        Principal::Aws(v) => v.clone(),
        Principal::Service(v) => format!("Service:{v}"),
        Principal::Federated(v) => format!("Federated:{v}"),
        Principal::CanonicalUser(v) => format!("CanonicalUser:{v}"),
    }
}

/// A condition entry as a label: `StringEquals aws:SourceVpc vpc-1, vpc-2`.
fn condition_text(c: &Condition) -> String {
    format!("{} {} {}", c.operator, c.key, c.values.join(", "))
}

/// Where `policy` uses a policy variable, if it substitutes them.
pub(super) fn variable_in(policy: &Policy) -> Option<String> {
    if !policy.substitutes_variables() {
        return None;
    }
    let var = |v: &String| Template::mentions_variable(v);
    policy.statements.iter().find_map(|s| {
        let found = s
            .resource
            .iter()
            .flat_map(|e| &e.values)
            .find(|v| var(v))
            .or_else(|| s.action.values.iter().find(|v| var(v)))
            .or_else(|| s.conditions.iter().flat_map(|c| &c.values).find(|v| var(v)))
            .or_else(|| {
                s.principal.iter().flat_map(|e| &e.values).find_map(|p| match p {
                    Principal::Aws(v)
                    | Principal::Service(v)
                    | Principal::Federated(v)
                    | Principal::CanonicalUser(v)
                        if var(v) =>
                    {
                        Some(v)
                    }
                    _ => None,
                })
            });
        found.map(|v| format!("statement {}: `{v}`", s.label()))
    })
}
