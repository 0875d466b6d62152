//! Policy-variable syntax (`docs/semantics.md` §1, §4a): under Version
//! 2012-10-17 a `Resource`/`NotResource` entry or a condition value with a
//! malformed `${…}` is an error, and variables where AWS does not
//! substitute them are warnings.

use super::condition::item_path;
use super::{join_index, join_key, Json, Kind, Lowerer, Site};
use crate::policy::condition::Family;
use crate::policy::template::{Part, Template};
use crate::policy::Operator;

/// The accepted forms, for help texts.
const FORMS: &str =
    "write a variable as `${key}` or `${key, 'default'}`, or a constant `${*}`, `${?}` or `${$}`";

/// The note on what iamcheck does with a variable AWS does not substitute.
const UNDECIDED: &str = "iamcheck treats the entry as undecided (UNKNOWN where it matters)";

impl Lowerer {
    /// Checks the variables of a `Resource`/`NotResource` value: syntax
    /// (errors), variables before the ARN's resource part and multivalued
    /// keys (warnings).
    pub(super) fn resource_variables(&mut self, element: &str, value: &Json, path: &str) {
        if !self.variables {
            return;
        }
        for (path, text, json) in strings_of(value, path) {
            let Some(template) = self.template(&path, text, json) else {
                continue;
            };
            if variable_before_resource_part(&template) {
                let message = format!(
                    "policy variable in `{text}` before the resource part of the ARN: AWS allows variables in `{element}` only after the fifth `:`"
                );
                let help = Some("iamcheck substitutes it anyway".to_string());
                self.warn(Site::value(&path, json), message, help);
            }
            self.multivalued_variables(&template, &path, json);
        }
    }

    /// Checks the variables of one condition entry's values; whether the
    /// entry is valid.
    pub(super) fn condition_variables(
        &mut self,
        operator: Operator,
        values: &[(String, &Json)],
        value: &Json,
        path: &str,
    ) -> bool {
        if !self.variables {
            return true;
        }
        let mut ok = true;
        for (index, (text, json)) in values.iter().enumerate() {
            if !Template::mentions_variable(text) {
                continue;
            }
            let path = item_path(path, value, index);
            let Some(template) = self.template(&path, text, json) else {
                ok = false;
                continue;
            };
            if !matches!(operator.base.family(), Family::String | Family::Arn) {
                let message = format!(
                    "policy variable in `{text}` under `{operator}`: AWS substitutes variables only in String and Arn operators"
                );
                self.warn(Site::value(&path, json), message, Some(UNDECIDED.to_string()));
            }
            self.multivalued_variables(&template, &path, json);
        }
        ok
    }

    /// Warns about `${…}` in `Action`/`NotAction`/`Principal`/`NotPrincipal`
    /// (any string of the value), where it is literal text.
    pub(super) fn literal_variables(&mut self, element: &str, value: &Json, path: &str) {
        if !self.variables {
            return;
        }
        for (path, text, json) in strings_of(value, path) {
            if Template::mentions_variable(text) {
                let message = format!(
                    "`{text}` in `{element}` is literal text: AWS substitutes policy variables only in `Resource`, `NotResource` and condition values"
                );
                self.warn(Site::value(&path, json), message, None);
            }
        }
    }

    /// The template of `text`, reporting a malformed variable.
    fn template(&mut self, path: &str, text: &str, json: &Json) -> Option<Template> {
        match Template::parse(text) {
            Ok(template) => Some(template),
            Err(why) => {
                let message = format!("malformed policy variable in `{text}`: {why}");
                self.error(Site::value(path, json), message, Some(FORMS.to_string()));
                None
            }
        }
    }

    fn multivalued_variables(&mut self, template: &Template, path: &str, json: &Json) {
        for key in template.keys() {
            if crate::iam::keys::lookup(key).is_some_and(|k| k.multivalued) {
                let message = format!(
                    "policy variable `${{{key}}}` names a multivalued key: AWS substitutes only single-valued keys"
                );
                self.warn(Site::value(path, json), message, Some(UNDECIDED.to_string()));
            }
        }
    }
}

/// Whether a variable (or constant) comes before the fifth `:` of the
/// text outside variables.
fn variable_before_resource_part(template: &Template) -> bool {
    let mut colons = 0;
    for part in &template.parts {
        match part {
            Part::Text(text) => colons += text.matches(':').count(),
            Part::Const(_) | Part::Var { .. } if colons < 5 => return true,
            _ => {}
        }
    }
    false
}

/// Every string in `value` (nested in arrays and objects) with its path;
/// other JSON types are reported elsewhere.
fn strings_of<'j>(value: &'j Json, path: &str) -> Vec<(String, &'j str, &'j Json)> {
    let mut out = Vec::new();
    collect_strings(value, path, &mut out);
    out
}

fn collect_strings<'j>(value: &'j Json, path: &str, out: &mut Vec<(String, &'j str, &'j Json)>) {
    match &value.kind {
        Kind::String(text) => out.push((path.to_string(), text, value)),
        Kind::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_strings(item, &join_index(path, index), out);
            }
        }
        Kind::Object(entries) => {
            for (key, item) in entries {
                collect_strings(item, &join_key(path, &key.name), out);
            }
        }
        _ => {}
    }
}
