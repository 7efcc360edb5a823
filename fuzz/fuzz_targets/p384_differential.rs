//! libFuzzer entry point for `aimine_fuzz::p384_differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::p384_differential::Input| {
    aimine_fuzz::p384_differential::run(input);
});
