//! Why a RIM was refused.

use core::fmt;

/// Everything that can go wrong reading, verifying or appraising a RIM.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Not well-formed XML (or a DTD, which RIMs never have), with the parser's message.
    Xml(String),
    /// Larger than [`crate::MAX_RIM_LEN`].
    TooLarge,
    /// A construct NVIDIA's RIMs do not use and this verifier does not canonicalise.
    Unsupported(&'static str),
    /// A required element or attribute is missing or malformed.
    Structure(&'static str),
    /// An algorithm other than the one NVIDIA's RIMs use (C14N 1.1, enveloped signature,
    /// SHA-384, ECDSA P-384 with SHA-384), with its URI.
    Algorithm(String),
    /// Base64 that does not decode, or decodes to the wrong length.
    Encoding(&'static str),
    /// The document's SHA-384 digest is not the signed DigestValue: the RIM was changed.
    DigestMismatch,
    /// The SignatureValue does not verify under the leaf certificate's key.
    BadSignature,
    /// The KeyInfo certificate chain does not lead to the pinned RIM root at the given time.
    Chain(aimine_nvtrust::Error),
}

impl Error {
    /// True when the only fault is the time: a certificate of the chain is outside its validity.
    pub fn is_expired(&self) -> bool {
        matches!(self, Error::Chain(aimine_nvtrust::Error::Expired { .. }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Xml(m) => write!(f, "not well-formed XML: {m}"),
            Error::TooLarge => f.write_str("RIM too large"),
            Error::Unsupported(what) => write!(f, "unsupported XML construct: {what}"),
            Error::Structure(what) => write!(f, "malformed RIM: {what}"),
            Error::Algorithm(uri) => write!(f, "unsupported algorithm {uri}"),
            Error::Encoding(what) => write!(f, "bad encoding: {what}"),
            Error::DigestMismatch => {
                f.write_str("digest mismatch: the RIM was modified after it was signed")
            }
            Error::BadSignature => f.write_str("signature does not verify"),
            Error::Chain(e) if self.is_expired() => write!(f, "certificate chain expired: {e}"),
            Error::Chain(e) => write!(f, "certificate chain: {e}"),
        }
    }
}

impl std::error::Error for Error {}
