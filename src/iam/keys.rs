//! The global condition keys as AWS documents them ("AWS global condition
//! context keys"): which requests carry each key, its sort, and whether it is
//! single- or multivalued. Filled in by the key-availability work (issue 11 §3).
