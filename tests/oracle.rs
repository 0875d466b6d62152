//! The independent oracle (scripts/oracle/ci.sh: iam-simulate from npm, differential run and
//! witness replay). It needs node, npm and the network, so it runs only with IAMCHECK_ORACLE=1;
//! CI runs the script directly from `.ci/run`.

use std::path::Path;
use std::process::Command;

#[test]
fn oracle_differential_and_witness_replay() {
    if std::env::var("IAMCHECK_ORACLE").as_deref() != Ok("1") {
        eprintln!("skipping the oracle run: set IAMCHECK_ORACLE=1 (needs node, npm and python3)");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/oracle/ci.sh");
    let status = Command::new(&script).status().expect("scripts/oracle/ci.sh runs");
    assert!(status.success(), "scripts/oracle/ci.sh found an unexplained disagreement ({status})");
}
