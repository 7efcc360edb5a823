//! Every fuzz target runs over a small deterministic corpus on stable, so that the targets keep
//! compiling and their invariants hold on at least these inputs. Long runs: `cargo xtask fuzz`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use aimine_fuzz::{TARGETS, corpus, mldsa_verify, tiers_reward};

#[test]
fn every_target_has_a_smoke_test() {
    assert_eq!(TARGETS, ["mldsa_verify", "tiers_reward"]);
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
