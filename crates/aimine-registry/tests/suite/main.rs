//! aimine-registry's integration tests, one test binary (one link, one lint relaxation).
//!
//! Test code may assert freely: the hostile-input lints the workspace denies in library code
//! are relaxed here once for every module below (`.clippy.toml` does the same for `#[test]`
//! functions and `#[cfg(test)]` modules in `src/`); shared helpers live in aimine-vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod anchors;
mod attacks;
mod cpu_sessions;
mod devices;
mod golden;
mod layout;
mod models;
mod public_and_lux;
mod review16;
mod sessions;
