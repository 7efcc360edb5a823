//! # aimine-registry
//!
//! The rules of AI mining as deterministic state machines, independent of any chain: a chain
//! supplies a [`Store`] (32-byte words under 32-byte keys, laid out as [`keys`] documents), the
//! block context ([`BlockEnv`]), the caller, an [`EventSink`] for its logs and, for claims, a
//! [`RewardSink`]. The same code runs in an EVM precompile, a Cosmos module or an enclave.
//!
//! The crate is laid out by concern, each adding its calls to [`Registry`]:
//! - **governance** (`governance/`): the admin (handed over in two steps), parameters within
//!   bounds ([`Param`], [`Config`]), GPU trust anchors, CPU roots and banned advisories, golden
//!   measurement sets and compute units ([`golden_set_key`]), revocation;
//! - **appraisal** (`appraisal/`): a quote of any kind — an NVIDIA GPU, an Intel TDX/SGX or AMD
//!   SEV-SNP CPU, or a composite of a CPU and its GPUs — verified and valued as one
//!   [`Appraisal`]; collateral and VCEKs anyone may supply;
//! - **sessions** (`sessions/`): opened from an appraisal whose nonce binds it to this chain, the
//!   submitting account (the owner), the miner, the epoch and an optional ML-DSA session key
//!   ([`session_nonce`]); refreshed, paid by heartbeats (`base_rate × elapsed × compute_units ×
//!   tier multiplier`), settled and ended. A device (GPU or platform) is counted by at most one
//!   active session, as its own device or as a bound GPU of a composite ([`Devices`]);
//! - **balances** (`balances/`): mining balances claimed through a [`RewardSink`], and the
//!   Public tier's stakes (0.25x, no quote);
//! - **models** (`models.rs`): registration and execution receipts signed by attested session
//!   keys ([`execution_message`]);
//! - **Lux compatibility** ([`lux`]): `verifyMLDSA`, `getSecurityLevel`, `calculateReward`,
//!   `computeWorkId`, `isSpent`, `markSpent`.
//!
//! Beneath them: the [`Store`] trait, the storage layout ([`keys`]), events ([`Event`]) and
//! errors ([`Error`]). Every state change emits an event.
//!
//! Nothing here reads a clock, draws randomness, uses floats or iterates a hash map: time is the
//! block's (an aimine-time [`UnixTime`]; durations are plain seconds), and every branch depends
//! only on the store and the arguments.
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

// CPU TEE verification (aimine-tee) allocates; everything else here does not.
extern crate alloc;

/// Whether this build verifies Intel TDX and SGX quotes (feature `intel`). Every node of a chain
/// that accepts Intel quotes ([`Param::IntelQuotes`]) must be built with it: one without stops
/// on an Intel quote ([`Error::IntelUnavailable`]) rather than disagree.
pub const INTEL_SUPPORTED: bool = cfg!(feature = "intel");

mod appraisal;
mod balances;
mod blob;
mod config;
mod env;
mod error;
mod event;
mod governance;
pub mod keys;
pub mod lux;
mod models;
mod registry;
mod sessions;
mod store;

pub use aimine_tiers::Kind;
pub use aimine_time::UnixTime;
pub use appraisal::{Appraisal, NONCE_LEN, collateral_key, device_chain_digest, vcek_key};
pub use balances::public_device_id;
pub use blob::MAX_BLOB_LEN;
pub use config::{
    AmdTcbFloor, Config, MAX_ATTESTATION_TTL, MAX_BASE_RATE, MAX_COMPUTE_UNITS,
    MAX_HEARTBEAT_INTERVAL, MAX_STAKE_COOLDOWN, Param,
};
pub use env::{Address, BlockEnv};
pub use error::Error;
pub use event::{EndReason, Event, EventSink, NoEvents, RewardSink};
pub use governance::{
    ANCHOR_KEY_LEN, MAX_AMD_ROOTS, MAX_ANCHORS, MAX_ENTRIES, advisory_hash, golden_set_key, sku_key,
};
pub use models::{
    DEFAULT_MIN_TIER, EXECUTION_DOMAIN, MAX_METADATA_LEN, MAX_NAME_LEN, Model, Proof, decode_proof,
    encode_proof, execution_message, model_id, receipt_id,
};
pub use registry::Registry;
pub use sessions::field as session_field;
pub use sessions::{
    CHAIN_DIGEST_LEN, Devices, HEARTBEAT_DOMAIN, MAX_BOUND_GPUS, MAX_KEY_LEN, NONCE_DOMAIN,
    Session, heartbeat_message, key_hash, session_id, session_nonce,
};
#[cfg(feature = "memory")]
pub use store::MemoryStore;
pub use store::{Store, Word, Work, ZERO, word};
