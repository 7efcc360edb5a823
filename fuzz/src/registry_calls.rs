//! Fuzz target `registry_calls`: random sequences of registry calls (sessions from forged GPU
//! quotes, composite CPU + GPU quotes and CPU-only quotes, each made for a chosen submitter and
//! sent by a chosen caller; heartbeats, ends, revocations, stakes, claims, parameter changes, time
//! passing) against the in-memory store. A refused call is undone, as an EVM revert undoes it.
//! After every call it checks the registry's invariants:
//! - no device (GPU or platform) is counted by two active sessions — as a session's own device
//!   or as a bound GPU of a composite — and the active-session index points every counted device
//!   at the session that counts it;
//! - every session's owner is the submitter its quote named (a replay by another caller never
//!   takes a session over);
//! - every heartbeat pays exactly `base_rate × elapsed × compute_units × multiplier`, with
//!   `elapsed` within the maximum interval, and nothing is ever paid to a session one of whose
//!   devices (its own or a bound GPU) is revoked, whichever call settles it;
//! - balances only grow by the rewards paid, and only shrink by claims.

use aimine_envelope::testkit::Enveloped;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

use aimine_envelope::{encode_composite, encode_sev_snp};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::word;
use aimine_registry::{
    Address, BlockEnv, Config, Error, Event, MemoryStore, Param, Registry, RewardSink, UnixTime,
    Word,
};
use aimine_registry::{key_hash, session_nonce};
use aimine_tee::AmdProduct;
use aimine_tee::testkit::{KIT_TIME, ReportFields, SevKit};
use arbitrary::Arbitrary;
use sha2::{Digest, Sha256};

const ADMIN: Address = [0xAD; 20];
const CHAIN: u64 = 7;
/// An epoch start inside both test kits' certificate validity.
const T0: u64 = KIT_TIME.as_secs() / 3_600 * 3_600;
const DEVICES: u32 = 3;
const PLATFORMS: usize = 2;
const PEOPLE: usize = 3;
const EPOCHS: u64 = 6;
/// The GPU sets composite quotes carry (device numbers, in envelope order).
const SETS: [&[u32]; 6] = [&[0], &[1], &[2], &[0, 1], &[1, 2], &[2, 0]];

fn person(i: u8) -> Address {
    [0x10 + i % PEOPLE as u8; 20]
}

/// What a quote is made for: (submitter, miner, epoch) as indices.
type Binding = (usize, usize, u64);

/// Forged quotes, made on first use and kept for the process.
#[derive(Default)]
struct Forge {
    gpus: BTreeMap<(u32, Binding), (Vec<u8>, Word)>,
    cpus: BTreeMap<(usize, usize, Binding), Vec<u8>>,
}

struct Kits {
    pki: TestPki,
    sev: SevKit,
    forged: Mutex<Forge>,
}

fn kits() -> &'static Kits {
    static KITS: OnceLock<Kits> = OnceLock::new();
    KITS.get_or_init(|| Kits {
        pki: TestPki::new([9; 32]),
        sev: SevKit::milan(),
        forged: Mutex::new(Forge::default()),
    })
}

fn nonce(b: Binding) -> [u8; 32] {
    let (submitter, miner, epoch) = b;
    session_nonce(
        CHAIN,
        &person(submitter as u8),
        &person(miner as u8),
        T0 / 3_600 + epoch,
        &key_hash(None),
    )
}

/// GPU `device`'s quote for binding `b`, and its GPU id.
fn gpu(device: u32, b: Binding) -> (Vec<u8>, Word) {
    let k = kits();
    let mut f = k.forged.lock().unwrap_or_else(|e| e.into_inner());
    f.gpus
        .entry((device, b))
        .or_insert_with(|| {
            let mut o = ForgeOptions::new(Architecture::Hopper, nonce(b));
            o.device = device;
            let forged = k.pki.forge(&o);
            let device_cert =
                aimine_nvtrust::Certificate::from_der(&forged.chain[1]).expect("forged chain");
            (forged.envelope(), Sha256::digest(device_cert.spki()).into())
        })
        .clone()
}

