//! CPU TEE and composite sessions: Intel TDX/SGX and AMD SEV-SNP evidence (aimine-tee) bound to
//! sessions like GPU quotes.
//!
//! - **Binding.** The CPU's `report_data[0..32]` must be [`crate::session::session_nonce`] for
//!   this chain, submitter, miner, epoch (this or the previous) and session key — the GPU
//!   formula.
//! - **One platform, one session.** A session's device id is the platform id (aimine-tee:
//!   SHA-256 of Intel's PPID, or of AMD's CHIP_ID); revocation works by platform id as by GPU id.
//! - **Grading.** The TCB verdict is graded by governance's parameters ([`Param::TcbOutOfDateBps`]
//!   and the others; banned advisory ids refuse) and the grade scales the session's reward.
//! - **Composite quotes** (a CPU quote and the NVIDIA GPUs of that VM): every GPU's evidence
//!   nonce is the same session nonce, and the CPU's `report_data[32..64]` is SHA-256 of the GPUs'
//!   ids concatenated in envelope order, so the CPU vouches that exactly these GPUs are attached
//!   to it. The session records the platform and every GPU (each GPU is then busy), counts the
//!   GPUs' compute units, and earns at the GPUs' tier only when the CPU's tier is at least
//!   Confidential (an SGX enclave caps it at Private).
//! - **A100s** cannot attest themselves: they never appear in a composite quote. A VM with A100s
//!   starts a CPU-only session (the CPU's compute units and tier); an A100's own work can earn at
//!   most the Private tier, its hardware class in aimine-tiers.

use alloc::vec::Vec;

use aimine_envelope::{Cpu, Envelope};
use aimine_nvtrust::evidence::NONCE_LEN;
use aimine_tee::sev::{AmdRoots, EndorsementStore, ProductRoots, SevOptions, StoreError, TcbParts};
use aimine_tee::{AmdProduct, Attestation, Check, Kind, TcbPolicy};
use aimine_tiers::TrustTier;
use sha2::{Digest, Sha256};

use crate::config::{self, AmdTcbFloor, Param};
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::{Appraisal, Opening, Registry, StoredLinks};
use crate::store::{Store, Word, Work, word};
use crate::{Error, blob};

/// How a CPU quote's nonce is checked.
enum Nonce<'a> {
    /// Bound to a session of this submitter, miner and key (this or the previous epoch).
    Session {
        submitter: &'a Address,
        miner: &'a Address,
        key_hash: &'a Word,
    },
    /// Equal to this value, or (for `None`) whatever the report carries.
    Expected(Option<&'a [u8; NONCE_LEN]>),
}

