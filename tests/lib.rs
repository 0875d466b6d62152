//! The integration test binary: one binary, one module per topic.

mod common;

mod cli;
mod corpus;
mod errors;
mod examples;
mod laws;
mod props;
