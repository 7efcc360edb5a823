//! The quote envelope: the `bytes teeQuote` contracts pass to the precompiles.
//!
//! One device's evidence and certificate chain in a compact, versioned, strictly decoded binary
//! form. Certificates NVIDIA shares across devices ([`crate::known`]) are referenced by a one-byte
//! number instead of carried: a Hopper quote is 5,631 bytes (from about 7.6 KiB of hex and PEM)
//! — the 4,117-byte evidence, the two device certificates inline, three references.
//!
//! ```text
//! magic      4   "AIMQ"
//! version    1   1
//! kind       1   1 = NVIDIA SPDM evidence (later kinds: CPU TEEs)
//! evidence   2   length, big-endian, then that many bytes (at most 32 KiB)
//! count      1   number of certificates, leaf first (1..=8)
//! each certificate:
//!   tag      1   0 = inline: u16 big-endian length, then the DER (at most 4 KiB)
//!                1 = known:  u8 number in crate::known::KNOWN_CERTS
//! ```
//!
//! Nothing may follow the last certificate. Integers are big-endian, as Solidity tooling writes
//! them. See `docs/quote-format.md` for the same in prose, with examples.

use core::fmt;

use heapless::Vec;

use crate::cert::MAX_CERT_LEN;
use crate::evidence::MAX_EVIDENCE_LEN;
use crate::known;
use crate::verify_cert::MAX_CHAIN_LEN;

/// The first four bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"AIMQ";
/// The envelope version this crate reads and writes.
pub const VERSION: u8 = 1;
/// Kind 1: NVIDIA SPDM evidence with its X.509 chain.
pub const KIND_NVIDIA_SPDM: u8 = 1;
/// Certificate tag: the DER follows inline.
pub const CERT_INLINE: u8 = 0;
/// Certificate tag: a well-known NVIDIA certificate, by number.
pub const CERT_KNOWN: u8 = 1;
/// magic + version + kind + evidence length + count.
const HEADER_LEN: usize = 4 + 1 + 1 + 2 + 1;

/// Why an envelope could not be read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvelopeError {
    /// The input ends inside `field`.
    Truncated {
        /// What was being read.
        field: &'static str,
    },
    /// The input does not start with "AIMQ".
    BadMagic,
    /// An envelope version this crate does not know.
    UnsupportedVersion(u8),
    /// An evidence kind this crate does not know.
    UnsupportedKind(u8),
    /// Evidence longer than [`MAX_EVIDENCE_LEN`].
    EvidenceTooLong,
    /// Zero certificates, or more than [`MAX_CHAIN_LEN`].
    BadCertificateCount(u8),
    /// A certificate tag other than inline (0) or known (1).
    BadCertificateTag(u8),
    /// A known-certificate number with no certificate.
    UnknownKnownCertificate(u8),
    /// An inline certificate longer than [`MAX_CERT_LEN`] (or empty).
    BadCertificateLength,
    /// Bytes after the last certificate.
    TrailingBytes,
    /// The output buffer is too small (encoding only).
    BufferTooSmall,
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::Truncated { field } => write!(f, "envelope truncated in {field}"),
            EnvelopeError::BadMagic => f.write_str("not an aimine quote envelope (magic)"),
            EnvelopeError::UnsupportedVersion(v) => write!(f, "envelope version {v} unsupported"),
            EnvelopeError::UnsupportedKind(k) => write!(f, "envelope kind {k} unsupported"),
            EnvelopeError::EvidenceTooLong => f.write_str("envelope evidence too long"),
            EnvelopeError::BadCertificateCount(n) => {
                write!(
                    f,
                    "envelope holds {n} certificates (1 to {MAX_CHAIN_LEN} allowed)"
                )
            }
            EnvelopeError::BadCertificateTag(t) => write!(f, "envelope certificate tag {t}"),
            EnvelopeError::UnknownKnownCertificate(n) => {
                write!(f, "envelope names unknown certificate {n}")
            }
            EnvelopeError::BadCertificateLength => f.write_str("envelope certificate length"),
            EnvelopeError::TrailingBytes => f.write_str("bytes after the envelope"),
            EnvelopeError::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for EnvelopeError {}

/// A decoded envelope: the evidence and the chain (DER, leaf first), borrowing the input and,
/// for referenced certificates, the crate's constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote<'a> {
    /// The raw SPDM evidence.
    pub evidence: &'a [u8],
    /// The certificates, leaf first.
    pub chain: Vec<&'a [u8], MAX_CHAIN_LEN>,
}

