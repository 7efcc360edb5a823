//! The JSON-RPC methods.

use std::sync::{Arc, Mutex, MutexGuard};

use alloy_consensus::transaction::Recovered;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_types_eth::{
    Block as RpcBlock, BlockTransactions, Filter, Header as RpcHeader, Log as RpcLog,
    Transaction as RpcTransaction, TransactionReceipt, TransactionRequest,
};
use jsonrpsee::RpcModule;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::chain::{BASE_FEE, Chain, Mined, PRIORITY_FEE};
use crate::error::RpcError;
use crate::filters::{Filters, Watch};

/// The most blocks one `eth_getLogs` scans.
pub const MAX_LOG_RANGE: u64 = 10_000;
/// The most logs one `eth_getLogs` answers (a query matching more is refused).
pub const MAX_LOGS: usize = 10_000;
/// The most bytes of log data one `eth_getLogs` answers (twice as many in hex).
pub const MAX_LOG_BYTES: usize = 16 * 1024 * 1024;
/// The most `evm_snapshot`s kept at once (each is a copy of the chain).
pub const MAX_SNAPSHOTS: usize = 1_024;
/// The most reward percentiles one `eth_feeHistory` asks for (geth's bound).
const MAX_PERCENTILES: usize = 100;

/// What the methods share.
pub struct Ctx {
    /// The chain.
    pub chain: Mutex<Chain>,
    /// `evm_snapshot`s.
    pub snapshots: Mutex<Snapshots>,
    /// Print one line per block.
    pub verbose: bool,
    /// Installed `eth_newFilter`/`eth_newBlockFilter` filters.
    pub filters: Mutex<Filters>,
}

/// The `evm_snapshot`s kept, with their ids. Ids are never reused (as anvil's and hardhat's):
/// a client holding the id of a snapshot already reverted to gets `false`, not a revert to
/// another client's later snapshot that happens to have the same number.
#[derive(Debug, Default)]
pub struct Snapshots {
    /// The snapshots, with their ids, oldest first.
    pub kept: Vec<(u64, Chain)>,
    /// The last id given.
    pub last_id: u64,
}

type Res = Result<Value, ErrorObjectOwned>;

fn lock(m: &Mutex<Chain>) -> MutexGuard<'_, Chain> {
    // A panic while holding the lock cannot leave the chain half-updated: every change is
    // built first and applied at the end. Keep serving.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn json(v: impl Serialize) -> Res {
    serde_json::to_value(v).map_err(|e| RpcError::internal(e.to_string()).into())
}

fn bad(e: impl std::fmt::Display) -> ErrorObjectOwned {
    RpcError::invalid_params(e.to_string()).into()
}

/// The parameters as a sequence of `N` required then optional values.
struct Args<'a>(jsonrpsee::types::params::ParamsSequence<'a>);

impl<'a> Args<'a> {
    fn of(p: &'a Params<'a>) -> Args<'a> {
        Args(p.sequence())
    }
    fn req<T: DeserializeOwned>(&mut self) -> Result<T, ErrorObjectOwned> {
        self.0.next::<T>()
    }
    fn opt<T: DeserializeOwned>(&mut self) -> Result<Option<T>, ErrorObjectOwned> {
        self.0.optional_next::<T>()
    }
}

/// The block number `id` names (latest when absent).
fn resolve(chain: &Chain, id: Option<BlockId>) -> Result<u64, ErrorObjectOwned> {
    let latest = chain.latest();
    let n = match id {
        None => latest,
        Some(BlockId::Hash(h)) => chain
            .number_of(&h.block_hash)
            .ok_or_else(|| bad(format!("unknown block {}", h.block_hash)))?,
        Some(BlockId::Number(tag)) => tag_number(chain, tag),
    };
    if n > latest {
        return Err(bad(format!("block {n} is beyond the latest, {latest}")));
    }
    Ok(n)
}

fn tag_number(chain: &Chain, tag: BlockNumberOrTag) -> u64 {
    match tag {
        BlockNumberOrTag::Number(n) => n,
        BlockNumberOrTag::Earliest => 0,
        _ => chain.latest(),
    }
}

