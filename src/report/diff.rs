//! `iamcheck diff` reports: JSON (the contract), text for a terminal, and
//! Markdown for a pull-request comment.
//!
//! # JSON
//! ```json
//! {"relation": "EQUIVALENT|MORE_PERMISSIVE|LESS_PERMISSIVE|INCOMPARABLE",
//!  "added": [{"actions": [{"match": ["s3:*"], "except": ["s3:Get*"]}],
//!             "resources": [{"match": ["*"]}],
//!             "conditions": {"aws:SourceIp": [{"match": ["*"], "except": ["IpAddress aws:SourceIp 10.0.0.0/8"]}]},
//!             "newStatements": [{"statementIndex": 1, "statementId": "Sid"}],
//!             "witness": {"action": "s3:AbortMultipartUpload", "resource": "…"}}],
//!  "removed": [… "existingStatements" …],
//!  "complete": true}
//! ```
//! A field is the union of its terms; a term is the values every `match`
//! label matches (`*`: any value) and no `except` label matches. `principals`
//! appears for resource policies; a condition key not listed takes any value
//! (absent included). `complete: false` comes with `"omitted": {"added": n,
//! "removed": m}`. An undecided diff is `{"relation": "UNKNOWN", "reason":
//! {"kind": "…", "message": "…"}}` (the relation check-no-new-access decides
//! both ways, with `"complete": false`, where it does).

use crate::decide::diff::{Diff, FieldName, RealActions, Region, Term, Undecided, UndecidedRegion};
use crate::decide::Reason;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Which side gains a list of regions: names its statements' field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Regions of new access: `newStatements`.
    New,
    /// Regions of removed access: `existingStatements`.
    Existing,
    /// Regions of one policy (`--explain` of check-access-not-granted): `statements`.
    Policy,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::New => "newStatements",
            Side::Existing => "existingStatements",
            Side::Policy => "statements",
        }
    }
}

/// The diff as its JSON value.
pub fn to_json(diff: &Diff) -> Value {
    let mut out = json!({
        "relation": relation_str(diff),
        "added": regions_json(&diff.added, Side::New),
        "removed": regions_json(&diff.removed, Side::Existing),
        "complete": diff.complete(),
    });
    if let Some(map) = out.as_object_mut() {
        if diff.omitted != (0, 0) {
            map.insert(
                "omitted".into(),
                json!({"added": diff.omitted.0, "removed": diff.omitted.1}),
            );
        }
        let (added, removed) = &diff.undecided;
        if !added.is_empty() || !removed.is_empty() {
            map.insert(
                "undecided".into(),
                json!({"added": undecided_regions_json(added, Side::New),
                       "removed": undecided_regions_json(removed, Side::Existing)}),
            );
        }
    }
    out
}

/// The relation, `UNKNOWN` when undecided regions could change it.
fn relation_str(diff: &Diff) -> &'static str {
    diff.decided_relation().map_or("UNKNOWN", |r| r.as_str())
}

/// Undecided regions as a JSON array: fields, statements and the constructs they depend on.
pub fn undecided_regions_json(regions: &[UndecidedRegion], side: Side) -> Value {
    Value::Array(
        regions
            .iter()
            .map(|r| {
                let mut map = fields_json(&r.fields);
                map.insert(side.key().into(), statements_json(&r.statements));
                map.insert("constructs".into(), json!(r.constructs));
                Value::Object(map)
            })
            .collect(),
    )
}

/// Adds a failed check's regions to its JSON report (`--explain`): `regions` (statements
/// under `statements`), `regionsOmitted`, `regionsUndecided`; or `regionsUnknown` when
/// they could not be described.
pub fn add_regions(report: &mut Map<String, Value>, explanation: &Result<Diff, Undecided>) {
    match explanation {
        Ok(diff) => {
            report.insert("regions".into(), regions_json(&diff.added, Side::Policy));
            if diff.omitted.0 > 0 {
                report.insert("regionsOmitted".into(), diff.omitted.0.into());
            }
            if !diff.undecided.0.is_empty() {
                let undecided = undecided_regions_json(&diff.undecided.0, Side::Policy);
                report.insert("regionsUndecided".into(), undecided);
            }
        }
        Err(u) => {
            report.insert(
                "regionsUnknown".into(),
                json!({"kind": u.kind.as_str(), "message": u.message}),
            );
        }
    }
}

