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
use crate::sessions::{CHAIN_DIGEST_LEN, DeviceWord, is_revoked};
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
        // A real GPU's device word, read first: it holds the GPU's verified chain digest (and
        // its revocation, read next).
        let device = match device_chain(chain) {
            Some((id, links, digest)) => {
                let word = DeviceWord::load(self.store, &id)?;
                Some(DeviceChain::new(id, word, links, digest))
            }
            None => None,
        };
        let mut links = StoredLinks {
            store: &mut *self.store,
            read_only,
            device,
        };
        let verified =
            aimine_nvtrust::verify_evidence_with(evidence, chain, nonce, &anchors, now, &mut links)
                .map_err(|e| match e {
                    // The state refused (out of gas, say): not a verdict on the quote.
                    aimine_nvtrust::Error::LinkStore => Error::Store,
                    e => Error::Quote(e),
                })?;
        if let Some(d) = links.device
            && !read_only
            && !d.known
            && d.confirmed == [true, true]
            && *verified.gpu_id() == d.id
        {
            DeviceWord {
                chain_digest: d.digest,
                ..d.word
            }
            .save(self.store, &d.id, d.word)?;
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

/// The links of a real GPU's own two certificates: its attestation key's (`chain[0]` under the
/// device key) and its device certificate's (`chain[1]` under the built-in provisioning CA that
/// `chain[2]` is); `None` unless the chain has that shape. Both are [`aimine_nvtrust::link_key`]s.
fn own_links(chain: &[&[u8]]) -> Option<(Word, [[u8; 32]; 2])> {
    let (leaf, device_der, ca_der) = (chain.first()?, chain.get(1)?, chain.get(2)?);
    let device = aimine_nvtrust::Certificate::from_der(device_der).ok()?;
    let ca = aimine_nvtrust::Certificate::from_der(ca_der).ok()?;
    if Issuer::of(ca.public_key()) != Issuer::BuiltIn {
        return None;
    }
    let id: Word = Sha256::digest(device.spki()).into();
    let links = [
        aimine_nvtrust::link_key(leaf, device.public_key()),
        aimine_nvtrust::link_key(device_der, ca.public_key()),
    ];
    Some((id, links))
}

/// The digest under which a real GPU's own two certificate links are remembered once both
/// verified, and the device it is kept for: `(gpu id, first 20 bytes of SHA-256(
/// "aimine/registry/device-chain/v1" ‖ attestation-key link ‖ device-certificate link))`, the gpu
/// id being SHA-256 of the device certificate's SubjectPublicKeyInfo, as
/// [`VerifiedGpu::gpu_id`] computes it. `None` for a chain that is not a GPU's chain under one
/// of NVIDIA's built-in provisioning CAs (a test chain: its links are kept one by one).
pub fn device_chain_digest(chain: &[&[u8]]) -> Option<(Word, [u8; CHAIN_DIGEST_LEN])> {
    device_chain(chain).map(|(id, _, digest)| (id, digest))
}

/// A real GPU's id, own links and their digest ([`device_chain_digest`]), computed once.
fn device_chain(chain: &[&[u8]]) -> Option<(Word, [[u8; 32]; 2], [u8; CHAIN_DIGEST_LEN])> {
    let (id, links) = own_links(chain)?;
    let [leaf, device] = &links;
    let mut h = Sha256::new();
    h.update(b"aimine/registry/device-chain/v1");
    h.update(leaf);
    h.update(device);
    let full: [u8; 32] = h.finalize().into();
    let mut digest = [0u8; CHAIN_DIGEST_LEN];
    digest.copy_from_slice(full.get(..CHAIN_DIGEST_LEN)?);
    Some((id, links, digest))
}

/// A real GPU's own two links, as a quote's verification meets them.
struct DeviceChain {
    /// The GPU the chain claims.
    id: Word,
    /// Its device word as loaded.
    word: DeviceWord,
    /// The attestation key's link and the device certificate's.
    links: [[u8; 32]; 2],
    /// Their digest ([`device_chain_digest`]).
    digest: [u8; CHAIN_DIGEST_LEN],
    /// Whether the device word remembers exactly these links.
    known: bool,
    /// Which of the two the verification took as holding (remembered or just verified).
    confirmed: [bool; 2],
}

impl DeviceChain {
    fn new(
        id: Word,
        word: DeviceWord,
        links: [[u8; 32]; 2],
        digest: [u8; CHAIN_DIGEST_LEN],
    ) -> DeviceChain {
        DeviceChain {
            id,
            word,
            links,
            digest,
            known: word.chain_digest == digest && digest != [0; CHAIN_DIGEST_LEN],
            confirmed: [false, false],
        }
    }

    /// Which of the two links `link` is, if either.
    fn index(&self, link: &[u8; 32]) -> Option<usize> {
        self.links.iter().position(|l| l == link)
    }
}

/// Verified certificate links remembered in the registry's own state, so a GPU that attested
/// once costs no link check on later quotes. A store that refuses (out of gas) fails the
/// verification: a failed read is never taken for a known link. A read-only view reuses links
/// but does not add any.
///
/// Where links are remembered: a real GPU's own two (its attestation key's certificate under
/// its device key, its device certificate under one of NVIDIA's built-in provisioning CAs)
/// together, as one digest in the GPU's device word, which every quote of the GPU reads anyway:
/// no slot of their own to read or create, and the digest is written only once the quote
/// verified with both links holding. Every other link (a test chain's) in `LINKS` (slot 22),
/// one word each.
pub(crate) struct StoredLinks<'s, S: Store + ?Sized> {
    pub(crate) store: &'s mut S,
    pub(crate) read_only: bool,
    /// A real GPU's own links, when the chain is one.
    device: Option<DeviceChain>,
}

