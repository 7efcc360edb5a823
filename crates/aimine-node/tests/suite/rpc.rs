//! The node over HTTP: raw transactions of each type, contracts and logs, snapshots and time,
//! persistence across restarts, and hostile requests.

use super::*;

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

