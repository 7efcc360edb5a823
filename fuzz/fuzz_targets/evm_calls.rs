//! libFuzzer entry point for `aimine_fuzz::evm_calls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::evm_calls::Input| {
    aimine_fuzz::evm_calls::run(input);
});
