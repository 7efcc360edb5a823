//! libFuzzer entry point for `aimine_fuzz::mldsa_differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::mldsa_differential::Input| {
    let _verdict = aimine_fuzz::mldsa_differential::run(input);
});
