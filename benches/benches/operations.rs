//! Times every operation of `aimine_benches::OPERATIONS` in one criterion group. Run through
//! `cargo xtask bench` for the summary table.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use aimine_benches::{GROUP, ecrecover_fixture, mldsa_fixture, nvtrust_fixture};
use aimine_mldsa::Level;
use aimine_nvtrust::{LinkCache, NoCache, TrustAnchor, UnixTime, verify_quote};
use criterion::{Criterion, criterion_group, criterion_main};

fn operations(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);

    let (input, _) = ecrecover_fixture();
    group.bench_function("revm_ecrecover", |b| {
        b.iter(|| revm_precompile::secp256k1::ec_recover_run(black_box(&input), 3_000))
    });

    for (level, id) in [
        (Level::MlDsa44, "mldsa44_verify"),
        (Level::MlDsa65, "mldsa65_verify"),
        (Level::MlDsa87, "mldsa87_verify"),
    ] {
        let f = mldsa_fixture(level);
        group.bench_function(id, |b| {
            b.iter(|| {
                aimine_mldsa::verify(
                    black_box(f.level),
                    black_box(&f.public_key),
                    black_box(&f.message),
                    black_box(&f.context),
                    black_box(&f.signature),
                )
            })
        });
    }

    let (quote, nonce, root, at, real) = nvtrust_fixture();
    if !real {
        eprintln!("NOTICE: NVIDIA vectors absent: timing a forged H100-shaped quote instead");
    }
    let anchor = [TrustAnchor::from_cert_der(&root).expect("fixture root")];
    let time = UnixTime(at);
    group.bench_function("nvtrust_verify_cold", |b| {
        b.iter(|| verify_quote(black_box(&quote), &nonce, &anchor, time, &mut NoCache).is_ok())
    });
    let mut cache = LinkCache::<16>::new();
    assert!(verify_quote(&quote, &nonce, &anchor, time, &mut cache).is_ok());
    group.bench_function("nvtrust_verify_warm", |b| {
        b.iter(|| verify_quote(black_box(&quote), &nonce, &anchor, time, &mut cache).is_ok())
    });

    // Every precompile case, through the node's code path, undone after each run.
    let mut bench = aimine_benches::precompiles::precompile_bench();
    let cases = bench.cases.clone();
    for case in &cases {
        group.bench_function(case.id, |b| b.iter(|| bench.run(black_box(case))));
    }
    group.finish();
}

criterion_group!(benches, operations);
criterion_main!(benches);
