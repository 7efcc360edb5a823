//! `aimine gov` against the real `aimine node`: every command once, its event read from its
//! output and its effect from the chain (cast); a dry run and a refusal named by their custom
//! error. The node starts at 2024-12-31 so that the genuine AMD VCEK and Intel collateral are
//! valid when they are submitted (each block's time pinned), the rest at the wall clock.

use std::process::Output;

use super::processes::{cast, spawn_node, uint};

const ADMIN_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const NEXT_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const NEXT: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const AI_MINING: &str = "0x0000000000000000000000000000000000000300";

fn gov(url: &str, key: &str, args: &[&str]) -> (Output, String) {
    let mut all = vec!["gov"];
    all.extend_from_slice(&args[..1]);
    all.extend_from_slice(&["--rpc", url, "--private-key", key]);
    all.extend_from_slice(&args[1..]);
    let out = aimine_vectors::aimine!(&all);
    let text = aimine_vectors::cli::stdout(&out);
    (out, text)
}

fn ok(url: &str, key: &str, args: &[&str], event: &str) -> String {
    let (out, text) = gov(url, key, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {text} {out:?}");
    assert!(
        text.contains("tx 0x") && text.contains(" gas "),
        "{args:?}: {text}"
    );
    assert!(text.contains(&format!("event {event}")), "{args:?}: {text}");
    text
}

#[test]
fn each_governance_command_sends_its_call_and_shows_its_event() {
    let Some(bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let (Some(_), Some((_, collateral))) = (
        aimine_vectors::cputee::milan(),
        aimine_vectors::cputee::intel("tdx_quote"),
    ) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-gov-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let milan_at = aimine_vectors::cputee::MILAN_AT.as_secs();
    let intel_at = aimine_vectors::cputee::INTEL_AT.as_secs();
    let genesis = dir.join("genesis.json");
    std::fs::write(&genesis, format!(r#"{{"timestamp": {}}}"#, milan_at - 100)).unwrap();
    let (_node, url, _out) =
        spawn_node(&["--dev-root", "--genesis", &genesis.display().to_string()]);
    let pin = |t: u64| {
        cast(
            &bin,
            &url,
            &["rpc", "evm_setNextBlockTimestamp", &t.to_string()],
        )
    };

    // A genuine Milan VCEK, then genuine Intel collateral, each at a time it is valid.
    pin(milan_at);
    let vcek = aimine_vectors::path("cputee/amd-sev-snp/vcek_milan.der").unwrap();
    ok(
        &url,
        ADMIN_KEY,
        &["vcek", "submit", &vcek.display().to_string()],
        "VcekSubmitted",
    );
    pin(intel_at);
    let file = dir.join("collateral.json");
    std::fs::write(&file, collateral).unwrap();
    ok(
        &url,
        ADMIN_KEY,
        &["collateral", "submit", &file.display().to_string()],
        "CollateralSubmitted",
    );

    // A parameter by name, read back; a dry run of a bad one, refused by name, sends nothing.
    ok(
        &url,
        ADMIN_KEY,
        &["param", "epoch-seconds", "600"],
        "ParamChanged",
    );
    let epoch = cast(
        &bin,
        &url,
        &["call", AI_MINING, "param(uint8)(uint256)", "2"],
    );
    assert_eq!(uint(&epoch).to::<u64>(), 600);
    let block = cast(&bin, &url, &["block-number"]);
    let (out, text) = gov(
        &url,
        ADMIN_KEY,
        &["param", "epoch-seconds", "0", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("call data 0x") && text.contains("eth_call: reverted: BadParam"),
        "{text}"
    );
    assert_eq!(cast(&bin, &url, &["block-number"]), block);
    let (out, _) = gov(&url, ADMIN_KEY, &["param", "no-such-param", "1"]);
    assert_eq!(out.status.code(), Some(2));

    // A GPU revoked and read back.
    let gpu = format!("0x{}", "ab".repeat(32));
    ok(&url, ADMIN_KEY, &["revoke", &gpu], "GpuRevocation");
    assert_eq!(
        cast(
            &bin,
            &url,
            &["call", AI_MINING, "isRevoked(bytes32)(bool)", &gpu]
        ),
        "true"
    );

    // An anchor added and removed (the RIM root's P-384 key, not a GPU root).
    let pem = aimine_vectors::path("nvidia/roots/verifier_RIM_root.pem").unwrap();
    let pem = pem.display().to_string();
    ok(&url, ADMIN_KEY, &["anchor", "add", &pem], "AnchorAdded");
    ok(
        &url,
        ADMIN_KEY,
        &["anchor", "remove", &pem],
        "AnchorRemoved",
    );

    ok(
        &url,
        ADMIN_KEY,
        &["compute-units", "G520", "0220", "3000"],
        "ComputeUnitsChanged",
    );

    // The golden set of the 550.90.07 RIMs (verified while their chains were valid).
    let driver =
        aimine_vectors::path("nvidia/hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml").unwrap();
    let vbios =
        aimine_vectors::path("nvidia/hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml")
            .unwrap();
    ok(
        &url,
        ADMIN_KEY,
        &[
            "golden-set",
            &driver.display().to_string(),
            &vbios.display().to_string(),
            "--at",
            "2025-06-11T00:30:58Z",
        ],
        "GoldenSetChanged",
    );

    // The handover: proposed, accepted; the old admin is refused after it, by name.
    ok(
        &url,
        ADMIN_KEY,
        &["admin", "propose", NEXT],
        "AdminProposed",
    );
    ok(&url, NEXT_KEY, &["admin", "accept"], "AdminChanged");
    let admin = cast(&bin, &url, &["call", AI_MINING, "admin()(address)"]);
    assert_eq!(admin.to_lowercase(), NEXT.to_lowercase());
    let (out, text) = gov(&url, ADMIN_KEY, &["revoke", &gpu, "--undo"]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("refused: NotAdmin"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
