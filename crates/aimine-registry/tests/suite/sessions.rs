//! Mining sessions end to end on the in-memory store, with quotes from the nvtrust test forge.
use aimine_nvtrust::Architecture;
use aimine_registry::EndReason;
use aimine_registry::UnixTime;
use aimine_registry::word;
use aimine_registry::{Address, Config, Error, Event, Param, RewardSink, Store, Word, keys};
use aimine_registry::{heartbeat_message, session_id};
use fips204::ml_dsa_44;
use fips204::traits::{KeyGen, SerDes, Signer};

use aimine_vectors::registry::{ADMIN, CHAIN, T0, World};

const MINER: Address = [0x11; 20];
const OTHER_MINER: Address = [0x12; 20];
const OWNER: Address = [0x22; 20];
const RATE: u128 = 1_000_000_000;

/// Starts a Hopper session on `device` for `miner`, owned by [`OWNER`].
fn start(
    w: &mut World,
    ts: u64,
    device: u32,
    miner: &Address,
    key: Option<&[u8]>,
) -> Result<Word, Error> {
    let q = w.quote(Architecture::Hopper, device, &OWNER, miner, ts, key);
    w.call(ts, |r| r.start_session(&OWNER, miner, &q, key))
}

#[test]
fn a_session_earns_by_the_formula_until_its_attestation_expires_then_refreshes() {
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        (s.owner, s.miner, s.compute_units, s.tier.as_u8()),
        (OWNER, MINER, 1_000, 3)
    );
    assert_eq!(s.attestation_expiry, UnixTime(T0 + 86_400));
    assert_eq!(
        id,
        session_id(CHAIN, &s.gpu_id, 0),
        "ids are derivable off chain"
    );

    // 10 minutes at 1 gwei per unit-second on 1,000 units, Confidential 1.0x.
    let r1 = w
        .call(T0 + 600, |r| r.heartbeat(&OWNER, &id, None))
        .unwrap();
    assert_eq!(r1, 600 * 1_000 * RATE);
    // A gap longer than the maximum interval pays only the maximum (one hour).
    let r2 = w
        .call(T0 + 600 + 10_000, |r| r.heartbeat(&OWNER, &id, None))
        .unwrap();
    assert_eq!(r2, 3_600 * 1_000 * RATE);
    // Never past the expiry; the session then ends.
    let r3 = w
        .call(T0 + 86_400 + 500, |r| r.heartbeat(&OWNER, &id, None))
        .unwrap();
    assert_eq!(r3, 3_600 * 1_000 * RATE, "capped by the interval");
    let balance = w.call(T0, |r| r.mining_balance(&MINER)).unwrap();
    assert_eq!(balance, r1 + r2 + r3);
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::SessionEnded {
            reason: EndReason::Expired,
            ..
        }
    )));
    assert_eq!(
        w.call(T0 + 86_500, |r| r.heartbeat(&OWNER, &id, None))
            .unwrap_err(),
        Error::SessionEnded
    );
    // A fresh quote starts the GPU's next session.
    let t = T0 + 90_000;
    let id2 = start(&mut w, t, 1, &MINER, None).unwrap();
    assert_ne!(id2, id);
    assert_eq!(id2, session_id(CHAIN, &s.gpu_id, 1));
}

#[test]
fn heartbeats_after_expiry_pay_only_up_to_it() {
    let mut w = World::new(5);
    w.call(T0, |r| {
        r.set_param(&ADMIN, Param::MaxHeartbeatInterval, word::from_u64(604_800))
    })
    .unwrap();
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    let reward = w
        .call(T0 + 200_000, |r| r.heartbeat(&OWNER, &id, None))
        .unwrap();
    assert_eq!(reward, 86_400 * 1_000 * RATE);
}

#[test]
fn replayed_quotes_are_refused() {
    let mut w = World::new(5);
    let q = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, T0, None);
    // For another miner.
    assert_eq!(
        w.call(T0, |r| r.start_session(&OWNER, &OTHER_MINER, &q, None))
            .unwrap_err(),
        Error::NonceNotBound
    );
    // With a session key it was not made for.
    let (pk, _) = ml_dsa_44::KG::keygen_from_seed(&[1; 32]);
    let pk = pk.into_bytes();
    assert_eq!(
        w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, Some(&pk)))
            .unwrap_err(),
        Error::NonceNotBound
    );
    // Two epochs later.
    assert_eq!(
        w.call(T0 + 7_200, |r| r.start_session(&OWNER, &MINER, &q, None))
            .unwrap_err(),
        Error::NonceNotBound
    );
    // On another chain.
    w.chain_id = CHAIN + 1;
    assert_eq!(
        w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, None))
            .unwrap_err(),
        Error::NonceNotBound
    );
    w.chain_id = CHAIN;
    // In the next epoch it is still fresh.
    assert!(
        w.call(T0 + 3_600 + 5, |r| r
            .start_session(&OWNER, &MINER, &q, None))
            .is_ok()
    );
}

