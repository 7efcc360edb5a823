//! The chain: state, blocks, transactions and receipts, executed through alloy-evm's
//! `EthEvmFactory` EVM with the aimine precompiles added by `aimine_evm::alloy::extend`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use aimine_evm::ChainConfig;
use alloy_consensus::constants::EMPTY_OMMER_ROOT_HASH;
use alloy_consensus::proofs::{calculate_receipt_root, calculate_transaction_root};
use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, SignableTransaction,
    Transaction as _, TxEip1559, TxEnvelope, TxType,
};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_evm::{EthEvmFactory, Evm, EvmEnv, EvmFactory, FromRecoveredTx};
use alloy_primitives::{Address, B256, Bloom, Bytes, TxKind, U256};
use alloy_rlp::Decodable;
use alloy_rpc_types_eth::{Log as RpcLog, TransactionRequest};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_trie::TrieAccount;
use alloy_trie::root::{state_root_unhashed, storage_root_unhashed};
use revm::context::result::{EVMError, ExecutionResult, InvalidTransaction};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::state::{AccountInfo, Bytecode};
use revm::{Database, DatabaseRef};

use std::sync::Arc;

use crate::error::RpcError;
use crate::genesis::Genesis;
use crate::store::{CHECKPOINT_EVERY, Store, StoredAccount, StoredBlock};

/// The base fee of every block (constant, as a dev chain needs no fee market): 1 gwei.
pub const BASE_FEE: u64 = 1_000_000_000;
/// The gas limit of every block.
pub const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// The priority fee the node suggests: 1 gwei.
pub const PRIORITY_FEE: u128 = 1_000_000_000;
/// How many of the latest blocks' states the node keeps in memory for queries by block number
/// (the genesis state is kept too); an older block's state answers an error, as a pruned node's.
pub const KEPT_STATES: u64 = 128;
/// The most transactions waiting for a block (`--block-time`).
pub const MAX_POOL: usize = 10_000;

/// The state of one block.
pub type DevDb = CacheDB<EmptyDB>;

/// One mined block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Its header.
    pub header: Header,
    /// Its hash (of the RLP header).
    pub hash: B256,
    /// Its transactions' hashes, in order.
    pub txs: Vec<B256>,
}

/// One mined transaction with its outcome.
#[derive(Clone, Debug)]
pub struct Mined {
    /// The signed transaction.
    pub tx: TxEnvelope,
    /// Its recovered sender.
    pub from: Address,
    /// The block that holds it.
    pub block: u64,
    /// Its index in the block.
    pub index: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Success.
    pub status: bool,
    /// The logs it emitted, with their positions.
    pub logs: Vec<RpcLog>,
    /// The address of the contract it created (or, when the creation failed, would have).
    pub contract: Option<Address>,
    /// The price per gas it paid.
    pub gas_price: u128,
}

/// A transaction waiting for the next block (`--block-time`).
#[derive(Clone, Debug)]
pub struct Pending {
    /// The signed transaction.
    pub tx: TxEnvelope,
    /// Its recovered sender.
    pub from: Address,
}

/// What mining one block did.
#[derive(Clone, Debug, Default)]
pub struct MinedBlock {
    /// The hashes of the transactions it holds, in order.
    pub txs: Vec<B256>,
    /// Transactions dropped from the pool because they no longer executed, with why.
    pub dropped: Vec<(B256, String)>,
}

/// The whole chain state (cloned by `evm_snapshot`).
#[derive(Clone, Debug)]
pub struct Chain {
    /// The aimine genesis configuration.
    pub config: ChainConfig,
    /// The state after each block (index = block number), shared with snapshots; `None` once
    /// pruned (older than the latest `kept_states` blocks, genesis excepted).
    states: Vec<Option<Arc<DevDb>>>,
    /// The blocks, from genesis.
    pub blocks: Vec<Block>,
    /// Mined transactions by hash.
    pub txs: HashMap<B256, Mined>,
    /// Block hash to number.
    by_hash: HashMap<B256, u64>,
    /// Seconds added to the clock by `evm_increaseTime`.
    pub time_offset: i64,
    /// The timestamp of the next block, set by `evm_setNextBlockTimestamp`.
    pub next_timestamp: Option<u64>,
    /// The dev accounts' keys.
    pub dev: Vec<PrivateKeySigner>,
    /// Where blocks are persisted (`--data-dir`), if anywhere.
    store: Option<Arc<Store>>,
    /// Transactions waiting for the next block, in arrival order (`--block-time`; empty when
    /// every transaction is mined at once).
    pub pool: Vec<Pending>,
    /// Whether each transaction is mined in a block of its own as it arrives (no
    /// `--block-time`).
    pub auto_mine: bool,
    /// How many of the latest blocks' states are kept ([`KEPT_STATES`] by default).
    pub kept_states: u64,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An `InvalidTransaction` as the JSON-RPC error clients expect.
fn invalid(e: &InvalidTransaction) -> RpcError {
    let message = match e {
        InvalidTransaction::NonceTooLow { tx, state } => {
            format!("nonce too low: next nonce {state}, tx nonce {tx}")
        }
        InvalidTransaction::NonceTooHigh { tx, state } => {
            format!("nonce too high: next nonce {state}, tx nonce {tx}")
        }
        InvalidTransaction::LackOfFundForMaxFee { fee, balance } => {
            format!("insufficient funds for gas * price + value: have {balance} want {fee}")
        }
        other => format!("invalid transaction: {other}"),
    };
    RpcError::invalid_tx(message)
}

fn evm_error<E: std::fmt::Display>(e: EVMError<E>) -> RpcError {
    match e {
        EVMError::Transaction(t) => invalid(&t),
        other => RpcError::internal(other.to_string()),
    }
}

/// The Merkle-Patricia root of a state, as an Ethereum client computes it (empty accounts
/// omitted, EIP-161).
pub fn state_root(db: &DevDb) -> B256 {
    let accounts = db.cache.accounts.iter().filter_map(|(address, account)| {
        let info = account.info()?;
        let storage: Vec<(B256, U256)> = account
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (B256::from(*k), *v))
            .collect();
        if info.is_empty() && storage.is_empty() {
            return None;
        }
        let trie = TrieAccount {
            nonce: info.nonce,
            balance: info.balance,
            storage_root: storage_root_unhashed(storage),
            code_hash: info.code_hash,
        };
        Some((*address, trie))
    });
    state_root_unhashed(accounts)
}

