//! The node over HTTP: a Rust-level raw EIP-1559 transfer, hostile requests, and Foundry's real
//! `cast` driving it (npm-installed from tools/foundry on first use; skipped with a notice where
//! node is absent, except under `CI=true`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

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

#[test]
fn the_first_dev_account_is_anvils() {
    let keys = aimine_node::dev_keys().unwrap();
    assert_eq!(keys.len(), 10);
    assert_eq!(keys[0].address(), ACCOUNT0);
    assert_eq!(keys[1].address(), ACCOUNT1);
    assert_eq!(keys[0].to_bytes().to_string(), KEY0);
}

#[test]
fn a_raw_eip1559_transfer_is_mined_with_its_receipt() {
    let (_rt, node) = node(None);
    let a = node.addr;
    assert_eq!(result(a, "eth_chainId", json!([])), json!("0x17871"));
    let before = result(a, "eth_getBalance", json!([ACCOUNT1, "latest"]));
    let raw = signed_transfer(0, U256::from(12_345u64));
    let hash = result(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(&raw))]),
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"), "{receipt}");
    assert_eq!(receipt["gasUsed"], json!("0x5208"));
    assert_eq!(receipt["type"], json!("0x2"));
    assert_eq!(receipt["from"], json!(format!("{ACCOUNT0:#x}")));
    assert_eq!(receipt["blockNumber"], json!("0x1"));
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x1"));
    let after = result(a, "eth_getBalance", json!([ACCOUNT1, "latest"]));
    let (b, f): (U256, U256) = (
        serde_json::from_value(before.clone()).unwrap(),
        serde_json::from_value(after).unwrap(),
    );
    assert_eq!(f - b, U256::from(12_345u64));
    // The old state is still served by number.
    assert_eq!(
        result(a, "eth_getBalance", json!([ACCOUNT1, "0x0"])),
        before
    );
    let tx = result(a, "eth_getTransactionByHash", json!([hash]));
    assert_eq!(tx["nonce"], json!("0x0"));
    let block = result(a, "eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(block["transactions"], json!([hash]));
    // The same transaction again: nonce too low, a -32000 error naming it.
    let again = rpc(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(&raw))]),
    );
    assert_eq!(again["error"]["code"], json!(-32000), "{again}");
    let message = again["error"]["message"].as_str().unwrap();
    assert!(message.contains("nonce too low"), "{message}");
}

