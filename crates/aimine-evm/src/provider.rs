//! The revm glue (feature `revm`): a [`PrecompileProvider`] serving 0x0300–0x0302 beside revm's
//! Ethereum precompiles, with aimine state in the journal. See the crate docs for how a node
//! installs it.

use alloc::string::{String, ToString};

use aimine_registry::{BlockEnv, UnixTime, Word};
use revm::context::Cfg;
use revm::context_interface::cfg::GasParams;
use revm::context_interface::context::SStoreResult;
use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider, precompile_output_to_interpreter_result};
use revm::interpreter::{CallInputs, CallScheme, InterpreterResult};
use revm::precompile::{PrecompileHalt, PrecompileOutput};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, AddressSet, Log, U256};

use crate::address::{AI_MINING, ALL};
use crate::gas::GasSchedule;
use crate::genesis::ChainConfig;
use crate::host::{Call, Fatal, Host, Outcome, Read, Scheme, Status, Write};

/// revm's Ethereum precompiles plus AI_MINING, NV_TRUST and MODEL_REGISTRY.
#[derive(Clone, Debug)]
pub struct AiminePrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
    gas: GasSchedule,
}

impl AiminePrecompiles {
    /// The provider for a chain configured by `config` (its gas schedule; the rest of the
    /// configuration is genesis state, see [`crate::install`]), at the latest Ethereum spec.
    pub fn new(config: &ChainConfig) -> AiminePrecompiles {
        AiminePrecompiles::with_spec(config.gas, SpecId::default())
    }

    /// The provider with a gas schedule, serving `spec`'s Ethereum precompiles.
    pub fn with_spec(gas: GasSchedule, spec: SpecId) -> AiminePrecompiles {
        let eth = EthPrecompiles::new(spec);
        let warm = warm_set(&eth);
        AiminePrecompiles { eth, warm, gas }
    }
}

fn warm_set(eth: &EthPrecompiles) -> AddressSet {
    let mut warm = eth.warm_addresses().clone();
    warm.extend(ALL);
    warm
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for AiminePrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = warm_set(&self.eth);
        }
        changed
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let address = inputs.bytecode_address;
        if !ALL.contains(&address) {
            return <EthPrecompiles as PrecompileProvider<CTX>>::run(
                &mut self.eth,
                context,
                inputs,
            );
        }
        // The input is borrowed where it lies (the caller's memory, or the transaction's
        // data), never copied: a call pays for its words before anything reads them. The
        // journal is used mutably beside that borrow.
        let (block, _, cfg, journal, _, local) = context.all_mut();
        let local: &CTX::Local = local;
        let input = inputs.input.as_bytes_local(local);
        let direct = inputs.target_address == address
            && !matches!(
                inputs.scheme,
                CallScheme::DelegateCall | CallScheme::CallCode
            );
        let scheme = scheme(direct, inputs.is_static);
        let block = block_env(cfg.chain_id(), block.number(), block.timestamp());
        let call = Call {
            caller: inputs.caller,
            value: inputs.value.get(),
            scheme,
            input: &input,
            gas_limit: inputs.gas_limit,
            block,
        };
        let mut host = JournalHost { journal, cfg };
        let Some(outcome) =
            crate::run(&mut host, address, &call, &self.gas).map_err(|Fatal(e)| e)?
        else {
            return Ok(None);
        };
        let output = to_precompile_output(outcome, inputs.reservoir);
        Ok(Some(precompile_output_to_interpreter_result(
            output,
            inputs.gas_limit,
        )))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.warm.contains(address)
    }
}

fn saturating_u64(v: U256) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// How a call reached the precompile: `direct` when its code address is its target (not a
/// DELEGATECALL or CALLCODE), `is_static` inside a STATICCALL. Every seam decides it here.
pub(crate) fn scheme(direct: bool, is_static: bool) -> Scheme {
    if !direct {
        Scheme::Delegated
    } else if is_static {
        Scheme::StaticCall
    } else {
        Scheme::Call
    }
}

/// The block as the registry sees it (number and time saturated to 64 bits).
pub(crate) fn block_env(chain_id: u64, number: U256, timestamp: U256) -> BlockEnv {
    BlockEnv {
        chain_id,
        number: saturating_u64(number),
        timestamp: UnixTime(saturating_u64(timestamp)),
    }
}

/// The EVM's price of an SLOAD, cold or warm, under `params`.
pub(crate) fn sload_gas(params: &GasParams, is_cold: bool) -> u64 {
    let gas = params.warm_storage_read_cost();
    if is_cold {
        gas.saturating_add(params.cold_storage_additional_cost())
    } else {
        gas
    }
}

/// The EVM's price and refund of an SSTORE (EIP-2200/2929 from Istanbul on) under `params`.
pub(crate) fn sstore_gas(
    params: &GasParams,
    istanbul: bool,
    store: &SStoreResult,
    is_cold: bool,
) -> Write {
    Write {
        gas: params
            .sstore_static_gas()
            .saturating_add(params.sstore_dynamic_gas(istanbul, store, is_cold)),
        refund: params.sstore_refund(istanbul, store),
    }
}

