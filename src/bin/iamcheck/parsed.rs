//! The policies `iamcheck batch` has parsed, by their text: a document that appears in many
//! requests (both directions of a version pair are consecutive lines; consecutive pairs share
//! a version; one reference policy against many others) is parsed once.
//!
//! A document written as a JSON object in the request is looked up by its raw JSON text
//! first ([`ParseCache::get_object`]): a hit then costs neither building the object as a
//! `serde_json::Value` nor writing it back out as text.
//!
//! Bounded (the oldest entry goes first) and shared by the worker threads. Two threads that
//! miss on the same text at once both parse it; the answers are equal, one is kept.

use iamcheck::{Policy, PolicyType};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// A parse's outcome: the policy, or the parser's messages joined with `; `.
pub type Parsed = Arc<Result<Policy, String>>;

/// Documents kept: a round of batch lines (256) names at most 512 distinct documents, and
/// neighbouring requests share theirs, so 64 covers the reuse at a few MB.
const CAPACITY: usize = 64;

#[derive(Debug, Default)]
pub struct ParseCache {
    /// By the policy's text (a JSON string's content, or an object written out compactly).
    inner: Mutex<Entries>,
    /// By an object's raw JSON text in the request.
    objects: Mutex<Entries>,
}

/// The kept parses: one map per policy type, so that a lookup borrows the text (a hit copies
/// nothing).
#[derive(Debug, Default)]
struct Entries {
    by_type: HashMap<PolicyType, HashMap<Arc<str>, Parsed>>,
    order: VecDeque<(PolicyType, Arc<str>)>,
}

impl Entries {
    fn find(&self, text: &str, ty: PolicyType) -> Option<&Parsed> {
        self.by_type.get(&ty)?.get(text)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_type.values().map(HashMap::len).sum()
    }
}

impl ParseCache {
    /// The parse of `text` as a `ty` policy, from the cache or parsed now (and kept).
    pub fn get(&self, text: &str, ty: PolicyType) -> Parsed {
        if let Some(hit) = lock(&self.inner).find(text, ty) {
            return Arc::clone(hit);
        }
        let parsed: Parsed =
            Arc::new(iamcheck::parse_policy(text, ty).map(|p| p.policy).map_err(|errors| {
                errors.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            }));
        lock(&self.inner).keep(text, ty, &parsed);
        parsed
    }

    /// The parse of the JSON object `raw` (its text as the request has it) as a `ty` policy:
    /// the same as [`ParseCache::get`] of the object written out compactly, which is what a
    /// miss does.
    ///
    /// # Errors
    /// When `raw` is not JSON (the request's reader checked it was).
    pub fn get_object(&self, raw: &str, ty: PolicyType) -> Result<Parsed, serde_json::Error> {
        if let Some(hit) = lock(&self.objects).find(raw, ty) {
            return Ok(Arc::clone(hit));
        }
        let object: serde_json::Value = serde_json::from_str(raw)?;
        let parsed = self.get(&object.to_string(), ty);
        lock(&self.objects).keep(raw, ty, &parsed);
        Ok(parsed)
    }
}

impl Entries {
    /// Keeps `parsed` for `text` unless it is kept already; the oldest entry goes first.
    fn keep(&mut self, text: &str, ty: PolicyType, parsed: &Parsed) {
        if self.find(text, ty).is_some() {
            return;
        }
        if self.order.len() >= CAPACITY {
            if let Some((ty, oldest)) = self.order.pop_front() {
                self.by_type.get_mut(&ty).map(|m| m.remove(&oldest));
            }
        }
        let key: Arc<str> = Arc::from(text);
        self.order.push_back((ty, Arc::clone(&key)));
        self.by_type.entry(ty).or_default().insert(key, Arc::clone(parsed));
    }
}

/// The entries, also after a thread panicked holding the lock (they are only ever complete
/// parses).
fn lock(entries: &Mutex<Entries>) -> std::sync::MutexGuard<'_, Entries> {
    entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;

    #[test]
    fn a_text_is_parsed_once_and_the_oldest_goes_first() {
        let cache = ParseCache::default();
        let first = cache.get(DOC, PolicyType::Identity);
        assert!(first.is_ok());
        assert!(Arc::ptr_eq(&first, &cache.get(DOC, PolicyType::Identity)));
        // Another type is another entry.
        assert!(!Arc::ptr_eq(&first, &cache.get(DOC, PolicyType::Resource)));
        for i in 0..CAPACITY {
            let doc = DOC.replace("GetObject", &format!("Get{i}"));
            assert!(cache.get(&doc, PolicyType::Identity).is_ok());
        }
        assert_eq!(lock(&cache.inner).len(), CAPACITY);
        assert!(!Arc::ptr_eq(&first, &cache.get(DOC, PolicyType::Identity)));
    }

    #[test]
    fn an_object_is_parsed_as_its_compact_text() {
        let cache = ParseCache::default();
        let raw = r#"{ "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"} }"#;
        let object = cache.get_object(raw, PolicyType::Identity);
        let compact = cache.get(DOC, PolicyType::Identity);
        assert!(object.as_ref().is_ok_and(|o| Arc::ptr_eq(o, &compact)), "{object:?}");
        // Found again by the raw text, also when the compact text has gone.
        lock(&cache.inner).by_type.clear();
        let again = cache.get_object(raw, PolicyType::Identity);
        assert!(again.as_ref().is_ok_and(|o| Arc::ptr_eq(o, &compact)));
        assert!(!Arc::ptr_eq(&compact, &cache.get(DOC, PolicyType::Identity)));
        assert!(cache.get_object("{", PolicyType::Identity).is_err());
    }

    #[test]
    fn errors_are_kept_as_messages() {
        let cache = ParseCache::default();
        let parsed = cache.get(r#"{"Statement": 1}"#, PolicyType::Identity);
        assert!(parsed.as_ref().as_ref().is_err_and(|e| !e.is_empty()), "{parsed:?}");
    }
}
