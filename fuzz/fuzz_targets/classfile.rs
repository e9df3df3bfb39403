//! libFuzzer target: see [`appaudit_fuzz::classfile`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::classfile(data));
