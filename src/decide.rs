//! Deciding (stub).
use crate::policy::{Policy, PolicyType};
use crate::request::Request;
/// Engine configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {}
/// A reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason { pub statement_index: usize, pub statement_id: Option<String> }
/// Access for check-access-not-granted.
#[derive(Clone, Debug, Default)]
pub struct Access { pub actions: Vec<String>, pub resources: Vec<String> }
/// A verdict.
#[derive(Clone, Debug)]
pub enum Verdict { Pass, Fail { witness: Request, reasons: Vec<Reason> }, Unknown { reason: String } }
/// check-no-new-access
pub fn check_no_new_access(_e: &Policy, _n: &Policy, _t: PolicyType, _c: &Config) -> Verdict { Verdict::Unknown { reason: String::new() } }
/// check-access-not-granted
pub fn check_access_not_granted(_p: &Policy, _a: &Access, _t: PolicyType, _c: &Config) -> Verdict { Verdict::Unknown { reason: String::new() } }