/// Platform `chip`'s SEV-SNP quote for binding `b`: CPU-only (`set` None) or the composite with
/// the GPUs of `SETS[set]`.
fn cpu(chip: usize, set: Option<usize>, b: Binding) -> Vec<u8> {
    let parts: Vec<(Vec<u8>, Word)> = set
        .map(|s| SETS[s].iter().map(|d| gpu(*d, b)).collect())
        .unwrap_or_default();
    let k = kits();
    let mut f = k.forged.lock().unwrap_or_else(|e| e.into_inner());
    let key = (chip, set.map_or(0, |s| s + 1), b);
    f.cpus
        .entry(key)
        .or_insert_with(|| {
            let mut data = [0u8; 64];
            data[..32].copy_from_slice(&nonce(b));
            if !parts.is_empty() {
                let mut h = Sha256::new();
                for (_, id) in &parts {
                    h.update(id);
                }
                data[32..].copy_from_slice(&h.finalize());
            }
            let fields = ReportFields {
                chip,
                report_data: data,
                policy: 0x30000,
                ..ReportFields::default()
            };
            let report =
                encode_sev_snp(&k.sev.report(&fields), &k.sev.certs_of(chip)).expect("envelope");
            if parts.is_empty() {
                report
            } else {
                let refs: Vec<&[u8]> = parts.iter().map(|(q, _)| q.as_slice()).collect();
                encode_composite(&report, &refs).expect("composite")
            }
        })
        .clone()
}

/// One call. Fields pick people, devices and sessions by small indices (taken modulo).
#[derive(Debug, Clone, Arbitrary)]
#[allow(missing_docs)]
pub enum Call {
    /// Start a GPU session with a quote made `epoch` (mod 3) epochs ago and sent by `caller`,
    /// for `caller` as submitter, or (`replay`) for the next person, whose quote `caller` replays.
    Start {
        device: u8,
        miner: u8,
        caller: u8,
        replay: bool,
        epoch: u8,
    },
    /// Start a composite session: SEV-SNP platform `platform` with the GPUs of set `set`.
    Composite {
        platform: u8,
        set: u8,
        miner: u8,
        caller: u8,
        replay: bool,
        epoch: u8,
    },
    /// Start a CPU-only SEV-SNP session of platform `platform`.
    CpuOnly {
        platform: u8,
        miner: u8,
        caller: u8,
        replay: bool,
        epoch: u8,
    },
    /// Heartbeat the `n`-th started session.
    Heartbeat { n: u8, caller: u8 },
    /// End the `n`-th started session.
    End { n: u8, caller: u8 },
    /// Revoke or reinstate a device (a GPU or platform seen so far).
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
    /// Composite sessions among them.
    pub composites: usize,
    /// Sessions refreshed in place by a newer quote.
    pub refreshed: usize,
    /// Starts refused because a device was counted by another session.
    pub busy: usize,
    /// Starts refused because the caller was not the submitter the quote named.
    pub replays: usize,
    /// Heartbeats that paid (or paid zero).
    pub heartbeats: usize,
    /// Claims paid.
    pub claims: usize,
}

/// The submitter a quote names — `caller`, or for a replay the next person — and the quote's
/// binding for it and `miner`, made `back` (mod 3) epochs before the one at `now`: the current or
/// the previous one are fresh, two back is stale.
fn binding(caller: u8, replay: bool, miner: u8, back: u8, now: u64) -> (u8, Binding) {
    let submitter = if replay {
        caller.wrapping_add(1)
    } else {
        caller
    };
    let current = (now - T0) / 3_600;
    let b = (
        usize::from(submitter) % PEOPLE,
        usize::from(miner) % PEOPLE,
        current.saturating_sub(u64::from(back % 3)).min(EPOCHS - 1),
    );
    (submitter, b)
}

