//! libFuzzer entry point for `aimine_fuzz::tiers_reward`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: aimine_fuzz::tiers_reward::Input| {
    aimine_fuzz::tiers_reward::run(input);
});
