//! libFuzzer entry point for `aimine_fuzz::collateral_submit`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::collateral_submit::run(data);
});