#[test]
fn one_gpu_has_one_active_session() {
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    assert_eq!(
        start(&mut w, T0 + 10, 1, &OTHER_MINER, None).unwrap_err(),
        Error::GpuBusy
    );
    // Another GPU is independent.
    assert!(start(&mut w, T0 + 10, 2, &OTHER_MINER, None).is_ok());
    // The same miner refreshes with a quote naming another submitter: the session is settled
    // and keeps its id, with that submitter as its new owner and a fresh attestation.
    let new_owner: Address = [0x23; 20];
    let q = w.quote(Architecture::Hopper, 1, &new_owner, &MINER, T0 + 100, None);
    let id2 = w
        .call(T0 + 100, |r| r.start_session(&new_owner, &MINER, &q, None))
        .unwrap();
    assert_eq!(id2, id);
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        (s.owner, s.attestation_expiry, s.active),
        (new_owner, UnixTime(T0 + 100 + 86_400), true)
    );
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, Event::SessionRefreshed { session_id, .. } if *session_id == id))
    );
    assert_eq!(
        w.call(T0, |r| r.mining_balance(&MINER)).unwrap(),
        100 * 1_000 * RATE
    );
    assert_eq!(
        w.call(T0 + 150, |r| r.end_session(&OWNER, &id))
            .unwrap_err(),
        Error::NotSessionOwner
    );
    w.call(T0 + 200, |r| r.end_session(&new_owner, &id2))
        .unwrap();
    // After the owner ends it, another miner may start.
    assert!(start(&mut w, T0 + 300, 1, &OTHER_MINER, None).is_ok());
}

#[test]
fn only_the_owner_heartbeats_and_ends() {
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    assert_eq!(
        w.call(T0 + 1, |r| r.heartbeat(&MINER, &id, None))
            .unwrap_err(),
        Error::NotSessionOwner
    );
    assert_eq!(
        w.call(T0 + 1, |r| r.end_session(&MINER, &id)).unwrap_err(),
        Error::NotSessionOwner
    );
    assert_eq!(
        w.call(T0 + 1, |r| r.heartbeat(&OWNER, &[9; 32], None))
            .unwrap_err(),
        Error::UnknownSession
    );
}

#[test]
fn revoked_gpus_cannot_start_and_their_sessions_stop_earning() {
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    let gpu = w.call(T0, |r| r.session(&id)).unwrap().unwrap().gpu_id;
    assert_eq!(
        w.call(T0, |r| r.set_revoked(&OWNER, &gpu, true))
            .unwrap_err(),
        Error::NotAdmin
    );
    w.call(T0, |r| r.set_revoked(&ADMIN, &gpu, true)).unwrap();
    assert_eq!(
        w.call(T0 + 600, |r| r.heartbeat(&OWNER, &id, None))
            .unwrap(),
        0
    );
    assert_eq!(w.call(T0, |r| r.mining_balance(&MINER)).unwrap(), 0);
    assert_eq!(
        start(&mut w, T0 + 700, 1, &MINER, None).unwrap_err(),
        Error::GpuRevoked
    );
    w.call(T0, |r| r.set_revoked(&ADMIN, &gpu, false)).unwrap();
    assert!(start(&mut w, T0 + 800, 1, &MINER, None).is_ok());
}

