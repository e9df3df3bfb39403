//! libFuzzer target: see [`appaudit_fuzz::zip`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::zip(data));