/// Decodes an envelope, strictly: every length bounded and checked, nothing after the end.
///
/// # Errors
/// An [`EnvelopeError`] naming the first problem. The evidence and certificates themselves are
/// only sliced here; [`crate::verify_evidence`] parses them.
pub fn decode(bytes: &[u8]) -> Result<Quote<'_>, EnvelopeError> {
    let mut r = Cursor { rest: bytes };
    if r.take(4, "magic")? != MAGIC {
        return Err(EnvelopeError::BadMagic);
    }
    let version = r.u8("version")?;
    if version != VERSION {
        return Err(EnvelopeError::UnsupportedVersion(version));
    }
    let kind = r.u8("kind")?;
    if kind != KIND_NVIDIA_SPDM {
        return Err(EnvelopeError::UnsupportedKind(kind));
    }
    let evidence_len = usize::from(r.u16("evidence length")?);
    if evidence_len > MAX_EVIDENCE_LEN {
        return Err(EnvelopeError::EvidenceTooLong);
    }
    let evidence = r.take(evidence_len, "evidence")?;
    let count = r.u8("certificate count")?;
    if count == 0 || usize::from(count) > MAX_CHAIN_LEN {
        return Err(EnvelopeError::BadCertificateCount(count));
    }
    let mut chain = Vec::new();
    for _ in 0..count {
        let der = match r.u8("certificate tag")? {
            CERT_INLINE => {
                let len = usize::from(r.u16("certificate length")?);
                if len == 0 || len > MAX_CERT_LEN {
                    return Err(EnvelopeError::BadCertificateLength);
                }
                r.take(len, "certificate")?
            }
            CERT_KNOWN => {
                let id = r.u8("certificate number")?;
                known::by_id(id)
                    .ok_or(EnvelopeError::UnknownKnownCertificate(id))?
                    .der
            }
            other => return Err(EnvelopeError::BadCertificateTag(other)),
        };
        chain
            .push(der)
            .map_err(|_| EnvelopeError::BadCertificateCount(count))?;
    }
    if !r.rest.is_empty() {
        return Err(EnvelopeError::TrailingBytes);
    }
    Ok(Quote { evidence, chain })
}

/// The length [`encode`] will write for this evidence and chain.
///
/// # Errors
/// As [`encode`], for inputs that cannot be enveloped.
pub fn encoded_len(evidence: &[u8], chain: &[&[u8]]) -> Result<usize, EnvelopeError> {
    check_inputs(evidence, chain)?;
    let certs: usize = chain
        .iter()
        .map(|der| match known::find(der) {
            Some(_) => 2,
            None => 3usize.saturating_add(der.len()),
        })
        .fold(0usize, usize::saturating_add);
    Ok(HEADER_LEN
        .saturating_add(evidence.len())
        .saturating_add(certs))
}

/// Writes the envelope of `evidence` and `chain` (DER, leaf first) into `out`, referencing
/// well-known NVIDIA certificates by number; returns how many bytes were written.
///
/// # Errors
/// [`EnvelopeError::EvidenceTooLong`], [`EnvelopeError::BadCertificateCount`],
/// [`EnvelopeError::BadCertificateLength`], or [`EnvelopeError::BufferTooSmall`].
pub fn encode(evidence: &[u8], chain: &[&[u8]], out: &mut [u8]) -> Result<usize, EnvelopeError> {
    let total = encoded_len(evidence, chain)?;
    let out = out.get_mut(..total).ok_or(EnvelopeError::BufferTooSmall)?;
    let mut w = Writer { out, at: 0 };
    w.put(&MAGIC)?;
    w.put(&[VERSION, KIND_NVIDIA_SPDM])?;
    w.put(
        &u16::try_from(evidence.len())
            .map_err(|_| EnvelopeError::EvidenceTooLong)?
            .to_be_bytes(),
    )?;
    w.put(evidence)?;
    w.put(&[u8::try_from(chain.len()).map_err(|_| EnvelopeError::BadCertificateCount(u8::MAX))?])?;
    for der in chain {
        match known::find(der) {
            Some(k) => w.put(&[CERT_KNOWN, k.id])?,
            None => {
                w.put(&[CERT_INLINE])?;
                let len =
                    u16::try_from(der.len()).map_err(|_| EnvelopeError::BadCertificateLength)?;
                w.put(&len.to_be_bytes())?;
                w.put(der)?;
            }
        }
    }
    Ok(w.at)
}

fn check_inputs(evidence: &[u8], chain: &[&[u8]]) -> Result<(), EnvelopeError> {
    if evidence.len() > MAX_EVIDENCE_LEN {
        return Err(EnvelopeError::EvidenceTooLong);
    }
    if chain.is_empty() || chain.len() > MAX_CHAIN_LEN {
        return Err(EnvelopeError::BadCertificateCount(
            u8::try_from(chain.len()).unwrap_or(u8::MAX),
        ));
    }
    if chain
        .iter()
        .any(|der| der.is_empty() || der.len() > MAX_CERT_LEN)
    {
        return Err(EnvelopeError::BadCertificateLength);
    }
    Ok(())
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], EnvelopeError> {
        if n > self.rest.len() {
            return Err(EnvelopeError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, EnvelopeError> {
        match self.take(1, field)? {
            [b] => Ok(*b),
            _ => Err(EnvelopeError::Truncated { field }),
        }
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, EnvelopeError> {
        let bytes: [u8; 2] = self
            .take(2, field)?
            .try_into()
            .map_err(|_| EnvelopeError::Truncated { field })?;
        Ok(u16::from_be_bytes(bytes))
    }
}

struct Writer<'o> {
    out: &'o mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), EnvelopeError> {
        let end = self
            .at
            .checked_add(bytes.len())
            .ok_or(EnvelopeError::BufferTooSmall)?;
        self.out
            .get_mut(self.at..end)
            .ok_or(EnvelopeError::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }
}
