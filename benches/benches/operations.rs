//! Times every operation of `aimine_benches::OPERATIONS` in one criterion group. Run through
//! `cargo xtask bench` for the summary table.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use aimine_benches::{GROUP, ecrecover_fixture, mldsa_fixture, nvtrust_fixture};
use aimine_mldsa::Level;
use aimine_nvtrust::{
    Evidence, LinkCache, LinkStore, NoCache, TrustAnchor, UnixTime, verify_evidence_with,
};

/// Decodes a GPU quote (aimine-envelope) and verifies it (aimine-nvtrust): what a verifier of
/// `bytes teeQuote` does.
fn verify_quote(
    quote: &[u8],
    nonce: &[u8; 32],
    anchors: &[TrustAnchor<'_>],
    time: UnixTime,
    cache: &mut dyn LinkStore,
) -> bool {
    aimine_envelope::decode_gpu(quote).is_ok_and(|q| {
        Evidence::parse(q.evidence)
            .is_ok_and(|ev| verify_evidence_with(ev, &q.chain, nonce, anchors, time, cache).is_ok())
    })
}
use criterion::{Criterion, criterion_group, criterion_main};

fn operations(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);

    let (input, _) = ecrecover_fixture();
    group.bench_function("revm_ecrecover", |b| {
        b.iter(|| revm_precompile::secp256k1::ec_recover_run(black_box(&input), 3_000))
    });

    let input = aimine_benches::p256verify_fixture();
    group.bench_function("revm_p256verify", |b| {
        b.iter(|| revm_precompile::secp256r1::p256_verify_osaka(black_box(&input), 6_900))
    });

    // The shipped backend (libcrux-ml-dsa) and, in the same run, the reference (fips204).
    type Verify = fn(Level, &[u8], &[u8], &[u8], &[u8]) -> Result<(), aimine_mldsa::Error>;
    for (level, id, verify) in [
        (
            Level::MlDsa44,
            "mldsa44_verify",
            aimine_mldsa::verify as Verify,
        ),
        (Level::MlDsa65, "mldsa65_verify", aimine_mldsa::verify),
        (Level::MlDsa87, "mldsa87_verify", aimine_mldsa::verify),
        (
            Level::MlDsa44,
            "mldsa44_verify_fips204",
            aimine_mldsa::reference::verify,
        ),
        (
            Level::MlDsa65,
            "mldsa65_verify_fips204",
            aimine_mldsa::reference::verify,
        ),
        (
            Level::MlDsa87,
            "mldsa87_verify_fips204",
            aimine_mldsa::reference::verify,
        ),
    ] {
        let f = mldsa_fixture(level);
        assert_eq!(
            verify(f.level, &f.public_key, &f.message, &f.context, &f.signature),
            Ok(()),
            "{id}"
        );
        group.bench_function(id, |b| {
            b.iter(|| {
                verify(
                    black_box(f.level),
                    black_box(&f.public_key),
                    black_box(&f.message),
                    black_box(&f.context),
                    black_box(&f.signature),
                )
            })
        });
    }

    let (key, message, signature) = aimine_benches::p384_fixture();
    group.bench_function("p384_verify", |b| {
        use p384::ecdsa::signature::Verifier;
        b.iter(|| {
            key.verify(black_box(&message), black_box(&signature))
                .is_ok()
        })
    });

    // aimine-p384 on the same key, message and signature, hashing included as p384's row does.
    let fast_key = {
        use p384::elliptic_curve::sec1::ToSec1Point;
        let sec1 = key.as_affine().to_sec1_point(false);
        aimine_p384::VerifyingKey::from_sec1_bytes(sec1.as_bytes()).expect("fixture key")
    };
    let table = aimine_p384::PrecomputedKey::new(&fast_key).expect("fixture table");
    let raw: [u8; 96] = signature.to_bytes().into();
    let digest = |m: &[u8]| -> [u8; 48] {
        use sha2::Digest;
        sha2::Sha384::digest(m).into()
    };
    assert!(fast_key.verify_prehash(&digest(&message), &raw));
    assert!(table.verify_prehash(&digest(&message), &raw));
    group.bench_function("p384fast_verify_generic", |b| {
        b.iter(|| fast_key.verify_prehash(&digest(black_box(&message)), black_box(&raw)))
    });
    group.bench_function("p384fast_verify_precomputed", |b| {
        b.iter(|| table.verify_prehash(&digest(black_box(&message)), black_box(&raw)))
    });
    group.bench_function("p384fast_build_table", |b| {
        b.iter(|| aimine_p384::PrecomputedKey::new(black_box(&fast_key)))
    });

    let (quote, nonce, root, at, real) = nvtrust_fixture();
    if !real {
        eprintln!("NOTICE: NVIDIA vectors absent: timing a forged H100-shaped quote instead");
    }
    let anchor = [TrustAnchor::from_cert_der(&root).expect("fixture root")];
    let time = at;
    group.bench_function("nvtrust_verify_cold", |b| {
        b.iter(|| verify_quote(black_box(&quote), &nonce, &anchor, time, &mut NoCache))
    });
    let mut cache = LinkCache::<16>::new();
    assert!(verify_quote(&quote, &nonce, &anchor, time, &mut cache));
    group.bench_function("nvtrust_verify_warm", |b| {
        b.iter(|| verify_quote(black_box(&quote), &nonce, &anchor, time, &mut cache))
    });

    tee(&mut group);

    // Every precompile case, through the node's code path, undone after each run.
    for mut bench in [
        aimine_benches::precompiles::precompile_bench(),
        aimine_benches::precompiles::nvidia_bench(),
        aimine_benches::precompiles::cpu_bench(),
    ] {
        let cases = bench.cases.clone();
        for case in &cases {
            group.bench_function(case.id, |b| b.iter(|| bench.run(black_box(case))));
        }
    }
    group.finish();
}

