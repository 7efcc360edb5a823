//! The trust anchors of GPU evidence: the root keys a GPU's chain must end in (NVIDIA's Device
//! Identity CA from genesis; a test root or a new NVIDIA root by governance).

use heapless::Vec;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::{Store, word};

/// At most this many trust anchors may be configured.
pub const MAX_ANCHORS: usize = 4;
/// Length of a trust anchor's key: an uncompressed SEC1 P-384 point.
pub const ANCHOR_KEY_LEN: usize = 97;

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Trusts another root key (admin only): a test root, or a new NVIDIA root.
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for a key that is not an uncompressed P-384 point,
    /// [`Error::TooManyAnchors`].
    pub fn add_anchor(&mut self, caller: &Address, public_key: &[u8]) -> Result<(), Error> {
        self.require_admin(caller)?;
        if public_key.len() != ANCHOR_KEY_LEN || public_key.first() != Some(&0x04) {
            return Err(Error::BadParam);
        }
        if self.anchors()?.iter().any(|a| a.as_slice() == public_key) {
            return Ok(());
        }
        self.push_anchor(public_key)
    }

    /// Stops trusting a root key (admin only).
    ///
    /// # Errors
    /// [`Error::NotAdmin`].
    pub fn remove_anchor(&mut self, caller: &Address, public_key: &[u8]) -> Result<(), Error> {
        self.require_admin(caller)?;
        let mut anchors = self.anchors()?;
        let before = anchors.len();
        anchors.retain(|a| a.as_slice() != public_key);
        if anchors.len() == before {
            return Ok(());
        }
        // Rewrite the array compactly and clear the freed entry.
        for i in 0..before {
            let key = anchors.get(i).copied().unwrap_or([0; ANCHOR_KEY_LEN]);
            self.write_anchor(i, &key)?;
        }
        self.store.store(
            &keys::slot(keys::ANCHORS),
            word::from_u64(anchors.len() as u64),
        )?;
        self.events.emit(Event::AnchorRemoved {
            key_hash: Sha256::digest(public_key).into(),
        });
        Ok(())
    }

    /// The trusted root keys.
    ///
    /// # Errors
    /// A store error.
    pub fn anchors(&mut self) -> Result<Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS>, Error> {
        anchors_in(self.store)
    }

    pub(crate) fn push_anchor(&mut self, public_key: &[u8]) -> Result<(), Error> {
        let count = self.anchors()?.len();
        if count >= MAX_ANCHORS {
            return Err(Error::TooManyAnchors);
        }
        let mut key = [0u8; ANCHOR_KEY_LEN];
        key.copy_from_slice(public_key.get(..ANCHOR_KEY_LEN).ok_or(Error::BadParam)?);
        self.write_anchor(count, &key)?;
        self.store.store(
            &keys::slot(keys::ANCHORS),
            word::from_u64(count.saturating_add(1) as u64),
        )?;
        self.events.emit(Event::AnchorAdded {
            key_hash: Sha256::digest(public_key).into(),
        });
        Ok(())
    }

    fn write_anchor(&mut self, index: usize, key: &[u8; ANCHOR_KEY_LEN]) -> Result<(), Error> {
        let base = keys::offset(
            &keys::array_base(keys::ANCHORS),
            (index as u64).saturating_mul(4),
        );
        let mut padded = [0u8; 128];
        padded
            .get_mut(..ANCHOR_KEY_LEN)
            .ok_or(Error::BadParam)?
            .copy_from_slice(key);
        for (j, chunk) in padded.chunks_exact(32).enumerate() {
            let mut w = [0u8; 32];
            w.copy_from_slice(chunk);
            self.store.store(&keys::offset(&base, j as u64), w)?;
        }
        Ok(())
    }
}

/// The configured trust anchors' keys.
pub(crate) fn anchors_in<S: Store + ?Sized>(
    store: &mut S,
) -> Result<Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS>, Error> {
    let count = word::to_u64(&store.load(&keys::slot(keys::ANCHORS))?).unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..count.min(MAX_ANCHORS as u64) {
        let base = keys::offset(&keys::array_base(keys::ANCHORS), i.saturating_mul(4));
        let mut key = [0u8; 128];
        for (j, chunk) in key.chunks_exact_mut(32).enumerate() {
            chunk.copy_from_slice(&store.load(&keys::offset(&base, j as u64))?);
        }
        let mut anchor = [0u8; ANCHOR_KEY_LEN];
        anchor.copy_from_slice(key.get(..ANCHOR_KEY_LEN).unwrap_or(&[0; ANCHOR_KEY_LEN]));
        let _ = out.push(anchor);
    }
    Ok(out)
}
