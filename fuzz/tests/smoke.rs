//! Every fuzz target runs over a small deterministic corpus on stable, so that the targets keep
//! compiling and their invariants hold on at least these inputs. Long runs: `cargo xtask fuzz`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use aimine_fuzz::{TARGETS, corpus, mldsa_differential, mldsa_verify, tiers_reward};

#[test]
fn every_target_has_a_smoke_test() {
    assert_eq!(
        TARGETS,
        [
            "collateral_submit",
            "envelope_gpu",
            "envelope_kinds",
            "evm_calls",
            "mldsa_differential",
            "mldsa_verify",
            "nvtrust_cert",
            "nvtrust_evidence",
            "p384_differential",
            "registry_calls",
            "registry_proof",
            "rim_parse",
            "tee_dcap_quote",
            "tee_sev_report",
            "tiers_reward"
        ]
    );
}

#[test]
fn evm_calls_smoke() {
    let built = corpus::run(3, 300, 4_000, aimine_fuzz::evm_calls::run);
    assert!(built >= 200, "only {built} inputs built");
}

#[test]
fn mldsa_verify_smoke() {
    let built = corpus::run(1, 300, 6_000, mldsa_verify::run);
    assert!(built >= 250, "only {built} inputs built");
    // Inputs that reach the signature arithmetic at every level, with and without inference.
    for level in 0..4u8 {
        for seed in 0..4u8 {
            mldsa_verify::run(mldsa_verify::Input {
                level,
                fit_lengths: true,
                public_key: vec![seed; 17],
                message: b"m".to_vec(),
                context: vec![seed; usize::from(seed) * 100],
                signature: vec![seed.wrapping_mul(31); 33],
            });
        }
    }
}

#[test]
fn p384_differential_smoke() {
    let built = corpus::run(4, 200, 400, aimine_fuzz::p384_differential::run);
    assert!(built >= 150, "only {built} inputs built");
    // Every shape, unmutated (valid ones must verify) and with one flipped signature bit.
    for shape in 0..8u8 {
        for mutations in [vec![], vec![(0, shape * 11, 1)]] {
            aimine_fuzz::p384_differential::run(aimine_fuzz::p384_differential::Input {
                secret: [shape.wrapping_add(1); 48],
                nonce: [shape.wrapping_mul(7).wrapping_add(3); 48],
                digest: [shape; 48],
                shape,
                mutations,
                raw_key: None,
            });
        }
    }
}

#[test]
fn mldsa_differential_smoke() {
    use mldsa_differential::{Input, Mutation, bases, run};
    let mut verdicts = [0usize; 3];
    let mut tally = |r: Result<(), aimine_mldsa::Error>| match r {
        Ok(()) => verdicts[0] += 1,
        Err(aimine_mldsa::Error::SignatureRejected) => verdicts[1] += 1,
        Err(_) => verdicts[2] += 1,
    };
    let built = corpus::run(5, 300, 256, |input| tally(run(input)));
    assert!(built >= 250, "only {built} inputs built");
    // Every base unchanged (the signed ones verify), then one targeted change of each kind.
    let n = bases().len();
    assert!(n >= 6);
    for base in 0..n as u16 {
        tally(run(Input {
            base,
            mutations: vec![],
        }));
    }
    for base in 0..6u16 {
        assert_eq!(
            run(Input {
                base,
                mutations: vec![],
            }),
            Ok(()),
            "signed base {base}"
        );
        for m in [
            Mutation::FlipSignatureBit(base * 997),
            Mutation::SetHintByte(base as u8 * 13, 0xff),
            Mutation::FillSignature(100 + base * 211, 7, 0),
            Mutation::FlipKeyBit(base * 331),
            Mutation::FlipMessageBit(base),
            Mutation::Context(vec![1; 256]),
            // The other signed base of the same level (different key and message).
            Mutation::OtherSignature(1 - (base % 2) as u8),
            Mutation::Length(base as u8, 2),
        ] {
            let r = run(Input {
                base,
                mutations: vec![m.clone()],
            });
            assert!(r.is_err(), "base {base}, {m:?}");
            tally(r);
        }
    }
    println!("mldsa_differential: {n} bases, verdicts (ok, rejected, other) {verdicts:?}");
    assert!(verdicts.iter().all(|&v| v >= 20), "{verdicts:?}");
}

