//! libFuzzer entry point for `aimine_fuzz::nvtrust_evidence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::nvtrust_evidence::run(data);
});
