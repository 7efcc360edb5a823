//! The shared test world: an initialised registry on the in-memory store, trusting a test root,
//! and quotes forged under it and bound to a miner's session nonce.

use aimine_envelope::testkit::Enveloped;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::{Address, BlockEnv, Config, Event, MemoryStore, Registry, UnixTime};
use aimine_registry::{key_hash, session_nonce};

pub mod sev;

/// The admin set at initialisation.
pub const ADMIN: Address = [0xAD; 20];
/// The chain id every call runs on unless a test changes `World::chain_id`.
pub const CHAIN: u64 = 96_369;
/// 2025-06-15T00:00:00Z, the start of an epoch.
pub const T0: u64 = 1_749_945_600;

/// A registry and everything around it.
pub struct World {
    /// The registry's storage.
    pub store: MemoryStore,
    /// Every event emitted since initialisation (cleared once it is done).
    pub events: Vec<Event>,
    /// The GPU test PKI whose root the registry trusts.
    pub pki: TestPki,
    /// The chain id of every call ([`CHAIN`] unless a test changes it).
    pub chain_id: u64,
}

impl World {
    /// A registry initialised by [`ADMIN`] at [`T0`] that trusts a test root made from `seed`.
    pub fn new(seed: u8) -> World {
        let mut w = World {
            store: MemoryStore::new(),
            events: Vec::new(),
            pki: TestPki::new([seed; 32]),
            chain_id: CHAIN,
        };
        let root = w.pki.anchor().public_key.to_vec();
        w.call(T0, |r| r.init(&Config::with_admin(ADMIN))).unwrap();
        w.call(T0, |r| r.add_anchor(&ADMIN, &root)).unwrap();
        w.events.clear();
        w
    }

    /// Runs `f` on the registry in a block at time `ts` (Unix seconds, so tests can add to it).
    pub fn call<T>(
        &mut self,
        ts: u64,
        f: impl FnOnce(&mut Registry<'_, MemoryStore, Vec<Event>>) -> T,
    ) -> T {
        let env = BlockEnv {
            chain_id: self.chain_id,
            number: ts / 12,
            timestamp: UnixTime(ts),
        };
        f(&mut Registry::new(&mut self.store, &mut self.events, env))
    }

    /// Forge options for `device`, answering the session nonce of (this chain, `submitter`,
    /// `miner`, the epoch of `ts`, `key`).
    pub fn options(
        &self,
        arch: Architecture,
        device: u32,
        submitter: &Address,
        miner: &Address,
        ts: u64,
        key: Option<&[u8]>,
    ) -> ForgeOptions {
        let nonce = session_nonce(self.chain_id, submitter, miner, ts / 3_600, &key_hash(key));
        let mut o = ForgeOptions::new(arch, nonce);
        o.device = device;
        o
    }

    /// A quote (AIMQ envelope) for `device` bound as [`World::options`] says.
    pub fn quote(
        &self,
        arch: Architecture,
        device: u32,
        submitter: &Address,
        miner: &Address,
        ts: u64,
        key: Option<&[u8]>,
    ) -> Vec<u8> {
        self.pki
            .forge(&self.options(arch, device, submitter, miner, ts, key))
            .envelope()
    }
}
