//! The roots and bans of CPU evidence: AMD product roots beside the pinned ones, an Intel root
//! beside Intel's pinned SGX Root CA (a test kit's), and banned Intel advisories.

use aimine_tee::AmdProduct;
use aimine_tee::sev::ProductRoots;
use sha2::{Digest, Sha256};

use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::registry::Registry;
use crate::store::{Store, Word, word};
use crate::{Error, blob, keys};

/// The most extra AMD product roots governance may add (beside the pinned Milan, Genoa, Turin).
pub const MAX_AMD_ROOTS: u64 = 2;

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Trusts another AMD product root pair in slot `index` (0 or 1), or clears it with an empty
    /// ARK (admin only): a test kit's, or a new product's before aimine pins it. The pair is
    /// decoded and its ASK checked under its ARK first.
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] (index, or certificates that do not decode or
    /// chain).
    pub fn set_amd_root(
        &mut self,
        caller: &Address,
        index: u64,
        product: AmdProduct,
        ark: &[u8],
        ask: &[u8],
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        if index >= MAX_AMD_ROOTS {
            return Err(Error::BadParam);
        }
        let base = amd_root_key(index);
        if ark.is_empty() {
            self.store.store(&base, [0; 32])?;
            return Ok(());
        }
        let roots = ProductRoots::new(product, ark, ask).map_err(|_| Error::BadParam)?;
        roots.check_signatures().map_err(|_| Error::BadParam)?;
        let number = AmdProduct::ALL
            .iter()
            .position(|p| *p == product)
            .ok_or(Error::BadParam)?;
        self.store
            .store(&base, word::from_u64((number as u64).saturating_add(1)))?;
        blob::store(self.store, &keys::offset(&base, 1), ark)?;
        blob::store(self.store, &keys::offset(&base, 2), ask)?;
        self.events.emit(Event::AnchorAdded {
            key_hash: Sha256::digest(ark).into(),
        });
        Ok(())
    }

    /// Trusts another Intel root CA (DER) beside Intel's pinned one, or clears it with empty
    /// bytes (admin only): a test kit's. Evidence whose chain ends in it is verified against it.
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for bytes that are not a certificate.
    pub fn set_intel_root(&mut self, caller: &Address, der: &[u8]) -> Result<(), Error> {
        self.require_admin(caller)?;
        if !der.is_empty() && (der.first() != Some(&0x30) || der.len() > 4096) {
            return Err(Error::BadParam);
        }
        blob::store(self.store, &keys::slot(keys::INTEL_ROOT), der)?;
        self.events.emit(Event::AnchorAdded {
            key_hash: Sha256::digest(der).into(),
        });
        Ok(())
    }

    /// Bans (or unbans) an Intel advisory id (admin only): platforms it applies to are refused.
    ///
    /// # Errors
    /// [`Error::NotAdmin`].
    pub fn set_advisory_banned(
        &mut self,
        caller: &Address,
        advisory_id: &str,
        banned: bool,
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        let hash = advisory_hash(advisory_id);
        self.store.store(
            &keys::mapping(keys::BANNED_ADVISORIES, &hash),
            word::from_bool(banned),
        )?;
        self.events.emit(Event::AdvisoryBanned { hash, banned });
        Ok(())
    }
}

/// SHA-256 of an advisory id in upper case: the key governance bans it under.
pub fn advisory_hash(id: &str) -> Word {
    let mut h = Sha256::new();
    for b in id.bytes() {
        h.update([b.to_ascii_uppercase()]);
    }
    h.finalize().into()
}

pub(crate) fn amd_root_key(index: u64) -> Word {
    keys::mapping(keys::AMD_ROOTS, &word::from_u64(index))
}
