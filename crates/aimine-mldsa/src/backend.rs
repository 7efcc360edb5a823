//! The shipped backend: libcrux-ml-dsa's `verify` for each parameter set.
//!
//! Why libcrux: the precompile's gas price for ML-DSA follows this call's time, and libcrux
//! (Cryspen's libcrux, Apache-2.0, `no_std` without alloc, its arithmetic partly proven correct
//! with hax/F*) verifies 2.5 to 2.8 times faster than the fips204 crate, the previous backend
//! (`cargo xtask bench`: rows `mldsa*_verify` and `mldsa*_verify_fips204`).
//!
//! libcrux picks its AVX2 (x86-64) or NEON (AArch64) code at run time when the CPU has it and its
//! portable code otherwise; all of them compute the same function, FIPS 204's `ML-DSA.Verify`,
//! which the tests check against the fips204 crate (`crate::reference`, with the `reference`
//! feature) and against each other.

use libcrux_ml_dsa::{MLDSASignature, MLDSAVerificationKey, VerificationError};
use libcrux_ml_dsa::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

use crate::verify::sized;
use crate::{Error, Level};

/// A libcrux verify function for one parameter set.
type VerifyFn<const PK_LEN: usize, const SIG_LEN: usize> = fn(
    &MLDSAVerificationKey<PK_LEN>,
    &[u8],
    &[u8],
    &MLDSASignature<SIG_LEN>,
) -> Result<(), VerificationError>;

/// [`crate::verify`]: the length checks, then libcrux.
pub(crate) fn verify(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    match level {
        Level::MlDsa44 => at(
            level,
            public_key,
            message,
            context,
            signature,
            ml_dsa_44::verify as VerifyFn<_, _>,
        ),
        Level::MlDsa65 => at(
            level,
            public_key,
            message,
            context,
            signature,
            ml_dsa_65::verify as VerifyFn<_, _>,
        ),
        Level::MlDsa87 => at(
            level,
            public_key,
            message,
            context,
            signature,
            ml_dsa_87::verify as VerifyFn<_, _>,
        ),
    }
}

/// The checks and the libcrux call for one parameter set.
fn at<const PK_LEN: usize, const SIG_LEN: usize>(
    level: Level,
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
    verify: VerifyFn<PK_LEN, SIG_LEN>,
) -> Result<(), Error> {
    let (key, signature) = sized::<PK_LEN, SIG_LEN>(level, public_key, context, signature)?;
    // libcrux takes owned arrays in its key and signature types: a copy of a few KiB, against the
    // tens of microseconds of the verification itself.
    let key = MLDSAVerificationKey::new(*key);
    let signature = MLDSASignature::new(*signature);
    verify(&key, message, context, &signature).map_err(|e| match e {
        // Unreachable: `sized` refused longer contexts. Mapped rather than assumed.
        VerificationError::VerificationContextTooLongError => Error::ContextTooLong {
            actual: context.len(),
        },
        // A malformed hint encoding, ‖z‖∞ ≥ γ1 − β, or c̃ ≠ c̃′: FIPS 204 Algorithm 8 returns
        // false for each, and so do we, without telling them apart.
        VerificationError::MalformedHintError
        | VerificationError::SignerResponseExceedsBoundError
        | VerificationError::CommitmentHashesDontMatchError => Error::SignatureRejected,
    })
}
