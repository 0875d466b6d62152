//! CI packaging: the commands action.yml runs, the pre-commit hook's README example, and the
//! README's library example, run here against `examples/`.

use crate::common::repo;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap()
}

/// The directory of the iamcheck binary under test, first on PATH.
fn path_with_iamcheck() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_iamcheck"));
    let dir = bin.parent().unwrap().display().to_string();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

/// Runs scripts/action-run.sh as action.yml does; (exit code, `result=` output, SARIF if any).
fn action(name: &str, env: &[(&str, &str)]) -> (i32, String, Option<Value>) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("action-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let sarif = dir.join("out.sarif");
    let output = dir.join("github-output");
    let _ = std::fs::remove_file(&sarif);
    std::fs::write(&output, "").unwrap();
    let out = Command::new(repo("scripts/action-run.sh"))
        .current_dir(repo(""))
        .env("PATH", path_with_iamcheck())
        .env("SARIF_FILE", &sarif)
        .env("GITHUB_OUTPUT", &output)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let result = std::fs::read_to_string(&output).unwrap();
    let log = std::fs::read(&sarif).ok().map(|b| serde_json::from_slice(&b).unwrap());
    (code, result.trim().to_string(), log)
}

fn results(log: &Value) -> usize {
    log["runs"][0]["results"].as_array().unwrap().len()
}

#[test]
fn the_actions_command_lines_run_on_the_examples() {
    let public = [
        ("CHECK", "check-no-public-access"),
        ("POLICY_DOCUMENT", "examples/public-put.json"),
        ("ARGS", "--resource-type AWS::S3::Bucket"),
    ];
    let (code, result, log) = action("fail", &public);
    assert_eq!((code, result.as_str()), (0, "result=FAIL"));
    let log = log.expect("a SARIF log");
    assert_eq!(results(&log), 1);
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], "examples/public-put.json");

    let private = [
        ("CHECK", "check-no-external-access"),
        ("POLICY_DOCUMENT", "examples/public-put-deny-outside.json"),
        ("ARGS", "--trusted-account 123456789012"),
    ];
    let (code, result, log) = action("pass", &private);
    assert_eq!((code, result.as_str()), (0, "result=PASS"));
    assert_eq!(results(&log.expect("a SARIF log")), 0);

    let new_access = [
        ("CHECK", "check-no-new-access"),
        ("POLICY_DOCUMENT", "examples/account-put-delete.json"),
        (
            "ARGS",
            "--existing-policy-document examples/public-put.json --policy-type RESOURCE_POLICY",
        ),
    ];
    let (code, result, log) = action("new", &new_access);
    assert_eq!((code, result.as_str()), (0, "result=FAIL"));
    assert_eq!(results(&log.expect("a SARIF log")), 1);

    // An error: no SARIF to upload, the result says ERROR.
    let bad = [
        ("CHECK", "check-no-public-access"),
        ("POLICY_DOCUMENT", "examples/public-put.json"),
        ("ARGS", "--resource-type S3"),
    ];
    let (code, result, log) = action("error", &bad);
    assert_eq!((code, result.as_str(), log.is_none()), (0, "result=ERROR", true));
    // A check the action does not know, or no input: a usage error of the step.
    let (code, _, _) = action("unknown", &[("CHECK", "check-everything")]);
    assert_eq!(code, 2);
    let (code, _, _) = action("none", &[("CHECK", "check-no-public-access")]);
    assert_eq!(code, 2);
}

/// The `with:` keys of the README's workflow examples are inputs of action.yml, and the
/// action runs the script tested above.
#[test]
fn the_readme_workflow_uses_the_actions_inputs() {
    let action = read("action.yml");
    assert!(action.contains("using: composite"));
    assert!(action.contains("scripts/action-run.sh"));
    assert!(action.contains("github/codeql-action/upload-sarif@"));
    let inputs: Vec<&str> = action
        .split("\noutputs:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|k| !k.starts_with(' '))
        .collect();
    assert!(inputs.contains(&"template-path") && inputs.contains(&"check"), "{inputs:?}");
    let readme = read("README.md");
    let mut seen = 0;
    for block in readme.split("uses: OWNER/iamcheck@main").skip(1) {
        let with = block.split("with:").nth(1).unwrap();
        for line in with.lines().skip(1) {
            let Some((key, _)) = line.trim().split_once(':') else { break };
            if line.trim().is_empty() || line.trim_start().starts_with('`') {
                break;
            }
            assert!(inputs.contains(&key), "README uses input `{key}`, not in action.yml");
            seen += 1;
        }
    }
    assert!(seen >= 4, "the README's workflow examples were not found");
}

/// The README's .pre-commit-config.yaml example: each hook's `args` run as pre-commit runs them
/// (`entry` then `args`, no file names) and pass on the examples.
#[test]
fn the_readme_pre_commit_example_runs() {
    let hooks = read(".pre-commit-hooks.yaml");
    for needle in ["- id: iamcheck", "entry: iamcheck", "language: rust", "pass_filenames: false"] {
        assert!(hooks.contains(needle), ".pre-commit-hooks.yaml lacks `{needle}`");
    }
    let readme = read("README.md");
    let config = readme.split("```yaml\nrepos:").nth(1).unwrap().split("```").next().unwrap();
    let mut ran = 0;
    for line in config.lines() {
        let Some(args) = line.trim().strip_prefix("args: ") else { continue };
        let args: Vec<String> = serde_json::from_str(args).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_iamcheck"))
            .args(&args)
            .current_dir(repo(""))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert_eq!(ran, 2);
}

/// The README's library example is examples/library.rs, which cargo compiles with the tests.
#[test]
fn the_readme_library_example_is_the_compiled_one() {
    let example = read("examples/library.rs");
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README's library example differs from examples/library.rs"
    );
}

/// The action on templates and plans of the shared IaC corpus (`template-path`).
#[test]
fn the_actions_command_lines_run_on_templates_and_plans() {
    let corpus = crate::common::iac_corpus();
    let template = corpus.join(
        "cloudformation/awslabs-aws-cloudformation-iam-policy-validator/skills_fixtures/public-bucket.yaml",
    );
    let template = template.display().to_string();
    let env = [("CHECK", "check-no-public-access"), ("TEMPLATE_PATH", template.as_str())];
    let (code, result, log) = action("template", &env);
    assert_eq!((code, result.as_str()), (0, "result=FAIL"));
    let log = log.expect("a SARIF log");
    assert!(log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| { r["ruleId"] == "check-no-public-access" && r["level"] == "error" }));
    // Every Terraform plan of the corpus's validator fixtures runs to a result.
    let plans = corpus.join("terraform/awslabs-terraform-iam-policy-validator");
    let mut stack = vec![plans];
    let mut ran = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") && ran < 5 {
                let text = std::fs::read_to_string(&path).unwrap();
                if !text.contains("\"planned_values\"") {
                    continue;
                }
                let plan = path.display().to_string();
                let env = [
                    ("CHECK", "check-access-not-granted"),
                    ("TEMPLATE_PATH", plan.as_str()),
                    ("ARGS", "--actions iam:PassRole"),
                ];
                let (code, result, log) = action(&format!("plan-{ran}"), &env);
                assert_eq!(code, 0, "{plan}");
                assert!(
                    ["result=PASS", "result=FAIL", "result=UNKNOWN"].contains(&result.as_str()),
                    "{plan}: {result}"
                );
                assert!(log.is_some(), "{plan}: no SARIF");
                ran += 1;
            }
        }
    }
    assert!(ran >= 1, "no plan found");
}