/// The accounts of a state as stored (non-empty ones, in address order; non-zero words).
fn export_state(db: &DevDb) -> Vec<StoredAccount> {
    let mut accounts: Vec<StoredAccount> = db
        .cache
        .accounts
        .iter()
        .filter_map(|(address, account)| {
            let info = account.info()?;
            let mut storage: Vec<(U256, U256)> = account
                .storage
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            if info.is_empty() && storage.is_empty() {
                return None;
            }
            storage.sort_unstable();
            let code = info
                .code
                .as_ref()
                .map(Bytecode::original_bytes)
                .or_else(|| {
                    db.cache
                        .contracts
                        .get(&info.code_hash)
                        .map(Bytecode::original_bytes)
                })
                .unwrap_or_default();
            Some(StoredAccount {
                address: *address,
                nonce: info.nonce,
                balance: info.balance,
                code,
                storage,
            })
        })
        .collect();
    accounts.sort_unstable_by_key(|a| a.address);
    accounts
}

/// A state from its stored accounts.
fn state_from(accounts: &[StoredAccount]) -> Result<DevDb, String> {
    let mut db = DevDb::default();
    for a in accounts {
        let code = (!a.code.is_empty()).then(|| Bytecode::new_raw(a.code.clone()));
        db.insert_account_info(
            a.address,
            AccountInfo {
                balance: a.balance,
                nonce: a.nonce,
                code_hash: code
                    .as_ref()
                    .map_or(revm::primitives::KECCAK_EMPTY, Bytecode::hash_slow),
                code,
                ..Default::default()
            },
        );
        for (k, v) in &a.storage {
            db.insert_account_storage(a.address, *k, *v)
                .map_err(|e| format!("data dir: storage of {}: {e}", a.address))?;
        }
    }
    Ok(db)
}

impl Chain {
    /// A chain at `genesis`, in memory.
    ///
    /// # Errors
    /// An invalid genesis.
    pub fn new(genesis: &Genesis, dev: Vec<PrivateKeySigner>) -> Result<Chain, String> {
        let time = genesis.timestamp.unwrap_or_else(now);
        Chain::at(genesis, dev, time)
    }

    /// A chain persisted in `store` (or a new genesis, stored): its blocks and receipts read
    /// back as stored, its state the latest stored checkpoint's (checked against its header's
    /// state root) with the blocks after it executed again (and checked against their stored
    /// hashes). The store must have been made from the same genesis.
    ///
    /// # Errors
    /// An invalid genesis, an unreadable or malformed store, a store made from another
    /// genesis, or a stored block that no longer executes to itself.
    pub fn open(
        genesis: &Genesis,
        dev: Vec<PrivateKeySigner>,
        store: Store,
    ) -> Result<Chain, String> {
        let stored = store.blocks()?;
        let headers = stored
            .iter()
            .zip(0u64..)
            .map(|(b, n)| {
                Header::decode(&mut b.header.as_slice())
                    .map_err(|e| format!("data dir: block {n}: header: {e}"))
            })
            .collect::<Result<Vec<Header>, String>>()?;
        let genesis_time = headers
            .first()
            .map(|h| h.timestamp)
            .or(genesis.timestamp)
            .unwrap_or_else(now);
        let mut chain = Chain::at(genesis, dev, genesis_time)?;
        let ours = chain.blocks.first().map(|b| b.hash).unwrap_or_default();
        let Some(first) = stored.first() else {
            let header = chain.blocks.first().map(|b| alloy_rlp::encode(&b.header));
            let block = StoredBlock {
                header: header.unwrap_or_default(),
                txs: Vec::new(),
                receipts: Vec::new(),
            };
            store.put(0, &block, None)?;
            chain.store = Some(Arc::new(store));
            return Ok(chain);
        };
        let theirs = Store::header_hash(&first.header);
        if theirs != ours {
            return Err(format!(
                "data dir was made from another genesis (block 0 {theirs}, this genesis makes {ours}); use another --data-dir"
            ));
        }
        let latest = u64::try_from(stored.len().saturating_sub(1)).unwrap_or(u64::MAX);
        let checkpoint = store.checkpoint(latest)?;
        let at = checkpoint.as_ref().map_or(0, |(n, _)| *n);
        // Up to the checkpoint: read back, not executed.
        for ((block, header), number) in stored.iter().zip(headers).zip(0u64..).skip(1) {
            if number > at {
                break;
            }
            chain.load(number, header, block)?;
        }
        if let Some((number, accounts)) = checkpoint {
            let db = state_from(&accounts)?;
            let expected = chain.block(number).map(|b| b.header.state_root);
            let root = state_root(&db);
            if expected != Some(root) {
                return Err(format!(
                    "data dir: the state stored at block {number} has root {root}, its header says {expected:?}"
                ));
            }
            let slot = usize::try_from(number)
                .ok()
                .and_then(|n| chain.states.get_mut(n))
                .ok_or_else(|| format!("data dir: no block {number} for its state"))?;
            *slot = Some(Arc::new(db));
        }
        // After it: executed again, each to the very block stored.
        for (block, number) in stored.iter().zip(0u64..).skip(1) {
            if number <= at {
                continue;
            }
            let mut txs = Vec::new();
            for (from, raw) in &block.txs {
                let tx = TxEnvelope::decode_2718(&mut raw.as_slice())
                    .map_err(|e| format!("data dir: block {number}: {e}"))?;
                txs.push((tx, *from));
            }
            let header = Header::decode(&mut block.header.as_slice())
                .map_err(|e| format!("data dir: block {number}: header: {e}"))?;
            chain.next_timestamp = Some(header.timestamp);
            chain
                .mine(txs)
                .map_err(|e| format!("data dir: block {number} no longer executes: {e:?}"))?;
            let again = chain.blocks.last().map(|b| b.hash);
            if again != Some(Store::header_hash(&block.header)) {
                return Err(format!(
                    "data dir: block {number} executes to another block than the one stored"
                ));
            }
        }
        // Time goes on from the last block (evm_increaseTime's offset is not stored): the clock
        // never answers a time before it, nor stalls there until the wall clock catches up.
        let last = chain.blocks.last().map_or(0, |b| b.header.timestamp);
        chain.time_offset = i64::try_from(last.saturating_sub(now())).unwrap_or(i64::MAX);
        chain.store = Some(Arc::new(store));
        Ok(chain)
    }

