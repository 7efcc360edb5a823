//! `aimine session nonce`: what miners' tooling asks the GPU to sign.

use crate::args::NonceArgs;
use crate::{CliError, Outcome, input, rfc3339};

/// Prints the session nonce (hex), with the epoch it is valid in on stderr.
pub fn nonce(a: &NonceArgs) -> Result<Outcome, CliError> {
    let miner = input::array::<20>("miner", &a.miner)?;
    let submitter = match &a.submitter {
        Some(s) => input::array::<20>("submitter", s)?,
        None => miner,
    };
    let key = match &a.key {
        Some(k) => Some(input::bytes("key", k)?),
        None => None,
    };
    if let Some(k) = &key
        && aimine_mldsa::Level::from_public_key_len(k.len()).is_none()
    {
        return Err(format!(
            "--key: {} bytes is not an ML-DSA public key",
            k.len()
        ));
    }
    let time = rfc3339::at_or_now(a.at.as_deref())?;
    let epoch = time
        .as_secs()
        .checked_div(a.epoch_seconds)
        .ok_or("--epoch-seconds must be positive")?;
    let key_hash = aimine_registry::key_hash(key.as_deref());
    let nonce = aimine_registry::session_nonce(a.chain_id, &submitter, &miner, epoch, &key_hash);
    println!("{}", hex::encode(nonce));
    eprintln!(
        "epoch {epoch}: valid for quotes submitted until {}",
        rfc3339::format(aimine_time::UnixTime(
            epoch
                .saturating_add(2)
                .saturating_mul(a.epoch_seconds)
                .saturating_sub(1)
        ))
    );
    Ok(Outcome::Valid)
}