#[test]
fn tiers_follow_the_architecture() {
    let mut w = World::new(5);
    let q = w.quote(Architecture::Blackwell, 3, &OWNER, &MINER, T0, None);
    let id = w
        .call(T0, |r| r.start_session(&OWNER, &MINER, &q, None))
        .unwrap();
    let s = w.call(T0, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!((s.tier.as_u8(), s.compute_units), (4, 2_500));
    let reward = w
        .call(T0 + 100, |r| r.heartbeat(&OWNER, &id, None))
        .unwrap();
    assert_eq!(reward, 100 * 2_500 * RATE * 3 / 2);
    let switch = w.quote(Architecture::Ls10, 4, &OWNER, &MINER, T0, None);
    assert_eq!(
        w.call(T0, |r| r.start_session(&OWNER, &MINER, &switch, None))
            .unwrap_err(),
        Error::NotAComputeDevice
    );
}

#[test]
fn keyed_sessions_heartbeat_with_ml_dsa_signatures() {
    let mut w = World::new(5);
    let (pk, sk) = ml_dsa_44::KG::keygen_from_seed(&[3; 32]);
    let pk = pk.into_bytes();
    let id = start(&mut w, T0, 1, &MINER, Some(&pk)).unwrap();
    let sign = |counter: u64| {
        sk.try_sign_with_seed(&[0; 32], &heartbeat_message(CHAIN, &id, counter), &[])
            .unwrap()
    };
    // Unsigned is fine until governance requires signatures.
    w.call(T0 + 10, |r| r.heartbeat(&OWNER, &id, None)).unwrap();
    w.call(T0, |r| {
        r.set_param(&ADMIN, Param::RequireHeartbeatSignature, word::from_u64(1))
    })
    .unwrap();
    assert_eq!(
        w.call(T0 + 20, |r| r.heartbeat(&OWNER, &id, None))
            .unwrap_err(),
        Error::SignatureRequired
    );
    // The signature covers the heartbeat counter: heartbeat 1 now.
    let good = sign(1);
    assert!(
        w.call(T0 + 30, |r| r.heartbeat(&OWNER, &id, Some((&pk, &good))))
            .is_ok()
    );
    // Replaying it for the next heartbeat fails.
    assert_eq!(
        w.call(T0 + 40, |r| r.heartbeat(&OWNER, &id, Some((&pk, &good))))
            .unwrap_err(),
        Error::BadSignature
    );
    // Another key fails even with a valid signature of its own: it is not the session's key.
    let (pk2, sk2) = ml_dsa_44::KG::keygen_from_seed(&[4; 32]);
    let pk2 = pk2.into_bytes();
    let sig2 = sk2
        .try_sign_with_seed(&[0; 32], &heartbeat_message(CHAIN, &id, 2), &[])
        .unwrap();
    assert_eq!(
        w.call(T0 + 40, |r| r.heartbeat(&OWNER, &id, Some((&pk2, &sig2))))
            .unwrap_err(),
        Error::BadSessionKey
    );
    // Its signature under the session's key is no signature of that key.
    assert_eq!(
        w.call(T0 + 40, |r| r.heartbeat(&OWNER, &id, Some((&pk, &sig2))))
            .unwrap_err(),
        Error::BadSignature
    );
    assert!(
        w.call(T0 + 50, |r| r.heartbeat(&OWNER, &id, Some((&pk, &sign(2)))))
            .is_ok()
    );
    // A malformed session key is refused up front.
    let q = w.quote(Architecture::Hopper, 9, &OWNER, &MINER, T0, None);
    assert_eq!(
        w.call(T0, |r| r.start_session(
            &OWNER,
            &MINER,
            &q,
            Some(&[1, 2, 3])
        ))
        .unwrap_err(),
        Error::BadSessionKey
    );
}

#[test]
fn governance_is_admin_only_and_checked() {
    let mut w = World::new(5);
    assert_eq!(
        w.call(T0, |r| r.set_param(
            &OWNER,
            Param::BaseRate,
            word::from_u64(1)
        ))
        .unwrap_err(),
        Error::NotAdmin
    );
    assert_eq!(
        w.call(T0, |r| r.set_param(
            &ADMIN,
            Param::EpochSeconds,
            word::from_u64(0)
        ))
        .unwrap_err(),
        Error::BadParam
    );
    assert_eq!(
        w.call(T0, |r| r.init(&Config::with_admin(OWNER)))
            .unwrap_err(),
        Error::AlreadyInitialized
    );
    w.call(T0, |r| r.propose_admin(&ADMIN, &OWNER)).unwrap();
    w.call(T0, |r| r.accept_admin(&OWNER)).unwrap();
    assert_eq!(
        w.call(T0, |r| r.set_param(
            &ADMIN,
            Param::BaseRate,
            word::from_u64(1)
        ))
        .unwrap_err(),
        Error::NotAdmin
    );
    w.call(T0, |r| {
        r.set_param(&OWNER, Param::BaseRate, word::from_u64(7))
    })
    .unwrap();
    // Without the test root as an anchor, forged quotes fail as untrusted.
    let root = w.pki.anchor().public_key.to_vec();
    w.call(T0, |r| r.remove_anchor(&OWNER, &root)).unwrap();
    assert_eq!(
        w.call(T0, |r| r.anchors()).unwrap().len(),
        1,
        "NVIDIA's root stays"
    );
    assert_eq!(
        start(&mut w, T0, 1, &MINER, None).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::UntrustedRoot)
    );
}

