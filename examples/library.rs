//! iamcheck as a library: check a candidate policy against a reference policy and replay the
//! witness (the README's example; `cargo run --example library` from the repository root).

use iamcheck::{parse_policy, simulate, Check, Config, Decision, PolicyType, Verdict};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let existing = std::fs::read_to_string("examples/reference-account-only.json")?;
    let new = std::fs::read_to_string("examples/public-put.json")?;
    // A parse error lists every error of the document, each located.
    let existing = parse_policy(&existing, PolicyType::Resource)?;
    let new = parse_policy(&new, PolicyType::Resource)?;
    let check = Check::no_new_access(existing.policy, new.policy, PolicyType::Resource);
    match check.run(&Config::default()) {
        Verdict::Pass => println!("PASS"),
        Verdict::Fail { witness, reasons } => {
            // A request the new policy allows and the existing one does not: replay it.
            let replay = simulate(check.policy(), PolicyType::Resource, &witness)?;
            assert_eq!(replay.decision, Decision::Allow);
            let statements: Vec<usize> = reasons.iter().map(|r| r.statement_index).collect();
            println!("FAIL: statements {statements:?} allow {}", serde_json::to_string(&witness)?);
        }
        // Never a guess: a budget ran out or a construct is not decided exactly.
        Verdict::Unknown { reason } => println!("UNKNOWN ({}): {reason}", reason.code()),
    }
    Ok(())
}