    /// Adds stored block `number` without executing it (its state unknown).
    fn load(&mut self, number: u64, header: Header, block: &StoredBlock) -> Result<(), String> {
        let hash = header.hash_slow();
        let at = |e: String| format!("data dir: block {number}: {e}");
        if block.txs.len() != block.receipts.len() {
            return Err(at(String::from(
                "transactions and receipts differ in number",
            )));
        }
        let mut mined = Vec::new();
        let mut before = 0u64;
        let mut log_index = 0u64;
        for (index, ((from, raw), receipt)) in (0u64..).zip(block.txs.iter().zip(&block.receipts)) {
            let tx = TxEnvelope::decode_2718(&mut raw.as_slice()).map_err(|e| at(e.to_string()))?;
            let receipt =
                ReceiptEnvelope::<alloy_primitives::Log>::decode_2718(&mut receipt.as_slice())
                    .map_err(|e| at(e.to_string()))?;
            let cumulative = receipt.cumulative_gas_used();
            let gas_used = cumulative
                .checked_sub(before)
                .ok_or_else(|| at(String::from("cumulative gas decreases")))?;
            before = cumulative;
            let tx_hash = *tx.tx_hash();
            let logs = receipt
                .logs()
                .iter()
                .map(|l| {
                    let log = RpcLog {
                        inner: l.clone(),
                        block_hash: Some(hash),
                        block_number: Some(number),
                        block_timestamp: Some(header.timestamp),
                        transaction_hash: Some(tx_hash),
                        transaction_index: Some(index),
                        log_index: Some(log_index),
                        removed: false,
                    };
                    log_index = log_index.saturating_add(1);
                    log
                })
                .collect();
            let contract = match tx.kind() {
                TxKind::Create => Some(from.create(tx.nonce())),
                TxKind::Call(_) => None,
            };
            let gas_price = tx.effective_gas_price(Some(BASE_FEE));
            mined.push(Mined {
                tx,
                from: *from,
                block: number,
                index,
                gas_used,
                status: receipt.status(),
                logs,
                contract,
                gas_price,
            });
        }
        self.insert_block(header, hash, mined, None);
        Ok(())
    }

    /// Adds a block, its transactions and the state after it (`None`: not kept).
    fn insert_block(
        &mut self,
        header: Header,
        hash: B256,
        mined: Vec<Mined>,
        state: Option<DevDb>,
    ) {
        let number = header.number;
        let tx_hashes: Vec<B256> = mined.iter().map(|m| *m.tx.tx_hash()).collect();
        for mut m in mined {
            for log in &mut m.logs {
                log.block_hash = Some(hash);
            }
            self.txs.insert(*m.tx.tx_hash(), m);
        }
        self.by_hash.insert(hash, number);
        self.blocks.push(Block {
            header,
            hash,
            txs: tx_hashes,
        });
        self.states.push(state.map(Arc::new));
        // Memory stays bounded on a long run: only the latest states are kept.
        let prune = self
            .states
            .len()
            // At least the latest state is kept: the next block is built on it.
            .saturating_sub(usize::try_from(self.kept_states.max(1)).unwrap_or(usize::MAX))
            .saturating_sub(1);
        if prune > 0
            && let Some(old) = self.states.get_mut(prune)
        {
            *old = None;
        }
    }

    /// Makes the hashes of the latest 256 blocks known to `db` (BLOCKHASH), and only those.
    fn remember_hashes(&self, db: &mut DevDb) {
        db.cache.block_hashes.clear();
        for b in self.blocks.iter().rev().take(256) {
            db.cache
                .block_hashes
                .insert(U256::from(b.header.number), b.hash);
        }
    }

