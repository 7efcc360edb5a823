//! # aimine-registry
//!
//! The rules of AI mining as deterministic state machines, independent of any chain: a chain
//! supplies a [`Store`] (32-byte words under 32-byte keys, laid out as [`keys`] documents), the
//! block context ([`BlockEnv`]), the caller, an [`EventSink`] for its logs and, for claims, a
//! [`RewardSink`]. The same code runs in an EVM precompile, a Cosmos module or an enclave.
//!
//! - **Sessions** ([`Registry::start_session`]) start from a verified NVIDIA, CPU TEE or
//!   composite quote whose nonce binds it to this chain, the account that submits it (who owns
//!   the session), the miner, the epoch and an optional ML-DSA session key
//!   ([`session::session_nonce`]), checked against the governed trust anchors and golden
//!   measurements ([`golden`]); heartbeats pay `base_rate × elapsed × compute_units × tier
//!   multiplier` into the miner's balance, claimed through a [`RewardSink`]. A device (GPU or
//!   platform) is counted by at most one active session, as its own device or as a bound GPU of
//!   a composite; a newer quote of the same device, kind and miner refreshes it.
//! - **Public tier** ([`stake`]): a stake instead of a quote, 0.25x.
//! - **Models** ([`model`]): registration and execution proofs signed by attested session keys.
//! - **Lux compatibility** ([`lux`]): `verifyMLDSA`, `getSecurityLevel`, `calculateReward`,
//!   `computeWorkId`, `isSpent`, `markSpent`.
//! - **Governance**: an admin (handed over in two steps) sets every parameter ([`Param`]) within
//!   bounds ([`config`]), anchors, golden sets, compute units, revocations and spenders; every
//!   state change emits an [`Event`].
//!
//! Nothing here reads a clock, draws randomness, uses floats or iterates a hash map: time is the
//! block's, and every branch depends only on the store and the arguments.
#![no_std]
#![forbid(unsafe_code)]

// CPU TEE verification (aimine-tee) allocates; everything else here does not.
extern crate alloc;

/// Whether this build verifies Intel TDX and SGX quotes (feature `intel`). Every node of a chain
/// that accepts Intel quotes ([`Param::IntelQuotes`]) must be built with it: one without stops
/// on an Intel quote ([`Error::IntelUnavailable`]) rather than disagree.
pub const INTEL_SUPPORTED: bool = cfg!(feature = "intel");

pub mod blob;
pub mod config;
pub mod cpu;
pub mod env;
pub mod error;
pub mod event;
pub mod golden;
pub mod keys;
pub mod lux;
pub mod model;
pub mod registry;
pub mod session;
pub mod stake;
pub mod store;

pub use config::{Config, Param};
pub use env::{Address, BlockEnv};
pub use error::Error;
pub use event::{Event, EventSink, RewardSink};
pub use registry::{Appraisal, Registry};
#[cfg(feature = "memory")]
pub use store::MemoryStore;
pub use store::{Store, Word, Work};
