//! Intel's collateral verified on its own, without a quote: what a chain checks when anyone
//! submits it (Intel signs it, so no one needs to be trusted to publish it).
//!
//! Checked, with ECDSA P-256/SHA-256 throughout:
//! - the TCB info and QE identity issuer chains (Intel's "TCB Signing" certificate, then the
//!   root) and the PCK CRL issuer chain (the PCK Platform or Processor CA, then the root): each
//!   certificate signed by the next, the last one byte-identical to the pinned root, all valid at
//!   the time, none revoked by the root CA's CRL (itself signed by the root);
//! - the PCK CRL signed by its issuer;
//! - the TCB info and QE identity signatures (raw r‖s) over their JSON text exactly as given;
//! - the JSON parses, the TCB info is for SGX or TDX, the QE identity for the matching QE, and
//!   neither was issued after the time.
//!
//! Quotes are still verified by dcap-qvl against the whole collateral; this only decides which
//! collateral a chain accepts and keeps (the newest per FMSPC and per QE identity, by Intel's
//! `tcbEvaluationDataNumber`).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use crate::UnixTime;
use crate::error::{CpuCheck, Error};
use crate::intel::Collateral;

/// What verified collateral is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollateralInfo {
    /// The platform family it applies to.
    pub fmspc: [u8; 6],
    /// TDX (`tcbInfo.id` "TDX") or SGX.
    pub tdx: bool,
    /// Intel's TCB evaluation data number of the TCB info: higher is newer.
    pub tcb_evaluation: u32,
    /// The QE identity's id ("QE" for SGX, "TD_QE" for TDX).
    pub qe_id: String,
    /// The QE identity's TCB evaluation data number.
    pub qe_evaluation: u32,
    /// The TCB info's issue date and next update.
    pub tcb_window: (UnixTime, UnixTime),
}

fn bad(what: &str) -> Error {
    Error::Dcap {
        check: CpuCheck::Collateral,
        message: what.to_string(),
    }
}

fn chain_error(what: &str) -> Error {
    Error::Dcap {
        check: CpuCheck::Chain,
        message: what.to_string(),
    }
}

/// A P-256 key from a certificate.
fn key_of(cert: &Certificate) -> Result<VerifyingKey, Error> {
    let point = cert
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| chain_error("certificate key"))?;
    VerifyingKey::from_sec1_bytes(point).map_err(|_| chain_error("certificate key is not P-256"))
}

/// Verifies a DER ECDSA signature over `signed` with `key`.
fn check_der_signature(
    key: &VerifyingKey,
    signed: &[u8],
    signature: &[u8],
    what: &str,
) -> Result<(), Error> {
    let sig = Signature::from_der(signature).map_err(|_| chain_error(what))?;
    key.verify(signed, &sig).map_err(|_| chain_error(what))
}

fn check_cert(
    cert: &Certificate,
    issuer: &Certificate,
    revoked: &[Vec<u8>],
    time: UnixTime,
) -> Result<(), Error> {
    let tbs = cert
        .tbs_certificate()
        .to_der()
        .map_err(|_| chain_error("certificate"))?;
    let sig = cert
        .signature()
        .as_bytes()
        .ok_or_else(|| chain_error("certificate signature"))?;
    check_der_signature(&key_of(issuer)?, &tbs, sig, "certificate signature")?;
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return Err(chain_error("certificate issuer name"));
    }
    let v = cert.tbs_certificate().validity();
    let (from, to) = (
        crate::time::from_x509(&v.not_before),
        crate::time::from_x509(&v.not_after),
    );
    if time < from || time > to {
        return Err(chain_error("certificate not valid at the time"));
    }
    let serial = cert.tbs_certificate().serial_number().as_bytes();
    if revoked.iter().any(|r| r.as_slice() == serial) {
        return Err(Error::TcbRevoked);
    }
    Ok(())
}

/// A CRL checked against its issuer: its revoked serial numbers.
fn check_crl(der_bytes: &[u8], issuer: &Certificate) -> Result<Vec<Vec<u8>>, Error> {
    let crl = <CertificateList>::from_der(der_bytes).map_err(|_| bad("CRL is not DER"))?;
    let tbs = crl
        .tbs_cert_list
        .to_der()
        .map_err(|_| bad("CRL re-encoding"))?;
    let sig = crl
        .signature
        .as_bytes()
        .ok_or_else(|| bad("CRL signature"))?;
    check_der_signature(&key_of(issuer)?, &tbs, sig, "CRL signature")?;
    if crl.tbs_cert_list.issuer != *issuer.tbs_certificate().subject() {
        return Err(bad("CRL issuer name"));
    }
    Ok(crl
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .map(|r| r.serial_number.as_bytes().to_vec())
        .collect())
}

