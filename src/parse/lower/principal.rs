//! Lowering `Principal` and `NotPrincipal`.

use super::{did_you_mean, grammar, join_key, Json, Key, Kind, Lowerer, Parts, Site};
use crate::policy::{Element, PolicyType, Principal};

/// The keys of a principal map.
const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

impl Lowerer {
    pub(super) fn principal_element(
        &mut self,
        parts: &mut Parts,
        key: &Key,
        value: &Json,
        path: &str,
    ) {
        if self.policy_type == PolicyType::Identity {
            let message = format!("`{}` is not allowed in an identity policy", key.name);
            let help =
                Some("identity policies apply to the identity they are attached to".to_string());
            self.error(Site::key(path, key), message, help);
            parts.principal.seen = true;
            return;
        }
        if self.check_pair(parts.principal.seen, key, path, "Principal") {
            parts.principal.seen = true;
            parts.principal.value = self.principal(key, value, path);
        }
    }

    fn principal(&mut self, key: &Key, value: &Json, path: &str) -> Option<Element<Principal>> {
        let negated = key.name == "NotPrincipal";
        let values = match &value.kind {
            Kind::String(s) => self.bare_principal(key, s, value, path)?,
            Kind::Object(entries) => self.principal_map(entries, path)?,
            Kind::Array(items) if items.is_empty() => Vec::new(),
            other => {
                let message = format!(
                    "`{}` must be `\"*\"` or an object such as `{{\"AWS\": …}}`, found {}",
                    key.name,
                    other.describe()
                );
                self.error(Site::value(path, value), message, None);
                return None;
            }
        };
        self.check_not_empty(key, values.is_empty(), negated, value, path)?;
        Some(Element { negated, values })
    }

    /// `"Principal": "*"`, or the article's shorthand for an `AWS` entry.
    fn bare_principal(
        &mut self,
        key: &Key,
        text: &str,
        value: &Json,
        path: &str,
    ) -> Option<Vec<Principal>> {
        if text == "*" {
            return Some(vec![Principal::Everyone]);
        }
        self.check_principal_wildcard(text, value, path)?;
        self.check_principal_grammar("AWS", text, value, path)?;
        let message = format!("`{}` `{text}` is read as `{{\"AWS\": \"{text}\"}}`", key.name);
        let help = Some("AWS accepts only `*` as a bare string: write the `AWS` key".to_string());
        self.warn(Site::value(path, value), message, help);
        Some(vec![Principal::Aws(text.to_string())])
    }

    fn principal_map(&mut self, entries: &[(Key, Json)], path: &str) -> Option<Vec<Principal>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (key, value) in self.unique_entries(entries, path) {
            let path = join_key(path, &key.name);
            match self.principal_entries(key, value, &path) {
                Some(mut principals) => out.append(&mut principals),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn principal_entries(&mut self, key: &Key, value: &Json, path: &str) -> Option<Vec<Principal>> {
        let make: fn(String) -> Principal = match key.name.as_str() {
            "AWS" => |s| {
                if s == "*" {
                    Principal::Everyone
                } else {
                    Principal::Aws(s)
                }
            },
            "Service" => Principal::Service,
            "Federated" => Principal::Federated,
            "CanonicalUser" => Principal::CanonicalUser,
            _ => {
                let help = did_you_mean(&key.name, PRINCIPAL_KEYS).or_else(|| {
                    Some(
                        "principal keys are `AWS`, `Service`, `Federated` and `CanonicalUser`"
                            .to_string(),
                    )
                });
                self.error(
                    Site::key(path, key),
                    format!("unknown principal key `{}`", key.name),
                    help,
                );
                return None;
            }
        };
        let items = self.strings(value, path)?;
        let mut ok = true;
        for item in &items {
            let path = item.path(path);
            ok &= self.check_principal_wildcard(item.text, item.json, &path).is_some()
                && self.check_principal_grammar(&key.name, item.text, item.json, &path).is_some();
        }
        ok.then(|| items.into_iter().map(|item| make(item.text.to_string())).collect())
    }

    /// An `AWS` or `Federated` entry AWS rejects (a malformed account ID
    /// or ARN) is an error: it would match no request.
    fn check_principal_grammar(
        &mut self,
        key: &str,
        text: &str,
        value: &Json,
        path: &str,
    ) -> Option<()> {
        let checked = match key {
            "AWS" if text != "*" => grammar::aws_principal(text),
            "Federated" => grammar::federated_principal(text),
            _ => Ok(()),
        };
        match checked {
            Ok(()) => Some(()),
            Err(problem) => {
                self.error(Site::value(path, value), problem.message, problem.help);
                None
            }
        }
    }

    fn check_principal_wildcard(&mut self, text: &str, value: &Json, path: &str) -> Option<()> {
        if text == "*" || !text.contains(['*', '?']) {
            return Some(());
        }
        let message = format!("partial wildcard in principal `{text}`");
        let help = Some("a principal is either `*` or written out in full".to_string());
        self.error(Site::value(path, value), message, help);
        None
    }
}
