//! Appraisal: what a quote of any kind is worth to this chain, as one [`Appraisal`].
//!
//! An `AIMQ` envelope is decoded once (aimine-envelope), then its evidence is verified and
//! valued: a GPU's by aimine-nvtrust under the governed trust anchors, golden measurements and
//! compute units (`gpu`); a CPU TEE's by aimine-tee under the pinned and governed roots, graded
//! by governance's TCB policy (`cpu`, `sev`, `intel`); a composite quote's CPU and GPUs each,
//! then bound together (`cpu`). Supplying collateral and VCEKs for later quotes is `collateral`.
//! Whatever the kind, the result says which devices a session would count, at what tier,
//! grade and compute units — sessions never look at evidence.

mod collateral;
mod cpu;
mod gpu;
pub use gpu::device_chain_digest;
mod intel;
mod sev;

pub use collateral::{collateral_key, vcek_key};

use aimine_envelope::Envelope;
use aimine_nvtrust::Architecture;
use aimine_tiers::{Kind, TrustTier};
use heapless::Vec;

use crate::Error;
use crate::config::{self, Param};
use crate::env::Address;
use crate::event::EventSink;
use crate::registry::Registry;
use crate::sessions::{Devices, MAX_BOUND_GPUS, session_nonce};
use crate::store::{Store, Word};

/// The nonce length every kind binds: SPDM's request nonce, a CPU's `report_data[0..32]`.
pub const NONCE_LEN: usize = 32;

/// What a verified quote (or a stake) is worth to this chain: the devices a session would
/// count, and what it would earn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appraisal {
    /// The kind of evidence.
    pub kind: Kind,
    /// The GPU family, for a GPU quote; `None` for the other kinds.
    pub architecture: Option<Architecture>,
    /// The TCB grade in basis points of the tier's rate (10,000 for GPUs and stakes).
    pub grade_bps: u16,
    /// Its trust tier.
    pub tier: TrustTier,
    /// The device a session would be for: the GPU's stable id (aimine-nvtrust's `gpu_id`), the
    /// CPU platform's id (aimine-tee's `platform_id`) for CPU TEE and composite quotes, or a
    /// staker's Public-tier id.
    pub gpu_id: Word,
    /// A composite quote's GPUs, in the order the CPU hashed them; empty for other kinds.
    pub gpus: Vec<Word, MAX_BOUND_GPUS>,
    /// Compute units governance assigns it (a composite: the sum of its GPUs').
    pub compute_units: u64,
}

impl Appraisal {
    /// The devices a session opened from this appraisal counts.
    pub fn devices(&self) -> Devices {
        Devices {
            own: self.gpu_id,
            bound: self.gpus.clone(),
        }
    }
}

/// What a quote's nonce must be.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Binding<'a> {
    /// A session nonce of this submitter, miner and key (this or the previous epoch): a quote
    /// that starts a session. Verified certificate links and endorsements are remembered.
    Session {
        submitter: &'a Address,
        miner: &'a Address,
        key_hash: &'a Word,
    },
    /// Equal to this value, or (for `None`) whatever the evidence carries: a read-only
    /// appraisal (NV_TRUST), which reuses remembered links but remembers none.
    Expected(Option<&'a [u8; NONCE_LEN]>),
}

impl Binding<'_> {
    /// Whether the appraisal may not write state.
    pub(crate) fn read_only(&self) -> bool {
        matches!(self, Binding::Expected(_))
    }
}

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Appraises a quote as [`Registry::start_session`] would, without binding it to a miner or
    /// starting anything: the envelope, the evidence and its chain to the chain's anchors or
    /// roots at the block's time, the nonce (`expected_nonce`, or the evidence's own when
    /// `None`), golden measurements or TCB policy, revocation, and the compute units governance
    /// assigns.
    ///
    /// Read-only: certificate links and endorsements verified before (by sessions) are reused,
    /// new ones are not remembered, so the call is safe in a static context.
    ///
    /// # Errors
    /// [`Error::Envelope`], [`Error::Quote`], [`Error::CpuQuote`], [`Error::NonceNotBound`],
    /// [`Error::NotAComputeDevice`], [`Error::GpuRevoked`], store errors.
    pub fn appraise_quote(
        &mut self,
        quote: &[u8],
        expected_nonce: Option<&[u8; NONCE_LEN]>,
    ) -> Result<Appraisal, Error> {
        let envelope = aimine_envelope::decode(quote)?;
        self.appraise(&envelope, Binding::Expected(expected_nonce))
    }

    /// Appraises a decoded envelope of any kind under `binding`.
    pub(crate) fn appraise(
        &mut self,
        envelope: &Envelope<'_>,
        binding: Binding<'_>,
    ) -> Result<Appraisal, Error> {
        match envelope {
            Envelope::Gpu(q) => self.appraise_gpu(q, binding),
            Envelope::Cpu(cpu) => self.appraise_cpu(cpu, &[], binding),
            Envelope::Composite { cpu, gpus } => self.appraise_cpu(cpu, gpus, binding),
        }
    }

    /// The nonce if `binding` accepts it: the session nonce of its submitter, miner and key in
    /// this or the previous epoch, or the expected value.
    pub(crate) fn check_binding(
        &mut self,
        binding: Binding<'_>,
        nonce: &[u8; NONCE_LEN],
    ) -> Result<(), Error> {
        match binding {
            Binding::Session {
                submitter,
                miner,
                key_hash,
            } => {
                let epoch_seconds = config::load_u64(self.store, Param::EpochSeconds)?;
                let epoch = self
                    .env
                    .timestamp
                    .as_secs()
                    .checked_div(epoch_seconds)
                    .ok_or(Error::BadParam)?;
                for e in [Some(epoch), epoch.checked_sub(1)].into_iter().flatten() {
                    if session_nonce(self.env.chain_id, submitter, miner, e, key_hash) == *nonce {
                        return Ok(());
                    }
                }
                Err(Error::NonceNotBound)
            }
            Binding::Expected(Some(expected)) if expected != nonce => Err(Error::NonceNotBound),
            Binding::Expected(_) => Ok(()),
        }
    }
}
