//! The alloy-evm seam (feature `alloy-evm`): AI_MINING, NV_TRUST and MODEL_REGISTRY as
//! alloy-evm [`DynPrecompile`]s, for the [`PrecompilesMap`] a reth-based node's `EvmFactory`
//! builds its EVMs with.
//!
//! Each call goes through the same path as [`crate::AiminePrecompiles`]: the call is read from
//! alloy-evm's [`PrecompileInput`] (caller, value, call data, gas, static flag, and direct or
//! delegated from `target_address` against `bytecode_address`), run by [`crate::run`] over a
//! [`Host`] built on [`EvmInternals`] (the journal: storage of AI_MINING with its cold/warm
//! status, logs, balances and transfers; the block number, time and chain id), and answered as
//! the revm provider answers. The gas charged is the provider's to the unit: the same floor, base
//! prices, metered work and payments, and SLOAD, SSTORE (with refunds) and LOG priced by the
//! same revm gas parameters.
//!
//! **What `EvmInternals` does not give**: the EVM's configuration (`Cfg`: the spec and its
//! `GasParams`), which the revm provider reads at run time to price storage and logs. A
//! precompile here is therefore built for one configuration: [`extend`] takes the `CfgEnv`
//! the EVM is built with (an `EvmFactory` has it in `create_evm`'s `EvmEnv`, per block), and
//! its precompiles price storage and logs with that configuration's gas parameters and spec.
//! An EVM whose configuration changes after it was built must be given new precompiles.
//!
//! The precompiles are stateful ([`Precompile::supports_caching`] is false): their answers
//! depend on chain state, and a node must never serve one from a cache keyed by input.
//!
//! ```no_run
//! use aimine_evm::ChainConfig;
//! use alloy_evm::{EthEvmFactory, Evm, EvmEnv, EvmFactory};
//! use revm::database::{CacheDB, EmptyDB};
//!
//! let config = ChainConfig::new(96_369, [0xAD; 20]);
//! let mut db = CacheDB::<EmptyDB>::default();
//! aimine_evm::install(&mut db, &config).expect("genesis");
//! let env = EvmEnv::default();
//! let mut evm = EthEvmFactory::default().create_evm(db, env.clone());
//! aimine_evm::alloy::extend(evm.precompiles_mut(), &config, &env.cfg_env);
//! ```
//!
//! [`Precompile::supports_caching`]: alloy_evm::precompiles::Precompile::supports_caching

use alloc::borrow::Cow;
use alloc::string::{String, ToString};

use aimine_registry::Word;
use alloy_evm::EvmInternals;
use alloy_evm::precompiles::{DynPrecompile, PrecompileInput, PrecompilesMap};
use revm::context::Cfg;
use revm::context_interface::cfg::GasParams;
use revm::precompile::{
    PrecompileError, PrecompileId, PrecompileResult, PrecompileSpecId, Precompiles,
};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Log, U256};

use crate::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use crate::gas::GasSchedule;
use crate::genesis::ChainConfig;
use crate::host::{Call, Fatal, Host, Read, Write};
use crate::provider::{
    block_env, key, log_gas, scheme, sload_gas, sstore_gas, to_precompile_output,
};

/// The EVM's prices for storage and logs, taken from the configuration an EVM is built with
/// (what [`EvmInternals`] does not expose).
#[derive(Clone, Debug)]
pub struct EvmPrices {
    params: GasParams,
    istanbul: bool,
}

impl EvmPrices {
    /// The prices of `cfg`: its gas parameters, and whether its spec has Istanbul's SSTORE
    /// rules. The revm provider reads exactly these at run time.
    pub fn of(cfg: &impl Cfg) -> EvmPrices {
        EvmPrices {
            params: cfg.gas_params().clone(),
            istanbul: cfg.spec().into().is_enabled_in(SpecId::ISTANBUL),
        }
    }

    /// Mainnet's prices at `spec` (what `CfgEnv::with_spec_and_mainnet_gas_params` sets).
    pub fn for_spec(spec: SpecId) -> EvmPrices {
        EvmPrices {
            params: GasParams::new_spec(spec),
            istanbul: spec.is_enabled_in(SpecId::ISTANBUL),
        }
    }
}

/// Adds AI_MINING (0x0300), NV_TRUST (0x0301) and MODEL_REGISTRY (0x0302) to `map`, replacing
/// anything at those addresses, for a chain configured by `config` (its gas schedule; the rest is
/// genesis state, see [`crate::install`]) and an EVM built with `cfg` (its storage and log
/// prices; see the module docs). Their addresses become warm, as revm's precompiles are.
pub fn extend(map: &mut PrecompilesMap, config: &ChainConfig, cfg: &impl Cfg) {
    extend_with_prices(map, config.gas, EvmPrices::of(cfg));
}

