//! libFuzzer entry point for `aimine_fuzz::tee_sev_report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::tee_sev_report::run(data);
});
