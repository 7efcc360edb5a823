//! The genesis file (`aimine node --genesis FILE`): a JSON object that sets what the dev chain
//! starts with. Every key is optional, unknown keys are refused (a typo must not be ignored):
//!
//! ```json
//! {
//!   "chainId": 96369,
//!   "admin": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
//!   "timestamp": 1750000000,
//!   "anchors": ["0x04…97 bytes: an uncompressed SEC1 P-384 key"],
//!   "rewardPool": "1000000000000000000000000",
//!   "devAccounts": true,
//!   "devBalance": "0x21e19e0c9bab2400000",
//!   "alloc": { "0x…": { "balance": "0x1", "nonce": 0, "code": "0x…", "storage": { "0x0": "0x1" } } },
//!   "spenders": ["0x…"],
//!   "amdRoots": [{ "index": 0, "product": "milan", "ark": "0x…DER", "ask": "0x…DER" }],
//!   "params": { "baseRate": 1000000000, "epochSeconds": 3600, "attestationTtl": 86400 },
//!   "gas": { "startSession": 100000, "heartbeat": 5000 }
//! }
//! ```
//!
//! - `admin`: the aimine governance admin (dev account 0 by default).
//! - `anchors`: trust anchors added to NVIDIA's root (at most three with `--dev-root`'s).
//! - `devAccounts`: whether the ten dev accounts are funded with `devBalance` (10,000 ether by
//!   default); they are unlocked for `eth_sendTransaction` either way.
//! - `alloc`: further accounts (after the dev accounts, so an entry can change one); the
//!   precompile addresses are refused.
//! - `amdRoots`: AMD product root pairs trusted beside the pinned ones (slots 0 and 1; product
//!   `milan`, `genoa` or `turin`), as governance's `setAmdRoot` would.
//! - `params` and `gas`: the registry parameters ([`aimine_registry::Config`]) and the gas
//!   schedule ([`aimine_evm::gas::GasSchedule`]), each field in camelCase, those absent keeping
//!   their defaults.
//!
//! Numbers that may exceed 2^64 (balances, `rewardPool`, `baseRate`, `minStake`) are JSON
//! numbers or decimal or `0x` strings.

use std::collections::BTreeMap;

use aimine_evm::ChainConfig;
use aimine_evm::gas::GasSchedule;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use serde::{Deserialize, Serialize};

use crate::{DEFAULT_CHAIN_ID, DEV_BALANCE, REWARD_POOL};

/// One `alloc` entry.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Alloc {
    /// Its balance (wei).
    #[serde(default)]
    pub balance: U256,
    /// Its nonce.
    #[serde(default)]
    pub nonce: u64,
    /// Its runtime code.
    #[serde(default)]
    pub code: Bytes,
    /// Its storage words.
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

/// An amount that may not fit a JSON number: a number, or a decimal or `0x` string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Wei(pub u128);

impl<'de> Deserialize<'de> for Wei {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Wei, D::Error> {
        let v = U256::deserialize(d)?;
        u128::try_from(v)
            .map(Wei)
            .map_err(|_| serde::de::Error::custom(format!("{v} does not fit 128 bits")))
    }
}

impl From<Wei> for u128 {
    fn from(w: Wei) -> u128 {
        w.0
    }
}

/// Declares a struct of optional overrides, one per field of `$target`, and `apply`.
macro_rules! overrides {
    ($(#[$doc:meta])* $name:ident => $target:ty { $($field:ident: $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub struct $name {
            $(
                #[doc = concat!("`", stringify!($field), "`, when set.")]
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// Writes the fields that are set into `target`.
            pub fn apply(&self, target: &mut $target) {
                $(
                    if let Some(v) = self.$field {
                        target.$field = v.into();
                    }
                )*
            }
        }
    };
}

overrides!(
    /// `params`: registry parameters to change.
    Params => aimine_registry::Config {
        base_rate: Wei,
        epoch_seconds: u64,
        attestation_ttl: u64,
        max_heartbeat_interval: u64,
        require_heartbeat_signature: bool,
        min_stake: Wei,
        stake_cooldown: u64,
        public_compute_units: u64,
        hopper_compute_units: u64,
        blackwell_compute_units: u64,
        require_golden_measurements: bool,
        tcb_out_of_date_bps: u64,
        tcb_grace_seconds: u64,
        tcb_configuration_bps: u64,
        tcb_sw_hardening_bps: u64,
        allow_debug_guests: bool,
        tdx_compute_units: u64,
        sgx_compute_units: u64,
        sev_snp_compute_units: u64,
        min_tcb_evaluation: u64,
        require_fwid: bool,
        intel_quotes: bool,
        workstation_compute_units: u64,
    }
);

overrides!(
    /// `gas`: gas schedule entries to change.
    Gas => GasSchedule {
        start_session: u64,
        start_public_session: u64,
        heartbeat: u64,
        verify_quote: u64,
        quote_word: u64,
        certificate_signature: u64,
        built_in_certificate_signature: u64,
        model_call: u64,
        hash_word: u64,
        mldsa44: u64,
        mldsa65: u64,
        mldsa87: u64,
        write_call: u64,
        view_call: u64,
        input_word: u64,
        payment: u64,
        intel_quote: u64,
        amd_endorsement: u64,
        sev_report: u64,
        amd_root_pair: u64,
        gpu_evidence: u64,
        intel_collateral: u64,
    }
);

/// One `amdRoots` entry.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AmdRootEntry {
    /// The governance slot (0 or 1).
    pub index: u64,
    /// `milan`, `genoa` or `turin`.
    pub product: String,
    /// The ARK certificate (DER).
    pub ark: Bytes,
    /// The ASK certificate (DER).
    pub ask: Bytes,
}

