//! Pure ML-DSA verification (FIPS 204 Algorithm 3, `ML-DSA.Verify`).

use fips204::traits::{SerDes, Verifier};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

use crate::{Error, Level};

/// The longest context string FIPS 204 §5.3 allows, in bytes.
pub const MAX_CONTEXT_LEN: usize = 255;

/// Verifies a pure ML-DSA `signature` of `message` under `public_key` at the given `level`,
/// with the domain-separation `context` (empty for none, at most 255 bytes).
///
/// Every argument may be any byte string: lengths are checked first, in the order key, signature,
/// context, and the first mismatch is reported. This never panics.
///
/// # Errors
/// [`Error::WrongPublicKeyLength`], [`Error::WrongSignatureLength`], [`Error::ContextTooLong`],
/// [`Error::MalformedPublicKey`] or [`Error::SignatureRejected`], as their names say.
pub fn verify(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    if public_key.len() != level.public_key_len() {
        return Err(Error::WrongPublicKeyLength {
            expected: Some(level),
            actual: public_key.len(),
        });
    }
    match level {
        Level::MlDsa44 => {
            verify_at::<ml_dsa_44::PublicKey, { ml_dsa_44::PK_LEN }, { ml_dsa_44::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
        Level::MlDsa65 => {
            verify_at::<ml_dsa_65::PublicKey, { ml_dsa_65::PK_LEN }, { ml_dsa_65::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
        Level::MlDsa87 => {
            verify_at::<ml_dsa_87::PublicKey, { ml_dsa_87::PK_LEN }, { ml_dsa_87::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
    }
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
    let level =
        Level::from_public_key_len(public_key.len()).ok_or(Error::WrongPublicKeyLength {
            expected: None,
            actual: public_key.len(),
        })?;
    verify(level, public_key, message, context, signature)
}

/// The length checks and the `fips204` call for one parameter set.
fn verify_at<PK, const PK_LEN: usize, const SIG_LEN: usize>(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error>
where
    PK: SerDes<ByteArray = [u8; PK_LEN]> + Verifier<Signature = [u8; SIG_LEN]>,
{
    let key_bytes: [u8; PK_LEN] =
        public_key
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
    let key = PK::try_from_bytes(key_bytes).map_err(|_| Error::MalformedPublicKey)?;
    if key.verify(message, signature, context) {
        Ok(())
    } else {
        Err(Error::SignatureRejected)
    }
}
