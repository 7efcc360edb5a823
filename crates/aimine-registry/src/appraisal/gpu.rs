//! NVIDIA GPU evidence: verified by aimine-nvtrust under the chain's trust anchors, then valued
//! by governance (revocation, golden measurements, compute units, the FWID rule).

use aimine_envelope::GpuQuote;
use aimine_nvtrust::{
    Architecture, Evidence, Issuer, LinkStore, StoreError, TrustAnchor, UnixTime, VerifiedGpu,
};
use aimine_tiers::{Hardware, Kind};
use heapless::Vec;
use sha2::{Digest, Sha256};

use super::{Appraisal, Binding, NONCE_LEN};
use crate::config::{self, Param};
use crate::event::EventSink;
use crate::governance::{MAX_ANCHORS, anchors_in};
use crate::registry::Registry;
use crate::sessions::{DEVICE_LINK_LEN, DeviceWord, is_revoked};
use crate::store::{Store, Word, Work, word};
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
        // The GPU's device word, read first: it holds the GPU's device-certificate link once
        // verified (and its revocation, read next).
        let device = match device_id(chain) {
            Some(id) => Some((id, DeviceWord::load(self.store, &id)?)),
            None => None,
        };
        let mut links = StoredLinks {
            store: &mut *self.store,
            read_only,
            device,
            missed_built_in: None,
            verified_device_link: None,
        };
        let verified =
            aimine_nvtrust::verify_evidence_with(evidence, chain, nonce, &anchors, now, &mut links)
                .map_err(|e| match e {
                    // The state refused (out of gas, say): not a verdict on the quote.
                    aimine_nvtrust::Error::LinkStore => Error::Store,
                    e => Error::Quote(e),
                })?;
        if let (Some(link), Some((id, word))) = (links.verified_device_link, links.device)
            && *verified.gpu_id() == id
        {
            DeviceWord {
                device_link: link,
                ..word
            }
            .save(self.store, &id, word)?;
        }
        Ok(verified)
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

/// The id a GPU's chain claims before it is verified: SHA-256 of the SubjectPublicKeyInfo of
/// its device certificate (`chain[1]`), as [`VerifiedGpu::gpu_id`] computes it once verified.
fn device_id(chain: &[&[u8]]) -> Option<Word> {
    let cert = aimine_nvtrust::Certificate::from_der(chain.get(1)?).ok()?;
    Some(Sha256::digest(cert.spki()).into())
}

/// Verified certificate links remembered in the registry's own state, so a GPU that attested
/// once costs no link check on later quotes. A store that refuses (out of gas) fails the
/// verification: a failed read is never taken for a known link. A read-only view reuses links
/// but does not add any.
///
/// Where a link is remembered: a GPU's device certificate, signed by one of NVIDIA's built-in
/// provisioning CAs, in the GPU's own device word (which every quote of the GPU reads anyway:
/// no slot of its own to read or create); every other link (the attestation key's certificate,
/// signed by the device key; any link of a test chain) in `LINKS` (slot 22), one word each.
pub(crate) struct StoredLinks<'s, S: Store + ?Sized> {
    pub(crate) store: &'s mut S,
    pub(crate) read_only: bool,
    /// The GPU the chain claims (its id and device word as loaded), when its chain has a device
    /// certificate that parses.
    device: Option<(Word, DeviceWord)>,
    /// The built-in-CA link the store was just asked about and does not hold (checked next).
    missed_built_in: Option<[u8; 32]>,
    /// The device-certificate link that verified, for the device word once the quote verifies.
    verified_device_link: Option<[u8; DEVICE_LINK_LEN]>,
}

/// The part of a link key a device word keeps.
fn device_link(link: &[u8; 32]) -> [u8; DEVICE_LINK_LEN] {
    let mut out = [0u8; DEVICE_LINK_LEN];
    if let Some(prefix) = link.get(..DEVICE_LINK_LEN) {
        out.copy_from_slice(prefix);
    }
    out
}

impl<S: Store + ?Sized> LinkStore for StoredLinks<'_, S> {
    fn contains(&mut self, link: &[u8; 32], issuer: Issuer) -> Result<bool, StoreError> {
        if let (Issuer::BuiltIn, Some((_, word))) = (issuer, &self.device) {
            if word.device_link != [0; DEVICE_LINK_LEN] && word.device_link == device_link(link) {
                return Ok(true);
            }
            self.store
                .meter(Work::BuiltInCertificateSignature)
                .map_err(|_| StoreError)?;
            self.missed_built_in = Some(*link);
            return Ok(false);
        }
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
        if self.missed_built_in == Some(link) {
            // Written into the device word once the whole quote verified.
            self.verified_device_link = Some(device_link(&link));
            return Ok(());
        }
        self.store
            .store(&keys::mapping(keys::LINKS, &link), word::from_bool(true))
            .map_err(|_| StoreError)
    }
}

