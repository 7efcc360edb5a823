//! `aimine tee inspect|verify` on the real CPU TEE vectors: verdicts, checks and exit codes.

use aimine_vectors::aimine;
use aimine_vectors::cli::{arg, stdout};

#[test]
fn verify_prints_the_verdict_check_tier_and_exits_accordingly() {
    let Some(report) = arg("cputee/amd-sev-snp/report_milan.hex") else {
        return;
    };
    let vcek = arg("cputee/amd-sev-snp/vcek_milan.der").unwrap();
    let ok = aimine!(&[
        "tee",
        "verify",
        &report,
        "--vcek",
        &vcek,
        "--at",
        "1735689600",
        "--json",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    let out: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(out["verdict"], "accepted");
    assert_eq!(out["tier"], "Confidential (3)");
    assert_eq!(out["tcb_status"], "UpToDate");
    let expired = aimine!(&[
        "tee",
        "verify",
        &report,
        "--vcek",
        &vcek,
        "--at",
        "1950000000",
    ]);
    assert_eq!(expired.status.code(), Some(1));
    assert!(
        stdout(&expired).contains("check: chain"),
        "{}",
        stdout(&expired)
    );

    let sgx = arg("cputee/intel-dcap/sgx_quote").unwrap();
    let col = arg("cputee/intel-dcap/sgx_quote_collateral.json").unwrap();
    let o = aimine!(&[
        "tee",
        "verify",
        &sgx,
        "--collateral",
        &col,
        "--at",
        "2025-07-02T23:46:40Z",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(out["tier"], "Private (2)");
    assert_eq!(out["tcb_status"], "ConfigurationAndSWHardeningNeeded");
    assert_eq!(
        out["advisories"],
        serde_json::json!(["INTEL-SA-00289", "INTEL-SA-00615"])
    );

    let old = arg("cputee/intel-dcap/tdx_quote_outdated").unwrap();
    let col = arg("cputee/intel-dcap/tdx_quote_outdated_collateral.json").unwrap();
    let o = aimine!(&[
        "tee",
        "verify",
        &old,
        "--collateral",
        &col,
        "--at",
        "1772000000",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("check: tcb"), "{}", stdout(&o));
    // A quote without collateral is a usage error.
    assert_eq!(aimine!(&["tee", "verify", &old]).status.code(), Some(2));
}

#[test]
fn inspect_reads_kind_version_and_measurements() {
    let Some(tdx) = arg("cputee/intel-dcap/tdx_quote") else {
        return;
    };
    let o = aimine!(&["tee", "inspect", &tdx, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (out["kind"].as_str(), out["version"].as_u64()),
        (Some("TDX"), Some(4))
    );
    assert!(out["fmspc"].as_str().is_some_and(|f| f.len() == 12));
    assert!(
        out["measurements"]["mr_td"]
            .as_str()
            .unwrap()
            .starts_with("91eb2b44d141d4ec")
    );
    let sev = arg("cputee/amd-sev-snp/report_milan.hex").unwrap();
    let o = aimine!(&["tee", "inspect", &sev, "--json"]);
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(out["kind"], "SEV-SNP");
    assert_eq!(out["measurements"]["policy"], "0x30000");
    assert_eq!(out["measurements"]["debug"], false);
    // Not evidence at all: a failed check, exit 1.
    let junk = std::env::temp_dir().join(format!("aimine-tee-junk-{}", std::process::id()));
    std::fs::write(&junk, b"not a quote").unwrap();
    assert_eq!(
        aimine!(&["tee", "inspect", junk.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn quote_build_makes_cpu_and_composite_envelopes_that_verify() {
    let Some(report) = arg("cputee/amd-sev-snp/report_milan.hex") else {
        return;
    };
    let vcek = arg("cputee/amd-sev-snp/vcek_milan.der").unwrap();
    let dir = std::env::temp_dir().join(format!("aimine-tee-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sev = dir.join("sev.aimq");
    let o = aimine!(&[
        "quote",
        "build",
        "--sev",
        &report,
        "--vcek",
        &vcek,
        "-o",
        sev.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let bytes = std::fs::read(&sev).unwrap();
    assert_eq!(&bytes[..6], b"AIMQ\x01\x04");
    let o = aimine!(&[
        "tee",
        "verify",
        sev.to_str().unwrap(),
        "--at",
        "1735689600",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Without --vcek: the chain's stored VCEK will be used (no certificate carried).
    let o = aimine!(&["quote", "build", "--sev", &report]);
    let hex_out = stdout(&o);
    assert_eq!(hex_out.trim().len(), 2 * (6 + 1184 + 1));

    let tdx = arg("cputee/intel-dcap/tdx_quote").unwrap();
    let col = arg("cputee/intel-dcap/tdx_quote_collateral.json").unwrap();
    let env = dir.join("tdx.aimq");
    let o = aimine!(&[
        "quote",
        "build",
        "--tdx",
        &tdx,
        "--collateral",
        &col,
        "-o",
        env.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(&std::fs::read(&env).unwrap()[..6], b"AIMQ\x01\x02");
    let o = aimine!(&["tee", "verify", env.to_str().unwrap(), "--at", "1751500000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("tcb_status: UpToDate"));

    // A composite of the SEV-SNP report and a real H100's evidence (their binding is the chain's
    // business; the envelope only carries them).
    let gpu = arg("nvidia/hopper-550.90.07/hopperAttestationReport.txt").unwrap();
    let chain = arg("nvidia/hopper-550.90.07/hopperCertChain.txt").unwrap();
    let o = aimine!(&[
        "quote", "build", "--sev", &report, "--vcek", &vcek, &gpu, &chain,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let composite = hex::decode(stdout(&o).trim()).unwrap();
    assert_eq!(&composite[..7], b"AIMQ\x01\x05\x02");
    // Mixing two CPU kinds is a usage error.
    assert_eq!(
        aimine!(&["quote", "build", "--sev", &report, "--tdx", &tdx])
            .status
            .code(),
        Some(2)
    );
}
