//! Encoders of every kind (feature `alloc`: they allocate the output). Kind 1 also has a no-alloc
//! encoder, [`crate::encode_gpu_into`].

use alloc::vec;
use alloc::vec::Vec;

use crate::cpu::{
    COLLATERAL_INLINE, COLLATERAL_STORED, MAX_INTEL_FIELD, MAX_SEV_CERT, MAX_SEV_CERTS,
    SEV_REPORT_LEN,
};
use crate::{
    Error, IntelCollateral, Kind, MAGIC, MAX_CPU_PART, MAX_GPU_PART, MAX_GPUS, VERSION,
    encode_gpu_into, encoded_gpu_len,
};

fn header(kind: Kind) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(kind.as_u8());
    out
}

fn put32(out: &mut Vec<u8>, bytes: &[u8], max: usize, field: &'static str) -> Result<(), Error> {
    if bytes.len() > max {
        return Err(Error::TooLong { field });
    }
    let n = u32::try_from(bytes.len()).map_err(|_| Error::TooLong { field })?;
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// A GPU envelope (kind 1) of `evidence` and `chain` (DER, leaf first), referencing well-known
/// NVIDIA certificates by number.
///
/// # Errors
/// As [`encode_gpu_into`].
pub fn encode_gpu(evidence: &[u8], chain: &[&[u8]]) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; encoded_gpu_len(evidence, chain)?];
    let n = encode_gpu_into(evidence, chain, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// An Intel quote envelope (kind [`Kind::Tdx`] or [`Kind::Sgx`]), with its collateral inline
/// or, when `None`, to be taken from the chain's store.
///
/// # Errors
/// [`Error::BadPartKind`] for another kind, [`Error::TooLong`] for a quote or field over 16 KiB.
pub fn encode_intel(
    kind: Kind,
    quote: &[u8],
    collateral: Option<&IntelCollateral<'_>>,
) -> Result<Vec<u8>, Error> {
    if !matches!(kind, Kind::Tdx | Kind::Sgx) {
        return Err(Error::BadPartKind(kind));
    }
    let mut out = header(kind);
    put32(&mut out, quote, MAX_INTEL_FIELD, "quote")?;
    match collateral {
        None => out.push(COLLATERAL_STORED),
        Some(c) => {
            out.push(COLLATERAL_INLINE);
            for f in c.fields() {
                put32(&mut out, f, MAX_INTEL_FIELD, "collateral field")?;
            }
        }
    }
    Ok(out)
}

/// Intel collateral on its own: the nine length-prefixed fields ([`crate::decode_collateral`]).
///
/// # Errors
/// [`Error::TooLong`] for a field over 16 KiB.
pub fn encode_collateral(c: &IntelCollateral<'_>) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for f in c.fields() {
        put32(&mut out, f, MAX_INTEL_FIELD, "collateral field")?;
    }
    Ok(out)
}

/// An SEV-SNP envelope (kind 4): the report and 0 to 3 certificates (VCEK or VLEK first).
///
/// # Errors
/// [`Error::Truncated`] for a report that is not 1,184 bytes, [`Error::BadSevCertificate`].
pub fn encode_sev_snp(report: &[u8], certs: &[&[u8]]) -> Result<Vec<u8>, Error> {
    if report.len() != SEV_REPORT_LEN {
        return Err(Error::Truncated { field: "report" });
    }
    if certs.len() > MAX_SEV_CERTS {
        return Err(Error::BadSevCertificate);
    }
    let mut out = header(Kind::SevSnp);
    out.extend_from_slice(report);
    out.push(u8::try_from(certs.len()).map_err(|_| Error::BadSevCertificate)?);
    for c in certs {
        if c.is_empty() || c.len() > MAX_SEV_CERT {
            return Err(Error::BadSevCertificate);
        }
        let n = u16::try_from(c.len()).map_err(|_| Error::BadSevCertificate)?;
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(c);
    }
    Ok(out)
}

/// A composite envelope (kind 5): a CPU envelope (kind 2, 3 or 4) and 1 to 8 GPU envelopes
/// (kind 1), in the order the CPU's report data hashes their ids.
///
/// # Errors
/// [`Error::BadPartCount`], or [`Error::TooLong`] for an oversized part.
pub fn encode_composite(cpu: &[u8], gpus: &[&[u8]]) -> Result<Vec<u8>, Error> {
    let count = gpus.len().saturating_add(1);
    if gpus.is_empty() || gpus.len() > MAX_GPUS {
        return Err(Error::BadPartCount(u8::try_from(count).unwrap_or(u8::MAX)));
    }
    let mut out = header(Kind::Composite);
    out.push(u8::try_from(count).map_err(|_| Error::BadPartCount(u8::MAX))?);
    put32(&mut out, cpu, MAX_CPU_PART, "part")?;
    for g in gpus {
        put32(&mut out, g, MAX_GPU_PART, "part")?;
    }
    Ok(out)
}
