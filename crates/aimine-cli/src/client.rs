//! The operator commands' JSON-RPC client: alloy's HTTP provider with a local signer, simple
//! (fetched, never cached) nonces and gas estimation, and the aimine reverts decoded by name.
//!
//! Any Ethereum JSON-RPC endpoint works whose chain has the aimine precompiles (an
//! `aimine node`, or a chain that embeds them).

use std::time::Duration;

use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Log, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolError, SolInterface};
use alloy::transports::{RpcError, TransportErrorKind};

use crate::CliError;

/// How long one RPC operation may take before it counts as failed (and is retried).
pub const RPC_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a call or transaction did not go through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The chain refused it: the revert, decoded (`GpuRevoked`, `Error("…")`, or the raw data).
    Reverted(String),
    /// The endpoint could not be reached, timed out, or lost a transaction: worth retrying.
    Rpc(String),
    /// The endpoint answered an error that is not a revert (a transaction it will not take:
    /// no funds for gas, a nonce already used, a full pool): worth a few retries at most.
    Refused(String),
    /// Mined, reverted having used all its gas: the state moved between estimate and block.
    /// Worth sending again, re-estimated.
    OutOfGas(String),
    /// Sent, and its outcome cannot be known (its nonce was used, but not by it as far as the
    /// endpoint tells, or the endpoint stayed unreachable): never sent again automatically.
    Unknown(String),
}

/// The gas limit sent for an estimate: a quarter more plus 25,000, room for the storage writes
/// a later state adds to the same call (a balance first written: 20,000 more; a heartbeat with
/// time to pay rather than none: 5,600 more). Unused gas is not paid for.
pub fn gas_with_margin(estimate: u64) -> u64 {
    estimate.saturating_add(estimate / 4).saturating_add(25_000)
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Reverted(e) => write!(f, "reverted: {e}"),
            Failure::Rpc(e) => write!(f, "rpc: {e}"),
            Failure::Refused(e) => write!(f, "refused: {e}"),
            Failure::OutOfGas(e) => write!(f, "out of gas: {e}"),
            Failure::Unknown(e) => write!(f, "outcome unknown: {e}"),
        }
    }
}

/// A mined transaction.
#[derive(Clone, Debug)]
pub struct Mined {
    /// Its hash.
    pub hash: B256,
    /// Its block.
    pub block: u64,
    /// The gas it used.
    pub gas_used: u64,
    /// Its logs.
    pub logs: Vec<Log>,
}

/// The name of a revert: an aimine custom error, `Error("reason")`, or the raw data.
pub fn decode_revert(data: &[u8]) -> String {
    fn name<T: std::fmt::Debug>(e: &T) -> String {
        let text = format!("{e:?}");
        text.split(['(', ' ', '{'])
            .next()
            .unwrap_or(&text)
            .to_owned()
    }
    if let Ok(e) = IAIMining::IAIMiningErrors::abi_decode(data) {
        return name(&e);
    }
    if let Ok(e) = INVTrust::INVTrustErrors::abi_decode(data) {
        return name(&e);
    }
    if let Ok(e) = IModelRegistry::IModelRegistryErrors::abi_decode(data) {
        return name(&e);
    }
    if let Ok(reason) = alloy::sol_types::Revert::abi_decode(data) {
        return format!("Error({:?})", reason.reason);
    }
    if data.is_empty() {
        String::from("(no revert data)")
    } else {
        format!("0x{}", hex::encode(data))
    }
}

fn failure(e: &RpcError<TransportErrorKind>) -> Failure {
    if let Some(payload) = e.as_error_resp() {
        if let Some(data) = payload.as_revert_data() {
            return Failure::Reverted(decode_revert(&data));
        }
        return Failure::Refused(format!("{} (code {})", payload.message, payload.code));
    }
    Failure::Rpc(e.to_string())
}

/// Checks `--rpc` before anything connects: a URL that does not parse is a usage error, never
/// an endpoint to wait for.
///
/// # Errors
/// The URL does not parse.
pub fn check_url(url: &str) -> Result<(), CliError> {
    url.parse::<reqwest::Url>()
        .map(|_| ())
        .map_err(|e| format!("--rpc {url}: {e}"))
}

/// An error of a read (a call, a block, a count): anything but a revert is the endpoint's
/// trouble (a rate limit, a block it does not have yet), worth waiting out.
fn read_failure(e: Failure) -> Failure {
    match e {
        Failure::Refused(e) => Failure::Rpc(e),
        other => other,
    }
}

/// The reason of a transaction that reverted in its block but not when replayed on the block
/// before (something earlier in its block changed the state it met).
pub const UNEXPLAINED: &str = "(reverted on chain, not when replayed)";

/// How long the endpoint may stay unreachable while a sent transaction is followed before its
/// outcome counts as unknown.
pub const UNREACHABLE_TIMEOUT: Duration = Duration::from_secs(600);

