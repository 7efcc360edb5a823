//! libFuzzer entry point for `aimine_fuzz::mldsa_verify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::mldsa_verify::Input| {
    aimine_fuzz::mldsa_verify::run(input);
});