/// aimine-tee alone: the real Milan report (cold: VCEK chain and report; warm: the VCEK known) and
/// the real TDX quote with its collateral. Skipped, with a notice, without the vectors.
fn tee(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    use aimine_tee::AmdProduct;
    use aimine_tee::sev::{self, AmdRoots, EndorsementStore, ProductRoots, SevOptions, StoreError};
    let Some((report, vcek)) = aimine_vectors::cputee::milan() else {
        eprintln!("NOTICE: CPU TEE vectors absent: no aimine-tee rows");
        return;
    };
    let at = aimine_vectors::cputee::MILAN_AT;
    /// What the registry does per report: decode the product's pinned roots when asked; the
    /// VCEK's chain known (warm) or not (cold).
    struct Milan {
        known: bool,
    }
    impl EndorsementStore for Milan {
        fn contains(&mut self, _: &[u8; 32]) -> Result<bool, StoreError> {
            Ok(self.known)
        }
        fn insert(&mut self, _: [u8; 32]) -> Result<(), StoreError> {
            Ok(())
        }
        fn roots(&mut self, _: Option<AmdProduct>) -> Result<AmdRoots, aimine_tee::Error> {
            let (ark, ask) = sev::pinned_ders(AmdProduct::Milan);
            Ok(AmdRoots::from_products(vec![ProductRoots::new(
                AmdProduct::Milan,
                ark,
                ask,
            )?]))
        }
    }
    let certs = [vcek.as_slice()];
    for (id, known) in [
        ("tee_sev_verify_cold", false),
        ("tee_sev_verify_warm", true),
    ] {
        group.bench_function(id, |b| {
            b.iter(|| {
                sev::verify(
                    black_box(&report),
                    &certs,
                    at,
                    &SevOptions::default(),
                    &mut Milan { known },
                )
                .is_ok()
            })
        });
    }
    if let Some((quote, json)) = aimine_vectors::cputee::intel("tdx_quote") {
        let c = aimine_tee::intel::collateral_from_json(&json).expect("collateral");
        group.bench_function("tee_intel_verify", |b| {
            b.iter(|| {
                aimine_tee::intel::verify_quote(
                    black_box(&quote),
                    &c,
                    aimine_tee::intel::INTEL_SGX_ROOT_CA,
                    aimine_vectors::cputee::INTEL_AT,
                    &Default::default(),
                )
                .is_ok()
            })
        });
    }
}

criterion_group!(benches, operations);
criterion_main!(benches);