/// The most extra AMD product roots governance may add (beside the pinned Milan, Genoa, Turin).
pub const MAX_AMD_ROOTS: u64 = 2;

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Starts (or refreshes) a session from a CPU TEE or composite envelope; see the module docs.
    pub(crate) fn start_cpu_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        envelope: &Envelope<'_>,
        session_key: Option<&[u8]>,
        key_hash: &Word,
    ) -> Result<Word, Error> {
        let (appraisal, gpus) = self.appraise_envelope(
            envelope,
            Nonce::Session {
                submitter: caller,
                miner,
                key_hash,
            },
            false,
        )?;
        self.open_session(
            caller,
            miner,
            &Opening {
                device_id: appraisal.gpu_id,
                tier: appraisal.tier,
                kind: appraisal.kind,
                grade_bps: appraisal.grade_bps,
                compute_units: appraisal.compute_units,
                gpus: &gpus,
            },
            session_key,
        )
    }

    /// Appraises a CPU TEE or composite envelope read-only (NV_TRUST).
    pub(crate) fn appraise_cpu(
        &mut self,
        envelope: &Envelope<'_>,
        expected_nonce: Option<&[u8; NONCE_LEN]>,
    ) -> Result<Appraisal, Error> {
        self.appraise_envelope(envelope, Nonce::Expected(expected_nonce), true)
            .map(|(a, _)| a)
    }

    fn appraise_envelope(
        &mut self,
        envelope: &Envelope<'_>,
        nonce: Nonce<'_>,
        read_only: bool,
    ) -> Result<(Appraisal, Vec<Word>), Error> {
        let (cpu, gpu_quotes) = match envelope {
            Envelope::Cpu(c) => (c, &[][..]),
            Envelope::Composite { cpu, gpus } => (cpu, gpus.as_slice()),
            Envelope::Gpu(_) => return Err(Error::CpuQuote(Check::Format)),
        };
        let att = self.verify_cpu(cpu, read_only)?;
        let mut bound = [0u8; NONCE_LEN];
        bound.copy_from_slice(att.report_data.get(..NONCE_LEN).unwrap_or(&[0; NONCE_LEN]));
        match nonce {
            Nonce::Session {
                submitter,
                miner,
                key_hash,
            } => {
                self.bound_nonce(submitter, miner, key_hash, &bound)?;
            }
            Nonce::Expected(Some(n)) if *n != bound => return Err(Error::NonceNotBound),
            Nonce::Expected(_) => {}
        }
        let grade_bps = self.grade(&att)?;
        if self.is_revoked(&att.platform_id)? {
            return Err(Error::GpuRevoked);
        }
        let cpu_tier = att.tier();
        if gpu_quotes.is_empty() {
            let units_param = match att.kind {
                Kind::Tdx => Param::TdxComputeUnits,
                Kind::Sgx => Param::SgxComputeUnits,
                Kind::SevSnp => Param::SevSnpComputeUnits,
            };
            let appraisal = Appraisal {
                architecture: None,
                kind: cpu.kind(),
                grade_bps,
                tier: cpu_tier,
                gpu_id: att.platform_id,
                compute_units: config::load_u64(self.state(), units_param)?,
            };
            return Ok((appraisal, Vec::new()));
        }

        // The GPUs of a composite quote: each verified against the same nonce.
        let now = self.env().timestamp;
        let mut ids: Vec<Word> = Vec::with_capacity(gpu_quotes.len());
        let mut gpu_tier = TrustTier::Sovereign;
        let mut units: u64 = 0;
        for (i, q) in gpu_quotes.iter().enumerate() {
            // Each GPU's evidence signature is metered like a GPU quote's: the call's own price
            // pays the first, every further one is announced before its parse and check.
            if i > 0 {
                self.state().meter(Work::GpuEvidence)?;
            }
            let evidence =
                aimine_nvtrust::Evidence::parse(q.evidence).map_err(aimine_nvtrust::Error::from)?;
            let mut links = StoredLinks {
                store: &mut *self.state(),
                read_only,
            };
            let verified = Self::verify_gpu(&mut links, evidence, &q.chain, &bound, now);
            let gpu = self.appraise_verified(verified)?;
            if ids.contains(&gpu.gpu_id) {
                return Err(Error::GpuSetMismatch);
            }
            ids.push(gpu.gpu_id);
            gpu_tier = gpu_tier.min(gpu.tier);
            units = units
                .checked_add(gpu.compute_units)
                .ok_or(Error::Overflow)?;
        }
        let mut h = Sha256::new();
        for id in &ids {
            h.update(id);
        }
        let named: [u8; 32] = h.finalize().into();
        if att.report_data.get(NONCE_LEN..) != Some(&named[..]) {
            return Err(Error::GpuSetMismatch);
        }
        let tier = if cpu_tier >= TrustTier::Confidential {
            gpu_tier
        } else {
            gpu_tier.min(cpu_tier)
        };
        let appraisal = Appraisal {
            architecture: None,
            kind: aimine_envelope::KIND_COMPOSITE,
            grade_bps,
            tier,
            gpu_id: att.platform_id,
            compute_units: units,
        };
        Ok((appraisal, ids))
    }

    /// Verifies the CPU part at the block's time, metering each piece of work before it runs.
    fn verify_cpu(&mut self, cpu: &Cpu<'_>, read_only: bool) -> Result<Attestation, Error> {
        let now = self.env().timestamp;
        let allow_debug = config::load_u64(self.state(), Param::AllowDebugGuests)? == 1;
        match cpu {
            Cpu::Intel {
                tdx,
                quote,
                collateral,
            } => {
                self.require_intel()?;
                self.verify_intel(*tdx, quote, collateral.as_ref(), now, allow_debug)
            }
            Cpu::SevSnp { report, certs } => {
                self.verify_sev(report, certs, now, allow_debug, read_only)
            }
        }
    }

    /// Fails unless this chain accepts Intel quotes ([`Param::IntelQuotes`]) and this build can
    /// verify them; a build without Intel support answers [`Error::IntelUnavailable`], which the
    /// node must treat as fatal, never as a refusal.
    fn require_intel(&mut self) -> Result<(), Error> {
        let accepted = config::load_u64(self.state(), Param::IntelQuotes)? == 1;
        intel_gate(accepted, crate::INTEL_SUPPORTED)
    }

    /// Verifies an SEV-SNP report: its endorsement (VCEK/VLEK, carried or the one stored for
    /// its chip and TCB) under the trusted roots of its product (cached per leaf and root once
    /// verified), governance's TCB floor for the product, the report's signature — one call to
    /// aimine-tee, which asks the state ([`StoredEndorsements`]) for what it keeps.
    fn verify_sev(
        &mut self,
        report: &[u8],
        certs: &[&[u8]],
        now: u64,
        allow_debug: bool,
        read_only: bool,
    ) -> Result<Attestation, Error> {
        // The report's signature check is paid before anything is decoded; the roots are
        // metered pair by pair as they are decoded (only the product the VCEK names, or every
        // product when it names none), the chain's RSA check when it was never verified.
        self.state().meter(Work::SevReport)?;
        let options = SevOptions {
            allow_debug,
            max_vmpl: 0,
        };
        let mut store = StoredEndorsements {
            store: self.state(),
            read_only,
        };
        Ok(aimine_tee::sev::verify(
            report, certs, now, &options, &mut store,
        )?)
    }

    #[cfg(feature = "intel")]
    fn verify_intel(
        &mut self,
        tdx: bool,
        quote: &[u8],
        collateral: Option<&aimine_envelope::IntelCollateral<'_>>,
        now: u64,
        allow_debug: bool,
    ) -> Result<Attestation, Error> {
        // dcap-qvl's work (and the collateral's decoding) is paid before any of it runs.
        self.state().meter(Work::IntelQuote)?;
        // Stored collateral for the quote's FMSPC, unless the quote carries its own.
        let stored;
        let c = match collateral {
            Some(c) => *c,
            None => {
                let fmspc =
                    aimine_tee::intel::quote_fmspc(quote).ok_or(Error::CpuQuote(Check::Format))?;
                let base = collateral_key(&fmspc, tdx);
                stored = blob::load(self.state(), &keys::offset(&base, 2))?;
                if stored.is_empty() {
                    return Err(Error::CollateralMissing);
                }
                aimine_envelope::decode_collateral(&stored)?
            }
        };
        let collateral = c.to_dcap().ok_or(Error::CpuQuote(Check::Collateral))?;
        // Never older than the newest collateral the chain keeps for this FMSPC: otherwise a
        // platform Intel has since downgraded could present last month's verdict.
        let (fmspc, is_tdx, evaluation) = aimine_tee::intel::collateral_summary(&collateral)?;
        // Nor older than governance's floor, even where the chain keeps nothing newer.
        let newest =
            word::to_u64(&self.state().load(&collateral_key(&fmspc, is_tdx))?).unwrap_or(0);
        let floor = config::load_u64(self.state(), Param::MinTcbEvaluation)?;
        if u64::from(evaluation) < newest.max(floor) {
            return Err(Error::CollateralSuperseded);
        }
        let root = self.intel_root_for(|| {
            aimine_tee::intel::quote_chain(quote).and_then(|chain| chain.last().cloned())
        })?;
        let options = aimine_tee::intel::IntelOptions { allow_debug };
        let att = aimine_tee::intel::verify_quote(quote, &collateral, &root, now, &options)?;
        if (att.kind == Kind::Tdx) != tdx {
            return Err(Error::CpuQuote(Check::Format));
        }
        Ok(att)
    }

    #[cfg(not(feature = "intel"))]
    fn verify_intel(
        &mut self,
        _: bool,
        _: &[u8],
        _: Option<&aimine_envelope::IntelCollateral<'_>>,
        _: u64,
        _: bool,
    ) -> Result<Attestation, Error> {
        Err(Error::IntelUnavailable)
    }

    /// Grades a verified TCB with governance's parameters; banned advisories refuse.
    fn grade(&mut self, att: &Attestation) -> Result<u16, Error> {
        let mut banned = Vec::new();
        for id in &att.tcb.advisory_ids {
            let key = keys::mapping(keys::BANNED_ADVISORIES, &advisory_hash(id));
            if word::to_bool(&self.state().load(&key)?) {
                banned.push(id.clone());
            }
        }
        let bps = |r: &mut Self, p: Param| -> Result<u32, Error> {
            u32::try_from(config::load_u64(r.state(), p)?).map_err(|_| Error::BadParam)
        };
        let policy = TcbPolicy {
            sw_hardening_bps: bps(self, Param::TcbSwHardeningBps)?,
            configuration_bps: bps(self, Param::TcbConfigurationBps)?,
            out_of_date_bps: bps(self, Param::TcbOutOfDateBps)?,
            grace_secs: config::load_u64(self.state(), Param::TcbGraceSeconds)?,
            banned_advisories: banned,
        };
        let grade = policy.grade(&att.tcb, self.env().timestamp)?;
        u16::try_from(grade.multiplier.bps()).map_err(|_| Error::BadParam)
    }

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
            self.state().store(&base, [0; 32])?;
            return Ok(());
        }
        let roots = ProductRoots::new(product, ark, ask).map_err(|_| Error::BadParam)?;
        roots.check_signatures().map_err(|_| Error::BadParam)?;
        let number = AmdProduct::ALL
            .iter()
            .position(|p| *p == product)
            .ok_or(Error::BadParam)?;
        self.state()
            .store(&base, word::from_u64((number as u64).saturating_add(1)))?;
        blob::store(self.state(), &keys::offset(&base, 1), ark)?;
        blob::store(self.state(), &keys::offset(&base, 2), ask)?;
        self.emit(Event::AnchorAdded {
            key_hash: Sha256::digest(ark).into(),
        });
        Ok(())
    }

    /// Submits Intel collateral (anyone may: Intel signed it). It is verified at the block's
    /// time against the pinned Intel SGX Root CA — chains, CRLs, signatures — and kept if it is
    /// newer (by Intel's TCB evaluation data number, then issue date) than the collateral held
    /// for its FMSPC and TEE type. Quotes of that FMSPC may then carry no collateral, and none may
    /// carry an older one. `encoded` is the nine length-prefixed fields
    /// ([`aimine_envelope::decode_collateral`]).
    ///
    /// Collateral older than [`Param::MinTcbEvaluation`] is refused too. On a chain that does
    /// not accept Intel quotes ([`Param::IntelQuotes`] 0) every submission is refused.
    ///
    /// # Errors
    /// [`Error::Envelope`], [`Error::CpuQuote`] (collateral or chain), [`Error::CollateralSuperseded`],
    /// [`Error::IntelUnavailable`] from a build without Intel support on a chain that accepts
    /// Intel quotes.
    #[cfg(feature = "intel")]
    pub fn submit_intel_collateral(
        &mut self,
        encoded: &[u8],
    ) -> Result<([u8; 6], bool, u32), Error> {
        self.require_intel()?;
        self.state().meter(Work::IntelCollateral)?;
        let c = aimine_envelope::decode_collateral(encoded)?;
        let collateral = c.to_dcap().ok_or(Error::CpuQuote(Check::Collateral))?;
        let root = self.intel_root_for(|| {
            aimine_tee::intel::pem_chain(&collateral.tcb_info_issuer_chain)
                .and_then(|chain| chain.last().cloned())
        })?;
        let info = aimine_tee::intel::collateral::verify_collateral(
            &collateral,
            &root,
            self.env().timestamp,
        )?;
        let base = collateral_key(&info.fmspc, info.tdx);
        let held = word::to_u64(&self.state().load(&base)?).unwrap_or(0);
        let held_issue = word::to_u64(&self.state().load(&keys::offset(&base, 1))?).unwrap_or(0);
        let new = (u64::from(info.tcb_evaluation), info.tcb_window.0);
        let floor = config::load_u64(self.state(), Param::MinTcbEvaluation)?;
        if new <= (held, held_issue) || new.0 < floor {
            return Err(Error::CollateralSuperseded);
        }
        self.state().store(&base, word::from_u64(new.0))?;
        self.state()
            .store(&keys::offset(&base, 1), word::from_u64(new.1))?;
        blob::store(self.state(), &keys::offset(&base, 2), encoded)?;
        let mut fmspc = [0u8; 32];
        fmspc[..6].copy_from_slice(&info.fmspc);
        self.emit(Event::CollateralSubmitted {
            fmspc,
            tdx: info.tdx,
            tcb_evaluation: new.0,
        });
        Ok((info.fmspc, info.tdx, info.tcb_evaluation))
    }

    /// [`Registry::submit_intel_collateral`] in a build without Intel support: refused where the
    /// chain does not accept Intel quotes, [`Error::IntelUnavailable`] (fatal for the node) where
    /// it does.
    ///
    /// # Errors
    /// [`Error::CpuQuote`] or [`Error::IntelUnavailable`].
    #[cfg(not(feature = "intel"))]
    pub fn submit_intel_collateral(
        &mut self,
        _encoded: &[u8],
    ) -> Result<([u8; 6], bool, u32), Error> {
        self.require_intel()?;
        Err(Error::IntelUnavailable)
    }

    /// The newest Intel collateral held for an FMSPC and TEE type: its TCB evaluation data
    /// number (0 when none) and its encoding.
    ///
    /// # Errors
    /// A store error.
    pub fn intel_collateral(
        &mut self,
        fmspc: &[u8; 6],
        tdx: bool,
    ) -> Result<(u64, Vec<u8>), Error> {
        let base = collateral_key(fmspc, tdx);
        let evaluation = word::to_u64(&self.state().load(&base)?).unwrap_or(0);
        Ok((
            evaluation,
            blob::load(self.state(), &keys::offset(&base, 2))?,
        ))
    }

    /// Submits an AMD VCEK (anyone may: AMD signed it). It is verified at the block's time under
    /// the pinned (or governance-added) roots of the product it names and stored for its chip and
    /// TCB, so SEV-SNP envelopes from that chip at that TCB may carry no certificate; its chain
    /// is also remembered as verified. Returns the chip-and-TCB key.
    ///
    /// # Errors
    /// [`Error::CpuQuote`] (chain), store errors.
    pub fn submit_vcek(&mut self, vcek: &[u8]) -> Result<Word, Error> {
        // Its RSA check is paid before it is decoded; its roots pair by pair, as a report's.
        self.state().meter(Work::AmdEndorsement)?;
        let now = self.env().timestamp;
        let mut store = StoredEndorsements {
            store: self.state(),
            read_only: false,
        };
        // Verified, and its chain remembered as verified.
        let key = aimine_tee::sev::verify_vcek(vcek, now, &mut store)?;
        let chip_key = vcek_key(&key.chip_id, &key.tcb);
        blob::store(
            self.state(),
            &keys::mapping(keys::VCEK_BY_CHIP, &chip_key),
            vcek,
        )?;
        self.emit(Event::VcekSubmitted { chip_key });
        Ok(chip_key)
    }

    /// The Intel root to verify against: governance's extra root when the evidence's chain ends
    /// in it, else Intel's pinned SGX Root CA.
    #[cfg(feature = "intel")]
    /// `chain_root` reads the evidence's last certificate; it runs only when an extra root is set.
    #[cfg(feature = "intel")]
    fn intel_root_for(
        &mut self,
        chain_root: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Result<Vec<u8>, Error> {
        let extra = blob::load(self.state(), &keys::slot(keys::INTEL_ROOT))?;
        if !extra.is_empty() && chain_root().as_ref() == Some(&extra) {
            return Ok(extra);
        }
        Ok(aimine_tee::intel::INTEL_SGX_ROOT_CA.to_vec())
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
        blob::store(self.state(), &keys::slot(keys::INTEL_ROOT), der)?;
        self.emit(Event::AnchorAdded {
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
        self.state().store(
            &keys::mapping(keys::BANNED_ADVISORIES, &hash),
            word::from_bool(banned),
        )?;
        self.emit(Event::AdvisoryBanned { hash, banned });
        Ok(())
    }

    /// Records a composite session's GPUs and marks each busy with it.
    pub(crate) fn bind_gpus(&mut self, id: &Word, gpus: &[Word]) -> Result<(), Error> {
        if gpus.is_empty() {
            return Ok(());
        }
        let base = keys::mapping(keys::SESSION_GPUS, id);
        self.state()
            .store(&base, word::from_u64(gpus.len() as u64))?;
        for (i, gpu) in gpus.iter().enumerate() {
            self.state()
                .store(&keys::offset(&base, (i as u64).saturating_add(1)), *gpu)?;
            self.state()
                .store(&keys::mapping(keys::ACTIVE_SESSION, gpu), *id)?;
        }
        Ok(())
    }

    /// A composite session's GPUs.
    ///
    /// # Errors
    /// A store error.
    pub fn session_gpus(&mut self, id: &Word) -> Result<Vec<Word>, Error> {
        let base = keys::mapping(keys::SESSION_GPUS, id);
        let n = word::to_u64(&self.state().load(&base)?).unwrap_or(0);
        let mut out = Vec::new();
        for i in 0..n.min(aimine_envelope::MAX_GPUS as u64) {
            out.push(
                self.state()
                    .load(&keys::offset(&base, i.saturating_add(1)))?,
            );
        }
        Ok(out)
    }

    /// Frees a composite session's GPUs.
    pub(crate) fn release_gpus(&mut self, id: &Word) -> Result<(), Error> {
        for gpu in self.session_gpus(id)? {
            let key = keys::mapping(keys::ACTIVE_SESSION, &gpu);
            if self.state().load(&key)? == *id {
                self.state().store(&key, [0; 32])?;
            }
        }
        let base = keys::mapping(keys::SESSION_GPUS, id);
        self.state().store(&base, [0; 32])
    }

    /// Whether any GPU of a composite session is revoked.
    pub(crate) fn any_gpu_revoked(&mut self, s: &crate::session::Session) -> Result<bool, Error> {
        if s.kind != aimine_envelope::KIND_COMPOSITE {
            return Ok(false);
        }
        for gpu in self.session_gpus(&s.id)? {
            if self.is_revoked(&gpu)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether an Intel quote may be verified: refused everywhere where the chain does not accept
/// them; where it does, a build without Intel support cannot decide and must stop.
fn intel_gate(chain_accepts: bool, built_with_intel: bool) -> Result<(), Error> {
    match (chain_accepts, built_with_intel) {
        (false, _) => Err(Error::CpuQuote(Check::Format)),
        (true, true) => Ok(()),
        (true, false) => Err(Error::IntelUnavailable),
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

/// Where the newest Intel collateral of an FMSPC and TEE type lives.
pub fn collateral_key(fmspc: &[u8; 6], tdx: bool) -> Word {
    let mut preimage = [0u8; 7];
    preimage[..6].copy_from_slice(fmspc);
    preimage[6] = u8::from(tdx);
    keys::mapping(keys::INTEL_COLLATERAL, &keys::keccak256(&preimage))
}

/// The key of a VCEK: SHA-256 of the chip id (64 bytes; Turin's 8, zero-padded) and the TCB
/// components it was issued for (bootloader, TEE, SNP, microcode, FMC or 0).
pub fn vcek_key(chip_id: &[u8; 64], tcb: &TcbParts) -> Word {
    let mut h = Sha256::new();
    h.update(chip_id);
    h.update([
        tcb.bootloader,
        tcb.tee,
        tcb.snp,
        tcb.microcode,
        tcb.fmc.unwrap_or(0),
    ]);
    h.finalize().into()
}

fn amd_root_key(index: u64) -> Word {
    keys::mapping(keys::AMD_ROOTS, &word::from_u64(index))
}

/// What an SEV-SNP verification asks of the registry's state (aimine-tee's
/// [`EndorsementStore`]), each answer metered as the work it announces: the roots of a product,
/// each pair metered ([`Work::AmdRootPair`]) before it is decoded; the VCEK stored for a chip and
/// TCB; the chains verified before (slot 32), the RSA check metered ([`Work::AmdEndorsement`])
/// when the chain is not among them; governance's TCB floor per product. A store that refuses
/// (out of gas) fails the verification ([`Error::Store`]): a failed read is never taken for a
/// known chain. A read-only view reuses verified chains but does not add any (NV_TRUST).
struct StoredEndorsements<'s, S: Store + ?Sized> {
    store: &'s mut S,
    read_only: bool,
}

impl<S: Store + ?Sized> EndorsementStore for StoredEndorsements<'_, S> {
    fn contains(&mut self, key: &[u8; 32]) -> Result<bool, StoreError> {
        let known = self
            .store
            .load(&keys::mapping(keys::VCEKS, key))
            .map_err(|_| StoreError)?;
        if word::to_bool(&known) {
            return Ok(true);
        }
        // Not verified before: the RSA check comes next, so it is metered now.
        self.store
            .meter(Work::AmdEndorsement)
            .map_err(|_| StoreError)?;
        Ok(false)
    }

    fn insert(&mut self, key: [u8; 32]) -> Result<(), StoreError> {
        if self.read_only {
            return Ok(());
        }
        self.store
            .store(&keys::mapping(keys::VCEKS, &key), word::from_bool(true))
            .map_err(|_| StoreError)
    }

    fn roots(&mut self, product: Option<AmdProduct>) -> Result<AmdRoots, aimine_tee::Error> {
        amd_roots(self.store, product)
    }

    fn stored_endorsement(
        &mut self,
        chip_id: &[u8; 64],
        tcb: &TcbParts,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = keys::mapping(keys::VCEK_BY_CHIP, &vcek_key(chip_id, tcb));
        let stored = blob::load(self.store, &key).map_err(|_| StoreError)?;
        Ok((!stored.is_empty()).then_some(stored))
    }

    fn admits(&mut self, product: AmdProduct, tcb: &TcbParts) -> Result<bool, StoreError> {
        let floor_param = match product {
            AmdProduct::Milan => Param::AmdMinTcbMilan,
            AmdProduct::Genoa => Param::AmdMinTcbGenoa,
            AmdProduct::Turin => Param::AmdMinTcbTurin,
        };
        // Set only within 40 bits (`Param::validate`): unreadable only in a failed store.
        let floor = config::load_u64(self.store, floor_param).map_err(|_| StoreError)?;
        Ok(AmdTcbFloor::from_u64(floor).admits(tcb))
    }
}

/// AMD's pinned product roots (of `only`, or all) and any governance added for them, each pair
/// metered ([`Work::AmdRootPair`]) before it is decoded.
fn amd_roots(
    store: &mut (impl Store + ?Sized),
    only: Option<AmdProduct>,
) -> Result<AmdRoots, aimine_tee::Error> {
    // The state's refusals (out of gas) are the store's, not a verdict on the roots.
    let refused = |_: Error| aimine_tee::Error::Store;
    let mut products = Vec::new();
    for product in AmdProduct::ALL {
        if only.is_some_and(|o| o != product) {
            continue;
        }
        let (ark, ask) = aimine_tee::sev::pinned_ders(product);
        store.meter(Work::AmdRootPair).map_err(refused)?;
        products.push(ProductRoots::new(product, ark, ask)?);
    }
    for i in 0..MAX_AMD_ROOTS {
        let base = amd_root_key(i);
        let product = word::to_u64(&store.load(&base).map_err(refused)?).unwrap_or(0);
        let Some(product) = product
            .checked_sub(1)
            .and_then(|p| AmdProduct::ALL.get(usize::try_from(p).ok()?).copied())
        else {
            continue;
        };
        if only.is_some_and(|o| o != product) {
            continue;
        }
        let ark = blob::load(store, &keys::offset(&base, 1)).map_err(refused)?;
        let ask = blob::load(store, &keys::offset(&base, 2)).map_err(refused)?;
        store.meter(Work::AmdRootPair).map_err(refused)?;
        products.push(ProductRoots::new(product, &ark, &ask)?);
    }
    Ok(AmdRoots::from_products(products))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloc::collections::BTreeMap;

    use super::*;

    /// A store that records the work announced, and refuses everything once `fail` is set.
    #[derive(Default)]
    struct Recording {
        words: BTreeMap<Word, Word>,
        work: Vec<Work>,
        fail: bool,
    }

    impl Store for Recording {
        fn load(&mut self, key: &Word) -> Result<Word, Error> {
            if self.fail {
                return Err(Error::Store);
            }
            Ok(self.words.get(key).copied().unwrap_or([0; 32]))
        }

        fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
            if self.fail {
                return Err(Error::Store);
            }
            self.words.insert(*key, value);
            Ok(())
        }

        fn meter(&mut self, work: Work) -> Result<(), Error> {
            if self.fail {
                return Err(Error::Store);
            }
            self.work.push(work);
            Ok(())
        }
    }

    #[test]
    fn stored_endorsements_meter_the_rsa_check_on_a_miss_only_and_read_only_adds_nothing() {
        let key = [7; 32];
        let mut state = Recording::default();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: true,
        };
        // Never verified: the RSA check that follows is announced.
        assert_eq!(view.contains(&key), Ok(false));
        // A read-only view (NV_TRUST) remembers nothing.
        assert_eq!(view.insert(key), Ok(()));
        assert_eq!(view.contains(&key), Ok(false));
        assert_eq!(state.work, [Work::AmdEndorsement, Work::AmdEndorsement]);
        assert!(state.words.is_empty());
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(view.insert(key), Ok(()));
        // Known: nothing to announce.
        assert_eq!(view.contains(&key), Ok(true));
        assert_eq!(state.work.len(), 2);
        assert_eq!(
            state.words.get(&keys::mapping(keys::VCEKS, &key)),
            Some(&word::from_bool(true))
        );
    }

    #[test]
    fn stored_endorsements_decode_and_meter_only_the_roots_asked_for() {
        let mut state = Recording::default();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        view.roots(Some(AmdProduct::Genoa)).unwrap();
        assert_eq!(state.work, [Work::AmdRootPair]);
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        view.roots(None).unwrap();
        assert_eq!(state.work, [Work::AmdRootPair; 4]);
    }

    #[test]
    fn stored_endorsements_read_the_vcek_and_floor_of_the_chip_and_product() {
        let tcb = TcbParts {
            fmc: None,
            bootloader: 3,
            tee: 0,
            snp: 8,
            microcode: 115,
        };
        let mut state = Recording::default();
        let chip = [1; 64];
        blob::store(
            &mut state,
            &keys::mapping(keys::VCEK_BY_CHIP, &vcek_key(&chip, &tcb)),
            b"vcek",
        )
        .unwrap();
        let floor = AmdTcbFloor {
            bootloader: 0,
            tee: 0,
            snp: 9,
            microcode: 0,
            fmc: 0,
        };
        state
            .store(&Param::AmdMinTcbGenoa.key(), word::from_u64(floor.to_u64()))
            .unwrap();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(
            view.stored_endorsement(&chip, &tcb),
            Ok(Some(b"vcek".to_vec()))
        );
        assert_eq!(view.stored_endorsement(&[2; 64], &tcb), Ok(None));
        // Each product its own floor.
        assert_eq!(view.admits(AmdProduct::Milan, &tcb), Ok(true));
        assert_eq!(view.admits(AmdProduct::Genoa, &tcb), Ok(false));
    }

    #[test]
    fn a_state_that_refuses_fails_every_answer_and_is_never_a_known_chain() {
        let tcb = TcbParts::default();
        let mut state = Recording {
            fail: true,
            ..Recording::default()
        };
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(view.contains(&[7; 32]), Err(StoreError));
        assert_eq!(view.insert([7; 32]), Err(StoreError));
        assert_eq!(
            view.roots(Some(AmdProduct::Milan)).unwrap_err(),
            aimine_tee::Error::Store
        );
        assert_eq!(view.stored_endorsement(&[1; 64], &tcb), Err(StoreError));
        assert_eq!(view.admits(AmdProduct::Milan, &tcb), Err(StoreError));
        // What the verification makes of it: the store's refusal, not a verdict.
        assert_eq!(Error::from(aimine_tee::Error::Store), Error::Store);
        assert_eq!(
            Error::from(aimine_tee::Error::EndorsementMissing),
            Error::CollateralMissing
        );
        assert_eq!(
            Error::from(aimine_tee::Error::TcbBelowFloor),
            Error::CpuQuote(Check::TcbPolicy)
        );
    }

    #[test]
    fn every_build_refuses_intel_where_the_chain_does_and_none_refuses_where_it_does_not() {
        for built in [true, false] {
            assert_eq!(
                intel_gate(false, built),
                Err(Error::CpuQuote(Check::Format))
            );
        }
        assert_eq!(intel_gate(true, true), Ok(()));
        // Not a refusal: aimine-evm turns it into a fatal error.
        assert_eq!(intel_gate(true, false), Err(Error::IntelUnavailable));
    }
}
