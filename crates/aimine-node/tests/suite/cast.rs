//! Foundry's `cast` driving the node.

use super::*;

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
