//! libFuzzer target: see [`appaudit_fuzz::macho`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::macho(data));
