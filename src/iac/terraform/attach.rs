//! Customer managed policies grouped under the principals they attach to,
//! as the CloudFormation front end groups them (cfn-policy-validator's
//! `parsers/identity.py`): an `aws_iam_policy` attached to a role, user or
//! group of the plan (`aws_iam_role_policy_attachment`,
//! `aws_iam_user_policy_attachment`, `aws_iam_group_policy_attachment`,
//! `aws_iam_policy_attachment`) is reported once under each of them
//! (`resourceName` the principal's name, `attachedTo` its address); a
//! policy attached to none is reported once under itself. An attachment
//! names its principal and policy by planned value (a role's `name`, a
//! policy's `arn`) or, when the value is known only after apply, by the
//! configuration's `references` in the same module. AWS managed policies
//! (`arn:aws:iam::aws:policy/…`) are not read (no network).

use super::{expressions, get, scalar_text};
use crate::iac::FoundPolicy;
use crate::parse::json::{Json, Kind};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Role,
    User,
    Group,
}

/// A role, user or group of the plan.
struct Principal {
    address: String,
    module: String,
    kind: Who,
    name: Option<String>,
}

/// An `aws_iam_policy` of the plan.
struct Managed {
    address: String,
    module: String,
    arn: Option<String>,
}

/// One attachment: the principals and policy it names, by value and by
/// reference.
struct Attachment {
    module: String,
    names: Vec<(Who, String)>,
    refs: Vec<(Who, String)>,
    arn: Option<String>,
    arn_refs: Vec<String>,
}

/// The attachments of one plan, gathered resource by resource.
#[derive(Default)]
pub(super) struct Attachments {
    principals: Vec<Principal>,
    managed: Vec<Managed>,
    attachments: Vec<Attachment>,
}

/// An attachment type and its principal attributes.
type Names = &'static [(&'static str, Who)];

const TYPES: &[(&str, Names)] = &[
    ("aws_iam_role_policy_attachment", &[("role", Who::Role)]),
    ("aws_iam_user_policy_attachment", &[("user", Who::User)]),
    ("aws_iam_group_policy_attachment", &[("group", Who::Group)]),
    (
        "aws_iam_policy_attachment",
        &[("roles", Who::Role), ("users", Who::User), ("groups", Who::Group)],
    ),
];

impl Attachments {
    /// Records a managed resource of module `module` (its address, `""` for
    /// the root module) if it is a principal, a policy or an attachment.
    pub(super) fn add(&mut self, resource: &Json, module: &str, configuration: Option<&Json>) {
        let text = |n: Option<&Json>| n.and_then(scalar_text).filter(|s| !s.is_empty());
        let Some(ty) = text(get(resource, "type")) else { return };
        let Some(address) = text(get(resource, "address")) else { return };
        let values = get(resource, "values");
        let value = |k: &str| values.and_then(|v| get(v, k));
        let module = module.to_string();
        let kind = match ty.as_str() {
            "aws_iam_role" => Some(Who::Role),
            "aws_iam_user" => Some(Who::User),
            "aws_iam_group" => Some(Who::Group),
            _ => None,
        };
        if let Some(kind) = kind {
            let name = text(value("name"));
            self.principals.push(Principal { address, module, kind, name });
            return;
        }
        if ty == "aws_iam_policy" {
            self.managed.push(Managed { address, module, arn: text(value("arn")) });
            return;
        }
        let Some((_, attributes)) = TYPES.iter().find(|(t, _)| *t == ty) else { return };
        let exprs = configuration.and_then(|c| expressions(c, &address));
        let refs_of = |k: &str| -> Vec<String> {
            let Some(Kind::Array(list)) =
                exprs.and_then(|e| get(e, k)).and_then(|e| get(e, "references")).map(|r| &r.kind)
            else {
                return Vec::new();
            };
            list.iter().filter_map(scalar_text).collect()
        };
        let mut a = Attachment {
            module,
            names: Vec::new(),
            refs: Vec::new(),
            arn: text(value("policy_arn")),
            arn_refs: refs_of("policy_arn"),
        };
        for &(attribute, kind) in *attributes {
            match value(attribute).map(|v| &v.kind) {
                Some(Kind::Array(list)) => {
                    a.names.extend(list.iter().filter_map(scalar_text).map(|n| (kind, n)));
                }
                _ => a.names.extend(text(value(attribute)).map(|n| (kind, n))),
            }
            a.refs.extend(refs_of(attribute).into_iter().map(|r| (kind, r)));
        }
        self.attachments.push(a);
    }

    /// The found policies with each attached `aws_iam_policy` replaced by one
    /// copy per principal it attaches to, in the principals' plan order.
    pub(super) fn group(&self, policies: Vec<FoundPolicy>) -> Vec<FoundPolicy> {
        let mut out = Vec::with_capacity(policies.len());
        for p in policies {
            let Some(m) = self
                .managed
                .iter()
                .find(|m| p.resource_type == "aws_iam_policy" && p.resource == m.address)
            else {
                out.push(p);
                continue;
            };
            let to: Vec<&Principal> = self
                .principals
                .iter()
                .filter(|q| {
                    self.attachments
                        .iter()
                        .any(|a| a.names_policy(m, self) && a.names_principal(q, self))
                })
                .collect();
            if to.is_empty() {
                out.push(p);
                continue;
            }
            for q in to {
                let mut copy = p.clone();
                copy.resource_name = q.name.clone().unwrap_or_else(|| "fakename".into());
                copy.attached_to = Some(q.address.clone());
                out.push(copy);
            }
        }
        out
    }

    /// The one resource of `module` a reference names (`aws_iam_role.r`,
    /// `aws_iam_role.r.name`), among `addresses`; none when several
    /// instances (`count`, `for_each`) make it ambiguous.
    fn referenced<'a>(
        &self,
        reference: &str,
        module: &str,
        mut addresses: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<&'a str> {
        let mut hits = addresses.by_ref().filter(|(m, address)| {
            *m == module && {
                let local = address.strip_prefix(module).unwrap_or(address);
                let local = local.strip_prefix('.').unwrap_or(local);
                let base = local.split('[').next().unwrap_or(local);
                reference == base
                    || reference.strip_prefix(base).is_some_and(|r| r.starts_with(['.', '[']))
            }
        });
        let first = hits.next()?;
        hits.next().is_none().then_some(first.1)
    }
}

impl Attachment {
    fn names_policy(&self, m: &Managed, all: &Attachments) -> bool {
        if let Some(arn) = &self.arn {
            return m.arn.as_ref() == Some(arn);
        }
        let policies = || all.managed.iter().map(|m| (m.module.as_str(), m.address.as_str()));
        self.arn_refs
            .iter()
            .any(|r| all.referenced(r, &self.module, policies()) == Some(m.address.as_str()))
    }

    fn names_principal(&self, q: &Principal, all: &Attachments) -> bool {
        if self.names.iter().any(|(k, n)| *k == q.kind && q.name.as_ref() == Some(n)) {
            return true;
        }
        let of_kind = || {
            all.principals
                .iter()
                .filter(|p| p.kind == q.kind)
                .map(|p| (p.module.as_str(), p.address.as_str()))
        };
        self.refs.iter().any(|(k, r)| {
            *k == q.kind && all.referenced(r, &self.module, of_kind()) == Some(q.address.as_str())
        })
    }
}
