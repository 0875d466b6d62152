//! Human-readable output: the verdict, the reasons with the statement's
//! source lines, and the witness, in one screen.

use super::{CheckKind, CheckReport};
use crate::policy::Policy;
use crate::request::{ContextValue, Request};
use std::fmt::Write;

/// The policy under test, for quoting statements.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// How to name it (a path, `stdin`, `inline`).
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its parsed form (statement line ranges).
    pub policy: &'a Policy,
}

/// Most lines quoted per statement.
const MAX_QUOTED: usize = 12;

/// Most characters quoted per line.
const MAX_QUOTED_WIDTH: usize = 160;

/// Renders a report.
pub fn render(kind: CheckKind, report: &CheckReport, source: &Source<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", report.result, kind.name());
    let _ = writeln!(out, "{}", report.message);
    for reason in &report.reasons {
        let _ = writeln!(out, "\n  {}", reason.description);
        if let Some(st) = source.policy.statements.get(reason.statement_index) {
            quote(&mut out, source, st.lines);
        }
    }
    if let Some(w) = &report.witness {
        out.push_str("\nWitness (a request the check finds; replay it with `iamcheck simulate --request`):\n");
        witness(&mut out, w);
    }
    out
}

fn quote(out: &mut String, source: &Source<'_>, (first, last): (usize, usize)) {
    if first == 0 {
        return;
    }
    let _ = writeln!(out, "  {}:{first}-{last}", source.name);
    let shown =
        source.text.lines().enumerate().skip(first - 1).take((last + 1 - first).min(MAX_QUOTED));
    for (i, line) in shown {
        // A minified policy is one line: quote its start, not the whole document.
        let line = match line.char_indices().nth(MAX_QUOTED_WIDTH) {
            Some((cut, _)) => format!("{}…", line.get(..cut).unwrap_or(line)),
            None => line.to_string(),
        };
        let _ = writeln!(out, "  {:>5} | {line}", i + 1);
    }
    if last + 1 - first > MAX_QUOTED {
        let _ = writeln!(out, "        | …");
    }
}

/// The witness as aligned `name value` lines.
pub fn witness(out: &mut String, w: &Request) {
    if let Some(p) = &w.principal {
        let _ = writeln!(out, "  principal  {p}");
    }
    if let Some(by) = &w.federated_by {
        let _ = writeln!(out, "  federated by {by}");
    }
    let _ = writeln!(out, "  action     {}", w.action);
    let _ = writeln!(out, "  resource   {}", w.resource);
    if w.context.is_empty() {
        let _ = writeln!(out, "  context    (no condition keys present)");
    }
    for (k, v) in &w.context {
        let value = match v {
            ContextValue::Single(s) => format!("{s:?}"),
            ContextValue::Multi(vs) => format!("{vs:?}"),
        };
        let _ = writeln!(out, "  context    {k} = {value}");
    }
    let json = serde_json::to_string(w).unwrap_or_default();
    let _ = writeln!(out, "  as JSON    {json}");
}
