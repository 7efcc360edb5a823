//! Every way verification can fail, as typed values with clear messages.

use core::fmt;

/// A malformed SPDM evidence structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatError {
    /// The evidence ends inside `field`.
    Truncated {
        /// The field being read.
        field: &'static str,
    },
    /// `field` holds a value this verifier does not accept.
    UnexpectedValue {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u32,
    },
    /// Bytes follow the signature, which must end the evidence exactly.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// The evidence is longer than [`crate::MAX_EVIDENCE_LEN`].
    TooLong {
        /// Its length.
        len: usize,
    },
    /// A measurement block has index 0 (indices are 1-based).
    BlockIndexZero,
    /// Two measurement blocks share an index.
    DuplicateBlockIndex(u8),
    /// A measurement block is not in the DMTF measurement specification.
    NotDmtf {
        /// The block's index.
        index: u8,
        /// Its measurement-specification byte.
        spec: u8,
    },
    /// A block's declared size disagrees with its DMTF value size.
    BlockSizeMismatch {
        /// The block's index.
        index: u8,
    },
    /// The number of blocks found is not the number declared.
    BlockCountMismatch {
        /// Declared in the response header.
        declared: u8,
        /// Found in the measurement record.
        found: u16,
    },
    /// A known opaque field appears twice.
    DuplicateOpaqueField(u16),
    /// A known opaque field has a length its type does not allow.
    OpaqueFieldLength {
        /// The field type.
        field_type: u16,
        /// Its length.
        len: u16,
    },
    /// A text opaque field (versions, SKUs) is not printable ASCII.
    OpaqueFieldText(u16),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FormatError::Truncated { field } => write!(f, "evidence truncated in {field}"),
            FormatError::UnexpectedValue { field, value } => {
                write!(f, "unexpected {field}: {value:#x}")
            }
            FormatError::TrailingBytes { count } => {
                write!(f, "{count} bytes after the signature")
            }
            FormatError::TooLong { len } => write!(f, "evidence of {len} bytes is too long"),
            FormatError::BlockIndexZero => f.write_str("measurement block index 0"),
            FormatError::DuplicateBlockIndex(i) => write!(f, "measurement block {i} repeated"),
            FormatError::NotDmtf { index, spec } => write!(
                f,
                "measurement block {index}: specification {spec:#04x} is not DMTF"
            ),
            FormatError::BlockSizeMismatch { index } => {
                write!(f, "measurement block {index}: sizes disagree")
            }
            FormatError::BlockCountMismatch { declared, found } => {
                write!(f, "{declared} measurement blocks declared, {found} found")
            }
            FormatError::DuplicateOpaqueField(t) => write!(f, "opaque field {t} repeated"),
            FormatError::OpaqueFieldLength { field_type, len } => {
                write!(f, "opaque field {field_type} has invalid length {len}")
            }
            FormatError::OpaqueFieldText(t) => write!(f, "opaque field {t} is not printable text"),
        }
    }
}

/// A certificate that does not parse, or that this verifier does not accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertError {
    /// Not well-formed DER.
    BadDer,
    /// Well-formed DER, but not the X.509 structure expected at `field`.
    Malformed {
        /// Where.
        field: &'static str,
    },
    /// Not an X.509 v3 certificate.
    NotV3,
    /// The signature algorithm is not ecdsa-with-SHA384 (or the inner and outer ones differ).
    UnsupportedSignatureAlgorithm,
    /// The key is not an EC P-384 public key.
    UnsupportedKey,
    /// An extension marked critical that this verifier does not understand.
    UnknownCriticalExtension,
    /// The same extension twice.
    DuplicateExtension,
    /// The certificate is larger than [`crate::MAX_CERT_LEN`].
    TooLong,
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::BadDer => f.write_str("not valid DER"),
            CertError::Malformed { field } => write!(f, "malformed {field}"),
            CertError::NotV3 => f.write_str("not an X.509 v3 certificate"),
            CertError::UnsupportedSignatureAlgorithm => {
                f.write_str("signature algorithm is not ecdsa-with-SHA384")
            }
            CertError::UnsupportedKey => f.write_str("public key is not EC P-384"),
            CertError::UnknownCriticalExtension => f.write_str("unknown critical extension"),
            CertError::DuplicateExtension => f.write_str("repeated extension"),
            CertError::TooLong => f.write_str("certificate too long"),
        }
    }
}