impl AmdRootEntry {
    fn root(&self) -> Result<aimine_evm::AmdRoot, String> {
        use aimine_tee::AmdProduct;
        let product = match self.product.as_str() {
            "milan" => AmdProduct::Milan,
            "genoa" => AmdProduct::Genoa,
            "turin" => AmdProduct::Turin,
            other => {
                return Err(format!(
                    "genesis amdRoots: unknown product {other:?} (milan, genoa or turin)"
                ));
            }
        };
        Ok(aimine_evm::AmdRoot {
            index: self.index,
            product,
            ark: self.ark.to_vec(),
            ask: self.ask.to_vec(),
        })
    }
}

/// A genesis file as read.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GenesisFile {
    /// The chain id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The governance admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<Address>,
    /// The genesis block's timestamp (the clock at first start by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
    /// Extra trust anchors (97-byte uncompressed P-384 keys).
    #[serde(default)]
    pub anchors: Vec<Bytes>,
    /// AI_MINING's opening balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward_pool: Option<U256>,
    /// Whether the dev accounts are funded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_accounts: Option<bool>,
    /// Each dev account's balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_balance: Option<U256>,
    /// Further accounts.
    #[serde(default)]
    pub alloc: BTreeMap<Address, Alloc>,
    /// Callers allowed to mark work ids spent.
    #[serde(default)]
    pub spenders: Vec<Address>,
    /// AMD product roots besides the pinned ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amd_roots: Vec<AmdRootEntry>,
    /// Registry parameters.
    #[serde(default)]
    pub params: Params,
    /// Gas schedule entries.
    #[serde(default)]
    pub gas: Gas,
}

/// What a chain starts from: the aimine configuration and every other account.
#[derive(Clone, Debug)]
pub struct Genesis {
    /// The precompiles' configuration (chain id, admin, anchors, parameters, gas, pool).
    pub config: ChainConfig,
    /// The other accounts, in address order (dev accounts merged with `alloc`).
    pub alloc: BTreeMap<Address, Alloc>,
    /// The genesis timestamp, if fixed.
    pub timestamp: Option<u64>,
    /// A digest of everything the genesis was made from (the file, the chain id, the extra
    /// anchors): the genesis block carries it as its extra data, so its hash changes with any
    /// of them, the gas schedule included, which is in no account's state.
    pub digest: B256,
}

