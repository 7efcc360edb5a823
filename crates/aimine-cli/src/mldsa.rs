//! `aimine mldsa …`: verify with aimine-mldsa; key generation and signing with fips204 directly
//! (signing is an operator's job, never the chain's, so it stays out of the no_std library).

use aimine_mldsa::Level;
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

use crate::args::{KeygenArgs, SignArgs, VerifyArgs};
use crate::{CliError, Outcome, input};

/// `aimine mldsa verify`: prints `valid` or `invalid: <reason>`.
pub fn verify(a: &VerifyArgs) -> Result<Outcome, CliError> {
    let pk = input::bytes("pk", &a.pk)?;
    let msg = input::bytes("msg", &a.msg)?;
    let sig = input::bytes("sig", &a.sig)?;
    let ctx = match &a.ctx {
        Some(c) => input::bytes("ctx", c)?,
        None => Vec::new(),
    };
    match aimine_mldsa::verify(a.level, &pk, &msg, &ctx, &sig) {
        Ok(()) => {
            println!("valid");
            Ok(Outcome::Valid)
        }
        Err(e) => {
            println!("invalid: {e}");
            Ok(Outcome::Invalid)
        }
    }
}

/// `aimine mldsa keygen`: prints the public key of the seed's key pair.
pub fn keygen(a: &KeygenArgs) -> Result<Outcome, CliError> {
    let seed = input::array::<32>("seed", &a.seed)?;
    println!("{}", hex::encode(public_key(a.level, &seed)));
    Ok(Outcome::Valid)
}

/// `aimine mldsa sign`: prints the signature.
pub fn sign(a: &SignArgs) -> Result<Outcome, CliError> {
    let seed = input::array::<32>("seed", &a.seed)?;
    let msg = input::bytes("msg", &a.msg)?;
    let ctx = match &a.ctx {
        Some(c) => input::bytes("ctx", c)?,
        None => Vec::new(),
    };
    let rnd = match &a.rnd {
        Some(r) => input::array::<32>("rnd", r)?,
        None => [0u8; 32],
    };
    if ctx.len() > aimine_mldsa::MAX_CONTEXT_LEN {
        return Err(format!("--ctx: {} bytes, at most 255 allowed", ctx.len()));
    }
    let sig = signature(a.level, &seed, &rnd, &msg, &ctx)?;
    println!("{}", hex::encode(sig));
    Ok(Outcome::Valid)
}

/// The encoded public key derived from `seed` (FIPS 204 `ML-DSA.KeyGen_internal`).
pub fn public_key(level: Level, seed: &[u8; 32]) -> Vec<u8> {
    match level {
        Level::MlDsa44 => ml_dsa_44::KG::keygen_from_seed(seed)
            .0
            .into_bytes()
            .to_vec(),
        Level::MlDsa65 => ml_dsa_65::KG::keygen_from_seed(seed)
            .0
            .into_bytes()
            .to_vec(),
        Level::MlDsa87 => ml_dsa_87::KG::keygen_from_seed(seed)
            .0
            .into_bytes()
            .to_vec(),
    }
}

/// An ML-DSA-65 signature (empty context, deterministic) with the key pair of `seed`: a
/// session key's heartbeat signature.
///
/// # Errors
/// When signing fails.
pub fn sign_65(seed: &[u8; 32], msg: &[u8]) -> Result<Vec<u8>, CliError> {
    signature(Level::MlDsa65, seed, &[0; 32], msg, &[])
}

/// A pure ML-DSA signature with the key pair derived from `seed`, hedged with `rnd`.
fn signature(
    level: Level,
    seed: &[u8; 32],
    rnd: &[u8; 32],
    msg: &[u8],
    ctx: &[u8],
) -> Result<Vec<u8>, CliError> {
    let signed = match level {
        Level::MlDsa44 => ml_dsa_44::KG::keygen_from_seed(seed)
            .1
            .try_sign_with_seed(rnd, msg, ctx)
            .map(|s| s.to_vec()),
        Level::MlDsa65 => ml_dsa_65::KG::keygen_from_seed(seed)
            .1
            .try_sign_with_seed(rnd, msg, ctx)
            .map(|s| s.to_vec()),
        Level::MlDsa87 => ml_dsa_87::KG::keygen_from_seed(seed)
            .1
            .try_sign_with_seed(rnd, msg, ctx)
            .map(|s| s.to_vec()),
    };
    signed.map_err(|e| format!("signing failed: {e}"))
}
