//! A `#![no_std]` static library that links every aimine library crate with default features off.
//!
//! If any of them (or any of their dependencies) links `std`, std's own panic handler collides
//! with the one below and the build fails with "found duplicate lang item `panic_impl`". Built by
//! `cargo xtask nostd` alone (`--package`, so no other member's features unify in), with the
//! `check` feature and the `nostd` profile (panic = "abort"); `--features std-canary` pulls in std
//! on purpose and must fail. Without `check` (plain workspace builds) it is an empty std library.
#![cfg_attr(feature = "check", no_std)]
#![forbid(unsafe_code)]

// Keep every layer in the link, so nothing is pruned before the std check.
pub use aimine_evm as evm;
pub use aimine_mldsa as mldsa;
pub use aimine_nvtrust as nvtrust;
pub use aimine_registry as registry;
pub use aimine_tiers as tiers;
#[cfg(feature = "std-canary")]
pub use hex as canary;

#[cfg(feature = "check")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
