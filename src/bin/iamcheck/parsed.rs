//! The policies `iamcheck batch` has parsed, by their text: a document that appears in many
//! requests (both directions of a version pair are consecutive lines; consecutive pairs share
//! a version; one reference policy against many others) is parsed once.
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
    inner: Mutex<Entries>,
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
        if let Some(hit) = self.lock().find(text, ty) {
            return Arc::clone(hit);
        }
        let parsed: Parsed =
            Arc::new(iamcheck::parse_policy(text, ty).map(|p| p.policy).map_err(|errors| {
                errors.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            }));
        let mut entries = self.lock();
        if entries.find(text, ty).is_none() {
            if entries.order.len() >= CAPACITY {
                if let Some((ty, oldest)) = entries.order.pop_front() {
                    entries.by_type.get_mut(&ty).map(|m| m.remove(&oldest));
                }
            }
            let key: Arc<str> = Arc::from(text);
            entries.order.push_back((ty, Arc::clone(&key)));
            entries.by_type.entry(ty).or_default().insert(key, Arc::clone(&parsed));
        }
        parsed
    }

    /// The entries, also after a thread panicked holding the lock (they are only ever
    /// complete parses).
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
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
        assert_eq!(cache.lock().len(), CAPACITY);
        assert!(!Arc::ptr_eq(&first, &cache.get(DOC, PolicyType::Identity)));
    }

    #[test]
    fn errors_are_kept_as_messages() {
        let cache = ParseCache::default();
        let parsed = cache.get(r#"{"Statement": 1}"#, PolicyType::Identity);
        assert!(parsed.as_ref().as_ref().is_err_and(|e| !e.is_empty()), "{parsed:?}");
    }
}
