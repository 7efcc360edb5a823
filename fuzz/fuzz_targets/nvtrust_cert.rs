//! libFuzzer entry point for `aimine_fuzz::nvtrust_cert`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::nvtrust_cert::run(data);
});
