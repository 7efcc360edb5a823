//! `aimine quote inspect | verify | build` on the real NVIDIA vectors.
use aimine_vectors::aimine;
use aimine_vectors::cli::{nvidia_arg, stdout};
use std::path::PathBuf;

const AT: &str = "2025-06-11T00:30:58Z";
const N931D: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

#[test]
fn verify_accepts_every_genuine_device_and_says_so() {
    let (Some(r550), Some(c550), Some(bw), Some(cbw), Some(json)) = (
        nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt"),
        nvidia_arg("hopper-550.90.07/hopperCertChain.txt"),
        nvidia_arg("blackwell-575.32/blackwellAttestationReport.txt"),
        nvidia_arg("blackwell-575.32/blackwellCertChain.txt"),
        nvidia_arg("evidence-json/hopper_evidence.json"),
    ) else {
        return;
    };
    let o = aimine!(&[
        "quote", "verify", &r550, &c550, &bw, &cbw, "--nonce", N931D, "--at", AT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = stdout(&o);
    assert!(
        text.contains("hopperAttestationReport.txt: valid  HOPPER gpu_id="),
        "{text}"
    );
    assert!(
        text.contains("driver=550.90.07 vbios=96.00.9F.00.01"),
        "{text}"
    );
    assert!(
        text.contains("blackwellAttestationReport.txt: valid  BLACKWELL"),
        "{text}"
    );
    // SDK JSON: its own nonce is expected.
    let o = aimine!(&["quote", "verify", &json, "--at", AT, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let line: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(line["verdict"], "valid");
    assert_eq!(line["architecture"], "HOPPER");
    assert_eq!(line["mode"], "PPCIe");
    assert_eq!(line["driver"], "590.12");
    assert_eq!(line["nonce_checked"], true);
    assert_eq!(line["gpu_id"].as_str().unwrap().len(), 64);
}

#[test]
fn verify_names_the_failed_check_and_exits_1() {
    let (Some(bad), Some(chain), Some(r550), Some(c550), Some(rim_root)) = (
        nvidia_arg("hopper-invalid-signature/hopperAttestationReportInvalidSignature.txt"),
        nvidia_arg("hopper-invalid-signature/hopperCertChainExpired.txt"),
        nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt"),
        nvidia_arg("hopper-550.90.07/hopperCertChain.txt"),
        nvidia_arg("roots/verifier_RIM_root.pem"),
    ) else {
        return;
    };
    let cases: [(&[&str], &str); 4] = [
        (&[&bad, &chain, "--nonce", N931D], "invalid: signature:"),
        (
            &[&r550, &c550, "--nonce", &"00".repeat(32)],
            "invalid: nonce:",
        ),
        (
            &[&r550, &c550, "--nonce", N931D, "--root", &rim_root],
            "invalid: root:",
        ),
        (
            &[
                &r550,
                &c550,
                "--nonce",
                N931D,
                "--at",
                "2019-01-01T00:00:00Z",
            ],
            "invalid: chain:",
        ),
    ];
    for (args, expect) in cases {
        let mut full = vec!["quote", "verify"];
        full.extend_from_slice(args);
        if !args.contains(&"--at") {
            full.extend_from_slice(&["--at", AT]);
        }
        let o = aimine!(&full);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {o:?}");
        assert!(stdout(&o).contains(expect), "{args:?}: {}", stdout(&o));
    }
    // One invalid device among valid ones still fails the run.
    let o = aimine!(&[
        "quote", "verify", &r550, &c550, &bad, &chain, "--nonce", N931D, "--at", AT,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn build_writes_an_envelope_that_verifies_like_the_files() {
    let (Some(r), Some(c)) = (
        nvidia_arg("ls10-switch/switchAttestationReport.txt"),
        nvidia_arg("ls10-switch/switchCertChain.txt"),
    ) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-quote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out: PathBuf = dir.join("ls10.quote");
    let o = aimine!(&["quote", "build", &r, &c, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"AIMQ");
    assert_eq!(bytes.len(), 3682);
    let o = aimine!(&[
        "quote",
        "verify",
        out.to_str().unwrap(),
        "--nonce",
        N931D,
        "--at",
        AT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("valid  LS10"));
    // Hex on stdout without -o, and that hex is accepted as input too.
    let o = aimine!(&["quote", "build", &r, &c]);
    let hex_text = stdout(&o);
    assert_eq!(hex::decode(hex_text.trim()).unwrap(), bytes);
    let hex_file = dir.join("ls10.quote.hex");
    std::fs::write(&hex_file, hex_text).unwrap();
    let o = aimine!(&[
        "quote",
        "verify",
        hex_file.to_str().unwrap(),
        "--nonce",
        N931D,
        "--at",
        AT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inspect_prints_every_field() {
    let (Some(r), Some(c), Some(json)) = (
        nvidia_arg("hopper-580.159.03/hopperAttestationReport.txt"),
        nvidia_arg("hopper-580.159.03/hopperCertChain.txt"),
        nvidia_arg("evidence-json/switch_evidence_ls10.json"),
    ) else {
        return;
    };
    let o = aimine!(&["quote", "inspect", &r, &c]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = stdout(&o);
    for needle in [
        "architecture: HOPPER",
        "DRIVER_VERSION (3): 580.159.03",
        "VBIOS_VERSION (6): 96.00.74.00.20",
        "OPAQUE_DATA_VERSION (34): 1",
        "FEATURE_FLAG (36): SPT",
        "NVDEC0_STATUS (11): disabled (0x55)",
        "- index=64 type=1 value=",
        "subject_cn: GH100 A01 GSP BROM",
        "known: CN=NVIDIA GH100 Identity",
    ] {
        assert!(text.contains(needle), "{needle:?} missing");
    }
    let o = aimine!(&["quote", "inspect", &json, "--json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(v["architecture"], "LS10");
    assert_eq!(v["evidence"]["response"]["block_count"], 31);
    assert_eq!(
        v["evidence"]["opaque"]["DEVICE_PDI (22)"],
        serde_json::json!(["203eb31ad9ed0008"])
    );
}

#[test]
fn unusable_inputs_are_usage_errors() {
    let Some(c) = nvidia_arg("hopper-550.90.07/hopperCertChain.txt") else {
        return;
    };
    let Some(r) = nvidia_arg("hopper-550.90.07/hopperAttestationReport.txt") else {
        return;
    };
    for args in [
        vec!["quote", "verify", &c],
        vec!["quote", "verify", &r],
        vec!["quote", "verify", "/nonexistent"],
        vec!["quote", "verify", &r, &c, "--at", "yesterday"],
        vec!["quote", "verify", &r, &c, "--nonce", "abcd"],
    ] {
        let o = aimine!(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    }
}
