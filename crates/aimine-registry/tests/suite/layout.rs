//! The packed storage layout, word by word and bit by bit as `aimine_registry::keys` and the
//! record modules document it, and what a corrupt word does: [`Error::Store`], never a panic and
//! never "no session".
use aimine_nvtrust::Architecture;
use aimine_registry::session_field as f;
use aimine_registry::{Address, Error, Store, Word, keys, word};
use aimine_vectors::registry::{T0, World};
use fips204::ml_dsa_44;
use fips204::traits::{KeyGen, SerDes};

const MINER: Address = [0x11; 20];
const OWNER: Address = [0x22; 20];

fn start(w: &mut World, device: u32, key: Option<&[u8]>) -> Word {
    let q = w.quote(Architecture::Hopper, device, &OWNER, &MINER, T0, key);
    w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, key))
        .unwrap()
}

fn slot(id: &Word, field: u64) -> Word {
    keys::offset(&keys::mapping(keys::SESSIONS, id), field)
}

fn raw(w: &mut World, id: &Word, field: u64) -> Word {
    w.store.load(&slot(id, field)).unwrap()
}

/// The expected state word: last heartbeat, heartbeats, expiry, compute units, active, keyed.
fn state(last: u64, beats: u64, expiry: u64, units: u64, active: u8, keyed: u8) -> Word {
    let mut s = [0u8; 32];
    s[0] = keyed;
    s[1] = active;
    s[2..8].copy_from_slice(&units.to_be_bytes()[2..]);
    s[8..16].copy_from_slice(&expiry.to_be_bytes());
    s[16..24].copy_from_slice(&beats.to_be_bytes());
    s[24..32].copy_from_slice(&last.to_be_bytes());
    s
}

#[test]
fn a_session_is_packed_as_documented() {
    let mut w = World::new(5);
    let (pk, _) = ml_dsa_44::KG::keygen_from_seed(&[3; 32]);
    let pk = pk.into_bytes();
    let id = start(&mut w, 1, Some(&pk));
    w.call(T0 + 10, |r| r.heartbeat(&OWNER, &id, None)).unwrap();
    let s = w.call(T0 + 10, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!((s.heartbeats, s.compute_units), (1, 1_000));

    // Header: owner (bits 96–255), start (32–95), grade (16–31), kind (8–15), tier (0–7).
    let mut header = [0u8; 32];
    header[..20].copy_from_slice(&OWNER);
    header[20..28].copy_from_slice(&T0.to_be_bytes());
    header[28..30].copy_from_slice(&10_000u16.to_be_bytes());
    header[30] = 1; // Kind::Gpu
    header[31] = s.tier.as_u8();
    assert_eq!(raw(&mut w, &id, f::HEADER), header);
    assert_eq!(raw(&mut w, &id, f::MINER), word::from_address(&MINER));
    assert_eq!(raw(&mut w, &id, f::GPU_ID), s.gpu_id);
    assert_eq!(
        raw(&mut w, &id, f::KEY_HASH),
        aimine_registry::key_hash(Some(&pk))
    );
    assert_eq!(
        raw(&mut w, &id, f::STATE),
        state(T0 + 10, 1, s.attestation_expiry.as_secs(), 1_000, 1, 1)
    );
    // Nothing past the state word: five words in all.
    for extra in 5..12 {
        assert_eq!(raw(&mut w, &id, extra), [0; 32], "word {extra}");
    }

    // Without a key: the key-hash word is never written, the keyed flag is 0. Ended: active 0.
    let plain = start(&mut w, 2, None);
    w.call(T0 + 5, |r| r.end_session(&OWNER, &plain)).unwrap();
    let p = w.call(T0 + 5, |r| r.session(&plain)).unwrap().unwrap();
    assert!(!p.active && !p.has_key());
    assert_eq!(raw(&mut w, &plain, f::KEY_HASH), [0; 32]);
    assert_eq!(
        raw(&mut w, &plain, f::STATE),
        state(T0, 0, p.attestation_expiry.as_secs(), 1_000, 0, 0)
    );
}

#[test]
fn a_refresh_without_a_key_clears_the_key_hash_word() {
    let mut w = World::new(5);
    let (pk, _) = ml_dsa_44::KG::keygen_from_seed(&[3; 32]);
    let pk = pk.into_bytes();
    let id = start(&mut w, 1, Some(&pk));
    assert_ne!(raw(&mut w, &id, f::KEY_HASH), [0; 32]);
    let again = start(&mut w, 1, None);
    assert_eq!(again, id, "the same device and miner refresh the session");
    assert_eq!(raw(&mut w, &id, f::KEY_HASH), [0; 32]);
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert!(!s.has_key() && s.active);
    assert_eq!(raw(&mut w, &id, f::STATE)[0], 0, "keyed flag cleared");
}

/// Every corruption of a session word that does not decode, by (field, byte index in the
/// big-endian word, value).
const CORRUPTIONS: [(u64, usize, u8, &str); 7] = [
    (f::HEADER, 31, 9, "tier 9"),
    (f::HEADER, 31, 0, "tier 0 under a non-zero header"),
    (f::HEADER, 30, 6, "kind 6"),
    (f::STATE, 1, 2, "active flag 2"),
    (f::STATE, 0, 2, "keyed flag 2"),
    (f::STATE, 0, 1, "keyed flag over a zero key hash"),
    (f::MINER, 0, 1, "bits above the miner's address"),
];

#[test]
fn a_corrupt_session_word_is_a_store_error_never_no_session() {
    for (field, byte, value, what) in CORRUPTIONS {
        let mut w = World::new(5);
        let id = start(&mut w, 1, None);
        let key = slot(&id, field);
        let mut word = w.store.load(&key).unwrap();
        word[byte] = value;
        w.store.store(&key, word).unwrap();
        assert_eq!(w.call(T0, |r| r.session(&id)), Err(Error::Store), "{what}");
        assert_eq!(
            w.call(T0 + 10, |r| r.heartbeat(&OWNER, &id, None)),
            Err(Error::Store),
            "{what}"
        );
        assert_eq!(
            w.call(T0, |r| r.end_session(&OWNER, &id)),
            Err(Error::Store),
            "{what}"
        );
        // The device is still counted: a new quote for it does not open a second session.
        let q = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, T0, None);
        assert_eq!(
            w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, None)),
            Err(Error::Store),
            "{what}"
        );
    }
}

