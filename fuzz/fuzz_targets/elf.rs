//! libFuzzer target: see [`appaudit_fuzz::elf`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::elf(data));
