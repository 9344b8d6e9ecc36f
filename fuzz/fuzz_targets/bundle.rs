#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| postwacht_fuzz::bundle_input(data));