/// An undecided diff as JSON: the relation is check-no-new-access's run both ways when they
/// decide (with `"complete": false`: no region is listed), else `UNKNOWN`.
pub fn undecided_json(u: &Undecided) -> Value {
    let reason = json!({"kind": u.kind.as_str(), "message": u.message});
    match u.relation {
        Some(r) => json!({"relation": r.as_str(), "complete": false, "reason": reason}),
        None => json!({"relation": "UNKNOWN", "reason": reason}),
    }
}

/// Regions as a JSON array, their statements under `side`'s name.
pub fn regions_json(regions: &[Region], side: Side) -> Value {
    Value::Array(regions.iter().map(|r| region_json(r, side)).collect())
}

fn region_json(region: &Region, side: Side) -> Value {
    let mut map = fields_json(&region.fields);
    if let Some(real) = &region.real_actions {
        map.insert("realActions".into(), json!({"count": real.count, "listed": real.listed}));
    }
    map.insert(side.key().into(), statements_json(&region.statements));
    map.insert("witness".into(), serde_json::to_value(&region.witness).unwrap_or(Value::Null));
    Value::Object(map)
}

fn fields_json(fields: &BTreeMap<FieldName, Vec<Term>>) -> Map<String, Value> {
    let mut map = Map::new();
    let mut conditions = Map::new();
    for (name, terms) in fields {
        let terms = Value::Array(terms.iter().map(term_json).collect());
        match name {
            FieldName::Actions => map.insert("actions".into(), terms),
            FieldName::Resources => map.insert("resources".into(), terms),
            FieldName::Principals => map.insert("principals".into(), terms),
            FieldName::Condition(key) => conditions.insert(key.clone(), terms),
        };
    }
    if !conditions.is_empty() {
        map.insert("conditions".into(), Value::Object(conditions));
    }
    map
}

fn term_json(term: &Term) -> Value {
    let all: Vec<&str> = if term.all_of.is_empty() {
        vec!["*"]
    } else {
        term.all_of.iter().map(String::as_str).collect()
    };
    let mut t = json!({ "match": all });
    if !term.none_of.is_empty() {
        if let Some(map) = t.as_object_mut() {
            map.insert("except".into(), json!(term.none_of));
        }
    }
    t
}

fn statements_json(reasons: &[Reason]) -> Value {
    Value::Array(
        reasons
            .iter()
            .map(|r| match &r.statement_id {
                Some(sid) => json!({"statementIndex": r.statement_index, "statementId": sid}),
                None => json!({"statementIndex": r.statement_index}),
            })
            .collect(),
    )
}

/// How much of a field a text shows: every label, or at most `exceptions` exceptions per
/// term and `terms` terms (the rest counted, `--output json` or `iamcheck diff` list all).
#[derive(Clone, Copy, Debug)]
struct Cap {
    exceptions: usize,
    terms: usize,
}

/// A partition label (`caller in partition aws`, `resource in no partition`) as the
/// qualifier it reads as after a pattern (`in partition aws`).
fn partition_qualifier(label: &str) -> Option<&str> {
    let rest = label.strip_prefix("caller ").or_else(|| label.strip_prefix("resource "))?;
    if rest == "in no partition" {
        return Some(rest);
    }
    let names =
        rest.strip_prefix("in partitions ").or_else(|| rest.strip_prefix("in partition "))?;
    names.split(", ").all(|n| crate::iam::partition::PARTITIONS.contains(&n)).then_some(rest)
}

/// A `NotPrincipal` label (`NotPrincipal 123456789012`, `NotPrincipal [a, b]`: the callers
/// the element does not exempt from its `Deny`) as the qualifier it reads as: `not exempted
/// by NotPrincipal …` in `match`, `exempted by NotPrincipal …` in `except` (its complement).
fn not_principal_qualifier(label: &str, excepted: bool) -> Option<String> {
    label.starts_with("NotPrincipal ").then(|| match excepted {
        true => format!("exempted by {label}"),
        false => format!("not exempted by {label}"),
    })
}

