//! libFuzzer entry point for `aimine_fuzz::tee_dcap_quote`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::tee_dcap_quote::run(data);
});
