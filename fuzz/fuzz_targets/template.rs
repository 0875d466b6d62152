//! The template and plan front ends never panic, hang or run out of memory:
//! arbitrary text read as a CloudFormation template (JSON or YAML) or a
//! Terraform plan either yields policies or a located error, within the
//! node and depth budgets; every policy found then goes through a check.
//! Small budgets keep each run fast, and so alias bombs and exponential
//! references meet them early.
#![no_main]
use iamcheck::iac::findings::{check, ReportOptions, TemplateCheck};
use iamcheck::iac::{extract, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = Options { max_nodes: 20_000, max_depth: 64, max_file_size: 64 << 10, ..Options::default() };
    match extract("fuzz.yaml", text, &options) {
        Ok(found) => {
            let config = iamcheck::Config { max_search_nodes: 2_000, ..Default::default() };
            let _ = check(&found, &TemplateCheck::NoPublicAccess, &Default::default(), &config, &ReportOptions::default());
            let _ = serde_json::to_string(&found);
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