/// One term in prose: `s3:* except s3:Get*, s3:List*` for patterns, a partition label as a
/// qualifier (`123456789012 in partition aws`), a `NotPrincipal` label too
/// (`not_principal_qualifier`: `123456789012 exempted by NotPrincipal 123456789012` for
/// `123456789012` except `NotPrincipal 123456789012`); for condition entries, `A and not (B)`.
/// With a cap, exceptions past it are counted (`and 12 more`); the second value says
/// whether any were.
fn term_text(term: &Term, entries: bool, cap: Option<Cap>) -> (String, bool) {
    let keep = cap.map_or(usize::MAX, |c| c.exceptions);
    if !entries {
        return pattern_term_text(term, keep);
    }
    let cut = term.none_of.len() > keep;
    let shown = term.none_of.iter().take(keep);
    let more = term.none_of.len().saturating_sub(keep);
    let not = shown.map(|e| format!("not ({e})"));
    let mut parts: Vec<String> = term.all_of.iter().cloned().chain(not).collect();
    if more > 0 {
        parts.push(format!("not ({more} more entries)"));
    }
    let text = if parts.is_empty() { "*".to_string() } else { parts.join(" and ") };
    (text, cut)
}

/// [`term_text`] of a term of patterns, at most `keep` exceptions shown.
fn pattern_term_text(term: &Term, keep: usize) -> (String, bool) {
    let (qualifiers, patterns): (Vec<&String>, Vec<&String>) =
        term.all_of.iter().partition(|l| partition_qualifier(l).is_some());
    let (not_principals, patterns): (Vec<&String>, Vec<&String>) =
        patterns.into_iter().partition(|l| not_principal_qualifier(l, false).is_some());
    let (excepted, none_of): (Vec<&String>, Vec<&String>) =
        term.none_of.iter().partition(|l| not_principal_qualifier(l, true).is_some());
    let exempt = not_principals
        .iter()
        .filter_map(|l| not_principal_qualifier(l, false))
        .chain(excepted.iter().filter_map(|l| not_principal_qualifier(l, true)));
    let mut head = match (patterns.is_empty(), not_principals.is_empty() && excepted.is_empty()) {
        (false, _) => patterns.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" and "),
        (true, true) => "*".to_string(),
        (true, false) => "callers".to_string(),
    };
    for q in qualifiers.iter().filter_map(|q| partition_qualifier(q)) {
        head.push(' ');
        head.push_str(q);
    }
    let exempt: Vec<String> = exempt.collect();
    if !exempt.is_empty() {
        head.push(' ');
        head.push_str(&exempt.join(" and "));
    }
    let cut = none_of.len() > keep;
    let more = none_of.len().saturating_sub(keep);
    if none_of.is_empty() {
        return (head, false);
    }
    let mut except: Vec<String> = none_of.into_iter().take(keep).cloned().collect();
    if more > 0 {
        except.push(format!("and {more} more"));
    }
    (format!("{head} except {}", except.join(", ")), cut)
}

/// A field's terms in prose (terms with exceptions parenthesized when several).
pub fn field_text(name: &FieldName, terms: &[Term]) -> String {
    field_text_capped(name, terms, None).0
}

/// [`field_text`] with at most `cap` labels; the second value says whether some were cut.
fn field_text_capped(name: &FieldName, terms: &[Term], cap: Option<Cap>) -> (String, bool) {
    let entries = matches!(name, FieldName::Condition(_));
    let several = terms.len() > 1;
    let keep = cap.map_or(usize::MAX, |c| c.terms);
    let mut cut = terms.len() > keep;
    let mut parts: Vec<String> = terms
        .iter()
        .take(keep)
        .map(|t| {
            let (s, c) = term_text(t, entries, cap);
            cut |= c;
            if several && (!t.none_of.is_empty() || t.all_of.len() > 1) {
                format!("({s})")
            } else {
                s
            }
        })
        .collect();
    if terms.len() > keep {
        parts.push(format!("and {} more", terms.len() - keep));
    }
    (parts.join(if entries { " or " } else { ", " }), cut)
}

fn statements_text(reasons: &[Reason]) -> String {
    let names: Vec<String> = reasons
        .iter()
        .map(|r| match &r.statement_id {
            Some(sid) => format!("{} ({sid})", r.statement_index),
            None => r.statement_index.to_string(),
        })
        .collect();
    names.join(", ")
}

