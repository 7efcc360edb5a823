//! The Intel half of the test forge: a test PKI shaped like Intel's (an SGX Root CA, a PCK
//! Platform CA, one platform's PCK certificate with the SGX extension — FMSPC `00AA11000000`,
//! CPUSVN `03030202040100050000000000000000`, PCESVN 11 — and a TCB signing certificate, with
//! both CRLs), TCB info and QE identity JSON signed at runtime, and TDX v4 quotes with chosen
//! measurements, report data and TCB signed by a test attestation key and a test QE.
//!
//! The TCB info has two levels for the test FMSPC: TDX components `[4, 0, 2, 0…]` UpToDate
//! (dated 2026-01-01), `[2, 0, 1, 0…]` OutOfDate (2025-01-01, advisory `INTEL-SA-99999`). A quote's
//! `tee_tcb_svn` picks the level; below both, no level matches.
//!
//! Nothing here is trusted by default: verifiers see it only through [`IntelKit::root`]. The
//! certificates are valid from 2026-11-27 for ten years; use [`super::KIT_TIME`].

#![allow(clippy::expect_used)] // fixed fixtures: a failure is a broken build, which the tests catch

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, EncodePem, pem::LineEnding};

use crate::intel::Collateral;

const ROOT: &[u8] = include_bytes!("../../testkit/intel/root.der");
const PCK_CA: &[u8] = include_bytes!("../../testkit/intel/pck_ca.der");
const PCK: &[u8] = include_bytes!("../../testkit/intel/pck.der");
const PCK_KEY: &[u8] = include_bytes!("../../testkit/intel/pck.key.der");
const TCB_SIGNER: &[u8] = include_bytes!("../../testkit/intel/tcb.der");
const TCB_KEY: &[u8] = include_bytes!("../../testkit/intel/tcb.key.der");
const ROOT_CRL: &[u8] = include_bytes!("../../testkit/intel/root_crl.der");
const PCK_CRL: &[u8] = include_bytes!("../../testkit/intel/pck_ca_crl.der");

