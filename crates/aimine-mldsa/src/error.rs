//! The one error type of this crate.

use core::fmt;

use crate::Level;

/// Why an ML-DSA verification did not succeed.
///
/// The variants are ordered as the checks run: lengths first (cheap, and telling a caller which
/// argument is malformed), then key decoding, then the signature equation itself. FIPS 204 fixes
/// these checks, so the enum is exhaustive on purpose: callers may match every variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The public key length matches no parameter set, or not the requested one.
    WrongPublicKeyLength {
        /// The parameter set that was asked for, if any (`None` when inferring from the length).
        expected: Option<Level>,
        /// The length that was supplied.
        actual: usize,
    },
    /// The signature length is not the one of the key's parameter set.
    WrongSignatureLength {
        /// The parameter set the key belongs to.
        level: Level,
        /// The length that was supplied.
        actual: usize,
    },
    /// The context string is longer than 255 bytes (FIPS 204 §5.3 forbids it).
    ContextTooLong {
        /// The length that was supplied.
        actual: usize,
    },
    /// The public key bytes do not decode (FIPS 204 `pkDecode`).
    ///
    /// [`crate::verify`] never returns it: `pkDecode` (FIPS 204 Algorithm 23) reads ρ and then
    /// ten-bit coefficients of t1, and every ten-bit value is a valid coefficient, so every key of
    /// the right length decodes. The variant stays so that the error set, and callers' matches on
    /// it, do not depend on that fact.
    MalformedPublicKey,
    /// The signature is well-sized but does not verify: wrong key, wrong message or context,
    /// a malformed hint encoding, a norm violation, or a forgery.
    SignatureRejected,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::WrongPublicKeyLength {
                expected: Some(level),
                actual,
            } => write!(
                f,
                "wrong public key length: {actual} bytes, {level} needs {}",
                level.public_key_len()
            ),
            Error::WrongPublicKeyLength {
                expected: None,
                actual,
            } => write!(
                f,
                "wrong public key length: {actual} bytes is not ML-DSA-44 (1312), ML-DSA-65 (1952) or ML-DSA-87 (2592)"
            ),
            Error::WrongSignatureLength { level, actual } => write!(
                f,
                "wrong signature length: {actual} bytes, {level} needs {}",
                level.signature_len()
            ),
            Error::ContextTooLong { actual } => {
                write!(f, "context too long: {actual} bytes, at most 255 allowed")
            }
            Error::MalformedPublicKey => f.write_str("malformed public key"),
            Error::SignatureRejected => f.write_str("signature rejected"),
        }
    }
}

impl core::error::Error for Error {}