/// A region's fields as indented text, numbered `i`.
fn fields_text(
    out: &mut String,
    i: usize,
    fields: &BTreeMap<FieldName, Vec<Term>>,
    cap: Option<Cap>,
) {
    let mut first = true;
    for (name, terms) in fields {
        let label = match name {
            FieldName::Actions => "actions".to_string(),
            FieldName::Resources => "resources".to_string(),
            FieldName::Principals => "principals".to_string(),
            FieldName::Condition(_) => "when".to_string(),
        };
        let lead = if first { format!("{:>3}.", i + 1) } else { "    ".to_string() };
        first = false;
        let (text, _) = field_text_capped(name, terms, cap);
        out.push_str(&format!("{lead} {label:<11} {text}\n"));
    }
}

/// Undecided regions as indented text.
pub fn undecided_text(out: &mut String, regions: &[UndecidedRegion], statements: &str) {
    for (i, r) in regions.iter().enumerate() {
        fields_text(out, i, &r.fields, None);
        out.push_str(&format!("     {statements:<11} {}\n", statements_text(&r.statements)));
        out.push_str(&format!("     {:<11} {}\n", "depends on", r.constructs.join("; ")));
    }
}

/// Regions as indented text, one block per region, every label written.
pub fn regions_text(out: &mut String, regions: &[Region], statements: &str) {
    regions_text_capped(out, regions, statements, None);
}

/// Regions as indented text for a failed check's report, a screen at most: at
/// most 4 exceptions and 8 terms per field (the rest counted: `iamcheck diff` lists all).
pub fn regions_brief_text(out: &mut String, regions: &[Region], statements: &str) {
    regions_text_capped(out, regions, statements, Some(BRIEF));
}

/// The labels a failed check's text and a Markdown cell show per field.
const BRIEF: Cap = Cap { exceptions: 4, terms: 8 };
const MARKDOWN_CELL: Cap = Cap { exceptions: 3, terms: 4 };

fn regions_text_capped(out: &mut String, regions: &[Region], statements: &str, cap: Option<Cap>) {
    for (i, r) in regions.iter().enumerate() {
        fields_text(out, i, &r.fields, cap);
        if let Some(real) = shown_real_actions(r) {
            out.push_str(&format!("     {:<11} {}\n", "real", real_text(real, TEXT_REAL_ACTIONS)));
        }
        out.push_str(&format!("     {statements:<11} {}\n", statements_text(&r.statements)));
        let witness = serde_json::to_string(&r.witness).unwrap_or_default();
        out.push_str(&format!("     {:<11} {witness}\n", "witness"));
    }
}

/// The real actions a text or Markdown region names: not for actions written as `*` with
/// exceptions (`* except s3:PutObject` covers most of the catalogue; JSON still counts them).
fn shown_real_actions(r: &Region) -> Option<&RealActions> {
    let any_head = r
        .fields
        .get(&FieldName::Actions)
        .is_some_and(|terms| terms.iter().any(|t| t.all_of.is_empty()));
    r.real_actions.as_ref().filter(|_| !any_head)
}

/// Real actions named in a text region and in a Markdown cell.
const TEXT_REAL_ACTIONS: usize = 8;
const MARKDOWN_REAL_ACTIONS: usize = 3;

/// `12 actions: s3:DeleteBucket, …, and 4 more` (`none` when the catalogue has none).
fn real_text(real: &RealActions, show: usize) -> String {
    if real.count == 0 {
        return "no action of the catalogue".to_string();
    }
    let shown: Vec<&str> = real.listed.iter().take(show).map(String::as_str).collect();
    let more = real.count.saturating_sub(shown.len());
    let noun = if real.count == 1 { "action" } else { "actions" };
    let tail = if more > 0 { format!(", and {more} more") } else { String::new() };
    format!("{} {noun} of the catalogue: {}{tail}", real.count, shown.join(", "))
}