#[test]
fn a_persisted_chain_resumes_with_the_same_blocks_and_state() {
    let dir = std::env::temp_dir().join(format!("aimine-node-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = NodeConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: Some(dir.clone()),
        ..NodeConfig::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (hash, block, balance) = {
        let node = rt.block_on(start(&config)).unwrap();
        let a = node.addr;
        let raw = signed_transfer(0, U256::from(777u64));
        let hash = result(
            a,
            "eth_sendRawTransaction",
            json!([format!("0x{}", hex(&raw))]),
        );
        result(
            a,
            "eth_sendTransaction",
            json!([{"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x1"}]),
        );
        // A snapshot and revert drops block 3 from the disk too.
        let snap = result(a, "evm_snapshot", json!([]));
        result(a, "evm_mine", json!([]));
        assert_eq!(result(a, "evm_revert", json!([snap])), json!(true));
        let block = result(a, "eth_getBlockByNumber", json!(["latest", false]));
        let balance = result(a, "eth_getBalance", json!([ACCOUNT1, "latest"]));
        node.handle.stop().unwrap();
        rt.block_on(node.handle.clone().stopped());
        (hash, block, balance)
    };
    drop(rt);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let node = rt.block_on(start(&config)).unwrap();
    let a = node.addr;
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x2"));
    assert_eq!(
        result(a, "eth_getBlockByNumber", json!(["latest", false])),
        block
    );
    assert_eq!(
        result(a, "eth_getBalance", json!([ACCOUNT1, "latest"])),
        balance
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"));
    // Another chain id on the same data is refused.
    let other = NodeConfig {
        chain_id: 5,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..config.clone()
    };
    drop(node);
    drop(rt);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let refused = rt.block_on(start(&other)).err().unwrap_or_default();
    assert!(refused.contains("holds chain 96369"), "{refused}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_requests_get_errors_and_the_node_keeps_serving() {
    let (_rt, node) = node(None);
    let a = node.addr;
    for (method, params) in [
        ("eth_sendRawTransaction", json!(["0x"])),
        ("eth_sendRawTransaction", json!(["0x02ffff"])),
        ("eth_sendRawTransaction", json!(["zz"])),
        ("eth_sendRawTransaction", json!([])),
        ("eth_getBalance", json!(["0x12"])),
        ("eth_getBalance", json!([ACCOUNT0, "0xffffffffffffffff"])),
        (
            "eth_call",
            json!([{"to": "0x0000000000000000000000000000000000000301", "data": "0x01"}]),
        ),
        (
            "eth_getLogs",
            json!([{"fromBlock": "0x0", "toBlock": "0xffffffffffffffff"}]),
        ),
        ("evm_revert", json!(["0x99"])),
        (
            "eth_feeHistory",
            json!(["0xffffffffffffffff", "latest", [1.0]]),
        ),
    ] {
        let v = rpc(a, method, params.clone());
        assert!(
            v.get("error").is_some() || v.get("result").is_some(),
            "{method} {params}: {v}"
        );
    }
    let unknown = rpc(a, "eth_noSuchMethod", json!([]));
    assert_eq!(unknown["error"]["code"], json!(-32601));
    let bad = rpc(a, "eth_getBalance", json!(["0x12"]));
    assert_eq!(bad["error"]["code"], json!(-32602));
    let (_, garbage) = post(a, b"{not json");
    assert!(garbage.contains("-32700"), "{garbage}");
    // Larger than the limit: refused.
    let big = vec![b' '; usize::try_from(aimine_node::MAX_REQUEST_BYTES).unwrap() + 10];
    let (status, _) = post(a, &big);
    assert!(status.contains("413"), "{status}");
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x0"));
}

#[test]
fn legacy_and_eip2930_transactions_are_accepted() {
    use alloy_consensus::{TxEip2930, TxLegacy};
    let (_rt, node) = node(None);
    let a = node.addr;
    let key: PrivateKeySigner = KEY0.parse().unwrap();
    let legacy = TxLegacy {
        chain_id: Some(aimine_node::DEFAULT_CHAIN_ID),
        nonce: 0,
        gas_price: 2_000_000_000,
        gas_limit: 21_000,
        to: TxKind::Call(ACCOUNT1),
        value: U256::from(1u64),
        input: Default::default(),
    };
    let sig = key.sign_hash_sync(&legacy.signature_hash()).unwrap();
    let raw = TxEnvelope::from(legacy.into_signed(sig)).encoded_2718();
    let receipt = send_raw(a, &raw);
    assert_eq!(
        (receipt["status"].clone(), receipt["type"].clone()),
        (json!("0x1"), json!("0x0"))
    );
    let eip2930 = TxEip2930 {
        chain_id: aimine_node::DEFAULT_CHAIN_ID,
        nonce: 1,
        gas_price: 2_000_000_000,
        gas_limit: 30_000,
        to: TxKind::Call(ACCOUNT1),
        value: U256::from(1u64),
        access_list: Default::default(),
        input: Default::default(),
    };
    let sig = key.sign_hash_sync(&eip2930.signature_hash()).unwrap();
    let raw = TxEnvelope::from(eip2930.into_signed(sig)).encoded_2718();
    let receipt = send_raw(a, &raw);
    assert_eq!(
        (receipt["status"].clone(), receipt["type"].clone()),
        (json!("0x1"), json!("0x1"))
    );
    // The wrong chain id is refused.
    let other = TxLegacy {
        chain_id: Some(1),
        nonce: 2,
        gas_price: 2_000_000_000,
        gas_limit: 21_000,
        to: TxKind::Call(ACCOUNT1),
        value: U256::from(1u64),
        input: Default::default(),
    };
    let sig = key.sign_hash_sync(&other.signature_hash()).unwrap();
    let raw = TxEnvelope::from(other.into_signed(sig)).encoded_2718();
    let refused = rpc(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(&raw))]),
    );
    assert_eq!(refused["error"]["code"], json!(-32000), "{refused}");
}

/// Runtime code: LOG1(memory[0..32] = 42, topic 1), then STOP. Its init code returns it.
const RUNTIME: &str = "602a600052600160206000a100";
const INIT: &str = "600d80600b6000396000f3";

#[test]
fn a_contract_is_deployed_and_its_logs_are_found() {
    let (_rt, node) = node(None);
    let a = node.addr;
    let deploy = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "input": format!("0x{INIT}{RUNTIME}")}]),
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([deploy]));
    assert_eq!(receipt["status"], json!("0x1"), "{receipt}");
    let contract = receipt["contractAddress"].as_str().unwrap().to_owned();
    assert_eq!(contract, format!("{:#x}", ACCOUNT0.create(0)));
    assert_eq!(
        result(a, "eth_getCode", json!([contract, "latest"])),
        json!(format!("0x{RUNTIME}"))
    );
    let call = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "to": contract}]),
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([call]));
    assert_eq!(receipt["logs"].as_array().unwrap().len(), 1, "{receipt}");
    let one = format!("0x{:064x}", 1);
    let logs = result(
        a,
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "toBlock": "latest", "address": contract, "topics": [one]}]),
    );
    let logs = logs.as_array().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["data"], json!(format!("0x{:064x}", 42)));
    assert_eq!(logs[0]["transactionHash"], call);
    assert_eq!(logs[0]["blockNumber"], json!("0x2"));
    let none = result(
        a,
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "address": contract, "topics": [format!("0x{:064x}", 2)]}]),
    );
    assert_eq!(none, json!([]));
    let none = result(
        a,
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "toBlock": "0x1"}]),
    );
    assert_eq!(none, json!([]));
}

