//! Why an envelope could not be read or written: one error for every kind.

use core::fmt;

use aimine_tiers::Kind;

/// Why an envelope could not be decoded (or encoded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The input does not start with "AIMQ".
    BadMagic,
    /// An envelope version this crate does not know.
    UnsupportedVersion(u8),
    /// A kind byte that names no envelope kind (0, the stake, has none).
    UnsupportedKind(u8),
    /// The input ends inside `field`.
    Truncated {
        /// What was being read.
        field: &'static str,
    },
    /// A length beyond its bound.
    TooLong {
        /// Which field.
        field: &'static str,
    },
    /// A GPU part with zero certificates, or more than aimine-nvtrust's chain limit.
    BadCertificateCount(u8),
    /// A GPU certificate tag other than inline (0) or known (1).
    BadCertificateTag(u8),
    /// A known-certificate number aimine-nvtrust has no certificate for.
    UnknownKnownCertificate(u8),
    /// An inline GPU certificate that is empty or longer than aimine-nvtrust's limit.
    BadCertificateLength,
    /// A collateral tag other than 0 or 1.
    BadCollateralTag(u8),
    /// An SEV-SNP certificate count above 3, or an empty or oversized certificate.
    BadSevCertificate,
    /// A composite quote with fewer than one CPU and one GPU, or more than 8 GPUs.
    BadPartCount(u8),
    /// A composite part of the wrong kind (the first must be a CPU quote, the rest GPUs).
    BadPartKind(Kind),
    /// An envelope of another kind where one kind was asked for ([`crate::decode_gpu`]).
    WrongKind {
        /// The kind asked for.
        expected: Kind,
        /// The kind the envelope names.
        found: Kind,
    },
    /// Bytes after the last field.
    TrailingBytes,
    /// The output buffer is too small (encoding only).
    BufferTooSmall,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadMagic => f.write_str("not an aimine quote envelope (magic)"),
            Error::UnsupportedVersion(v) => write!(f, "envelope version {v} unsupported"),
            Error::UnsupportedKind(k) => write!(f, "envelope kind {k} unsupported"),
            Error::Truncated { field } => write!(f, "envelope truncated in {field}"),
            Error::TooLong { field } => write!(f, "envelope {field} too long"),
            Error::BadCertificateCount(n) => write!(
                f,
                "envelope holds {n} GPU certificates (1 to {} allowed)",
                aimine_nvtrust::MAX_CHAIN_LEN
            ),
            Error::BadCertificateTag(t) => write!(f, "envelope certificate tag {t}"),
            Error::UnknownKnownCertificate(n) => {
                write!(f, "envelope names unknown certificate {n}")
            }
            Error::BadCertificateLength => f.write_str("envelope certificate length"),
            Error::BadCollateralTag(t) => write!(f, "envelope collateral tag {t}"),
            Error::BadSevCertificate => f.write_str("envelope SEV-SNP certificates malformed"),
            Error::BadPartCount(n) => write!(
                f,
                "composite envelope holds {n} parts (a CPU and 1 to {} GPUs)",
                crate::MAX_GPUS
            ),
            Error::BadPartKind(k) => write!(f, "composite envelope part of kind {k}"),
            Error::WrongKind { expected, found } => {
                write!(f, "a {found} envelope where a {expected} one was expected")
            }
            Error::TrailingBytes => f.write_str("bytes after the envelope"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for Error {}
