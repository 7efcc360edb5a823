//! The devices a session counts — the one model every session path goes through.
//!
//! A session counts its own device (a GPU, a CPU platform, or a staker's Public-tier id) and, for
//! a composite session, the GPUs its CPU vouches for. The rule of the registry: **a device is
//! counted by at most one active session.** `ACTIVE_SESSION[device]` names that session for every
//! device it counts, and a composite session's GPU list is kept under `SESSION_GPUS[id]`. Opening
//! ([`Devices::claim`]), refreshing ([`Devices::release_bound`] then [`Devices::claim_bound`]),
//! ending ([`Devices::release`]) and revocation ([`Devices::any_revoked`]) all go through this
//! type, so no path can count a device it does not release, or miss a bound GPU.

use aimine_tiers::Kind;
use heapless::Vec;

use crate::Error;
use crate::keys;
use crate::sessions::Session;
use crate::store::{Store, Word, word};

/// The most GPUs a composite session binds (aimine-envelope's composite limit).
pub const MAX_BOUND_GPUS: usize = aimine_envelope::MAX_GPUS;

/// The devices a session counts: its own device, and a composite session's bound GPUs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Devices {
    /// The session's own device (its record's `gpu_id`).
    pub own: Word,
    /// A composite session's GPUs, in the order its quote hashed them; empty otherwise.
    pub bound: Vec<Word, MAX_BOUND_GPUS>,
}

impl Devices {
    /// Every device counted, the own device first.
    pub fn iter(&self) -> impl Iterator<Item = &Word> {
        core::iter::once(&self.own).chain(self.bound.iter())
    }

    /// The devices a stored session counts. Only a composite session has bound GPUs, so only its
    /// list is read.
    pub(crate) fn of(store: &mut (impl Store + ?Sized), s: &Session) -> Result<Devices, Error> {
        let bound = if s.kind == Kind::Composite {
            bound_gpus(store, &s.id)?
        } else {
            Vec::new()
        };
        Ok(Devices {
            own: s.gpu_id,
            bound,
        })
    }

    /// Marks every device as counted by session `id`, and records the bound GPUs.
    pub(crate) fn claim(&self, store: &mut (impl Store + ?Sized), id: &Word) -> Result<(), Error> {
        store.store(&keys::mapping(keys::ACTIVE_SESSION, &self.own), *id)?;
        self.claim_bound(store, id)
    }

    /// Records the bound GPUs of session `id` and marks each counted by it (a refresh keeps its
    /// own device).
    pub(crate) fn claim_bound(
        &self,
        store: &mut (impl Store + ?Sized),
        id: &Word,
    ) -> Result<(), Error> {
        if self.bound.is_empty() {
            return Ok(());
        }
        let base = keys::mapping(keys::SESSION_GPUS, id);
        store.store(&base, word::from_u64(self.bound.len() as u64))?;
        for (i, gpu) in self.bound.iter().enumerate() {
            store.store(&keys::offset(&base, (i as u64).saturating_add(1)), *gpu)?;
            store.store(&keys::mapping(keys::ACTIVE_SESSION, gpu), *id)?;
        }
        Ok(())
    }

    /// Frees every device session `id` counts (those still counted by it), and forgets the
    /// bound GPUs.
    pub(crate) fn release(
        &self,
        store: &mut (impl Store + ?Sized),
        id: &Word,
    ) -> Result<(), Error> {
        self.release_bound(store, id)?;
        release_one(store, &self.own, id)
    }

    /// Frees the bound GPUs of session `id` and forgets them (a refresh binds its new set next).
    pub(crate) fn release_bound(
        &self,
        store: &mut (impl Store + ?Sized),
        id: &Word,
    ) -> Result<(), Error> {
        if self.bound.is_empty() {
            return Ok(());
        }
        for gpu in &self.bound {
            release_one(store, gpu, id)?;
        }
        store.store(&keys::mapping(keys::SESSION_GPUS, id), [0; 32])
    }

    /// Whether any device a stored session counts is revoked: its own device first, then (for a
    /// composite session) each bound GPU, read only when the own device is not.
    pub(crate) fn any_revoked(
        store: &mut (impl Store + ?Sized),
        s: &Session,
    ) -> Result<bool, Error> {
        if is_revoked(store, &s.gpu_id)? {
            return Ok(true);
        }
        for gpu in Devices::of(store, s)?.bound {
            if is_revoked(store, &gpu)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether governance revoked a device.
pub(crate) fn is_revoked(store: &mut (impl Store + ?Sized), device: &Word) -> Result<bool, Error> {
    Ok(word::to_bool(
        &store.load(&keys::mapping(keys::REVOKED, device))?,
    ))
}

/// The GPUs recorded for session `id` (none for a session that binds none).
pub(crate) fn bound_gpus(
    store: &mut (impl Store + ?Sized),
    id: &Word,
) -> Result<Vec<Word, MAX_BOUND_GPUS>, Error> {
    let base = keys::mapping(keys::SESSION_GPUS, id);
    let n = word::to_u64(&store.load(&base)?).unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..n.min(MAX_BOUND_GPUS as u64) {
        let gpu = store.load(&keys::offset(&base, i.saturating_add(1)))?;
        out.push(gpu).map_err(|_| Error::Store)?;
    }
    Ok(out)
}

fn release_one(store: &mut (impl Store + ?Sized), device: &Word, id: &Word) -> Result<(), Error> {
    let key = keys::mapping(keys::ACTIVE_SESSION, device);
    if store.load(&key)? == *id {
        store.store(&key, [0; 32])?;
    }
    Ok(())
}
