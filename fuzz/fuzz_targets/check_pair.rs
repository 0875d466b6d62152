//! Two documents separated by a NUL byte: if both parse, the check never
//! panics, and a FAIL's witness is allowed by the new policy and not by the
//! existing one in `simulate`.
#![no_main]
use iamcheck::{check_no_new_access, parse_policy, simulate, Config, Decision, PolicyType, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some((a, b)) = text.split_once('\0') else { return };
    for ty in [PolicyType::Identity, PolicyType::Resource] {
        let (Ok(e), Ok(n)) = (parse_policy(a, ty), parse_policy(b, ty)) else { continue };
        let config = Config { max_search_nodes: 20_000, ..Config::default() };
        if let Verdict::Fail { witness, .. } = check_no_new_access(&e.policy, &n.policy, ty, &config) {
            let new = simulate(&n.policy, ty, &witness).map(|s| s.decision);
            let old = simulate(&e.policy, ty, &witness).map(|s| s.decision);
            assert_eq!(new, Ok(Decision::Allow), "witness {witness:?}");
            assert!(!matches!(old, Ok(Decision::Allow)), "witness {witness:?}");
        }
    }
});
