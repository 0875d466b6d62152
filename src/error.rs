//! Diagnostics with locations, shared by the parser and the CLI.
//!
//! Messages follow one style: lowercase, no final period, user input in
//! backticks, advice in a separate `help`.

use std::fmt;

/// Where in a policy document something is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// JSON path from the document root, e.g.
    /// `Statement[1].Condition.StringLike."aws:PrincipalTag/team"`;
    /// empty for the whole document.
    pub path: String,
    /// The statement the location is in, if any: index and Sid.
    pub statement: Option<(usize, Option<String>)>,
    /// 1-based line of the offending JSON value or key (0 if unknown).
    pub line: usize,
    /// 1-based column (0 if unknown).
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.statement {
            Some((index, Some(sid))) => write!(f, "statement {index} (sid: {sid})")?,
            Some((index, None)) => write!(f, "statement {index}")?,
            None => f.write_str("document")?,
        }
        if !self.path.is_empty() {
            write!(f, ", at `{}`", self.path)?;
        }
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

/// Whether a diagnostic stops the document from being used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The document is rejected.
    Error,
    /// The document is used, read as the message says.
    Warning,
}

/// One error or warning about a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, lowercase, user input in backticks.
    pub message: String,
    /// Optional advice (`did you mean `Effect`?`).
    pub help: Option<String>,
    /// Where.
    pub location: Location,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Every error found in one document (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrors {
    /// The errors in document order.
    pub errors: Vec<Diagnostic>,
}

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseErrors {}
