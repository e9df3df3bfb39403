//! libFuzzer target: see [`appaudit_fuzz::plist`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::plist(data));
