//! Why a command stopped before a verdict (exit 2), as text on standard
//! error and, in JSON mode, as one JSON object on standard output:
//!
//! ```json
//! {"result": "ERROR", "message": "…one line…",
//!  "errors": [{"document": "p.json", "severity": "error", "message": "…", "help": "…",
//!              "path": "Statement[1].Efect", "statementIndex": 1, "statementId": "Sid",
//!              "line": 3, "column": 9}]}
//! ```
//! `errors` lists the located diagnostics (empty when the error is not about a
//! document's content); `help`, `statementIndex`, `statementId`, `line` and
//! `column` appear when known.

use iamcheck::{Diagnostic, Severity};
use serde_json::{json, Map, Value};

/// A command's error.
#[derive(Debug)]
pub struct Failure {
    /// One line, lowercase, without the `error: ` prefix.
    pub message: String,
    /// The located diagnostics behind it, with the document they are in.
    pub errors: Vec<(String, Diagnostic)>,
}

impl Failure {
    /// An error that is not about a document's content.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), errors: Vec::new() }
    }

    /// Standard error's text: `error: message`, or one line per diagnostic
    /// naming its document.
    pub fn text(&self) -> String {
        if self.errors.is_empty() {
            return format!("error: {}", self.message);
        }
        let lines: Vec<String> =
            self.errors.iter().map(|(what, d)| format!("{what}: {d}")).collect();
        lines.join("\n")
    }

    /// The JSON object (see the module's documentation).
    pub fn json(&self) -> Value {
        let errors: Vec<Value> = self.errors.iter().map(|(what, d)| diagnostic(what, d)).collect();
        json!({"result": "ERROR", "message": self.message, "errors": errors})
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::new(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::new(message)
    }
}

impl From<iamcheck::CheckError> for Failure {
    fn from(e: iamcheck::CheckError) -> Failure {
        Failure::new(e.to_string())
    }
}

/// One located diagnostic as JSON.
pub fn diagnostic(document: &str, d: &Diagnostic) -> Value {
    let mut o = Map::new();
    o.insert("document".into(), document.into());
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    o.insert("severity".into(), severity.into());
    o.insert("message".into(), d.message.clone().into());
    if let Some(help) = &d.help {
        o.insert("help".into(), help.clone().into());
    }
    o.insert("path".into(), d.location.path.clone().into());
    if let Some((index, sid)) = &d.location.statement {
        o.insert("statementIndex".into(), (*index).into());
        if let Some(sid) = sid {
            o.insert("statementId".into(), sid.clone().into());
        }
    }
    if d.location.line > 0 {
        o.insert("line".into(), d.location.line.into());
        o.insert("column".into(), d.location.column.into());
    }
    Value::Object(o)
}
