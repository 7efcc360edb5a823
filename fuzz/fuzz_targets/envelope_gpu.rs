//! libFuzzer entry point for `aimine_fuzz::envelope_gpu`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aimine_fuzz::envelope_gpu::run(data);
});
