//! Foundry's `forge` 1.7.1 against the node, offline: `tools/forge/run.sh` builds the mission's
//! ComputeProvider with forge (its solc being `tools/forge/solc-shim.js`, the pinned solc-js)
//! and deploys it with `forge script --broadcast`. The code it deploys is the committed solc
//! artifact's, byte for byte; a contract that does not compile makes run.sh fail.
//!
//! forge runs a script in its own EVM first, without the aimine precompiles (0x0300–0x0302 hold
//! the node's placeholder code there), so a script can deploy but not call them: calls go
//! through cast or a client library (see [`super::cast`] and [`super::clients`]).

use super::*;

/// `tools/forge/run.sh url mission`: its exit success and stdout.
fn run_sh(url: &str, mission: &std::path::Path) -> (bool, String) {
    let script = aimine_vectors::solc::root().join("tools/forge/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(url)
        .arg(mission)
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!("run.sh: {}", String::from_utf8_lossy(&out.stderr));
    }
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

#[test]
fn forge_builds_and_deploys_compute_provider_offline() {
    if !aimine_vectors::solc::node_available() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but node/npm are missing: cannot run forge"
        );
        eprintln!("NOTICE: node/npm not found: skipping the forge test");
        return;
    }
    let Some(mission) = aimine_vectors::mission_dir() else {
        return;
    };
    let (_rt, node) = node(None);
    let a = node.addr;
    let (ok, address) = run_sh(&node.url(), &mission);
    assert!(ok, "run.sh failed");
    // forge deployed from account 0 at its nonce 0.
    assert_eq!(address, format!("{:#x}", ACCOUNT0.create(0)));
    let forged = result(a, "eth_getCode", json!([address, "latest"]));
    // The committed artifact's code, deployed by hand, is the same.
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(
            aimine_vectors::solc::root().join("crates/aimine-evm/artifacts/ComputeProvider.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let hash = result(
        a,
        "eth_sendTransaction",
        json!([{"from": ACCOUNT0, "input": artifact["bytecode"]}]),
    );
    let receipt = result(a, "eth_getTransactionReceipt", json!([hash]));
    let by_hand = result(
        a,
        "eth_getCode",
        json!([receipt["contractAddress"], "latest"]),
    );
    assert_eq!(forged, by_hand);
    assert!(forged.as_str().unwrap().len() > 100, "{forged}");

    // A ComputeProvider that does not compile: run.sh fails and deploys nothing.
    let broken = std::env::temp_dir().join(format!("aimine-forge-broken-{}", std::process::id()));
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("ComputeProvider.sol"),
        "pragma solidity ^0.8.24;\ncontract ComputeProvider { function f() external { undefined(); } }\n",
    )
    .unwrap();
    let before = result(a, "eth_blockNumber", json!([]));
    let (ok, out) = run_sh(&node.url(), &broken);
    assert!(!ok, "run.sh succeeded on a broken contract: {out}");
    assert_eq!(result(a, "eth_blockNumber", json!([])), before);
    let _ = std::fs::remove_dir_all(&broken);
}
