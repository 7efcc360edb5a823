//! libFuzzer entry point for `aimine_fuzz::registry_proof`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::registry_proof::Input| {
    aimine_fuzz::registry_proof::run(input);
});