/// An endpoint and the account that signs.
#[derive(Clone)]
pub struct Client {
    provider: DynProvider,
    /// Signs locally, so that a transaction's hash is known before it is sent.
    wallet: EthereumWallet,
    /// The signing account.
    pub from: Address,
    /// The chain id the endpoint reports.
    pub chain_id: u64,
}

/// Installs rustls's ring provider once (HTTPS endpoints).
fn tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    /// Connects to `url` signing with `key`, and reads the chain id.
    ///
    /// # Errors
    /// A malformed URL, or an endpoint that does not answer.
    pub async fn connect(url: &str, key: PrivateKeySigner) -> Result<Client, Failure> {
        tls();
        let parsed: reqwest::Url = url
            .parse()
            .map_err(|e| Failure::Rpc(format!("--rpc {url}: {e}")))?;
        let from = key.address();
        let wallet = EthereumWallet::from(key);
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id()
            .wallet(wallet.clone())
            .connect_http(parsed)
            .erased();
        let chain_id = timed(provider.get_chain_id()).await.map_err(read_failure)?;
        Ok(Client {
            provider,
            wallet,
            from,
            chain_id,
        })
    }

    /// A view call of `to` (from the signing account) at the latest block.
    ///
    /// # Errors
    /// A revert, or an RPC failure.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, Failure> {
        let tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_input(Bytes::from(call.abi_encode()));
        let out = timed(self.provider.call(tx)).await.map_err(read_failure)?;
        // A chain without the precompiles answers empty bytes: no wait cures that.
        C::abi_decode_returns(&out).map_err(|e| {
            Failure::Reverted(format!(
                "undecodable answer from {to} ({e}): does this chain have the aimine precompiles?"
            ))
        })
    }

    /// The `eth_call` result of `call` (a dry run): its output, or the revert's name.
    ///
    /// # Errors
    /// An RPC failure (a revert is the `Err` inside).
    pub async fn dry_run<C: SolCall>(
        &self,
        to: Address,
        call: &C,
    ) -> Result<Result<Bytes, String>, Failure> {
        let tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_input(Bytes::from(call.abi_encode()));
        match tokio::time::timeout(RPC_TIMEOUT, self.provider.call(tx)).await {
            Err(_) => Err(Failure::Rpc(String::from("timed out"))),
            Ok(Ok(out)) => Ok(Ok(out)),
            Ok(Err(e)) => match failure(&e) {
                Failure::Reverted(name) => Ok(Err(name)),
                other => Err(other),
            },
        }
    }

    /// Sends `call` to `to` (gas estimated, nonce fetched, signed locally) and waits for its
    /// receipt.
    ///
    /// # Errors
    /// A revert (at estimation or mined), or an RPC failure.
    pub async fn send<C: SolCall>(&self, to: Address, call: &C) -> Result<Mined, Failure> {
        self.send_value(to, call, U256::ZERO).await
    }

    /// [`Client::send`] with `value` wei.
    ///
    /// The nonce is the account's pending count and the gas limit the estimate with
    /// [`gas_with_margin`]'s headroom: a heartbeat estimated at a state where no time has passed
    /// (no balance to write) runs in a block where some has, and the exact estimate would run
    /// out of gas. It is signed here and followed by its hash until mined, however long that
    /// takes and across the endpoint's restarts ([`Client::receipt`]): it is reported as an RPC
    /// failure (sent again by a retry) only when the endpoint forgot it and its nonce is still
    /// free, so that a retry never sends the same call twice.
    ///
    /// # Errors
    /// A revert (at estimation or mined), a refusal, running out of gas, an RPC failure, or an
    /// unknown outcome.
    pub async fn send_value<C: SolCall>(
        &self,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<Mined, Failure> {
        let input = Bytes::from(call.abi_encode());
        let nonce = timed(self.provider.get_transaction_count(self.from).pending())
            .await
            .map_err(read_failure)?;
        let mut tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_value(value)
            .with_nonce(nonce)
            .with_input(input.clone());
        let estimate = timed(self.provider.estimate_gas(tx.clone())).await?;
        let limit = gas_with_margin(estimate);
        let fees = timed(self.provider.estimate_eip1559_fees())
            .await
            .map_err(read_failure)?;
        tx.set_gas_limit(limit);
        tx.set_max_fee_per_gas(fees.max_fee_per_gas);
        tx.set_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        tx.set_chain_id(self.chain_id);
        // Signed here, so that its hash is known even when the send's answer is lost.
        let envelope = tx
            .build(&self.wallet)
            .await
            .map_err(|e| Failure::Refused(format!("signing: {e}")))?;
        let hash = *envelope.tx_hash();
        match timed(self.provider.send_tx_envelope(envelope)).await {
            // Sent, or perhaps sent: followed by its hash either way.
            Ok(_) | Err(Failure::Rpc(_)) => {}
            Err(e) => return Err(e),
        }
        let receipt = self.receipt(hash, nonce).await?;
        let block = receipt.block_number.unwrap_or_default();
        if !receipt.status() {
            if receipt.gas_used >= limit {
                return Err(Failure::OutOfGas(format!(
                    "{hash} used all of its {limit} gas (estimated {estimate}) in block {block}"
                )));
            }
            // Replay it at its block for the reason.
            let replay = TransactionRequest::default()
                .with_from(self.from)
                .with_to(to)
                .with_value(value)
                .with_input(input);
            let why = match self
                .provider
                .call(replay)
                .block(block.saturating_sub(1).into())
                .await
            {
                Err(e) => match failure(&e) {
                    Failure::Reverted(name) => name,
                    other => other.to_string(),
                },
                Ok(_) => String::from(UNEXPLAINED),
            };
            return Err(Failure::Reverted(why));
        }
        Ok(Mined {
            hash,
            block,
            gas_used: receipt.gas_used,
            logs: receipt.inner.logs().to_vec(),
        })
    }

    /// The receipt of `hash` (sent with `nonce`): waited for as long as the endpoint knows the
    /// transaction (pending or mined), however long its block takes. When the endpoint no longer
    /// knows it, the account's mined nonce tells a dropped transaction (an RPC failure: sending
    /// again is safe) from one whose nonce something else used ([`Failure::Unknown`]); so does
    /// an endpoint unreachable for [`UNREACHABLE_TIMEOUT`].
    async fn receipt(
        &self,
        hash: B256,
        nonce: u64,
    ) -> Result<alloy::rpc::types::TransactionReceipt, Failure> {
        let mut unreachable_since: Option<std::time::Instant> = None;
        loop {
            let known = async {
                if let Some(r) = timed(self.provider.get_transaction_receipt(hash)).await? {
                    return Ok(Err(r));
                }
                let tx = timed(self.provider.get_transaction_by_hash(hash)).await?;
                Ok::<_, Failure>(Ok(tx.is_some()))
            };
            match known.await.map_err(read_failure) {
                Ok(Err(receipt)) => return Ok(receipt),
                Ok(Ok(true)) => unreachable_since = None,
                Ok(Ok(false)) => {
                    let mined = timed(self.provider.get_transaction_count(self.from))
                        .await
                        .map_err(read_failure)?;
                    // Mined between the two reads: its receipt is there now.
                    if let Some(r) = timed(self.provider.get_transaction_receipt(hash))
                        .await
                        .map_err(read_failure)?
                    {
                        return Ok(r);
                    }
                    return Err(if mined <= nonce {
                        Failure::Rpc(format!(
                            "{hash} was dropped (the endpoint forgot it; nonce {nonce} is still free)"
                        ))
                    } else {
                        Failure::Unknown(format!(
                            "{hash} is unknown to the endpoint, but nonce {nonce} was used"
                        ))
                    });
                }
                Err(e) => {
                    let since = *unreachable_since.get_or_insert_with(std::time::Instant::now);
                    if since.elapsed() > UNREACHABLE_TIMEOUT {
                        return Err(Failure::Unknown(format!(
                            "{hash} sent, then the endpoint was unreachable for {UNREACHABLE_TIMEOUT:?} ({e})"
                        )));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The latest block's number and timestamp.
    ///
    /// # Errors
    /// An RPC failure.
    pub async fn head(&self) -> Result<(u64, u64), Failure> {
        let block = timed(self.provider.get_block_by_number(BlockNumberOrTag::Latest))
            .await
            .map_err(read_failure)?
            .ok_or_else(|| Failure::Rpc(String::from("no latest block")))?;
        Ok((block.header.number, block.header.timestamp))
    }
}

/// An RPC future under [`RPC_TIMEOUT`], its error classified.
async fn timed<T>(
    f: impl std::future::IntoFuture<Output = Result<T, RpcError<TransportErrorKind>>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(RPC_TIMEOUT, f.into_future()).await {
        Err(_) => Err(Failure::Rpc(format!("timed out after {RPC_TIMEOUT:?}"))),
        Ok(r) => r.map_err(|e| failure(&e)),
    }
}

/// The signing key of `--private-key HEX` or `--keystore FILE` (password from
/// `AIMINE_KEYSTORE_PASSWORD`).
///
/// # Errors
/// Neither or both given, a malformed key, or a keystore that does not decrypt.
pub fn signer(
    private_key: Option<&str>,
    keystore: Option<&std::path::Path>,
) -> Result<PrivateKeySigner, CliError> {
    match (private_key, keystore) {
        (Some(hex), None) => hex
            .trim()
            .parse::<PrivateKeySigner>()
            .map_err(|e| format!("--private-key: {e}")),
        (None, Some(path)) => {
            let password = std::env::var("AIMINE_KEYSTORE_PASSWORD").map_err(|_| {
                String::from("--keystore: set AIMINE_KEYSTORE_PASSWORD to its password")
            })?;
            PrivateKeySigner::decrypt_keystore(path, password)
                .map_err(|e| format!("--keystore {}: {e}", path.display()))
        }
        _ => Err(String::from("give one of --private-key or --keystore")),
    }
}

/// A tokio runtime for one command.
///
/// # Errors
/// The runtime cannot start.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}
