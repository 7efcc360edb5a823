//! CPU TEE and composite quotes: Intel TDX/SGX and AMD SEV-SNP evidence (aimine-tee), valued
//! like GPU quotes.
//!
//! - **Binding.** The CPU's `report_data[0..32]` must be the session nonce for this chain,
//!   submitter, miner, epoch (this or the previous) and session key — the GPU formula.
//! - **One platform, one session.** The device is the platform id (aimine-tee: SHA-256 of
//!   Intel's PPID, or of AMD's CHIP_ID); revocation works by platform id as by GPU id.
//! - **Grading.** The TCB verdict is graded by governance's parameters ([`Param::TcbOutOfDateBps`]
//!   and the others; banned advisory ids refuse) and the grade scales the session's reward.
//! - **Composite quotes** (a CPU quote and the NVIDIA GPUs of that VM): every GPU's evidence
//!   nonce is the same session nonce, and the CPU's `report_data[32..64]` is SHA-256 of the
//!   GPUs' ids concatenated in envelope order, so the CPU vouches that exactly these GPUs are
//!   attached to it. The appraisal names the platform and binds every GPU (each is then counted
//!   by the session), counts the GPUs' compute units, and earns at the GPUs' tier only when the
//!   CPU's tier is at least Confidential (an SGX enclave caps it at Private).
//! - **A100s** cannot attest themselves: they never appear in a composite quote. A VM with A100s
//!   starts a CPU-only session (the CPU's compute units and tier); an A100's own work can earn
//!   at most the Private tier, its hardware class in aimine-tiers.