#[test]
fn tiers_reward_smoke() {
    let built = corpus::run(2, 5_000, 64, tiers_reward::run);
    assert!(built >= 4_000, "only {built} inputs built");
    for tier in 0..=5u8 {
        for rate in [0, 1, 9_999, 10_000, u128::MAX / 15_000 * 10_000, u128::MAX] {
            for (elapsed, units) in [
                (0, 0),
                (1, 1),
                (3_600, 1_000),
                (u64::MAX, 1),
                (u64::MAX, u64::MAX),
            ] {
                for bps in [0, 1, 2_500, 10_000, 15_000, u32::MAX] {
                    tiers_reward::run(tiers_reward::Input {
                        rate,
                        elapsed,
                        units,
                        tier,
                        bps,
                    });
                }
            }
        }
    }
}

/// Replays the real-vector seeds of a byte-input target, and deterministic mutations of them
/// (bit flips, truncations, byte runs), through the target.
fn replay(target: &str, run: fn(&[u8]), mutations_per_seed: usize) -> usize {
    let seeds = aimine_fuzz::seeds::for_target(target);
    if seeds.is_empty() {
        eprintln!("NOTICE: no seeds for {target} (vectors absent): random inputs only");
    }
    let mut rng = corpus::Bytes::new(target.len() as u64);
    let mut ran = 0;
    for seed in &seeds {
        run(seed);
        ran += 1;
        for _ in 0..mutations_per_seed {
            let mut m = seed.clone();
            match rng.next_u64() % 4 {
                0 => {
                    let at = (rng.next_u64() as usize) % m.len();
                    m[at] ^= 1 << (rng.next_u64() % 8);
                }
                1 => m.truncate((rng.next_u64() as usize) % m.len()),
                2 => {
                    let at = (rng.next_u64() as usize) % m.len();
                    let n = ((rng.next_u64() % 16) as usize).min(m.len() - at);
                    m[at..at + n].fill(rng.next_u64() as u8);
                }
                _ => {
                    let at = (rng.next_u64() as usize) % m.len();
                    let n = (rng.next_u64() % 8) as usize;
                    let extra = rng.take(n);
                    m.splice(at..at, extra);
                }
            }
            run(&m);
            ran += 1;
        }
    }
    for _ in 0..200 {
        let len = (rng.next_u64() % 512) as usize;
        let input = rng.take(len);
        run(&input);
        ran += 1;
    }
    ran
}

#[test]
fn nvtrust_evidence_smoke() {
    let ran = replay("nvtrust_evidence", aimine_fuzz::nvtrust_evidence::run, 400);
    println!("nvtrust_evidence: {ran} inputs");
    assert!(ran >= 200);
}

#[test]
fn nvtrust_cert_smoke() {
    let ran = replay("nvtrust_cert", aimine_fuzz::nvtrust_cert::run, 40);
    println!("nvtrust_cert: {ran} inputs");
    assert!(ran >= 200);
}

#[test]
fn rim_parse_smoke() {
    let ran = replay("rim_parse", aimine_fuzz::rim_parse::run, 60);
    println!("rim_parse: {ran} inputs");
}

#[test]
fn envelope_kinds_smoke() {
    let ran = replay("envelope_kinds", aimine_fuzz::envelope_kinds::run, 60);
    println!("envelope_kinds: {ran} inputs");
}

#[test]
fn collateral_submit_smoke() {
    let ran = replay("collateral_submit", aimine_fuzz::collateral_submit::run, 20);
    println!("collateral_submit: {ran} inputs");
}

#[test]
fn tee_sev_report_smoke() {
    let ran = replay("tee_sev_report", aimine_fuzz::tee_sev_report::run, 300);
    println!("tee_sev_report: {ran} inputs");
}

#[test]
fn tee_dcap_quote_smoke() {
    let ran = replay("tee_dcap_quote", aimine_fuzz::tee_dcap_quote::run, 40);
    println!("tee_dcap_quote: {ran} inputs");
}

#[test]
fn envelope_gpu_smoke() {
    let ran = replay("envelope_gpu", aimine_fuzz::envelope_gpu::run, 400);
    println!("envelope_gpu: {ran} inputs");
    assert!(ran >= 200);
}

