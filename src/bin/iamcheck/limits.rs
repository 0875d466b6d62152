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
    let Some(a) = LIMITS.get() else {
        let request_model = MODEL.get().copied().unwrap_or_default();
        return Config { request_model, ..Config::default() };
    };
    let atoms = AtomBudget {
        cache_bytes: a.max_automaton_bytes,
        max_nodes: a.max_automaton_nodes,
        ..AtomBudget::default()
    };
    Config {
        encode: EncodeBudget { atoms, ..EncodeBudget::default() },
        max_search_nodes: a.max_search_nodes,
        timeout: a.timeout.map(Duration::from_secs_f64),
        request_model: MODEL.get().copied().unwrap_or_default(),
    }
}

static MODEL: OnceLock<iamcheck::RequestModel> = OnceLock::new();

/// Records `--request-model`; call once, before any check.
pub fn set_model(model: iamcheck::RequestModel) {
    let _ = MODEL.set(model);
}

/// The `requestModel` member of a JSON report, only under `--request-model catalog`: the
/// model's name and the catalogue's version (the default JSON is unchanged).
pub fn request_model_json() -> Option<serde_json::Value> {
    match MODEL.get().copied().unwrap_or_default() {
        iamcheck::RequestModel::AccessAnalyzer => None,
        iamcheck::RequestModel::Catalog => {
            let version = iamcheck::iam::catalog::catalog()
                .map_or_else(|e| e.to_string(), |c| c.version().to_string());
            Some(serde_json::json!({"name": "catalog", "catalogVersion": version}))
        }
    }
}

/// `json` (one JSON object) with [`request_model_json`] added, when there is one.
pub fn with_request_model(json: String) -> String {
    let Some(model) = request_model_json() else { return json };
    match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("requestModel".into(), model);
            serde_json::Value::Object(map).to_string()
        }
        _ => json,
    }
}