    fn at(
        genesis: &Genesis,
        dev: Vec<PrivateKeySigner>,
        genesis_time: u64,
    ) -> Result<Chain, String> {
        let mut db = DevDb::default();
        aimine_evm::install(&mut db, &genesis.config).map_err(|e| format!("genesis: {e:?}"))?;
        for (who, account) in &genesis.alloc {
            let code = (!account.code.is_empty()).then(|| Bytecode::new_raw(account.code.clone()));
            db.insert_account_info(
                *who,
                AccountInfo {
                    balance: account.balance,
                    nonce: account.nonce,
                    code_hash: code
                        .as_ref()
                        .map_or(revm::primitives::KECCAK_EMPTY, Bytecode::hash_slow),
                    code,
                    ..Default::default()
                },
            );
            for (k, v) in &account.storage {
                db.insert_account_storage(*who, *k, *v)
                    .map_err(|e| format!("genesis storage of {who}: {e}"))?;
            }
        }
        let header = Header {
            number: 0,
            timestamp: genesis_time,
            gas_limit: BLOCK_GAS_LIMIT,
            base_fee_per_gas: Some(BASE_FEE),
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            state_root: state_root(&db),
            transactions_root: alloy_trie::EMPTY_ROOT_HASH,
            receipts_root: alloy_trie::EMPTY_ROOT_HASH,
            extra_data: Bytes::copy_from_slice(genesis.digest.as_slice()),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let mut by_hash = HashMap::new();
        by_hash.insert(hash, 0);
        Ok(Chain {
            config: genesis.config.clone(),
            states: vec![Some(Arc::new(db))],
            blocks: vec![Block {
                header,
                hash,
                txs: Vec::new(),
            }],
            txs: HashMap::new(),
            by_hash,
            time_offset: 0,
            next_timestamp: None,
            dev,
            store: None,
            pool: Vec::new(),
            auto_mine: true,
            kept_states: KEPT_STATES,
        })
    }

    /// The latest block number.
    pub fn latest(&self) -> u64 {
        self.blocks.last().map(|b| b.header.number).unwrap_or(0)
    }

    /// A block by number.
    pub fn block(&self, number: u64) -> Option<&Block> {
        usize::try_from(number)
            .ok()
            .and_then(|n| self.blocks.get(n))
    }

    /// A block's number by its hash.
    pub fn number_of(&self, hash: &B256) -> Option<u64> {
        self.by_hash.get(hash).copied()
    }

    /// The state after block `number`.
    ///
    /// # Errors
    /// An unknown block, or one whose state is pruned.
    pub fn state(&self, number: u64) -> Result<&DevDb, RpcError> {
        match usize::try_from(number)
            .ok()
            .and_then(|n| self.states.get(n))
        {
            Some(Some(state)) => Ok(state),
            Some(None) => Err(RpcError::invalid_params(format!(
                "the state of block {number} is not kept: the node keeps the latest {} blocks' states, and after a restart those since its last checkpoint",
                self.kept_states
            ))),
            None => Err(RpcError::invalid_params(format!("unknown block {number}"))),
        }
    }

    /// An account at block `number` (default if absent).
    pub fn account(&self, number: u64, who: Address) -> Result<AccountInfo, RpcError> {
        let state = self.state(number)?;
        let info = state
            .basic_ref(who)
            .map_err(|e| RpcError::internal(e.to_string()))?;
        Ok(info.unwrap_or_default())
    }

    /// Code at block `number`.
    pub fn code(&self, number: u64, who: Address) -> Result<Bytes, RpcError> {
        let info = self.account(number, who)?;
        Ok(info.code.map(|c| c.original_bytes()).unwrap_or_default())
    }

    /// A storage word at block `number`.
    pub fn storage(&self, number: u64, who: Address, slot: U256) -> Result<U256, RpcError> {
        self.state(number)?
            .storage_ref(who, slot)
            .map_err(|e| RpcError::internal(e.to_string()))
    }

    fn cfg(&self) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg.chain_id = self.config.chain_id;
        cfg
    }

