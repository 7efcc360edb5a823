//! The test forge (feature `testkit`, never in production builds): a test AMD PKI shaped like
//! Milan's — an RSA ARK and ASK signing with RSASSA-PSS SHA-384, two P-384 VCEKs with AMD's
//! extensions (TCB bootloader 3 / TEE 0 / SNP 8 / microcode 115; hwID all 0x01 or all 0x02) —
//! and reports signed by those VCEKs with chosen fields. Its certificates, in `testkit/`, were
//! made once with OpenSSL; they are valid from 2026-11-27 to 2036-11-24, so use [`KIT_TIME`].
//!
//! Nothing here is trusted by default: verifiers see this PKI only through [`SevKit::roots`].
#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
// Fixed fixtures and fixed offsets: a failure is a broken build, which the tests catch.

use alloc::vec::Vec;

use p384::ecdsa::signature::Signer;
use p384::ecdsa::{Signature, SigningKey};
use p384::pkcs8::DecodePrivateKey;

use crate::UnixTime;
use crate::attestation::AmdProduct;
use crate::sev::{AmdRoots, ProductRoots, REPORT_LEN, SIGNED_LEN};

/// A time inside every test-kit certificate's validity (2027-01-15).
pub const KIT_TIME: UnixTime = UnixTime(1_800_000_000);

const ARK: &[u8] = include_bytes!("../../testkit/ark.der");
const ASK: &[u8] = include_bytes!("../../testkit/ask.der");
const VCEKS: [&[u8]; 2] = [
    include_bytes!("../../testkit/vcek1.der"),
    include_bytes!("../../testkit/vcek2.der"),
];
const VCEK_KEYS: [&[u8]; 2] = [
    include_bytes!("../../testkit/vcek1.key.der"),
    include_bytes!("../../testkit/vcek2.key.der"),
];

/// The fields a forged report carries; everything else is zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFields {
    /// VERSION (default 2).
    pub version: u32,
    /// POLICY (default 0x30000: debug off).
    pub policy: u64,
    /// VMPL (default 0).
    pub vmpl: u32,
    /// REPORT_DATA.
    pub report_data: [u8; 64],
    /// MEASUREMENT.
    pub measurement: [u8; 48],
    /// Which test chip signs (0 or 1); its hwID becomes CHIP_ID unless `chip_id` is set.
    pub chip: usize,
    /// CHIP_ID override.
    pub chip_id: Option<[u8; 64]>,
    /// REPORTED_TCB (default the VCEKs' TCB: 03 00 00 00 00 00 08 73).
    pub reported_tcb: [u8; 8],
    /// KEY_INFO (default 0: signed by the VCEK).
    pub key_info: u32,
}

impl Default for ReportFields {
    fn default() -> Self {
        ReportFields {
            version: 2,
            policy: 0x30000,
            vmpl: 0,
            report_data: [0; 64],
            measurement: [0x4D; 48],
            chip: 0,
            chip_id: None,
            reported_tcb: [3, 0, 0, 0, 0, 0, 8, 115],
            key_info: 0,
        }
    }
}

/// The test AMD PKI.
#[derive(Clone, Debug)]
pub struct SevKit {
    keys: Vec<SigningKey>,
}

impl Default for SevKit {
    fn default() -> Self {
        Self::milan()
    }
}

impl SevKit {
    /// The kit: a Milan-shaped test ARK/ASK and two test chips.
    pub fn milan() -> SevKit {
        let keys = VCEK_KEYS
            .iter()
            .map(|der| SigningKey::from_pkcs8_der(der).expect("test VCEK key"))
            .collect();
        SevKit { keys }
    }

    /// Roots trusting only the kit's ARK/ASK, as Milan.
    pub fn roots(&self) -> AmdRoots {
        AmdRoots::from_products(alloc::vec![
            ProductRoots::new(AmdProduct::Milan, ARK, ASK).expect("test ARK/ASK")
        ])
    }

    /// The kit's ARK and ASK, DER.
    pub fn chain(&self) -> (&'static [u8], &'static [u8]) {
        (ARK, ASK)
    }

    /// The VCEK of test chip `chip` (0 or 1), DER.
    pub fn vcek(&self, chip: usize) -> &'static [u8] {
        VCEKS.get(chip).copied().unwrap_or(VCEKS[0])
    }

    /// The certificates of chip 0: its VCEK, the ASK, the ARK (what a report comes with).
    pub fn certs(&self) -> [&'static [u8]; 3] {
        self.certs_of(0)
    }

    /// The certificates of chip `chip`: its VCEK, the ASK, the ARK.
    pub fn certs_of(&self, chip: usize) -> [&'static [u8]; 3] {
        [self.vcek(chip), ASK, ARK]
    }

    /// A report with `fields`, signed by chip `fields.chip`'s VCEK.
    pub fn report(&self, fields: &ReportFields) -> Vec<u8> {
        let mut r = alloc::vec![0u8; REPORT_LEN];
        let mut put = |at: usize, bytes: &[u8]| {
            r[at..at + bytes.len()].copy_from_slice(bytes);
        };
        let chip = fields.chip.min(1);
        let hwid = [if chip == 0 { 1u8 } else { 2 }; 64];
        put(0x00, &fields.version.to_le_bytes());
        put(0x08, &fields.policy.to_le_bytes());
        put(0x30, &fields.vmpl.to_le_bytes());
        put(0x34, &1u32.to_le_bytes());
        put(0x38, &fields.reported_tcb);
        put(0x48, &fields.key_info.to_le_bytes());
        put(0x50, &fields.report_data);
        put(0x90, &fields.measurement);
        put(0x180, &fields.reported_tcb);
        if fields.version >= 3 {
            put(0x188, &[0x19, 0x01, 0x01]); // Milan's family and model
        }
        put(0x1A0, &fields.chip_id.unwrap_or(hwid));
        put(0x1E0, &fields.reported_tcb);
        put(0x1F0, &fields.reported_tcb);
        let signature: Signature = self.keys[chip].sign(&r[..SIGNED_LEN]);
        let (sig_r, sig_s) = signature.split_bytes();
        let mut le = |at: usize, be: &[u8]| {
            for (i, b) in be.iter().rev().enumerate() {
                r[at + i] = *b;
            }
        };
        le(0x2A0, &sig_r);
        le(0x2E8, &sig_s);
        r
    }
}

#[cfg(feature = "intel")]
pub mod intel;