impl<S: Store + ?Sized> LinkStore for StoredLinks<'_, S> {
    fn contains(&mut self, link: &[u8; 32], issuer: Issuer) -> Result<bool, StoreError> {
        let work = match issuer {
            Issuer::BuiltIn => Work::BuiltInCertificateSignature,
            Issuer::Other => Work::CertificateSignature,
        };
        if let Some(d) = self.device.as_mut()
            && let Some(i) = d.index(link)
        {
            if d.known {
                if let Some(c) = d.confirmed.get_mut(i) {
                    *c = true;
                }
                return Ok(true);
            }
            self.store.meter(work).map_err(|_| StoreError)?;
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
        self.store.meter(work).map_err(|_| StoreError)?;
        Ok(false)
    }

    fn insert(&mut self, link: [u8; 32]) -> Result<(), StoreError> {
        if let Some(d) = self.device.as_mut()
            && let Some(i) = d.index(&link)
        {
            // Written into the device word once the whole quote verified.
            if let Some(c) = d.confirmed.get_mut(i) {
                *c = true;
            }
            return Ok(());
        }
        if self.read_only {
            return Ok(());
        }
        self.store
            .store(&keys::mapping(keys::LINKS, &link), word::from_bool(true))
            .map_err(|_| StoreError)
    }
}

