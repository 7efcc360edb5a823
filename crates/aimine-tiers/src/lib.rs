//! # aimine-tiers
//!
//! The hardware trust tiers of AI mining and the reward arithmetic built on them.
//!
//! | tier | `uint8` | hardware | multiplier |
//! |---|---|---|---|
//! | [`TrustTier::Sovereign`] | 4 | NVIDIA Blackwell | 1.5x (15,000 bps) |
//! | [`TrustTier::Confidential`] | 3 | NVIDIA Hopper (H100), Intel TDX, AMD SEV-SNP | 1.0x (10,000 bps) |
//! | [`TrustTier::Private`] | 2 | Intel SGX, NVIDIA A100 | 0.5x (5,000 bps) |
//! | [`TrustTier::Public`] | 1 | consumer GPU (stake-based, no hardware quote) | 0.25x (2,500 bps) |
//!
//! [`Kind`] names the evidence behind a device (a GPU's, a CPU TEE's, a composite's, or a
//! stake), with one number from the quote envelope to the session record.
//!
//! Everything is integer arithmetic: multipliers are basis points ([`Multiplier`]) and rewards are
//! computed with checked `u128` operations that return [`Error::RewardOverflow`] rather than wrap or
//! saturate (see [`reward`]), so that consensus code never silently pays a wrong amount.
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod error;
mod hardware;
mod kind;
mod multiplier;
mod reward;
mod tier;

pub use error::Error;
pub use hardware::Hardware;
pub use kind::Kind;
pub use multiplier::Multiplier;
pub use reward::{reward, reward_with_multiplier};
pub use tier::TrustTier;
