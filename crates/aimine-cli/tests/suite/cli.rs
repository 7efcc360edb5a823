//! The `aimine` binary end to end: output and exit codes (0 valid, 1 invalid, 2 usage/I-O).
use aimine_vectors::aimine;
use aimine_vectors::cli::stdout;

/// The README's demo: a session key's signature of a heartbeat message, from files.
const DEMO: &[&str] = &[
    "mldsa",
    "verify",
    "--level",
    "65",
    "--pk",
    "@demo/mldsa65.pk",
    "--msg",
    "@demo/heartbeat.msg",
    "--sig",
    "@demo/mldsa65.sig",
    "--ctx",
    "61696d696e65",
];

#[test]
fn demo_signature_is_valid() {
    let o = aimine!(DEMO);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(stdout(&o), "valid\n");
}

#[test]
fn demo_with_another_context_is_invalid_with_reason() {
    let mut args = DEMO.to_vec();
    *args.last_mut().unwrap() = "00";
    let o = aimine!(&args);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "invalid: signature rejected\n");
}

#[test]
fn demo_at_the_wrong_level_names_the_length() {
    let mut args = DEMO.to_vec();
    args[3] = "87";
    let o = aimine!(&args);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "invalid: wrong public key length: 1952 bytes, ML-DSA-87 needs 2592\n"
    );
}

#[test]
fn keygen_sign_verify_round_trip_on_the_command_line() {
    let seed = "11".repeat(32);
    for level in ["44", "65", "87"] {
        let pk = aimine!(&["mldsa", "keygen", "--level", level, "--seed", &seed]);
        assert_eq!(pk.status.code(), Some(0));
        let pk = stdout(&pk).trim().to_string();
        let sig = aimine!(&[
            "mldsa", "sign", "--level", level, "--seed", &seed, "--msg", "0xc0ffee",
        ]);
        assert_eq!(sig.status.code(), Some(0));
        let sig = stdout(&sig).trim().to_string();
        let ok = aimine!(&[
            "mldsa", "verify", "--level", level, "--pk", &pk, "--msg", "c0ffee", "--sig", &sig,
        ]);
        assert_eq!(stdout(&ok), "valid\n", "level {level}");
        let bad = aimine!(&[
            "mldsa", "verify", "--level", level, "--pk", &pk, "--msg", "c0ffef", "--sig", &sig,
        ]);
        assert_eq!(bad.status.code(), Some(1), "level {level}");
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    for args in [
        &[
            "mldsa", "verify", "--level", "45", "--pk", "00", "--msg", "00", "--sig", "00",
        ][..],
        &[
            "mldsa", "verify", "--level", "44", "--pk", "xyz", "--msg", "00", "--sig", "00",
        ],
        &[
            "mldsa",
            "verify",
            "--level",
            "44",
            "--pk",
            "@/nonexistent/pk",
            "--msg",
            "00",
            "--sig",
            "00",
        ],
        &["mldsa", "verify", "--level", "44"],
        &["mldsa", "keygen", "--level", "44", "--seed", "00"],
        &["frobnicate"],
    ] {
        let o = aimine!(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn help_lists_every_subcommand() {
    let o = aimine!(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for sub in ["mldsa", "quote", "session", "tiers"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(sub)),
            "{sub} missing:\n{text}"
        );
    }
}

#[test]
fn tiers_table_matches_the_mission() {
    let o = aimine!(&["tiers"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for row in [
        "4      Sovereign     1.5x",
        "3      Confidential  1.0x",
        "2      Private       0.5x",
        "1      Public        0.25x",
    ] {
        assert!(text.contains(row), "{row:?} missing:\n{text}");
    }
}

#[test]
fn session_nonce_is_the_registry_formula() {
    let miner = [0x11u8; 20];
    // The registry's nonce on chain 96369 in the epoch of 2025-06-15T00:00:00Z.
    let registry_nonce = |submitter: &[u8; 20], key_hash: &[u8; 32]| {
        aimine_registry::session_nonce(96_369, submitter, &miner, 1_749_945_600 / 3_600, key_hash)
    };
    let expected = registry_nonce(&miner, &[0; 32]);
    let o = aimine!(&[
        "session",
        "nonce",
        "--chain-id",
        "96369",
        "--miner",
        &format!("0x{}", hex::encode(miner)),
        "--at",
        "2025-06-15T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(stdout(&o).trim(), hex::encode(expected));
    // With a session key, its SHA-256 is bound in; a key of a wrong length is refused.
    let key =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/mldsa65.pk")).unwrap();
    let key = hex::decode(key.trim()).unwrap();
    let with_key = registry_nonce(&miner, &aimine_registry::key_hash(Some(&key)));
    let o = aimine!(&[
        "session",
        "nonce",
        "--chain-id",
        "96369",
        "--miner",
        &hex::encode(miner),
        "--at",
        "2025-06-15T00:59:59Z",
        "--key",
        "@demo/mldsa65.pk",
    ]);
    assert_eq!(stdout(&o).trim(), hex::encode(with_key));
    // A quote a mining contract will submit names the contract.
    let contract = [0xC0u8; 20];
    let for_contract = registry_nonce(&contract, &[0; 32]);
    let o = aimine!(&[
        "session",
        "nonce",
        "--chain-id",
        "96369",
        "--miner",
        &hex::encode(miner),
        "--submitter",
        &hex::encode(contract),
        "--at",
        "2025-06-15T00:00:00Z",
    ]);
    assert_eq!(stdout(&o).trim(), hex::encode(for_contract));
    assert_ne!(for_contract, expected);
    let o = aimine!(&[
        "session",
        "nonce",
        "--chain-id",
        "1",
        "--miner",
        &hex::encode(miner),
        "--key",
        "00ff",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// The README's main job: the mission's scenario on the embedded chain, narrated, exit 0.
#[test]
fn demo_runs_the_mission_scenario() {
    let o = aimine!(&["demo"]);
    let text = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for line in [
        "FORGED by aimine-nvtrust's testkit",
        "Deployed ComputeProvider",
        "trust level 3",
        "trust level 4",
        "alice     0.021600 tokens",
        "bob       0.081000 tokens",
        "carol     0.000054 tokens",
        "alice claims 0.021600 tokens",
        "verifyExecution(receipt signed by the session key): true; with another output: false",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}