#[test]
fn registry_calls_smoke() {
    use aimine_fuzz::registry_calls::{Call, Input, Stats, run};
    let mut total = Stats::default();
    let built = corpus::run(3, 120, 600, |input: Input| {
        let s = run(input);
        total.started += s.started;
        total.composites += s.composites;
        total.refreshed += s.refreshed;
        total.busy += s.busy;
        total.replays += s.replays;
        total.heartbeats += s.heartbeats;
        total.claims += s.claims;
    });
    println!("registry_calls: {built} random call sequences, {total:?}");
    assert!(built >= 100, "only {built} sequences built");
    // A scripted sequence that surely reaches every invariant: two miners contend for a GPU,
    // a replay by a caller the quote does not name, heartbeats over time, refreshes, a composite
    // session contending with plain ones for its GPUs, a claim, a revocation, and a staked
    // Public session.
    let start = |device, miner, caller, replay, epoch| Call::Start {
        device,
        miner,
        caller,
        replay,
        epoch,
    };
    let composite = |platform, set, miner, epoch| Call::Composite {
        platform,
        set,
        miner,
        caller: miner,
        replay: false,
        epoch,
    };
    let script = vec![
        start(0, 0, 0, false, 0),
        // The same quote again refreshes the session in place (found by the fuzzer: the
        // harness once counted a refreshed session twice).
        start(0, 0, 0, false, 0),
        // Person 0's quote replayed by person 2: refused, the session keeps its owner.
        start(0, 0, 2, true, 0),
        start(0, 1, 1, false, 0),
        start(1, 1, 1, false, 0),
        Call::Advance { seconds: 600 },
        Call::Heartbeat { n: 0, caller: 0 },
        Call::Heartbeat { n: 1, caller: 1 },
        // A composite of platform 0 with GPUs 1 and 2: GPU 1 is busy. With GPU 2 alone: starts.
        // Platform 1 with GPU 0: busy.
        composite(0, 4, 2, 0),
        composite(0, 2, 2, 0),
        composite(1, 0, 2, 0),
        // GPU 2's own part as a plain quote: busy, it is bound to the composite session.
        start(2, 2, 2, false, 0),
        Call::CpuOnly {
            platform: 1,
            miner: 2,
            caller: 2,
            replay: false,
            epoch: 0,
        },
        Call::Advance { seconds: 3_000 },
        start(0, 0, 2, false, 1),
        Call::Claim { who: 0 },
        Call::Revoke {
            device: 0,
            revoked: true,
        },
        Call::Heartbeat { n: 2, caller: 2 },
        Call::Heartbeat { n: 3, caller: 2 },
        Call::Stake {
            who: 2,
            amount: 500,
        },
        Call::PublicStart { who: 2, miner: 2 },
        Call::Advance { seconds: 100 },
        Call::Heartbeat { n: 4, caller: 2 },
        Call::Unstake { who: 2 },
        Call::Heartbeat { n: 4, caller: 2 },
        Call::Claim { who: 1 },
    ];
    let stats = run(Input { calls: script });
    assert!(
        stats.started >= 4
            && stats.composites >= 1
            && stats.refreshed >= 1
            && stats.busy >= 3
            && stats.replays >= 1
            && stats.heartbeats >= 3
            && stats.claims == 2,
        "{stats:?}"
    );
    assert!(
        total.composites > 0 && total.replays > 0,
        "the random sequences never reached composites or replays: {total:?}"
    );
}

#[test]
fn registry_proof_smoke() {
    let built = corpus::run(4, 3_000, 4_000, aimine_fuzz::registry_proof::run);
    assert!(built >= 2_000, "only {built} inputs built");
    // A real-sized proof (ML-DSA-65 key and signature), then every single-byte change of it and
    // every truncation: none decodes but the original.
    let good = aimine_registry::encode_proof(&[7; 32], &[1; 1_952], &[2; 3_309]);
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x80;
        let decoded = aimine_registry::decode_proof(&bad);
        // Flipping a byte of the session id or inside the key or signature data changes the
        // parts, not the shape: id 0..32, offsets 32..96, key length 96..128, key 128..2080,
        // signature length 2080..2112, signature 2112..5421, zero padding to 5440.
        let in_data = at < 32 || (128..2_080).contains(&at) || (2_112..5_421).contains(&at);
        assert_eq!(decoded.is_some(), in_data, "byte {at}");
    }
    for len in 0..good.len() {
        assert!(
            aimine_registry::decode_proof(&good[..len]).is_none(),
            "{len}"
        );
    }
}
