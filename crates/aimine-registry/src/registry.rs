//! The registry's calls: governance, mining sessions, balances.

use aimine_nvtrust::evidence::NONCE_LEN;
use aimine_nvtrust::{Architecture, LinkStore, StoreError, TrustAnchor, UnixTime};
use aimine_tiers::Hardware;
use heapless::Vec;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::config::{self, Config, Param};
use crate::env::{Address, BlockEnv};
use crate::event::{EndReason, Event, EventSink, RewardSink};
use crate::keys;
use crate::session::{self, Session};
use crate::store::{Store, Word, Work, word};

/// At most this many trust anchors may be configured.
pub const MAX_ANCHORS: usize = 4;
/// Length of a trust anchor's key: an uncompressed SEC1 P-384 point.
pub const ANCHOR_KEY_LEN: usize = 97;

/// One call's view of the registry: the state, where events go, and the block.
pub struct Registry<'a, S: Store + ?Sized, E: EventSink + ?Sized> {
    store: &'a mut S,
    events: &'a mut E,
    env: BlockEnv,
}

impl<'a, S: Store + ?Sized, E: EventSink + ?Sized> Registry<'a, S, E> {
    /// The registry over `store` for a call in block `env`.
    pub fn new(store: &'a mut S, events: &'a mut E, env: BlockEnv) -> Registry<'a, S, E> {
        Registry { store, events, env }
    }

    /// The state, for the other modules' calls.
    pub(crate) fn state(&mut self) -> &mut S {
        self.store
    }

    /// The block.
    pub(crate) fn env(&self) -> BlockEnv {
        self.env
    }

    /// Records an event.
    pub(crate) fn emit(&mut self, event: Event) {
        self.events.emit(event);
    }

    /// Writes the configuration and trusts NVIDIA's Device Identity CA. Once only (genesis).
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`], or a store error.
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        if word::to_bool(&self.store.load(&Param::Initialized.key())?) {
            return Err(Error::AlreadyInitialized);
        }
        config.store(self.store)?;
        self.push_anchor(aimine_nvtrust::trust_anchor::NVIDIA_DEVICE_IDENTITY_CA.public_key)
    }

    // ----- governance -------------------------------------------------------------------------

    pub(crate) fn require_admin(&mut self, caller: &Address) -> Result<(), Error> {
        if word::to_address(&self.store.load(&Param::Admin.key())?) == *caller
            && word::to_bool(&self.store.load(&Param::Initialized.key())?)
        {
            Ok(())
        } else {
            Err(Error::NotAdmin)
        }
    }

    /// A governance parameter's current value.
    ///
    /// # Errors
    /// A store error.
    pub fn param(&mut self, param: Param) -> Result<Word, Error> {
        self.store.load(&param.key())
    }

    /// Sets a governance parameter (admin only).
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for a value out of range.
    pub fn set_param(&mut self, caller: &Address, param: Param, value: Word) -> Result<(), Error> {
        self.require_admin(caller)?;
        if !param.accepts(&value) {
            return Err(Error::BadParam);
        }
        self.store.store(&param.key(), value)?;
        self.events.emit(Event::ParamChanged {
            param: param as u8,
            value,
        });
        Ok(())
    }

    /// Proposes `admin` as the next admin (admin only): the first of two steps, so governance is
    /// never handed to an address that cannot act (a typo, a contract without the calls). The
    /// proposal replaces any earlier one; the current admin stays in charge until
    /// [`Registry::accept_admin`].
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for the zero address.
    pub fn propose_admin(&mut self, caller: &Address, admin: &Address) -> Result<(), Error> {
        self.require_admin(caller)?;
        if *admin == [0; 20] {
            return Err(Error::BadParam);
        }
        self.store
            .store(&Param::PendingAdmin.key(), word::from_address(admin))?;
        self.events.emit(Event::AdminProposed {
            admin: *caller,
            proposed: *admin,
        });
        Ok(())
    }

    /// Completes a hand-over: the proposed admin (and only it) takes governance.
    ///
    /// # Errors
    /// [`Error::NotAdmin`] unless the caller is the proposed admin.
    pub fn accept_admin(&mut self, caller: &Address) -> Result<(), Error> {
        let pending = word::to_address(&self.store.load(&Param::PendingAdmin.key())?);
        if pending != *caller || pending == [0; 20] {
            return Err(Error::NotAdmin);
        }
        let previous = word::to_address(&self.store.load(&Param::Admin.key())?);
        self.store
            .store(&Param::Admin.key(), word::from_address(caller))?;
        self.store.store(&Param::PendingAdmin.key(), [0; 32])?;
        self.events.emit(Event::AdminChanged {
            previous,
            admin: *caller,
        });
        Ok(())
    }

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

    fn push_anchor(&mut self, public_key: &[u8]) -> Result<(), Error> {
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

    /// Revokes (or reinstates) a GPU (admin only). A revoked GPU cannot start sessions and its
    /// active session stops earning at its next heartbeat.
    ///
    /// # Errors
    /// [`Error::NotAdmin`].
    pub fn set_revoked(
        &mut self,
        caller: &Address,
        gpu_id: &Word,
        revoked: bool,
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        self.store.store(
            &keys::mapping(keys::REVOKED, gpu_id),
            word::from_bool(revoked),
        )?;
        self.events.emit(Event::GpuRevocation {
            gpu_id: *gpu_id,
            revoked,
        });
        Ok(())
    }

    /// Whether a GPU is revoked.
    ///
    /// # Errors
    /// A store error.
    pub fn is_revoked(&mut self, gpu_id: &Word) -> Result<bool, Error> {
        Ok(word::to_bool(
            &self.store.load(&keys::mapping(keys::REVOKED, gpu_id))?,
        ))
    }

    // ----- sessions ---------------------------------------------------------------------------

    /// Starts a mining session from a GPU quote (an `AIMQ` envelope, see aimine-nvtrust).
    ///
    /// The quote must verify against the configured anchors at the block's time, and its nonce
    /// must be [`session::session_nonce`] for this chain, the caller as submitter, `miner`, this
    /// or the previous epoch and the session key: only the account the GPU named can use the
    /// quote, and it becomes the session's owner. If the GPU's own session (same device, same
    /// shape, same miner) is active, the quote refreshes it (same id, settled first, attestation
    /// extended); a device counted by any other active session (another miner's, or a composite
    /// session that binds this GPU) is busy until that session ends or expires.
    ///
    /// # Errors
    /// [`Error::BadSessionKey`], [`Error::Quote`], [`Error::NonceNotBound`],
    /// [`Error::NotAComputeDevice`], [`Error::GpuRevoked`], [`Error::GpuBusy`], store errors.
    pub fn start_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        quote: &[u8],
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        if session_key.is_some_and(|k| aimine_mldsa::Level::from_public_key_len(k.len()).is_none())
        {
            return Err(Error::BadSessionKey);
        }
        let key_hash = session::key_hash(session_key);
        let now = self.env.timestamp;

        // Cheap checks first: the envelope, the evidence format, and the nonce binding.
        let decoded = match aimine_envelope::decode(quote)? {
            aimine_envelope::Envelope::Gpu(q) => q,
            cpu => return self.start_cpu_session(caller, miner, &cpu, session_key, &key_hash),
        };
        let evidence = aimine_nvtrust::Evidence::parse(decoded.evidence)
            .map_err(aimine_nvtrust::Error::from)?;
        let nonce = self.bound_nonce(caller, miner, &key_hash, evidence.nonce())?;

        // Then the signatures, remembering verified links in state.
        let mut links = StoredLinks {
            store: &mut *self.store,
            read_only: false,
        };
        let verified = Self::verify_gpu(&mut links, evidence, &decoded.chain, &nonce, now);
        let appraisal = self.appraise_verified(verified)?;
        self.open_session(
            caller,
            miner,
            &Opening {
                device_id: appraisal.gpu_id,
                tier: appraisal.tier,
                kind: 0,
                grade_bps: 0,
                compute_units: appraisal.compute_units,
                gpus: &[],
            },
            session_key,
        )
    }

    /// Appraises a quote as [`Registry::start_session`] would, without binding it to a miner or
    /// starting anything: the envelope, the evidence, the chain to a configured anchor at the
    /// block's time, the nonce (`expected_nonce`, or the evidence's own when `None`), the
    /// golden measurements, revocation, and the compute units governance assigns.
    ///
    /// Read-only: certificate links verified before (by sessions) are reused, new ones are not
    /// remembered, so the call is safe in a static context.
    ///
    /// # Errors
    /// [`Error::Quote`], [`Error::NotAComputeDevice`], [`Error::GpuRevoked`], store errors.
    pub fn appraise_quote(
        &mut self,
        quote: &[u8],
        expected_nonce: Option<&[u8; NONCE_LEN]>,
    ) -> Result<Appraisal, Error> {
        let decoded = match aimine_envelope::decode(quote)? {
            aimine_envelope::Envelope::Gpu(q) => q,
            cpu => return self.appraise_cpu(&cpu, expected_nonce),
        };
        let evidence = aimine_nvtrust::Evidence::parse(decoded.evidence)
            .map_err(aimine_nvtrust::Error::from)?;
        let nonce = *expected_nonce.unwrap_or(evidence.nonce());
        let now = self.env.timestamp;
        let mut links = StoredLinks {
            store: &mut *self.store,
            read_only: true,
        };
        let verified = Self::verify_gpu(&mut links, evidence, &decoded.chain, &nonce, now);
        self.appraise_verified(verified)
    }

    /// Verifies parsed evidence against the anchors in state.
    pub(crate) fn verify_gpu<'q>(
        links: &mut StoredLinks<'_, S>,
        evidence: aimine_nvtrust::Evidence<'q>,
        chain: &[&'q [u8]],
        nonce: &[u8; NONCE_LEN],
        now: u64,
    ) -> Result<aimine_nvtrust::VerifiedGpu<'q>, Error> {
        let anchor_keys = anchors_in(links.store)?;
        let anchors: Vec<TrustAnchor<'_>, MAX_ANCHORS> = anchor_keys
            .iter()
            .map(|k| TrustAnchor {
                subject: &[],
                public_key: k.as_slice(),
            })
            .collect();
        aimine_nvtrust::verify_parsed_evidence(
            evidence,
            chain,
            nonce,
            &anchors,
            UnixTime(now),
            links,
        )
        .map_err(|e| match e {
            // The state refused (out of gas, say): not a verdict on the quote.
            aimine_nvtrust::Error::LinkStore => Error::Store,
            e => Error::Quote(e),
        })
    }

    /// What governance makes of a verified GPU: its tier and compute units, unless it is
    /// revoked, not a GPU, or off its golden measurements.
    pub(crate) fn appraise_verified(
        &mut self,
        verified: Result<aimine_nvtrust::VerifiedGpu<'_>, Error>,
    ) -> Result<Appraisal, Error> {
        let gpu = verified?;
        let (hardware, units_param) = match gpu.architecture() {
            Architecture::Hopper => (Hardware::Hopper, Param::HopperComputeUnits),
            Architecture::Blackwell if gpu.is_workstation_blackwell() => (
                Hardware::BlackwellWorkstation,
                Param::WorkstationComputeUnits,
            ),
            Architecture::Blackwell => (Hardware::Blackwell, Param::BlackwellComputeUnits),
            Architecture::Ls10 => return Err(Error::NotAComputeDevice),
        };
        // The FWID binds the evidence to the firmware the leaf certificate was issued for;
        // nvtrust checks it whenever the evidence reports one, the chain's policy requires it.
        if gpu.evidence().opaque().fwid().is_none()
            && config::load_u64(self.store, Param::RequireFwid)? == 1
        {
            return Err(Error::Quote(aimine_nvtrust::Error::FwidNotReported));
        }
        let gpu_id = *gpu.gpu_id();
        if self.is_revoked(&gpu_id)? {
            return Err(Error::GpuRevoked);
        }
        self.check_golden(gpu.evidence())?;
        let default_units = config::load_u64(self.store, units_param)?;
        let compute_units = self.compute_units_for(gpu.evidence(), default_units)?;
        Ok(Appraisal {
            architecture: Some(gpu.architecture()),
            kind: aimine_envelope::KIND_NVIDIA_SPDM,
            grade_bps: 10_000,
            tier: hardware.tier(),
            gpu_id,
            compute_units,
        })
    }

    /// Opens a session for a device (a verified GPU, a CPU TEE platform with or without bound
    /// GPUs, or a staker's Public-tier slot).
    ///
    /// The rule, held here for every kind: a device is counted by at most one active session,
    /// as a session's own device or as a bound GPU of a composite one. Every device the opening
    /// would count (its own, then its GPUs) must be free, counted by an expired session (settled
    /// and ended here), or counted by the one session this quote may refresh: the active session
    /// whose own device is the quote's, of the same shape (kind) and the same miner. So a GPU
    /// bound to a composite session is busy for a plain quote of that GPU, and a CPU-only quote
    /// never refreshes a composite session of its platform (nor the reverse).
    pub(crate) fn open_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        o: &Opening<'_>,
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        let now = self.env.timestamp;
        let key_hash = session::key_hash(session_key);
        let gpu_id = o.device_id;
        let (tier, compute_units) = (o.tier, o.compute_units);
        let mut refreshing: Option<Session> = None;
        for device in core::iter::once(&o.device_id).chain(o.gpus) {
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
            let same_session = *device == o.device_id
                && active.gpu_id == o.device_id
                && active.kind == o.kind
                && active.miner == *miner;
            if !same_session {
                return Err(Error::GpuBusy);
            }
            refreshing = Some(active);
        }
        if let Some(active) = refreshing {
            return self.refresh(active, caller, o, session_key);
        }

        let count_key = keys::mapping(keys::GPU_SESSION_COUNT, &gpu_id);
        let n = word::to_u64(&self.store.load(&count_key)?).ok_or(Error::Overflow)?;
        self.store.store(
            &count_key,
            word::from_u64(n.checked_add(1).ok_or(Error::Overflow)?),
        )?;
        let id = session::session_id(self.env.chain_id, &gpu_id, n);
        let ttl = config::load_u64(self.store, Param::AttestationTtl)?;
        let s = Session {
            id,
            owner: *caller,
            miner: *miner,
            gpu_id,
            tier,
            kind: o.kind,
            grade_bps: o.grade_bps,
            compute_units,
            key_hash,
            start: now,
            last_heartbeat: now,
            attestation_expiry: now.saturating_add(ttl),
            heartbeats: 0,
            active: true,
        };
        s.store(self.store)?;
        if let Some(key) = session_key {
            session::store_key(self.store, &id, key)?;
        }
        self.store
            .store(&keys::mapping(keys::ACTIVE_SESSION, &gpu_id), id)?;
        self.bind_gpus(&id, o.gpus)?;
        self.events.emit(Event::SessionStarted {
            session_id: id,
            gpu_id,
            owner: s.owner,
            miner: s.miner,
            tier: s.tier.as_u8(),
            compute_units,
            key_hash,
            attestation_expiry: s.attestation_expiry,
        });
        Ok(id)
    }

    /// A newer quote for an active session's device, shape and miner: the session is settled up
    /// to now and keeps its id, with the caller (the submitter the quote names) as owner, the new
    /// quote's tier, compute units, bound GPUs and session key, and a fresh attestation lifetime.
    fn refresh(
        &mut self,
        active: Session,
        caller: &Address,
        o: &Opening<'_>,
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        let now = self.env.timestamp;
        let (_, settled) = self.settle(&active, now)?;
        let ttl = config::load_u64(self.store, Param::AttestationTtl)?;
        if settled.kind == aimine_envelope::KIND_COMPOSITE {
            self.release_gpus(&settled.id)?;
        }
        self.bind_gpus(&settled.id, o.gpus)?;
        let refreshed = Session {
            owner: *caller,
            tier: o.tier,
            kind: o.kind,
            grade_bps: o.grade_bps,
            compute_units: o.compute_units,
            key_hash: session::key_hash(session_key),
            attestation_expiry: now.saturating_add(ttl),
            ..settled
        };
        refreshed.store(self.store)?;
        match session_key {
            Some(key) => session::store_key(self.store, &refreshed.id, key)?,
            None => session::clear_key(self.store, &refreshed.id)?,
        }
        self.events.emit(Event::SessionRefreshed {
            session_id: refreshed.id,
            owner: refreshed.owner,
            key_hash: refreshed.key_hash,
            attestation_expiry: refreshed.attestation_expiry,
        });
        Ok(refreshed.id)
    }

    /// The evidence nonce if it is the session nonce of (`submitter`, `miner`, `key_hash`) in
    /// this or the previous epoch.
    pub(crate) fn bound_nonce(
        &mut self,
        submitter: &Address,
        miner: &Address,
        key_hash: &Word,
        nonce: &[u8; NONCE_LEN],
    ) -> Result<[u8; NONCE_LEN], Error> {
        let epoch_seconds = config::load_u64(self.store, Param::EpochSeconds)?;
        let epoch = self
            .env
            .timestamp
            .checked_div(epoch_seconds)
            .ok_or(Error::BadParam)?;
        for e in [Some(epoch), epoch.checked_sub(1)].into_iter().flatten() {
            if session::session_nonce(self.env.chain_id, submitter, miner, e, key_hash) == *nonce {
                return Ok(*nonce);
            }
        }
        Err(Error::NonceNotBound)
    }

    /// The active session of a GPU, if any.
    ///
    /// # Errors
    /// A store error.
    pub fn active_session(&mut self, gpu_id: &Word) -> Result<Option<Session>, Error> {
        let id = self
            .store
            .load(&keys::mapping(keys::ACTIVE_SESSION, gpu_id))?;
        if id == [0; 32] {
            return Ok(None);
        }
        Ok(Session::load(self.store, &id)?.filter(|s| s.active))
    }

    /// A session by id.
    ///
    /// # Errors
    /// A store error.
    pub fn session(&mut self, id: &Word) -> Result<Option<Session>, Error> {
        Session::load(self.store, id)
    }

    /// Pays the session for the time since its last heartbeat and returns the reward.
    ///
    /// `elapsed` is capped by the maximum heartbeat interval and never runs past the
    /// attestation expiry; once expired the session ends (a fresh quote starts a new one). A
    /// session with a key may sign: `signature` is the session key's ML-DSA signature over
    /// [`session::heartbeat_message`] with an empty context; when governance requires it, keyed
    /// sessions must. A revoked GPU's session ends and earns nothing.
    ///
    /// # Errors
    /// [`Error::UnknownSession`], [`Error::SessionEnded`], [`Error::NotSessionOwner`],
    /// [`Error::SignatureRequired`], [`Error::BadSignature`], [`Error::Overflow`], store errors.
    pub fn heartbeat(
        &mut self,
        caller: &Address,
        session_id: &Word,
        signature: Option<&[u8]>,
    ) -> Result<u128, Error> {
        let s = Session::load(self.store, session_id)?.ok_or(Error::UnknownSession)?;
        if !s.active {
            return Err(Error::SessionEnded);
        }
        if s.owner != *caller {
            return Err(Error::NotSessionOwner);
        }
        match signature {
            Some(signature) => {
                let message =
                    session::heartbeat_message(self.env.chain_id, session_id, s.heartbeats);
                if !self.signed_by_session_key(session_id, &message, signature)? {
                    return Err(Error::BadSignature);
                }
            }
            None => {
                let required = config::load_u64(self.store, Param::RequireHeartbeatSignature)? == 1;
                if required && s.has_key() {
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

    /// Why a session no longer earns, if it does not: its own device or a bound GPU is revoked,
    /// or (Public tier) its owner's stake no longer qualifies. Every path that would settle a
    /// session asks first, and ends it unpaid instead.
    fn forfeited(&mut self, s: &Session) -> Result<Option<EndReason>, Error> {
        if self.is_revoked(&s.gpu_id)? || self.any_gpu_revoked(s)? {
            return Ok(Some(EndReason::Revoked));
        }
        if s.tier == aimine_tiers::TrustTier::Public && !self.stake_qualifies(&s.owner)? {
            return Ok(Some(EndReason::Unstaked));
        }
        Ok(None)
    }

    /// Whether `signature` is the session key's ML-DSA signature of `message` (empty context);
    /// false for a session without a key.
    pub(crate) fn signed_by_session_key(
        &mut self,
        session_id: &Word,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, Error> {
        let mut key = [0u8; session::MAX_KEY_LEN];
        let len = session::load_key(self.store, session_id, &mut key)?;
        if len == 0 {
            return Ok(false);
        }
        let key = key.get(..len).ok_or(Error::BadSessionKey)?;
        self.store.meter(Work::MlDsaVerify { key_len: len })?;
        Ok(aimine_mldsa::verify_any(key, message, &[], signature).is_ok())
    }

    /// Credits the session's miner for the time since its last heartbeat, up to `now`; returns
    /// the reward and the session as stored afterwards.
    fn settle(&mut self, s: &Session, now: u64) -> Result<(u128, Session), Error> {
        let max = config::load_u64(self.store, Param::MaxHeartbeatInterval)?;
        let until = now.min(s.attestation_expiry);
        let elapsed = until.saturating_sub(s.last_heartbeat).min(max);
        let rate = config::load_u128(self.store, Param::BaseRate)?;
        let reward =
            aimine_tiers::reward_with_multiplier(rate, elapsed, s.compute_units, s.multiplier())
                .map_err(|_| Error::Overflow)?;
        let balance_key = keys::mapping(keys::BALANCES, &word::from_address(&s.miner));
        let balance = word::to_u128(&self.store.load(&balance_key)?).ok_or(Error::Overflow)?;
        let balance = balance.checked_add(reward).ok_or(Error::Overflow)?;
        self.store.store(&balance_key, word::from_u128(balance))?;
        let count = s.heartbeats.checked_add(1).ok_or(Error::Overflow)?;
        let updated = Session {
            last_heartbeat: until.max(s.last_heartbeat),
            heartbeats: count,
            ..*s
        };
        updated.store(self.store)?;
        self.events.emit(Event::Heartbeat {
            session_id: s.id,
            miner: s.miner,
            reward,
            elapsed,
            count,
        });
        Ok((reward, updated))
    }

    fn end(&mut self, s: Session, reason: EndReason) -> Result<(), Error> {
        Session { active: false, ..s }.store(self.store)?;
        if s.kind == aimine_envelope::KIND_COMPOSITE {
            self.release_gpus(&s.id)?;
        }
        let active_key = keys::mapping(keys::ACTIVE_SESSION, &s.gpu_id);
        if self.store.load(&active_key)? == s.id {
            self.store.store(&active_key, [0; 32])?;
        }
        self.events.emit(Event::SessionEnded {
            session_id: s.id,
            gpu_id: s.gpu_id,
            reason,
        });
        Ok(())
    }

    /// Ends a session (its owner only). Time since the last heartbeat is not paid: heartbeat
    /// first.
    ///
    /// # Errors
    /// [`Error::UnknownSession`], [`Error::SessionEnded`], [`Error::NotSessionOwner`].
    pub fn end_session(&mut self, caller: &Address, session_id: &Word) -> Result<(), Error> {
        let s = Session::load(self.store, session_id)?.ok_or(Error::UnknownSession)?;
        if !s.active {
            return Err(Error::SessionEnded);
        }
        if s.owner != *caller {
            return Err(Error::NotSessionOwner);
        }
        self.end(s, EndReason::Ended)
    }

    // ----- balances ---------------------------------------------------------------------------

    /// What a miner has earned and not claimed.
    ///
    /// # Errors
    /// A store error.
    pub fn mining_balance(&mut self, miner: &Address) -> Result<u128, Error> {
        let key = keys::mapping(keys::BALANCES, &word::from_address(miner));
        word::to_u128(&self.store.load(&key)?).ok_or(Error::Overflow)
    }

    /// Pays the caller's whole balance to `to` through `sink`, and returns the amount. If the sink
    /// refuses, nothing changes.
    ///
    /// # Errors
    /// [`Error::NothingToClaim`], or the sink's error.
    pub fn claim(
        &mut self,
        caller: &Address,
        to: &Address,
        sink: &mut dyn RewardSink,
    ) -> Result<u128, Error> {
        let amount = self.mining_balance(caller)?;
        if amount == 0 {
            return Err(Error::NothingToClaim);
        }
        sink.pay(to, amount)?;
        let key = keys::mapping(keys::BALANCES, &word::from_address(caller));
        self.store.store(&key, [0; 32])?;
        self.events.emit(Event::Claimed {
            miner: *caller,
            to: *to,
            amount,
        });
        Ok(amount)
    }
}

/// The configured trust anchors' keys.
fn anchors_in<S: Store + ?Sized>(
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

/// What a session is opened for: the device (a GPU, or a CPU TEE platform), what it earns, and
/// for a composite quote the GPUs bound to it.
pub(crate) struct Opening<'g> {
    /// The GPU id or platform id: one active session each.
    pub device_id: Word,
    /// The tier.
    pub tier: aimine_tiers::TrustTier,
    /// 0 for a GPU or stake; else the envelope kind.
    pub kind: u8,
    /// The TCB grade, bps (0 = full).
    pub grade_bps: u16,
    /// Compute units.
    pub compute_units: u64,
    /// A composite quote's GPUs.
    pub gpus: &'g [Word],
}

/// What a verified quote is worth to this chain ([`Registry::appraise_quote`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appraisal {
    /// The GPU family, for a GPU quote; `None` for a CPU TEE or composite quote.
    pub architecture: Option<Architecture>,
    /// The envelope kind (1 GPU, 2 TDX, 3 SGX, 4 SEV-SNP, 5 composite).
    pub kind: u8,
    /// The CPU TEE's TCB grade in basis points of the tier's rate (10,000 for GPUs).
    pub grade_bps: u16,
    /// Its trust tier.
    pub tier: aimine_tiers::TrustTier,
    /// The GPU's stable id (aimine-nvtrust's `gpu_id`), or the CPU platform's id (aimine-tee's
    /// `platform_id`) for CPU TEE and composite quotes.
    pub gpu_id: Word,
    /// Compute units governance assigns it.
    pub compute_units: u64,
}

/// Verified certificate links remembered in the registry's own state (slot 22), so a GPU that
/// attested once costs one signature check on later quotes. A store that refuses (out of gas)
/// fails the verification: a failed read is never taken for a known link. A read-only view
/// reuses links but does not add any.
pub(crate) struct StoredLinks<'s, S: Store + ?Sized> {
    pub(crate) store: &'s mut S,
    pub(crate) read_only: bool,
}

impl<S: Store + ?Sized> LinkStore for StoredLinks<'_, S> {
    fn contains(&mut self, link: &[u8; 32]) -> Result<bool, StoreError> {
        let known = self
            .store
            .load(&keys::mapping(keys::LINKS, link))
            .map_err(|_| StoreError)?;
        if word::to_bool(&known) {
            return Ok(true);
        }
        // Not verified before: the signature check comes next, so it is metered now.
        self.store
            .meter(Work::CertificateSignature)
            .map_err(|_| StoreError)?;
        Ok(false)
    }

    fn insert(&mut self, link: [u8; 32]) -> Result<(), StoreError> {
        if self.read_only {
            return Ok(());
        }
        self.store
            .store(&keys::mapping(keys::LINKS, &link), word::from_bool(true))
            .map_err(|_| StoreError)
    }
}
