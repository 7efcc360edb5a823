//! AMD SEV-SNP: one call, [`verify`], checks a report with the certificates it comes with under
//! the roots an [`EndorsementStore`] trusts, skipping the RSA signatures of a chain the store
//! verified before; [`verify_vcek`] checks a VCEK alone (a chain that keeps VCEKs, so reports
//! may carry none). [`Report`] reads a report's fields; [`AmdRoots`] holds AMD's pinned roots
//! per product ([`pinned_ders`]) or others; [`FixedRoots`] is the store of an off-chain
//! verifier (fixed roots, a cache in memory).
//!
//! A report is ECDSA P-384 signed (SHA-384 over bytes 0x000–0x29F) by the chip's VCEK, or by a
//! cloud provider's VLEK. The VCEK is RSASSA-PSS signed by the product's ASK, itself signed by
//! the product's ARK. The VCEK's extensions bind it to one chip (hwID = CHIP_ID) and one TCB (its
//! bootloader, TEE, SNP, microcode and — on Turin — FMC levels equal the report's REPORTED_TCB).
//!
//! ```
//! use aimine_tee::sev::{self, AmdRoots, FixedRoots, SevOptions};
//! use aimine_tee::{CpuCheck, Error, UnixTime};
//! let roots = AmdRoots::pinned()?;
//! // Anything that is not a report is refused with the check that failed.
//! let (time, options) = (UnixTime(0), SevOptions::default());
//! let err = sev::verify(&[0u8; 100], &[], time, &options, &mut FixedRoots::new(&roots))
//!     .unwrap_err();
//! assert_eq!(err.check(), CpuCheck::Format);
//! # Ok::<(), Error>(())
//! ```

mod cert;
mod report;
mod roots;
mod store;
mod verify;

pub use report::{POLICY_DEBUG, REPORT_LEN, Report, SIGNED_LEN, SigningKey, TcbParts, TcbVersion};
pub use roots::{AmdRoots, ProductRoots, pinned_ders};
pub use store::{EndorsementStore, FixedRoots, StoreError};
pub use verify::{MAX_CERTS, SevOptions, VerifiedVcek, verify, verify_vcek};
