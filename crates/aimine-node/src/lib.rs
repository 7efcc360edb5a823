//! `aimine-node`: a JSON-RPC development chain with the aimine precompiles (AI_MINING 0x0300,
//! NV_TRUST 0x0301, MODEL_REGISTRY 0x0302), the execution a reth node does: every block runs in
//! alloy-evm's `EthEvmFactory` EVM with its precompiles extended by
//! [`aimine_evm::alloy::extend`]; transactions are alloy-consensus [`TxEnvelope`]s and the
//! answers alloy-rpc-types-eth's types, served over HTTP by jsonrpsee.
//!
//! The genesis is [`aimine_evm::install`] of [`ChainConfig::new`]`(chain_id, first dev
//! account)` with the ten accounts of the standard test mnemonic ([`DEV_MNEMONIC`], anvil's and
//! hardhat's) funded with [`DEV_BALANCE`] each, all of it adjustable by a genesis file
//! ([`GenesisFile`]). One block is mined per transaction, or with [`NodeConfig::block_time`]
//! one every so many seconds from a transaction pool. State is in memory, and with
//! [`NodeConfig::data_dir`] its blocks, receipts and state checkpoints are also persisted (see
//! [`Store`]). Block headers carry real Merkle-Patricia state, transaction and receipt roots.
//!
//! Requests larger than [`MAX_REQUEST_BYTES`] are refused by the server.
//!
//! [`TxEnvelope`]: alloy_consensus::TxEnvelope

/// `println!` that ignores a closed or full stdout: `println!` panics on a broken pipe, and a
/// panic in the `--block-time` clock's task ended it (the pool was never mined again).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

mod chain;
mod error;
mod filters;
mod genesis;
mod rpc;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use aimine_evm::ChainConfig;
use alloy_primitives::{Address, U256};
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use jsonrpsee::server::{BatchRequestConfig, Server, ServerConfig, ServerHandle};

pub use chain::{
    BASE_FEE, BLOCK_GAS_LIMIT, Chain, KEPT_STATES, MAX_POOL, MinedBlock, PRIORITY_FEE, Pending,
    state_root,
};
pub use error::RpcError;
pub use filters::{Filters, Installed, MAX_FILTERS, Watch};
pub use genesis::{Alloc, AmdRootEntry, Gas, Genesis, GenesisFile, Params, Wei};
pub use rpc::{Ctx, MAX_LOG_BYTES, MAX_LOG_RANGE, MAX_LOGS, MAX_SNAPSHOTS, Snapshots};
pub use store::{CHECKPOINT_EVERY, Store, StoredAccount, StoredBlock};

/// The standard development mnemonic (anvil, hardhat).
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// How many dev accounts are derived (m/44'/60'/0'/0/i).
pub const DEV_ACCOUNTS: u32 = 10;
/// Each dev account's opening balance: 10,000 ether.
pub const DEV_BALANCE: U256 = U256::from_limbs([0x19e0_c9ba_b240_0000, 0x21e, 0, 0]);
/// AI_MINING's reward pool at genesis: 1,000,000 ether.
pub const REWARD_POOL: U256 = U256::from_limbs([0x1bce_cced_a100_0000, 0xd3c2, 0, 0]);
/// The largest request body the server reads: 10 MiB.
pub const MAX_REQUEST_BYTES: u32 = 10 * 1024 * 1024;
/// The most calls one batch request may hold.
pub const MAX_BATCH: u32 = 1_000;
/// The chain id by default.
pub const DEFAULT_CHAIN_ID: u64 = 96_369;

/// The dev accounts' keys.
///
/// # Errors
/// When the derivation fails (it does not for the fixed mnemonic).
pub fn dev_keys() -> Result<Vec<PrivateKeySigner>, String> {
    (0..DEV_ACCOUNTS)
        .map(|i| {
            MnemonicBuilder::from_phrase(DEV_MNEMONIC)
                .index(i)
                .and_then(|b| b.build())
                .map_err(|e| format!("dev account {i}: {e}"))
        })
        .collect()
}

/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The chain id (`--chain-id`; the genesis file's, or [`DEFAULT_CHAIN_ID`], when `None`).
    pub chain_id: Option<u64>,
    /// The genesis file (`--genesis`); empty: the dev genesis.
    pub genesis: GenesisFile,
    /// Trust anchors added to the genesis (uncompressed SEC1 P-384 keys), e.g. a dev root.
    pub extra_anchors: Vec<[u8; 97]>,
    /// AMD product roots added to the genesis, e.g. a test kit's.
    pub extra_amd_roots: Vec<aimine_evm::AmdRoot>,
    /// Print the banner and one line per block.
    pub verbose: bool,
    /// Where to persist the chain (`--data-dir`); in memory when `None`.
    pub data_dir: Option<std::path::PathBuf>,
    /// Mine a block every so many seconds from a pool (`--block-time`); when `None`, every
    /// transaction is mined at once in a block of its own.
    pub block_time: Option<u64>,
}

