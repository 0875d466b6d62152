//! Reporting: verdicts in Access Analyzer's JSON shape (plus the witness),
//! as text for a terminal, and as SARIF for code scanning.

pub mod diff;
pub mod json;
pub mod sarif;
pub mod smtlib;
pub mod text;

pub use json::{CheckReport, ReasonReport};

/// Which check produced a verdict (decides the verbatim messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// check-no-new-access.
    NoNewAccess,
    /// check-access-not-granted.
    AccessNotGranted,
    /// check-no-public-access.
    NoPublicAccess,
    /// check-no-external-access (iamcheck's own check: no Access Analyzer
    /// counterpart, so its messages are ours).
    NoExternalAccess,
}

impl CheckKind {
    /// Every check, in the order the documentation lists them.
    pub const ALL: [CheckKind; 4] = [
        CheckKind::NoNewAccess,
        CheckKind::AccessNotGranted,
        CheckKind::NoPublicAccess,
        CheckKind::NoExternalAccess,
    ];

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::NoNewAccess => "check-no-new-access",
            CheckKind::AccessNotGranted => "check-access-not-granted",
            CheckKind::NoPublicAccess => "check-no-public-access",
            CheckKind::NoExternalAccess => "check-no-external-access",
        }
    }

    /// Access Analyzer's message for PASS and FAIL
    /// (shared/access-analyzer.md §1.2–§1.3).
    pub fn message(self, pass: bool) -> &'static str {
        match (self, pass) {
            (CheckKind::NoNewAccess, false) => {
                "The modified permissions grant new access compared to your existing policy."
            }
            (CheckKind::NoNewAccess, true) => {
                "The modified permissions do not grant new access compared to your existing policy."
            }
            (CheckKind::AccessNotGranted, false) => {
                "The policy document grants access to perform one or more of the listed actions or resources."
            }
            (CheckKind::AccessNotGranted, true) => {
                "The policy document does not grant access to perform the listed actions or resources."
            }
            (CheckKind::NoPublicAccess, false) => {
                "The resource policy grants public access for the given resource type."
            }
            (CheckKind::NoPublicAccess, true) => {
                "The resource policy does not grant public access for the given resource type."
            }
            (CheckKind::NoExternalAccess, false) => {
                "The resource policy grants access to principals outside the zone of trust."
            }
            (CheckKind::NoExternalAccess, true) => {
                "The resource policy does not grant access to principals outside the zone of trust."
            }
        }
    }

    /// Access Analyzer's reason description for one statement.
    pub fn reason(self, statement_index: usize, sid: Option<&str>) -> String {
        let which = match sid {
            Some(sid) => format!("sid: {sid}"),
            None => format!("index: {statement_index}"),
        };
        match self {
            CheckKind::NoNewAccess => format!("New access in the statement with {which}."),
            CheckKind::AccessNotGranted => {
                format!(
                    "One or more of the listed actions or resources in the statement with {which}."
                )
            }
            CheckKind::NoPublicAccess => {
                format!("Public access granted in the following statement with {which}.")
            }
            CheckKind::NoExternalAccess => format!(
                "Access from outside the zone of trust granted in the following statement with {which}."
            ),
        }
    }
}
