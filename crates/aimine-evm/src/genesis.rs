//! A chain's aimine configuration and the genesis state it gives the precompile accounts.
//!
//! All aimine state lives in AI_MINING's (0x0300) storage, at the layout of aimine-registry's
//! `keys` module. The three precompile accounts get nonce 1 (so EIP-161 never clears them) and
//! the one-byte code `0xFE` (so Solidity's code-size check before calls without return data
//! passes; the code is never run, the precompile is).

use alloc::string::String;
use alloc::vec::Vec;

use aimine_registry::NoEvents;
use aimine_registry::{BlockEnv, Config, Error, MemoryStore, Registry, Word};

use crate::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use crate::gas::GasSchedule;
use revm_primitives::{Address, U256};

/// The code the precompile accounts carry: a lone INVALID opcode, never executed.
pub const PRECOMPILE_CODE: [u8; 1] = [0xFE];

/// One governance-registered golden measurement set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldenSet {
    /// NVIDIA's driver version text ("550.90.07").
    pub driver_version: String,
    /// NVIDIA's VBIOS version text ("96.00.9F.00.01").
    pub vbios_version: String,
    /// (RIM index, SHA-384 digest) entries.
    pub entries: Vec<(u8, [u8; 48])>,
}

/// An AMD product root pair trusted at genesis beside the pinned ones (as `setAmdRoot` would
/// trust it later): a test kit's on a dev chain, or a new product's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmdRoot {
    /// The governance slot (0 or 1).
    pub index: u64,
    /// The product whose reports it signs.
    pub product: aimine_tee::AmdProduct,
    /// The ARK certificate (DER).
    pub ark: Vec<u8>,
    /// The ASK certificate (DER), signed by the ARK.
    pub ask: Vec<u8>,
}

/// Everything a chain decides about aimine at genesis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id (bound into session nonces and ids).
    pub chain_id: u64,
    /// The registry's parameters and admin.
    pub registry: Config,
    /// Trust anchors besides NVIDIA's Device Identity CA, which is always trusted first: each
    /// an uncompressed SEC1 P-384 key (97 bytes). At most three.
    pub extra_anchors: Vec<[u8; 97]>,
    /// Golden measurement sets.
    pub golden_sets: Vec<GoldenSet>,
    /// Callers allowed to mark Lux work ids spent.
    pub spenders: Vec<[u8; 20]>,
    /// AMD product roots besides the pinned ones.
    pub amd_roots: Vec<AmdRoot>,
    /// AI_MINING's opening balance: the reward pool.
    pub reward_pool: U256,
    /// The gas schedule.
    pub gas: GasSchedule,
}

impl ChainConfig {
    /// The default parameters ([`Config::with_admin`]), NVIDIA's root only, no golden sets, the
    /// default gas schedule, and an empty reward pool.
    pub fn new(chain_id: u64, admin: [u8; 20]) -> ChainConfig {
        ChainConfig {
            chain_id,
            registry: Config::with_admin(admin),
            extra_anchors: Vec::new(),
            golden_sets: Vec::new(),
            spenders: Vec::new(),
            amd_roots: Vec::new(),
            reward_pool: U256::ZERO,
            gas: GasSchedule::DEFAULT,
        }
    }

    /// The storage words of AI_MINING at genesis, in key order.
    ///
    /// # Errors
    /// A registry error for an invalid configuration (too many anchors, a golden set too
    /// large, a parameter out of bounds), or [`Error::IntelUnavailable`] when the chain accepts
    /// Intel quotes and this build cannot verify them.
    pub fn storage(&self) -> Result<Vec<(Word, Word)>, Error> {
        let mut store = MemoryStore::new();
        let mut events = NoEvents;
        let env = BlockEnv {
            chain_id: self.chain_id,
            number: 0,
            timestamp: aimine_registry::UnixTime::EPOCH,
        };
        // A node that could not verify what this chain accepts must not start it.
        if self.registry.intel_quotes && !aimine_registry::INTEL_SUPPORTED {
            return Err(Error::IntelUnavailable);
        }
        let admin = self.registry.admin;
        let mut r = Registry::new(&mut store, &mut events, env);
        r.init(&self.registry)?;
        for anchor in &self.extra_anchors {
            r.add_anchor(&admin, anchor)?;
        }
        for set in &self.golden_sets {
            r.set_golden_set(
                &admin,
                &set.driver_version,
                &set.vbios_version,
                &set.entries,
            )?;
        }
        for spender in &self.spenders {
            r.set_spender(&admin, spender, true)?;
        }
        for root in &self.amd_roots {
            r.set_amd_root(&admin, root.index, root.product, &root.ark, &root.ask)?;
        }
        Ok(store.iter().map(|(k, v)| (*k, *v)).collect())
    }

    /// The three precompile accounts as genesis allocations.
    ///
    /// # Errors
    /// As [`ChainConfig::storage`].
    pub fn accounts(&self) -> Result<[GenesisAccount; 3], Error> {
        let account =
            |address: Address, balance: U256, storage: Vec<(Word, Word)>| GenesisAccount {
                address,
                nonce: 1,
                balance,
                code: &PRECOMPILE_CODE,
                storage,
            };
        Ok([
            account(AI_MINING, self.reward_pool, self.storage()?),
            account(NV_TRUST, U256::ZERO, Vec::new()),
            account(MODEL_REGISTRY, U256::ZERO, Vec::new()),
        ])
    }
}

/// One account of the genesis state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisAccount {
    /// Its address.
    pub address: Address,
    /// Its nonce (1).
    pub nonce: u64,
    /// Its balance.
    pub balance: U256,
    /// Its code ([`PRECOMPILE_CODE`]).
    pub code: &'static [u8],
    /// Its storage words.
    pub storage: Vec<(Word, Word)>,
}