fn rpc_tx(chain: &Chain, m: &Mined) -> RpcTransaction {
    RpcTransaction {
        inner: Recovered::new_unchecked(m.tx.clone(), m.from),
        block_hash: chain.block(m.block).map(|b| b.hash),
        block_number: Some(m.block),
        transaction_index: Some(m.index),
        effective_gas_price: Some(m.gas_price),
        block_timestamp: chain.block(m.block).map(|b| b.header.timestamp),
    }
}

fn rpc_receipt(chain: &Chain, m: &Mined) -> TransactionReceipt {
    TransactionReceipt {
        inner: chain.receipt_envelope(m),
        transaction_hash: *m.tx.tx_hash(),
        transaction_index: Some(m.index),
        block_hash: chain.block(m.block).map(|b| b.hash),
        block_number: Some(m.block),
        gas_used: m.gas_used,
        effective_gas_price: m.gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: m.from,
        to: alloy_consensus::Transaction::to(&m.tx),
        contract_address: m.contract,
    }
}

fn rpc_block(chain: &Chain, number: u64, full: bool) -> Option<RpcBlock> {
    let b = chain.block(number)?;
    let transactions = if full {
        BlockTransactions::Full(
            b.txs
                .iter()
                .filter_map(|h| chain.txs.get(h))
                .map(|m| rpc_tx(chain, m))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(b.txs.clone())
    };
    Some(RpcBlock {
        header: RpcHeader {
            hash: b.hash,
            inner: b.header.clone(),
            total_difficulty: Some(U256::ZERO),
            size: None,
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    })
}

fn announce(ctx: &Ctx, chain: &Chain) {
    if !ctx.verbose {
        return;
    }
    if let Some(b) = chain.blocks.last() {
        say!(
            "block {} {} time {} txs {} gas {}",
            b.header.number,
            b.hash,
            b.header.timestamp,
            b.txs.len(),
            b.header.gas_used
        );
    }
}

fn filters(ctx: &Ctx) -> MutexGuard<'_, Filters> {
    ctx.filters.lock().unwrap_or_else(|p| p.into_inner())
}

/// The transaction at `index` of block `number`.
fn by_index(chain: &Chain, number: u64, index: U64) -> Option<RpcTransaction> {
    let i = usize::try_from(index.to::<u64>()).ok()?;
    let hash = chain.block(number)?.txs.get(i)?;
    chain.txs.get(hash).map(|m| rpc_tx(chain, m))
}

/// Mines a block from the pool (`--block-time`'s clock, `evm_mine`), and says what it did.
pub(crate) fn mine_pending(ctx: &Ctx) {
    let mut chain = lock(&ctx.chain);
    if let Err(e) = mine_locked(ctx, &mut chain) {
        say!("mining failed: {e:?}");
    }
}

/// Mines a block from the pool of the locked `chain`, and says what it did.
fn mine_locked(ctx: &Ctx, chain: &mut Chain) -> Result<(), RpcError> {
    let block = chain.mine_pending()?;
    announce(ctx, chain);
    for (hash, why) in &block.dropped {
        say!("dropped {hash}: {why}");
    }
    Ok(())
}

fn logs(chain: &Chain, filter: &Filter) -> Result<Vec<RpcLog>, ErrorObjectOwned> {
    let latest = chain.latest();
    let (from, to) = if let Some(hash) = filter.get_block_hash() {
        let n = chain
            .number_of(&hash)
            .ok_or_else(|| bad(format!("unknown block {hash}")))?;
        (n, n)
    } else {
        let from = filter
            .block_option
            .get_from_block()
            .map(|t| tag_number(chain, *t))
            .unwrap_or(latest);
        let to = filter
            .block_option
            .get_to_block()
            .map(|t| tag_number(chain, *t))
            .unwrap_or(latest)
            .min(latest);
        (from, to)
    };
    if to.saturating_sub(from) > MAX_LOG_RANGE {
        return Err(bad(format!("block range larger than {MAX_LOG_RANGE}")));
    }
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for n in from..=to {
        let Some(b) = chain.block(n) else { continue };
        for m in b.txs.iter().filter_map(|h| chain.txs.get(h)) {
            for log in &m.logs {
                if filter.matches_address(log.inner.address)
                    && filter.matches_topics(log.inner.data.topics())
                {
                    bytes = bytes.saturating_add(log.inner.data.data.len());
                    if out.len() >= MAX_LOGS || bytes > MAX_LOG_BYTES {
                        return Err(bad(format!(
                            "the query matches more than {MAX_LOGS} logs or {MAX_LOG_BYTES} bytes of log data: narrow its block range"
                        )));
                    }
                    out.push(log.clone());
                }
            }
        }
    }
    Ok(out)
}

/// The RPC module of a chain.
pub fn module(ctx: Arc<Ctx>) -> Result<RpcModule<Arc<Ctx>>, String> {
    let mut m = RpcModule::new(ctx);
    // Every method runs on tokio's blocking pool, not on the server's async workers: it may
    // wait for the chain's lock behind a slow call, and the workers must stay free to serve
    // the rest (the CLI runs two).
    macro_rules! method {
        ($name:literal, |$p:ident, $ctx:ident| $body:expr) => {
            m.register_blocking_method($name, |$p, $ctx, _| -> Res {
                #[allow(unused_variables)]
                let $ctx: &Ctx = &$ctx;
                #[allow(unused_variables)]
                let $p = $p;
                $body
            })
            .map_err(|e| e.to_string())?;
        };
    }
    method!("web3_clientVersion", |p, ctx| json(concat!(
        "aimine-node/",
        env!("CARGO_PKG_VERSION")
    )));
    method!("eth_chainId", |p, ctx| json(U64::from(
        lock(&ctx.chain).config.chain_id
    )));
    method!("net_version", |p, ctx| json(
        lock(&ctx.chain).config.chain_id.to_string()
    ));
    method!("net_listening", |p, ctx| json(true));
    method!("eth_syncing", |p, ctx| json(false));
    method!("eth_blockNumber", |p, ctx| json(U64::from(
        lock(&ctx.chain).latest()
    )));
    method!("eth_gasPrice", |p, ctx| json(U256::from(
        u128::from(BASE_FEE).saturating_add(PRIORITY_FEE)
    )));
    method!("eth_maxPriorityFeePerGas", |p, ctx| json(U256::from(
        PRIORITY_FEE
    )));
    method!("eth_accounts", |p, ctx| json(
        lock(&ctx.chain)
            .dev
            .iter()
            .map(|k| k.address())
            .collect::<Vec<Address>>()
    ));
    method!("eth_getBalance", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        json(chain.account(n, who)?.balance)
    });
    method!("eth_getTransactionCount", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        if id == Some(BlockId::Number(BlockNumberOrTag::Pending)) {
            return json(U64::from(chain.pending_nonce(who)?));
        }
        let n = resolve(&chain, id)?;
        json(U64::from(chain.account(n, who)?.nonce))
    });
    method!("eth_getCode", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        json(chain.code(n, who)?)
    });
    method!("eth_getStorageAt", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let slot: U256 = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        json(B256::from(chain.storage(n, who, slot)?))
    });
    method!("eth_call", |p, ctx| {
        let mut a = Args::of(&p);
        let req: TransactionRequest = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        json(chain.call(n, &req)?)
    });
    method!("eth_estimateGas", |p, ctx| {
        let mut a = Args::of(&p);
        let req: TransactionRequest = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        json(U64::from(chain.estimate(n, &req)?))
    });
    method!("eth_sendRawTransaction", |p, ctx| {
        let raw: Bytes = Args::of(&p).req()?;
        let mut chain = lock(&ctx.chain);
        let hash = chain.send_raw(&raw)?;
        if chain.auto_mine {
            announce(ctx, &chain);
        }
        json(hash)
    });
    method!("eth_sendTransaction", |p, ctx| {
        let req: TransactionRequest = Args::of(&p).req()?;
        let mut chain = lock(&ctx.chain);
        let hash = chain.send_dev(&req)?;
        if chain.auto_mine {
            announce(ctx, &chain);
        }
        json(hash)
    });
    method!("eth_getTransactionReceipt", |p, ctx| {
        let hash: B256 = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        json(chain.txs.get(&hash).map(|m| rpc_receipt(&chain, m)))
    });
    method!("eth_getTransactionByHash", |p, ctx| {
        let hash: B256 = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        if let Some(p) = chain.pending(&hash) {
            return json(RpcTransaction {
                inner: Recovered::new_unchecked(p.tx.clone(), p.from),
                block_hash: None,
                block_number: None,
                transaction_index: None,
                effective_gas_price: None,
                block_timestamp: None,
            });
        }
        json(chain.txs.get(&hash).map(|m| rpc_tx(&chain, m)))
    });
    method!("eth_getBlockReceipts", |p, ctx| {
        let id: BlockId = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        let n = match id {
            BlockId::Hash(h) => chain.number_of(&h.block_hash),
            BlockId::Number(tag) => Some(tag_number(&chain, tag)),
        };
        let receipts: Option<Vec<TransactionReceipt>> = n.and_then(|n| chain.block(n)).map(|b| {
            b.txs
                .iter()
                .filter_map(|h| chain.txs.get(h))
                .map(|m| rpc_receipt(&chain, m))
                .collect()
        });
        json(receipts)
    });
    method!("eth_getBlockByNumber", |p, ctx| {
        let mut a = Args::of(&p);
        let tag: BlockNumberOrTag = a.req()?;
        let full: Option<bool> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = tag_number(&chain, tag);
        json(rpc_block(&chain, n, full.unwrap_or(false)))
    });
    method!("eth_getBlockByHash", |p, ctx| {
        let mut a = Args::of(&p);
        let hash: B256 = a.req()?;
        let full: Option<bool> = a.opt()?;
        let chain = lock(&ctx.chain);
        let block = chain
            .number_of(&hash)
            .and_then(|n| rpc_block(&chain, n, full.unwrap_or(false)));
        json(block)
    });
    method!("eth_feeHistory", |p, ctx| {
        let mut a = Args::of(&p);
        let count: U64 = a.req()?;
        let newest: BlockNumberOrTag = a.req()?;
        let percentiles: Option<Vec<f64>> = a.opt()?;
        // One reward per block and percentile: bounded as geth bounds them (at most 100,
        // each in 0..=100, ascending), or 1,024 blocks times millions of percentiles in a
        // 10 MiB request is billions of words built before the response limit applies.
        if let Some(ps) = &percentiles {
            if ps.len() > MAX_PERCENTILES {
                return Err(bad(format!(
                    "{} reward percentiles: at most {MAX_PERCENTILES}",
                    ps.len()
                )));
            }
            let mut prev = 0.0;
            for p in ps {
                if !(prev..=100.0).contains(p) {
                    return Err(bad(format!(
                        "reward percentile {p}: each must be in 0..=100 and not below the one before"
                    )));
                }
                prev = *p;
            }
        }
        let chain = lock(&ctx.chain);
        let newest = tag_number(&chain, newest).min(chain.latest());
        let count = count
            .to::<u64>()
            .clamp(1, 1024)
            .min(newest.saturating_add(1));
        let oldest = newest.saturating_add(1).saturating_sub(count);
        let blocks: Vec<_> = (oldest..=newest).filter_map(|n| chain.block(n)).collect();
        let base: Vec<U256> =
            std::iter::repeat_n(U256::from(BASE_FEE), blocks.len().saturating_add(1)).collect();
        let ratio: Vec<f64> = blocks
            .iter()
            .map(|b| b.header.gas_used as f64 / b.header.gas_limit.max(1) as f64)
            .collect();
        let reward: Option<Vec<Vec<U256>>> = percentiles.map(|ps| {
            blocks
                .iter()
                .map(|_| ps.iter().map(|_| U256::from(PRIORITY_FEE)).collect())
                .collect()
        });
        json(serde_json::json!({
            "oldestBlock": U64::from(oldest),
            "baseFeePerGas": base,
            "gasUsedRatio": ratio,
            "reward": reward,
        }))
    });
    method!("eth_getLogs", |p, ctx| {
        let filter: Filter = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        json(logs(&chain, &filter)?)
    });
    method!("eth_newFilter", |p, ctx| {
        let filter: Filter = Args::of(&p).req()?;
        let head = lock(&ctx.chain).latest();
        let id = filters(ctx)
            .install(Watch::Logs(Box::new(filter)), head)
            .map_err(RpcError::invalid_tx)?;
        json(U64::from(id))
    });
    method!("eth_newBlockFilter", |p, ctx| {
        let head = lock(&ctx.chain).latest();
        let id = filters(ctx)
            .install(Watch::Blocks, head)
            .map_err(RpcError::invalid_tx)?;
        json(U64::from(id))
    });
    method!("eth_getFilterChanges", |p, ctx| {
        let id: U64 = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        let (filter, range) = filters(ctx)
            .advance(id.to::<u64>(), chain.latest())
            .ok_or_else(|| RpcError::invalid_tx("filter not found"))?;
        match filter.watch {
            Watch::Blocks => json(
                range
                    .filter_map(|n| chain.block(n).map(|b| b.hash))
                    .collect::<Vec<B256>>(),
            ),
            Watch::Logs(f) => {
                // The new blocks, within the filter's own range if it names one.
                let lo = f
                    .block_option
                    .get_from_block()
                    .map_or(0, |t| tag_number(&chain, *t))
                    .max(*range.start());
                let hi = f
                    .block_option
                    .get_to_block()
                    .map_or(u64::MAX, |t| tag_number(&chain, *t))
                    .min(*range.end());
                if lo > hi {
                    return json(Vec::<RpcLog>::new());
                }
                let scan = if f.get_block_hash().is_some() {
                    (*f).clone()
                } else {
                    (*f).clone().from_block(lo).to_block(hi)
                };
                let mut out = logs(&chain, &scan)?;
                out.retain(|l| l.block_number.is_some_and(|n| (lo..=hi).contains(&n)));
                json(out)
            }
        }
    });
    method!("eth_getFilterLogs", |p, ctx| {
        let id: U64 = Args::of(&p).req()?;
        let installed = filters(ctx)
            .get(id.to::<u64>())
            .cloned()
            .ok_or_else(|| RpcError::invalid_tx("filter not found"))?;
        match installed.watch {
            Watch::Logs(f) => json(logs(&lock(&ctx.chain), &f)?),
            Watch::Blocks => Err(bad("a block filter has no logs")),
        }
    });
    method!("eth_uninstallFilter", |p, ctx| {
        let id: U64 = Args::of(&p).req()?;
        json(filters(ctx).remove(id.to::<u64>()))
    });
    method!("eth_getAccountInfo", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let id: Option<BlockId> = a.opt()?;
        let chain = lock(&ctx.chain);
        let n = resolve(&chain, id)?;
        let account = chain.account(n, who)?;
        json(serde_json::json!({
            "balance": account.balance,
            "nonce": U64::from(account.nonce),
            "code": chain.code(n, who)?,
        }))
    });
    method!("eth_getBlockTransactionCountByNumber", |p, ctx| {
        let tag: BlockNumberOrTag = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        let n = tag_number(&chain, tag);
        json(chain.block(n).map(|b| U64::from(b.txs.len())))
    });
    method!("eth_getBlockTransactionCountByHash", |p, ctx| {
        let hash: B256 = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        json(
            chain
                .number_of(&hash)
                .and_then(|n| chain.block(n))
                .map(|b| U64::from(b.txs.len())),
        )
    });
    method!("eth_getTransactionByBlockNumberAndIndex", |p, ctx| {
        let mut a = Args::of(&p);
        let tag: BlockNumberOrTag = a.req()?;
        let index: U64 = a.req()?;
        let chain = lock(&ctx.chain);
        let n = tag_number(&chain, tag);
        json(by_index(&chain, n, index))
    });
    method!("eth_getTransactionByBlockHashAndIndex", |p, ctx| {
        let mut a = Args::of(&p);
        let hash: B256 = a.req()?;
        let index: U64 = a.req()?;
        let chain = lock(&ctx.chain);
        let tx = chain
            .number_of(&hash)
            .and_then(|n| by_index(&chain, n, index));
        json(tx)
    });
    method!("eth_getRawTransactionByHash", |p, ctx| {
        let hash: B256 = Args::of(&p).req()?;
        let chain = lock(&ctx.chain);
        let raw = chain
            .txs
            .get(&hash)
            .map(|m| Bytes::from(alloy_eips::eip2718::Encodable2718::encoded_2718(&m.tx)))
            .or_else(|| {
                chain
                    .pending(&hash)
                    .map(|p| Bytes::from(alloy_eips::eip2718::Encodable2718::encoded_2718(&p.tx)))
            });
        json(raw)
    });
    method!("eth_sign", |p, ctx| {
        let mut a = Args::of(&p);
        let who: Address = a.req()?;
        let message: Bytes = a.req()?;
        let chain = lock(&ctx.chain);
        let key = chain
            .dev
            .iter()
            .find(|k| k.address() == who)
            .ok_or_else(|| bad(format!("{who} is not a dev account")))?;
        let sig = alloy_signer::SignerSync::sign_message_sync(key, &message)
            .map_err(|e| RpcError::internal(e.to_string()))?;
        json(Bytes::from(sig.as_bytes().to_vec()))
    });
    method!("evm_increaseTime", |p, ctx| {
        let secs: Value = Args::of(&p).req()?;
        let secs = match &secs {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s
                .strip_prefix("0x")
                .map(|h| i64::from_str_radix(h, 16).ok())
                .unwrap_or_else(|| s.parse().ok()),
            _ => None,
        }
        .ok_or_else(|| bad("expected a number of seconds"))?;
        let mut chain = lock(&ctx.chain);
        chain.time_offset = chain.time_offset.saturating_add(secs);
        json(U64::from(u64::try_from(chain.time_offset).unwrap_or(0)))
    });
    method!("evm_setNextBlockTimestamp", |p, ctx| {
        let t: U64 = Args::of(&p).req()?;
        let mut chain = lock(&ctx.chain);
        let t = t.to::<u64>();
        let prev = chain.blocks.last().map(|b| b.header.timestamp).unwrap_or(0);
        if t < prev {
            return Err(bad(format!(
                "timestamp {t} is before the latest block's, {prev}"
            )));
        }
        chain.next_timestamp = Some(t);
        json(Value::Null)
    });
    method!("evm_mine", |p, ctx| {
        let t: Option<U64> = Args::of(&p).opt().unwrap_or(None);
        // One lock for the timestamp and the block: the clock's block cannot take the
        // timestamp in between, and a block that fails is an error, its timestamp unset.
        let mut chain = lock(&ctx.chain);
        let before = chain.next_timestamp;
        if let Some(t) = t {
            let t = t.to::<u64>();
            let prev = chain.blocks.last().map(|b| b.header.timestamp).unwrap_or(0);
            if t < prev {
                return Err(bad(format!(
                    "timestamp {t} is before the latest block's, {prev}"
                )));
            }
            chain.next_timestamp = Some(t);
        }
        if let Err(e) = mine_locked(ctx, &mut chain) {
            chain.next_timestamp = before;
            return Err(e.into());
        }
        json("0x0")
    });
    // Automine off: transactions wait in the pool for `evm_mine` (or the block clock).
    for name in ["evm_setAutomine", "anvil_setAutomine"] {
        m.register_method(name, |p, ctx, _| -> Res {
            let on: bool = Args::of(&p).req()?;
            lock(&ctx.chain).auto_mine = on;
            json(Value::Null)
        })
        .map_err(|e| e.to_string())?;
    }
    method!("evm_snapshot", |p, ctx| {
        // The snapshots' lock first, then the chain's, as `evm_revert` takes them: a revert
        // cannot land between the copy and its push (which left a snapshot of blocks the
        // revert had removed from the disk).
        let mut snaps = ctx.snapshots.lock().unwrap_or_else(|p| p.into_inner());
        if snaps.kept.len() >= MAX_SNAPSHOTS {
            return Err(RpcError::invalid_tx(format!(
                "{MAX_SNAPSHOTS} snapshots are kept already (each a copy of the chain): revert to one"
            ))
            .into());
        }
        let chain = lock(&ctx.chain).clone();
        let id = snaps.last_id.saturating_add(1);
        snaps.last_id = id;
        snaps.kept.push((id, chain));
        json(U64::from(id))
    });
    method!("evm_revert", |p, ctx| {
        let id: U64 = Args::of(&p).req()?;
        let id = id.to::<u64>();
        let mut snaps = ctx.snapshots.lock().unwrap_or_else(|p| p.into_inner());
        // The snapshot and every later one are used up.
        let Some(at) = snaps.kept.iter().position(|(i, _)| *i == id) else {
            return json(false);
        };
        let Some((_, snapshot)) = snaps.kept.drain(at..).next() else {
            return json(false);
        };
        lock(&ctx.chain).restore(snapshot)?;
        json(true)
    });
    Ok(m)
}
