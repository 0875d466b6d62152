//! IAM facts, one home: what AWS documents about requests, read by the parser,
//! the engine, `simulate` and the SMT-LIB export alike (docs/semantics.md cites
//! the AWS source of each fact).
//!
//! - [`partition`]: the partitions a caller and a resource live in.
//! - [`grammar`]: account ids, IAM names, unique ids, principal ARNs.
//! - [`caller`]: the kinds of callers and the identities AWS evaluates them as.
//! - [`keys`]: the global condition keys: availability per caller kind, sort,
//!   single- or multivalued.

pub mod caller;
pub mod grammar;
pub mod keys;
pub mod partition;
