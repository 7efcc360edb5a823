//! AMD SEV-SNP: the attestation report ([`report`]), AMD's certificates ([`cert`]), the pinned
//! per-product roots ([`roots`]) and the verifier ([`verify`]).
//!
//! A report is ECDSA P-384 signed (SHA-384 over bytes 0x000–0x29F) by the chip's VCEK, or by a
//! cloud provider's VLEK. The VCEK is RSASSA-PSS signed by the product's ASK, itself signed by
//! the product's ARK. The VCEK's extensions bind it to one chip (hwID = CHIP_ID) and one TCB (its
//! bootloader, TEE, SNP, microcode and — on Turin — FMC levels equal the report's REPORTED_TCB).

pub mod cert;
pub mod report;
pub mod roots;
pub mod verify;
