//! The end-to-end world: a devnet with the aimine precompiles, a dev trust anchor, the compiled
//! contracts, and quotes forged by aimine-nvtrust's testkit and bound to a miner.

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::IAIMining;
use aimine_evm::address::AI_MINING;
use aimine_evm::devnet::{Devnet, Receipt, artifacts};
use aimine_evm::{ChainConfig, UnixTime};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::{key_hash, session_nonce};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use revm::primitives::{Address, U256, address};

/// Bindings of the compiled test contracts, from their artifacts' ABIs.
pub mod contracts {
    alloy_sol_types::sol!(
        #[allow(missing_docs)]
        AimineClient,
        "../aimine-evm/artifacts/AimineClient.json"
    );
    alloy_sol_types::sol!(
        #[allow(missing_docs)]
        ComputeProvider,
        "../aimine-evm/artifacts/ComputeProvider.json"
    );
}
pub use contracts::{AimineClient, ComputeProvider};

/// The chain id.
pub const CHAIN: u64 = 96_369;
/// 2025-06-15T00:00:00Z, the start of an epoch.
pub const T0: u64 = 1_749_945_600;
/// Governance.
pub const ADMIN: Address = address!("00000000000000000000000000000000000000ad");
/// A miner (an EOA).
pub const MINER: Address = address!("0000000000000000000000000000000000000a11");
/// Another miner.
pub const OTHER: Address = address!("0000000000000000000000000000000000000b0b");
/// One ether.
pub const ETHER: u128 = 1_000_000_000_000_000_000;

/// The devnet and the dev PKI whose root it trusts.
pub struct World {
    /// The chain.
    pub net: Devnet,
    /// The GPU test PKI whose root the chain trusts.
    pub pki: TestPki,
}

impl World {
    /// A devnet at [`T0`] trusting the dev root made from `seed`, with funded accounts.
    pub fn new(seed: u8) -> World {
        World::with(seed, |_| {})
    }

    /// As [`World::new`], with the configuration changed by `f` first.
    pub fn with(seed: u8, f: impl FnOnce(&mut ChainConfig)) -> World {
        World::at(T0, seed, f)
    }

    /// As [`World::with`], starting at time `t` (Unix seconds).
    pub fn at(t: u64, seed: u8, f: impl FnOnce(&mut ChainConfig)) -> World {
        let pki = TestPki::new([seed; 32]);
        let mut config = ChainConfig::new(CHAIN, ADMIN.into_array());
        let mut anchor = [0u8; 97];
        anchor.copy_from_slice(pki.anchor().public_key);
        config.extra_anchors.push(anchor);
        f(&mut config);
        let mut net = Devnet::new(config, UnixTime(t)).unwrap();
        for who in [ADMIN, MINER, OTHER] {
            net.fund(who, U256::from(1_000 * ETHER));
        }
        World { net, pki }
    }

    /// Forge options for `device`, bound to `miner` submitting its own quote in the current
    /// epoch with `key`.
    pub fn options(
        &self,
        arch: Architecture,
        device: u32,
        miner: Address,
        key: Option<&[u8]>,
    ) -> ForgeOptions {
        self.options_for(arch, device, miner, miner, key)
    }

    /// Forge options for `device`, bound to a quote `submitter` sends for `miner` in the current
    /// epoch with `key`.
    pub fn options_for(
        &self,
        arch: Architecture,
        device: u32,
        submitter: Address,
        miner: Address,
        key: Option<&[u8]>,
    ) -> ForgeOptions {
        let epoch = self.net.time().as_secs() / 3_600;
        let nonce = session_nonce(
            CHAIN,
            &submitter.into_array(),
            &miner.into_array(),
            epoch,
            &key_hash(key),
        );
        let mut o = ForgeOptions::new(arch, nonce);
        o.device = device;
        o
    }

    /// The session nonce of a quote `submitter` sends for `miner` in the current epoch, without
    /// a session key.
    pub fn nonce_for(&self, submitter: Address, miner: Address) -> [u8; 32] {
        let epoch = self.net.time().as_secs() / 3_600;
        session_nonce(
            CHAIN,
            &submitter.into_array(),
            &miner.into_array(),
            epoch,
            &key_hash(None),
        )
    }

