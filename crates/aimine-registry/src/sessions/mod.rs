//! Mining sessions: opened from an [`Appraisal`], refreshed by a newer quote of the same device,
//! paid by heartbeats, settled, and ended.
//!
//! Every path that starts, refreshes, settles or ends a session goes through this module and
//! through [`Devices`], the devices a session counts: a device is counted by at most one active
//! session, as its own device or as a bound GPU of a composite one. The module's files:
//! - `nonce`: the formulas tooling follows (session nonce, ids, the
//!   heartbeat message);
//! - `record`: the stored [`Session`];
//! - `devices`: [`Devices`], the counting rule;
//! - `key`: session keys, stored as their hash and carried in the call data.

mod devices;
mod key;
mod nonce;
mod record;

pub use devices::CHAIN_DIGEST_LEN;
pub(crate) use devices::{Counter, DeviceWord, bound_gpus, counting_session, is_revoked};
pub use devices::{Devices, MAX_BOUND_GPUS};
pub use key::MAX_KEY_LEN;
pub(crate) use key::is_session_key;
pub use nonce::{
    HEARTBEAT_DOMAIN, NONCE_DOMAIN, heartbeat_message, key_hash, session_id, session_nonce,
};
pub use record::Session;
pub use record::field;

use aimine_tiers::Kind;
use aimine_time::UnixTime;

