//! Session keys: the ML-DSA public key a session's heartbeats and execution receipts are signed
//! with, stored as Solidity stores `bytes`.

use crate::Error;
use crate::keys;
use crate::store::{Store, Word, word};

/// The longest ML-DSA public key (ML-DSA-87), in bytes.
pub const MAX_KEY_LEN: usize = 2_592;

/// Stores a session's ML-DSA public key as Solidity stores `bytes` (keys are always longer than
/// 31 bytes: the slot holds `2·len + 1`, the data sits at `keccak256(slot) + i`).
pub(crate) fn store_key(s: &mut (impl Store + ?Sized), id: &Word, key: &[u8]) -> Result<(), Error> {
    let slot = keys::mapping(keys::SESSION_KEYS, id);
    let len = u64::try_from(key.len()).map_err(|_| Error::BadSessionKey)?;
    let encoded_len = len
        .checked_mul(2)
        .and_then(|v| v.checked_add(1))
        .ok_or(Error::BadSessionKey)?;
    s.store(&slot, word::from_u64(encoded_len))?;
    let data = keys::keccak256(&slot);
    for (i, chunk) in key.chunks(32).enumerate() {
        let mut w = [0u8; 32];
        w.get_mut(..chunk.len())
            .ok_or(Error::BadSessionKey)?
            .copy_from_slice(chunk);
        s.store(&keys::offset(&data, i as u64), w)?;
    }
    Ok(())
}

/// Forgets a session's public key (its data words are left, unreachable).
pub(crate) fn clear_key(s: &mut (impl Store + ?Sized), id: &Word) -> Result<(), Error> {
    s.store(&keys::mapping(keys::SESSION_KEYS, id), [0; 32])
}

/// Loads a session's public key into `buf`; returns its length, 0 when the session has none.
pub(crate) fn load_key(
    s: &mut (impl Store + ?Sized),
    id: &Word,
    buf: &mut [u8; MAX_KEY_LEN],
) -> Result<usize, Error> {
    let slot = keys::mapping(keys::SESSION_KEYS, id);
    let encoded = word::to_u64(&s.load(&slot)?).unwrap_or(0);
    if encoded == 0 {
        return Ok(0);
    }
    let len = usize::try_from(encoded / 2).map_err(|_| Error::BadSessionKey)?;
    if encoded % 2 != 1 || len > MAX_KEY_LEN {
        return Err(Error::BadSessionKey);
    }
    let data = keys::keccak256(&slot);
    for (i, chunk) in buf
        .get_mut(..len)
        .ok_or(Error::BadSessionKey)?
        .chunks_mut(32)
        .enumerate()
    {
        let w = s.load(&keys::offset(&data, i as u64))?;
        chunk.copy_from_slice(w.get(..chunk.len()).ok_or(Error::BadSessionKey)?);
    }
    Ok(len)
}
