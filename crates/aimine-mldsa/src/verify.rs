//! Pure ML-DSA verification (FIPS 204 Algorithm 3, `ML-DSA.Verify`): the public entry points and
//! the argument checks every backend shares.

use crate::{Error, Level, backend};

/// The longest context string FIPS 204 §5.3 allows, in bytes.
pub const MAX_CONTEXT_LEN: usize = 255;

/// Verifies a pure ML-DSA `signature` of `message` under `public_key` at the given `level`,
/// with the domain-separation `context` (empty for none, at most 255 bytes).
///
/// Every argument may be any byte string: lengths are checked first, in the order key, signature,
/// context, and the first mismatch is reported. This never panics. The arithmetic is
/// libcrux-ml-dsa's (see the crate documentation).
///
/// # Errors
/// [`Error::WrongPublicKeyLength`], [`Error::WrongSignatureLength`], [`Error::ContextTooLong`] or
/// [`Error::SignatureRejected`], as their names say. [`Error::MalformedPublicKey`] is never
/// returned: FIPS 204's `pkDecode` accepts every key of the right length.
pub fn verify(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    backend::verify(level, public_key, message, context, signature)
}

/// Like [`verify`], with the level inferred from the public key's length (the three ML-DSA key
/// lengths are distinct).
///
/// # Errors
/// [`Error::WrongPublicKeyLength`] with `expected: None` when the key length is none of the three;
/// otherwise as [`verify`].
pub fn verify_any(
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    verify(
        level_of(public_key)?,
        public_key,
        message,
        context,
        signature,
    )
}

/// The level a public key's length names, or the error [`verify_any`] reports.
pub(crate) fn level_of(public_key: &[u8]) -> Result<Level, Error> {
    Level::from_public_key_len(public_key.len()).ok_or(Error::WrongPublicKeyLength {
        expected: None,
        actual: public_key.len(),
    })
}

/// The length checks, in the documented order (key, signature, context), turning the key and the
/// signature into the fixed-size arrays of one parameter set. `PK_LEN` and `SIG_LEN` must be
/// `level`'s lengths (the backends instantiate it once per level).
pub(crate) fn sized<'a, const PK_LEN: usize, const SIG_LEN: usize>(
    level: Level,
    public_key: &'a [u8],
    context: &[u8],
    signature: &'a [u8],
) -> Result<(&'a [u8; PK_LEN], &'a [u8; SIG_LEN]), Error> {
    let key: &[u8; PK_LEN] = public_key
        .try_into()
        .map_err(|_| Error::WrongPublicKeyLength {
            expected: Some(level),
            actual: public_key.len(),
        })?;
    let signature: &[u8; SIG_LEN] =
        signature
            .try_into()
            .map_err(|_| Error::WrongSignatureLength {
                level,
                actual: signature.len(),
            })?;
    if context.len() > MAX_CONTEXT_LEN {
        return Err(Error::ContextTooLong {
            actual: context.len(),
        });
    }
    Ok((key, signature))
}
