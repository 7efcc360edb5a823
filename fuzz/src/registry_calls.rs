//! Fuzz target `registry_calls`: random sequences of registry calls (sessions from forged quotes,
//! heartbeats, ends, revocations, stakes, claims, parameter changes, time passing) against the
//! in-memory store. After every call it checks the registry's invariants:
//! - no two active sessions share a device id, and the active-session index agrees;
//! - every heartbeat pays exactly `base_rate × elapsed × compute_units × multiplier`, with
//!   `elapsed` within the maximum interval;
//! - balances only grow by the rewards paid, and only shrink by claims.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::session::{key_hash, session_nonce};
use aimine_registry::store::word;
use aimine_registry::{
    Address, BlockEnv, Config, Error, Event, MemoryStore, Param, Registry, RewardSink, Word,
};
use arbitrary::Arbitrary;

const ADMIN: Address = [0xAD; 20];
const CHAIN: u64 = 7;
const T0: u64 = 1_750_000_000 / 3_600 * 3_600;
const DEVICES: u32 = 3;
const PEOPLE: usize = 3;
const EPOCHS: u64 = 6;

fn person(i: u8) -> Address {
    [0x10 + i % PEOPLE as u8; 20]
}

/// The test root's key, and a quote for every (device, miner, epoch) sequences can reach.
type Quotes = (Vec<u8>, BTreeMap<(u32, usize, u64), Vec<u8>>);

/// The quotes, forged once per process.
fn quotes() -> &'static Quotes {
    static QUOTES: OnceLock<Quotes> = OnceLock::new();
    QUOTES.get_or_init(|| {
        let pki = TestPki::new([9; 32]);
        let mut map = BTreeMap::new();
        for device in 0..DEVICES {
            for m in 0..PEOPLE {
                for e in 0..EPOCHS {
                    let epoch = T0 / 3_600 + e;
                    let nonce = session_nonce(CHAIN, &person(m as u8), epoch, &key_hash(None));
                    let mut o = ForgeOptions::new(Architecture::Hopper, nonce);
                    o.device = device;
                    map.insert((device, m, e), pki.forge(&o).envelope());
                }
            }
        }
        (pki.anchor().public_key.to_vec(), map)
    })
}

/// One call. Fields pick people, devices and sessions by small indices (taken modulo).
#[derive(Debug, Clone, Arbitrary)]
#[allow(missing_docs)]
pub enum Call {
    /// Start a GPU session with a quote made in epoch `epoch` (mod EPOCHS).
    Start {
        device: u8,
        miner: u8,
        caller: u8,
        epoch: u8,
    },
    /// Heartbeat the `n`-th started session.
    Heartbeat { n: u8, caller: u8 },
    /// End the `n`-th started session.
    End { n: u8, caller: u8 },
    /// Revoke or reinstate a device.
    Revoke { device: u8, revoked: bool },
    /// Deposit stake.
    Stake { who: u8, amount: u16 },
    /// Ask to withdraw.
    Unstake { who: u8 },
    /// Withdraw.
    Withdraw { who: u8 },
    /// Start a Public-tier session.
    PublicStart { who: u8, miner: u8 },
    /// Claim a balance.
    Claim { who: u8 },
    /// Change the maximum heartbeat interval or the attestation lifetime.
    SetParam { ttl: bool, value: u16 },
    /// Let time pass.
    Advance { seconds: u16 },
}

/// A sequence of calls (at most 48 are run).
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// The calls.
    pub calls: Vec<Call>,
}

struct Pool;

impl RewardSink for Pool {
    fn pay(&mut self, _: &Address, _: u128) -> Result<(), Error> {
        Ok(())
    }
}

/// What a sequence did, so tests can tell the invariants were exercised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Sessions started.
    pub started: usize,
    /// Sessions refreshed in place by a newer quote.
    pub refreshed: usize,
    /// Heartbeats that paid (or paid zero).
    pub heartbeats: usize,
    /// Claims paid.
    pub claims: usize,
}

