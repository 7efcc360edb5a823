//! Client libraries driving the node: viem (npm) and web3.py (PyPI), each from its pinned project
//! under `tools/clients/` (installed on first use by [`aimine_vectors::clients`]).
//!
//! Both scripts do the same, and print one `ok <step> …` line per step: deploy the mission's
//! ComputeProvider from account 0, start a session through it with a quote this side forged for
//! (ComputeProvider, account 0), check the receipt, read AI_MINING's `SessionStarted` back with
//! eth_getLogs, and decode two reverts to AI_MINING's custom errors (the same quote from account 1:
//! `NonceNotBound`; a heartbeat of an unknown session: `UnknownSession`). This side then checks
//! the session the script reports against the chain.

use std::time::{SystemTime, UNIX_EPOCH};

use aimine_vectors::clients::Client;
use alloy_primitives::keccak256;

use super::*;

const AI_MINING: &str = "0x0000000000000000000000000000000000000300";
const NV_TRUST: &str = "0x0000000000000000000000000000000000000301";

/// A 32-byte ABI word holding `a`.
fn word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

/// An ABI argument: a static word or a `bytes`.
enum Arg<'a> {
    Word([u8; 32]),
    Bytes(&'a [u8]),
}

/// The call data of `signature` with `args`.
fn call_data(signature: &str, args: &[Arg<'_>]) -> String {
    let mut head = keccak256(signature.as_bytes())[..4].to_vec();
    let mut tail = Vec::new();
    for arg in args {
        match arg {
            Arg::Word(w) => head.extend_from_slice(w),
            Arg::Bytes(b) => {
                let offset = U256::from(32 * args.len() + tail.len());
                head.extend_from_slice(&offset.to_be_bytes::<32>());
                tail.extend_from_slice(&U256::from(b.len()).to_be_bytes::<32>());
                tail.extend_from_slice(b);
                tail.resize(tail.len().div_ceil(32) * 32, 0);
            }
        }
    }
    head.extend_from_slice(&tail);
    format!("0x{}", hex(&head))
}

/// An eth_call at the latest block, its output as bytes.
fn call(a: SocketAddr, to: &str, data: String) -> Vec<u8> {
    let out = result(a, "eth_call", json!([{"to": to, "data": data}, "latest"]));
    let out = out.as_str().unwrap().strip_prefix("0x").unwrap();
    aimine_vectors::unhex(out)
}

/// The value of `key` on the `ok <step> … key value …` line of `step`.
fn field<'a>(stdout: &'a str, step: &str, key: &str) -> &'a str {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("ok {step} ")))
        .unwrap_or_else(|| panic!("no `ok {step}` line in:\n{stdout}"));
    let mut words = line.split_whitespace();
    words
        .by_ref()
        .find(|w| *w == key)
        .unwrap_or_else(|| panic!("no {key} in `{line}`"));
    words
        .next()
        .unwrap_or_else(|| panic!("no {key} value in `{line}`"))
}

