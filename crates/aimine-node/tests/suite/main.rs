//! aimine-node's tests, one binary: the node over HTTP ([`rpc`]: raw transactions, hostile
//! requests, persistence) and real clients driving it ([`cast`]: Foundry's cast, npm-installed
//! from tools/foundry on first use; skipped with a notice where node is absent, except under
//! `CI=true`), and an attacker's sequences of calls ([`attacks`]: each asserting the invariant
//! it would break; findings not fixed yet are `#[ignore]`d with what they break).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod anvil;
mod attacks;
mod cast;
mod clients;
mod forge;
mod rpc;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;

use aimine_envelope::testkit::Enveloped;
use aimine_node::{NodeConfig, start};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, TxKind, U256, address};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde_json::{Value, json};

const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ACCOUNT0: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const ACCOUNT1: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

/// A node on a free loopback port, trusting the dev root of `pki`, and the runtime serving it.
fn node(pki: Option<&TestPki>) -> (tokio::runtime::Runtime, aimine_node::Node) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut config = NodeConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..NodeConfig::default()
    };
    if let Some(pki) = pki {
        let mut anchor = [0u8; 97];
        anchor.copy_from_slice(pki.anchor().public_key);
        config.extra_anchors.push(anchor);
    }
    let node = rt.block_on(start(&config)).unwrap();
    (rt, node)
}

/// One HTTP POST of `body`; the status line and the body.
fn post(addr: SocketAddr, body: &[u8]) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (
        head.lines().next().unwrap_or("").to_owned(),
        body.to_owned(),
    )
}

fn rpc(addr: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (_, out) = post(addr, body.to_string().as_bytes());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{method}: {e}: {out}"))
}

fn result(addr: SocketAddr, method: &str, params: Value) -> Value {
    let v = rpc(addr, method, params);
    assert!(v.get("error").is_none(), "{method}: {v}");
    v["result"].clone()
}

fn signed_transfer(nonce: u64, value: U256) -> Vec<u8> {
    let key: PrivateKeySigner = KEY0.parse().unwrap();
    let tx = TxEip1559 {
        chain_id: aimine_node::DEFAULT_CHAIN_ID,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 3_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(ACCOUNT1),
        value,
        access_list: Default::default(),
        input: Default::default(),
    };
    let sig = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718()
}

/// Sends a raw transaction and returns its receipt.
fn send_raw(a: SocketAddr, raw: &[u8]) -> Value {
    let hash = result(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(raw))]),
    );
    result(a, "eth_getTransactionReceipt", json!([hash]))
}

/// Lower-case hex without a prefix.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
