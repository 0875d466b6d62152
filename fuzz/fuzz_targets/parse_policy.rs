//! Parsing arbitrary bytes never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = iamcheck::parse_policy(text, iamcheck::PolicyType::Identity);
        let _ = iamcheck::parse_policy(text, iamcheck::PolicyType::Resource);
    }
});
