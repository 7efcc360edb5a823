//! `aimine rim verify | golden` and `aimine quote verify --rim` on NVIDIA's RIMs, and the split
//! appraisal end to end: the golden set `rim golden` writes, registered on a chain, is what
//! NV_TRUST then holds real evidence to.
use aimine_vectors::aimine;
use aimine_vectors::cli::{nvidia_arg, stdout};

use aimine_evm::abi::{IAIMining, INVTrust};
use aimine_evm::address::{AI_MINING, NV_TRUST};
use aimine_evm::devnet::Devnet;
use aimine_evm::{ChainConfig, Scheme, Status};
use alloy_sol_types::{SolCall, SolError};
use revm::primitives::{Address, U256};

const AT: &str = "2025-06-11T00:30:58Z";

#[test]
fn rim_verify_reports_each_verdict() {
    let (Some(d), Some(vb), Some(bad)) = (
        nvidia_arg("hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml"),
        nvidia_arg("hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml"),
        nvidia_arg("rim-negative/incorrect_signature_driver_rim.xml"),
    ) else {
        return;
    };
    let o = aimine!(&["rim", "verify", &d, &vb, "--at", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("version 550.90.07: 64 measurements"));
    // Today the chains have expired.
    let o = aimine!(&["rim", "verify", &d, "--at", "2026-11-27T00:00:00Z"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(": expired: "), "{}", stdout(&o));
    let o = aimine!(&["rim", "verify", &bad, "--at", AT, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(j["verdict"], "invalid");
    assert_eq!(j["error"], "signature does not verify");
}

#[test]
fn quote_verify_with_rims_gives_nvidias_measurement_verdict() {
    let (Some(r), Some(c), Some(d), Some(vb), Some(r535), Some(c535), Some(mm)) = (
        nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt"),
        nvidia_arg("hopper-550.90.07/hopperCertChain.txt"),
        nvidia_arg("hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml"),
        nvidia_arg("hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml"),
        nvidia_arg("hopper-535.86.09/hopperAttestationReport.txt"),
        nvidia_arg("hopper-535.86.09/hopperCertChain.txt"),
        nvidia_arg("rim-negative/NV_GPU_VBIOS_1010_0200_882_96005E0001_measurement_mismatch.xml"),
    ) else {
        return;
    };
    let o = aimine!(&[
        "quote", "verify", &r, &c, "--at", AT, "--rim", &d, "--rim", &vb, "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(j["measres"], "success");
    assert_eq!(j["mismatched_indices"], serde_json::json!([]));
    let o = aimine!(&[
        "quote", "verify", &r535, &c535, "--at", AT, "--rim", &mm, "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(j["verdict"], "valid");
    assert_eq!(j["measres"], "fail");
    assert_eq!(j["mismatched_indices"], serde_json::json!([9]));
    // RIMs for another driver do not apply.
    let o = aimine!(&[
        "quote", "verify", &r535, &c535, "--at", AT, "--rim", &d, "--rim", &vb, "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(
        j["measres_error"]
            .as_str()
            .unwrap()
            .contains("driver RIM is for 550.90.07")
    );
}

#[test]
fn the_golden_set_from_rims_is_what_nv_trust_enforces_on_chain() {
    let (Some(r), Some(c), Some(d), Some(vb)) = (
        nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt"),
        nvidia_arg("hopper-550.90.07/hopperCertChain.txt"),
        nvidia_arg("hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml"),
        nvidia_arg("hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml"),
    ) else {
        return;
    };
    let o = aimine!(&["rim", "golden", &d, &vb, "--at", AT]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let golden: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let calldata = hex::decode(
        golden["setGoldenSet"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
    )
    .unwrap();
    let quote_file =
        std::env::temp_dir().join(format!("aimine-rim-test-{}.aimq", std::process::id()));
    let o = aimine!(&["quote", "build", &r, &c, "-o", quote_file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let quote = std::fs::read(&quote_file).unwrap();
    let _ = std::fs::remove_file(&quote_file);

    let admin = Address::repeat_byte(0xAD);
    let mut config = ChainConfig::new(96_369, admin.into_array());
    config.registry.require_golden_measurements = true;
    let mut net = Devnet::new(config, aimine_vectors::nvidia::CAPTURED_AT).unwrap();
    net.fund(admin, U256::from(10u128.pow(20)));
    let parse = |net: &mut Devnet| {
        net.simulate(
            admin,
            NV_TRUST,
            &INVTrust::parseQuoteCall {
                teeQuote: quote.clone().into(),
            }
            .abi_encode(),
            U256::ZERO,
            Scheme::StaticCall,
        )
        .unwrap()
    };
    // No golden set registered yet, and the chain requires one.
    let out = parse(&mut net);
    assert_eq!(out.status, Status::Revert);
    assert_eq!(
        INVTrust::QuoteRejected::abi_decode(&out.output)
            .unwrap()
            .check,
        8
    );
    // Governance registers the set exactly as `rim golden` wrote it.
    let r = net
        .send(admin, AI_MINING, calldata.clone(), U256::ZERO)
        .unwrap();
    assert!(r.ok(), "{:?}", r.result);
    let out = parse(&mut net);
    assert_eq!(out.status, Status::Success, "{:?}", out.output);
    assert_eq!(
        INVTrust::parseQuoteCall::abi_decode_returns(&out.output)
            .unwrap()
            .trustLevel,
        3
    );
    // One digest changed: the same evidence no longer passes.
    let mut call = IAIMining::setGoldenSetCall::abi_decode(&calldata).unwrap();
    let mut digests = call.digests.to_vec();
    let i = call.indices.iter().position(|i| *i == 1).unwrap();
    digests[i * 48] ^= 1;
    call.digests = digests.into();
    assert!(
        net.send(admin, AI_MINING, call.abi_encode(), U256::ZERO)
            .unwrap()
            .ok()
    );
    let out = parse(&mut net);
    assert_eq!(
        INVTrust::QuoteRejected::abi_decode(&out.output)
            .unwrap()
            .check,
        8
    );
}
