//! # aimine-nvtrust
//!
//! Verification of genuine NVIDIA confidential-computing attestation evidence — Hopper (H100),
//! Blackwell (B200) and NVSwitch (LS10) — in `#![no_std]`, zero-copy over `&[u8]`, with no
//! allocator, no clock and no network.
//!
//! What a verifier checks, in this order (the first failure is reported, see [`Error::check`]):
//! 1. **format**: the evidence is a strict SPDM 1.1 GET_MEASUREMENTS request followed by its
//!    MEASUREMENTS response ([`Evidence`]), and every certificate parses ([`Certificate`]);
//! 2. **nonce**: the request nonce equals the one the verifier expects (freshness);
//! 3. **chain**: leaf first, each certificate is issued and signed (ECDSA P-384/SHA-384) by the
//!    next, which is a CA allowed to sign certificates, all valid at the caller's time (a block
//!    timestamp), and the top is a caller-supplied [`TrustAnchor`] compared by public key —
//!    NVIDIA's Device Identity CA ([`trust_anchor::NVIDIA_DEVICE_IDENTITY_CA`]) by default;
//! 4. **signature**: the evidence's ECDSA P-384 signature over SHA-384 of everything before it,
//!    under the leaf key;
//! 5. **fwid**: the firmware ID the GPU reports (opaque field 20) equals the one in the leaf
//!    certificate; **opaque version**: the opaque-data layout is one we understand.
//!
//! The result, [`VerifiedGpu`], names the device ([`VerifiedGpu::gpu_id`], stable per physical
//! GPU) and exposes everything the evidence says (driver and VBIOS versions, mode, measurements).
//! Comparing the measurements with reference values is [`policy`]'s job.
//!
//! Around the verifier:
//! - [`known`]: NVIDIA's shared intermediates as constants, so quotes can omit them and their
//!   links cost no signature check; [`cache`]: a caller-owned [`LinkCache`] for device links, so
//!   a GPU that already attested costs one signature check (warm) instead of three (cold);
//! - `pem` (feature): PEM chains as NVIDIA's tools emit them; `testkit` (feature, tests only): a
//!   test PKI and signed evidence with chosen fields.
//!
//! ```
//! use aimine_nvtrust::{Check, UnixTime, verify_evidence};
//! // Anything that is not genuine evidence is refused with the check that failed.
//! let err = verify_evidence(&[0x11, 0xE0], &[], &[0; 32], UnixTime(1_750_000_000)).unwrap_err();
//! assert_eq!(err.check(), Check::Format);
//! ```
#![no_std]
#![forbid(unsafe_code)]

#[cfg(any(feature = "pem", feature = "testkit"))]
extern crate alloc;

pub mod cache;
pub mod cert;
mod der;
pub mod error;
pub mod evidence;
pub mod known;
pub mod opaque;
#[cfg(feature = "pem")]
pub mod pem;
pub mod policy;
mod reader;
mod signed_data;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod time;
pub mod trust_anchor;
pub mod verify;
pub mod verify_cert;

pub use cache::{LinkCache, LinkStore, NoCache, StoreError};
pub use cert::{Certificate, MAX_CERT_LEN};
pub use error::{CertError, Check, Error, FormatError};
pub use evidence::{Evidence, MAX_EVIDENCE_LEN, MeasurementBlock};
pub use opaque::{FeatureFlag, OpaqueData, OpaqueType, VbiosVersion};
pub use time::UnixTime;
pub use trust_anchor::TrustAnchor;
pub use verify::{
    Architecture, VerifiedGpu, verify_evidence, verify_evidence_with, verify_parsed_evidence,
};
pub use verify_cert::{MAX_CHAIN_LEN, VerifiedChain, verify_chain, verify_chain_cached};
