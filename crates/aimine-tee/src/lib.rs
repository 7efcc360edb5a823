//! # aimine-tee
//!
//! Verification of CPU confidential-computing attestation — Intel TDX and SGX DCAP quotes and AMD
//! SEV-SNP reports — to one typed [`Attestation`], graded by a [`TcbPolicy`]. `#![no_std]` +
//! `alloc`; no clock (the caller passes the time, a block timestamp, as aimine-time's
//! [`UnixTime`]) and no network (collateral and certificates are inputs).
//!
//! - [`intel`] (feature `intel`, default): SGX v3, TDX v4 and v5 quotes through dcap-qvl against
//!   Intel's collateral and the pinned Intel SGX Root CA, TCB status and advisories read
//!   explicitly, stale collateral graded rather than fatal.
//! - [`sev`]: SEV-SNP reports (versions 2–5; Milan, Genoa, Turin) in one call,
//!   [`sev::verify`]: ECDSA P-384 under the VCEK or VLEK, the VCEK chain by RSASSA-PSS
//!   SHA-384 to AMD's ARK/ASK pinned per product (skipped for a chain the caller's
//!   [`sev::EndorsementStore`] verified before), the VCEK's TCB and hardware id equal to the
//!   report's, the caller's TCB floor, no debug guest, VMPL 0.
//! - [`TcbPolicy`]: the graded TCB policy.
//!
//! ## Platform ids
//! [`Attestation::platform_id`] names the physical machine, so a registry can allow one active
//! session per platform and revoke platforms:
//! - **Intel (TDX and SGX)**: SHA-256 of the PPID (Platform Provisioning ID) in the PCK
//!   certificate's SGX extension. It is fixed per platform (CPU package set) and survives TCB
//!   recovery and reboots; it changes when the platform is re-provisioned with new root keys
//!   (a platform reset on multi-package servers) or its CPUs are replaced.
//! - **AMD SEV-SNP**: SHA-256 of the report's 64-byte CHIP_ID (Turin: 8 bytes, zero-padded). It
//!   is fused into the chip and never changes — not even across firmware updates, which change the
//!   VCEK. A guest that masks its chip id (MASK_CHIP_ID) is refused: it names no platform.
//!
//! ```
//! use aimine_tee::{CpuCheck, sev::Report};
//! // Anything that is not a report is refused with the check that failed.
//! let err = Report::parse(&[0u8; 100]).unwrap_err();
//! assert_eq!(err.check(), CpuCheck::Format);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

extern crate alloc;

mod attestation;
mod error;
#[cfg(feature = "intel")]
pub mod intel;
mod policy;
pub mod sev;
#[cfg(feature = "testkit")]
pub mod testkit;
mod time;

pub use aimine_time::UnixTime;
pub use attestation::{AmdProduct, Attestation, Kind, Measurements, Product, Tcb, TcbStatus};
pub use error::{CpuCheck, Error, Role, TcbComponent};
pub use policy::{DAYS_30, Grade, GradeReason, TcbPolicy};