#[cfg(test)]
mod tests {
    //! Where a real GPU's verified links are remembered: both its own links (the attestation
    //! key's certificate under the device key, the device certificate under a built-in
    //! provisioning CA) as one chain digest in its device word, none in `LINKS`; a read-only
    //! verification remembers nothing. Needs the NVIDIA vectors (skips without them).
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
    fn a_real_gpus_own_links_live_in_its_device_word() {
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
            let (id, digest) = device_chain_digest(&chain).unwrap();
            assert_eq!(id, gpu);
            let word = DeviceWord::load(&mut store, &gpu).unwrap();
            assert_eq!(word.chain_digest, digest);
            assert_eq!(
                (word.sessions, word.own_active, word.revoked),
                (0, false, false)
            );
            // One word more, the device word: no LINKS slot for either link.
            assert_eq!(store.inner.len(), words + 1);
            let device_cert = aimine_nvtrust::Certificate::from_der(chain[1]).unwrap();
            let leaf_link = aimine_nvtrust::link_key(chain[0], device_cert.public_key());
            assert!(!word::to_bool(
                &store.load(&keys::mapping(keys::LINKS, &leaf_link)).unwrap()
            ));

            // Again: nothing to check, nothing written.
            store.work.clear();
            verify(&mut store, &d, false);
            assert_eq!(store.work, []);
            assert_eq!(store.inner.len(), words + 1);

            // A device word remembering another chain does not stand for this one: both links
            // are checked again, and the digest is put right.
            let mut other = word;
            other.chain_digest[0] ^= 1;
            other.save(&mut store, &gpu, word).unwrap();
            store.work.clear();
            verify(&mut store, &d, false);
            assert_eq!(
                store.work,
                [
                    Work::CertificateSignature,
                    Work::BuiltInCertificateSignature
                ]
            );
            assert_eq!(DeviceWord::load(&mut store, &gpu).unwrap(), word);
        }
    }

    /// Review 16: [`verify`] that returns the verdict instead of unwrapping it, on any store.
    fn try_verify(
        store: &mut (impl Store + ?Sized),
        d: &aimine_vectors::nvidia::Device,
        nonce: &[u8; NONCE_LEN],
        read_only: bool,
    ) -> Result<Word, Error> {
        let mut events: AllocVec<Event> = AllocVec::new();
        let env = BlockEnv {
            chain_id: 1,
            number: 1,
            timestamp: CAPTURED_AT,
        };
        let mut r = Registry::new(store, &mut events, env);
        let chain = d.chain_refs();
        let evidence = Evidence::parse(&d.evidence).unwrap();
        r.verify_gpu(evidence, &chain, nonce, read_only)
            .map(|v| *v.gpu_id())
    }

    /// A store that refuses every write: what a STATICCALL's state is.
    struct Frozen<'a>(&'a mut Metered);

    impl Store for Frozen<'_> {
        fn load(&mut self, key: &Word) -> Result<Word, Error> {
            self.0.load(key)
        }
        fn store(&mut self, _: &Word, _: Word) -> Result<(), Error> {
            Err(Error::Store)
        }
        fn meter(&mut self, work: Work) -> Result<(), Error> {
            self.0.meter(work)
        }
    }

    #[test]
    fn review_a_remembered_digest_never_excuses_an_altered_certificate() {
        // The device word remembers this GPU's two links; a quote whose leaf or device
        // certificate carries another signature (same keys, so the same device word) must have
        // both links checked again, be refused, and leave the word as it was.
        for set in [HOPPER_550, BLACKWELL_575] {
            let Some(d) = device(&set) else { return };
            let mut store = initialised();
            let gpu = verify(&mut store, &d, false);
            let remembered = DeviceWord::load(&mut store, &gpu).unwrap();
            assert_ne!(remembered.chain_digest, [0; CHAIN_DIGEST_LEN]);
            let words = store.inner.len();
            for (index, work) in [
                (0usize, &[Work::CertificateSignature][..]),
                (
                    1,
                    &[
                        Work::CertificateSignature,
                        Work::BuiltInCertificateSignature,
                    ][..],
                ),
            ] {
                let mut altered = d.clone();
                let cert = &mut altered.chain[index];
                let last = cert.len() - 1;
                cert[last] ^= 1;
                store.work.clear();
                assert_eq!(
                    try_verify(&mut store, &altered, &d.nonce, false),
                    Err(Error::Quote(aimine_nvtrust::Error::BadCertSignature {
                        index
                    })),
                    "{} certificate {index}",
                    d.name
                );
                assert_eq!(store.work, work, "{} certificate {index}", d.name);
                assert_eq!(DeviceWord::load(&mut store, &gpu).unwrap(), remembered);
                assert_eq!(store.inner.len(), words);
            }
            // The genuine chain is still known afterwards: nothing to check.
            store.work.clear();
            verify(&mut store, &d, false);
            assert_eq!(store.work, []);
        }
    }

    #[test]
    fn review_a_quote_refused_after_its_links_held_remembers_nothing() {
        // Both links verify (and are metered), then the evidence signature fails: no digest, no
        // LINKS slot, nothing written. (A wrong nonce is refused before the chain is looked at.)
        let Some(d) = device(&HOPPER_550) else { return };
        let (gpu, _) = device_chain_digest(&d.chain_refs()).unwrap();
        let mut store = initialised();
        let words = store.inner.len();
        let mut bad = d.clone();
        let last = bad.evidence.len() - 1;
        bad.evidence[last] ^= 1;
        assert_eq!(
            try_verify(&mut store, &bad, &d.nonce, false),
            Err(Error::Quote(aimine_nvtrust::Error::BadEvidenceSignature))
        );
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
        let mut nonce = d.nonce;
        nonce[0] ^= 1;
        store.work.clear();
        assert_eq!(
            try_verify(&mut store, &d, &nonce, false),
            Err(Error::Quote(aimine_nvtrust::Error::NonceMismatch))
        );
        assert_eq!(store.work, []);
        assert_eq!(store.inner.len(), words);
    }

    /// A known GPU with a new attestation-key certificate (its firmware made a new FMC leaf:
    /// hopper-580 and hopper-570 are one H100) re-checks both its links, the unchanged device
    /// certificate's included: the two are remembered as one digest (GAS.md weighs the trade:
    /// no link slot for a new GPU and no link read for a known one, against the device
    /// certificate's check, 8,000 more, when the leaf changes). The quote that meets the new
    /// leaf remembers the new pair.
    #[test]
    fn a_new_leaf_of_a_known_gpu_rechecks_both_links_then_is_remembered() {
        let (Some(first), Some(rebooted)) = (
            device(&aimine_vectors::nvidia::HOPPER_580),
            device(&aimine_vectors::nvidia::HOPPER_570),
        ) else {
            return;
        };
        assert_eq!(first.chain[1], rebooted.chain[1]);
        assert_ne!(first.chain[0], rebooted.chain[0]);
        let mut store = initialised();
        let gpu = verify(&mut store, &first, false);
        let both = [
            Work::CertificateSignature,
            Work::BuiltInCertificateSignature,
        ];
        for read_only in [true, false] {
            store.work.clear();
            assert_eq!(verify(&mut store, &rebooted, read_only), gpu);
            assert_eq!(store.work, both, "read-only: {read_only}");
        }
        let (_, digest) = device_chain_digest(&rebooted.chain_refs()).unwrap();
        assert_eq!(
            DeviceWord::load(&mut store, &gpu).unwrap().chain_digest,
            digest
        );
        store.work.clear();
        verify(&mut store, &rebooted, false);
        assert_eq!(store.work, []);
    }

    #[test]
    fn review_remembering_the_digest_keeps_the_rest_of_the_device_word() {
        let Some(d) = device(&HOPPER_550) else { return };
        let (gpu, digest) = device_chain_digest(&d.chain_refs()).unwrap();
        let mut store = initialised();
        let busy = DeviceWord {
            sessions: 7,
            own_active: true,
            revoked: true,
            chain_digest: [0; CHAIN_DIGEST_LEN],
        };
        busy.save(&mut store, &gpu, DeviceWord::default()).unwrap();
        assert_eq!(verify(&mut store, &d, false), gpu);
        assert_eq!(
            DeviceWord::load(&mut store, &gpu).unwrap(),
            DeviceWord {
                chain_digest: digest,
                ..busy
            }
        );
    }

    #[test]
    fn review_a_read_only_verification_never_writes_known_or_not() {
        // On a store that refuses every write (a STATICCALL), a read-only verification of a GPU
        // never seen and of one whose links are remembered both succeed.
        let Some(d) = device(&HOPPER_550) else { return };
        let mut store = initialised();
        let gpu = try_verify(&mut Frozen(&mut store), &d, &d.nonce, true).unwrap();
        assert_eq!(
            store.work,
            [
                Work::CertificateSignature,
                Work::BuiltInCertificateSignature
            ]
        );
        verify(&mut store, &d, false);
        store.work.clear();
        assert_eq!(
            try_verify(&mut Frozen(&mut store), &d, &d.nonce, true),
            Ok(gpu)
        );
        assert_eq!(store.work, []);
    }

    #[test]
    fn a_test_chain_keeps_its_links_one_by_one() {
        let pki = aimine_nvtrust::testkit::TestPki::new([1; 32]);
        let forged = pki.forge(&aimine_nvtrust::testkit::ForgeOptions::new(
            aimine_nvtrust::Architecture::Hopper,
            [0; 32],
        ));
        assert_eq!(device_chain_digest(&forged.chain_refs()), None);
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
