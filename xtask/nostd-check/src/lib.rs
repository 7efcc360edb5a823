//! A `#![no_std]` static library that links every aimine library crate with default features off.
//!
//! If any of them (or any of their dependencies) links `std`, std's own panic handler collides
//! with the one below and the build fails with "found duplicate lang item `panic_impl`". Built by
//! `cargo xtask nostd` alone (`--package`, so no other member's features unify in), with the
//! `check` feature and the `nostd` profile (panic = "abort"); `--features std-canary` pulls in std
//! on purpose and must fail. Without `check` (plain workspace builds) it is an empty std library.
#![cfg_attr(feature = "check", no_std)]

// Keep every layer in the link, so nothing is pruned before the std check.
pub use aimine_envelope as envelope;
pub use aimine_evm as evm;
pub use aimine_mldsa as mldsa;
pub use aimine_nvtrust as nvtrust;
pub use aimine_p384 as p384;
pub use aimine_registry as registry;
pub use aimine_tee as tee;
pub use aimine_tiers as tiers;
pub use aimine_time as time;
#[cfg(feature = "std-canary")]
pub use hex as canary;

/// The allocator a no_std library that uses `alloc` must name (aimine-evm and the registry's
/// in-memory store allocate). It refuses every allocation: this library is linked to prove no
/// crate needs std, never run.
#[cfg(feature = "check")]
struct NoAlloc;

// SAFETY: returning null is always a valid answer of `alloc` (allocation failure), and
// `dealloc` is never given a pointer this allocator produced, because it produces none.
#[cfg(feature = "check")]
#[allow(unsafe_code)]
unsafe impl core::alloc::GlobalAlloc for NoAlloc {
    unsafe fn alloc(&self, _: core::alloc::Layout) -> *mut u8 {
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}
}

#[cfg(feature = "check")]
#[global_allocator]
static ALLOCATOR: NoAlloc = NoAlloc;

#[cfg(feature = "check")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