/// A PEM issuer chain ending in the pinned root: its first certificate, checked.
fn check_chain(
    pem: &str,
    root: &Certificate,
    root_der: &[u8],
    revoked: &[Vec<u8>],
    time: UnixTime,
) -> Result<Certificate, Error> {
    let certs = Certificate::load_pem_chain(pem.as_bytes())
        .map_err(|_| chain_error("issuer chain is not PEM X.509"))?;
    let (last, rest) = certs
        .split_last()
        .ok_or_else(|| chain_error("empty issuer chain"))?;
    if last.to_der().map_err(|_| chain_error("root"))? != root_der {
        return Err(chain_error("issuer chain does not end in the pinned root"));
    }
    let leaf = rest
        .first()
        .ok_or_else(|| chain_error("issuer chain has no signer"))?;
    let mut issuer = root;
    for cert in rest.iter().rev() {
        check_cert(cert, issuer, revoked, time)?;
        issuer = cert;
    }
    Ok(leaf.clone())
}

fn check_raw_signature(
    signer: &Certificate,
    text: &str,
    signature: &[u8],
    what: &str,
) -> Result<(), Error> {
    let sig = Signature::from_slice(signature).map_err(|_| bad(what))?;
    key_of(signer)?
        .verify(text.as_bytes(), &sig)
        .map_err(|_| bad(what))
}

/// Verifies collateral against `root_der` (normally [`crate::intel::INTEL_SGX_ROOT_CA`]) at
/// `time` (from the block) and says what it is about.
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Collateral`] or [`CpuCheck::Chain`] naming the failed part, or
/// [`Error::TcbRevoked`] for a revoked signing certificate.
pub fn verify_collateral(
    c: &Collateral,
    root_der: &[u8],
    time: UnixTime,
) -> Result<CollateralInfo, Error> {
    let root = Certificate::from_der(root_der).map_err(|_| chain_error("root"))?;
    let root_revoked = check_crl(&c.root_ca_crl, &root)?;
    let tcb_signer = check_chain(
        &c.tcb_info_issuer_chain,
        &root,
        root_der,
        &root_revoked,
        time,
    )?;
    let qe_signer = check_chain(
        &c.qe_identity_issuer_chain,
        &root,
        root_der,
        &root_revoked,
        time,
    )?;
    let pck_ca = check_chain(
        &c.pck_crl_issuer_chain,
        &root,
        root_der,
        &root_revoked,
        time,
    )?;
    check_crl(&c.pck_crl, &pck_ca)?;
    check_raw_signature(
        &tcb_signer,
        &c.tcb_info,
        &c.tcb_info_signature,
        "TCB info signature",
    )?;
    check_raw_signature(
        &qe_signer,
        &c.qe_identity,
        &c.qe_identity_signature,
        "QE identity signature",
    )?;

    let tcb: dcap_qvl::TcbInfo =
        serde_json::from_str(&c.tcb_info).map_err(|_| bad("TCB info JSON"))?;
    let qe: dcap_qvl::QeIdentity =
        serde_json::from_str(&c.qe_identity).map_err(|_| bad("QE identity JSON"))?;
    let tdx = match tcb.id.as_str() {
        "TDX" => true,
        "SGX" => false,
        _ => return Err(bad("TCB info is neither SGX nor TDX")),
    };
    let expected_qe = if tdx { "TD_QE" } else { "QE" };
    if qe.id != expected_qe {
        return Err(bad("QE identity is not the TCB info's quoting enclave"));
    }
    let date = |text: &str, what: &str| UnixTime::parse_rfc3339(text).map_err(|_| bad(what));
    let issued = date(&tcb.issue_date, "TCB info issueDate")?;
    let next = date(&tcb.next_update, "TCB info nextUpdate")?;
    let qe_issued = date(&qe.issue_date, "QE identity issueDate")?;
    if time < issued || time < qe_issued {
        return Err(Error::CollateralNotYetValid {
            issued: issued.max(qe_issued),
        });
    }
    let fmspc = crate::intel::fmspc_from_hex(&tcb.fmspc).ok_or_else(|| bad("TCB info fmspc"))?;
    Ok(CollateralInfo {
        fmspc,
        tdx,
        tcb_evaluation: tcb.tcb_evaluation_data_number,
        qe_id: qe.id,
        qe_evaluation: qe.tcb_evaluation_data_number,
        tcb_window: (issued, next),
    })
}