impl Default for NodeConfig {
    fn default() -> NodeConfig {
        NodeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8545)),
            chain_id: None,
            genesis: GenesisFile::default(),
            extra_anchors: Vec::new(),
            extra_amd_roots: Vec::new(),
            verbose: false,
            data_dir: None,
            block_time: None,
        }
    }
}

/// A running node.
pub struct Node {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The server's handle (stop it, or wait for it to stop).
    pub handle: ServerHandle,
    /// The shared state.
    pub ctx: Arc<Ctx>,
    /// Where it persists its blocks.
    pub data_dir: Option<std::path::PathBuf>,
    /// Its block interval, if it mines on a clock.
    pub block_time: Option<u64>,
}

impl Node {
    /// The HTTP URL of the node.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The genesis chain of `config`.
///
/// # Errors
/// An invalid genesis, or a data dir made from another chain or genesis.
pub fn genesis(config: &NodeConfig) -> Result<Chain, String> {
    let dev = dev_keys()?;
    let addresses: Vec<Address> = dev.iter().map(|k| k.address()).collect();
    let genesis = config.genesis.resolve(
        config.chain_id,
        &config.extra_anchors,
        &config.extra_amd_roots,
        &addresses,
    )?;
    let mut chain = match &config.data_dir {
        Some(dir) => {
            let store = Store::open(dir, genesis.config.chain_id)?;
            Chain::open(&genesis, dev, store)?
        }
        None => Chain::new(&genesis, dev)?,
    };
    if config.block_time == Some(0) {
        return Err(String::from("--block-time must be at least 1 second"));
    }
    chain.auto_mine = config.block_time.is_none();
    Ok(chain)
}

/// Starts a node on `config.addr` (port 0: a free port) inside the current tokio runtime.
///
/// # Errors
/// An invalid genesis, or the address cannot be bound.
pub async fn start(config: &NodeConfig) -> Result<Node, String> {
    let chain = genesis(config)?;
    let ctx = Arc::new(Ctx {
        chain: Mutex::new(chain),
        snapshots: Mutex::new(rpc::Snapshots::default()),
        verbose: config.verbose,
        filters: Mutex::new(Filters::default()),
    });
    let module = rpc::module(ctx.clone())?;
    let limits = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .max_response_body_size(64 * 1024 * 1024)
        .set_batch_request_config(BatchRequestConfig::Limit(MAX_BATCH))
        .build();
    let server = Server::builder()
        .set_config(limits)
        .build(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = server
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let handle = server.start(module);
    if let Some(secs) = config.block_time {
        let ctx = ctx.clone();
        let stopped = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(secs));
            // The first tick is at once: skip it, so block 1 comes `secs` after the start.
            every.tick().await;
            loop {
                tokio::select! {
                    _ = every.tick() => {
                        // On the blocking pool (mining waits for the chain's lock and executes
                        // a block), where a panic mining one block fails that task only, not
                        // the clock: the pool would never be mined again. (The chain is
                        // unchanged by a block that panics: a block is applied once built.)
                        let ctx = ctx.clone();
                        let mined = tokio::task::spawn_blocking(move || rpc::mine_pending(&ctx));
                        if mined.await.is_err() {
                            say!("mining panicked; the next tick mines again");
                        }
                    }
                    () = stopped.clone().stopped() => break,
                }
            }
        });
    }
    let node = Node {
        addr,
        handle,
        ctx,
        data_dir: config.data_dir.clone(),
        block_time: config.block_time,
    };
    if config.verbose {
        banner(&node);
    }
    Ok(node)
}

fn banner(node: &Node) {
    let chain = node.ctx.chain.lock().unwrap_or_else(|p| p.into_inner());
    match &node.data_dir {
        Some(dir) => say!(
            "aimine node: a development chain, persisted in {}",
            dir.display()
        ),
        None => say!("aimine node: a development chain (in memory)"),
    }
    say!("RPC URL      {}", node.url());
    say!("chain id     {}", chain.config.chain_id);
    say!(
        "precompiles  AI_MINING {}  NV_TRUST {}  MODEL_REGISTRY {}",
        aimine_evm::address::AI_MINING,
        aimine_evm::address::NV_TRUST,
        aimine_evm::address::MODEL_REGISTRY
    );
    say!(
        "admin        {}",
        Address::from(chain.config.registry.admin)
    );
    say!("mnemonic     {DEV_MNEMONIC}");
    say!("dev accounts (unlocked for eth_sendTransaction):");
    for (i, k) in chain.dev.iter().enumerate() {
        let balance = chain
            .account(0, k.address())
            .map(|a| a.balance)
            .unwrap_or_default();
        say!(
            "  ({i}) {} key {} balance {} wei",
            k.address(),
            k.to_bytes(),
            balance
        );
    }
    say!("max request  {MAX_REQUEST_BYTES} bytes");
    match node.block_time {
        Some(secs) => say!("mining       a block every {secs} s (transactions wait in a pool)"),
        None => say!("mining       one block per transaction, at once"),
    }
    if let Some(b) = chain.blocks.first() {
        say!("block 0 {} time {}", b.hash, b.header.timestamp);
    }
}