    /// A quote (AIMQ envelope) for `device` that `miner` submits itself in the current epoch.
    pub fn quote(
        &self,
        arch: Architecture,
        device: u32,
        miner: Address,
        key: Option<&[u8]>,
    ) -> Vec<u8> {
        self.quote_for(arch, device, miner, miner, key)
    }

    /// A quote for `device` that `submitter` (a contract, say) sends for `miner`.
    pub fn quote_for(
        &self,
        arch: Architecture,
        device: u32,
        submitter: Address,
        miner: Address,
        key: Option<&[u8]>,
    ) -> Vec<u8> {
        self.pki
            .forge(&self.options_for(arch, device, submitter, miner, key))
            .envelope()
    }

    /// Sends a call.
    pub fn send<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> Receipt {
        self.net
            .send(from, to, call.abi_encode(), U256::ZERO)
            .unwrap()
    }

    /// Sends a call with value.
    pub fn send_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Receipt {
        self.net.send(from, to, call.abi_encode(), value).unwrap()
    }

    /// Sends a call that must succeed, and decodes its return.
    pub fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> C::Return {
        let r = self.send(from, to, call);
        assert!(r.ok(), "{} failed: {:?}", C::SIGNATURE, r.result);
        C::abi_decode_returns(&r.output()).unwrap()
    }

    /// A view call, decoded.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        let r = self.net.view(MINER, to, call.abi_encode()).unwrap();
        assert!(r.ok(), "{} failed: {:?}", C::SIGNATURE, r.result);
        C::abi_decode_returns(&r.output()).unwrap()
    }

    /// Deploys the AimineClient test contract from `from`.
    pub fn client(&mut self, from: Address) -> Address {
        self.net
            .deploy(from, artifacts::bytecode(artifacts::AIMINE_CLIENT).unwrap())
            .unwrap()
            .0
    }

    /// Deploys the mission's ComputeProvider.
    pub fn compute_provider(&mut self) -> Address {
        self.net
            .deploy(
                ADMIN,
                artifacts::bytecode(artifacts::COMPUTE_PROVIDER).unwrap(),
            )
            .unwrap()
            .0
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, seconds: u64) {
        let t = self.net.time().saturating_add(seconds);
        self.net.set_time(t);
    }

    /// A miner's balance on AI_MINING.
    pub fn mining_balance(&mut self, miner: Address) -> U256 {
        self.view(AI_MINING, &IAIMining::miningBalanceCall { miner })
    }
}

/// What a refused call into `precompile` with `len` bytes of call data uses: the precompile's
/// cheapest base price (NV_TRUST: `verify_quote`; AI_MINING and MODEL_REGISTRY: `view_call`)
/// plus `input_word` per 32-byte word, charged before the input is read.
pub fn floor(precompile: Address, len: usize) -> u64 {
    let g = aimine_evm::gas::GasSchedule::DEFAULT;
    let base = if precompile == aimine_evm::address::NV_TRUST {
        g.verify_quote
    } else {
        g.view_call
    };
    base + (len as u64).div_ceil(32) * g.input_word
}

/// Asserts that a receipt reverted with custom error `E`.
pub fn assert_reverts<E: SolError>(r: &Receipt) {
    assert_eq!(
        r.revert_selector(),
        Some(E::SELECTOR),
        "expected {} but got {:?}",
        E::SIGNATURE,
        r.result
    );
}

/// The reward the formula gives: rate × seconds × units × multiplier.
pub fn expected_reward(seconds: u64, units: u64, tier: aimine_tiers::TrustTier) -> U256 {
    U256::from(aimine_tiers::reward(1_000_000_000, seconds, units, tier).unwrap())
}

/// The first event `E` that `emitter` logged in a receipt.
pub fn event<E: SolEvent>(r: &Receipt, emitter: Address) -> E {
    let log = r
        .result
        .logs()
        .iter()
        .find(|l| l.address == emitter && l.data.topics().first() == Some(&E::SIGNATURE_HASH))
        .unwrap_or_else(|| panic!("no {} from {emitter}", E::SIGNATURE));
    E::decode_log_data(&log.data).unwrap()
}
