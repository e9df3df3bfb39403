//! libFuzzer target: see [`appaudit_fuzz::pipeline`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::pipeline(data));