/// Runs one sequence, checking the invariants after every call.
pub fn run(input: Input) -> Stats {
    let mut stats = Stats::default();
    let k = kits();
    let root = k.pki.anchor().public_key.to_vec();
    let mut store = MemoryStore::new();
    let mut events: Vec<Event> = Vec::new();
    let mut now = T0;
    let env = |t: u64| BlockEnv {
        chain_id: CHAIN,
        number: t / 12,
        timestamp: UnixTime(t),
    };
    {
        let mut r = Registry::new(&mut store, &mut events, env(now));
        r.init(&Config::with_admin(ADMIN)).expect("init");
        r.add_anchor(&ADMIN, &root).expect("anchor");
        let (ark, ask) = k.sev.chain();
        r.set_amd_root(&ADMIN, 0, AmdProduct::Milan, ark, ask)
            .expect("kit roots");
        r.set_param(&ADMIN, Param::MinStake, word::from_u64(100))
            .expect("param");
    }
    events.clear();
    let mut started: Vec<Word> = Vec::new();
    let mut devices: BTreeSet<Word> = BTreeSet::new();
    let mut owners: BTreeMap<Word, Address> = BTreeMap::new();
    let mut revoked_set: BTreeSet<Word> = BTreeSet::new();
    let mut balances: BTreeMap<Address, u128> = BTreeMap::new();
    for call in input.calls.into_iter().take(48) {
        let seen = events.len();
        let snapshot = store.clone();
        let mut r = Registry::new(&mut store, &mut events, env(now));
        let pick = |n: u8| started.get(usize::from(n) % started.len().max(1)).copied();
        // Session state before the call, for the reward check.
        let before: BTreeMap<Word, _> = started
            .iter()
            .filter_map(|id| r.session(id).ok().flatten().map(|s| (*id, s)))
            .collect();
        let counts: BTreeMap<Word, Vec<Word>> = before
            .iter()
            .map(|(id, s)| {
                let mut d = r.session_gpus(id).unwrap_or_default();
                d.push(s.gpu_id);
                (*id, d)
            })
            .collect();
        let rate = word::to_u128(&r_load(&mut r, Param::BaseRate)).unwrap_or(0);
        let max_interval = word::to_u64(&r_load(&mut r, Param::MaxHeartbeatInterval)).unwrap_or(0);
        // A start: the quote, who sends it, and whom it names as submitter.
        let mut start: Option<(Vec<u8>, Address, Address, Address, bool)> = None;
        let result: Result<(), Error> = match call {
            Call::Start {
                device,
                miner,
                caller,
                replay,
                epoch,
            } => {
                let (submitter, b) = binding(caller, replay, miner, epoch, now);
                let (q, id) = gpu(u32::from(device) % DEVICES, b);
                devices.insert(id);
                start = Some((q, person(caller), person(miner), person(submitter), false));
                Ok(())
            }
            Call::Composite {
                platform,
                set,
                miner,
                caller,
                replay,
                epoch,
            } => {
                let (submitter, b) = binding(caller, replay, miner, epoch, now);
                let set = usize::from(set) % SETS.len();
                for d in SETS[set] {
                    devices.insert(gpu(*d, b).1);
                }
                let q = cpu(usize::from(platform) % PLATFORMS, Some(set), b);
                start = Some((q, person(caller), person(miner), person(submitter), true));
                Ok(())
            }
            Call::CpuOnly {
                platform,
                miner,
                caller,
                replay,
                epoch,
            } => {
                let (submitter, b) = binding(caller, replay, miner, epoch, now);
                let q = cpu(usize::from(platform) % PLATFORMS, None, b);
                start = Some((q, person(caller), person(miner), person(submitter), false));
                Ok(())
            }
            Call::Heartbeat { n, caller } => pick(n).map_or(Ok(()), |id| {
                r.heartbeat(&person(caller), &id, None).map(drop)
            }),
            Call::End { n, caller } => {
                pick(n).map_or(Ok(()), |id| r.end_session(&person(caller), &id))
            }
            Call::Revoke { device, revoked } => {
                let known: Vec<Word> = devices
                    .iter()
                    .copied()
                    .chain(before.values().map(|s| s.gpu_id))
                    .collect();
                match known.get(usize::from(device) % known.len().max(1)) {
                    Some(gpu) => {
                        if revoked {
                            revoked_set.insert(*gpu);
                        } else {
                            revoked_set.remove(gpu);
                        }
                        r.set_revoked(&ADMIN, gpu, revoked)
                    }
                    None => Ok(()),
                }
            }
            Call::Stake { who, amount } => {
                r.deposit_stake(&person(who), u128::from(amount)).map(drop)
            }
            Call::Unstake { who } => r.request_unstake(&person(who)).map(drop),
            Call::Withdraw { who } => r
                .withdraw_stake(&person(who), &person(who), &mut Pool)
                .map(drop),
            Call::PublicStart { who, miner } => {
                match r.start_public_session(&person(who), &person(miner), None) {
                    Ok(id) => {
                        if !started.contains(&id) {
                            started.push(id);
                        }
                        owners.insert(id, person(who));
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Call::Claim { who } => r.claim(&person(who), &person(who), &mut Pool).map(drop),
            Call::SetParam { ttl, value } => {
                let p = if ttl {
                    Param::AttestationTtl
                } else {
                    Param::MaxHeartbeatInterval
                };
                r.set_param(&ADMIN, p, word::from_u64(u64::from(value)))
            }
            Call::Advance { seconds } => {
                now += u64::from(seconds);
                Ok(())
            }
        };
        let result = match (result, start) {
            (Ok(()), Some((quote, caller, miner, submitter, composite))) => {
                match r.start_session(&caller, &miner, &quote, None) {
                    Ok(id) => {
                        assert_eq!(caller, submitter, "a quote served a caller it did not name");
                        if !started.contains(&id) {
                            started.push(id);
                            if composite {
                                stats.composites += 1;
                            }
                        }
                        owners.insert(id, caller);
                        Ok(())
                    }
                    Err(e) => {
                        match e {
                            Error::GpuBusy => stats.busy += 1,
                            Error::NonceNotBound if caller != submitter => stats.replays += 1,
                            _ => {}
                        }
                        Err(e)
                    }
                }
            }
            (result, _) => result,
        };
        // A refused call changes nothing, as an EVM revert.
        if result.is_err() {
            store = snapshot;
            events.truncate(seen);
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
                        counts
                            .get(&session_id)
                            .is_none_or(|d| d.iter().all(|d| !revoked_set.contains(d))),
                        "a session with a revoked device was paid"
                    );
                    assert!(
                        elapsed <= max_interval,
                        "elapsed {elapsed} over the interval {max_interval}"
                    );
                    assert_eq!(
                        Ok(reward),
                        aimine_tiers::reward_with_multiplier(
                            rate,
                            elapsed,
                            s.compute_units,
                            s.multiplier()
                        )
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
        // No device is counted by two active sessions, and the index points every counted
        // device at the session that counts it; every owner is the submitter its quote named.
        let mut counted: BTreeMap<Word, Word> = BTreeMap::new();
        for id in &started {
            let s = r.session(id).expect("load").expect("exists");
            if !s.active {
                continue;
            }
            assert_eq!(Some(&s.owner), owners.get(id), "a session changed hands");
            let bound = r.session_gpus(id).expect("gpus");
            for device in std::iter::once(s.gpu_id).chain(bound) {
                assert!(
                    counted.insert(device, *id).is_none(),
                    "a device counted by two active sessions"
                );
            }
        }
        for (device, id) in &counted {
            assert_eq!(
                r.active_session(device).expect("load").map(|s| s.id),
                Some(*id)
            );
        }
    }
    stats
}

fn r_load(r: &mut Registry<'_, MemoryStore, Vec<Event>>, p: Param) -> Word {
    r.param(p).unwrap_or([0; 32])
}
