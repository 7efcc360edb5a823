//! The stake-based Public tier and the Lux-compatible functions.
use aimine_registry::EndReason;
use aimine_registry::UnixTime;
use aimine_registry::lux::{calculate_reward, compute_work_id, security_level, verify_mldsa};
use aimine_registry::word;
use aimine_registry::{
    Address, BlockEnv, Config, Error, Event, MemoryStore, Param, Registry, RewardSink,
};
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};
use sha3::{Digest, Keccak256};

const ADMIN: Address = [0xAD; 20];
const STAKER: Address = [0x44; 20];
const MINER: Address = [0x11; 20];
const T0: u64 = 1_749_945_600;
const TOKEN: u128 = 1_000_000_000_000_000_000;

struct Pool(Vec<(Address, u128)>);

impl RewardSink for Pool {
    fn pay(&mut self, to: &Address, amount: u128) -> Result<(), Error> {
        self.0.push((*to, amount));
        Ok(())
    }
}

fn world() -> (MemoryStore, Vec<Event>) {
    let mut store = MemoryStore::new();
    let mut events = Vec::new();
    let env = BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: UnixTime(T0),
    };
    Registry::new(&mut store, &mut events, env)
        .init(&Config::with_admin(ADMIN))
        .unwrap();
    (store, events)
}

fn at<'a>(
    store: &'a mut MemoryStore,
    events: &'a mut Vec<Event>,
    ts: u64,
) -> Registry<'a, MemoryStore, Vec<Event>> {
    Registry::new(
        store,
        events,
        BlockEnv {
            chain_id: 1,
            number: ts / 12,
            timestamp: UnixTime(ts),
        },
    )
}

#[test]
fn public_sessions_need_a_stake_earn_a_quarter_and_stop_when_unstaking() {
    let (mut s, mut e) = world();
    assert_eq!(
        at(&mut s, &mut e, T0)
            .start_public_session(&STAKER, &MINER, None)
            .unwrap_err(),
        Error::InsufficientStake
    );
    at(&mut s, &mut e, T0)
        .deposit_stake(&STAKER, TOKEN / 2)
        .unwrap();
    assert_eq!(
        at(&mut s, &mut e, T0)
            .start_public_session(&STAKER, &MINER, None)
            .unwrap_err(),
        Error::InsufficientStake
    );
    assert_eq!(
        at(&mut s, &mut e, T0)
            .deposit_stake(&STAKER, TOKEN / 2)
            .unwrap(),
        TOKEN
    );
    let id = at(&mut s, &mut e, T0)
        .start_public_session(&STAKER, &MINER, None)
        .unwrap();
    let session = at(&mut s, &mut e, T0).session(&id).unwrap().unwrap();
    assert_eq!((session.tier.as_u8(), session.compute_units), (1, 10));
    // 1,000 s × 10 units × 1 gwei × 0.25.
    let r = at(&mut s, &mut e, T0 + 1_000)
        .heartbeat(&STAKER, &id, None)
        .unwrap();
    assert_eq!(r, 1_000 * 10 * 1_000_000_000 / 4);
    // One Public session per staker.
    assert_eq!(
        at(&mut s, &mut e, T0 + 1_001)
            .start_public_session(&STAKER, &[0x55; 20], None)
            .unwrap_err(),
        Error::GpuBusy
    );
    // Asking to withdraw stops the session from earning.
    let unlock = at(&mut s, &mut e, T0 + 2_000)
        .request_unstake(&STAKER)
        .unwrap()
        .as_secs();
    assert_eq!(unlock, T0 + 2_000 + 7 * 86_400);
    assert_eq!(
        at(&mut s, &mut e, T0 + 3_000)
            .heartbeat(&STAKER, &id, None)
            .unwrap(),
        0
    );
    assert!(e.iter().any(|ev| matches!(
        ev,
        Event::SessionEnded {
            reason: EndReason::Unstaked,
            ..
        }
    )));
    // The stake stays locked through the cooldown, then pays out once.
    let mut pool = Pool(Vec::new());
    assert_eq!(
        at(&mut s, &mut e, unlock - 1)
            .withdraw_stake(&STAKER, &STAKER, &mut pool)
            .unwrap_err(),
        Error::StakeLocked
    );
    assert_eq!(
        at(&mut s, &mut e, unlock)
            .withdraw_stake(&STAKER, &STAKER, &mut pool)
            .unwrap(),
        TOKEN
    );
    assert_eq!(pool.0, [(STAKER, TOKEN)]);
    assert_eq!(
        at(&mut s, &mut e, unlock)
            .withdraw_stake(&STAKER, &STAKER, &mut pool)
            .unwrap_err(),
        Error::StakeLocked
    );
    assert_eq!(
        at(&mut s, &mut e, unlock).stake_of(&STAKER).unwrap(),
        (0, None)
    );
    assert_eq!(
        at(&mut s, &mut e, unlock)
            .deposit_stake(&STAKER, 0)
            .unwrap_err(),
        Error::BadParam
    );
}