#[cfg(test)]
mod tests {
    //! Where a real GPU's verified links are remembered: its device certificate's link (under a
    //! built-in provisioning CA) in its device word, its attestation key's link in `LINKS`; a
    //! read-only verification remembers nothing. Needs the NVIDIA vectors (skips without them).
    use super::*;
    use crate::config::Config;
    use crate::env::BlockEnv;
    use crate::event::Event;
    use crate::store::MemoryStore;
    use aimine_vectors::nvidia::{BLACKWELL_575, CAPTURED_AT, HOPPER_535, HOPPER_550, device};
    use alloc::vec::Vec as AllocVec;

    /// A memory store that records the work announced to it.
    #[derive(Default)]
    struct Metered {
        inner: MemoryStore,
        work: AllocVec<Work>,
    }

    impl Store for Metered {
        fn load(&mut self, key: &Word) -> Result<Word, Error> {
            self.inner.load(key)
        }
        fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
            self.inner.store(key, value)
        }
        fn meter(&mut self, work: Work) -> Result<(), Error> {
            self.work.push(work);
            Ok(())
        }
    }

    fn verify(store: &mut Metered, d: &aimine_vectors::nvidia::Device, read_only: bool) -> Word {
        let mut events: AllocVec<Event> = AllocVec::new();
        let env = BlockEnv {
            chain_id: 1,
            number: 1,
            timestamp: CAPTURED_AT,
        };
        let mut r = Registry::new(store, &mut events, env);
        let chain = d.chain_refs();
        let evidence = Evidence::parse(&d.evidence).unwrap();
        *r.verify_gpu(evidence, &chain, &d.nonce, read_only)
            .unwrap()
            .gpu_id()
    }

    fn initialised() -> Metered {
        let mut store = Metered::default();
        let mut events: AllocVec<Event> = AllocVec::new();
        let env = BlockEnv {
            chain_id: 1,
            number: 1,
            timestamp: CAPTURED_AT,
        };
        Registry::new(&mut store, &mut events, env)
            .init(&Config::with_admin([1; 20]))
            .unwrap();
        store
    }

    #[test]
    fn a_real_gpus_device_certificate_link_lives_in_its_device_word() {
        for set in [HOPPER_550, BLACKWELL_575] {
            let Some(d) = device(&set) else { return };
            let chain = d.chain_refs();
            let mut store = initialised();
            let words = store.inner.len();
            let gpu = verify(&mut store, &d, false);
            assert_eq!(
                store.work,
                [
                    Work::CertificateSignature,
                    Work::BuiltInCertificateSignature
                ]
            );
            let ca = aimine_nvtrust::Certificate::from_der(chain[2]).unwrap();
            let device_cert_link = aimine_nvtrust::link_key(chain[1], ca.public_key());
            let word = DeviceWord::load(&mut store, &gpu).unwrap();
            assert_eq!(word.device_link[..], device_cert_link[..DEVICE_LINK_LEN]);
            assert_eq!(
                (word.sessions, word.own_active, word.revoked),
                (0, false, false)
            );
            let leaf_key = aimine_nvtrust::Certificate::from_der(chain[1]).unwrap();
            let leaf_link = aimine_nvtrust::link_key(chain[0], leaf_key.public_key());
            let links = |s: &mut Metered, l: &[u8; 32]| {
                word::to_bool(&s.load(&keys::mapping(keys::LINKS, l)).unwrap())
            };
            assert!(links(&mut store, &leaf_link));
            assert!(!links(&mut store, &device_cert_link));
            // Two words more: the device word and the leaf's link.
            assert_eq!(store.inner.len(), words + 2);

            // Again: nothing to check, nothing written.
            store.work.clear();
            verify(&mut store, &d, false);
            assert_eq!(store.work, []);
            assert_eq!(store.inner.len(), words + 2);

            // A device word remembering another certificate's link does not stand for this one.
            let mut other = word;
            other.device_link[0] ^= 1;
            other.save(&mut store, &gpu, word).unwrap();
            store.work.clear();
            verify(&mut store, &d, false);
            assert_eq!(store.work, [Work::BuiltInCertificateSignature]);
            assert_eq!(DeviceWord::load(&mut store, &gpu).unwrap(), word);
        }
    }

    #[test]
    fn a_read_only_verification_remembers_no_link() {
        let Some(d) = device(&HOPPER_535) else { return };
        let mut store = initialised();
        let words = store.inner.len();
        for _ in 0..2 {
            store.work.clear();
            let gpu = verify(&mut store, &d, true);
            assert_eq!(
                store.work,
                [
                    Work::CertificateSignature,
                    Work::BuiltInCertificateSignature
                ]
            );
            assert_eq!(
                DeviceWord::load(&mut store, &gpu).unwrap(),
                DeviceWord::default()
            );
            assert_eq!(store.inner.len(), words);
        }
    }
}
