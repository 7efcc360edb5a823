//! Trust anchors: NVIDIA's root is one bit of the policy word's anchor field (bits 120–127),
//! added anchors are stored; the limit counts both; removing NVIDIA's root makes genuine chains
//! untrusted; a corrupt anchor field is a store error, never an empty anchor list.
use aimine_nvtrust::{Architecture, NVIDIA_DEVICE_IDENTITY_CA};
use aimine_registry::{Address, Error, MAX_ANCHORS, Store, keys};
use aimine_vectors::registry::{ADMIN, T0, World};

const MINER: Address = [0x11; 20];
const OWNER: Address = [0x22; 20];

/// The anchor field: byte 16 of the big-endian policy word is bits 120–127.
fn anchor_word(w: &mut World) -> u64 {
    u64::from(w.store.load(&keys::slot(keys::POLICY)).unwrap()[16])
}

fn set_anchor_word(w: &mut World, v: u8) {
    let key = keys::slot(keys::POLICY);
    let mut policy = w.store.load(&key).unwrap();
    policy[16] = v;
    w.store.store(&key, policy).unwrap();
}

/// A valid uncompressed P-384 point that is no one's anchor: a test root of another seed.
fn other_root(seed: u8) -> Vec<u8> {
    aimine_nvtrust::testkit::TestPki::new([seed; 32])
        .anchor()
        .public_key
        .to_vec()
}

#[test]
fn nvidias_root_is_a_bit_and_added_anchors_are_stored() {
    let mut w = World::new(5);
    let test_root = w.pki.anchor().public_key.to_vec();
    // Genesis: NVIDIA's root (bit 3 of the field) and the world's test root (one stored); slot
    // 21 itself stays zero.
    assert_eq!(w.store.load(&keys::slot(keys::ANCHORS)).unwrap(), [0; 32]);
    assert_eq!(anchor_word(&mut w), (1 << 3) | 1);
    let listed = w.call(T0, |r| r.anchors()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].as_slice(), NVIDIA_DEVICE_IDENTITY_CA.public_key);
    assert_eq!(listed[1].as_slice(), test_root.as_slice());
    // NVIDIA's key is never written as a stored anchor: the first stored anchor is the test root.
    let first = keys::array_base(keys::ANCHORS);
    assert_eq!(w.store.load(&first).unwrap()[..32], test_root[..32]);

    // Removing NVIDIA's root clears the bit and keeps the stored anchor.
    let nvidia = NVIDIA_DEVICE_IDENTITY_CA.public_key.to_vec();
    w.call(T0, |r| r.remove_anchor(&ADMIN, &nvidia)).unwrap();
    assert_eq!(anchor_word(&mut w), 1);
    assert_eq!(w.call(T0, |r| r.anchors()).unwrap().len(), 1);
    // Adding it back sets the bit again, once.
    w.call(T0, |r| r.add_anchor(&ADMIN, &nvidia)).unwrap();
    w.call(T0, |r| r.add_anchor(&ADMIN, &nvidia)).unwrap();
    assert_eq!(anchor_word(&mut w), (1 << 3) | 1);

    // The limit counts NVIDIA's root: two more fit, a third does not.
    w.call(T0, |r| r.add_anchor(&ADMIN, &other_root(7)))
        .unwrap();
    w.call(T0, |r| r.add_anchor(&ADMIN, &other_root(8)))
        .unwrap();
    assert_eq!(w.call(T0, |r| r.anchors()).unwrap().len(), MAX_ANCHORS);
    assert_eq!(
        w.call(T0, |r| r.add_anchor(&ADMIN, &other_root(9)))
            .unwrap_err(),
        Error::TooManyAnchors
    );
    // Removing a stored anchor compacts the array in order.
    w.call(T0, |r| r.remove_anchor(&ADMIN, &other_root(7)))
        .unwrap();
    let listed = w.call(T0, |r| r.anchors()).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[2].as_slice(), other_root(8).as_slice());
    assert_eq!(anchor_word(&mut w), (1 << 3) | 2);
}

#[test]
fn without_the_root_a_chain_ends_in_no_quote_verifies_and_a_corrupt_word_is_a_store_error() {
    let mut w = World::new(5);
    let test_root = w.pki.anchor().public_key.to_vec();
    let q = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, T0, None);
    // Only NVIDIA's root left: the forged chain is untrusted.
    w.call(T0, |r| r.remove_anchor(&ADMIN, &test_root)).unwrap();
    assert_eq!(
        w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, None))
            .unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::UntrustedRoot)
    );
    // Bits the layout does not define, or more anchors than the limit: a corrupt store.
    for bad in [1u8 << 4, (1 << 3) | 4, 5, 0xFF] {
        set_anchor_word(&mut w, bad);
        assert_eq!(w.call(T0, |r| r.anchors()).unwrap_err(), Error::Store);
        assert_eq!(
            w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, None))
                .unwrap_err(),
            Error::Store,
            "anchor word {bad:#x}"
        );
    }
}