/// The test platform's PPID (its platform id is SHA-256 of it).
pub const KIT_PPID: [u8; 16] = [
    0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e, 0x8f, 0x90,
];
/// The test platform's FMSPC.
pub const KIT_FMSPC: [u8; 6] = [0x00, 0xaa, 0x11, 0x00, 0x00, 0x00];
/// TDX components of the UpToDate level.
pub const UP_TO_DATE_TDX_SVN: [u8; 16] = [4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// TDX components of the OutOfDate level.
pub const OUT_OF_DATE_TDX_SVN: [u8; 16] = [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// The test QE's MRSIGNER.
const QE_MRSIGNER: [u8; 32] = [0xAB; 32];
/// Intel's QE vendor id (the quote header must carry it).
const QE_VENDOR_ID: [u8; 16] = [
    0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
];

/// What a forged TD quote says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdFields {
    /// REPORTDATA.
    pub report_data: [u8; 64],
    /// MRTD.
    pub mr_td: [u8; 48],
    /// TEE_TCB_SVN (picks the TCB level).
    pub tee_tcb_svn: [u8; 16],
    /// TD_ATTRIBUTES (default: SEPT_VE_DISABLE only; bit 0 is debug).
    pub td_attributes: [u8; 8],
}

impl Default for TdFields {
    fn default() -> Self {
        TdFields {
            report_data: [0; 64],
            mr_td: [0x7D; 48],
            tee_tcb_svn: UP_TO_DATE_TDX_SVN,
            td_attributes: [0, 0, 0, 0x10, 0, 0, 0, 0],
        }
    }
}

/// The test Intel PKI.
#[derive(Clone, Debug)]
pub struct IntelKit {
    pck_key: SigningKey,
    tcb_key: SigningKey,
    attestation_key: SigningKey,
}

impl Default for IntelKit {
    fn default() -> Self {
        Self::new()
    }
}

fn pem(der: &[u8]) -> String {
    Certificate::from_der(der)
        .and_then(|c| c.to_pem(LineEnding::LF))
        .expect("test certificate")
}

impl IntelKit {
    /// The kit.
    pub fn new() -> IntelKit {
        let key = |der| SigningKey::from_pkcs8_der(der).expect("test key");
        IntelKit {
            pck_key: key(PCK_KEY),
            tcb_key: key(TCB_KEY),
            attestation_key: SigningKey::from_slice(&[0x42; 32]).expect("attestation key"),
        }
    }

    /// The test root CA (DER), to verify with instead of Intel's.
    pub fn root(&self) -> &'static [u8] {
        ROOT
    }

    /// The TCB info JSON for the test FMSPC, valid from `issued` until `next`.
    pub fn tcb_info(&self, issued: &str, next: &str, evaluation: u32) -> String {
        let comps = |svns: &[u8]| {
            let list: Vec<String> = svns.iter().map(|s| format!("{{\"svn\":{s}}}")).collect();
            list.join(",")
        };
        let sgx = comps(&[3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
        let level = |tdx: &[u8; 16], date: &str, status: &str, advisories: &str| {
            format!(
                "{{\"tcb\":{{\"sgxtcbcomponents\":[{sgx}],\"pcesvn\":11,\"tdxtcbcomponents\":[{}]}},\"tcbDate\":\"{date}\",\"tcbStatus\":\"{status}\"{advisories}}}",
                comps(tdx)
            )
        };
        format!(
            "{{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"{issued}\",\"nextUpdate\":\"{next}\",\"fmspc\":\"00AA11000000\",\"pceId\":\"0000\",\"tcbType\":0,\"tcbEvaluationDataNumber\":{evaluation},\"tdxModule\":{{\"mrsigner\":\"{}\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"}},\"tdxModuleIdentities\":[],\"tcbLevels\":[{},{}]}}",
            "00".repeat(48),
            level(&UP_TO_DATE_TDX_SVN, "2026-01-01T00:00:00Z", "UpToDate", ""),
            level(
                &OUT_OF_DATE_TDX_SVN,
                "2025-01-01T00:00:00Z",
                "OutOfDate",
                ",\"advisoryIDs\":[\"INTEL-SA-99999\"]"
            ),
        )
    }

    /// The TD QE's identity JSON, valid from `issued` until `next`.
    pub fn qe_identity(&self, issued: &str, next: &str, evaluation: u32) -> String {
        format!(
            "{{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"{issued}\",\"nextUpdate\":\"{next}\",\"tcbEvaluationDataNumber\":{evaluation},\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\",\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"{}\",\"isvprodid\":2,\"tcbLevels\":[{{\"tcb\":{{\"isvsvn\":4}},\"tcbDate\":\"2026-01-01T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}}]}}",
            "AB".repeat(32)
        )
    }

    fn sign_raw(key: &SigningKey, message: &[u8]) -> Vec<u8> {
        let sig: Signature = key.sign(message);
        sig.to_bytes().to_vec()
    }

    /// Collateral for the test platform: valid from 2026-11-27 to 2036-11-24, TCB evaluation 20.
    pub fn collateral(&self) -> Collateral {
        self.collateral_with("2026-11-27T16:00:00Z", "2036-11-24T00:00:00Z", 20)
    }

    /// Collateral with chosen dates and evaluation number, signed by the test TCB signer.
    pub fn collateral_with(&self, issued: &str, next: &str, evaluation: u32) -> Collateral {
        let tcb_info = self.tcb_info(issued, next, evaluation);
        let qe_identity = self.qe_identity(issued, next, evaluation);
        let signer_chain = format!("{}{}", pem(TCB_SIGNER), pem(ROOT));
        Collateral {
            pck_crl_issuer_chain: format!("{}{}", pem(PCK_CA), pem(ROOT)),
            root_ca_crl: ROOT_CRL.to_vec(),
            pck_crl: PCK_CRL.to_vec(),
            tcb_info_issuer_chain: signer_chain.clone(),
            tcb_info_signature: Self::sign_raw(&self.tcb_key, tcb_info.as_bytes()),
            tcb_info,
            qe_identity_issuer_chain: signer_chain,
            qe_identity_signature: Self::sign_raw(&self.tcb_key, qe_identity.as_bytes()),
            qe_identity,
            pck_certificate_chain: None,
        }
    }

    /// A TDX v4 quote with `fields`, its PCK chain inside (certification data type 5).
    pub fn tdx_quote(&self, fields: &TdFields) -> Vec<u8> {
        // Header (48 bytes).
        let mut signed = Vec::new();
        signed.extend_from_slice(&4u16.to_le_bytes()); // version
        signed.extend_from_slice(&2u16.to_le_bytes()); // ECDSA-256 with P-256
        signed.extend_from_slice(&0x81u32.to_le_bytes()); // TDX
        signed.extend_from_slice(&4u16.to_le_bytes()); // QE SVN
        signed.extend_from_slice(&11u16.to_le_bytes()); // PCE SVN
        signed.extend_from_slice(&QE_VENDOR_ID);
        signed.extend_from_slice(&[0; 20]);
        // TD report 1.0 (584 bytes).
        signed.extend_from_slice(&fields.tee_tcb_svn);
        signed.extend_from_slice(&[0x5E; 48]); // MRSEAM
        signed.extend_from_slice(&[0; 48]); // MRSIGNERSEAM (the TCB info's tdxModule)
        signed.extend_from_slice(&[0; 8]); // SEAMATTRIBUTES
        signed.extend_from_slice(&fields.td_attributes);
        signed.extend_from_slice(&[0xe7, 0x02, 0x06, 0, 0, 0, 0, 0]); // XFAM
        signed.extend_from_slice(&fields.mr_td);
        for _ in 0..3 {
            signed.extend_from_slice(&[0; 48]); // MRCONFIGID, MROWNER, MROWNERCONFIG
        }
        for i in 0..4u8 {
            signed.extend_from_slice(&[i; 48]); // RTMR0..3
        }
        signed.extend_from_slice(&fields.report_data);

        let point = self.attestation_key.verifying_key().to_sec1_point(false);
        let attestation_key = point.as_bytes().get(1..).unwrap_or_default().to_vec();
        let qe_auth = [0x5A_u8; 32];
        // The QE report (384 bytes): CPUSVN, MISCSELECT, ATTRIBUTES, MRSIGNER, ISVPRODID, ISVSVN,
        // and SHA-256(attestation key ‖ QE auth data) in REPORTDATA.
        let mut qe = Vec::new();
        qe.extend_from_slice(&[3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
        qe.extend_from_slice(&0u32.to_le_bytes());
        qe.extend_from_slice(&[0; 28]);
        qe.extend_from_slice(&[0x11, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0]);
        qe.extend_from_slice(&[0x0E; 32]); // MRENCLAVE
        qe.extend_from_slice(&[0; 32]);
        qe.extend_from_slice(&QE_MRSIGNER);
        qe.extend_from_slice(&[0; 96]);
        qe.extend_from_slice(&2u16.to_le_bytes());
        qe.extend_from_slice(&4u16.to_le_bytes());
        qe.extend_from_slice(&[0; 60]);
        let mut h = Sha256::new();
        h.update(&attestation_key);
        h.update(qe_auth);
        qe.extend_from_slice(&h.finalize());
        qe.extend_from_slice(&[0; 32]);
        let qe_signature = Self::sign_raw(&self.pck_key, &qe);

        let chain = format!("{}{}{}", pem(PCK), pem(PCK_CA), pem(ROOT));
        let mut qe_cert_data = Vec::new();
        qe_cert_data.extend_from_slice(&qe);
        qe_cert_data.extend_from_slice(&qe_signature);
        qe_cert_data.extend_from_slice(&(qe_auth.len() as u16).to_le_bytes());
        qe_cert_data.extend_from_slice(&qe_auth);
        qe_cert_data.extend_from_slice(&5u16.to_le_bytes());
        qe_cert_data.extend_from_slice(&(chain.len() as u32).to_le_bytes());
        qe_cert_data.extend_from_slice(chain.as_bytes());

        let signature = Self::sign_raw(&self.attestation_key, &signed);
        let mut auth = Vec::new();
        auth.extend_from_slice(&signature);
        auth.extend_from_slice(&attestation_key);
        auth.extend_from_slice(&6u16.to_le_bytes());
        auth.extend_from_slice(&(qe_cert_data.len() as u32).to_le_bytes());
        auth.extend_from_slice(&qe_cert_data);

        let mut quote = signed;
        quote.extend_from_slice(&(auth.len() as u32).to_le_bytes());
        quote.extend_from_slice(&auth);
        quote
    }

    /// The test platform's id: SHA-256 of its PPID.
    pub fn platform_id(&self) -> [u8; 32] {
        Sha256::digest(KIT_PPID).into()
    }
}
