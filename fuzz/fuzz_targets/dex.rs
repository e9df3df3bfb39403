//! libFuzzer target: see [`appaudit_fuzz::dex`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::dex(data));
