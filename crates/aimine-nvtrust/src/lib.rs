//! # aimine-nvtrust
//!
//! *(Shell: the verifier lands with the NV_TRUST issue.)*
//!
//! This crate will verify genuine NVIDIA confidential-computing attestation evidence for Hopper,
//! Blackwell and NVSwitch (LS10) parts, in `#![no_std]`, zero-copy over `&[u8]`:
//! - the SPDM 1.1 GET_MEASUREMENTS request and MEASUREMENTS response (blocks, nonces, opaque
//!   fields such as driver and VBIOS versions, FWID, feature flags) and its ECDSA P-384 signature;
//! - the device's DER X.509 certificate chain up to a caller-supplied trust anchor (NVIDIA's Device
//!   Identity CA by default), at a caller-supplied time (a block timestamp, never a clock);
//! - comparison of the measurements against caller-supplied golden values.
//!
//! It depends on no other aimine crate, so it can be used alone by any chain or service.
#![no_std]
#![forbid(unsafe_code)]
