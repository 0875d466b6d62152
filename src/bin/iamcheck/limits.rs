//! Limits on the command line: global options that set the library's
//! `ParseLimits` (exceeded: an error, exit 2) and `Config` budgets
//! (exceeded: UNKNOWN, exit 3).

use iamcheck::automata::AtomBudget;
use iamcheck::encode::EncodeBudget;
use iamcheck::{Config, ParseLimits};
use std::sync::OnceLock;
use std::time::Duration;

/// The limit options (valid before or after the subcommand).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Largest policy document, in bytes (exceeded: error, exit 2).
    #[arg(long, global = true, help_heading = "Limits", value_name = "BYTES", default_value_t = ParseLimits::default().max_size)]
    pub max_document_bytes: usize,
    /// Deepest JSON nesting (exceeded: error, exit 2; at most 512).
    #[arg(long, global = true, help_heading = "Limits", value_name = "N", default_value_t = ParseLimits::default().max_depth)]
    pub max_depth: usize,
    /// Most statements in a policy (exceeded: error, exit 2).
    #[arg(long, global = true, help_heading = "Limits", value_name = "N", default_value_t = ParseLimits::default().max_statements)]
    pub max_statements: usize,
    /// Longest string (action, resource, principal, condition key or value) in characters
    /// (exceeded: error, exit 2).
    #[arg(long, global = true, help_heading = "Limits", value_name = "N", default_value_t = ParseLimits::default().max_string_length)]
    pub max_pattern_length: usize,
    /// Memory for one field's automaton states, in bytes (exceeded: UNKNOWN, exit 3).
    #[arg(long, global = true, help_heading = "Limits", value_name = "BYTES", default_value_t = AtomBudget::default().cache_bytes)]
    pub max_automaton_bytes: usize,
    /// Most automaton search nodes per field (exceeded: UNKNOWN, exit 3).
    #[arg(long, global = true, help_heading = "Limits", value_name = "N", default_value_t = AtomBudget::default().max_nodes)]
    pub max_automaton_nodes: usize,
    /// Most product-search nodes per check (exceeded: UNKNOWN, exit 3).
    #[arg(long, global = true, help_heading = "Limits", value_name = "N", default_value_t = Config::default().max_search_nodes)]
    pub max_search_nodes: usize,
    /// Time limit per check in seconds, e.g. 2.5 (exceeded: UNKNOWN, exit 3; default: none).
    #[arg(long, global = true, help_heading = "Limits", value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

static LIMITS: OnceLock<LimitArgs> = OnceLock::new();

/// Records the options; call once, before any check.
pub fn set(args: LimitArgs) -> Result<(), String> {
    if let Some(t) = args.timeout {
        if !(t.is_finite() && t > 0.0) {
            return Err(format!("--timeout must be a positive number of seconds, got {t}"));
        }
    }
    let _ = LIMITS.set(args);
    Ok(())
}

/// The parse limits the options set (defaults before [`set`]).
pub fn parse_limits() -> ParseLimits {
    match LIMITS.get() {
        Some(a) => ParseLimits {
            max_depth: a.max_depth,
            max_size: a.max_document_bytes,
            max_statements: a.max_statements,
            max_string_length: a.max_pattern_length,
        },
        None => ParseLimits::default(),
    }
}

/// The check budgets the options set (defaults before [`set`]).
pub fn config() -> Config {
    let Some(a) = LIMITS.get() else { return Config::default() };
    let atoms = AtomBudget {
        cache_bytes: a.max_automaton_bytes,
        max_nodes: a.max_automaton_nodes,
        ..AtomBudget::default()
    };
    Config {
        encode: EncodeBudget { atoms, ..EncodeBudget::default() },
        max_search_nodes: a.max_search_nodes,
        timeout: a.timeout.map(Duration::from_secs_f64),
    }
}