/// The diff as text for a terminal.
pub fn to_text(diff: &Diff) -> String {
    let mut out = format!(
        "{}: {} region(s) of access added, {} removed{}\n",
        relation_str(diff),
        diff.added.len() + diff.omitted.0,
        diff.removed.len() + diff.omitted.1,
        if diff.omitted == (0, 0) { "" } else { " (list cut by --max-regions)" }
    );
    let (undecided_added, undecided_removed) = &diff.undecided;
    for (title, regions, omitted, statements) in [
        ("Added (allowed by new, not by existing)", &diff.added, diff.omitted.0, "new stmts"),
        ("Removed (allowed by existing, not by new)", &diff.removed, diff.omitted.1, "old stmts"),
    ] {
        if regions.is_empty() && omitted == 0 {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        regions_text(&mut out, regions, statements);
        if omitted > 0 {
            out.push_str(&format!("  … and {omitted} more region(s)\n"));
        }
    }
    for (title, regions, statements) in [
        ("Undecided: maybe added", undecided_added, "new stmts"),
        ("Undecided: maybe removed", undecided_removed, "old stmts"),
    ] {
        if !regions.is_empty() {
            out.push_str(&format!(
                "\n{title} (depends on constructs iamcheck does not decide exactly):\n"
            ));
            undecided_text(&mut out, regions, statements);
        }
    }
    out
}

/// The diff as Markdown for a pull-request comment: a short table.
pub fn to_markdown(diff: &Diff) -> String {
    let mut out = format!(
        "### iamcheck diff: `{}`\n\n{} region(s) of access added, {} removed.\n",
        relation_str(diff),
        diff.added.len() + diff.omitted.0,
        diff.removed.len() + diff.omitted.1
    );
    if !(diff.added.is_empty() && diff.removed.is_empty()) {
        markdown_table(diff, &mut out);
    }
    if diff.omitted != (0, 0) {
        out.push_str(&format!(
            "\n{} more added and {} more removed region(s) not listed (`--max-regions`).\n",
            diff.omitted.0, diff.omitted.1
        ));
    }
    let (maybe_added, maybe_removed) = (diff.undecided.0.len(), diff.undecided.1.len());
    if maybe_added + maybe_removed > 0 {
        out.push_str(&format!(
            "\n{maybe_added} region(s) maybe added and {maybe_removed} maybe removed: they depend on constructs iamcheck does not decide exactly (`--output text` or `json` lists them).\n",
        ));
    }
    out
}

/// The table of added and removed regions, and the folded exact labels of cells it
/// shortened.
fn markdown_table(diff: &Diff, out: &mut String) {
    let all = || diff.added.iter().chain(&diff.removed);
    let principals = all().any(|r| r.fields.contains_key(&FieldName::Principals));
    let conditions = all().any(|r| r.fields.keys().any(|n| matches!(n, FieldName::Condition(_))));
    let mut header = vec!["", "Actions", "Resources"];
    header.extend(principals.then_some("Principals"));
    header.extend(conditions.then_some("Conditions"));
    header.push("Statements");
    out.push_str(&format!("\n| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    let mut cut = false;
    for (sign, regions) in [("added", &diff.added), ("removed", &diff.removed)] {
        for r in regions.iter() {
            let mut text = |name: &FieldName, terms: &[Term]| {
                let (t, c) = field_text_capped(name, terms, Some(MARKDOWN_CELL));
                cut |= c;
                md(&t)
            };
            let mut cell =
                |name: &FieldName| r.fields.get(name).map(|t| text(name, t)).unwrap_or_default();
            let mut actions = cell(&FieldName::Actions);
            if let Some(real) = shown_real_actions(r) {
                actions.push_str(&format!("<br>{}", real_text(real, MARKDOWN_REAL_ACTIONS)));
            }
            let mut row = vec![sign.to_string(), actions, cell(&FieldName::Resources)];
            if principals {
                row.push(cell(&FieldName::Principals));
            }
            if conditions {
                let entries: Vec<String> = r
                    .fields
                    .iter()
                    .filter(|(n, _)| matches!(n, FieldName::Condition(_)))
                    .map(|(n, t)| text(n, t))
                    .collect();
                row.push(entries.join("<br>"));
            }
            row.push(md(&statements_text(&r.statements)));
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
    if cut {
        // The exact descriptions, folded: the table counts what it leaves out.
        let mut full = String::new();
        for (title, regions, statements) in
            [("Added", &diff.added, "new stmts"), ("Removed", &diff.removed, "old stmts")]
        {
            if !regions.is_empty() {
                full.push_str(&format!("{title}:\n"));
                regions_text(&mut full, regions, statements);
            }
        }
        out.push_str(&format!(
            "\n<details><summary>Every label of the shortened cells</summary>\n\n```\n{full}```\n\n</details>\n"
        ));
    }
}

/// Text as a Markdown table cell: code, with `|` escaped.
fn md(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("`{}`", text.replace('|', "\\|").replace('`', "'"))
}
