//! Lowering: a [`Json`] tree → a validated [`Policy`], collecting every
//! error of the document and the warnings (`docs/semantics.md` §1).
//!
//! The lowering only checks shapes and names and keeps values as written:
//! no pattern is translated and no case is folded here.

use std::collections::{HashMap, HashSet};

mod condition;
mod principal;
mod variables;

use super::grammar;
use super::json::{Json, Key, Kind};
use super::suggest::did_you_mean;
use crate::error::{Diagnostic, Location, Severity};
use crate::policy::template::{Part, Template};
use crate::policy::{
    Condition, Effect, Element, Policy, PolicyType, Principal, Statement, Version,
};

/// The top-level elements.
const POLICY_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// The statement elements.
const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Lowers a parsed document.
///
/// # Errors
/// Every error in the document, in document order.
pub(crate) fn lower(
    doc: &Json,
    policy_type: PolicyType,
) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(policy_type);
    let policy = lowerer.policy(doc);
    let Lowerer { mut errors, mut warnings, .. } = lowerer;
    sort_by_position(&mut errors);
    sort_by_position(&mut warnings);
    match policy {
        Some(policy) if errors.is_empty() => Ok((policy, warnings)),
        _ => Err(errors),
    }
}

fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.location.line, d.location.column));
}

/// Where a diagnostic points: a JSON path and a position.
struct Site {
    path: String,
    line: usize,
    column: usize,
}

impl Site {
    /// At a value.
    fn value(path: &str, json: &Json) -> Site {
        Site { path: path.to_string(), line: json.line, column: json.column }
    }

    /// At an object key (the path includes the key).
    fn key(path: &str, key: &Key) -> Site {
        Site { path: path.to_string(), line: key.line, column: key.column }
    }
}

/// `path.name`, quoting `name` unless it is a plain identifier.
pub(super) fn join_key(path: &str, name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let segment = if plain { name.to_string() } else { quote(name) };
    if path.is_empty() {
        segment
    } else {
        format!("{path}.{segment}")
    }
}

/// `name` as a JSON string literal.
fn quote(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `path[index]`.
fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// One string of a string-or-array value, with where it is.
struct Item<'j> {
    text: &'j str,
    json: &'j Json,
    /// The index in the array, `None` for a bare string.
    index: Option<usize>,
}

impl Item<'_> {
    fn path(&self, path: &str) -> String {
        self.index.map_or_else(|| path.to_string(), |i| join_index(path, i))
    }
}

/// The pieces of one statement, as they are read.
#[derive(Default)]
struct Parts {
    sid: Option<String>,
    effect: Option<Effect>,
    effect_seen: bool,
    principal: Pair<Principal>,
    action: Pair<String>,
    resource: Pair<String>,
    conditions: Vec<Condition>,
}

/// An element with a negated form: whether one form was seen (even with an
/// invalid value) and its value when valid.
struct Pair<T> {
    seen: bool,
    value: Option<Element<T>>,
}

impl<T> Default for Pair<T> {
    fn default() -> Self {
        Pair { seen: false, value: None }
    }
}

