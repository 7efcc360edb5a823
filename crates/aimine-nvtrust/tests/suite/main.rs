//! aimine-nvtrust's integration tests, one test binary (one link, one lint relaxation).
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

mod issuers;
mod known;
mod manifest;
mod mutations;
mod parsed_output;
mod testkit;
