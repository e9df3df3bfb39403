//! libFuzzer target: see [`appaudit_fuzz::proto_xml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| appaudit_fuzz::proto_xml(data));
