//! An embedded development chain (feature `devnet`, std): revm over an in-memory database with
//! the aimine precompiles installed, for the CLI's demo, the end-to-end tests and the benches.
//!
//! Not for production: nonces and fee checks are off, and every account can be funded at will.

extern crate std;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use revm::context::result::{ExecutionResult, Output};
use revm::context::{Context, Evm, TxEnv};
use revm::context_interface::ContextTr;
use revm::context_interface::cfg::gas::calculate_initial_tx_gas;
use revm::database::{CacheDB, DatabaseRef, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::{
    EthFrame, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetContext,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind, U256};

use crate::UnixTime;
use crate::genesis::ChainConfig;
use crate::provider::{AiminePrecompiles, install};

/// The development chain's database.
pub type DevDb = CacheDB<EmptyDB>;
/// Its context.
pub type DevContext = MainnetContext<DevDb>;
/// Its EVM: mainnet rules with the aimine precompiles.
pub type DevEvm = Evm<
    DevContext,
    (),
    EthInstructions<EthInterpreter, DevContext>,
    AiminePrecompiles,
    EthFrame<EthInterpreter>,
>;

/// The gas limit of every devnet transaction.
pub const TX_GAS_LIMIT: u64 = 10_000_000;

/// A chain in memory.
pub struct Devnet {
    /// The EVM (its context holds the database and block).
    pub evm: DevEvm,
    /// The configuration it was started with.
    pub config: ChainConfig,
}

/// One transaction's result.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// revm's result (status, gas, logs, output).
    pub result: ExecutionResult,
    /// The intrinsic gas of the transaction (21,000 plus call data).
    pub intrinsic_gas: u64,
}

impl Receipt {
    /// Whether it succeeded.
    pub fn ok(&self) -> bool {
        self.result.is_success()
    }

    /// The returned (or revert) data.
    pub fn output(&self) -> Bytes {
        self.result.output().cloned().unwrap_or_default()
    }

    /// Gas the transaction spent before refunds, less its intrinsic gas: for a transaction
    /// straight to a precompile, exactly what the precompile charged.
    pub fn execution_gas(&self) -> u64 {
        self.result
            .gas()
            .total_gas_spent()
            .saturating_sub(self.intrinsic_gas)
    }

    /// Gas the transaction used after refunds.
    pub fn gas_used(&self) -> u64 {
        self.result.tx_gas_used()
    }

    /// The first four bytes of a revert (the custom error's selector), if it reverted.
    pub fn revert_selector(&self) -> Option<[u8; 4]> {
        match &self.result {
            ExecutionResult::Revert { output, .. } => output.first_chunk::<4>().copied(),
            _ => None,
        }
    }
}

impl Devnet {
    /// A chain at block 1, time `timestamp`, with `config`'s genesis installed.
    ///
    /// # Errors
    /// An invalid configuration.
    pub fn new(config: ChainConfig, timestamp: UnixTime) -> Result<Devnet, String> {
        let mut db = DevDb::default();
        install(&mut db, &config).map_err(|e| format!("genesis: {e}"))?;
        let chain_id = config.chain_id;
        let evm = Context::mainnet()
            .with_db(db)
            .modify_cfg_chained(|c| {
                c.chain_id = chain_id;
                c.disable_nonce_check = true;
            })
            .modify_block_chained(|b| {
                b.number = U256::from(1);
                b.timestamp = U256::from(timestamp.as_secs());
                b.basefee = 0;
            })
            .build_mainnet()
            .with_precompiles(AiminePrecompiles::new(&config));
        Ok(Devnet { evm, config })
    }

    /// The block time.
    pub fn time(&self) -> UnixTime {
        u64::try_from(self.evm.ctx.block.timestamp).map_or(UnixTime::MAX, UnixTime)
    }

    /// Moves to a later block at time `timestamp` (one block per 12 seconds).
    pub fn set_time(&mut self, timestamp: UnixTime) {
        let elapsed = timestamp.seconds_since(self.time());
        let number = self
            .evm
            .ctx
            .block
            .number
            .saturating_add(U256::from((elapsed / 12).saturating_add(1)));
        self.evm.ctx.block.timestamp = U256::from(timestamp.as_secs());
        self.evm.ctx.block.number = number;
    }

    /// Sets an account's balance.
    pub fn fund(&mut self, account: Address, balance: U256) {
        let db = self.evm.ctx.db_mut();
        let mut info = db.basic_ref(account).ok().flatten().unwrap_or_default();
        info.balance = balance;
        db.insert_account_info(account, info);
    }

    /// An account's balance.
    pub fn balance(&self, account: Address) -> U256 {
        self.evm
            .ctx
            .db_ref()
            .basic_ref(account)
            .ok()
            .flatten()
            .map_or(U256::ZERO, |a| a.balance)
    }

    /// A storage word (what `eth_getStorageAt` answers).
    pub fn storage(&self, account: Address, slot: U256) -> U256 {
        self.evm
            .ctx
            .db_ref()
            .storage_ref(account, slot)
            .unwrap_or_default()
    }

    fn tx(
        &self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
    ) -> Result<(TxEnv, u64), String> {
        self.tx_with_gas(from, kind, data, value, TX_GAS_LIMIT)
    }