impl GenesisFile {
    /// Reads a genesis file.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid genesis (the message names the key).
    pub fn read(path: &std::path::Path) -> Result<GenesisFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("genesis {}: {e}", path.display()))?;
        GenesisFile::parse(&text).map_err(|e| format!("genesis {}: {e}", path.display()))
    }

    /// Parses a genesis file's text.
    ///
    /// # Errors
    /// Invalid JSON, an unknown key or a value of the wrong type.
    pub fn parse(text: &str) -> Result<GenesisFile, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The genesis this file describes, for the dev accounts `dev`, with `chain_id` (the
    /// `--chain-id` flag, which must agree with the file's), `extra_anchors` and `extra_amd`
    /// (`--dev-root`'s GPU and AMD roots).
    ///
    /// # Errors
    /// Conflicting chain ids, an anchor of the wrong length, or an `alloc` on a precompile.
    pub fn resolve(
        &self,
        chain_id: Option<u64>,
        extra_anchors: &[[u8; 97]],
        extra_amd: &[aimine_evm::AmdRoot],
        dev: &[Address],
    ) -> Result<Genesis, String> {
        let chain_id = match (chain_id, self.chain_id) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!(
                    "--chain-id {a} disagrees with the genesis file's chainId {b}"
                ));
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => DEFAULT_CHAIN_ID,
        };
        let admin = match self.admin {
            Some(a) => a,
            None => dev
                .first()
                .copied()
                .ok_or_else(|| String::from("no dev account"))?,
        };
        let mut config = ChainConfig::new(chain_id, admin.into_array());
        self.params.apply(&mut config.registry);
        self.gas.apply(&mut config.gas);
        config.reward_pool = self.reward_pool.unwrap_or(REWARD_POOL);
        for (i, a) in self.anchors.iter().enumerate() {
            let key: [u8; 97] = a.as_ref().try_into().map_err(|_| {
                format!(
                    "genesis anchors[{i}]: {} bytes, not a 97-byte uncompressed P-384 key",
                    a.len()
                )
            })?;
            config.extra_anchors.push(key);
        }
        config.extra_anchors.extend_from_slice(extra_anchors);
        config.spenders = self.spenders.iter().map(|a| a.into_array()).collect();
        for entry in &self.amd_roots {
            config.amd_roots.push(entry.root()?);
        }
        config.amd_roots.extend_from_slice(extra_amd);
        let mut alloc = BTreeMap::new();
        if self.dev_accounts.unwrap_or(true) {
            let balance = self.dev_balance.unwrap_or(DEV_BALANCE);
            for who in dev {
                alloc.insert(
                    *who,
                    Alloc {
                        balance,
                        ..Alloc::default()
                    },
                );
            }
        }
        let precompiles = [
            aimine_evm::address::AI_MINING,
            aimine_evm::address::NV_TRUST,
            aimine_evm::address::MODEL_REGISTRY,
        ];
        for (who, account) in &self.alloc {
            if precompiles.contains(who) {
                return Err(format!(
                    "genesis alloc: {who} is an aimine precompile, set by the rest of the genesis"
                ));
            }
            alloc.insert(*who, account.clone());
        }
        // The configuration is checked now, not at the first block.
        config
            .storage()
            .map_err(|e| format!("genesis: invalid aimine configuration: {e:?}"))?;
        let spec = serde_json::to_vec(self).map_err(|e| format!("genesis: {e}"))?;
        let mut preimage = b"aimine-node genesis v1".to_vec();
        preimage.extend_from_slice(&chain_id.to_be_bytes());
        for anchor in extra_anchors {
            preimage.extend_from_slice(anchor);
        }
        for root in extra_amd {
            preimage.extend_from_slice(&root.index.to_be_bytes());
            preimage.push(root.product as u8);
            preimage.extend_from_slice(&keccak256(&root.ark).0);
            preimage.extend_from_slice(&keccak256(&root.ask).0);
        }
        preimage.extend_from_slice(&spec);
        Ok(Genesis {
            config,
            alloc,
            timestamp: self.timestamp,
            digest: keccak256(&preimage),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: [Address; 2] = [Address::repeat_byte(1), Address::repeat_byte(2)];

    #[test]
    fn an_empty_file_is_the_dev_genesis() {
        let g = GenesisFile::parse("{}")
            .unwrap()
            .resolve(None, &[], &[], &DEV)
            .unwrap();
        assert_eq!(g.config.chain_id, DEFAULT_CHAIN_ID);
        assert_eq!(g.config.registry.admin, DEV[0].into_array());
        assert_eq!(g.config.reward_pool, REWARD_POOL);
        assert_eq!(g.config.gas, GasSchedule::DEFAULT);
        assert_eq!(g.alloc.len(), 2);
        assert_eq!(g.alloc[&DEV[1]].balance, DEV_BALANCE);
    }

    #[test]
    fn every_key_is_applied() {
        let text = r#"{
            "chainId": 7, "admin": "0x0000000000000000000000000000000000000007",
            "timestamp": 1750000000, "rewardPool": "0x10", "devAccounts": false,
            "alloc": {"0x0000000000000000000000000000000000000009": {"balance": "5", "nonce": 2,
                      "code": "0x00", "storage": {"0x1": "0x2"}}},
            "params": {"epochSeconds": 600, "baseRate": "1000"},
            "gas": {"heartbeat": 7777}
        }"#;
        let g = GenesisFile::parse(text)
            .unwrap()
            .resolve(None, &[], &[], &DEV)
            .unwrap();
        assert_eq!(g.config.chain_id, 7);
        assert_eq!(
            g.config.registry.admin,
            Address::with_last_byte(7).into_array()
        );
        assert_eq!(g.config.reward_pool, U256::from(16));
        assert_eq!(g.config.registry.epoch_seconds, 600);
        assert_eq!(g.config.registry.base_rate, 1000);
        assert_eq!(g.config.gas.heartbeat, 7777);
        assert_eq!(
            g.config.gas.start_session,
            GasSchedule::DEFAULT.start_session
        );
        assert_eq!(g.timestamp, Some(1_750_000_000));
        assert_eq!(g.alloc.len(), 1);
        let a = &g.alloc[&Address::with_last_byte(9)];
        assert_eq!((a.balance, a.nonce), (U256::from(5), 2));
        assert_eq!(a.storage[&U256::from(1)], U256::from(2));
    }

    #[test]
    fn mistakes_are_refused_with_their_key() {
        for (text, says) in [
            (r#"{"chainid": 1}"#, "unknown field `chainid`"),
            (r#"{"gas": {"hartbeat": 1}}"#, "unknown field `hartbeat`"),
            (r#"{"anchors": ["0x0401"]}"#, "anchors[0]: 2 bytes"),
            (
                r#"{"alloc": {"0x0000000000000000000000000000000000000300": {}}}"#,
                "is an aimine precompile",
            ),
            (
                r#"{"params": {"epochSeconds": 0}}"#,
                "invalid aimine configuration",
            ),
            (r#"{"chainId": 5}"#, "disagrees"),
        ] {
            let err = GenesisFile::parse(text)
                .and_then(|g| g.resolve(Some(6), &[], &[], &DEV))
                .unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}
