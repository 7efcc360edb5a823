//! The devices a session counts — the one model every session path goes through.
//!
//! A session counts its own device (a GPU, a CPU platform, or a staker's Public-tier id) and, for
//! a composite session, the GPUs its CPU vouches for. The rule of the registry: **a device is
//! counted by at most one active session.** Every device has one [`DeviceWord`] (slot 18): the
//! sessions it started, whether the latest of them is active, and whether governance revoked it.
//! A device's own active session is therefore found from that word alone (its id is
//! [`crate::session_id`] of the latest number), and opening a session on a new device writes one
//! word. A GPU bound to a composite session is marked in `ACTIVE_SESSION[gpu]` (slot 17, written
//! only for bound GPUs), and a composite session's GPU list is kept under `SESSION_GPUS[id]`.
//! Opening ([`Devices::claim`]), refreshing ([`Devices::release_bound`] then
//! [`Devices::claim_bound`]), ending ([`Devices::release`]) and revocation
//! ([`Devices::any_revoked`]) all go through this type, so no path can count a device it does
//! not release, or miss a bound GPU.

use aimine_tiers::Kind;
use heapless::Vec;

use crate::Error;
use crate::keys;
use crate::sessions::{Session, session_id};
use crate::store::{Store, Word, word};

/// A device's word (slot 18, `mapping(bytes32 device => uint256)`), packed from the low end:
/// bits 0–63 the sessions it started on this chain (its next session's number), bits 64–71
/// whether the latest of them is active (0 or 1), bits 72–79 whether governance revoked it (0 or
/// 1), bits 80–239 a GPU's verified chain digest ([`crate::device_chain_digest`]: its two own
/// certificate links, once both verified; zero before); bits 240–255 are zero. Anything else is
/// a corrupt store ([`Error::Store`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DeviceWord {
    /// Sessions started: the number of the next one.
    pub(crate) sessions: u64,
    /// Whether the latest session ([`DeviceWord::latest`]) is active and counts the device.
    pub(crate) own_active: bool,
    /// Whether governance revoked the device.
    pub(crate) revoked: bool,
    /// The GPU's verified chain digest, or zero: where a real GPU's own certificate links are
    /// remembered, in the word every quote of the GPU reads anyway, instead of two slots.
    pub(crate) chain_digest: [u8; CHAIN_DIGEST_LEN],
}

/// How much of a chain digest the device word keeps: 160 bits, so that finding other
/// certificates with a remembered digest is a 2^160 second-preimage search.
pub const CHAIN_DIGEST_LEN: usize = 20;

impl DeviceWord {
    fn key(device: &Word) -> Word {
        keys::mapping(keys::DEVICES, device)
    }

    /// The device's word (all zero for a device never seen).
    pub(crate) fn load(store: &mut (impl Store + ?Sized), device: &Word) -> Result<Self, Error> {
        let w = store.load(&Self::key(device))?;
        let flag = |byte: u8| match byte {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::Store),
        };
        let (high, low) = w.split_at(22);
        let (unused, link) = high.split_at(2);
        let (revoked, rest) = low.split_first().ok_or(Error::Store)?;
        let (active, count) = rest.split_first().ok_or(Error::Store)?;
        if unused.iter().any(|b| *b != 0) {
            return Err(Error::Store);
        }
        let count: [u8; 8] = count.try_into().map_err(|_| Error::Store)?;
        Ok(DeviceWord {
            sessions: u64::from_be_bytes(count),
            own_active: flag(*active)?,
            revoked: flag(*revoked)?,
            chain_digest: link.try_into().map_err(|_| Error::Store)?,
        })
    }

    /// Writes the word, unless it is unchanged from `before`.
    pub(crate) fn save(
        self,
        store: &mut (impl Store + ?Sized),
        device: &Word,
        before: DeviceWord,
    ) -> Result<(), Error> {
        if self == before {
            return Ok(());
        }
        let mut w = [0u8; 32];
        let (high, count) = w.split_at_mut(24);
        count.copy_from_slice(&self.sessions.to_be_bytes());
        let (unused_and_link, flags) = high.split_at_mut(22);
        if let [revoked, active] = flags {
            *active = u8::from(self.own_active);
            *revoked = u8::from(self.revoked);
        }
        if let Some(link) = unused_and_link.get_mut(2..) {
            link.copy_from_slice(&self.chain_digest);
        }
        store.store(&Self::key(device), w)
    }

    /// The id of the device's latest session on `chain_id`, if it started any.
    pub(crate) fn latest(&self, chain_id: u64, device: &Word) -> Option<Word> {
        let n = self.sessions.checked_sub(1)?;
        Some(session_id(chain_id, device, n))
    }
}

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

    /// Opens session number `n` of the own device (`id`, its [`session_id`]): marks the own
    /// device's latest session active in its word, and every bound GPU as counted by `id`.
    pub(crate) fn claim(
        &self,
        store: &mut (impl Store + ?Sized),
        own: DeviceWord,
        id: &Word,
    ) -> Result<(), Error> {
        let opened = DeviceWord {
            sessions: own.sessions.checked_add(1).ok_or(Error::Overflow)?,
            own_active: true,
            ..own
        };
        opened.save(store, &self.own, own)?;
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

    /// Frees every device session `id` (on chain `chain_id`) counts (those still counted by
    /// it), and forgets the bound GPUs.
    pub(crate) fn release(
        &self,
        store: &mut (impl Store + ?Sized),
        chain_id: u64,
        id: &Word,
    ) -> Result<(), Error> {
        self.release_bound(store, id)?;
        let own = DeviceWord::load(store, &self.own)?;
        if own.own_active && own.latest(chain_id, &self.own) == Some(*id) {
            DeviceWord {
                own_active: false,
                ..own
            }
            .save(store, &self.own, own)?;
        }
        Ok(())
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
    Ok(DeviceWord::load(store, device)?.revoked)
}

/// Who counts a device, as its words say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counter {
    /// Its own latest session, which its device word marks active.
    Own(Word),
    /// The composite session it is bound to.
    Bound(Word),
}

/// The session counting `device` on chain `chain_id`, if any: its own latest session when its
/// word marks it active (the id is derived, [`session_id`] of the latest number: the chain id
/// is part of the state's identity and never changes under it), else the composite session it
/// is bound to, if any.
pub(crate) fn counting_session(
    store: &mut (impl Store + ?Sized),
    chain_id: u64,
    device: &Word,
) -> Result<Option<Counter>, Error> {
    let own = DeviceWord::load(store, device)?;
    if own.own_active {
        // A device marked active has started a session: no latest one is a corrupt store.
        return own
            .latest(chain_id, device)
            .ok_or(Error::Store)
            .map(|id| Some(Counter::Own(id)));
    }
    let bound = store.load(&keys::mapping(keys::ACTIVE_SESSION, device))?;
    Ok((bound != [0; 32]).then_some(Counter::Bound(bound)))
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
