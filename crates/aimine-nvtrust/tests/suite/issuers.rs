//! A link store is told, for each link it does not hold, which kind of key signed it: a real
//! device's chain has one link under a built-in provisioning CA (its device certificate) and one
//! under a key seen for the first time (its attestation certificate, signed by the device key).

use aimine_nvtrust::{
    Evidence, Issuer, LinkCache, LinkStore, NVIDIA_DEVICE_IDENTITY_CA, StoreError,
    verify_evidence_with,
};
use aimine_vectors::nvidia::{BLACKWELL_575, CAPTURED_AT as AT, HOPPER_535, HOPPER_550, devices};

/// Records every question, answering from an inner cache.
#[derive(Default)]
struct Recording {
    asked: Vec<Issuer>,
    inner: LinkCache<8>,
}

impl LinkStore for Recording {
    fn contains(&mut self, link: &[u8; 32], issuer: Issuer) -> Result<bool, StoreError> {
        self.asked.push(issuer);
        self.inner.contains(link, issuer)
    }

    fn insert(&mut self, link: [u8; 32]) -> Result<(), StoreError> {
        self.inner.insert(link)
    }
}

#[test]
fn a_real_gpu_chain_has_one_built_in_and_one_other_link() {
    let gpus = devices(&[HOPPER_550, HOPPER_535, BLACKWELL_575]);
    for d in &gpus {
        let chain = d.chain_refs();
        let mut store = Recording::default();
        let verify = |store: &mut Recording| {
            verify_evidence_with(
                Evidence::parse(&d.evidence).unwrap(),
                &chain,
                &d.nonce,
                &[NVIDIA_DEVICE_IDENTITY_CA],
                AT,
                store,
            )
        };
        verify(&mut store).unwrap();
        // Leaf first: the attestation certificate under the device key, then the device
        // certificate under its provisioning CA; NVIDIA's shared links are never asked about.
        assert_eq!(store.asked, [Issuer::Other, Issuer::BuiltIn], "{}", d.name);
        assert_eq!(store.inner.len(), 2, "{}", d.name);
        // The second time both are held: asked again, and nothing new is remembered.
        verify(&mut store).unwrap();
        assert_eq!(store.asked.len(), 4, "{}", d.name);
        assert_eq!(store.inner.len(), 2, "{}", d.name);
    }
}
