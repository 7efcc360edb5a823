//! Times every operation of `aimine_benches::OPERATIONS` in one criterion group. Run through
//! `cargo xtask bench` for the summary table.

use std::hint::black_box;

use aimine_benches::{GROUP, ecrecover_fixture, mldsa_fixture};
use aimine_mldsa::Level;
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
    group.finish();
}

criterion_group!(benches, operations);
criterion_main!(benches);
