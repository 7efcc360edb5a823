//! # aimine-mldsa
//!
//! Verification of FIPS 204 ML-DSA ("pure" mode, §5.3) signatures for the aimine precompiles,
//! as a thin typed layer over the [`fips204`] crate.
//!
//! Why a wrapper: callers on chain hand us untrusted byte strings of arbitrary length. This crate
//! turns them into the fixed-size arrays `fips204` wants, reports *why* a check failed as a typed
//! [`Error`], and never panics, whatever the input. It is `#![no_std]` and needs no allocator, so an
//! enclave or a light client can verify heartbeats with it alone.
//!
//! ```
//! use aimine_mldsa::{Level, verify_any};
//! # let (pk, sig) = ([0u8; 1312], [0u8; 2420]);
//! // Any byte strings may come in; the level is read off the key length.
//! let verdict = verify_any(&pk, b"message", b"", &sig);
//! assert!(verdict.is_err());
//! assert_eq!(Level::from_public_key_len(pk.len()), Some(Level::MlDsa44));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod error;
mod level;
mod verify;

pub use error::Error;
pub use level::Level;
pub use verify::{MAX_CONTEXT_LEN, verify, verify_any};
