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
    // The same transaction again is known; another with the spent nonce is too low: -32000
    // errors that say so.
    for (raw, says) in [
        (raw, "already known"),
        (signed_transfer(0, U256::from(1u64)), "nonce too low"),
    ] {
        let again = rpc(
            a,
            "eth_sendRawTransaction",
            json!([format!("0x{}", hex(&raw))]),
        );
        assert_eq!(again["error"]["code"], json!(-32000), "{again}");
        let message = again["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    // The header's roots are the real ones: one transaction, one receipt, a changed state.
    let genesis = result(a, "eth_getBlockByNumber", json!(["0x0", false]));
    let empty = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
    assert_eq!(genesis["transactionsRoot"], json!(empty));
    assert_eq!(genesis["receiptsRoot"], json!(empty));
    assert_ne!(block["transactionsRoot"], json!(empty));
    assert_ne!(block["stateRoot"], genesis["stateRoot"]);
    assert_ne!(
        genesis["stateRoot"],
        json!(format!("0x{:064x}", 0)),
        "{genesis}"
    );
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
        chain_id: Some(5),
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

const KEY1: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

#[test]
fn an_eip7702_transaction_delegates_an_account_to_a_contract() {
    use alloy_consensus::TxEip7702;
    use alloy_eips::eip7702::Authorization;
    let (_rt, node) = node(None);
    let a = node.addr;
    // A contract that logs 42 under topic 1.
    let deploy = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "input": format!("0x{INIT}{RUNTIME}")}]),
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([deploy]));
    let contract: Address = serde_json::from_value(receipt["contractAddress"].clone()).unwrap();
    // Account 1 authorizes it; account 0 sends (and pays for) the type-4 transaction.
    let key1: PrivateKeySigner = KEY1.parse().unwrap();
    let auth = Authorization {
        chain_id: U256::from(aimine_node::DEFAULT_CHAIN_ID),
        address: contract,
        nonce: 0,
    };
    let sig = key1.sign_hash_sync(&auth.signature_hash()).unwrap();
    let tx = TxEip7702 {
        chain_id: aimine_node::DEFAULT_CHAIN_ID,
        nonce: 1,
        gas_limit: 100_000,
        max_fee_per_gas: 3_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: ACCOUNT1,
        value: U256::ZERO,
        access_list: Default::default(),
        authorization_list: vec![auth.into_signed(sig)],
        input: Default::default(),
    };
    let key0: PrivateKeySigner = KEY0.parse().unwrap();
    let sig = key0.sign_hash_sync(&tx.signature_hash()).unwrap();
    let receipt = send_raw(a, &TxEnvelope::from(tx.into_signed(sig)).encoded_2718());
    assert_eq!(
        (receipt["status"].clone(), receipt["type"].clone()),
        (json!("0x1"), json!("0x4")),
        "{receipt}"
    );
    // The delegated account runs the contract's code: the log is account 1's.
    let logs = receipt["logs"].as_array().unwrap();
    assert_eq!(logs.len(), 1, "{receipt}");
    assert_eq!(logs[0]["address"], json!(format!("{ACCOUNT1:#x}")));
    assert_eq!(
        result(a, "eth_getCode", json!([ACCOUNT1, "latest"])),
        json!(format!("0xef0100{}", hex(contract.as_slice())))
    );
    assert_eq!(
        result(a, "eth_getTransactionCount", json!([ACCOUNT1, "latest"])),
        json!("0x1")
    );
}

#[test]
fn batch_requests_get_one_answer_each_in_order() {
    let (_rt, node) = node(None);
    let body = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_noSuchMethod", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_blockNumber", "params": []}
    ]);
    let (_, out) = post(node.addr, body.to_string().as_bytes());
    let v: Value = serde_json::from_str(&out).unwrap();
    let answers = v.as_array().unwrap();
    assert_eq!(answers.len(), 3, "{out}");
    let by_id = |id: u64| answers.iter().find(|r| r["id"] == json!(id)).unwrap();
    assert_eq!(by_id(1)["result"], json!("0x17871"));
    assert_eq!(by_id(2)["error"]["code"], json!(-32601));
    assert_eq!(by_id(3)["result"], json!("0x0"));
}