    fn tx_with_gas(
        &self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> Result<(TxEnv, u64), String> {
        let intrinsic =
            calculate_initial_tx_gas(SpecId::default(), &data, kind.is_create(), 0, 0, 0, None)
                .initial_regular_gas;
        let tx = TxEnv::builder()
            .caller(from)
            .kind(kind)
            .data(data)
            .value(value)
            .gas_limit(gas_limit)
            .gas_price(0)
            .chain_id(Some(self.config.chain_id))
            .build()
            .map_err(|e| format!("transaction: {e:?}"))?;
        Ok((tx, intrinsic))
    }

    /// Sends a transaction and commits it.
    ///
    /// # Errors
    /// When revm refuses the transaction (not when it reverts).
    pub fn send(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<Receipt, String> {
        let (tx, intrinsic_gas) = self.tx(from, TxKind::Call(to), Bytes::from(data), value)?;
        let result = self.evm.transact_commit(tx).map_err(|e| e.to_string())?;
        Ok(Receipt {
            result,
            intrinsic_gas,
        })
    }

    /// Sends a transaction with a gas limit and commits it.
    ///
    /// # Errors
    /// When revm refuses the transaction (not when it reverts or runs out of gas).
    pub fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        gas_limit: u64,
    ) -> Result<Receipt, String> {
        let (tx, intrinsic_gas) = self.tx_with_gas(
            from,
            TxKind::Call(to),
            Bytes::from(data),
            U256::ZERO,
            gas_limit,
        )?;
        let result = self.evm.transact_commit(tx).map_err(|e| e.to_string())?;
        Ok(Receipt {
            result,
            intrinsic_gas,
        })
    }

    /// Runs a call without committing it (as `eth_call`).
    ///
    /// # Errors
    /// When revm refuses the transaction.
    pub fn view(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<Receipt, String> {
        let (tx, intrinsic_gas) = self.tx(from, TxKind::Call(to), Bytes::from(data), U256::ZERO)?;
        let result = self.evm.transact(tx).map_err(|e| e.to_string())?.result;
        Ok(Receipt {
            result,
            intrinsic_gas,
        })
    }

    /// Runs one call straight into an aimine precompile, as a contract at depth 1 would, and
    /// undoes it: the state, warm slots and logs are as before. Returns what the precompile
    /// charged and answered (the benches time this; tests read its exact gas).
    ///
    /// # Errors
    /// When the database fails, or `address` is not an aimine precompile.
    pub fn simulate(
        &mut self,
        caller: Address,
        address: Address,
        input: &[u8],
        value: U256,
        scheme: crate::host::Scheme,
    ) -> Result<crate::host::Outcome, String> {
        self.simulate_with_gas(caller, address, input, value, scheme, TX_GAS_LIMIT)
    }

    /// [`Devnet::simulate`] with `gas_limit` gas for the precompile.
    ///
    /// # Errors
    /// As [`Devnet::simulate`].
    pub fn simulate_with_gas(
        &mut self,
        caller: Address,
        address: Address,
        input: &[u8],
        value: U256,
        scheme: crate::host::Scheme,
        gas_limit: u64,
    ) -> Result<crate::host::Outcome, String> {
        use revm::context_interface::JournalTr;
        let block = aimine_registry::BlockEnv {
            chain_id: self.config.chain_id,
            number: u64::try_from(self.evm.ctx.block.number).unwrap_or(u64::MAX),
            timestamp: self.time(),
        };
        let call = crate::host::Call {
            caller,
            value,
            scheme,
            input,
            gas_limit,
            block,
        };
        let gas = self.config.gas;
        let ctx = &mut self.evm.ctx;
        let checkpoint = ctx.journal_mut().checkpoint();
        let (_, _, cfg, journal, _, _) = ctx.all_mut();
        let mut host = crate::provider::JournalHost { journal, cfg };
        let outcome = crate::run(&mut host, address, &call, &gas);
        ctx.journal_mut().checkpoint_revert(checkpoint);
        // Nothing of the call stays behind, not even the accounts it loaded.
        ctx.journal_mut().discard_tx();
        let _ = ctx.journal_mut().finalize();
        outcome
            .map_err(|e| e.0)?
            .ok_or_else(|| format!("{address} is not an aimine precompile"))
    }

    /// Deploys `init_code` (constructor arguments appended) from `from`; returns its address
    /// and the receipt.
    ///
    /// # Errors
    /// When the deployment fails.
    pub fn deploy(
        &mut self,
        from: Address,
        init_code: Vec<u8>,
    ) -> Result<(Address, Receipt), String> {
        let (tx, intrinsic_gas) =
            self.tx(from, TxKind::Create, Bytes::from(init_code), U256::ZERO)?;
        let result = self.evm.transact_commit(tx).map_err(|e| e.to_string())?;
        match &result {
            ExecutionResult::Success {
                output: Output::Create(_, Some(address)),
                ..
            } => {
                let address = *address;
                Ok((
                    address,
                    Receipt {
                        result,
                        intrinsic_gas,
                    },
                ))
            }
            other => Err(format!("deployment failed: {other:?}")),
        }
    }
}

/// The compiled contracts (`cargo xtask sol`), committed in `artifacts/`.
pub mod artifacts {
    use alloc::vec::Vec;

    /// `artifacts/ComputeProvider.json`: the mission's example contract.
    pub const COMPUTE_PROVIDER: &str = include_str!("../artifacts/ComputeProvider.json");
    /// `artifacts/AimineClient.json`: the test contract that uses every function.
    pub const AIMINE_CLIENT: &str = include_str!("../artifacts/AimineClient.json");

    /// The creation bytecode of an artifact.
    ///
    /// # Errors
    /// When the artifact has no `"bytecode"` hex string (an interface's has none).
    pub fn bytecode(artifact: &str) -> Result<Vec<u8>, alloc::string::String> {
        let hex = artifact
            .split("\"bytecode\": \"0x")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("the artifact has no bytecode")?;
        hex::decode(hex).map_err(|e| alloc::format!("artifact bytecode: {e}"))
    }
}
