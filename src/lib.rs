//! # iamcheck
//!
//! Exact, offline checks of AWS IAM policies, without an SMT solver.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! policy JSON ─parse─▶ Policy (AST) ─encode─▶ per-field patterns ─automata─▶ atoms
//!             ─decide─▶ Verdict {Pass | Fail{witness, reasons} | Unknown} ─report─▶ text / JSON
//! simulate: one concrete Request ─▶ Allow | ExplicitDeny | ImplicitDeny   (independent oracle)
//! ```
//!
//! - [`parse`] reads a document and reports every error with its location;
//! - [`encode`] turns the policies of one query into fields (action, resource, principal,
//!   condition keys) whose values are sets described by patterns;
//! - [`automata`] partitions each field's domain into *atoms* with a lazy multi-pattern DFA;
//! - [`decide`] searches the product of the fields for a violating request;
//! - [`simulate`](mod@simulate) evaluates one concrete request by direct string matching;
//! - [`values`] reads typed condition values (numbers, dates, IP ranges, base64) exactly and
//!   partitions their domains into atoms for the engine;
//! - [`report`] renders verdicts in Access Analyzer's JSON shape or as text.
//!
//! The exact semantics is written down in `docs/semantics.md`.
//!
//! ```
//! use iamcheck::{check_no_new_access, parse_policy, PolicyType, Verdict};
//! let old = parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#, PolicyType::Identity)?;
//! let new = parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, PolicyType::Identity)?;
//! let verdict = check_no_new_access(&old.policy, &new.policy, PolicyType::Identity, &Default::default());
//! match verdict {
//!     Verdict::Fail { witness, .. } => assert!(witness.action.to_ascii_lowercase().starts_with("s3:")),
//!     other => panic!("expected FAIL, got {other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod automata;
pub mod check;
pub mod decide;
pub mod encode;
pub mod error;
pub mod iac;
pub mod iam;
pub mod parse;
pub mod policy;
pub mod report;
pub mod request;
pub mod simulate;
pub mod unknown;
pub mod values;

pub use check::{Check, CheckError};
pub use decide::diff::{diff, Diff, DiffOptions, Relation, Undecided};
pub use decide::{
    check_access_not_granted, check_no_external_access, check_no_new_access,
    check_no_public_access, Access, Config, Reason, RequestModel, ResourceType, Verdict,
    ZoneOfTrust,
};
pub use error::{Diagnostic, Location, ParseErrors, Severity};
pub use parse::{parse_policy, parse_policy_with, ParseLimits, Parsed};
pub use policy::{Policy, PolicyType};
pub use request::{ContextValue, Request};
pub use simulate::{simulate, Decision, Simulation};
pub use unknown::{Budget, Construct, ConstructKind, UnknownReason};
