//! The integration test binary: one binary, one module per topic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

mod action;
mod action_whitespace;
mod adversarial;
mod batch;
mod catalog;
mod cli;
mod concretization;
mod corpus;
mod diff;
mod errors;
mod examples;
mod iac;
mod keys;
mod laws;
mod oracle;
mod principals;
mod props;
mod public;
mod regression;
mod sarif;
mod scripting;
mod smtlib;
mod variable_checks;
mod variables;