#[test]
fn mldsa_helpers_match_the_lux_api() {
    let msg = b"lux work";
    let (pk44, sk44) = ml_dsa_44::KG::keygen_from_seed(&[1; 32]);
    let sig = sk44.try_sign_with_seed(&[0; 32], msg, &[]).unwrap();
    assert!(verify_mldsa(&pk44.clone().into_bytes(), msg, &sig));
    assert!(!verify_mldsa(&pk44.clone().into_bytes(), b"other", &sig));
    assert!(!verify_mldsa(&[0; 10], msg, &sig));
    assert_eq!(security_level(&pk44.into_bytes()), Some(2));
    assert_eq!(
        security_level(&ml_dsa_65::KG::keygen_from_seed(&[1; 32]).0.into_bytes()),
        Some(3)
    );
    assert_eq!(
        security_level(&ml_dsa_87::KG::keygen_from_seed(&[1; 32]).0.into_bytes()),
        Some(5)
    );
    assert_eq!(security_level(&[0; 33]), None);
}

fn work_proof(level: u16, minutes: u32) -> Vec<u8> {
    let mut p = vec![0xD1; 32];
    p.extend_from_slice(&[0x0E; 32]);
    p.extend_from_slice(&T0.to_be_bytes());
    p.extend_from_slice(&level.to_be_bytes());
    p.extend_from_slice(&minutes.to_be_bytes());
    p.extend_from_slice(b"quote bytes");
    p
}

#[test]
fn lux_rewards_work_ids_and_spending() {
    // 10^18 per minute times the tier multiplier.
    assert_eq!(calculate_reward(&work_proof(4, 10), 1), Ok(15 * TOKEN));
    assert_eq!(calculate_reward(&work_proof(3, 10), 1), Ok(10 * TOKEN));
    assert_eq!(calculate_reward(&work_proof(2, 10), 1), Ok(5 * TOKEN));
    assert_eq!(calculate_reward(&work_proof(1, 10), 1), Ok(10 * TOKEN / 4));
    assert_eq!(
        calculate_reward(&work_proof(1, u32::MAX), 1),
        Ok(u128::from(u32::MAX) * TOKEN / 4)
    );
    assert_eq!(
        calculate_reward(&work_proof(0, 10), 1),
        Err(Error::BadWorkProof)
    );
    assert_eq!(
        calculate_reward(&work_proof(5, 10), 1),
        Err(Error::BadWorkProof)
    );
    assert_eq!(
        calculate_reward(&work_proof(3, 10)[..77], 1),
        Err(Error::BadWorkProof)
    );
    // keccak256(abi.encodePacked(bytes32 device, bytes32 nonce, uint64 chainId)).
    let mut packed = vec![0xD1; 32];
    packed.extend_from_slice(&[0x0E; 32]);
    packed.extend_from_slice(&96_369u64.to_be_bytes());
    let expected: [u8; 32] = Keccak256::digest(&packed).into();
    let id = compute_work_id(&[0xD1; 32], &[0x0E; 32], 96_369);
    assert_eq!(id, expected);
    assert_ne!(id, compute_work_id(&[0xD1; 32], &[0x0E; 32], 96_370));
    // Only authorised callers mark work spent, and only once.
    let (mut s, mut e) = world();
    let spender: Address = [0x5E; 20];
    assert_eq!(
        at(&mut s, &mut e, T0)
            .mark_spent(&spender, &id)
            .unwrap_err(),
        Error::NotSpender
    );
    assert_eq!(
        at(&mut s, &mut e, T0)
            .set_spender(&spender, &spender, true)
            .unwrap_err(),
        Error::NotAdmin
    );
    at(&mut s, &mut e, T0)
        .set_spender(&ADMIN, &spender, true)
        .unwrap();
    assert!(!at(&mut s, &mut e, T0).is_spent(&id).unwrap());
    at(&mut s, &mut e, T0).mark_spent(&spender, &id).unwrap();
    assert!(at(&mut s, &mut e, T0).is_spent(&id).unwrap());
    assert_eq!(
        at(&mut s, &mut e, T0)
            .mark_spent(&spender, &id)
            .unwrap_err(),
        Error::AlreadySpent
    );
    at(&mut s, &mut e, T0)
        .set_spender(&ADMIN, &spender, false)
        .unwrap();
    assert_eq!(
        at(&mut s, &mut e, T0)
            .mark_spent(&spender, &[1; 32])
            .unwrap_err(),
        Error::NotSpender
    );
}

#[test]
fn the_minimum_stake_is_governed() {
    let (mut s, mut e) = world();
    at(&mut s, &mut e, T0)
        .set_param(&ADMIN, Param::MinStake, word::from_u128(5))
        .unwrap();
    at(&mut s, &mut e, T0).deposit_stake(&STAKER, 5).unwrap();
    assert!(
        at(&mut s, &mut e, T0)
            .start_public_session(&STAKER, &MINER, None)
            .is_ok()
    );
}
