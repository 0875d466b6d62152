//! The validated policy AST: what [`crate::parse`] produces and every later
//! stage (encode, simulate, report) reads.
//!
//! The AST keeps the policy's text as written (patterns are not yet
//! translated, case is not yet folded); meaning is given to it by
//! `encode` (symbolic) and `simulate` (concrete), both following
//! `docs/semantics.md`.

pub mod condition;
pub mod template;

pub use condition::{BaseOperator, Condition, Operator, Qualifier};

/// Which kind of policy a document is, as Access Analyzer's `policyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Attached to an identity: no `Principal`, `Resource` required.
    Identity,
    /// Attached to a resource (or a role trust policy): `Principal` or
    /// `NotPrincipal` required, `Resource` optional.
    Resource,
}

impl PolicyType {
    /// The Access Analyzer spelling, `IDENTITY_POLICY` or `RESOURCE_POLICY`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "IDENTITY_POLICY",
            PolicyType::Resource => "RESOURCE_POLICY",
        }
    }
}

/// The policy language version (`Version` element).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: policy variables are substituted.
    V2012_10_17,
    /// `2008-10-17`: `${...}` is literal text.
    V2008_10_17,
}

/// A parsed, validated policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The `Version` element, `None` when absent (then, like 2008-10-17,
    /// no policy variables are substituted).
    pub version: Option<Version>,
    /// The `Id` element.
    pub id: Option<String>,
    /// The statements in document order; `statements[i].index == i`.
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether `${...}` in this policy is a policy variable (only under
    /// `"Version": "2012-10-17"`).
    pub fn substitutes_variables(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Position in the policy's statement list, from 0.
    pub index: usize,
    /// The `Sid`, if any.
    pub sid: Option<String>,
    /// The `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` when the statement has neither
    /// (always so in identity policies).
    pub principal: Option<Element<Principal>>,
    /// `Action` / `NotAction` (always present).
    pub action: Element<String>,
    /// `Resource` / `NotResource`; `None` when the statement has neither
    /// (role trust policies), which matches every resource.
    pub resource: Option<Element<String>>,
    /// The condition block flattened to one entry per (operator, key),
    /// in document order. All must hold (AND).
    pub conditions: Vec<Condition>,
    /// First and last line (1-based) of the statement in the source text.
    pub lines: (usize, usize),
}

impl Statement {
    /// How reports name the statement: `sid: X` or `index: N`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) => format!("sid: {sid}"),
            None => format!("index: {}", self.index),
        }
    }
}

/// An element with a positive and a negated form (`Action`/`NotAction`…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element<T> {
    /// `true` for the `Not…` form.
    pub negated: bool,
    /// The listed values (ORed). May be empty only for the positive form,
    /// which then matches nothing.
    pub values: Vec<T>,
}

/// One entry of a `Principal`/`NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included.
    Everyone,
    /// An `AWS` entry other than `*`: a 12-digit account id or an ARN.
    Aws(String),
    /// A `Service` entry, e.g. `ecs.amazonaws.com` (may be `*`).
    Service(String),
    /// A `Federated` entry: a web identity provider or a SAML provider ARN
    /// (may be `*`).
    Federated(String),
    /// A `CanonicalUser` entry (may be `*`).
    CanonicalUser(String),
}