#[test]
fn claims_pay_the_whole_balance_once() {
    struct Pool {
        paid: Vec<(Address, u128)>,
        short: bool,
    }
    impl RewardSink for Pool {
        fn pay(&mut self, to: &Address, amount: u128) -> Result<(), Error> {
            if self.short {
                return Err(Error::PaymentFailed);
            }
            self.paid.push((*to, amount));
            Ok(())
        }
    }
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    w.call(T0 + 60, |r| r.heartbeat(&OWNER, &id, None)).unwrap();
    let mut pool = Pool {
        paid: Vec::new(),
        short: true,
    };
    assert_eq!(
        w.call(T0, |r| r.claim(&MINER, &[0x99; 20], &mut pool))
            .unwrap_err(),
        Error::PaymentFailed
    );
    assert_eq!(
        w.call(T0, |r| r.mining_balance(&MINER)).unwrap(),
        60 * 1_000 * RATE
    );
    pool.short = false;
    assert_eq!(
        w.call(T0, |r| r.claim(&MINER, &[0x99; 20], &mut pool))
            .unwrap(),
        60 * 1_000 * RATE
    );
    assert_eq!(pool.paid, [([0x99; 20], 60 * 1_000 * RATE)]);
    assert_eq!(
        w.call(T0, |r| r.claim(&MINER, &[0x99; 20], &mut pool))
            .unwrap_err(),
        Error::NothingToClaim
    );
}

#[test]
fn state_is_where_solidity_would_put_it() {
    use sha3::{Digest, Keccak256};
    let mut w = World::new(5);
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    w.call(T0 + 10, |r| r.heartbeat(&OWNER, &id, None)).unwrap();
    // mapping(address => uint256) at slot 20: keccak256(pad32(miner) ‖ pad32(20)).
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(&MINER);
    preimage[63] = 20;
    let key: Word = Keccak256::digest(preimage).into();
    assert_eq!(
        key,
        keys::mapping(keys::BALANCES, &word::from_address(&MINER))
    );
    assert_eq!(
        word::to_u128(&w.store.load(&key).unwrap()),
        Some(10 * 1_000 * RATE)
    );
    // Plain slots: the admin at slot 0, the minimum stake at slot 6; the base rate is packed
    // into the policy word (slot 52, bits 128–187) and its own slot 1 stays zero.
    assert_eq!(word::to_address(&w.store.load(&[0; 32]).unwrap()), ADMIN);
    assert_eq!(
        word::to_u128(&w.store.load(&keys::slot(6)).unwrap()),
        Some(1_000_000_000_000_000_000)
    );
    let policy = w.store.load(&keys::slot(keys::POLICY)).unwrap();
    let high = u128::from_be_bytes(policy[..16].try_into().unwrap());
    assert_eq!(high & ((1 << 60) - 1), RATE);
    assert_eq!(w.store.load(&keys::slot(1)).unwrap(), [0; 32]);
    // Verified device links are remembered in state (slot 22).
    let quote = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, T0, None);
    let q = aimine_envelope::decode_gpu(&quote).unwrap();
    let leaf = q.chain[0];
    let device = aimine_nvtrust::Certificate::from_der(q.chain[1]).unwrap();
    let link = aimine_nvtrust::link_key(leaf, device.public_key());
    assert!(word::to_bool(
        &w.store.load(&keys::mapping(keys::LINKS, &link)).unwrap()
    ));
}

#[test]
fn a_session_ended_by_a_newer_quote_after_expiry_keeps_its_settled_record() {
    let mut w = World::new(5);
    w.call(T0, |r| {
        r.set_param(&ADMIN, Param::MaxHeartbeatInterval, word::from_u64(604_800))
    })
    .unwrap();
    let id = start(&mut w, T0, 1, &MINER, None).unwrap();
    // Another miner's quote after the expiry settles the old session, then ends it.
    let later = T0 + 90_000;
    let id2 = start(&mut w, later, 1, &OTHER_MINER, None).unwrap();
    assert_ne!(id, id2);
    let old = w.call(later, |r| r.session(&id)).unwrap().unwrap();
    assert!(!old.active);
    assert_eq!(
        (old.heartbeats, old.last_heartbeat),
        (1, UnixTime(T0 + 86_400))
    );
    assert_eq!(
        w.call(later, |r| r.mining_balance(&MINER)).unwrap(),
        86_400 * 1_000 * RATE
    );
}
