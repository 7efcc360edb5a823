//! The mission over JSON-RPC with Foundry's `cast` (1.7.1, installed on first use) against the
//! real binary, `aimine node --dev-root`: the mission's ComputeProvider deployed from its solc
//! artifact with `cast send --create`, two sessions started through it with dev quotes (an H100,
//! Confidential, and a B200, Sovereign), two hours moved with `cast rpc evm_increaseTime`,
//! heartbeats that pay each by its tier, and `cast call … miningBalance` reading the credit;
//! then `cast call 0x…0301 parseQuote` on a genuine NVIDIA H100 quote built by
//! `aimine quote build`. Last, SIGTERM stops the node cleanly.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::processes::{cast, spawn_node, uint};

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::IAIMining;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_tiers::TrustTier;
use aimine_vectors::cli::nvidia_arg;
use alloy_sol_types::SolEvent;
use revm::primitives::{B256, Bytes, LogData, U256};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The dev accounts 0, 1 and 2 of the standard mnemonic: the deployer and two miners.
const KEYS: [&str; 3] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
const MINERS: [&str; 2] = [
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
];
const AI_MINING: &str = "0x0000000000000000000000000000000000000300";
const NV_TRUST: &str = "0x0000000000000000000000000000000000000301";

/// `cast send … --json`: the receipt.
fn send(bin: &Path, url: &str, key: &str, args: &[&str]) -> Value {
    let mut all = vec!["send", "--private-key", key, "--json"];
    all.extend_from_slice(args);
    let receipt: Value = serde_json::from_str(&cast(bin, url, &all)).unwrap();
    assert_eq!(receipt["status"], "0x1", "{args:?}: {receipt}");
    receipt
}

/// The first log of `event` that `emitter` emitted in `receipt`, decoded.
fn event<E: SolEvent>(receipt: &Value, emitter: &str) -> E {
    let log = receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["address"].as_str() == Some(emitter)
                && l["topics"][0].as_str() == Some(&format!("{}", E::SIGNATURE_HASH))
        })
        .unwrap_or_else(|| panic!("no {} from {emitter} in {receipt}", E::SIGNATURE));
    let topics: Vec<B256> = serde_json::from_value(log["topics"].clone()).unwrap();
    let data: Bytes = serde_json::from_value(log["data"].clone()).unwrap();
    E::decode_log_data(&LogData::new_unchecked(topics, data)).unwrap()
}