/// The lowering's state: the policy type, the statement being read, and
/// what was found so far.
struct Lowerer {
    policy_type: PolicyType,
    /// The statement being lowered (index, Sid), for locations.
    statement: Option<(usize, Option<String>)>,
    /// Sids seen so far with the statement that used each first.
    sids: HashMap<String, usize>,
    /// Whether `${…}` is a policy variable (Version 2012-10-17).
    variables: bool,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Lowerer {
    fn new(policy_type: PolicyType) -> Self {
        Lowerer {
            policy_type,
            statement: None,
            sids: HashMap::new(),
            variables: false,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn diagnostic(
        &self,
        severity: Severity,
        site: Site,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        let location = Location {
            path: site.path,
            statement: self.statement.clone(),
            line: site.line,
            column: site.column,
        };
        Diagnostic { severity, message, help, location }
    }

    fn error(&mut self, site: Site, message: String, help: Option<String>) {
        let diagnostic = self.diagnostic(Severity::Error, site, message, help);
        self.errors.push(diagnostic);
    }

    fn warn(&mut self, site: Site, message: String, help: Option<String>) {
        let diagnostic = self.diagnostic(Severity::Warning, site, message, help);
        self.warnings.push(diagnostic);
    }

    /// An object's entries without repeated keys (the first of each kept),
    /// reporting every repeat.
    fn unique_entries<'j>(
        &mut self,
        entries: &'j [(Key, Json)],
        path: &str,
    ) -> Vec<&'j (Key, Json)> {
        let mut seen = HashSet::new();
        let mut unique = Vec::with_capacity(entries.len());
        for entry in entries {
            let key = &entry.0;
            if seen.insert(key.name.as_str()) {
                unique.push(entry);
            } else {
                let site = Site::key(&join_key(path, &key.name), key);
                let help = Some("an element may appear only once in an object".to_string());
                self.error(site, format!("duplicate key `{}`", key.name), help);
            }
        }
        unique
    }

    /// A string or an array of strings; `None` (after reporting) otherwise.
    fn strings<'j>(&mut self, value: &'j Json, path: &str) -> Option<Vec<Item<'j>>> {
        match &value.kind {
            Kind::String(text) => Some(vec![Item { text, json: value, index: None }]),
            Kind::Array(items) => self.string_items(items, path),
            other => {
                let message =
                    format!("expected a string or an array of strings, found {}", other.describe());
                self.error(Site::value(path, value), message, None);
                None
            }
        }
    }

    fn string_items<'j>(&mut self, items: &'j [Json], path: &str) -> Option<Vec<Item<'j>>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, json) in items.iter().enumerate() {
            match &json.kind {
                Kind::String(text) => out.push(Item { text, json, index: Some(index) }),
                other => {
                    let message = format!("expected a string, found {}", other.describe());
                    self.error(Site::value(&join_index(path, index), json), message, None);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    // ---- the document ----

    fn policy(&mut self, doc: &Json) -> Option<Policy> {
        let Kind::Object(entries) = &doc.kind else {
            let message = format!("a policy must be a JSON object, found {}", doc.kind.describe());
            self.error(Site::value("", doc), message, None);
            return None;
        };
        let mut version = None;
        let mut version_seen = false;
        let mut id = None;
        let mut statements = None;
        // `Version` may follow `Statement`: read it first (the first one
        // when repeated, as `unique_entries` keeps).
        self.variables = entries
            .iter()
            .find(|(key, _)| key.name == "Version")
            .is_some_and(|(_, value)| matches!(&value.kind, Kind::String(s) if s == "2012-10-17"));
        for (key, value) in self.unique_entries(entries, "") {
            let path = join_key("", &key.name);
            match key.name.as_str() {
                "Version" => {
                    version_seen = true;
                    version = self.version(value, &path);
                }
                "Id" => id = self.id(value, &path),
                "Statement" => statements = Some(self.statements(value, &path)),
                _ => self.unknown_element(key, &path, "policy", &POLICY_ELEMENTS),
            }
        }
        if !version_seen {
            self.missing_version(doc);
        }
        let Some(statements) = statements else {
            let message = "missing `Statement`".to_string();
            self.error(
                Site::value("", doc),
                message,
                Some("a policy needs at least one statement".to_string()),
            );
            return None;
        };
        Some(Policy { version, id, statements: statements? })
    }

    fn unknown_element(&mut self, key: &Key, path: &str, what: &str, known: &[&'static str]) {
        let help = did_you_mean(&key.name, known.iter().copied()).or_else(|| {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            Some(format!("{what} elements are {}", list.join(", ")))
        });
        self.error(Site::key(path, key), format!("unknown {what} element `{}`", key.name), help);
    }

    fn missing_version(&mut self, doc: &Json) {
        let message =
            "missing `Version`: policy variables such as `${aws:username}` stay literal text"
                .to_string();
        let help = Some("add `\"Version\": \"2012-10-17\"`".to_string());
        self.warn(Site::value("", doc), message, help);
    }

    fn version(&mut self, value: &Json, path: &str) -> Option<Version> {
        let help = Some("use `2012-10-17`".to_string());
        match &value.kind {
            Kind::String(s) if s == "2012-10-17" => Some(Version::V2012_10_17),
            Kind::String(s) if s == "2008-10-17" => Some(Version::V2008_10_17),
            Kind::String(s) => {
                self.error(Site::value(path, value), format!("invalid `Version` `{s}`"), help);
                None
            }
            other => {
                let message = format!("`Version` must be a string, found {}", other.describe());
                self.error(Site::value(path, value), message, help);
                None
            }
        }
    }

    fn id(&mut self, value: &Json, path: &str) -> Option<String> {
        if let Kind::String(s) = &value.kind {
            return Some(s.clone());
        }
        let message = format!("`Id` must be a string, found {}", value.kind.describe());
        self.error(Site::value(path, value), message, None);
        None
    }

    /// The statements; `None` when any is invalid.
    fn statements(&mut self, value: &Json, path: &str) -> Option<Vec<Statement>> {
        match &value.kind {
            Kind::Object(_) => self.statement(value, 0, path).map(|s| vec![s]),
            Kind::Array(items) if items.is_empty() => {
                let help = Some("a policy needs at least one statement".to_string());
                self.error(
                    Site::value(path, value),
                    "`Statement` is an empty list".to_string(),
                    help,
                );
                None
            }
            Kind::Array(items) => {
                let lowered: Vec<Option<Statement>> = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.statement(item, index, &join_index(path, index)))
                    .collect();
                lowered.into_iter().collect()
            }
            other => {
                let message = format!(
                    "`Statement` must be an object or an array of objects, found {}",
                    other.describe()
                );
                self.error(Site::value(path, value), message, None);
                None
            }
        }
    }

    // ---- statements ----

    fn statement(&mut self, json: &Json, index: usize, path: &str) -> Option<Statement> {
        let Kind::Object(entries) = &json.kind else {
            let message = format!("a statement must be an object, found {}", json.kind.describe());
            self.error(Site::value(path, json), message, None);
            return None;
        };
        self.statement = Some((index, first_sid(entries)));
        let errors_before = self.errors.len();
        let mut parts = Parts::default();
        for (key, value) in self.unique_entries(entries, path) {
            self.statement_element(&mut parts, key, value, &join_key(path, &key.name));
        }
        self.check_required(&parts, json, path);
        let statement =
            (self.errors.len() == errors_before).then(|| build(parts, index, json)).flatten();
        self.statement = None;
        statement
    }

    fn statement_element(&mut self, parts: &mut Parts, key: &Key, value: &Json, path: &str) {
        match key.name.as_str() {
            "Sid" => parts.sid = self.sid(value, path),
            "Effect" => {
                parts.effect_seen = true;
                parts.effect = self.effect(value, path);
            }
            "Principal" | "NotPrincipal" => {
                self.principal_element(parts, key, value, path);
                self.literal_variables(&key.name, value, path);
            }
            "Action" | "NotAction" => {
                if self.check_pair(parts.action.seen, key, path, "Action") {
                    parts.action.seen = true;
                    parts.action.value = self.string_element(key, value, path);
                    self.literal_variables(&key.name, value, path);
                }
            }
            "Resource" | "NotResource" => {
                if self.check_pair(parts.resource.seen, key, path, "Resource") {
                    parts.resource.seen = true;
                    parts.resource.value = self.string_element(key, value, path);
                    self.resource_variables(&key.name, value, path);
                }
            }
            "Condition" => parts.conditions = self.condition(value, path).unwrap_or_default(),
            _ => self.unknown_element(key, path, "statement", &STATEMENT_ELEMENTS),
        }
    }

    /// Reports `X` together with `NotX`; whether the element may be read.
    fn check_pair(&mut self, other_seen: bool, key: &Key, path: &str, positive: &str) -> bool {
        if other_seen {
            let message =
                format!("`{positive}` and `Not{positive}` cannot both appear in one statement");
            let help = Some(format!("keep either `{positive}` or `Not{positive}`"));
            self.error(Site::key(path, key), message, help);
        }
        !other_seen
    }

    fn check_required(&mut self, parts: &Parts, json: &Json, path: &str) {
        if !parts.effect_seen {
            let help = Some("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`".to_string());
            self.error(Site::value(path, json), "missing `Effect`".to_string(), help);
        }
        if !parts.action.seen {
            self.error(
                Site::value(path, json),
                "missing `Action` or `NotAction`".to_string(),
                None,
            );
        }
        match self.policy_type {
            PolicyType::Identity if !parts.resource.seen => {
                let message =
                    "missing `Resource` or `NotResource`: an identity policy needs one".to_string();
                self.error(Site::value(path, json), message, None);
            }
            PolicyType::Resource if !parts.principal.seen => {
                let message = "missing `Principal` or `NotPrincipal`: a resource policy needs one"
                    .to_string();
                self.error(Site::value(path, json), message, None);
            }
            _ => {}
        }
    }

    fn sid(&mut self, value: &Json, path: &str) -> Option<String> {
        let Kind::String(sid) = &value.kind else {
            let message = format!("`Sid` must be a string, found {}", value.kind.describe());
            self.error(Site::value(path, value), message, None);
            return None;
        };
        let index = self.statement.as_ref().map_or(0, |(index, _)| *index);
        match self.sids.get(sid) {
            Some(first) => {
                let message = format!("duplicate `Sid` `{sid}`: statement {first} uses it too");
                let help = Some("IAM requires unique Sids within a policy".to_string());
                self.warn(Site::value(path, value), message, help);
            }
            None => {
                self.sids.insert(sid.clone(), index);
            }
        }
        Some(sid.clone())
    }

    fn effect(&mut self, value: &Json, path: &str) -> Option<Effect> {
        match &value.kind {
            Kind::String(s) if s == "Allow" => Some(Effect::Allow),
            Kind::String(s) if s == "Deny" => Some(Effect::Deny),
            Kind::String(s) => {
                let help = did_you_mean(s, ["Allow", "Deny"])
                    .or_else(|| Some("use `Allow` or `Deny`".to_string()));
                self.error(Site::value(path, value), format!("invalid `Effect` `{s}`"), help);
                None
            }
            other => {
                let message = format!(
                    "`Effect` must be the string `Allow` or `Deny`, found {}",
                    other.describe()
                );
                self.error(Site::value(path, value), message, None);
                None
            }
        }
    }

    /// `Action`, `NotAction`, `Resource` or `NotResource`.
    fn string_element(&mut self, key: &Key, value: &Json, path: &str) -> Option<Element<String>> {
        let negated = key.name.starts_with("Not");
        let items = self.strings(value, path)?;
        self.check_not_empty(key, items.is_empty(), negated, value, path)?;
        let resource = key.name.ends_with("Resource");
        let mut ok = true;
        for item in &items {
            let shape = resource.then(|| self.resource_shape(item.text));
            let checked = match &shape {
                Some(shape) => grammar::resource(item.text, shape),
                None => grammar::action(item.text),
            };
            let site = || Site::value(&item.path(path), item.json);
            let spaced = (!resource)
                .then(|| crate::iam::grammar::action_whitespace(item.text))
                .flatten()
                .filter(|t| checked.is_err() && grammar::action(t).is_ok());
            if let Some(trimmed) = spaced {
                // AWS accepts it (its own managed policies have such entries) but does not
                // say whether it matches `trimmed`: both readings are decided.
                let message = format!(
                    "`{}` has whitespace: AWS does not document whether it matches `{trimmed}`",
                    item.text.escape_debug()
                );
                let help = format!(
                    "write `{trimmed}`; iamcheck decides both readings and answers UNKNOWN where the verdict depends on it"
                );
                self.warn(site(), message, Some(help));
                continue;
            }
            match checked {
                Err(problem) => {
                    self.error(site(), problem.message, problem.help);
                    ok = false;
                }
                Ok(()) => {
                    if let Some(w) = shape.and_then(|s| grammar::resource_warning(item.text, &s)) {
                        self.warn(site(), w.message, w.help);
                    }
                }
            }
        }
        let values = items.into_iter().map(|item| item.text.to_string()).collect();
        ok.then_some(Element { negated, values })
    }

    /// A resource's text with each policy variable (under Version
    /// 2012-10-17) written `*`: the ARN grammar leaves variables to the
    /// variable rules.
    fn resource_shape(&self, text: &str) -> String {
        if !self.variables || !Template::mentions_variable(text) {
            return text.to_string();
        }
        match Template::parse(text) {
            Ok(template) => template
                .parts
                .iter()
                .map(|part| match part {
                    Part::Text(text) => text.as_str(),
                    Part::Const(_) | Part::Var { .. } => "*",
                })
                .collect(),
            // Reported by the variable rules.
            Err(_) => "*".to_string(),
        }
    }

    /// Warns about an empty positive element, rejects an empty negated one.
    fn check_not_empty(
        &mut self,
        key: &Key,
        empty: bool,
        negated: bool,
        value: &Json,
        path: &str,
    ) -> Option<()> {
        if !empty {
            return Some(());
        }
        let name = &key.name;
        if negated {
            let message = format!("empty `{name}` list: AWS gives it no documented meaning");
            let help = Some(format!("list what `{name}` excludes, or remove the statement"));
            self.error(Site::value(path, value), message, help);
            return None;
        }
        self.warn(
            Site::value(path, value),
            format!("empty `{name}` list: the statement matches nothing"),
            None,
        );
        Some(())
    }
}

/// The Sid a statement declares, read ahead so every diagnostic of the
/// statement can name it.
fn first_sid(entries: &[(Key, Json)]) -> Option<String> {
    entries.iter().find_map(|(key, value)| match &value.kind {
        Kind::String(sid) if key.name == "Sid" => Some(sid.clone()),
        _ => None,
    })
}

/// The statement, once every part is valid.
fn build(parts: Parts, index: usize, json: &Json) -> Option<Statement> {
    Some(Statement {
        index,
        sid: parts.sid,
        effect: parts.effect?,
        principal: parts.principal.value,
        action: parts.action.value?,
        resource: parts.resource.value,
        conditions: parts.conditions,
        lines: (json.line, json.end_line),
    })
}
