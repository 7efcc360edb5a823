//! The packed storage layout, word by word and bit by bit as `aimine_registry::keys` and the
//! record modules document it, and what a corrupt word does: [`Error::Store`], never a panic and
//! never "no session".
use aimine_nvtrust::Architecture;
use aimine_registry::session_field as f;
use aimine_registry::{Address, Error, Store, Word, keys};
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

/// The expected header word, big-endian bytes: flags (active in bit 0, keyed in bit 1), compute
/// units (3 bytes), grade (2), class (tier in bits 0–2, kind in bits 3–5), start (5), owner (20).
fn header(
    owner: &Address,
    start: u64,
    tier: u8,
    kind: u8,
    grade: u16,
    units: u32,
    flags: u8,
) -> Word {
    let mut h = [0u8; 32];
    h[0] = flags;
    h[1..4].copy_from_slice(&units.to_be_bytes()[1..]);
    h[4..6].copy_from_slice(&grade.to_be_bytes());
    h[6] = tier | kind << 3;
    h[7..12].copy_from_slice(&start.to_be_bytes()[3..]);
    h[12..32].copy_from_slice(owner);
    h
}

/// The expected state word, big-endian bytes: expiry after the start (4 bytes), heartbeats (4),
/// last heartbeat after the start (4), miner (20).
fn state(miner: &Address, last: u32, beats: u32, expiry: u32) -> Word {
    let mut s = [0u8; 32];
    s[0..4].copy_from_slice(&expiry.to_be_bytes());
    s[4..8].copy_from_slice(&beats.to_be_bytes());
    s[8..12].copy_from_slice(&last.to_be_bytes());
    s[12..32].copy_from_slice(miner);
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

    let ttl = u32::try_from(s.attestation_expiry.as_secs() - T0).unwrap();
    assert_eq!(ttl, 86_400);

    // Three words and the key hash: header, state, device, key hash.
    let tier = s.tier.as_u8();
    assert_eq!(
        raw(&mut w, &id, f::HEADER),
        header(&OWNER, T0, tier, 1, 10_000, 1_000, 0b11)
    );
    assert_eq!(raw(&mut w, &id, f::STATE), state(&MINER, 10, 1, ttl));
    assert_eq!(raw(&mut w, &id, f::GPU_ID), s.gpu_id);
    assert_eq!(
        raw(&mut w, &id, f::KEY_HASH),
        aimine_registry::key_hash(Some(&pk))
    );
    // Nothing past the key hash: four words in all.
    for extra in 4..12 {
        assert_eq!(raw(&mut w, &id, extra), [0; 32], "word {extra}");
    }

    // Without a key: the key-hash word is never written, the keyed flag is 0; three words.
    // Ended: the active flag is 0, in the header.
    let plain = start(&mut w, 2, None);
    assert_eq!(
        raw(&mut w, &plain, f::HEADER),
        header(&OWNER, T0, tier, 1, 10_000, 1_000, 0b01)
    );
    w.call(T0 + 5, |r| r.end_session(&OWNER, &plain)).unwrap();
    let p = w.call(T0 + 5, |r| r.session(&plain)).unwrap().unwrap();
    assert!(!p.active && !p.has_key());
    assert_eq!(
        raw(&mut w, &plain, f::HEADER),
        header(&OWNER, T0, tier, 1, 10_000, 1_000, 0)
    );
    assert_eq!(raw(&mut w, &plain, f::STATE), state(&MINER, 0, 0, ttl));
    for extra in 3..12 {
        assert_eq!(raw(&mut w, &plain, extra), [0; 32], "word {extra}");
    }
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
    assert_eq!(
        raw(&mut w, &id, f::HEADER)[0],
        0b01,
        "keyed flag cleared, active kept"
    );
}

/// Every corruption of a session word that does not decode, by (field, byte index in the
/// big-endian word, bits kept, bits set). Byte 6 of the header is the class byte (tier in bits
/// 0–2, kind in bits 3–5), byte 0 the flags byte (active in bit 0, keyed in bit 1).
const CORRUPTIONS: [(u64, usize, u8, u8, &str); 12] = [
    (f::HEADER, 6, !0b111, 0, "tier 0 under a non-zero header"),
    (f::HEADER, 6, !0b111, 5, "tier 5"),
    (f::HEADER, 6, !0b111, 7, "tier 7"),
    (f::HEADER, 6, !0b11_1000, 6 << 3, "kind 6"),
    (f::HEADER, 6, !0b11_1000, 7 << 3, "kind 7"),
    (f::HEADER, 6, 0xFF, 0x40, "class bit 6"),
    (f::HEADER, 6, 0xFF, 0x80, "class bit 7"),
    (f::HEADER, 0, 0xFF, 0x04, "flags bit 2"),
    (f::HEADER, 0, 0xFF, 0x80, "flags bit 7"),
    (f::HEADER, 0, 0xFF, 0xFF, "flags byte 0xFF"),
    (f::HEADER, 0, 0xFF, 0b10, "keyed flag over a zero key hash"),
    (f::HEADER, 0, 0, 0x04, "inactive, flags bit 2"),
];

