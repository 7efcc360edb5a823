//! Byte strings in storage, laid out as Solidity lays out `bytes` longer than 31 bytes: the
//! slot holds `2·len + 1`, the data sits at `keccak256(slot) + i`.

use alloc::vec::Vec;

use crate::Error;
use crate::keys;
use crate::store::{Store, Word, word};

/// The longest byte string stored this way (Intel collateral is about 13 KiB, AMD certificates
/// under 2 KiB).
pub const MAX_BLOB_LEN: usize = 64 * 1024;

/// Writes `bytes` under `slot`.
///
/// # Errors
/// [`Error::BadParam`] past [`MAX_BLOB_LEN`], or a store error.
pub(crate) fn store(s: &mut (impl Store + ?Sized), slot: &Word, bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() > MAX_BLOB_LEN {
        return Err(Error::BadParam);
    }
    let len = bytes.len() as u64;
    s.store(
        slot,
        word::from_u64(len.saturating_mul(2).saturating_add(1)),
    )?;
    let data = keys::keccak256(slot);
    for (i, chunk) in bytes.chunks(32).enumerate() {
        let mut w = [0u8; 32];
        w.get_mut(..chunk.len())
            .ok_or(Error::BadParam)?
            .copy_from_slice(chunk);
        s.store(&keys::offset(&data, i as u64), w)?;
    }
    Ok(())
}

/// Reads the byte string under `slot` (empty when none was stored).
///
/// # Errors
/// [`Error::Store`] for a malformed length, or a store error.
pub(crate) fn load(s: &mut (impl Store + ?Sized), slot: &Word) -> Result<Vec<u8>, Error> {
    let encoded = word::to_u64(&s.load(slot)?).unwrap_or(0);
    if encoded == 0 {
        return Ok(Vec::new());
    }
    let len = usize::try_from(encoded / 2).map_err(|_| Error::Store)?;
    if encoded % 2 != 1 || len > MAX_BLOB_LEN {
        return Err(Error::Store);
    }
    let data = keys::keccak256(slot);
    let mut out = Vec::with_capacity(len);
    let mut i = 0u64;
    while out.len() < len {
        let w = s.load(&keys::offset(&data, i))?;
        let take = len.saturating_sub(out.len()).min(32);
        out.extend_from_slice(w.get(..take).ok_or(Error::Store)?);
        i = i.saturating_add(1);
    }
    Ok(out)
}
