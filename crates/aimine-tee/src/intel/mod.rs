//! Intel DCAP quotes (SGX v3, TDX v4 and v5), verified by dcap-qvl against collateral and
//! Intel's pinned SGX Root CA, with the TCB status and advisories read explicitly.
//!
//! dcap-qvl does the DCAP work (PCK chain and CRLs, QE report, quote signature, TCB info and QE
//! identity signatures, TCB level matching). This module chooses the verification time, maps the
//! outcome to [`Attestation`], and classifies refusals by [`CpuCheck`]. The TCB status is never
//! reduced to a yes/no here: [`crate::policy::TcbPolicy`] grades it.
//!
//! **Stale collateral.** Intel's TCB info, QE identity and CRLs carry a `nextUpdate`. Past it, dcap-qvl
//! refuses; a chain would then stop every miner at once whenever Intel publishes late. So when
//! the time is past the earlier `nextUpdate`, the quote is verified as of that moment and the
//! result says since when the collateral is stale ([`Tcb::stale_since`]); the policy then grades
//! it like an out-of-date TCB (reduced, then refused after a grace period).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use dcap_qvl::quote::{Quote, Report};
use dcap_qvl::verify::QuoteVerifier;
use dcap_qvl::{Policy, QuoteClaims};
use sha2::{Digest, Sha256};

use crate::UnixTime;
use crate::attestation::{Attestation, Kind, Measurements, Product, Tcb, TcbStatus};
use crate::error::{CpuCheck, Error};

pub use dcap_qvl::QuoteCollateralV3 as Collateral;

/// Intel's SGX Root CA (the one trust anchor of SGX and TDX DCAP), DER. SHA-256
/// `44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3`.
pub const INTEL_SGX_ROOT_CA: &[u8] = include_bytes!("../../roots/intel/sgx_root_ca.der");

/// What the verifier accepts of an enclave or TD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntelOptions {
    /// Accept debug enclaves and TDs. Default false.
    pub allow_debug: bool,
}

/// Reads collateral from dcap-qvl's `QuoteCollateralV3` JSON (byte fields as hex; `tcb_info`
/// and `qe_identity` kept as the exact text Intel signed).
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Collateral`] when the JSON does not have that shape.
pub fn collateral_from_json(json: &str) -> Result<Collateral, Error> {
    serde_json::from_str(json).map_err(|e| Error::Dcap {
        check: CpuCheck::Collateral,
        message: format!("collateral JSON: {e}"),
    })
}

/// The quote's kind and version, read without verifying anything.
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Format`].
pub fn quote_kind(quote: &[u8]) -> Result<(Kind, u16), Error> {
    let parsed = Quote::parse(quote).map_err(|e| dcap_error(&e))?;
    let kind = if parsed.header.is_sgx() {
        Kind::Sgx
    } else {
        Kind::Tdx
    };
    Ok((kind, parsed.header.version))
}

/// The measurements and report data of a quote, read without verifying anything (for
/// inspection).
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Format`].
pub fn inspect(quote: &[u8]) -> Result<(Kind, u16, Measurements, [u8; 64]), Error> {
    let parsed = Quote::parse(quote).map_err(|e| dcap_error(&e))?;
    let kind = if parsed.header.is_sgx() {
        Kind::Sgx
    } else {
        Kind::Tdx
    };
    let (measurements, report_data) = measurements(&parsed.report);
    Ok((kind, parsed.header.version, measurements, report_data))
}

/// The collateral's validity window as dcap-qvl will check it: the latest `issueDate` of the TCB
/// info and QE identity, and the earliest `nextUpdate` of those and of the two CRLs.
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Collateral`] when either JSON or date does not parse.
pub fn collateral_window(collateral: &Collateral) -> Result<(UnixTime, UnixTime), Error> {
    let bad = |what: &str| Error::Dcap {
        check: CpuCheck::Collateral,
        message: format!("{what} does not parse"),
    };
    let tcb: dcap_qvl::TcbInfo =
        serde_json::from_str(&collateral.tcb_info).map_err(|_| bad("tcb_info"))?;
    let qe: dcap_qvl::QeIdentity =
        serde_json::from_str(&collateral.qe_identity).map_err(|_| bad("qe_identity"))?;
    let date = |s: &str, what: &str| UnixTime::parse_rfc3339(s).map_err(|_| bad(what));
    let issued = date(&tcb.issue_date, "tcb_info issueDate")?
        .max(date(&qe.issue_date, "qe_identity issueDate")?);
    let mut next = date(&tcb.next_update, "tcb_info nextUpdate")?
        .min(date(&qe.next_update, "qe_identity nextUpdate")?);
    for (crl, what) in [
        (&collateral.root_ca_crl, "root CA CRL"),
        (&collateral.pck_crl, "PCK CRL"),
    ] {
        use der::Decode;
        let list = <x509_cert::crl::CertificateList>::from_der(crl).map_err(|_| bad(what))?;
        if let Some(crl_next) = list.tbs_cert_list.next_update {
            next = next.min(crate::time::from_x509(&crl_next));
        }
    }
    Ok((issued, next))
}