/// Runs one sequence, checking the invariants after every call.
pub fn run(input: Input) -> Stats {
    let mut stats = Stats::default();
    let (root, quotes) = quotes();
    let mut store = MemoryStore::new();
    let mut events: Vec<Event> = Vec::new();
    let mut now = T0;
    let env = |t: u64| BlockEnv {
        chain_id: CHAIN,
        number: t / 12,
        timestamp: t,
    };
    {
        let mut r = Registry::new(&mut store, &mut events, env(now));
        r.init(&Config::with_admin(ADMIN)).expect("init");
        r.add_anchor(&ADMIN, root).expect("anchor");
        r.set_param(&ADMIN, Param::MinStake, word::from_u64(100))
            .expect("param");
    }
    let mut started: Vec<Word> = Vec::new();
    let mut balances: BTreeMap<Address, u128> = BTreeMap::new();
    for call in input.calls.into_iter().take(48) {
        let seen = events.len();
        let mut r = Registry::new(&mut store, &mut events, env(now));
        let pick = |n: u8| started.get(usize::from(n) % started.len().max(1)).copied();
        // Session state before the call, for the reward check.
        let before: BTreeMap<Word, _> = started
            .iter()
            .filter_map(|id| r.session(id).ok().flatten().map(|s| (*id, s)))
            .collect();
        let rate = word::to_u128(&r_load(&mut r, Param::BaseRate)).unwrap_or(0);
        let max_interval = word::to_u64(&r_load(&mut r, Param::MaxHeartbeatInterval)).unwrap_or(0);
        match call {
            Call::Start {
                device,
                miner,
                caller,
                epoch,
            } => {
                let key = (
                    u32::from(device) % DEVICES,
                    usize::from(miner) % PEOPLE,
                    u64::from(epoch) % EPOCHS,
                );
                if let Some(q) = quotes.get(&key)
                    && let Ok(id) = r.start_session(&person(caller), &person(miner), q, None)
                    && !started.contains(&id)
                {
                    started.push(id);
                }
            }
            Call::Heartbeat { n, caller } => {
                if let Some(id) = pick(n) {
                    let _ = r.heartbeat(&person(caller), &id, None);
                }
            }
            Call::End { n, caller } => {
                if let Some(id) = pick(n) {
                    let _ = r.end_session(&person(caller), &id);
                }
            }
            Call::Revoke { device, revoked } => {
                let gpu = before
                    .values()
                    .find(|s| s.gpu_id[0] % 3 == device % 3)
                    .map(|s| s.gpu_id);
                if let Some(gpu) = gpu {
                    r.set_revoked(&ADMIN, &gpu, revoked).expect("admin");
                }
            }
            Call::Stake { who, amount } => {
                let _ = r.deposit_stake(&person(who), u128::from(amount));
            }
            Call::Unstake { who } => {
                let _ = r.request_unstake(&person(who));
            }
            Call::Withdraw { who } => {
                let _ = r.withdraw_stake(&person(who), &person(who), &mut Pool);
            }
            Call::PublicStart { who, miner } => {
                if let Ok(id) = r.start_public_session(&person(who), &person(miner), None)
                    && !started.contains(&id)
                {
                    started.push(id);
                }
            }
            Call::Claim { who } => {
                let _ = r.claim(&person(who), &person(who), &mut Pool);
            }
            Call::SetParam { ttl, value } => {
                let p = if ttl {
                    Param::AttestationTtl
                } else {
                    Param::MaxHeartbeatInterval
                };
                let _ = r.set_param(&ADMIN, p, word::from_u64(u64::from(value)));
            }
            Call::Advance { seconds } => now += u64::from(seconds),
        }

        // Balances move only by the rewards and claims this call reported, and every reward
        // follows the formula.
        for event in &events[seen..] {
            match *event {
                Event::Heartbeat {
                    session_id,
                    miner,
                    reward,
                    elapsed,
                    ..
                } => {
                    let s = before
                        .get(&session_id)
                        .expect("a reward names a known session");
                    assert!(
                        elapsed <= max_interval,
                        "elapsed {elapsed} over the interval {max_interval}"
                    );
                    assert_eq!(
                        Ok(reward),
                        aimine_tiers::reward(rate, elapsed, s.compute_units, s.tier)
                    );
                    *balances.entry(miner).or_default() += reward;
                    stats.heartbeats += 1;
                }
                Event::Claimed { miner, amount, .. } => {
                    let b = balances.entry(miner).or_default();
                    assert_eq!(*b, amount, "a claim pays the whole balance");
                    *b = 0;
                    stats.claims += 1;
                }
                Event::SessionStarted { .. } => stats.started += 1,
                Event::SessionRefreshed { .. } => stats.refreshed += 1,
                _ => {}
            }
        }
        let mut r = Registry::new(&mut store, &mut events, env(now));
        for i in 0..PEOPLE as u8 {
            let who = person(i);
            assert_eq!(
                r.mining_balance(&who).expect("balance"),
                balances.get(&who).copied().unwrap_or(0)
            );
        }
        // No two active sessions share a device, and the index points at the active one.
        let mut active: BTreeMap<Word, Word> = BTreeMap::new();
        for id in &started {
            let s = r.session(id).expect("load").expect("exists");
            if s.active {
                assert!(
                    active.insert(s.gpu_id, *id).is_none(),
                    "two active sessions on one device"
                );
            }
        }
        for (gpu, id) in &active {
            assert_eq!(
                r.active_session(gpu).expect("load").map(|s| s.id),
                Some(*id)
            );
        }
    }
    stats
}

fn r_load(r: &mut Registry<'_, MemoryStore, Vec<Event>>, p: Param) -> Word {
    r.param(p).unwrap_or([0; 32])
}