#[test]
fn with_a_block_time_transactions_wait_in_the_pool_for_the_next_block() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = NodeConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        block_time: Some(1),
        ..NodeConfig::default()
    };
    let node = rt.block_on(start(&config)).unwrap();
    let a = node.addr;
    let first = result(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(&signed_transfer(0, U256::from(1u64))))]),
    );
    let second = result(
        a,
        "eth_sendRawTransaction",
        json!([format!("0x{}", hex(&signed_transfer(1, U256::from(2u64))))]),
    );
    // Not mined yet: no receipt, the transaction is pending, the pending nonce counts both.
    if result(a, "eth_blockNumber", json!([])) == json!("0x0") {
        assert_eq!(
            result(a, "eth_getTransactionReceipt", json!([first])),
            Value::Null
        );
        let pending = result(a, "eth_getTransactionByHash", json!([second]));
        assert_eq!(pending["blockNumber"], Value::Null, "{pending}");
        assert_eq!(
            result(a, "eth_getTransactionCount", json!([ACCOUNT0, "pending"])),
            json!("0x2")
        );
    }
    // A gap and a second transaction for a waiting nonce are refused.
    for (nonce, says) in [(5, "nonce too high"), (0, "nonce too low")] {
        let raw = signed_transfer(nonce, U256::from(3u64));
        let refused = rpc(
            a,
            "eth_sendRawTransaction",
            json!([format!("0x{}", hex(&raw))]),
        );
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(says) || message.contains("already waiting"),
            "{nonce}: {refused}"
        );
    }
    // Within a few ticks both are mined, in order.
    let mut receipts = (Value::Null, Value::Null);
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        receipts = (
            result(a, "eth_getTransactionReceipt", json!([first])),
            result(a, "eth_getTransactionReceipt", json!([second])),
        );
        if !receipts.0.is_null() && !receipts.1.is_null() {
            break;
        }
    }
    assert_eq!(receipts.0["status"], json!("0x1"), "{receipts:?}");
    assert_eq!(receipts.1["status"], json!("0x1"), "{receipts:?}");
    let (b0, b1) = (
        receipts.0["blockNumber"].as_str().unwrap().to_owned(),
        receipts.1["blockNumber"].as_str().unwrap().to_owned(),
    );
    assert!(b0 <= b1, "{b0} {b1}");
    assert_eq!(
        result(a, "eth_getTransactionCount", json!([ACCOUNT0, "latest"])),
        json!("0x2")
    );
    let block = result(a, "eth_getBlockReceipts", json!([b1]));
    assert!(
        block
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["transactionHash"] == second),
        "{block}"
    );
    // Empty blocks keep coming on the clock.
    let before = result(a, "eth_blockNumber", json!([]));
    std::thread::sleep(std::time::Duration::from_millis(2_200));
    assert_ne!(result(a, "eth_blockNumber", json!([])), before);
}

#[test]
fn a_genesis_file_sets_admin_accounts_parameters_and_gas() {
    use aimine_evm::abi::IAIMining;
    use alloy_sol_types::SolCall;
    let holder = address!("00000000000000000000000000000000000c0de0");
    let text = format!(
        r#"{{
            "admin": "{ACCOUNT1:#x}",
            "timestamp": 1750000000,
            "devBalance": "5000000000000000000",
            "alloc": {{"{holder:#x}": {{"balance": "0x7", "code": "0x{RUNTIME}",
                       "storage": {{"0x1": "0x2a"}}}}}},
            "params": {{"epochSeconds": 600}},
            "gas": {{"heartbeat": 7777}}
        }}"#
    );
    let genesis = aimine_node::GenesisFile::parse(&text).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("aimine-node-genesis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = NodeConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        genesis,
        data_dir: Some(dir.clone()),
        ..NodeConfig::default()
    };
    let node = rt.block_on(start(&config)).unwrap();
    let a = node.addr;
    let call = |data: Vec<u8>| {
        result(
            a,
            "eth_call",
            json!([{"to": aimine_evm::address::AI_MINING, "data": format!("0x{}", hex(&data))}]),
        )
    };
    let admin = call(IAIMining::adminCall {}.abi_encode());
    assert_eq!(admin, json!(format!("0x{:0>64}", hex(ACCOUNT1.as_slice()))));
    let epoch = call(IAIMining::paramCall { param: 2 }.abi_encode());
    assert_eq!(epoch, json!(format!("0x{:064x}", 600)));
    assert_eq!(
        result(a, "eth_getBalance", json!([ACCOUNT0, "0x0"])),
        json!("0x4563918244f40000")
    );
    assert_eq!(
        result(a, "eth_getBalance", json!([holder, "latest"])),
        json!("0x7")
    );
    assert_eq!(
        result(a, "eth_getCode", json!([holder, "latest"])),
        json!(format!("0x{RUNTIME}"))
    );
    assert_eq!(
        result(a, "eth_getStorageAt", json!([holder, "0x1", "latest"])),
        json!(format!("0x{:064x}", 42))
    );
    let genesis_block = result(a, "eth_getBlockByNumber", json!(["0x0", false]));
    assert_eq!(
        genesis_block["timestamp"],
        json!(format!("{:#x}", 1_750_000_000u64))
    );
    node.handle.stop().unwrap();
    rt.block_on(node.handle.clone().stopped());
    drop(node);
    // The same data dir with another genesis is refused; with the same one it opens.
    let mut other = config.clone();
    other.genesis.gas.heartbeat = Some(7778);
    let refused = rt.block_on(start(&other)).err().unwrap_or_default();
    assert!(refused.contains("another genesis"), "{refused}");
    let again = rt.block_on(start(&config)).unwrap();
    assert_eq!(
        result(again.addr, "eth_getBlockByNumber", json!(["0x0", false])),
        genesis_block
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn old_states_are_pruned_and_say_so() {
    let (_rt, node) = node(None);
    let a = node.addr;
    node.ctx.chain.lock().unwrap().kept_states = 3;
    for _ in 0..6 {
        result(a, "evm_mine", json!([]));
    }
    // The latest three (4, 5, 6) and the genesis keep their state; 1 to 3 do not.
    for kept in ["0x0", "0x4", "0x5", "0x6", "latest"] {
        result(a, "eth_getBalance", json!([ACCOUNT0, kept]));
    }
    for pruned in ["0x1", "0x2", "0x3"] {
        let v = rpc(a, "eth_getBalance", json!([ACCOUNT0, pruned]));
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("not kept"), "{pruned}: {v}");
    }
    // The blocks themselves are all still served.
    let one = result(a, "eth_getBlockByNumber", json!(["0x1", false]));
    assert_eq!(one["number"], json!("0x1"));
}

