//! libFuzzer entry point for `aimine_fuzz::rim_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::rim_parse::run(data);
});
