//! `aimine-node`: a JSON-RPC development chain with the aimine precompiles (AI_MINING 0x0300,
//! NV_TRUST 0x0301, MODEL_REGISTRY 0x0302), the execution a reth node does: every block runs in
//! alloy-evm's `EthEvmFactory` EVM with its precompiles extended by
//! [`aimine_evm::alloy::extend`]; transactions are alloy-consensus [`TxEnvelope`]s and the
//! answers alloy-rpc-types-eth's types, served over HTTP by jsonrpsee.
//!
//! The genesis is [`aimine_evm::install`] of [`ChainConfig::new`]`(chain_id, first dev
//! account)` with the ten accounts of the standard test mnemonic ([`DEV_MNEMONIC`], anvil's and
//! hardhat's) funded with [`DEV_BALANCE`] each. One block is mined per transaction. State is in
//! memory, and with [`NodeConfig::data_dir`] its blocks are also persisted (see [`Store`]).
//!
//! Requests larger than [`MAX_REQUEST_BYTES`] are refused by the server.
//!
//! [`TxEnvelope`]: alloy_consensus::TxEnvelope

mod chain;
mod error;
mod rpc;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use aimine_evm::ChainConfig;
use alloy_primitives::{Address, U256};
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};

pub use chain::{BASE_FEE, BLOCK_GAS_LIMIT, Chain, PRIORITY_FEE};
pub use error::RpcError;
pub use rpc::{Ctx, MAX_LOG_RANGE};
pub use store::{Store, StoredBlock};

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
    /// The chain id.
    pub chain_id: u64,
    /// Trust anchors added to the genesis (uncompressed SEC1 P-384 keys), e.g. a dev root.
    pub extra_anchors: Vec<[u8; 97]>,
    /// Print the banner and one line per block.
    pub verbose: bool,
    /// Where to persist the chain (`--data-dir`); in memory when `None`.
    pub data_dir: Option<std::path::PathBuf>,
}

impl Default for NodeConfig {
    fn default() -> NodeConfig {
        NodeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8545)),
            chain_id: DEFAULT_CHAIN_ID,
            extra_anchors: Vec::new(),
            verbose: false,
            data_dir: None,
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
/// An invalid genesis configuration.
pub fn genesis(config: &NodeConfig) -> Result<Chain, String> {
    let dev = dev_keys()?;
    let admin: Address = dev
        .first()
        .map(|k| k.address())
        .ok_or_else(|| String::from("no dev account"))?;
    let mut chain = ChainConfig::new(config.chain_id, admin.into_array());
    chain.extra_anchors = config.extra_anchors.clone();
    chain.reward_pool = REWARD_POOL;
    match &config.data_dir {
        Some(dir) => {
            let store = Store::open(dir, config.chain_id)?;
            Chain::open(chain, dev, DEV_BALANCE, store)
        }
        None => Chain::new(chain, dev, DEV_BALANCE),
    }
}

/// Starts a node on `config.addr` (port 0: a free port) inside the current tokio runtime.
///
/// # Errors
/// An invalid genesis, or the address cannot be bound.
pub async fn start(config: &NodeConfig) -> Result<Node, String> {
    let chain = genesis(config)?;
    let ctx = Arc::new(Ctx {
        chain: Mutex::new(chain),
        snapshots: Mutex::new(Vec::new()),
        verbose: config.verbose,
    });
    let module = rpc::module(ctx.clone())?;
    let limits = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .max_response_body_size(64 * 1024 * 1024)
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
    let node = Node {
        addr,
        handle,
        ctx,
        data_dir: config.data_dir.clone(),
    };
    if config.verbose {
        banner(&node);
    }
    Ok(node)
}

fn banner(node: &Node) {
    let chain = node.ctx.chain.lock().unwrap_or_else(|p| p.into_inner());
    match &node.data_dir {
        Some(dir) => println!(
            "aimine node: a development chain, persisted in {}",
            dir.display()
        ),
        None => println!("aimine node: a development chain (in memory)"),
    }
    println!("RPC URL      {}", node.url());
    println!("chain id     {}", chain.config.chain_id);
    println!(
        "precompiles  AI_MINING {}  NV_TRUST {}  MODEL_REGISTRY {}",
        aimine_evm::address::AI_MINING,
        aimine_evm::address::NV_TRUST,
        aimine_evm::address::MODEL_REGISTRY
    );
    println!(
        "admin        {} (dev account 0)",
        chain.dev.first().map(|k| k.address()).unwrap_or_default()
    );
    println!("mnemonic     {DEV_MNEMONIC}");
    println!("dev accounts (10,000 ETH each):");
    for (i, k) in chain.dev.iter().enumerate() {
        println!("  ({i}) {} key {}", k.address(), k.to_bytes());
    }
    println!("max request  {MAX_REQUEST_BYTES} bytes");
    if let Some(b) = chain.blocks.first() {
        println!("block 0 {} time {}", b.hash, b.header.timestamp);
    }
}
