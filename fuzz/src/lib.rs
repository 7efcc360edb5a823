//! # aimine-fuzz
//!
//! Every fuzz target's body is a plain function here, taking a structured input built with
//! [`arbitrary`]. The binaries in `fuzz_targets/` hand libFuzzer's input to these functions (run
//! them with `cargo xtask fuzz <target> [seconds]`); `tests/smoke.rs` runs the same functions over a
//! small deterministic corpus on stable, so the targets never rot.
//!
//! A target panics only when an invariant of the code under test breaks: that is the finding.
#![forbid(unsafe_code)]
#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

pub mod collateral_submit;
pub mod corpus;
pub mod envelope_gpu;
pub mod envelope_kinds;
pub mod evm_calls;
pub mod mldsa_differential;
pub mod mldsa_verify;
pub mod nvtrust_cert;
pub mod nvtrust_evidence;
pub mod p384_differential;
pub mod registry_calls;
pub mod registry_proof;
pub mod rim_parse;
pub mod seeds;
pub mod tee_dcap_quote;
pub mod tee_sev_report;
pub mod tiers_reward;

/// The names of every fuzz target, as `cargo fuzz` and `cargo xtask fuzz` know them.
pub const TARGETS: &[&str] = &[
    "collateral_submit",
    "envelope_gpu",
    "envelope_kinds",
    "evm_calls",
    "mldsa_differential",
    "mldsa_verify",
    "nvtrust_cert",
    "nvtrust_evidence",
    "p384_differential",
    "registry_calls",
    "registry_proof",
    "rim_parse",
    "tee_dcap_quote",
    "tee_sev_report",
    "tiers_reward",
];