#[test]
fn a_restart_reads_blocks_and_receipts_back_and_state_from_the_last_checkpoint() {
    let dir = std::env::temp_dir().join(format!("aimine-node-checkpoint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = NodeConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: Some(dir.clone()),
        ..NodeConfig::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let node = rt.block_on(start(&config)).unwrap();
    let a = node.addr;
    // A contract with a log in block 1, transfers around the checkpoint at block 256.
    let deploy = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "input": format!("0x{INIT}{RUNTIME}")}]),
    );
    let contract =
        result(a, "eth_getTransactionReceipt", json!([deploy]))["contractAddress"].clone();
    let call = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "to": contract}]),
    );
    for _ in 3..255 {
        result(a, "evm_mine", json!([]));
    }
    let mut hashes = vec![deploy, call];
    for i in 0..4u64 {
        hashes.push(
            send_raw(a, &signed_transfer(2 + i, U256::from(10 + i)))["transactionHash"].clone(),
        );
    }
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x102"));
    let receipts: Vec<Value> = hashes
        .iter()
        .map(|h| result(a, "eth_getTransactionReceipt", json!([h])))
        .collect();
    let blocks: Vec<Value> = ["0x1", "0x2", "0xff", "0x100", "0x102"]
        .iter()
        .map(|n| result(a, "eth_getBlockByNumber", json!([n, true])))
        .collect();
    let logs = result(
        a,
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "address": contract}]),
    );
    let balance = result(a, "eth_getBalance", json!([ACCOUNT1, "latest"]));
    let at_checkpoint = result(a, "eth_getBalance", json!([ACCOUNT1, "0x100"]));
    let code = result(a, "eth_getCode", json!([contract, "latest"]));
    node.handle.stop().unwrap();
    rt.block_on(node.handle.clone().stopped());
    drop(node);

    let node = rt.block_on(start(&config)).unwrap();
    let a = node.addr;
    for (h, before) in hashes.iter().zip(&receipts) {
        assert_eq!(&result(a, "eth_getTransactionReceipt", json!([h])), before);
    }
    for (n, before) in ["0x1", "0x2", "0xff", "0x100", "0x102"].iter().zip(&blocks) {
        assert_eq!(&result(a, "eth_getBlockByNumber", json!([n, true])), before);
    }
    assert_eq!(
        result(
            a,
            "eth_getLogs",
            json!([{"fromBlock": "0x0", "address": contract}])
        ),
        logs
    );
    assert_eq!(
        result(a, "eth_getBalance", json!([ACCOUNT1, "latest"])),
        balance
    );
    // The checkpoint's state and the blocks after it are there; the states before it are not.
    assert_eq!(
        result(a, "eth_getBalance", json!([ACCOUNT1, "0x100"])),
        at_checkpoint
    );
    assert_ne!(at_checkpoint, balance);
    assert_eq!(result(a, "eth_getCode", json!([contract, "latest"])), code);
    let old = rpc(a, "eth_getBalance", json!([ACCOUNT1, "0x5"]));
    assert!(
        old["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not kept"),
        "{old}"
    );
    // And the chain goes on from there.
    let next = send_raw(a, &signed_transfer(6, U256::from(1u64)));
    assert_eq!(next["blockNumber"], json!("0x103"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn blockhash_answers_the_hashes_of_recent_blocks() {
    let (_rt, node) = node(None);
    let a = node.addr;
    result(a, "evm_mine", json!([]));
    result(a, "evm_mine", json!([]));
    // Init code returning BLOCKHASH(NUMBER - 1): run by eth_call on top of the latest block.
    let code = "0x43600190034060005260206000f3";
    let out = result(a, "eth_call", json!([{"input": code}]));
    let latest = result(a, "eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(out, latest["hash"]);
    // At block 1 (executing as block 2), it is block 1's hash.
    let out = result(a, "eth_call", json!([{"input": code}, "0x1"]));
    let one = result(a, "eth_getBlockByNumber", json!(["0x1", false]));
    assert_eq!(out, one["hash"]);
}

#[test]
fn filters_report_new_logs_and_blocks_once() {
    let (_rt, node) = node(None);
    let a = node.addr;
    let deploy = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "input": format!("0x{INIT}{RUNTIME}")}]),
    );
    let contract =
        result(a, "eth_getTransactionReceipt", json!([deploy]))["contractAddress"].clone();
    let logs = result(
        a,
        "eth_newFilter",
        json!([{"address": contract, "fromBlock": "0x0"}]),
    );
    let blocks = result(a, "eth_newBlockFilter", json!([]));
    assert_eq!(result(a, "eth_getFilterChanges", json!([logs])), json!([]));
    let call = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "to": contract}]),
    );
    result(a, "evm_mine", json!([]));
    let changes = result(a, "eth_getFilterChanges", json!([logs]));
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(changes[0]["transactionHash"], call);
    // Reported once; the whole set stays available.
    assert_eq!(result(a, "eth_getFilterChanges", json!([logs])), json!([]));
    assert_eq!(
        result(a, "eth_getFilterLogs", json!([logs]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let new_blocks = result(a, "eth_getFilterChanges", json!([blocks]));
    let three = result(a, "eth_getBlockByNumber", json!(["0x3", false]))["hash"].clone();
    assert_eq!(new_blocks.as_array().unwrap().len(), 2, "{new_blocks}");
    assert_eq!(new_blocks[1], three);
    assert_eq!(result(a, "eth_uninstallFilter", json!([logs])), json!(true));
    assert_eq!(
        result(a, "eth_uninstallFilter", json!([logs])),
        json!(false)
    );
    let gone = rpc(a, "eth_getFilterChanges", json!([logs]));
    assert!(
        gone["error"]["message"]
            .as_str()
            .unwrap()
            .contains("filter not found"),
        "{gone}"
    );
    // The lookups by block and index, raw bytes, account info and a dev signature.
    assert_eq!(
        result(a, "eth_getBlockTransactionCountByNumber", json!(["0x2"])),
        json!("0x1")
    );
    let tx = result(
        a,
        "eth_getTransactionByBlockNumberAndIndex",
        json!(["0x2", "0x0"]),
    );
    assert_eq!(tx["hash"], call);
    assert_eq!(
        result(
            a,
            "eth_getTransactionByBlockNumberAndIndex",
            json!(["0x2", "0x1"])
        ),
        Value::Null
    );
    let raw = result(a, "eth_getRawTransactionByHash", json!([call]));
    assert_eq!(
        format!(
            "{:#x}",
            alloy_primitives::keccak256(aimine_vectors::unhex(
                raw.as_str().unwrap().trim_start_matches("0x")
            ))
        ),
        call.as_str().unwrap()
    );
    let info = result(a, "eth_getAccountInfo", json!([contract, "latest"]));
    assert_eq!(info["code"], json!(format!("0x{RUNTIME}")));
    assert_eq!(info["nonce"], json!("0x1"));
    let sig = result(a, "eth_sign", json!([ACCOUNT0, "0x68656c6c6f"]));
    let sig: alloy_primitives::Signature = sig.as_str().unwrap().parse().unwrap();
    assert_eq!(sig.recover_address_from_msg(b"hello").unwrap(), ACCOUNT0);
}
