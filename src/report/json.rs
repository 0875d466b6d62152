//! The JSON contract (serialize-only wire types).
//!
//! # Format
//! ```json
//! {"result": "PASS" | "FAIL" | "UNKNOWN",
//!  "message": "…Access Analyzer's verbatim message, or why UNKNOWN…",
//!  "code": "UNKNOWN only: budget.searchNodes | timeout | construct.policyVariable | internal | …",
//!  "reasons": [{"description": "New access in the statement with index: 0.",
//!               "statementIndex": 0, "statementId": "Sid if any"}],
//!  "witness": {"principal": "…", "action": "…", "resource": "…", "context": {"key": "v" | ["v"]}}}
//! ```
//! `reasons` is empty unless FAIL; `witness` is present exactly on FAIL;
//! `principal` only for resource policies; absent context keys are omitted.
//! The witness has the shape `simulate --request` takes.

use super::CheckKind;
use crate::decide::Verdict;
use crate::request::Request;
use serde::Serialize;

/// One check's result.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CheckReport {
    /// `PASS`, `FAIL` or `UNKNOWN`.
    pub result: &'static str,
    /// Access Analyzer's message, or the reason for UNKNOWN.
    pub message: String,
    /// UNKNOWN only: the reason's stable code ([`crate::UnknownReason::code`]),
    /// e.g. `budget.searchNodes`, `timeout`, `construct.policyVariable`, `internal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// The statements granting the access (FAIL only).
    pub reasons: Vec<ReasonReport>,
    /// A violating request (FAIL only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Request>,
}

/// One reason, as Access Analyzer's `ReasonSummary`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ReasonReport {
    /// `New access in the statement with index: 0.` and the like.
    pub description: String,
    /// The statement's index.
    pub statement_index: usize,
    /// The statement's Sid, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_id: Option<String>,
}

impl CheckReport {
    /// The report of `verdict` for `kind`.
    pub fn new(kind: CheckKind, verdict: &Verdict) -> CheckReport {
        match verdict {
            Verdict::Pass => CheckReport {
                result: "PASS",
                message: kind.message(true).to_string(),
                code: None,
                reasons: Vec::new(),
                witness: None,
            },
            Verdict::Fail { witness, reasons } => CheckReport {
                result: "FAIL",
                message: kind.message(false).to_string(),
                code: None,
                reasons: reasons
                    .iter()
                    .map(|r| {
                        // An empty Sid reads as no Sid: Access Analyzer names
                        // the statement by index then (tf-policy-validator's
                        // recorded findings for `"Sid": ""` statements).
                        let sid = r.statement_id.clone().filter(|s| !s.is_empty());
                        ReasonReport {
                            description: kind.reason(r.statement_index, sid.as_deref()),
                            statement_index: r.statement_index,
                            statement_id: sid,
                        }
                    })
                    .collect(),
                witness: Some(witness.clone()),
            },
            Verdict::Unknown { reason } => CheckReport {
                result: "UNKNOWN",
                message: format!("iamcheck could not decide this check exactly: {reason}"),
                code: Some(reason.code()),
                reasons: Vec::new(),
                witness: None,
            },
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