use aimine_envelope::{Cpu, GpuQuote};
use aimine_nvtrust::Evidence;
use aimine_tee::{Attestation, CpuCheck, TcbPolicy};
use aimine_tiers::{Kind, TrustTier};
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use super::{Appraisal, Binding, NONCE_LEN};
use crate::config::{self, Param};
use crate::event::EventSink;
use crate::governance::advisory_hash;
use crate::registry::Registry;
use crate::sessions::is_revoked;
use crate::store::{Store, Word, Work, word};
use crate::{Error, keys};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Appraises a CPU quote and, for a composite, the GPUs it vouches for.
    pub(crate) fn appraise_cpu(
        &mut self,
        cpu: &Cpu<'_>,
        gpu_quotes: &[GpuQuote<'_>],
        binding: Binding<'_>,
    ) -> Result<Appraisal, Error> {
        let att = self.verify_cpu(cpu, binding.read_only())?;
        let mut bound = [0u8; NONCE_LEN];
        bound.copy_from_slice(att.report_data.get(..NONCE_LEN).unwrap_or(&[0; NONCE_LEN]));
        self.check_binding(binding, &bound)?;
        let grade_bps = self.grade(&att)?;
        if is_revoked(self.store, &att.platform_id)? {
            return Err(Error::GpuRevoked);
        }
        let cpu_tier = att.tier();
        if gpu_quotes.is_empty() {
            let units_param = match att.kind {
                Kind::Tdx => Param::TdxComputeUnits,
                Kind::Sgx => Param::SgxComputeUnits,
                Kind::SevSnp => Param::SevSnpComputeUnits,
                // aimine-tee attests CPU kinds only.
                Kind::Stake | Kind::Gpu | Kind::Composite => {
                    return Err(Error::CpuQuote(CpuCheck::Format));
                }
            };
            return Ok(Appraisal {
                kind: cpu.kind(),
                architecture: None,
                grade_bps,
                tier: cpu_tier,
                gpu_id: att.platform_id,
                gpus: heapless::Vec::new(),
                compute_units: config::load_u64(self.store, units_param)?,
            });
        }

        // The GPUs of a composite quote: each verified against the same nonce.
        let mut ids: heapless::Vec<Word, { crate::sessions::MAX_BOUND_GPUS }> =
            heapless::Vec::new();
        let mut gpu_tier = TrustTier::Sovereign;
        let mut units: u64 = 0;
        for (i, q) in gpu_quotes.iter().enumerate() {
            // Each GPU's evidence signature is metered like a GPU quote's: the call's own price
            // pays the first, every further one is announced before its parse and check.
            if i > 0 {
                self.store.meter(Work::GpuEvidence)?;
            }
            let evidence = Evidence::parse(q.evidence).map_err(aimine_nvtrust::Error::from)?;
            let verified = self.verify_gpu(evidence, &q.chain, &bound, binding.read_only());
            let gpu = self.value_gpu(verified)?;
            if ids.contains(&gpu.gpu_id) {
                return Err(Error::GpuSetMismatch);
            }
            ids.push(gpu.gpu_id).map_err(|_| Error::GpuSetMismatch)?;
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
        Ok(Appraisal {
            kind: Kind::Composite,
            architecture: None,
            grade_bps,
            tier,
            gpu_id: att.platform_id,
            gpus: ids,
            compute_units: units,
        })
    }

    /// Verifies the CPU part at the block's time, metering each piece of work before it runs.
    fn verify_cpu(&mut self, cpu: &Cpu<'_>, read_only: bool) -> Result<Attestation, Error> {
        let now = self.env.timestamp;
        let allow_debug = config::load_u64(self.store, Param::AllowDebugGuests)? == 1;
        match cpu {
            Cpu::Intel {
                kind,
                quote,
                collateral,
            } => {
                self.require_intel()?;
                self.verify_intel(*kind, quote, collateral.as_ref(), now, allow_debug)
            }
            Cpu::SevSnp { report, certs } => {
                self.verify_sev(report, certs, now, allow_debug, read_only)
            }
        }
    }

    /// Fails unless this chain accepts Intel quotes ([`Param::IntelQuotes`]) and this build can
    /// verify them; a build without Intel support answers [`Error::IntelUnavailable`], which the
    /// node must treat as fatal, never as a refusal.
    pub(crate) fn require_intel(&mut self) -> Result<(), Error> {
        let accepted = config::load_u64(self.store, Param::IntelQuotes)? == 1;
        intel_gate(accepted, crate::INTEL_SUPPORTED)
    }

    /// Grades a verified TCB with governance's parameters; banned advisories refuse.
    fn grade(&mut self, att: &Attestation) -> Result<u16, Error> {
        let mut banned = Vec::new();
        for id in &att.tcb.advisory_ids {
            let key = keys::mapping(keys::BANNED_ADVISORIES, &advisory_hash(id));
            if word::to_bool(&self.store.load(&key)?) {
                banned.push(id.clone());
            }
        }
        let bps = |r: &mut Self, p: Param| -> Result<u32, Error> {
            u32::try_from(config::load_u64(r.store, p)?).map_err(|_| Error::BadParam)
        };
        let policy = TcbPolicy {
            sw_hardening_bps: bps(self, Param::TcbSwHardeningBps)?,
            configuration_bps: bps(self, Param::TcbConfigurationBps)?,
            out_of_date_bps: bps(self, Param::TcbOutOfDateBps)?,
            grace_secs: config::load_u64(self.store, Param::TcbGraceSeconds)?,
            banned_advisories: banned,
        };
        let grade = policy.grade(&att.tcb, self.env.timestamp)?;
        u16::try_from(grade.multiplier.bps()).map_err(|_| Error::BadParam)
    }
}

/// Whether an Intel quote may be verified: refused everywhere where the chain does not accept
/// them; where it does, a build without Intel support cannot decide and must stop.
fn intel_gate(chain_accepts: bool, built_with_intel: bool) -> Result<(), Error> {
    match (chain_accepts, built_with_intel) {
        (false, _) => Err(Error::CpuQuote(CpuCheck::Format)),
        (true, true) => Ok(()),
        (true, false) => Err(Error::IntelUnavailable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_build_refuses_intel_where_the_chain_does_and_none_refuses_where_it_does_not() {
        for built in [true, false] {
            assert_eq!(
                intel_gate(false, built),
                Err(Error::CpuQuote(CpuCheck::Format))
            );
        }
        assert_eq!(intel_gate(true, true), Ok(()));
        // Not a refusal: aimine-evm turns it into a fatal error.
        assert_eq!(intel_gate(true, false), Err(Error::IntelUnavailable));
    }
}