/// Why evidence, a chain or a policy check was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The evidence is malformed.
    Format(FormatError),
    /// Certificate `index` (0 = leaf) does not parse.
    Certificate {
        /// Position in the chain, leaf first.
        index: usize,
        /// Why.
        error: CertError,
    },
    /// No certificates were given.
    EmptyChain,
    /// More certificates than [`crate::MAX_CHAIN_LEN`].
    ChainTooLong {
        /// How many were given.
        len: usize,
    },
    /// Certificate `index`'s issuer is not the subject of the certificate above it.
    IssuerMismatch {
        /// The child's position.
        index: usize,
    },
    /// Certificate `index` signs certificates but is not a CA allowed to.
    NotCa {
        /// The parent's position.
        index: usize,
    },
    /// Certificate `index` is deeper under a CA than that CA's path-length constraint allows.
    PathLenExceeded {
        /// The constraining CA's position.
        index: usize,
    },
    /// The leaf certificate may not sign (its key usage lacks digitalSignature).
    LeafCannotSign,
    /// Certificate `index`'s signature does not verify under its issuer's key.
    BadCertSignature {
        /// The child's position.
        index: usize,
    },
    /// Certificate `index` is not valid at the given time.
    Expired {
        /// Its position.
        index: usize,
    },
    /// The chain does not end at a trusted anchor.
    UntrustedRoot,
    /// The store of verified links could not be read or written (see
    /// [`crate::LinkStore`]): not a verdict on the evidence, which stays unverified.
    LinkStore,
    /// The evidence signature does not verify under the leaf key.
    BadEvidenceSignature,
    /// The request nonce is not the expected one.
    NonceMismatch,
    /// The firmware ID in the evidence differs from the leaf certificate's.
    FwidMismatch,
    /// The evidence reports an FWID but the leaf certificate carries none.
    FwidMissingInCertificate,
    /// The evidence reports no FWID where the verifier's policy requires one (old drivers).
    FwidNotReported,
    /// The opaque-data version is newer than this verifier understands.
    UnsupportedOpaqueVersion(u16),
    /// The chain is not the shape of an NVIDIA device chain (leaf, device identity, …).
    UnknownArchitecture,
    /// A measurement differs from every golden value at this (0-based) index.
    MeasurementMismatch {
        /// The 0-based measurement index (SPDM block index − 1), as RIMs number them.
        index: u8,
    },
    /// A golden index has no measurement block in the evidence.
    MeasurementMissing {
        /// The 0-based index.
        index: u8,
    },
    /// No golden measurement set covers this driver / VBIOS version.
    NoGoldenSet,
}

/// The name of the check that failed, as the CLI and precompiles report it.
///
/// Deliberately not `#[non_exhaustive]`: the precompiles map each check to a consensus error
/// code with an exhaustive `match`, so a new check must fail to compile there rather than fall
/// into a catch-all code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GpuCheck {
    /// Malformed evidence or certificate.
    Format,
    /// The certificate chain (issuer, CA, path, signature, validity).
    Chain,
    /// The trust anchor.
    Root,
    /// The evidence signature.
    Signature,
    /// The nonce.
    Nonce,
    /// The firmware ID binding.
    Fwid,
    /// The opaque-data version or architecture.
    Version,
    /// Reference measurements.
    Measurements,
}

impl GpuCheck {
    /// The check's short name: `format`, `chain`, `root`, `signature`, `nonce`, `fwid`, `version`,
    /// `measurements`.
    pub const fn name(self) -> &'static str {
        match self {
            GpuCheck::Format => "format",
            GpuCheck::Chain => "chain",
            GpuCheck::Root => "root",
            GpuCheck::Signature => "signature",
            GpuCheck::Nonce => "nonce",
            GpuCheck::Fwid => "fwid",
            GpuCheck::Version => "version",
            GpuCheck::Measurements => "measurements",
        }
    }
}

