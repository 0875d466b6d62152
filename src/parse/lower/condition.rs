//! Lowering `Condition` blocks: operators, keys and values.

use std::collections::HashMap;

use super::{did_you_mean, join_index, join_key, Json, Key, Kind, Lowerer, Site};
use crate::policy::condition::BaseOperator;
use crate::policy::{Condition, Operator};

impl Lowerer {
    pub(super) fn condition(&mut self, value: &Json, path: &str) -> Option<Vec<Condition>> {
        let Kind::Object(entries) = &value.kind else {
            let message = format!(
                "`Condition` must be an object mapping operators to condition keys, found {}",
                value.kind.describe()
            );
            self.error(Site::value(path, value), message, None);
            return None;
        };
        if entries.is_empty() {
            let message = "empty `Condition`: the statement is unconditional".to_string();
            self.warn(Site::value(path, value), message, Some("remove it".to_string()));
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (key, block) in self.unique_entries(entries, path) {
            match self.operator_block(key, block, &join_key(path, &key.name)) {
                Some(mut conditions) => out.append(&mut conditions),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn operator_block(&mut self, op_key: &Key, block: &Json, path: &str) -> Option<Vec<Condition>> {
        let operator = self.operator(op_key, path);
        let Kind::Object(entries) = &block.kind else {
            let message = format!(
                "`{}` must be an object of condition keys, found {}",
                op_key.name,
                block.kind.describe()
            );
            self.error(Site::value(path, block), message, None);
            return None;
        };
        if entries.is_empty() {
            let message = format!("empty `{}` block: it adds no condition", op_key.name);
            self.warn(Site::value(path, block), message, None);
        }
        let mut out = Vec::new();
        let mut ok = operator.is_some();
        let mut folded: HashMap<String, &str> = HashMap::new();
        for (key, value) in self.unique_entries(entries, path) {
            let path = join_key(path, &key.name);
            ok &= self.check_key_case(&mut folded, key, &path);
            let values = self.condition_values(key, value, &path);
            match (operator, values) {
                (Some(operator), Some(values)) => {
                    ok &= self.check_operator_values(operator, &values, value, &path);
                    let values = values.into_iter().map(|(text, _)| text).collect();
                    out.push(Condition { operator, key: key.name.clone(), values });
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn operator(&mut self, key: &Key, path: &str) -> Option<Operator> {
        let name = key.name.as_str();
        if let Some(operator) = Operator::from_name(name) {
            return Some(operator);
        }
        let help = operator_help(name);
        self.error(Site::key(path, key), format!("unknown condition operator `{name}`"), help);
        None
    }

    /// Rejects a key equal, ignoring case, to an earlier key of the block.
    fn check_key_case<'k>(
        &mut self,
        folded: &mut HashMap<String, &'k str>,
        key: &'k Key,
        path: &str,
    ) -> bool {
        match folded.get(&key.name.to_ascii_lowercase()) {
            Some(first) => {
                let message =
                    format!("condition key `{}` repeats `{first}` with different case", key.name);
                let help =
                    Some("condition key names are case-insensitive: merge the two".to_string());
                self.error(Site::key(path, key), message, help);
                false
            }
            None => {
                folded.insert(key.name.to_ascii_lowercase(), &key.name);
                true
            }
        }
    }

    /// The values of one condition key, each with its JSON node.
    fn condition_values<'j>(
        &mut self,
        key: &Key,
        value: &'j Json,
        path: &str,
    ) -> Option<Vec<(String, &'j Json)>> {
        let Kind::Array(items) = &value.kind else {
            return self.condition_scalar(value, path).map(|text| vec![(text, value)]);
        };
        if items.is_empty() {
            let message = format!(
                "no values for condition key `{}`: a positive operator never matches, a negated one always does",
                key.name
            );
            self.warn(Site::value(path, value), message, None);
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, item) in items.iter().enumerate() {
            match self.condition_scalar(item, &join_index(path, index)) {
                Some(text) => out.push((text, item)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A string, number or boolean condition value, as text.
    fn condition_scalar(&mut self, value: &Json, path: &str) -> Option<String> {
        match &value.kind {
            Kind::String(s) | Kind::Number(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            other => {
                let message = format!(
                    "condition values must be strings, numbers or booleans, found {}",
                    other.describe()
                );
                self.error(Site::value(path, value), message, None);
                None
            }
        }
    }

    /// The value rules of `Null` and `Bool`; whether the entry is valid.
    fn check_operator_values(
        &mut self,
        operator: Operator,
        values: &[(String, &Json)],
        value: &Json,
        path: &str,
    ) -> bool {
        match operator.base {
            BaseOperator::Null => self.check_null_values(values, value, path),
            BaseOperator::Bool => self.check_bool_values(operator, values, value, path),
            _ => true,
        }
    }

    fn check_null_values(&mut self, values: &[(String, &Json)], value: &Json, path: &str) -> bool {
        let mut ok = true;
        for (index, (text, json)) in values.iter().enumerate() {
            if !is_boolean(text) {
                let path = item_path(path, value, index);
                let message = format!("`Null` takes `true` or `false`, found `{text}`");
                let help =
                    Some("`true`: the key is absent; `false`: the key is present".to_string());
                self.error(Site::value(&path, json), message, help);
                ok = false;
            }
        }
        ok
    }

    fn check_bool_values(
        &mut self,
        operator: Operator,
        values: &[(String, &Json)],
        value: &Json,
        path: &str,
    ) -> bool {
        if operator.qualifier.is_none() && values.len() > 1 {
            let message = format!("`{operator}` takes one value, found {}", values.len());
            self.error(Site::value(path, value), message, None);
            return false;
        }
        for (index, (text, json)) in values.iter().enumerate() {
            if !is_boolean(text) {
                let path = item_path(path, value, index);
                let message = format!("`{operator}` value `{text}` is not `true` or `false`: the condition never matches");
                self.warn(Site::value(&path, json), message, None);
            }
        }
        true
    }
}

/// The path of the `index`th value of `value` (itself when not an array).
fn item_path(path: &str, value: &Json, index: usize) -> String {
    match value.kind {
        Kind::Array(_) => join_index(path, index),
        _ => path.to_string(),
    }
}

fn is_boolean(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

/// Advice for an unknown operator name.
fn operator_help(name: &str) -> Option<String> {
    if name == "NullIfExists" || name.ends_with(":NullIfExists") {
        return Some("`Null` takes no `IfExists` suffix".to_string());
    }
    let names = operator_names();
    if let Some(help) = did_you_mean(name, names.iter().map(String::as_str)) {
        return Some(help);
    }
    match name.split_once(':') {
        Some((prefix, _)) if prefix != "ForAllValues" && prefix != "ForAnyValue" => {
            Some("the set qualifiers are `ForAllValues:` and `ForAnyValue:`".to_string())
        }
        _ => None,
    }
}

/// Every valid operator name.
fn operator_names() -> Vec<String> {
    let mut names = Vec::new();
    for prefix in ["", "ForAllValues:", "ForAnyValue:"] {
        for base in BaseOperator::ALL {
            names.push(format!("{prefix}{}", base.as_str()));
            if *base != BaseOperator::Null {
                names.push(format!("{prefix}{}IfExists", base.as_str()));
            }
        }
    }
    debug_assert!(names.iter().all(|n| Operator::from_name(n).is_some()));
    names
}
