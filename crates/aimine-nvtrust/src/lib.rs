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
//!    NVIDIA's Device Identity CA ([`NVIDIA_DEVICE_IDENTITY_CA`]) by default;
//! 4. **signature**: the evidence's ECDSA P-384 signature over SHA-384 of everything before it,
//!    under the leaf key;
//! 5. **fwid**: the firmware ID the GPU reports (opaque field 20) equals the one in the leaf
//!    certificate; **opaque version**: the opaque-data layout is one we understand.
//!
//! The result, [`VerifiedGpu`], names the device ([`VerifiedGpu::gpu_id`], stable per physical
//! GPU) and exposes everything the evidence says (driver and VBIOS versions, mode, measurements).
//! Comparing the measurements with reference values is [`check_measurements`]' job (or
//! [`MeasurementCheck`]'s, for entries streamed from storage).
//!
//! Around the verifier:
//! - [`KNOWN_CERTS`]: NVIDIA's shared intermediates as constants, so quotes can omit them and
//!   their links cost no signature check; a caller-owned [`LinkStore`] (such as [`LinkCache`])
//!   for device links, so a GPU that already attested costs one signature check (warm) instead
//!   of three (cold);
//! - [`verify_chain`]: the same chain rules for other NVIDIA-signed documents (RIMs);
//! - `decode_pem_chain` (feature `pem`): PEM chains as NVIDIA's tools emit them; `testkit`
//!   (feature, tests only): a test PKI and signed evidence with chosen fields.
//!
//! Every item has one path, at the crate root; only the test forge is a module of its own.
//!
//! ```
//! use aimine_nvtrust::{GpuCheck, UnixTime, verify_evidence};
//! // Anything that is not genuine evidence is refused with the check that failed.
//! let err = verify_evidence(&[0x11, 0xE0], &[], &[0; 32], UnixTime(1_750_000_000)).unwrap_err();
//! assert_eq!(err.check(), GpuCheck::Format);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

#[cfg(any(feature = "pem", feature = "testkit"))]
extern crate alloc;

mod cache;
mod cert;
mod der;
mod error;
mod evidence;
mod known;
mod opaque;
#[cfg(feature = "pem")]
mod pem;
mod policy;
mod reader;
mod signed_data;
#[cfg(feature = "testkit")]
pub mod testkit;
mod time;
mod trust_anchor;
mod verify;
mod verify_cert;

pub use cache::{Issuer, LinkCache, LinkStore, NoCache, StoreError, link_key};
pub use cert::{
    BasicConstraints, Certificate, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, MAX_CERT_LEN,
};
pub use error::{CertError, Error, FormatError, GpuCheck};
pub use evidence::{
    Blocks, Evidence, MAX_EVIDENCE_LEN, MeasurementBlock, NONCE_LEN, SIGNATURE_LEN,
};
pub use known::{KNOWN_CERTS, KnownCert};
pub use opaque::{
    FeatureFlag, Nvdec0Status, OpaqueData, OpaqueField, OpaqueFields, OpaqueType, VBIOS_TEXT_LEN,
    VbiosVersion,
};
#[cfg(feature = "pem")]
pub use pem::{PemError, decode_pem_chain};
pub use policy::{
    GoldenMeasurement, GoldenSet, MeasurementCheck, NVDEC0_INDEX, appraise_measurements,
    check_measurements,
};
pub use time::UnixTime;
pub use trust_anchor::{NVIDIA_DEVICE_IDENTITY_CA, TrustAnchor};
pub use verify::{
    Architecture, MAX_OPAQUE_DATA_VERSION, VerifiedGpu, verify_evidence, verify_evidence_with,
};
pub use verify_cert::{MAX_CHAIN_LEN, VerifiedChain, verify_chain};