impl fmt::Display for GpuCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Error {
    /// Which check this error belongs to.
    pub const fn check(&self) -> GpuCheck {
        match self {
            Error::Format(_) | Error::Certificate { .. } | Error::EmptyChain => GpuCheck::Format,
            Error::ChainTooLong { .. }
            | Error::IssuerMismatch { .. }
            | Error::NotCa { .. }
            | Error::PathLenExceeded { .. }
            | Error::LeafCannotSign
            | Error::BadCertSignature { .. }
            | Error::Expired { .. }
            | Error::LinkStore => GpuCheck::Chain,
            Error::UntrustedRoot => GpuCheck::Root,
            Error::BadEvidenceSignature => GpuCheck::Signature,
            Error::NonceMismatch => GpuCheck::Nonce,
            Error::FwidMismatch | Error::FwidMissingInCertificate | Error::FwidNotReported => {
                GpuCheck::Fwid
            }
            Error::UnsupportedOpaqueVersion(_) | Error::UnknownArchitecture => GpuCheck::Version,
            Error::MeasurementMismatch { .. }
            | Error::MeasurementMissing { .. }
            | Error::NoGoldenSet => GpuCheck::Measurements,
        }
    }
}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Error {
        Error::Format(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Format(e) => write!(f, "format: {e}"),
            Error::Certificate { index, error } => {
                write!(f, "format: certificate {index}: {error}")
            }
            Error::EmptyChain => f.write_str("format: empty certificate chain"),
            Error::ChainTooLong { len } => write!(
                f,
                "chain: {len} certificates, at most {} allowed",
                crate::MAX_CHAIN_LEN
            ),
            Error::IssuerMismatch { index } => write!(
                f,
                "chain: certificate {index}'s issuer is not certificate {}'s subject",
                index.saturating_add(1)
            ),
            Error::NotCa { index } => write!(
                f,
                "chain: certificate {index} issues certificates but is not a CA allowed to"
            ),
            Error::PathLenExceeded { index } => {
                write!(
                    f,
                    "chain: path-length constraint of certificate {index} exceeded"
                )
            }
            Error::LeafCannotSign => f.write_str("chain: leaf key usage forbids signing"),
            Error::BadCertSignature { index } => {
                write!(f, "chain: certificate {index}'s signature is invalid")
            }
            Error::Expired { index } => {
                write!(
                    f,
                    "chain: certificate {index} is not valid at the given time"
                )
            }
            Error::UntrustedRoot => f.write_str("root: chain does not end at a trusted anchor"),
            Error::LinkStore => {
                f.write_str("chain: the store of verified links could not be read or written")
            }
            Error::BadEvidenceSignature => f.write_str("signature: evidence signature is invalid"),
            Error::NonceMismatch => f.write_str("nonce: evidence nonce is not the expected one"),
            Error::FwidMismatch => {
                f.write_str("fwid: evidence firmware ID differs from the leaf certificate's")
            }
            Error::FwidMissingInCertificate => {
                f.write_str("fwid: evidence has a firmware ID but the leaf certificate has none")
            }
            Error::FwidNotReported => f.write_str(
                "fwid: the evidence reports no firmware ID (field 20) and the policy requires one",
            ),
            Error::UnsupportedOpaqueVersion(v) => {
                write!(
                    f,
                    "version: opaque-data version {v} is not supported (at most 1)"
                )
            }
            Error::UnknownArchitecture => {
                f.write_str("version: not an NVIDIA Hopper, Blackwell or LS10 device chain")
            }
            Error::MeasurementMismatch { index } => {
                write!(f, "measurements: index {index} matches no golden value")
            }
            Error::MeasurementMissing { index } => {
                write!(
                    f,
                    "measurements: index {index} is missing from the evidence"
                )
            }
            Error::NoGoldenSet => {
                f.write_str("measurements: no golden set for this driver / VBIOS version")
            }
        }
    }
}

impl core::error::Error for Error {}
impl core::error::Error for FormatError {}
impl core::error::Error for CertError {}