use crate::appraisal::{Appraisal, Binding};
use crate::config::{self, Param};
use crate::env::Address;
use crate::event::{EndReason, Event, EventSink};
use crate::registry::Registry;
use crate::store::{Store, Word, Work};
use crate::{Error, balances};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Starts a mining session from a quote: an `AIMQ` envelope of any kind (aimine-envelope).
    ///
    /// The quote must verify against the chain's trust anchors and roots at the block's time,
    /// and its nonce (a GPU's evidence nonce, a CPU's `report_data[0..32]`) must be
    /// [`session_nonce`] for this chain, the caller as submitter, `miner`, this or the previous
    /// epoch and the session key: only the account the device named can use the quote, and it
    /// becomes the session's owner. If the device's own session (same device, same kind, same
    /// miner) is active, the quote refreshes it (same id, settled first, attestation extended);
    /// a device counted by any other active session (another miner's, or a composite session
    /// that binds this GPU) is busy until that session ends or expires.
    ///
    /// # Errors
    /// [`Error::BadSessionKey`], [`Error::Envelope`], [`Error::Quote`], [`Error::CpuQuote`],
    /// [`Error::NonceNotBound`], [`Error::NotAComputeDevice`], [`Error::GpuRevoked`],
    /// [`Error::GpuBusy`], store errors.
    pub fn start_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        quote: &[u8],
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        check_key(session_key)?;
        let key_hash = key_hash(session_key);
        let envelope = aimine_envelope::decode(quote)?;
        let binding = Binding::Session {
            submitter: caller,
            miner,
            key_hash: &key_hash,
        };
        let appraisal = self.appraise(&envelope, binding)?;
        self.open_session(caller, miner, &appraisal, session_key)
    }

    /// Opens a session for an appraised device (a verified GPU, a CPU TEE platform with or
    /// without bound GPUs, or a staker's Public-tier slot).
    ///
    /// Every device the opening would count (its own, then its GPUs) must be free, counted by an
    /// expired or forfeited session (settled or ended here), or counted by the one session this
    /// quote may refresh: the active session whose own device is the appraisal's, of the same
    /// kind and the same miner. So a GPU bound to a composite session is busy for a plain quote
    /// of that GPU, and a CPU-only quote never refreshes a composite session of its platform (nor
    /// the reverse).
    pub(crate) fn open_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        a: &Appraisal,
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        let now = self.env.timestamp;
        let devices = a.devices();
        let mut refreshing: Option<Session> = None;
        for device in devices.iter() {
            let Some(active) = self.active_session(device)? else {
                continue;
            };
            if refreshing.as_ref().is_some_and(|r| r.id == active.id) {
                continue;
            }
            // A session that no longer earns (a revoked device, a withdrawn stake) ends unpaid,
            // as its next heartbeat would end it, before anything settles it.
            if let Some(reason) = self.forfeited(&active)? {
                self.end(active, reason)?;
                continue;
            }
            if now >= active.attestation_expiry {
                let (_, settled) = self.settle(&active, now)?;
                self.end(settled, EndReason::Expired)?;
                continue;
            }
            let same_session = *device == devices.own
                && active.gpu_id == devices.own
                && active.kind == a.kind
                && active.miner == *miner;
            if !same_session {
                return Err(Error::GpuBusy);
            }
            refreshing = Some(active);
        }
        if let Some(active) = refreshing {
            return self.refresh(active, caller, a, &devices, session_key);
        }

        let own = DeviceWord::load(self.store, &devices.own)?;
        let id = session_id(self.env.chain_id, &devices.own, own.sessions);
        let ttl = config::load_u64(self.store, Param::AttestationTtl)?;
        let s = Session {
            id,
            owner: *caller,
            miner: *miner,
            gpu_id: devices.own,
            tier: a.tier,
            kind: a.kind,
            grade_bps: a.grade_bps,
            compute_units: a.compute_units,
            key_hash: key_hash(session_key),
            start: now,
            last_heartbeat: now,
            attestation_expiry: now.saturating_add(ttl),
            heartbeats: 0,
            active: true,
        };
        s.store(self.store, None)?;
        devices.claim(self.store, own, &id)?;
        self.events.emit(Event::SessionStarted {
            session_id: id,
            gpu_id: s.gpu_id,
            owner: s.owner,
            miner: s.miner,
            tier: s.tier.as_u8(),
            compute_units: s.compute_units,
            key_hash: s.key_hash,
            attestation_expiry: s.attestation_expiry,
        });
        Ok(id)
    }

    /// A newer quote for an active session's device, kind and miner: the session is settled up
    /// to now and keeps its id, with the caller (the submitter the quote names) as owner, the new
    /// quote's tier, grade, compute units, bound GPUs and session key, and a fresh attestation
    /// lifetime.
    fn refresh(
        &mut self,
        active: Session,
        caller: &Address,
        a: &Appraisal,
        devices: &Devices,
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        let now = self.env.timestamp;
        let (_, settled) = self.settle(&active, now)?;
        let ttl = config::load_u64(self.store, Param::AttestationTtl)?;
        Devices::of(self.store, &settled)?.release_bound(self.store, &settled.id)?;
        devices.claim_bound(self.store, &settled.id)?;
        let refreshed = Session {
            owner: *caller,
            tier: a.tier,
            kind: a.kind,
            grade_bps: a.grade_bps,
            compute_units: a.compute_units,
            key_hash: key_hash(session_key),
            attestation_expiry: now.saturating_add(ttl),
            ..settled
        };
        refreshed.store(self.store, Some(&settled))?;
        self.events.emit(Event::SessionRefreshed {
            session_id: refreshed.id,
            owner: refreshed.owner,
            key_hash: refreshed.key_hash,
            attestation_expiry: refreshed.attestation_expiry,
        });
        Ok(refreshed.id)
    }

    /// The active session counting a device (its own device or a bound GPU), if any.
    ///
    /// # Errors
    /// A store error.
    pub fn active_session(&mut self, device: &Word) -> Result<Option<Session>, Error> {
        match counting_session(self.store, self.env.chain_id, device)? {
            None => Ok(None),
            Some(Counter::Bound(id)) => Ok(Session::load(self.store, &id)?.filter(|s| s.active)),
            // The device word says its own latest session is active: that session must exist,
            // be active and be the device's. Anything else (a corrupt store, or state read under
            // another chain id than the one that wrote it) is refused, never taken for a free
            // device that a second session could count.
            Some(Counter::Own(id)) => match Session::load(self.store, &id)? {
                Some(s) if s.active && s.gpu_id == *device => Ok(Some(s)),
                _ => Err(Error::Store),
            },
        }
    }

    /// A session by id.
    ///
    /// # Errors
    /// A store error.
    pub fn session(&mut self, id: &Word) -> Result<Option<Session>, Error> {
        Session::load(self.store, id)
    }

    /// A composite session's bound GPUs (none for other sessions).
    ///
    /// # Errors
    /// A store error.
    pub fn session_gpus(&mut self, id: &Word) -> Result<alloc::vec::Vec<Word>, Error> {
        Ok(bound_gpus(self.store, id)?.into_iter().collect())
    }

    /// Pays the session for the time since its last heartbeat and returns the reward.
    ///
    /// `elapsed` is capped by the maximum heartbeat interval and never runs past the
    /// attestation expiry; once expired the session ends (a fresh quote starts a new one). A
    /// session with a key may sign: `signed` is `(session_key, signature)`, the session's public
    /// key (only its hash is stored: the key must hash to it) and its ML-DSA signature over
    /// [`heartbeat_message`] with an empty context; when governance requires it, keyed sessions
    /// must. A session with a revoked device, or a Public-tier session whose stake no longer
    /// qualifies, ends and earns nothing.
    ///
    /// # Errors
    /// [`Error::UnknownSession`], [`Error::SessionEnded`], [`Error::NotSessionOwner`],
    /// [`Error::BadSessionKey`] (a key that is not the session's, or a session without a key),
    /// [`Error::SignatureRequired`], [`Error::BadSignature`], [`Error::Overflow`], store errors.
    pub fn heartbeat(
        &mut self,
        caller: &Address,
        session_id: &Word,
        signed: Option<(&[u8], &[u8])>,
    ) -> Result<u128, Error> {
        let s = self.owned_active(caller, session_id)?;
        match signed {
            Some((key, signature)) => {
                if !key::is_session_key(&s, key) {
                    return Err(Error::BadSessionKey);
                }
                let message = heartbeat_message(self.env.chain_id, session_id, s.heartbeats);
                if !self.signed_by(key, &message, signature)? {
                    return Err(Error::BadSignature);
                }
            }
            // Only a keyed session can be required to sign: the parameter is read for it alone.
            None => {
                if s.has_key()
                    && config::load_u64(self.store, Param::RequireHeartbeatSignature)? == 1
                {
                    return Err(Error::SignatureRequired);
                }
            }
        }
        if let Some(reason) = self.forfeited(&s)? {
            self.end(s, reason)?;
            return Ok(0);
        }
        let now = self.env.timestamp;
        let (reward, settled) = self.settle(&s, now)?;
        if now >= s.attestation_expiry {
            self.end(settled, EndReason::Expired)?;
        }
        Ok(reward)
    }

    /// Ends a session (its owner only). Time since the last heartbeat is not paid: heartbeat
    /// first.
    ///
    /// # Errors
    /// [`Error::UnknownSession`], [`Error::SessionEnded`], [`Error::NotSessionOwner`].
    pub fn end_session(&mut self, caller: &Address, session_id: &Word) -> Result<(), Error> {
        let s = self.owned_active(caller, session_id)?;
        self.end(s, EndReason::Ended)
    }

    /// The active session `id`, if `caller` owns it.
    fn owned_active(&mut self, caller: &Address, id: &Word) -> Result<Session, Error> {
        let s = Session::load(self.store, id)?.ok_or(Error::UnknownSession)?;
        if !s.active {
            return Err(Error::SessionEnded);
        }
        if s.owner != *caller {
            return Err(Error::NotSessionOwner);
        }
        Ok(s)
    }

    /// Why a session no longer earns, if it does not: a device it counts is revoked, or
    /// (Public tier) its owner's stake no longer qualifies. Every path that would settle a
    /// session asks first, and ends it unpaid instead.
    fn forfeited(&mut self, s: &Session) -> Result<Option<EndReason>, Error> {
        if Devices::any_revoked(self.store, s)? {
            return Ok(Some(EndReason::Revoked));
        }
        if s.kind == Kind::Stake && !self.stake_qualifies(&s.owner)? {
            return Ok(Some(EndReason::Unstaked));
        }
        Ok(None)
    }

    /// Whether `signature` is `key`'s ML-DSA signature of `message` (empty context), metered
    /// before the check. The caller has checked that `key` is the session's
    /// ([`key::is_session_key`]).
    pub(crate) fn signed_by(
        &mut self,
        key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, Error> {
        self.store.meter(Work::MlDsaVerify { key_len: key.len() })?;
        Ok(aimine_mldsa::verify_any(key, message, &[], signature).is_ok())
    }

    /// Credits the session's miner for the time since its last heartbeat, up to `now`; returns
    /// the reward and the session as stored afterwards.
    fn settle(&mut self, s: &Session, now: UnixTime) -> Result<(u128, Session), Error> {
        let max = config::load_u64(self.store, Param::MaxHeartbeatInterval)?;
        let until = now.min(s.attestation_expiry);
        let elapsed = until.seconds_since(s.last_heartbeat).min(max);
        let rate = config::load_u128(self.store, Param::BaseRate)?;
        let reward =
            aimine_tiers::reward_with_multiplier(rate, elapsed, s.compute_units, s.multiplier())
                .map_err(|_| Error::Overflow)?;
        balances::credit(self.store, &s.miner, reward)?;
        let count = s.heartbeats.checked_add(1).ok_or(Error::Overflow)?;
        let updated = Session {
            last_heartbeat: until.max(s.last_heartbeat),
            heartbeats: count,
            ..*s
        };
        updated.store(self.store, Some(s))?;
        self.events.emit(Event::Heartbeat {
            session_id: s.id,
            miner: s.miner,
            reward,
            elapsed,
            count,
        });
        Ok((reward, updated))
    }

    /// Marks a session ended and frees every device it counts.
    fn end(&mut self, s: Session, reason: EndReason) -> Result<(), Error> {
        Session { active: false, ..s }.store(self.store, Some(&s))?;
        Devices::of(self.store, &s)?.release(self.store, self.env.chain_id, &s.id)?;
        self.events.emit(Event::SessionEnded {
            session_id: s.id,
            gpu_id: s.gpu_id,
            reason,
        });
        Ok(())
    }
}

/// Refuses a session key that is no ML-DSA public key.
pub(crate) fn check_key(session_key: Option<&[u8]>) -> Result<(), Error> {
    if session_key.is_some_and(|k| aimine_mldsa::Level::from_public_key_len(k.len()).is_none()) {
        return Err(Error::BadSessionKey);
    }
    Ok(())
}