/// Accepts every verified quote: grading is [`crate::policy`]'s job, not dcap-qvl's.
struct ReadEverything;

impl Policy for ReadEverything {
    fn validate(&self, _: &QuoteClaims) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Verifies a DCAP quote against collateral and a root (normally [`INTEL_SGX_ROOT_CA`]) at
/// `time` (from the block).
///
/// # Errors
/// The first failed check, classified ([`Error::Dcap`], [`Error::CollateralNotYetValid`],
/// [`Error::TcbRevoked`]).
pub fn verify_quote(
    quote: &[u8],
    collateral: &Collateral,
    root_der: &[u8],
    time: UnixTime,
    options: &IntelOptions,
) -> Result<Attestation, Error> {
    // Format first, so that garbage is not reported as a collateral problem.
    let (kind, version) = quote_kind(quote)?;
    let (issued, next_update) = collateral_window(collateral)?;
    if time < issued {
        return Err(Error::CollateralNotYetValid { issued });
    }
    // A CRL is expired from its nextUpdate on: the last valid moment is the second before.
    let (at, stale_since) = if time >= next_update {
        (next_update.saturating_sub(1), Some(next_update))
    } else {
        (time, None)
    };
    let verifier = QuoteVerifier::new(root_der.to_vec()).allow_debug(options.allow_debug);
    let claims = verifier
        .verify_with_policy(quote, collateral, at.as_secs(), &ReadEverything)
        .map_err(|e| dcap_error(&e))?;
    let (measurements, report_data) = measurements(&claims.report);
    let mut advisory_ids: Vec<String> = claims
        .tcb
        .advisory_ids
        .iter()
        .map(|a| a.to_ascii_uppercase())
        .collect();
    advisory_ids.sort();
    advisory_ids.dedup();
    let status = tcb_status(claims.tcb.status);
    if status == TcbStatus::Revoked {
        return Err(Error::TcbRevoked);
    }
    Ok(Attestation {
        kind,
        version,
        platform_id: Sha256::digest(&claims.platform.pck.ppid).into(),
        product: Product::Intel {
            fmspc: claims.platform.pck.fmspc,
        },
        measurements,
        report_data,
        tcb: Tcb {
            status,
            advisory_ids,
            tcb_date: Some(UnixTime(claims.platform.tcb_date_tag)),
            valid_until: UnixTime(claims.earliest_expiration_date),
            stale_since,
        },
    })
}

fn tcb_status(status: dcap_qvl::TcbStatus) -> TcbStatus {
    use dcap_qvl::TcbStatus as S;
    match status {
        S::UpToDate => TcbStatus::UpToDate,
        S::SWHardeningNeeded => TcbStatus::SwHardeningNeeded,
        S::ConfigurationNeeded => TcbStatus::ConfigurationNeeded,
        S::ConfigurationAndSWHardeningNeeded => TcbStatus::ConfigurationAndSwHardeningNeeded,
        S::TDRelaunchAdvised => TcbStatus::TdRelaunchAdvised,
        S::TDRelaunchAdvisedConfigurationNeeded => TcbStatus::TdRelaunchAdvisedConfigurationNeeded,
        S::OutOfDate => TcbStatus::OutOfDate,
        S::OutOfDateConfigurationNeeded => TcbStatus::OutOfDateConfigurationNeeded,
        S::Revoked => TcbStatus::Revoked,
    }
}

fn measurements(report: &Report) -> (Measurements, [u8; 64]) {
    let td = match report {
        Report::SgxEnclave(e) => {
            return (
                Measurements::Sgx {
                    mr_enclave: e.mr_enclave,
                    mr_signer: e.mr_signer,
                    isv_prod_id: e.isv_prod_id,
                    isv_svn: e.isv_svn,
                    attributes: e.attributes,
                },
                e.report_data,
            );
        }
        Report::TD10(td) => td,
        Report::TD15(td) => &td.base,
        Report::TD15Ex(td) => &td.base.base,
    };
    (
        Measurements::Tdx {
            mr_td: td.mr_td,
            rtmr: [td.rt_mr0, td.rt_mr1, td.rt_mr2, td.rt_mr3],
            mr_config_id: td.mr_config_id,
            mr_owner: td.mr_owner,
            mr_owner_config: td.mr_owner_config,
            mr_seam: td.mr_seam,
            td_attributes: td.td_attributes,
        },
        td.report_data,
    )
}

/// Classifies a dcap-qvl refusal by the check it belongs to, from its message chain. The rules
/// are ordered: collateral names come before generic signature words, because dcap-qvl says
/// "Signature is invalid for tcb_info" for a collateral signature.
fn dcap_error(e: &anyhow::Error) -> Error {
    let message = format!("{e:#}");
    let lower = message.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let check = if has(&["revoked"]) {
        return Error::TcbRevoked;
    } else if has(&[
        "decode quote",
        "quote version",
        "must have version",
        "qe vendor",
        "attestation key type",
        "tee type",
        "pck cert format",
        "td10 report",
    ]) {
        CpuCheck::Format
    } else if has(&[
        "tcbinfo",
        "tcb info",
        "tcb_info",
        "qe identity",
        "qeidentity",
        "qe_identity",
        "crl",
        "fmspc mismatch",
        "tcb info in the collateral",
    ]) {
        CpuCheck::Collateral
    } else if has(&[
        "debug mode",
        "profiling",
        "reserved bits",
        "migration",
        "servtd",
        "sept_ve",
        "service td",
    ]) {
        CpuCheck::GuestPolicy
    } else if has(&["qe report", "qe_report", "signature", "hash mismatch"]) {
        CpuCheck::Signature
    } else if has(&["certificate", "root ca", "cert chain", "pck"]) {
        CpuCheck::Chain
    } else if has(&["tcb level", "tdx module", "tcb"]) {
        CpuCheck::Tcb
    } else {
        CpuCheck::Format
    };
    Error::Dcap {
        check,
        message: message.to_string(),
    }
}

/// The FMSPC of the PCK certificate a quote carries (certification data type 5), read without
/// verifying anything (for inspection). `None` when the quote carries no parsable PCK chain.
pub fn quote_fmspc(quote: &[u8]) -> Option<[u8; 6]> {
    let parsed = Quote::parse(quote).ok()?;
    let chain = dcap_qvl::intel::extract_cert_chain(&parsed).ok()?;
    let leaf = chain.first()?;
    dcap_qvl::intel::parse_pck_extension(leaf)
        .ok()
        .map(|ext| ext.fmspc)
}

pub mod collateral;

/// What collateral says it is for, read without checking signatures (dcap-qvl or
/// [`collateral::verify_collateral`] check them): its FMSPC, whether it is TDX's, and Intel's TCB
/// evaluation data number.
///
/// # Errors
/// [`Error::Dcap`] with [`CpuCheck::Collateral`] when the TCB info JSON does not parse.
pub fn collateral_summary(c: &Collateral) -> Result<([u8; 6], bool, u32), Error> {
    let bad = || Error::Dcap {
        check: CpuCheck::Collateral,
        message: "tcb_info does not parse".into(),
    };
    let tcb: dcap_qvl::TcbInfo = serde_json::from_str(&c.tcb_info).map_err(|_| bad())?;
    let fmspc = fmspc_from_hex(&tcb.fmspc).ok_or_else(bad)?;
    Ok((fmspc, tcb.id == "TDX", tcb.tcb_evaluation_data_number))
}

/// The PCK chain (DER, leaf first) a quote carries, read without verifying anything.
pub fn quote_chain(quote: &[u8]) -> Option<Vec<Vec<u8>>> {
    let parsed = Quote::parse(quote).ok()?;
    dcap_qvl::intel::extract_cert_chain(&parsed).ok()
}

/// The certificates (DER) of a PEM chain, read without verifying anything.
pub fn pem_chain(pem: &str) -> Option<Vec<Vec<u8>>> {
    use der::Encode;
    let certs = x509_cert::Certificate::load_pem_chain(pem.as_bytes()).ok()?;
    certs.iter().map(|c| c.to_der().ok()).collect()
}

/// A TCB info's `fmspc` field (12 hex digits) as bytes.
pub(crate) fn fmspc_from_hex(text: &str) -> Option<[u8; 6]> {
    if text.len() != 12 {
        return None;
    }
    let mut fmspc = [0u8; 6];
    for (i, out) in fmspc.iter_mut().enumerate() {
        let at = i.checked_mul(2)?;
        *out = u8::from_str_radix(text.get(at..at.checked_add(2)?)?, 16).ok()?;
    }
    Some(fmspc)
}
