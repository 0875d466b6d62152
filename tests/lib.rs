//! The integration test binary: one binary, one module per topic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

mod adversarial;
mod batch;
mod cli;
mod corpus;
mod diff;
mod errors;
mod examples;
mod laws;
mod oracle;
mod principals;
mod props;
mod public;
mod regression;
mod smtlib;
mod variable_checks;
mod variables;
