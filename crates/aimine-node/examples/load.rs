//! A bounded load against a running `aimine node --dev-root`: how many plain transfers and how
//! many AI_MINING `heartbeat`s per second it mines, each transaction signed beforehand and sent
//! with `eth_sendRawTransaction` one after another over HTTP (the node mines each at once), then
//! the same from several senders at once.
//!
//! ```text
//! aimine node --dev-root &
//! cargo run --release -p aimine-node --example load -- http://127.0.0.1:8545 [TRANSFERS] [HEARTBEATS]
//! ```
//!
//! The heartbeats run over [`SESSIONS`] sessions (distinct dev GPUs under the testkit's dev root)
//! that dev account 5 starts for itself first. Numbers are wall-clock times of this machine,
//! client included; they are for the closing note, not for a test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::IAIMining;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use serde_json::{Value, json};

/// Sessions the heartbeats rotate over.
const SESSIONS: u32 = 8;
/// Parallel senders in the concurrent rounds.
const THREADS: usize = 4;

fn post(addr: &str, body: &str) -> Value {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (_, body) = out.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

fn rpc(addr: &str, method: &str, params: Value) -> Value {
    let v = post(
        addr,
        &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string(),
    );
    assert!(v.get("error").is_none(), "{method}: {v}");
    v["result"].clone()
}

fn nonce(addr: &str, who: Address) -> u64 {
    let n = rpc(addr, "eth_getTransactionCount", json!([who, "latest"]));
    u64::from_str_radix(n.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn sign(key: &PrivateKeySigner, nonce: u64, to: Address, gas: u64, input: Vec<u8>) -> String {
    let tx = TxEip1559 {
        chain_id: aimine_node::DEFAULT_CHAIN_ID,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 3_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(to),
        value: if input.is_empty() {
            U256::from(1u64)
        } else {
            U256::ZERO
        },
        access_list: Default::default(),
        input: Bytes::from(input),
    };
    let sig = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    let raw = TxEnvelope::from(tx.into_signed(sig)).encoded_2718();
    format!("0x{}", hex::encode(raw))
}

/// Sends `txs` in order and checks the last receipt; transactions per second.
fn send_all(addr: &str, txs: &[String]) -> f64 {
    let start = Instant::now();
    let mut last = Value::Null;
    for tx in txs {
        last = rpc(addr, "eth_sendRawTransaction", json!([tx]));
    }
    let secs = start.elapsed().as_secs_f64();
    let receipt = rpc(addr, "eth_getTransactionReceipt", json!([last]));
    assert_eq!(receipt["status"], json!("0x1"), "{receipt}");
    txs.len() as f64 / secs
}

/// `THREADS` senders at once, each sending its own list; transactions per second overall.
fn send_parallel(addr: &str, lists: Vec<Vec<String>>) -> f64 {
    let total: usize = lists.iter().map(Vec::len).sum();
    let start = Instant::now();
    std::thread::scope(|s| {
        for list in &lists {
            s.spawn(move || send_all(addr, list));
        }
    });
    total as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8545".into());
    let transfers: usize = args.next().map_or(2_000, |a| a.parse().unwrap());
    let heartbeats: usize = args.next().map_or(2_000, |a| a.parse().unwrap());
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let keys = aimine_node::dev_keys().unwrap();
    let sink = Address::repeat_byte(0x5e);

    // Plain transfers: one sender, then THREADS senders.
    let key = &keys[3];
    let n0 = nonce(&addr, key.address());
    let txs: Vec<String> = (0..transfers as u64)
        .map(|i| sign(key, n0 + i, sink, 21_000, Vec::new()))
        .collect();
    let one = send_all(&addr, &txs);
    let lists: Vec<Vec<String>> = (0..THREADS)
        .map(|t| {
            let key = &keys[6 + t % 4];
            let n0 = nonce(&addr, key.address());
            (0..(transfers / THREADS) as u64)
                .map(|i| sign(key, n0 + i, sink, 21_000, Vec::new()))
                .collect()
        })
        .collect();
    let many = send_parallel(&addr, lists);
    println!(
        "transfer   {transfers:>6} txs   {one:>8.0} tx/s sequential   {many:>8.0} tx/s from {THREADS} senders"
    );

    // Heartbeats: SESSIONS sessions of dev account 5 (its own submitter), then rounds.
    let miner = &keys[5];
    let who = miner.address();
    let pki = TestPki::new(sha2_seed());
    let mut ids = Vec::new();
    for device in 1..=SESSIONS {
        let data = IAIMining::sessionNonceForCall {
            submitter: who,
            miner: who,
            sessionKey: Bytes::new(),
        }
        .abi_encode();
        let out = rpc(
            &addr,
            "eth_call",
            json!([{"to": aimine_evm::address::AI_MINING, "data": format!("0x{}", hex::encode(data))}]),
        );
        // (bytes32 nonce, …): the first word.
        let n: [u8; 32] = hex::decode(out.as_str().unwrap().trim_start_matches("0x")).unwrap()
            [..32]
            .try_into()
            .unwrap();
        let mut options = ForgeOptions::new(Architecture::Hopper, n);
        options.device = device;
        let quote = pki.forge(&options).envelope();
        let call = IAIMining::startSessionCall {
            miner: who,
            teeQuote: Bytes::from(quote),
        }
        .abi_encode();
        let tx = sign(
            miner,
            nonce(&addr, who),
            aimine_evm::address::AI_MINING,
            2_000_000,
            call,
        );
        let hash = rpc(&addr, "eth_sendRawTransaction", json!([tx]));
        let receipt = rpc(&addr, "eth_getTransactionReceipt", json!([hash]));
        assert_eq!(receipt["status"], json!("0x1"), "startSession: {receipt}");
        ids.push(receipt["logs"][0]["topics"][1].as_str().unwrap().to_owned());
    }
    let heartbeat = |key: &PrivateKeySigner, n: u64, id: &str| {
        let id: [u8; 32] = hex::decode(id.trim_start_matches("0x"))
            .unwrap()
            .try_into()
            .unwrap();
        let call = IAIMining::heartbeatCall {
            sessionId: id.into(),
        }
        .abi_encode();
        sign(key, n, aimine_evm::address::AI_MINING, 200_000, call)
    };
    let n0 = nonce(&addr, who);
    let txs: Vec<String> = (0..heartbeats)
        .map(|i| heartbeat(miner, n0 + i as u64, &ids[i % ids.len()]))
        .collect();
    let start = Instant::now();
    let rate = send_all(&addr, &txs);
    let gas = rpc(
        &addr,
        "eth_getTransactionReceipt",
        json!([rpc(&addr, "eth_getBlockByNumber", json!(["latest", false]))["transactions"][0]]),
    )["gasUsed"]
        .clone();
    println!(
        "heartbeat  {heartbeats:>6} txs   {rate:>8.0} tx/s sequential   ({SESSIONS} sessions, gas {} each, {:.1} s)",
        u64::from_str_radix(gas.as_str().unwrap().trim_start_matches("0x"), 16).unwrap(),
        start.elapsed().as_secs_f64()
    );
    let head = rpc(&addr, "eth_blockNumber", json!([]));
    println!("head block {head}");
}

/// The seed of the dev root `aimine node --dev-root` trusts: SHA-256("aimine node dev root").
fn sha2_seed() -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b"aimine node dev root").into()
}