    fn block_env(number: u64, timestamp: u64, basefee: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            timestamp: U256::from(timestamp),
            gas_limit: BLOCK_GAS_LIMIT,
            basefee,
            prevrandao: Some(B256::ZERO),
            ..Default::default()
        }
    }

    /// The timestamp the next block gets.
    pub fn next_block_time(&self) -> u64 {
        let prev = self.blocks.last().map(|b| b.header.timestamp).unwrap_or(0);
        if let Some(t) = self.next_timestamp {
            return t;
        }
        let clock = now().saturating_add_signed(self.time_offset);
        clock.max(prev)
    }

    /// Runs `tx` against the state of block `number` without committing (eth_call,
    /// eth_estimateGas): no base fee, no nonce check.
    fn simulate(&self, number: u64, tx: TxEnv) -> Result<ExecutionResult, RpcError> {
        // An overlay on the block's state, not a copy of it: a call's cost does not grow with
        // the state (a copy per call, and ~2 to 7 per estimate, of every account and slot).
        let mut db = CacheDB::new(self.state(number)?);
        if let Some(b) = self.block(number) {
            db.cache.block_hashes.insert(U256::from(number), b.hash);
        }
        let mut cfg = self.cfg();
        cfg.disable_nonce_check = true;
        let timestamp = if number >= self.latest() {
            self.next_block_time()
        } else {
            self.block(number).map(|b| b.header.timestamp).unwrap_or(0)
        };
        let env = EvmEnv {
            cfg_env: cfg,
            block_env: Chain::block_env(number.saturating_add(1), timestamp, 0),
        };
        let mut evm = EthEvmFactory::default().create_evm(db, env.clone());
        aimine_evm::alloy::extend(evm.precompiles_mut(), &self.config, &env.cfg_env);
        evm.transact(tx).map(|r| r.result).map_err(evm_error)
    }

    /// A call request as a `TxEnv` at block `number`.
    fn call_env(&self, number: u64, req: &TransactionRequest, gas: u64) -> Result<TxEnv, RpcError> {
        let from = req.from.unwrap_or_default();
        let nonce = self.account(number, from)?.nonce;
        let kind = req.to.unwrap_or(TxKind::Create);
        TxEnv::builder()
            .caller(from)
            .kind(kind)
            .data(req.input.input().cloned().unwrap_or_default())
            .value(req.value.unwrap_or_default())
            .access_list(req.access_list.clone().unwrap_or_default())
            .gas_limit(gas)
            .gas_price(0)
            .nonce(nonce)
            .chain_id(Some(self.config.chain_id))
            .build()
            .map_err(|e| RpcError::invalid_params(format!("{e:?}")))
    }

    /// `eth_call`: the output bytes, or the revert as an error.
    pub fn call(&self, number: u64, req: &TransactionRequest) -> Result<Bytes, RpcError> {
        let gas = req.gas.unwrap_or(BLOCK_GAS_LIMIT).min(BLOCK_GAS_LIMIT);
        let tx = self.call_env(number, req, gas)?;
        match self.simulate(number, tx)? {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(RpcError::revert(output)),
            ExecutionResult::Halt { reason, .. } => Err(RpcError::invalid_tx(format!(
                "execution halted: {reason:?}"
            ))),
        }
    }

    /// `eth_estimateGas`: a gas limit with which the call succeeds: the gas it uses when that
    /// is enough, or else one within 1.5% of the least (geth's search: an optimistic first
    /// guess, then halving until within the ratio), so a few executions rather than a full
    /// binary search of ~25 under the chain's lock.
    pub fn estimate(&self, number: u64, req: &TransactionRequest) -> Result<u64, RpcError> {
        let cap = req.gas.unwrap_or(BLOCK_GAS_LIMIT).min(BLOCK_GAS_LIMIT);
        let (used, spent) = match self.simulate(number, self.call_env(number, req, cap)?)? {
            ExecutionResult::Success { gas, .. } => (gas.tx_gas_used(), gas.total_gas_spent()),
            ExecutionResult::Revert { output, .. } => return Err(RpcError::revert(output)),
            ExecutionResult::Halt { reason, .. } => {
                return Err(RpcError::invalid_tx(format!(
                    "execution halted: {reason:?}"
                )));
            }
        };
        let succeeds = |gas: u64| -> Result<bool, RpcError> {
            Ok(matches!(
                self.simulate(number, self.call_env(number, req, gas)?),
                Ok(ExecutionResult::Success { .. })
            ))
        };
        // Most calls (transfers, precompile calls) succeed with exactly the gas they use.
        if used < cap && succeeds(used)? {
            return Ok(used);
        }
        // The least limit that succeeds lies in [lo, hi] (refunds and the 63/64 rule make it
        // exceed the gas used); hi is known to succeed.
        let (mut lo, mut hi) = (used.saturating_add(1).min(cap), cap);
        // The gas spent before refunds, a call stipend, and the 1/64 kept by each call: enough
        // for most calls (geth's optimistic limit).
        let optimistic = spent.saturating_add(2_300).saturating_mul(64) / 63;
        if optimistic > lo && optimistic < hi {
            if succeeds(optimistic)? {
                hi = optimistic;
            } else {
                lo = optimistic.saturating_add(1);
            }
        }
        // The least, exactly (as anvil answers): once the optimistic limit brackets it, a dozen
        // more calls at most.
        while lo < hi {
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            if succeeds(mid)? {
                hi = mid;
            } else {
                lo = mid.saturating_add(1);
            }
        }
        Ok(hi)
    }

    /// Decodes and recovers one raw transaction and submits it ([`Chain::submit`]).
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<B256, RpcError> {
        let mut buf = raw;
        let tx = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| RpcError::invalid_params(format!("transaction decoding: {e}")))?;
        if !buf.is_empty() {
            return Err(RpcError::invalid_params(
                "trailing bytes after the transaction",
            ));
        }
        if tx.tx_type() == TxType::Eip4844 {
            return Err(RpcError::invalid_tx(
                "blob transactions (EIP-4844) are not accepted: this chain keeps no blobs",
            ));
        }
        if let Some(id) = tx.chain_id()
            && id != self.config.chain_id
        {
            return Err(RpcError::invalid_tx(format!(
                "invalid chain id {id}: this chain is {}",
                self.config.chain_id
            )));
        }
        let from = tx
            .recover_signer()
            .map_err(|e| RpcError::invalid_tx(format!("invalid signature: {e}")))?;
        self.submit(tx, from)
    }

    /// The nonce the next transaction of `who` must have: its account's, plus its
    /// transactions waiting in the pool.
    pub fn pending_nonce(&self, who: Address) -> Result<u64, RpcError> {
        let state = self.account(self.latest(), who)?.nonce;
        let waiting = self.pool.iter().filter(|p| p.from == who).count();
        Ok(state.saturating_add(u64::try_from(waiting).unwrap_or(u64::MAX)))
    }

    /// A transaction waiting in the pool.
    pub fn pending(&self, hash: &B256) -> Option<&Pending> {
        self.pool.iter().find(|p| p.tx.tx_hash() == hash)
    }

    /// Mines `tx` at once (auto-mining), or checks it and queues it for the next block
    /// (`--block-time`).
    ///
    /// # Errors
    /// A known transaction; then, mining at once, any failed validation; queueing, a nonce
    /// too low or with a gap, a fee under the base fee, a gas limit over the block's, funds
    /// short of gas × fee + value, or a full pool.
    pub fn submit(&mut self, tx: TxEnvelope, from: Address) -> Result<B256, RpcError> {
        let hash = *tx.tx_hash();
        if self.txs.contains_key(&hash) || self.pending(&hash).is_some() {
            return Err(RpcError::invalid_tx(format!(
                "transaction {hash} is already known"
            )));
        }
        if self.auto_mine {
            self.mine(vec![(tx, from)])?;
            return Ok(hash);
        }
        let account = self.account(self.latest(), from)?;
        let next = self.pending_nonce(from)?;
        let nonce = tx.nonce();
        if nonce < account.nonce {
            return Err(RpcError::invalid_tx(format!(
                "nonce too low: next nonce {}, tx nonce {nonce}",
                account.nonce
            )));
        }
        if nonce < next {
            return Err(RpcError::invalid_tx(format!(
                "a transaction with nonce {nonce} from {from} is already waiting (replacement is not supported)"
            )));
        }
        if nonce > next {
            return Err(RpcError::invalid_tx(format!(
                "nonce too high: next nonce {next}, tx nonce {nonce} (gaps are not queued)"
            )));
        }
        if tx.gas_limit() > BLOCK_GAS_LIMIT {
            return Err(RpcError::invalid_tx(format!(
                "gas limit {} exceeds the block gas limit {BLOCK_GAS_LIMIT}",
                tx.gas_limit()
            )));
        }
        if tx.max_fee_per_gas() < u128::from(BASE_FEE) {
            return Err(RpcError::invalid_tx(format!(
                "max fee per gas {} is less than the block base fee {BASE_FEE}",
                tx.max_fee_per_gas()
            )));
        }
        // What execution refuses whatever the state: refused now, not accepted then dropped at
        // mining (the client holding a hash that is never mined).
        if tx
            .max_priority_fee_per_gas()
            .is_some_and(|p| p > tx.max_fee_per_gas())
        {
            return Err(RpcError::invalid_tx(
                "max priority fee per gas higher than max fee per gas",
            ));
        }
        if tx.tx_type() == TxType::Eip7702 && tx.authorization_list().is_none_or(<[_]>::is_empty) {
            return Err(RpcError::invalid_tx(
                "an EIP-7702 transaction needs a non-empty authorization list",
            ));
        }
        let tx_env = TxEnv::from_recovered_tx(&tx, from);
        revm::handler::validation::validate_initial_tx_gas(
            &tx_env,
            SpecId::PRAGUE,
            false,
            false,
            u64::MAX,
            None,
        )
        .map_err(|e| invalid(&e))?;
        if account
            .code
            .as_ref()
            .is_some_and(|c| !c.is_empty() && !c.is_eip7702())
        {
            return Err(RpcError::invalid_tx(
                "sender has deployed code: it cannot send transactions (EIP-3607)",
            ));
        }
        let cost = U256::from(tx.gas_limit())
            .saturating_mul(U256::from(tx.max_fee_per_gas()))
            .saturating_add(tx.value());
        if account.balance < cost {
            return Err(RpcError::invalid_tx(format!(
                "insufficient funds for gas * price + value: have {} want {cost}",
                account.balance
            )));
        }
        if self.pool.len() >= MAX_POOL {
            // Full: the newcomer takes the place of the lowest tip below its own, among the
            // other senders' last waiting transactions (so no sender is left with a gap), or
            // is refused. One sender filling the pool cannot shut everyone else out.
            let tip = tx.effective_tip_per_gas(BASE_FEE).unwrap_or(0);
            let mut last: HashMap<Address, usize> = HashMap::new();
            for (i, p) in self.pool.iter().enumerate() {
                last.insert(p.from, i);
            }
            let cheapest = last
                .iter()
                .filter(|(sender, _)| **sender != from)
                .filter_map(|(_, &i)| {
                    let t = self
                        .pool
                        .get(i)?
                        .tx
                        .effective_tip_per_gas(BASE_FEE)
                        .unwrap_or(0);
                    (t < tip).then_some((t, Reverse(i)))
                })
                .min();
            let Some((_, Reverse(evicted))) = cheapest else {
                return Err(RpcError::invalid_tx(format!(
                    "the transaction pool is full ({MAX_POOL} waiting) with tips at least {tip}"
                )));
            };
            self.pool.remove(evicted);
        }
        self.pool.push(Pending { tx, from });
        Ok(hash)
    }

    /// `eth_sendTransaction` from a dev account: fills nonce, gas and fees, signs, submits.
    pub fn send_dev(&mut self, req: &TransactionRequest) -> Result<B256, RpcError> {
        let from = req
            .from
            .ok_or_else(|| RpcError::invalid_params("missing from"))?;
        let key = self
            .dev
            .iter()
            .find(|k| k.address() == from)
            .cloned()
            .ok_or_else(|| RpcError::invalid_params(format!("{from} is not a dev account")))?;
        let latest = self.latest();
        let nonce = match req.nonce {
            Some(n) => n,
            None => self.pending_nonce(from)?,
        };
        let gas_limit = match req.gas {
            Some(g) => g,
            None => self.estimate(latest, req)?,
        };
        let priority = req.max_priority_fee_per_gas.unwrap_or(PRIORITY_FEE);
        let max_fee = req.max_fee_per_gas.or(req.gas_price).unwrap_or(
            u128::from(BASE_FEE)
                .saturating_mul(2)
                .saturating_add(priority),
        );
        let tx = TxEip1559 {
            chain_id: self.config.chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: priority.min(max_fee),
            to: req.to.unwrap_or(TxKind::Create),
            value: req.value.unwrap_or_default(),
            access_list: req.access_list.clone().unwrap_or_default(),
            input: req.input.input().cloned().unwrap_or_default(),
        };
        let sig = key
            .sign_hash_sync(&tx.signature_hash())
            .map_err(|e| RpcError::internal(e.to_string()))?;
        let envelope = TxEnvelope::from(tx.into_signed(sig));
        self.submit(envelope, from)
    }

    /// Mines one block holding `txs` (each already recovered). A transaction that fails
    /// validation fails the whole call and nothing is mined.
    pub fn mine(&mut self, txs: Vec<(TxEnvelope, Address)>) -> Result<Vec<B256>, RpcError> {
        self.build(txs, true).map(|b| b.txs)
    }

    /// Mines one block from the pool: its transactions by tip, highest first (arrival order
    /// among equal tips), each sender's in nonce order, while they fit the block gas limit; one
    /// that does not fit waits, with its sender's later ones, and the others still go (a
    /// sender of block-sized transactions cannot hold every later transaction back). One that
    /// no longer executes (its sender's funds spent by an earlier one, say) is dropped and
    /// reported, with its sender's later ones.
    pub fn mine_pending(&mut self) -> Result<MinedBlock, RpcError> {
        let txs: Vec<(TxEnvelope, Address)> = self
            .select_pending()
            .into_iter()
            .filter_map(|i| self.pool.get(i))
            .map(|p| (p.tx.clone(), p.from))
            .collect();
        let block = self.build(txs.clone(), false)?;
        let taken: HashSet<B256> = txs.iter().map(|(t, _)| *t.tx_hash()).collect();
        // A dropped transaction's successors from the same sender can no longer execute.
        let dropped: HashSet<Address> = block
            .dropped
            .iter()
            .filter_map(|(h, _)| txs.iter().find(|(t, _)| t.tx_hash() == h).map(|(_, f)| *f))
            .collect();
        self.pool
            .retain(|p| !taken.contains(p.tx.tx_hash()) && !dropped.contains(&p.from));
        Ok(block)
    }

    /// The pool positions of the next block's transactions, in block order (see
    /// [`Chain::mine_pending`]).
    fn select_pending(&self) -> Vec<usize> {
        // Each sender's transactions in arrival order, which admission makes nonce order.
        let mut queues: Vec<VecDeque<usize>> = Vec::new();
        let mut of: HashMap<Address, usize> = HashMap::new();
        for (i, p) in self.pool.iter().enumerate() {
            let q = *of.entry(p.from).or_insert_with(|| {
                queues.push(VecDeque::new());
                queues.len().saturating_sub(1)
            });
            if let Some(q) = queues.get_mut(q) {
                q.push_back(i);
            }
        }
        let tip = |i: usize| {
            self.pool
                .get(i)
                .and_then(|p| p.tx.effective_tip_per_gas(BASE_FEE))
                .unwrap_or(0)
        };
        // Each sender's next transaction: the highest tip first, then the earliest.
        let mut heads: BinaryHeap<(u128, Reverse<usize>, usize)> = queues
            .iter()
            .enumerate()
            .filter_map(|(q, txs)| txs.front().map(|&i| (tip(i), Reverse(i), q)))
            .collect();
        let mut gas_left = BLOCK_GAS_LIMIT;
        let mut out = Vec::new();
        while let Some((_, Reverse(i), q)) = heads.pop() {
            let limit = self.pool.get(i).map_or(u64::MAX, |p| p.tx.gas_limit());
            if limit > gas_left {
                // It waits for the next block, and so do its sender's later ones.
                continue;
            }
            gas_left = gas_left.saturating_sub(limit);
            out.push(i);
            if let Some(txs) = queues.get_mut(q) {
                txs.pop_front();
                if let Some(&next) = txs.front() {
                    heads.push((tip(next), Reverse(next), q));
                }
            }
        }
        out
    }

    /// Executes `txs` into a new block. `strict`: a transaction that fails validation fails
    /// the call and nothing is mined; otherwise it is left out and reported.
    fn build(
        &mut self,
        txs: Vec<(TxEnvelope, Address)>,
        strict: bool,
    ) -> Result<MinedBlock, RpcError> {
        let parent = self
            .blocks
            .last()
            .cloned()
            .ok_or_else(|| RpcError::internal("no genesis"))?;
        let number = parent.header.number.saturating_add(1);
        let timestamp = self.next_block_time();
        let mut db = self.state(parent.header.number)?.clone();
        self.remember_hashes(&mut db);
        let env = EvmEnv {
            cfg_env: self.cfg(),
            block_env: Chain::block_env(number, timestamp, BASE_FEE),
        };
        let mut evm = EthEvmFactory::default().create_evm(db, env.clone());
        aimine_evm::alloy::extend(evm.precompiles_mut(), &self.config, &env.cfg_env);
        let mut mined: Vec<Mined> = Vec::new();
        let mut dropped = Vec::new();
        let mut cumulative = 0u64;
        let mut receipts = Vec::new();
        let mut log_index = 0u64;
        let mut bloom = Bloom::default();
        for (tx, from) in txs {
            let index = u64::try_from(mined.len()).unwrap_or(u64::MAX);
            let nonce = evm
                .db_mut()
                .basic(from)
                .map_err(|e| RpcError::internal(e.to_string()))?
                .map(|a| a.nonce)
                .unwrap_or(0);
            let tx_env = TxEnv::from_recovered_tx(&tx, from);
            let hash = *tx.tx_hash();
            let result = match evm.transact_commit(tx_env) {
                Ok(r) => r,
                Err(e) if strict => return Err(evm_error(e)),
                Err(e) => {
                    dropped.push((hash, format!("{:?}", evm_error(e))));
                    continue;
                }
            };
            let gas_used = result.tx_gas_used();
            cumulative = cumulative.saturating_add(gas_used);
            // A creation's receipt names its address even when it failed (as geth and anvil).
            let contract = match tx.kind() {
                TxKind::Create => Some(from.create(nonce)),
                TxKind::Call(_) => None,
            };
            let logs: Vec<RpcLog> = result
                .logs()
                .iter()
                .map(|l| {
                    let log = RpcLog {
                        inner: l.clone(),
                        block_hash: None,
                        block_number: Some(number),
                        block_timestamp: Some(timestamp),
                        transaction_hash: Some(hash),
                        transaction_index: Some(index),
                        log_index: Some(log_index),
                        removed: false,
                    };
                    log_index = log_index.saturating_add(1);
                    log
                })
                .collect();
            let receipt = Receipt {
                status: Eip658Value::Eip658(result.is_success()),
                cumulative_gas_used: cumulative,
                logs: result.logs().to_vec(),
            };
            let with_bloom = ReceiptWithBloom::from(receipt);
            bloom.accrue_bloom(&with_bloom.logs_bloom);
            receipts.push(typed_receipt(tx.tx_type(), with_bloom));
            let gas_price = tx.effective_gas_price(Some(BASE_FEE));
            mined.push(Mined {
                tx,
                from,
                block: number,
                index,
                gas_used,
                status: result.is_success(),
                logs,
                contract,
                gas_price,
            });
        }
        let db = evm.into_db();
        let envelopes: Vec<&TxEnvelope> = mined.iter().map(|m| &m.tx).collect();
        let header = Header {
            parent_hash: parent.hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            number,
            timestamp,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: cumulative,
            base_fee_per_gas: Some(BASE_FEE),
            logs_bloom: bloom,
            state_root: state_root(&db),
            transactions_root: calculate_transaction_root(&envelopes),
            receipts_root: calculate_receipt_root(&receipts),
            mix_hash: B256::ZERO,
            ..Default::default()
        };
        let hash = header.hash_slow();
        if let Some(store) = &self.store {
            let block = StoredBlock {
                header: alloy_rlp::encode(&header),
                txs: mined
                    .iter()
                    .map(|m| (m.from, m.tx.encoded_2718()))
                    .collect(),
                receipts: receipts.iter().map(Encodable2718::encoded_2718).collect(),
            };
            let state = (number % CHECKPOINT_EVERY == 0).then(|| export_state(&db));
            store
                .put(number, &block, state.as_deref())
                .map_err(RpcError::internal)?;
        }
        let tx_hashes: Vec<B256> = mined.iter().map(|m| *m.tx.tx_hash()).collect();
        self.insert_block(header, hash, mined, Some(db));
        self.next_timestamp = None;
        Ok(MinedBlock {
            txs: tx_hashes,
            dropped,
        })
    }

    /// The receipt envelope of a mined transaction.
    pub fn receipt_envelope(&self, m: &Mined) -> ReceiptEnvelope<RpcLog> {
        let cumulative = self
            .block(m.block)
            .map(|b| {
                b.txs
                    .iter()
                    .take(
                        usize::try_from(m.index)
                            .unwrap_or(usize::MAX)
                            .saturating_add(1),
                    )
                    .filter_map(|h| self.txs.get(h))
                    .fold(0u64, |acc, t| acc.saturating_add(t.gas_used))
            })
            .unwrap_or(m.gas_used);
        let receipt = Receipt {
            status: Eip658Value::Eip658(m.status),
            cumulative_gas_used: cumulative,
            logs: m.logs.clone(),
        };
        let bloom = receipt.bloom_slow();
        let with_bloom = ReceiptWithBloom {
            receipt,
            logs_bloom: bloom,
        };
        typed_receipt(m.tx.tx_type(), with_bloom)
    }

    /// Reverts to a state `snapshot` returned earlier.
    ///
    /// # Errors
    /// The persisted blocks cannot be truncated to the snapshot's (memory is reverted anyway).
    pub fn restore(&mut self, snapshot: Chain) -> Result<(), RpcError> {
        let offset = self.time_offset;
        *self = snapshot;
        // The clock is not rewound by a revert (as anvil).
        self.time_offset = offset;
        match &self.store {
            Some(store) => store.truncate(self.latest()).map_err(RpcError::internal),
            None => Ok(()),
        }
    }
}

/// A receipt in the envelope of its transaction's type.
fn typed_receipt<T>(kind: TxType, r: ReceiptWithBloom<Receipt<T>>) -> ReceiptEnvelope<T> {
    match kind {
        TxType::Legacy => ReceiptEnvelope::Legacy(r),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(r),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(r),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(r),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(r),
    }
}
