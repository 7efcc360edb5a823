//! NVIDIA GPU evidence: verified by aimine-nvtrust under the chain's trust anchors, then valued
//! by governance (revocation, golden measurements, compute units, the FWID rule).

use aimine_envelope::GpuQuote;
use aimine_nvtrust::{
    Architecture, Evidence, Issuer, LinkStore, StoreError, TrustAnchor, UnixTime, VerifiedGpu,
};
use aimine_tiers::{Hardware, Kind};
use heapless::Vec;

use super::{Appraisal, Binding, NONCE_LEN};
use crate::config::{self, Param};
use crate::event::EventSink;
use crate::governance::{MAX_ANCHORS, anchors_in};
use crate::registry::Registry;
use crate::sessions::is_revoked;
use crate::store::{Store, Work, word};
use crate::{Error, keys};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Appraises one GPU's quote. The cheap checks come first — the evidence's format and, for
    /// a session, its nonce binding — then the signatures.
    pub(crate) fn appraise_gpu(
        &mut self,
        q: &GpuQuote<'_>,
        binding: Binding<'_>,
    ) -> Result<Appraisal, Error> {
        let evidence = Evidence::parse(q.evidence).map_err(aimine_nvtrust::Error::from)?;
        let nonce = match binding {
            Binding::Session { .. } => {
                self.check_binding(binding, evidence.nonce())?;
                *evidence.nonce()
            }
            // aimine-nvtrust compares an expected nonce itself (a nonce failure of the quote).
            Binding::Expected(expected) => *expected.unwrap_or(evidence.nonce()),
        };
        let verified = self.verify_gpu(evidence, &q.chain, &nonce, binding.read_only());
        self.value_gpu(verified)
    }

    /// Verifies parsed evidence against the anchors in state at the block's time, remembering
    /// verified certificate links unless `read_only`.
    pub(crate) fn verify_gpu<'q>(
        &mut self,
        evidence: Evidence<'q>,
        chain: &[&'q [u8]],
        nonce: &[u8; NONCE_LEN],
        read_only: bool,
    ) -> Result<VerifiedGpu<'q>, Error> {
        let now: UnixTime = self.env.timestamp;
        let anchor_keys = anchors_in(self.store)?;
        let anchors: Vec<TrustAnchor<'_>, MAX_ANCHORS> = anchor_keys
            .iter()
            .map(|k| TrustAnchor {
                subject: &[],
                public_key: k.as_slice(),
            })
            .collect();
        let mut links = StoredLinks {
            store: &mut *self.store,
            read_only,
        };
        aimine_nvtrust::verify_evidence_with(evidence, chain, nonce, &anchors, now, &mut links)
            .map_err(|e| match e {
                // The state refused (out of gas, say): not a verdict on the quote.
                aimine_nvtrust::Error::LinkStore => Error::Store,
                e => Error::Quote(e),
            })
    }

    /// What governance makes of a verified GPU: its tier and compute units, unless it is
    /// revoked, not a compute GPU, or off its golden measurements.
    pub(crate) fn value_gpu(
        &mut self,
        verified: Result<VerifiedGpu<'_>, Error>,
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
        if is_revoked(self.store, &gpu_id)? {
            return Err(Error::GpuRevoked);
        }
        self.check_golden(gpu.evidence())?;
        let default_units = config::load_u64(self.store, units_param)?;
        let compute_units = self.compute_units_for(gpu.evidence(), default_units)?;
        Ok(Appraisal {
            kind: Kind::Gpu,
            architecture: Some(gpu.architecture()),
            grade_bps: 10_000,
            tier: hardware.tier(),
            gpu_id,
            gpus: Vec::new(),
            compute_units,
        })
    }
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
    fn contains(&mut self, link: &[u8; 32], issuer: Issuer) -> Result<bool, StoreError> {
        let known = self
            .store
            .load(&keys::mapping(keys::LINKS, link))
            .map_err(|_| StoreError)?;
        if word::to_bool(&known) {
            return Ok(true);
        }
        // Not verified before: the signature check comes next, so it is metered now, at the
        // price of the path it takes.
        let work = match issuer {
            Issuer::BuiltIn => Work::BuiltInCertificateSignature,
            Issuer::Other => Work::CertificateSignature,
        };
        self.store.meter(work).map_err(|_| StoreError)?;
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
