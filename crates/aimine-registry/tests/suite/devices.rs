//! The device word (slot 18): sessions started, the latest session's active flag and the
//! revocation flag in one word, as documented; every path keeps the three consistent, and a
//! corrupt word is a store error, never a free device.
use aimine_nvtrust::Architecture;
use aimine_registry::{Address, EndReason, Error, Event, Store, Word, keys, session_id};
use aimine_vectors::registry::{ADMIN, CHAIN, T0, World};

const MINER: Address = [0x11; 20];
const OWNER: Address = [0x22; 20];

fn start(w: &mut World, ts: u64) -> Result<Word, Error> {
    let q = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, ts, None);
    w.call(ts, |r| r.start_session(&OWNER, &MINER, &q, None))
}

fn device_word(w: &mut World, device: &Word) -> Word {
    w.store.load(&keys::mapping(keys::DEVICES, device)).unwrap()
}

/// The documented packing: count in bits 0–63, active flag 64–71, revoked flag 72–79.
fn packed(sessions: u64, active: bool, revoked: bool) -> Word {
    let mut out = [0u8; 32];
    out[24..].copy_from_slice(&sessions.to_be_bytes());
    out[23] = u8::from(active);
    out[22] = u8::from(revoked);
    out
}

#[test]
fn the_device_word_follows_every_session_and_revocation() {
    let mut w = World::new(5);
    let id = start(&mut w, T0).unwrap();
    let gpu = w.call(T0, |r| r.session(&id)).unwrap().unwrap().gpu_id;
    assert_eq!(id, session_id(CHAIN, &gpu, 0));
    assert_eq!(device_word(&mut w, &gpu), packed(1, true, false));
    // No other slot says which session counts the GPU: the bound-GPU mapping stays empty.
    assert_eq!(
        w.store
            .load(&keys::mapping(keys::ACTIVE_SESSION, &gpu))
            .unwrap(),
        [0; 32]
    );
    assert_eq!(
        w.call(T0, |r| r.active_session(&gpu)).unwrap().unwrap().id,
        id
    );

    // A refresh keeps the word; ending clears only the active flag.
    start(&mut w, T0 + 60).unwrap();
    assert_eq!(device_word(&mut w, &gpu), packed(1, true, false));
    w.call(T0 + 120, |r| r.end_session(&OWNER, &id)).unwrap();
    assert_eq!(device_word(&mut w, &gpu), packed(1, false, false));
    assert_eq!(w.call(T0, |r| r.active_session(&gpu)).unwrap(), None);

    // The next session is number 1; revoking sets the flag and keeps the count and the session
    // marked active until its next heartbeat ends it unpaid, which clears the active flag.
    let second = start(&mut w, T0 + 180).unwrap();
    assert_eq!(second, session_id(CHAIN, &gpu, 1));
    w.call(T0 + 200, |r| r.set_revoked(&ADMIN, &gpu, true))
        .unwrap();
    assert_eq!(device_word(&mut w, &gpu), packed(2, true, true));
    w.events.clear();
    let paid = w
        .call(T0 + 240, |r| r.heartbeat(&OWNER, &second, None))
        .unwrap();
    assert_eq!(paid, 0);
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::SessionEnded {
            reason: EndReason::Revoked,
            ..
        }
    )));
    assert_eq!(device_word(&mut w, &gpu), packed(2, false, true));
    assert_eq!(start(&mut w, T0 + 300).unwrap_err(), Error::GpuRevoked);
    // Reinstated: the count is intact, so the next id is new.
    w.call(T0 + 300, |r| r.set_revoked(&ADMIN, &gpu, false))
        .unwrap();
    assert_eq!(device_word(&mut w, &gpu), packed(2, false, false));
    assert_eq!(start(&mut w, T0 + 360).unwrap(), session_id(CHAIN, &gpu, 2));
}

#[test]
fn an_expired_session_is_ended_before_the_next_one_takes_a_new_number() {
    let mut w = World::new(5);
    let first = start(&mut w, T0).unwrap();
    let gpu = w.call(T0, |r| r.session(&first)).unwrap().unwrap().gpu_id;
    // A day later (the attestation TTL) the first session has expired; a new quote starts
    // session 1 and ends session 0, which can never be heartbeated again.
    let later = T0 + 86_400 + 10;
    let second = start(&mut w, later).unwrap();
    assert_ne!(second, first);
    assert_eq!(device_word(&mut w, &gpu), packed(2, true, false));
    assert!(
        !w.call(later, |r| r.session(&first))
            .unwrap()
            .unwrap()
            .active
    );
    assert_eq!(
        w.call(later, |r| r.heartbeat(&OWNER, &first, None))
            .unwrap_err(),
        Error::SessionEnded
    );
    // Ending the old session again, or anything done with it, cannot touch the new one's flag.
    assert_eq!(
        w.call(later, |r| r.end_session(&OWNER, &first))
            .unwrap_err(),
        Error::SessionEnded
    );
    assert_eq!(
        w.call(later, |r| r.active_session(&gpu))
            .unwrap()
            .unwrap()
            .id,
        second
    );
}

#[test]
fn a_corrupt_device_word_is_a_store_error() {
    let mut w = World::new(5);
    let id = start(&mut w, T0).unwrap();
    let gpu = w.call(T0, |r| r.session(&id)).unwrap().unwrap().gpu_id;
    let key = keys::mapping(keys::DEVICES, &gpu);
    let mut flag_two = packed(1, true, false);
    flag_two[23] = 2;
    let mut high_bit = packed(1, true, false);
    high_bit[0] = 1;
    let mut revoked_two = packed(1, true, false);
    revoked_two[22] = 2;
    // Marked active without any session started: no latest session exists.
    let active_without_session = packed(0, true, false);
    for (bad, decodes) in [
        (flag_two, false),
        (high_bit, false),
        (revoked_two, false),
        (active_without_session, true),
    ] {
        w.store.store(&key, bad).unwrap();
        assert_eq!(
            w.call(T0 + 60, |r| r.active_session(&gpu)).unwrap_err(),
            Error::Store
        );
        assert_eq!(start(&mut w, T0 + 60).unwrap_err(), Error::Store);
        // The revocation view reads the word alone: it fails only on a word that does not decode.
        let revoked = w.call(T0, |r| r.is_revoked(&gpu));
        assert_eq!(
            revoked,
            if decodes {
                Ok(false)
            } else {
                Err(Error::Store)
            }
        );
    }
}
