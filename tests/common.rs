//! Shared helpers: loading policies, running the binary, replaying witnesses.

use iamcheck::{
    check_access_not_granted, check_no_new_access, parse_policy, simulate, Access, Config,
    Decision, Policy, PolicyType, Request, Verdict,
};
use std::path::PathBuf;
use std::process::{Command, Output};

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The shared IaC corpus: `../shared/iac-corpus` beside the repository, or two levels up for
/// a worktree under `wt/`.
pub fn iac_corpus() -> PathBuf {
    let root = repo("");
    [root.join("../shared/iac-corpus"), root.join("../../shared/iac-corpus")]
        .into_iter()
        .find(|p| p.join("README.md").is_file())
        .expect("the IaC corpus (shared/iac-corpus)")
}

pub fn example(name: &str) -> String {
    repo(&format!("examples/{name}")).display().to_string()
}

pub fn policy(text: &str, ty: PolicyType) -> Policy {
    match parse_policy(text, ty) {
        Ok(p) => p.policy,
        Err(e) => panic!("policy does not parse: {e}\n{text}"),
    }
}

pub fn iamcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamcheck")).args(args).output().expect("run iamcheck")
}

/// Runs `iamcheck batch` on `input` (standard input): its whole output.
pub fn batch_output(input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamcheck"))
        .arg("batch")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run iamcheck batch");
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("write batch input");
    }
    child.wait_with_output().expect("batch output")
}

/// Runs the binary with `--output json` and parses stdout.
pub fn iamcheck_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--output", "json"]);
    let out = iamcheck(&all);
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); exit {code}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, value)
}

/// simulate's decision; `Unknown` is only accepted where the policy has
/// constructs simulate leaves undecided (the engine's witness holds for
/// every reading of them, simulate's three-valued logic may not see it).
fn decision(p: &Policy, ty: PolicyType, r: &Request) -> Decision {
    let sim = simulate(p, ty, r).unwrap_or_else(|e| panic!("simulate rejected witness {r:?}: {e}"));
    if sim.decision == Decision::Unknown {
        assert!(!sim.undecided.is_empty(), "Unknown without an undecided statement: {r:?}");
    }
    sim.decision
}

/// check-no-new-access, with every FAIL's witness replayed through simulate.
pub fn no_new_access(existing: &Policy, new: &Policy, ty: PolicyType) -> Verdict {
    let v = check_no_new_access(existing, new, ty, &Config::default());
    if let Verdict::Fail { witness, reasons } = &v {
        assert_eq!(
            decision(new, ty, witness),
            Decision::Allow,
            "new policy must allow witness {witness:?}"
        );
        let old = decision(existing, ty, witness);
        assert!(
            matches!(old, Decision::ImplicitDeny | Decision::ExplicitDeny | Decision::Unknown),
            "existing policy must not allow witness {witness:?}: {old:?}"
        );
        assert!(!reasons.is_empty(), "a FAIL names its statements");
    }
    v
}

/// The access as a policy allowing exactly it (for replaying witnesses).
pub fn access_policy(access: &Access, ty: PolicyType) -> Policy {
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            vec!["*".to_string()]
        } else {
            v.clone()
        }
    };
    let mut st = serde_json::json!({"Effect": "Allow", "Action": list(&access.actions), "Resource": list(&access.resources)});
    if ty == PolicyType::Resource {
        st["Principal"] = "*".into();
    }
    policy(&serde_json::json!({"Version": "2012-10-17", "Statement": [st]}).to_string(), ty)
}

/// check-access-not-granted, with every FAIL's witness replayed.
pub fn access_not_granted(p: &Policy, access: &Access, ty: PolicyType) -> Verdict {
    let v = check_access_not_granted(p, access, ty, &Config::default());
    if let Verdict::Fail { witness, .. } = &v {
        assert_eq!(
            decision(p, ty, witness),
            Decision::Allow,
            "policy must allow witness {witness:?}"
        );
        let target = access_policy(access, ty);
        assert_eq!(
            decision(&target, ty, witness),
            Decision::Allow,
            "witness {witness:?} must be within the access"
        );
    }
    v
}

pub fn result(v: &Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail { .. } => "FAIL",
        Verdict::Unknown { .. } => "UNKNOWN",
    }
}

/// One case of an aa-samples-shaped corpus (JSON Lines `text`): the case, its policy type,
/// existing and new policies.
pub fn aa_cases(text: &str) -> Vec<(serde_json::Value, PolicyType, Policy, Policy)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let ty = match case["policy_type"].as_str() {
            Some("RESOURCE_POLICY") => PolicyType::Resource,
            _ => PolicyType::Identity,
        };
        // Cases AWS would reject (the `<ACCOUNT ID>` placeholder) are left out;
        // tests/corpus.rs counts them.
        let (Some(existing), Some(new)) = (
            parsed(&case["existing_policy"].to_string(), ty),
            parsed(&case["new_policy"].to_string(), ty),
        ) else {
            continue;
        };
        out.push((case, ty, existing, new));
    }
    out
}

/// The policy, or `None` when it does not parse (an input AWS rejects).
pub fn parsed(text: &str, ty: PolicyType) -> Option<Policy> {
    parse_policy(text, ty).ok().map(|p| p.policy)
}

/// Quacky's labelled pairs (tests/data/quacky-pairs.jsonl): each row (`id`, `original`,
/// `mutant`, the labels) with its policy type, decided structurally: a resource policy when
/// a statement of either policy has a `Principal` or `NotPrincipal` element, else an identity
/// policy. Rows whose policies AWS rejects are kept (the callers count them).
pub fn quacky_pairs() -> Vec<(serde_json::Value, PolicyType)> {
    let text = std::fs::read_to_string(repo("tests/data/quacky-pairs.jsonl")).unwrap();
    let names_principal = |doc: &serde_json::Value| {
        let statements = match &doc["Statement"] {
            serde_json::Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        statements.iter().any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
    };
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let ty = if names_principal(&row["original"]) || names_principal(&row["mutant"]) {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        out.push((row, ty));
    }
    out
}