/// The EVM's price of a log with `topics` topics and `len` data bytes under `params`.
pub(crate) fn log_gas(params: &GasParams, topics: usize, len: usize) -> u64 {
    params.log_cost(u8::try_from(topics).unwrap_or(u8::MAX), len as u64)
}

/// A call's outcome as revm's precompile output (`reservoir`: the EIP-8037 state-gas
/// reservoir the call was given, handed back untouched).
pub(crate) fn to_precompile_output(outcome: Outcome, reservoir: u64) -> PrecompileOutput {
    match outcome.status {
        Status::Success => {
            let mut out = PrecompileOutput::new(outcome.gas_used, outcome.output, reservoir);
            out.gas_refunded = outcome.gas_refunded;
            out
        }
        Status::Revert => PrecompileOutput::revert(outcome.gas_used, outcome.output, reservoir),
        Status::OutOfGas => PrecompileOutput::halt(PrecompileHalt::OutOfGas, reservoir),
    }
}

/// [`Host`] over a revm journal: AI_MINING's storage and balances through the journal, priced
/// with the configuration's gas parameters. It holds the journal and the configuration only, so
/// the call's input can stay borrowed from the rest of the context while it runs (see
/// `ContextTr::all_mut`).
pub struct JournalHost<'c, J, C> {
    /// The journal (state, warm slots, logs).
    pub journal: &'c mut J,
    /// The configuration (spec and gas parameters).
    pub cfg: &'c C,
}

/// A storage word as revm's key or value type.
pub(crate) fn key(w: &Word) -> U256 {
    U256::from_be_bytes(*w)
}

impl<J: JournalTr, C: Cfg> JournalHost<'_, J, C> {
    /// Brings AI_MINING's account into the journal (a call to NV_TRUST or MODEL_REGISTRY reads
    /// its storage without having called it). Precompile accounts are warm, so this is free.
    fn load_state_account(&mut self) -> Result<(), Fatal> {
        self.journal
            .load_account(AI_MINING)
            .map(|_| ())
            .map_err(|e| Fatal(e.to_string()))
    }
}

impl<J: JournalTr, C: Cfg> Host for JournalHost<'_, J, C> {
    fn sload(&mut self, k: &Word) -> Result<Read, Fatal> {
        self.load_state_account()?;
        let load = self
            .journal
            .sload(AI_MINING, key(k))
            .map_err(|e| Fatal(e.to_string()))?;
        let params = self.cfg.gas_params();
        Ok(Read {
            value: load.data.to_be_bytes::<32>(),
            gas: sload_gas(params, load.is_cold),
        })
    }

    fn sstore(&mut self, k: &Word, value: Word) -> Result<Write, Fatal> {
        self.load_state_account()?;
        let store = self
            .journal
            .sstore(AI_MINING, key(k), key(&value))
            .map_err(|e| Fatal(e.to_string()))?;
        let istanbul = self.cfg.spec().into().is_enabled_in(SpecId::ISTANBUL);
        Ok(sstore_gas(
            self.cfg.gas_params(),
            istanbul,
            &store.data,
            store.is_cold,
        ))
    }

    fn log_gas(&self, topics: usize, len: usize) -> u64 {
        log_gas(self.cfg.gas_params(), topics, len)
    }

    fn log(&mut self, log: Log) {
        self.journal.log(log);
    }

    fn balance(&mut self, account: Address) -> Result<U256, Fatal> {
        let acc = self
            .journal
            .load_account(account)
            .map_err(|e| Fatal(e.to_string()))?;
        Ok(acc.data.info.balance)
    }

    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Fatal> {
        let refused = self
            .journal
            .transfer(from, to, amount)
            .map_err(|e| Fatal(e.to_string()))?;
        Ok(refused.is_none())
    }
}

/// Writes the genesis accounts of `config` into a revm database that accepts inserts (e.g.
/// `CacheDB`).
///
/// # Errors
/// A registry error for an invalid configuration.
pub fn install<DB: revm::database::DatabaseRef>(
    db: &mut revm::database::CacheDB<DB>,
    config: &ChainConfig,
) -> Result<(), aimine_registry::Error> {
    use revm::state::{AccountInfo, Bytecode};
    for account in config.accounts()? {
        let code = Bytecode::new_raw(revm::primitives::Bytes::from_static(account.code));
        db.insert_account_info(
            account.address,
            AccountInfo {
                balance: account.balance,
                nonce: account.nonce,
                code_hash: code.hash_slow(),
                code: Some(code),
                ..AccountInfo::default()
            },
        );
        for (k, v) in account.storage {
            db.insert_account_storage(account.address, key(&k), key(&v))
                .map_err(|_| aimine_registry::Error::Store)?;
        }
    }
    Ok(())
}
