//! The trust anchors of GPU evidence: the root keys a GPU's chain must end in (NVIDIA's Device
//! Identity CA from genesis; a test root or a new NVIDIA root by governance).
//!
//! Every GPU quote reads the anchors, so their layout is chosen for that read. NVIDIA's Device
//! Identity CA is built into aimine-nvtrust: whether the chain trusts it is one bit, never its
//! 97-byte key. The anchor bits live in the policy word (slot 52, bits 120–127:
//! [`crate::config::Param::packed`]), which a quote reads anyway for the parameters it needs:
//! bits 0–2 of the field the number of stored anchors, bit 3 NVIDIA's root; any other bit set,
//! or more anchors than [`MAX_ANCHORS`], is a corrupt store ([`Error::Store`]). Only anchors
//! governance adds are stored, four words each at `keccak256(21) + 4i`, and read only when there
//! are any: a chain that trusts NVIDIA's root alone reads no word of its own for its anchors (it
//! read five: a count and the key).

use heapless::Vec;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::config;
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::Store;

/// At most this many trust anchors may be configured (NVIDIA's root counts as one).
pub const MAX_ANCHORS: usize = 4;
/// Length of a trust anchor's key: an uncompressed SEC1 P-384 point.
pub const ANCHOR_KEY_LEN: usize = 97;

/// The anchor field's bit for NVIDIA's Device Identity CA.
const BUILT_IN_BIT: u128 = 1 << 3;
/// The anchor field's bits for the number of stored anchors.
const STORED_MASK: u128 = 0b111;

/// NVIDIA's Device Identity CA key, built in.
fn built_in_key() -> &'static [u8] {
    aimine_nvtrust::NVIDIA_DEVICE_IDENTITY_CA.public_key
}

/// What the anchor word says: whether NVIDIA's root is trusted, and how many anchors are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AnchorWord {
    built_in: bool,
    stored: u64,
}

impl AnchorWord {
    fn load<S: Store + ?Sized>(store: &mut S) -> Result<AnchorWord, Error> {
        let v = config::load_packed(store, config::ANCHOR_BITS)?;
        let stored = (v & STORED_MASK) as u64;
        let built_in = v & BUILT_IN_BIT != 0;
        if v & !(BUILT_IN_BIT | STORED_MASK) != 0
            || stored.saturating_add(u64::from(built_in)) > MAX_ANCHORS as u64
        {
            return Err(Error::Store);
        }
        Ok(AnchorWord { built_in, stored })
    }

    fn save<S: Store + ?Sized>(self, store: &mut S) -> Result<(), Error> {
        let v = u128::from(self.stored) | if self.built_in { BUILT_IN_BIT } else { 0 };
        config::store_packed(store, config::ANCHOR_BITS, v)
    }

    fn total(self) -> u64 {
        self.stored.saturating_add(u64::from(self.built_in))
    }
}

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
        let mut set = AnchorWord::load(self.store)?;
        if public_key == built_in_key() {
            if !set.built_in {
                return Ok(());
            }
            set.built_in = false;
            set.save(self.store)?;
        } else {
            let mut stored = stored_anchors(self.store, set.stored)?;
            let before = stored.len();
            stored.retain(|a| a.as_slice() != public_key);
            if stored.len() == before {
                return Ok(());
            }
            // Rewrite the array compactly and clear the freed entry.
            for i in 0..before {
                let key = stored.get(i).copied().unwrap_or([0; ANCHOR_KEY_LEN]);
                self.write_anchor(i, &key)?;
            }
            set.stored = stored.len() as u64;
            set.save(self.store)?;
        }
        self.events.emit(Event::AnchorRemoved {
            key_hash: Sha256::digest(public_key).into(),
        });
        Ok(())
    }

    /// The trusted root keys: NVIDIA's Device Identity CA first when it is trusted, then the
    /// anchors governance added, in the order they were added.
    ///
    /// # Errors
    /// A store error.
    pub fn anchors(&mut self) -> Result<Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS>, Error> {
        anchors_in(self.store)
    }

    pub(crate) fn push_anchor(&mut self, public_key: &[u8]) -> Result<(), Error> {
        let mut set = AnchorWord::load(self.store)?;
        if set.total() >= MAX_ANCHORS as u64 {
            return Err(Error::TooManyAnchors);
        }
        if public_key == built_in_key() {
            set.built_in = true;
        } else {
            let mut key = [0u8; ANCHOR_KEY_LEN];
            key.copy_from_slice(public_key.get(..ANCHOR_KEY_LEN).ok_or(Error::BadParam)?);
            self.write_anchor(usize::try_from(set.stored).map_err(|_| Error::Store)?, &key)?;
            set.stored = set.stored.saturating_add(1);
        }
        set.save(self.store)?;
        self.events.emit(Event::AnchorAdded {
            key_hash: Sha256::digest(public_key).into(),
        });
        Ok(())
    }

    fn write_anchor(&mut self, index: usize, key: &[u8; ANCHOR_KEY_LEN]) -> Result<(), Error> {
        let base = anchor_base(index as u64);
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

/// The first word of stored anchor `index`.
fn anchor_base(index: u64) -> crate::store::Word {
    keys::offset(&keys::array_base(keys::ANCHORS), index.saturating_mul(4))
}

/// The `count` anchors governance stored, in order.
fn stored_anchors<S: Store + ?Sized>(
    store: &mut S,
    count: u64,
) -> Result<Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS>, Error> {
    let mut out = Vec::new();
    for i in 0..count.min(MAX_ANCHORS as u64) {
        let base = anchor_base(i);
        let mut key = [0u8; 128];
        for (j, chunk) in key.chunks_exact_mut(32).enumerate() {
            chunk.copy_from_slice(&store.load(&keys::offset(&base, j as u64))?);
        }
        let mut anchor = [0u8; ANCHOR_KEY_LEN];
        anchor.copy_from_slice(key.get(..ANCHOR_KEY_LEN).ok_or(Error::Store)?);
        out.push(anchor).map_err(|_| Error::Store)?;
    }
    Ok(out)
}

/// The configured trust anchors' keys: NVIDIA's root first when trusted (read as one bit),
/// then the stored ones (read only when there are any).
pub(crate) fn anchors_in<S: Store + ?Sized>(
    store: &mut S,
) -> Result<Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS>, Error> {
    let set = AnchorWord::load(store)?;
    let mut out: Vec<[u8; ANCHOR_KEY_LEN], MAX_ANCHORS> = Vec::new();
    if set.built_in {
        let mut key = [0u8; ANCHOR_KEY_LEN];
        key.copy_from_slice(built_in_key().get(..ANCHOR_KEY_LEN).ok_or(Error::Store)?);
        out.push(key).map_err(|_| Error::Store)?;
    }
    for key in stored_anchors(store, set.stored)? {
        out.push(key).map_err(|_| Error::Store)?;
    }
    Ok(out)
}