/// Starts a node, forges the quote for (ComputeProvider deployed by account 0 at nonce 0,
/// miner account 0), runs `client` against it and checks what it reports against the chain.
fn drive(client: &Client, name: &str) {
    let pki = TestPki::new([0x46; 32]);
    let (_rt, node) = node(Some(&pki));
    let a = node.addr;
    // The nonce is bound to the hour epoch of the block that starts the session: keep clear of
    // the next boundary by moving the node's clock to the start of the next epoch if near it.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let into = now % 3_600;
    if into > 3_000 {
        result(a, "evm_increaseTime", json!([3_600 - into + 1]));
    }
    let provider = ACCOUNT0.create(0);
    let nonce = call(
        a,
        AI_MINING,
        call_data(
            "sessionNonceFor(address,address,bytes)",
            &[
                Arg::Word(word(provider)),
                Arg::Word(word(ACCOUNT0)),
                Arg::Bytes(&[]),
            ],
        ),
    );
    let nonce: [u8; 32] = nonce[..32].try_into().unwrap();
    let quote = pki
        .forge(&ForgeOptions::new(Architecture::Hopper, nonce))
        .envelope();
    // NV_TRUST confirms the binding and names the GPU the session must be for.
    let parsed = call(
        a,
        NV_TRUST,
        call_data(
            "parseQuoteWithNonce(bytes,bytes32)",
            &[Arg::Bytes(&quote), Arg::Word(nonce)],
        ),
    );
    let gpu_id = format!("0x{}", hex(&parsed[32..64]));
    assert_eq!(
        U256::from_be_slice(&parsed[..32]),
        U256::from(3),
        "trust level"
    );

    let artifacts = aimine_vectors::solc::root().join("crates/aimine-evm/artifacts");
    let started = std::time::Instant::now();
    let out = client
        .command()
        .arg(node.url())
        .arg(format!("0x{}", hex(&quote)))
        .arg(artifacts.join("ComputeProvider.json"))
        .arg(artifacts.join("IAIMining.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{name}: {:.1?}\n{stdout}{stderr}", started.elapsed());
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert_eq!(stdout.lines().last(), Some("ok done"), "{stdout}");

    // The script deployed at the address the quote was forged for, and started its session.
    assert_eq!(
        field(&stdout, "deploy", "deploy").to_lowercase(),
        format!("{provider:#x}")
    );
    let code = result(
        a,
        "eth_getCode",
        json!([format!("{provider:#x}"), "latest"]),
    );
    assert!(code.as_str().unwrap().len() > 2, "{code}");
    let session = field(&stdout, "logs", "sessionId");
    assert_eq!(field(&stdout, "logs", "gpuId"), gpu_id);
    assert_eq!(
        field(&stdout, "logs", "miner").to_lowercase(),
        format!("{ACCOUNT0:#x}")
    );
    // eth_getLogs from this side: one SessionStarted (the mined revert logged nothing).
    let topic = keccak256(
        "SessionStarted(bytes32,bytes32,address,address,uint8,uint64,bytes32,uint64)".as_bytes(),
    );
    let logs = result(
        a,
        "eth_getLogs",
        json!([{"address": AI_MINING, "fromBlock": "0x0", "toBlock": "latest",
            "topics": [format!("{topic:#x}")]}]),
    );
    let logs = logs.as_array().unwrap();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["topics"][1], json!(session));
    assert_eq!(logs[0]["topics"][2], json!(gpu_id));
    assert_eq!(
        logs[0]["topics"][3],
        json!(format!("0x{}", hex(&word(ACCOUNT0))))
    );
    assert_eq!(
        logs[0]["transactionHash"],
        json!(field(&stdout, "send", "send"))
    );
    let gpu: [u8; 32] = parsed[32..64].try_into().unwrap();
    let active = call(
        a,
        AI_MINING,
        call_data("activeSession(bytes32)", &[Arg::Word(gpu)]),
    );
    assert_eq!(format!("0x{}", hex(&active)), session);
    // The reverts, by name, and the mined one as a failed receipt.
    assert!(
        stdout.contains("\nok revert startSession NonceNotBound\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nok revert heartbeat UnknownSession\n"),
        "{stdout}"
    );
    assert_eq!(field(&stdout, "mined", "status"), "reverted");
    // Three blocks (deploy, session, the revert account 1 sent through eth_sendTransaction).
    assert_eq!(result(a, "eth_blockNumber", json!([])), json!("0x3"));
    let last = result(a, "eth_getBlockByNumber", json!(["latest", false]));
    let receipt = result(
        a,
        "eth_getTransactionReceipt",
        json!([last["transactions"][0]]),
    );
    assert_eq!(receipt["status"], json!("0x0"), "{receipt}");
    assert_eq!(
        receipt["from"],
        json!(format!("{ACCOUNT1:#x}")),
        "{receipt}"
    );
    assert_eq!(receipt["to"], json!(format!("{provider:#x}")), "{receipt}");
}

#[test]
fn viem_drives_the_node() {
    if let Some(viem) = aimine_vectors::clients::viem() {
        drive(&viem, "viem");
    }
}

#[test]
fn web3py_drives_the_node() {
    if let Some(web3) = aimine_vectors::clients::web3py() {
        drive(&web3, "web3.py");
    }
}