#[test]
fn snapshots_time_and_mining() {
    let (_rt, node) = node(None);
    let a = node.addr;
    let snap = result(a, "evm_snapshot", json!([]));
    result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x1"}]),
    );
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x1"));
    assert_eq!(result(a, "evm_revert", json!([snap])), json!(true));
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x0"));
    let t0 = result(a, "eth_getBlockByNumber", json!(["latest", false]))["timestamp"].clone();
    let t0 = u64::from_str_radix(t0.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    result(a, "evm_increaseTime", json!([3600]));
    result(a, "evm_mine", json!([]));
    let t1 = result(a, "eth_getBlockByNumber", json!(["latest", false]))["timestamp"].clone();
    let t1 = u64::from_str_radix(t1.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(t1 >= t0 + 3600, "{t0} {t1}");
    result(a, "evm_setNextBlockTimestamp", json!([t1 + 100]));
    result(a, "evm_mine", json!([]));
    let t2 = result(a, "eth_getBlockByNumber", json!(["latest", true]))["timestamp"].clone();
    assert_eq!(t2, json!(format!("{:#x}", t1 + 100)));
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `cast` with `args`, its stdout; fails on a non-zero exit.
fn run(cast: &PathBuf, args: &[String]) -> String {
    let out = Command::new(cast).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn cast_drives_the_node() {
    let Some(cast) = aimine_vectors::foundry::cast() else {
        return;
    };
    let pki = TestPki::new([0x44; 32]);
    let (_rt, node) = node(Some(&pki));
    let url = node.url();
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .map(|s| s.to_string())
            .chain(["-r".to_owned(), url.clone()])
            .collect()
    };
    assert_eq!(run(&cast, &with(&["chain-id"])), "96369");
    let account1 = format!("{ACCOUNT1:#x}");
    assert_eq!(
        run(&cast, &with(&["balance", &account1])),
        "10000000000000000000000"
    );
    let sent = run(
        &cast,
        &with(&[
            "send",
            "--private-key",
            KEY0,
            &account1,
            "--value",
            "1ether",
            "--json",
        ]),
    );
    let sent: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(sent["status"], json!("0x1"), "{sent}");
    let hash = sent["transactionHash"].as_str().unwrap();
    let receipt = run(&cast, &with(&["receipt", hash, "status"]));
    assert!(receipt.starts_with('1') || receipt == "true", "{receipt}");
    assert_eq!(
        run(&cast, &with(&["balance", &account1])),
        "10001000000000000000000"
    );
    // NV_TRUST parses a forged H100 quote under the dev root the genesis trusts.
    let quote = pki
        .forge(&ForgeOptions::new(Architecture::Hopper, [7; 32]))
        .envelope();
    let parsed = run(
        &cast,
        &with(&[
            "call",
            "0x0000000000000000000000000000000000000301",
            "parseQuote(bytes)(uint8,bytes32,uint256)",
            &format!("0x{}", hex(&quote)),
        ]),
    );
    let lines: Vec<&str> = parsed.lines().collect();
    assert_eq!(lines.len(), 3, "{parsed}");
    assert_eq!(lines[0], "3", "{parsed}");
    assert_eq!(
        run(&cast, &with(&["rpc", "evm_increaseTime", "3600"])),
        "\"0xe10\""
    );
}
