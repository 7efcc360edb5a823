//! libFuzzer entry point for `aimine_fuzz::registry_calls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::registry_calls::Input| {
    let _ = aimine_fuzz::registry_calls::run(input);
});