#[test]
fn an_untouched_session_word_reads_back_unchanged() {
    // The control for the corruptions above: rewriting a word with its own value changes nothing.
    let mut w = World::new(5);
    let id = start(&mut w, 1, None);
    let before = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    for field in [f::HEADER, f::MINER, f::GPU_ID, f::STATE] {
        let key = slot(&id, field);
        let word = w.store.load(&key).unwrap();
        w.store.store(&key, word).unwrap();
    }
    assert_eq!(w.call(T0, |r| r.session(&id)).unwrap(), Some(before));
}

#[test]
fn a_model_is_three_words_and_its_owner_calls_rewrite_the_header_alone() {
    use aimine_registry::keys::model_field as m;
    const AUTHOR: Address = [0x33; 20];
    let mut w = World::new(5);
    let id = w
        .call(T0, |r| r.register_model(&AUTHOR, "m", &[1; 32], b"meta"))
        .unwrap();
    let base = keys::mapping(keys::MODELS, &id);
    let get = |w: &mut World, f: u64| w.store.load(&keys::offset(&base, f)).unwrap();
    let header = |owner: &Address, active: u8, tier: u8| {
        let mut h = [0u8; 32];
        h[..20].copy_from_slice(owner);
        h[20..28].copy_from_slice(&T0.to_be_bytes());
        h[30] = active;
        h[31] = tier;
        h
    };
    assert_eq!(get(&mut w, m::HEADER), header(&AUTHOR, 1, 3));
    assert_eq!(get(&mut w, m::MODEL_HASH), [1; 32]);
    assert_eq!(get(&mut w, m::METADATA_HASH), keys::keccak256(b"meta"));
    for extra in 3..8 {
        assert_eq!(get(&mut w, extra), [0; 32], "word {extra}");
    }
    w.call(T0, |r| r.transfer_model(&AUTHOR, &id, &OWNER))
        .unwrap();
    w.call(T0, |r| r.deactivate_model(&OWNER, &id)).unwrap();
    assert_eq!(get(&mut w, m::HEADER), header(&OWNER, 0, 3));
    let model = w.call(T0, |r| r.model(&id)).unwrap().unwrap();
    assert_eq!(
        (
            model.owner,
            model.active,
            model.model_hash,
            model.registered_at.as_secs()
        ),
        (OWNER, false, [1; 32], T0)
    );
    // A header that does not decode is a store error, never "no model" (which would let the id
    // be registered again over it).
    for (byte, value) in [(31, 9), (31, 0), (30, 2), (29, 1)] {
        let mut h = header(&OWNER, 0, 3);
        h[byte] = value;
        w.store.store(&keys::offset(&base, m::HEADER), h).unwrap();
        assert_eq!(
            w.call(T0, |r| r.model(&id)),
            Err(Error::Store),
            "{byte}={value}"
        );
        assert_eq!(
            w.call(T0, |r| r.register_model(&AUTHOR, "m", &[1; 32], b"meta")),
            Err(Error::Store),
            "{byte}={value}"
        );
    }
}
