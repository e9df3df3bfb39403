//! libFuzzer target: see [`appaudit_fuzz::axml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::axml(data));
