//! Policies grouped under the principals they attach to, as
//! cfn-policy-validator groups them (`parsers/identity.py`): an
//! `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy` names roles, users and
//! groups in its `Roles`, `Users` and `Groups` properties; a role, user or
//! group names managed policies in `ManagedPolicyArns` (a permission set in
//! `ManagedPolicies`). A policy attached to principals of the template is
//! reported once under each of them (`resourceName` the principal's name,
//! `attachedTo` its logical name), as the validator reports it; a policy
//! attached to none of them (its principals are outside the template, or it
//! names none) is reported once under its own resource, which the
//! validator's policy checks leave out.

use super::intrinsics::Resolver;
use super::Ctx;
use crate::iac::{FoundPolicy, IacError};

/// A role, user, group or permission set of the template.
struct Principal {
    id: String,
    kind: Kind,
    name: String,
    /// `ManagedPolicyArns` (`ManagedPolicies` of a permission set), resolved.
    managed: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Role,
    User,
    Group,
    PermissionSet,
}

/// An `AWS::IAM::Policy` or `ManagedPolicy`: the principals it names.
struct Attaching {
    /// Its policies' indexes in the found list.
    policies: std::ops::Range<usize>,
    roles: Vec<String>,
    users: Vec<String>,
    groups: Vec<String>,
    /// A managed policy's ARN (what `Ref` returns).
    arn: Option<String>,
}

/// The attachments of one template, gathered resource by resource.
#[derive(Default)]
pub(super) struct Attachments {
    principals: Vec<Principal>,
    attaching: Vec<Attaching>,
}

impl Attachments {
    /// Records `ctx` if it is a principal or a policy that attaches; its
    /// policies are `policies` of the found list. `name` is the name its
    /// findings report. Stand-ins used here are already named on the
    /// resource's own policies and are dropped.
    pub(super) fn add(
        &mut self,
        ctx: &Ctx<'_>,
        r: &mut Resolver<'_>,
        policies: std::ops::Range<usize>,
        name: &str,
    ) -> Result<(), IacError> {
        r.speculative(|r| self.record(ctx, r, (policies, name)))
    }

    /// [`Attachments::add`]'s work, on the resource's policies and the name it reports.
    fn record(
        &mut self,
        ctx: &Ctx<'_>,
        r: &mut Resolver<'_>,
        (policies, name): (std::ops::Range<usize>, &str),
    ) -> Result<(), IacError> {
        let kind = match ctx.ty {
            "AWS::IAM::Role" => Some(Kind::Role),
            "AWS::IAM::User" => Some(Kind::User),
            "AWS::IAM::Group" => Some(Kind::Group),
            "AWS::SSO::PermissionSet" => Some(Kind::PermissionSet),
            _ => None,
        };
        if let Some(kind) = kind {
            let property =
                if kind == Kind::PermissionSet { "ManagedPolicies" } else { "ManagedPolicyArns" };
            let managed = names(ctx, r, property)?;
            self.principals.push(Principal {
                id: ctx.id.to_string(),
                kind,
                name: name.to_string(),
                managed,
            });
        } else if matches!(ctx.ty, "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy") {
            let arn = if ctx.ty == "AWS::IAM::ManagedPolicy" {
                Some(r.reference_of(ctx.id, ctx.resource, ctx.path)?)
            } else {
                None
            };
            self.attaching.push(Attaching {
                policies,
                roles: names(ctx, r, "Roles")?,
                users: names(ctx, r, "Users")?,
                groups: names(ctx, r, "Groups")?,
                arn,
            });
        }
        Ok(())
    }

    /// The found policies with each attached policy replaced by one copy per
    /// principal it attaches to, in the principals' document order.
    pub(super) fn group(&self, policies: Vec<FoundPolicy>) -> Vec<FoundPolicy> {
        let mut out = Vec::with_capacity(policies.len());
        for (i, p) in policies.into_iter().enumerate() {
            let Some(a) = self.attaching.iter().find(|a| a.policies.contains(&i)) else {
                out.push(p);
                continue;
            };
            let to: Vec<&Principal> = self.principals.iter().filter(|q| a.attaches(q)).collect();
            if to.is_empty() {
                out.push(p);
                continue;
            }
            for q in to {
                let mut copy = p.clone();
                copy.resource_name.clone_from(&q.name);
                copy.attached_to = Some(q.id.clone());
                out.push(copy);
            }
        }
        out
    }
}

impl Attaching {
    fn attaches(&self, q: &Principal) -> bool {
        let named = match q.kind {
            Kind::Role => &self.roles,
            Kind::User => &self.users,
            Kind::Group => &self.groups,
            Kind::PermissionSet => return self.by_arn(q),
        };
        named.contains(&q.name) || self.by_arn(q)
    }

    fn by_arn(&self, q: &Principal) -> bool {
        self.arn.as_ref().is_some_and(|arn| q.managed.contains(arn))
    }
}

/// A list-of-names property, resolved (absent: none).
fn names(ctx: &Ctx<'_>, r: &mut Resolver<'_>, property: &str) -> Result<Vec<String>, IacError> {
    match ctx.property(property) {
        Some(value) => r.list_of(value, &ctx.property_path(property)),
        None => Ok(Vec::new()),
    }
}
