//! libFuzzer target: see [`appaudit_fuzz::policy`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::policy(data));