/// The creation bytecode in a solc artifact.
fn bytecode(artifact: &Path) -> String {
    let json: Value = serde_json::from_slice(&std::fs::read(artifact).unwrap()).unwrap();
    json["bytecode"].as_str().unwrap().to_owned()
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_mission_runs_on_aimine_node_driven_by_cast() {
    let Some(bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let (mut node, url, output) = spawn_node(&["--dev-root"]);
    // The dev root `--dev-root` trusts.
    let pki = TestPki::new(Sha256::digest(b"aimine node dev root").into());

    // Deploy ComputeProvider from its solc artifact.
    let artifact = workspace().join("crates/aimine-evm/artifacts/ComputeProvider.json");
    let deployed = send(&bin, &url, KEYS[0], &["--create", &bytecode(&artifact)]);
    let provider = deployed["contractAddress"].as_str().unwrap().to_owned();
    assert_eq!(
        cast(
            &bin,
            &url,
            &[
                "compute-address",
                "--nonce",
                "0",
                "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
            ]
        )
        .rsplit(' ')
        .next()
        .unwrap()
        .to_lowercase(),
        provider
    );

    // Each miner's quote answers the nonce the chain gives for (ComputeProvider, miner) in the
    // epoch of the block that starts its session: that block's time is pinned first.
    let latest: Value =
        serde_json::from_str(&cast(&bin, &url, &["block", "latest", "--json"])).unwrap();
    let t0 = u64::from_str_radix(
        latest["timestamp"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap()
        + 1;
    let devices = [(Architecture::Hopper, 1u32), (Architecture::Blackwell, 2)];
    let mut sessions = Vec::new();
    for (i, ((arch, device), miner)) in devices.iter().zip(MINERS).enumerate() {
        let t = (t0 + i as u64).to_string();
        cast(&bin, &url, &["rpc", "evm_setNextBlockTimestamp", &t]);
        let nonce = cast(
            &bin,
            &url,
            &[
                "call",
                AI_MINING,
                "sessionNonceFor(address,address,bytes)(bytes32)",
                &provider,
                miner,
                "0x",
            ],
        );
        let nonce: [u8; 32] = hex::decode(nonce.trim_start_matches("0x"))
            .unwrap()
            .try_into()
            .unwrap();
        let mut options = ForgeOptions::new(*arch, nonce);
        options.device = *device;
        let quote = format!("0x{}", hex::encode(pki.forge(&options).envelope()));
        let receipt = send(
            &bin,
            &url,
            KEYS[i + 1],
            &[&provider, "startSession(bytes)", &quote],
        );
        let started: IAIMining::SessionStarted = event(&receipt, AI_MINING);
        assert_eq!(format!("{:#x}", started.miner), miner);
        assert_eq!(format!("{:#x}", started.owner), provider);
        sessions.push(started);
    }
    assert_eq!(
        (sessions[0].tier, sessions[1].tier),
        (TrustTier::Confidential as u8, TrustTier::Sovereign as u8)
    );
    assert_ne!(sessions[0].gpuId, sessions[1].gpuId);

    // Two hours later (a heartbeat pays for at most one), each miner's heartbeat through
    // ComputeProvider pays by its tier.
    assert_eq!(
        cast(&bin, &url, &["rpc", "evm_increaseTime", "7200"]),
        "\"0x1c20\""
    );
    for (i, started) in sessions.iter().enumerate() {
        let id = format!("{}", started.sessionId);
        let receipt = send(
            &bin,
            &url,
            KEYS[i + 1],
            &[&provider, "heartbeat(bytes32)", &id],
        );
        let beat: IAIMining::Heartbeat = event(&receipt, AI_MINING);
        let tier = if i == 0 {
            TrustTier::Confidential
        } else {
            TrustTier::Sovereign
        };
        let expected = reward(3_600, started.computeUnits, tier);
        assert_eq!(beat.reward, expected, "{tier:?}");
        let balance = cast(
            &bin,
            &url,
            &[
                "call",
                AI_MINING,
                "miningBalance(address)(uint256)",
                MINERS[i],
            ],
        );
        assert_eq!(uint(&balance), expected, "{balance}");
    }
    // Hopper 1,000 units at 1.0x, Blackwell 2,500 at 1.5x: 3.6e15 and 1.35e16 wei.
    assert_eq!(
        reward(3_600, sessions[0].computeUnits, TrustTier::Confidential),
        U256::from(3_600_000_000_000_000u64)
    );
    assert_eq!(
        reward(3_600, sessions[1].computeUnits, TrustTier::Sovereign),
        U256::from(13_500_000_000_000_000u64)
    );

    // NV_TRUST parses a genuine H100 quote built by `aimine quote build`.
    if let (Some(report), Some(chain)) = (
        nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt"),
        nvidia_arg("hopper-550.90.07/hopperCertChain.txt"),
    ) {
        let built = aimine_vectors::aimine!(&["quote", "build", &report, &chain]);
        assert_eq!(built.status.code(), Some(0), "{built:?}");
        let quote = format!("0x{}", aimine_vectors::cli::stdout(&built).trim());
        let parsed = cast(
            &bin,
            &url,
            &[
                "call",
                NV_TRUST,
                "parseQuote(bytes)(uint8,bytes32,uint256)",
                &quote,
            ],
        );
        let lines: Vec<&str> = parsed.lines().collect();
        assert_eq!(lines.len(), 3, "{parsed}");
        assert_eq!(lines[0], "3");
        assert_eq!(
            lines[1],
            "0x0456ef114633549618e8fbe54ece97118b2f034f11b036980137a15264a46d07"
        );
        assert_eq!(uint(lines[2]), U256::from(1_000u64));
    }

    // SIGTERM: the node says it stops and exits 0.
    let pid = node.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = node.0.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    // The reader ends at the pipe's end, when the process has exited.
    let said: Vec<String> = output.iter().collect();
    assert!(said.iter().any(|l| l == "stopping"), "{said:?}");
    assert!(
        said.iter()
            .any(|l| l.starts_with("block 1 ") && l.contains("txs 1")),
        "{said:?}"
    );
}

/// `baseRate × seconds × units × tier multiplier` at the default base rate (1 gwei).
fn reward(seconds: u64, units: u64, tier: TrustTier) -> U256 {
    U256::from(aimine_tiers::reward(1_000_000_000, seconds, units, tier).unwrap())
}

#[test]
fn dev_quotes_start_sessions_on_the_dev_node() {
    let Some(bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let (_node, url, _output) = spawn_node(&["--dev-root"]);
    let miner = MINERS[1];
    let nonce = cast(
        &bin,
        &url,
        &[
            "call",
            AI_MINING,
            "sessionNonceFor(address,address,bytes)(bytes32)",
            miner,
            miner,
            "0x",
        ],
    );
    // A B200 (Sovereign) and a composite of the AMD kit's chip with two H100s (Confidential),
    // each started by the miner itself.
    // Units: a B200 2,500; a composite the sum of its GPUs', 2 × 1,000.
    for (args, tier, units) in [
        (vec!["--gpu", "b200"], TrustTier::Sovereign, 2_500),
        (
            vec!["--composite-sev", "--gpus", "2", "--device", "7"],
            TrustTier::Confidential,
            2_000,
        ),
    ] {
        let mut all = vec!["dev", "quote", "--nonce", &nonce];
        all.extend_from_slice(&args);
        let out = aimine_vectors::aimine!(&all);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("never valid on a real chain"), "{said}");
        let quote = aimine_vectors::cli::stdout(&out).trim().to_owned();
        let receipt = send(
            &bin,
            &url,
            KEYS[2],
            &[AI_MINING, "startSession(address,bytes)", miner, &quote],
        );
        let started: IAIMining::SessionStarted = event(&receipt, AI_MINING);
        assert_eq!(started.tier, tier as u8, "{args:?}");
        assert_eq!(started.computeUnits, units, "{args:?}");
    }
    // Usage errors: exit 2.
    for bad in [
        vec!["dev", "quote", "--gpu", "h100", "--nonce", "0x01"],
        vec![
            "dev",
            "quote",
            "--composite-sev",
            "--gpus",
            "0",
            "--nonce",
            &nonce,
        ],
        vec!["dev", "quote", "--nonce", &nonce],
    ] {
        let out = aimine_vectors::aimine!(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {out:?}");
    }
}
