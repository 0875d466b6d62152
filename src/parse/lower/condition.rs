//! Lowering `Condition` blocks: operators, keys and values.

use std::collections::HashMap;

use super::{did_you_mean, join_index, join_key, Json, Key, Kind, Lowerer, Site};
use crate::policy::condition::BaseOperator;
use crate::policy::template::Template;
use crate::policy::{Condition, Operator};
use crate::values::{parse_bool, IpRange, Sort};

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
                    ok &= self.condition_variables(operator, &values, value, &path);
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

    /// The value rules of `Null`, `Bool` and the typed operators; whether
    /// the entry is valid.
    fn check_operator_values(
        &mut self,
        operator: Operator,
        values: &[(String, &Json)],
        value: &Json,
        path: &str,
    ) -> bool {
        if let Some(sort) = Sort::of(operator.base.family()) {
            return self.check_typed_values(operator, sort, values, value, path);
        }
        match operator.base {
            BaseOperator::Null => self.check_null_values(values, value, path),
            BaseOperator::Bool => self.check_bool_values(operator, values, value, path),
            _ => true,
        }
    }

    /// Numeric, Date, IP and Binary values must parse (values with a policy
    /// variable are left alone); a CIDR range with host bits set is a
    /// warning.
    fn check_typed_values(
        &mut self,
        operator: Operator,
        sort: Sort,
        values: &[(String, &Json)],
        value: &Json,
        path: &str,
    ) -> bool {
        let mut ok = true;
        for (index, (text, json)) in values.iter().enumerate() {
            if text.contains("${") {
                continue;
            }
            let site = Site::value(&item_path(path, value, index), json);
            if let Err(error) = crate::values::parse_policy_value(sort, text) {
                let (message, why) = typed_value_message(&error, text, sort, operator);
                let help = match why {
                    Some(why) => format!("{why}; {}", accepted_forms(sort)),
                    None => accepted_forms(sort).to_string(),
                };
                self.error(site, message, Some(help));
                ok = false;
            } else if sort == Sort::Ip {
                if let Ok((range, true)) = IpRange::parse_noting_host_bits(text) {
                    let message = format!("`{text}` has host bits set: it means `{range}`");
                    self.warn(site, message, Some(format!("write `{range}`")));
                }
            }
        }
        ok
    }

    fn check_null_values(&mut self, values: &[(String, &Json)], value: &Json, path: &str) -> bool {
        let mut ok = true;
        for (index, (text, json)) in values.iter().enumerate() {
            if !is_boolean(text) && !self.is_variable(text) {
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
            if !is_boolean(text) && !self.is_variable(text) {
                let path = item_path(path, value, index);
                let message = format!("`{operator}` value `{text}` is not `true` or `false`: the condition never matches");
                self.warn(Site::value(&path, json), message, None);
            }
        }
        true
    }
}

impl Lowerer {
    /// Whether `text` has a policy variable (reported by
    /// `condition_variables`, not as a value of its operator).
    fn is_variable(&self, text: &str) -> bool {
        self.variables && Template::mentions_variable(text)
    }
}

/// The path of the `index`th value of `value` (itself when not an array).
pub(super) fn item_path(path: &str, value: &Json, index: usize) -> String {
    match value.kind {
        Kind::Array(_) => join_index(path, index),
        _ => path.to_string(),
    }
}

fn is_boolean(text: &str) -> bool {
    parse_bool(text).is_some()
}

/// "`abc` is not a number for `NumericLessThan`", and the parser's reason
/// when it gave one (`exponents are not accepted`).
fn typed_value_message(
    error: &str,
    text: &str,
    sort: Sort,
    operator: Operator,
) -> (String, Option<String>) {
    let head = format!("`{text}` is not {}", sort.noun());
    let message = format!("{head} for `{operator}`");
    let why = error.strip_prefix(&head).and_then(|rest| rest.strip_prefix(": "));
    (message, why.map(str::to_string))
}

/// The value forms of a typed sort, for help texts.
fn accepted_forms(sort: Sort) -> &'static str {
    match sort {
        Sort::Numeric => "write an integer or decimal such as `10`, `-3.5` or `0.25`",
        Sort::Date => {
            "write an ISO 8601 date such as `2020-01-01`, `2020-01-01T12:00:00Z` or `2020-01-01T12:00:00+01:00`, or epoch seconds such as `1577836800`"
        }
        Sort::Ip => "write an IPv4 or IPv6 address or CIDR range such as `203.0.113.0/24` or `2001:db8::/32`",
        Sort::Binary => "write the bytes in standard base64 with padding, such as `YWJj` or `YQ==`",
    }
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