/// [`extend`] with a gas schedule and EVM prices given directly.
pub fn extend_with_prices(map: &mut PrecompilesMap, gas: GasSchedule, prices: EvmPrices) {
    map.extend_precompiles([
        (
            AI_MINING,
            precompile(AI_MINING, "AI_MINING", gas, prices.clone()),
        ),
        (
            NV_TRUST,
            precompile(NV_TRUST, "NV_TRUST", gas, prices.clone()),
        ),
        (
            MODEL_REGISTRY,
            precompile(MODEL_REGISTRY, "MODEL_REGISTRY", gas, prices),
        ),
    ]);
}

/// A whole precompile map for an EVM built with `cfg`: Ethereum's precompiles of its spec (as
/// alloy-evm's `EthEvmBuilder` chooses them) and the three aimine precompiles.
pub fn precompiles<C: Cfg>(config: &ChainConfig, cfg: &C) -> PrecompilesMap {
    let spec = PrecompileSpecId::from_spec_id(cfg.spec().into());
    let mut map = PrecompilesMap::from_static(Precompiles::new(spec));
    extend(&mut map, config, cfg);
    map
}

/// One aimine precompile at `address` as a stateful [`DynPrecompile`].
fn precompile(
    address: Address,
    name: &'static str,
    gas: GasSchedule,
    prices: EvmPrices,
) -> DynPrecompile {
    DynPrecompile::new_stateful(PrecompileId::Custom(Cow::Borrowed(name)), move |input| {
        call(address, &gas, &prices, input)
    })
}

/// One call: alloy-evm's input as a [`Call`], run by [`crate::run`] over the journal.
fn call(
    address: Address,
    gas: &GasSchedule,
    prices: &EvmPrices,
    mut input: PrecompileInput<'_>,
) -> PrecompileResult {
    let internals = &input.internals;
    let block = block_env(
        internals.chain_id(),
        internals.block_number(),
        internals.block_timestamp(),
    );
    let call = Call {
        caller: input.caller,
        value: input.value,
        scheme: scheme(input.is_direct_call(), input.is_static),
        input: input.data,
        gas_limit: input.gas,
        block,
    };
    let reservoir = input.reservoir;
    let mut host = InternalsHost {
        internals: &mut input.internals,
        prices,
    };
    match crate::run(&mut host, address, &call, gas) {
        Ok(Some(outcome)) => Ok(to_precompile_output(outcome, reservoir)),
        Ok(None) => Err(PrecompileError::Fatal(String::from(
            "aimine: a precompile was installed at an address that is not aimine's",
        ))),
        Err(Fatal(e)) => Err(PrecompileError::Fatal(e)),
    }
}

/// [`Host`] over alloy-evm's [`EvmInternals`]: AI_MINING's storage, logs and balances through
/// the journal, priced with the EVM's [`EvmPrices`].
struct InternalsHost<'i, 'a> {
    internals: &'i mut EvmInternals<'a>,
    prices: &'i EvmPrices,
}

fn fatal(e: impl ToString) -> Fatal {
    Fatal(e.to_string())
}

impl Host for InternalsHost<'_, '_> {
    fn sload(&mut self, k: &Word) -> Result<Read, Fatal> {
        let load = self.internals.sload(AI_MINING, key(k)).map_err(fatal)?;
        Ok(Read {
            value: load.data.to_be_bytes::<32>(),
            gas: sload_gas(&self.prices.params, load.is_cold),
        })
    }

    fn sstore(&mut self, k: &Word, value: Word) -> Result<Write, Fatal> {
        let store = self
            .internals
            .sstore(AI_MINING, key(k), key(&value))
            .map_err(fatal)?;
        Ok(sstore_gas(
            &self.prices.params,
            self.prices.istanbul,
            &store.data,
            store.is_cold,
        ))
    }

    fn log_gas(&self, topics: usize, len: usize) -> u64 {
        log_gas(&self.prices.params, topics, len)
    }

    fn log(&mut self, log: Log) {
        self.internals.log(log);
    }

    fn balance(&mut self, account: Address) -> Result<U256, Fatal> {
        let account = self.internals.load_account(account).map_err(fatal)?;
        Ok(account.data.info.balance)
    }

    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Fatal> {
        let refused = self.internals.transfer(from, to, amount).map_err(fatal)?;
        Ok(refused.is_none())
    }
}
