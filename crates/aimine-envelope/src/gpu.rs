//! Kind 1: one NVIDIA device's SPDM evidence and its X.509 chain.
//!
//! ```text
//! evidence   2   length, then that many bytes (at most aimine-nvtrust's MAX_EVIDENCE_LEN, 32 KiB)
//! count      1   number of certificates, leaf first (1..=8)
//! each certificate:
//!   tag      1   0 = inline: u16 length, then the DER (at most 4 KiB)
//!                1 = known:  u8 number in aimine-nvtrust's KNOWN_CERTS
//! ```
//!
//! Certificates NVIDIA shares across devices are referenced by number instead of carried: a
//! Hopper quote is 5,631 bytes (from about 7.6 KiB of hex and PEM) — the 4,117-byte evidence, the
//! two device certificates inline, three references. The references themselves (which number
//! is which certificate) belong to aimine-nvtrust.

use aimine_nvtrust::{KnownCert, MAX_CERT_LEN, MAX_CHAIN_LEN, MAX_EVIDENCE_LEN};
use heapless::Vec;

use crate::reader::{Reader, Writer};
use crate::{Error, Kind, MAGIC, VERSION};

/// Certificate tag: the DER follows inline.
pub const CERT_INLINE: u8 = 0;
/// Certificate tag: a well-known NVIDIA certificate, by number.
pub const CERT_KNOWN: u8 = 1;
/// magic + version + kind + evidence length + count.
const FIXED_LEN: usize = 4 + 1 + 1 + 2 + 1;

/// A decoded GPU part: the evidence and the chain (DER, leaf first), borrowing the input and,
/// for referenced certificates, aimine-nvtrust's constants; aimine-nvtrust verifies the two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpuQuote<'a> {
    /// The raw SPDM evidence.
    pub evidence: &'a [u8],
    /// The certificates, leaf first.
    pub chain: Vec<&'a [u8], MAX_CHAIN_LEN>,
}

/// Reads a kind-1 body (after the header), strictly.
pub(crate) fn body<'a>(r: &mut Reader<'a>) -> Result<GpuQuote<'a>, Error> {
    let evidence = r.sized16(MAX_EVIDENCE_LEN, "evidence")?;
    let count = r.u8("certificate count")?;
    if count == 0 || usize::from(count) > MAX_CHAIN_LEN {
        return Err(Error::BadCertificateCount(count));
    }
    let mut chain = Vec::new();
    for _ in 0..count {
        let der = match r.u8("certificate tag")? {
            CERT_INLINE => {
                let len = r.u16("certificate length")?;
                if len == 0 || len > MAX_CERT_LEN {
                    return Err(Error::BadCertificateLength);
                }
                r.take(len, "certificate")?
            }
            CERT_KNOWN => {
                let id = r.u8("certificate number")?;
                KnownCert::by_id(id)
                    .ok_or(Error::UnknownKnownCertificate(id))?
                    .der
            }
            other => return Err(Error::BadCertificateTag(other)),
        };
        chain
            .push(der)
            .map_err(|_| Error::BadCertificateCount(count))?;
    }
    Ok(GpuQuote { evidence, chain })
}

/// The length [`encode_gpu_into`] writes for this evidence and chain.
///
/// # Errors
/// As [`encode_gpu_into`], for inputs that cannot be enveloped.
pub fn encoded_gpu_len(evidence: &[u8], chain: &[&[u8]]) -> Result<usize, Error> {
    check_inputs(evidence, chain)?;
    let certs = chain
        .iter()
        .map(|der| match KnownCert::find(der) {
            Some(_) => 2,
            None => 3usize.saturating_add(der.len()),
        })
        .fold(0usize, usize::saturating_add);
    Ok(FIXED_LEN
        .saturating_add(evidence.len())
        .saturating_add(certs))
}

/// Writes the kind-1 envelope of `evidence` and `chain` (DER, leaf first) into `out` without
/// allocating, referencing well-known NVIDIA certificates by number; returns how many bytes
/// were written.
///
/// # Errors
/// [`Error::TooLong`] (evidence), [`Error::BadCertificateCount`],
/// [`Error::BadCertificateLength`], or [`Error::BufferTooSmall`].
pub fn encode_gpu_into(evidence: &[u8], chain: &[&[u8]], out: &mut [u8]) -> Result<usize, Error> {
    let total = encoded_gpu_len(evidence, chain)?;
    let mut w = Writer::new(out.get_mut(..total).ok_or(Error::BufferTooSmall)?);
    w.put(&MAGIC)?;
    w.put(&[VERSION, Kind::Gpu.as_u8()])?;
    let evidence_len =
        u16::try_from(evidence.len()).map_err(|_| Error::TooLong { field: "evidence" })?;
    w.put(&evidence_len.to_be_bytes())?;
    w.put(evidence)?;
    let count = u8::try_from(chain.len()).map_err(|_| Error::BadCertificateCount(u8::MAX))?;
    w.put(&[count])?;
    for der in chain {
        match KnownCert::find(der) {
            Some(k) => w.put(&[CERT_KNOWN, k.id])?,
            None => {
                let len = u16::try_from(der.len()).map_err(|_| Error::BadCertificateLength)?;
                w.put(&[CERT_INLINE])?;
                w.put(&len.to_be_bytes())?;
                w.put(der)?;
            }
        }
    }
    Ok(w.written())
}

fn check_inputs(evidence: &[u8], chain: &[&[u8]]) -> Result<(), Error> {
    if evidence.len() > MAX_EVIDENCE_LEN {
        return Err(Error::TooLong { field: "evidence" });
    }
    if chain.is_empty() || chain.len() > MAX_CHAIN_LEN {
        return Err(Error::BadCertificateCount(
            u8::try_from(chain.len()).unwrap_or(u8::MAX),
        ));
    }
    if chain
        .iter()
        .any(|der| der.is_empty() || der.len() > MAX_CERT_LEN)
    {
        return Err(Error::BadCertificateLength);
    }
    Ok(())
}
