//! The reference implementation, the [`fips204`] crate, behind the same checks and errors as
//! [`crate::verify`]: what the differential tests and the `mldsa_differential` fuzz target compare
//! the shipped backend with.
//!
//! This module exists only with the `reference` cargo feature, for testing. It is not a second
//! backend a node could choose: aimine verifies with libcrux-ml-dsa alone, and this module's
//! answers are only ever compared with that one's.

use fips204::traits::{SerDes, Verifier};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

use crate::verify::{level_of, sized};
use crate::{Error, Level};

/// [`crate::verify`] computed by the fips204 crate: the same length checks in the same order,
/// then fips204's `ML-DSA.Verify`.
///
/// # Errors
/// As [`crate::verify`]. [`Error::MalformedPublicKey`] would report fips204 refusing to decode a
/// key; it decodes every key of the right length, as FIPS 204's `pkDecode` does.
pub fn verify(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    match level {
        Level::MlDsa44 => {
            at::<ml_dsa_44::PublicKey, { ml_dsa_44::PK_LEN }, { ml_dsa_44::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
        Level::MlDsa65 => {
            at::<ml_dsa_65::PublicKey, { ml_dsa_65::PK_LEN }, { ml_dsa_65::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
        Level::MlDsa87 => {
            at::<ml_dsa_87::PublicKey, { ml_dsa_87::PK_LEN }, { ml_dsa_87::SIG_LEN }>(
                level, public_key, message, context, signature,
            )
        }
    }
}

/// [`crate::verify_any`] computed by the fips204 crate.
///
/// # Errors
/// As [`crate::verify_any`].
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

/// The checks and the fips204 call for one parameter set.
fn at<PK, const PK_LEN: usize, const SIG_LEN: usize>(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error>
where
    PK: SerDes<ByteArray = [u8; PK_LEN]> + Verifier<Signature = [u8; SIG_LEN]>,
{
    let (key, signature) = sized::<PK_LEN, SIG_LEN>(level, public_key, context, signature)?;
    let key = PK::try_from_bytes(*key).map_err(|_| Error::MalformedPublicKey)?;
    if key.verify(message, signature, context) {
        Ok(())
    } else {
        Err(Error::SignatureRejected)
    }
}
