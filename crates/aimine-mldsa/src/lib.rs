//! # aimine-mldsa
//!
//! Verification of FIPS 204 ML-DSA ("pure" mode, §5.3) signatures for the aimine precompiles,
//! as a thin typed layer over the [`libcrux_ml_dsa`] crate (Cryspen's libcrux).
//!
//! Why a wrapper: callers on chain hand us untrusted byte strings of arbitrary length. This crate
//! turns them into the fixed-size arrays the backend wants, reports *why* a check failed as a typed
//! [`Error`], and never panics, whatever the input. It is `#![no_std]` and needs no allocator, so an
//! enclave or a light client can verify heartbeats with it alone.
//!
//! ## The backend, and how it is checked
//!
//! There is one backend, libcrux-ml-dsa: it is what every node runs, so the verdict is never a
//! setting. It was chosen for speed, because the precompile's gas price follows its time: libcrux
//! picks AVX2 code on x86-64 (NEON on AArch64) at run time where the CPU has it, and its portable
//! code otherwise, and verifies 2.5 to 2.8 times faster than the fips204 crate that was the backend
//! before (ML-DSA-65: 64 µs against 160 µs on the 2-core development machine with AVX2;
//! `cargo xtask bench`, rows `mldsa*_verify` against `mldsa*_verify_fips204`). Parts of
//! libcrux's code are formally verified (hax/F*). The version is 0.0.11 exactly (a `0.0.x`
//! requirement is exact); 0.0.8 and 0.0.9 fixed verification bugs, so nothing older may be used.
//!
//! FIPS 204 fixes the verdict for every input, and two implementations must agree on all of them.
//! The fips204 crate stays as the reference: the `reference` cargo feature exposes it as
//! `aimine_mldsa::reference::{verify, verify_any}`, with the same checks and errors, for tests
//! and fuzzing; nothing selects it as a backend. The tests check that the shipped backend,
//! libcrux's portable and AVX2 code called directly, and the reference give the same verdict on
//! every Wycheproof ML-DSA case, on round trips with mutated keys, signatures, messages and
//! contexts, and on thousands of deterministic pseudo-random mutations; the `mldsa_differential`
//! fuzz target keeps comparing them. No input has been found on which they differ. Where
//! implementations are known to drift apart, both follow FIPS 204: the hint encoding is decoded
//! strictly (Algorithm 21: counters non-decreasing and at most ω, indices strictly increasing
//! within a polynomial, unused bytes zero), ‖z‖∞ < γ1 − β is checked, the context is bound as
//! `0 ‖ len ‖ ctx` and limited to 255 bytes, and `pkDecode` accepts every key of the right length.
//! The length and context checks run here, before either backend, so both see the same inputs.
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

mod backend;
mod error;
mod level;
#[cfg(feature = "reference")]
pub mod reference;
mod verify;

pub use error::Error;
pub use level::Level;
pub use verify::{MAX_CONTEXT_LEN, verify, verify_any};