#[test]
fn a_corrupt_session_word_is_a_store_error_never_no_session() {
    for (field, byte, keep, set, what) in CORRUPTIONS {
        let mut w = World::new(5);
        let id = start(&mut w, 1, None);
        let key = slot(&id, field);
        let mut word = w.store.load(&key).unwrap();
        let before = word[byte];
        word[byte] = (before & keep) | set;
        assert_ne!(word[byte], before, "{what}: a corruption");
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
    for field in [f::HEADER, f::STATE, f::GPU_ID] {
        let key = slot(&id, field);
        let word = w.store.load(&key).unwrap();
        w.store.store(&key, word).unwrap();
    }
    assert_eq!(w.call(T0, |r| r.session(&id)).unwrap(), Some(before));
}

#[test]
fn a_crafted_record_decodes_field_by_field_at_the_documented_bits() {
    // Every field a distinct value, written as raw words: what `session` reads back shows each
    // field's position, independently of the encoder.
    let mut w = World::new(5);
    let id = start(&mut w, 1, None);
    let start_secs: u64 = 0x01_2345_6789;
    let owner: Address = [0x5A; 20];
    let miner: Address = [0x6B; 20];
    let tdx = aimine_registry::Kind::Tdx.as_u8();
    let h = header(&owner, start_secs, 3, tdx, 0x1234, 0xAB_CDEF, 0b01);
    w.store.store(&slot(&id, f::HEADER), h).unwrap();
    let st = state(&miner, 0x0102_0304, 0x0A0B_0C0D, 0xF1F2_F3F4);
    w.store.store(&slot(&id, f::STATE), st).unwrap();
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(s.owner, owner);
    assert_eq!(s.miner, miner);
    assert_eq!(s.start.as_secs(), start_secs);
    assert_eq!((s.tier.as_u8(), s.kind), (3, aimine_registry::Kind::Tdx));
    assert_eq!(s.grade_bps, 0x1234);
    assert_eq!(s.compute_units, 0xAB_CDEF);
    assert!(s.active && !s.has_key());
    assert_eq!(s.last_heartbeat.as_secs(), start_secs + 0x0102_0304);
    assert_eq!(s.heartbeats, 0x0A0B_0C0D);
    assert_eq!(s.attestation_expiry.as_secs(), start_secs + 0xF1F2_F3F4);
    // Every bit of the state word is a field: its largest value decodes too.
    w.store.store(&slot(&id, f::STATE), [0xFF; 32]).unwrap();
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(s.miner, [0xFF; 20]);
    assert_eq!(s.heartbeats, u64::from(u32::MAX));
    assert_eq!(
        (s.last_heartbeat.as_secs(), s.attestation_expiry.as_secs()),
        (
            start_secs + u64::from(u32::MAX),
            start_secs + u64::from(u32::MAX)
        )
    );
}

const STAKER: Address = [0x44; 20];
const TOKEN: u128 = 1_000_000_000_000_000_000;

/// A stake session (no quote, so any block time) for `staker`, at `ts`.
fn stake_session(w: &mut World, staker: &Address, ts: u64) -> Result<Word, Error> {
    w.call(T0, |r| r.deposit_stake(staker, TOKEN)).unwrap();
    w.call(ts, |r| r.start_public_session(staker, &MINER, None))
}

#[test]
fn a_session_started_at_the_last_40_bit_second_round_trips_and_one_later_is_an_overflow() {
    const LAST: u64 = (1 << 40) - 1;
    let mut w = World::new(5);
    let id = stake_session(&mut w, &STAKER, LAST).unwrap();
    let s = w.call(LAST, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        (s.start.as_secs(), s.last_heartbeat.as_secs(), s.active),
        (LAST, LAST, true)
    );
    assert_eq!(s.attestation_expiry.as_secs(), LAST + 86_400);
    w.call(LAST + 100, |r| r.heartbeat(&STAKER, &id, None))
        .unwrap();
    let s = w.call(LAST, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!((s.last_heartbeat.as_secs(), s.heartbeats), (LAST + 100, 1));

    // A second past: the call fails and no session record is written (on a chain, the revert
    // also undoes the session count).
    let other: Address = [0x45; 20];
    assert_eq!(
        stake_session(&mut w, &other, LAST + 1),
        Err(Error::Overflow)
    );
    let device = aimine_registry::public_device_id(&other);
    let lost = aimine_registry::session_id(aimine_vectors::registry::CHAIN, &device, 0);
    for field in 0..4 {
        assert_eq!(raw(&mut w, &lost, field), [0; 32], "word {field}");
    }
    assert_eq!(w.call(LAST + 1, |r| r.active_session(&device)), Ok(None));
}

#[test]
fn a_refresh_at_a_block_time_that_puts_the_expiry_before_the_start_is_an_overflow() {
    // A chain's timestamps never go back; a store driven with one that does gets an error, not
    // a wrapped offset.
    let mut w = World::new(5);
    let t = T0 + 10 * 86_400;
    let id = stake_session(&mut w, &STAKER, t).unwrap();
    let base = keys::mapping(keys::SESSIONS, &id);
    let header = w.store.load(&keys::offset(&base, f::HEADER)).unwrap();
    // The same staker and miner refresh the session: at `t - 2 days` its expiry would be one
    // day before its start.
    assert_eq!(
        w.call(t - 2 * 86_400, |r| r
            .start_public_session(&STAKER, &MINER, None)),
        Err(Error::Overflow)
    );
    assert_eq!(
        w.store.load(&keys::offset(&base, f::HEADER)).unwrap(),
        header
    );
    // A refresh half a day later, forward in time, works and keeps the start.
    assert_eq!(
        w.call(t + 86_400 / 2, |r| r
            .start_public_session(&STAKER, &MINER, None)),
        Ok(id)
    );
    let s = w.call(t, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(s.start.as_secs(), t);
    assert_eq!(s.attestation_expiry.as_secs(), t + 86_400 / 2 + 86_400);
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
