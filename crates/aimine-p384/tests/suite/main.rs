//! aimine-p384's integration tests, one test binary (one link, one lint relaxation).
//!
//! Test code may assert freely: the hostile-input lints the workspace denies in library code
//! are relaxed here once for every module below.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;
mod edges;
mod nvidia;
mod wycheproof;
