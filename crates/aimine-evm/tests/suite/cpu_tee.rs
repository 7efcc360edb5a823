//! CPU TEE evidence through the precompiles in revm: the mission's unchanged ComputeProvider
//! starts a composite session (an SEV-SNP guest forged by aimine-tee's test kit with two test
//! GPUs) and a CPU-only one, and NV_TRUST parses the real Intel TDX and SGX quotes.

use aimine_envelope::testkit::Enveloped;
use aimine_envelope::{IntelCollateral, Kind, encode_composite, encode_intel};
use aimine_evm::abi::{IAIMining, INVTrust};
use aimine_evm::address::{AI_MINING, NV_TRUST};
use aimine_nvtrust::Architecture;
use aimine_tee::testkit::{KIT_TIME, SevKit};
use aimine_tiers::TrustTier;
use aimine_vectors::evm::*;
use aimine_vectors::quotes::{real_intel, sev};
use alloy_sol_types::{SolCall, SolError};
use revm::primitives::{B256, Bytes, U256};
use sha2::{Digest, Sha256};

/// The guest policy of the SEV test kit's default report.
const POLICY: u64 = 0x30000;

/// A devnet at the SEV kit's time that trusts the kit's AMD roots (installed by governance).
fn world() -> (World, SevKit) {
    let mut w = World::at(KIT_TIME.as_secs(), 3, |_| {});
    let kit = SevKit::milan();
    let (ark, ask) = kit.chain();
    w.ok(
        ADMIN,
        AI_MINING,
        &IAIMining::setAmdRootCall {
            index: U256::ZERO,
            product: 0,
            ark: Bytes::copy_from_slice(ark),
            ask: Bytes::copy_from_slice(ask),
        },
    );
    (w, kit)
}

#[test]
fn compute_provider_starts_a_composite_session_that_pays_the_gpus_units() {
    let (mut w, kit) = world();
    let cp = w.compute_provider();
    let n = w.nonce_for(cp, MINER);
    // Two GPUs in the guest, answering the same session nonce; NV_TRUST names them.
    let mut gpus = Vec::new();
    let mut ids = Vec::new();
    for device in [1, 2] {
        let mut o = w.options_for(Architecture::Hopper, device, cp, MINER, None);
        o.nonce = n;
        let env = w.pki.forge(&o).envelope();
        let parsed = w.view(
            NV_TRUST,
            &INVTrust::parseQuoteCall {
                teeQuote: env.clone().into(),
            },
        );
        ids.push(parsed.gpuId);
        gpus.push(env);
    }
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&n);
    let mut h = Sha256::new();
    for id in &ids {
        h.update(id);
    }
    data[32..].copy_from_slice(&h.finalize());
    let cpu = sev(&kit, 0, data, POLICY);
    let refs: Vec<&[u8]> = gpus.iter().map(Vec::as_slice).collect();
    let quote = encode_composite(&cpu, &refs).unwrap();

    // NV_TRUST: the platform's id, the GPUs' tier and units.
    let platform: B256 = B256::from(<[u8; 32]>::from(Sha256::digest([1u8; 64])));
    let parsed = w.view(
        NV_TRUST,
        &INVTrust::parseQuoteCall {
            teeQuote: quote.clone().into(),
        },
    );
    assert_eq!(
        (parsed.trustLevel, parsed.gpuId, parsed.computeUnits),
        (3, platform, U256::from(2_000))
    );

    let r = w.send(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: quote.into(),
        },
    );
    assert!(r.ok(), "{:?}", r.result);
    eprintln!(
        "composite startSession via ComputeProvider: {} gas",
        r.gas_used()
    );
    let id = ComputeProvider::startSessionCall::abi_decode_returns(&r.output()).unwrap();
    let started: IAIMining::SessionStarted = event(&r, AI_MINING);
    assert_eq!(
        (started.gpuId, started.tier, started.computeUnits),
        (platform, TrustTier::Confidential.as_u8(), 2_000)
    );
    let bound = w.view(AI_MINING, &IAIMining::sessionGpusCall { sessionId: id });
    assert_eq!(bound, ids);

    w.advance(1_800);
    let r = w.send(MINER, cp, &ComputeProvider::heartbeatCall { sessionId: id });
    assert!(r.ok(), "{:?}", r.result);
    let reward = ComputeProvider::heartbeatCall::abi_decode_returns(&r.output()).unwrap();
    assert_eq!(
        reward,
        expected_reward(1_800, 2_000, TrustTier::Confidential)
    );

    // The same GPUs named in another order: the CPU report no longer matches.
    let n = w.nonce_for(MINER, MINER);
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&n);
    let cpu = sev(&kit, 1, data, POLICY);
    let bad = encode_composite(&cpu, &[&gpus[1], &gpus[0]]).unwrap();
    let r = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: bad.into(),
        },
    );
    assert!(!r.ok());
}

#[test]
fn a_cpu_only_session_and_the_vcek_cache() {
    let (mut w, kit) = world();
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&w.nonce_for(MINER, MINER));
    let quote = sev(&kit, 0, data, POLICY);
    let start = |w: &mut World, q: &[u8]| {
        w.send(
            MINER,
            AI_MINING,
            &IAIMining::startSessionCall {
                miner: MINER,
                teeQuote: q.to_vec().into(),
            },
        )
    };
    let cold = start(&mut w, &quote);
    assert!(cold.ok(), "{:?}", cold.result);
    let started: IAIMining::SessionStarted = event(&cold, AI_MINING);
    assert_eq!((started.tier, started.computeUnits), (3, 100));
    // The same platform again (a refresh): the VCEK's chain is cached, no RSA check.
    let warm = start(&mut w, &quote);
    assert!(warm.ok(), "{:?}", warm.result);
    eprintln!(
        "SEV-SNP startSession: cold {} gas, refresh (VCEK cached) {} gas",
        cold.gas_used(),
        warm.gas_used()
    );
    assert!(cold.gas_used() > warm.gas_used() + 30_000);
    // A report bound to someone else reverts with NonceNotBound.
    let mut other = [0u8; 64];
    other[..32].copy_from_slice(&w.nonce_for(OTHER, OTHER));
    let r = start(&mut w, &sev(&kit, 1, other, POLICY));
    assert_reverts::<IAIMining::NonceNotBound>(&r);
}

#[test]
fn nv_trust_parses_real_intel_quotes() {
    let Some(tdx) = real_intel("tdx_quote") else {
        return;
    };
    let sgx = real_intel("sgx_quote").unwrap();
    let mut w = World::at(aimine_vectors::cputee::INTEL_AT.as_secs(), 3, |_| {});
    for (quote, level, units) in [(tdx, 3, 100), (sgx, 2, 50)] {
        let call = INVTrust::parseQuoteCall {
            teeQuote: quote.clone().into(),
        };
        let r = w.net.view(MINER, NV_TRUST, call.abi_encode()).unwrap();
        assert!(r.ok(), "{:?}", r.result);
        eprintln!(
            "parseQuote of a real Intel quote ({} bytes): {} gas",
            quote.len(),
            r.gas_used()
        );
        let p = INVTrust::parseQuoteCall::abi_decode_returns(&r.output()).unwrap();
        assert_eq!((p.trustLevel, p.computeUnits), (level, U256::from(units)));
        assert_ne!(p.gpuId, B256::ZERO);
        let ok = w.view(
            NV_TRUST,
            &INVTrust::verifyQuoteCall {
                teeQuote: quote.clone().into(),
            },
        );
        assert!(ok);
        // One byte of the quote body changed: false, and parseQuote reverts with the check.
        let mut bad = quote.clone();
        bad[6 + 4 + 100] ^= 1;
        assert!(!w.view(
            NV_TRUST,
            &INVTrust::verifyQuoteCall {
                teeQuote: bad.clone().into()
            }
        ));
        let r = w
            .net
            .view(
                MINER,
                NV_TRUST,
                INVTrust::parseQuoteCall {
                    teeQuote: bad.into(),
                }
                .abi_encode(),
            )
            .unwrap();
        assert_reverts::<INVTrust::CpuQuoteRejected>(&r);
    }
}

/// A devnet at the kit time that trusts the Intel test kit's root, with its collateral submitted
/// by an ordinary account (permissionless).
fn tdx_world() -> (World, aimine_tee::testkit::intel::IntelKit) {
    let mut w = World::at(KIT_TIME.as_secs(), 4, |_| {});
    let kit = aimine_tee::testkit::intel::IntelKit::new();
    w.ok(
        ADMIN,
        AI_MINING,
        &IAIMining::setIntelRootCall {
            root: Bytes::copy_from_slice(kit.root()),
        },
    );
    let c = kit.collateral();
    let encoded = aimine_envelope::encode_collateral(&IntelCollateral::from_dcap(&c)).unwrap();
    let r = w.send(
        OTHER,
        AI_MINING,
        &IAIMining::submitIntelCollateralCall {
            collateral: encoded.clone().into(),
        },
    );
    assert!(r.ok(), "{:?}", r.result);
    eprintln!(
        "submitIntelCollateral ({} bytes): {} gas",
        encoded.len(),
        r.gas_used()
    );
    let submitted: IAIMining::CollateralSubmitted = event(&r, AI_MINING);
    assert_eq!(submitted.tcbEvaluation, U256::from(20));
    // The same again is not newer.
    let r = w.send(
        OTHER,
        AI_MINING,
        &IAIMining::submitIntelCollateralCall {
            collateral: encoded.into(),
        },
    );
    assert_reverts::<IAIMining::CollateralSuperseded>(&r);
    (w, kit)
}

#[test]
fn compute_provider_starts_a_tdx_session_with_only_the_quote() {
    use aimine_tee::testkit::intel::TdFields;
    let (mut w, kit) = tdx_world();
    let cp = w.compute_provider();
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&w.nonce_for(cp, MINER));
    let quote = kit.tdx_quote(&TdFields {
        report_data: data,
        ..TdFields::default()
    });
    // The envelope carries the quote alone: the chain holds the collateral.
    let envelope = encode_intel(Kind::Tdx, &quote, None).unwrap();
    let parsed = w.view(
        NV_TRUST,
        &INVTrust::parseQuoteCall {
            teeQuote: envelope.clone().into(),
        },
    );
    assert_eq!(
        (parsed.trustLevel, parsed.gpuId, parsed.computeUnits),
        (3, B256::from(kit.platform_id()), U256::from(100))
    );
    let r = w.send(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: envelope.into(),
        },
    );
    assert!(r.ok(), "{:?}", r.result);
    eprintln!("TDX startSession via ComputeProvider: {} gas", r.gas_used());
    let id = ComputeProvider::startSessionCall::abi_decode_returns(&r.output()).unwrap();
    let started: IAIMining::SessionStarted = event(&r, AI_MINING);
    assert_eq!((started.tier, started.computeUnits), (3, 100));
    w.advance(1_800);
    let r = w.send(MINER, cp, &ComputeProvider::heartbeatCall { sessionId: id });
    let reward = ComputeProvider::heartbeatCall::abi_decode_returns(&r.output()).unwrap();
    assert_eq!(reward, expected_reward(1_800, 100, TrustTier::Confidential));

    // A TD quote bound to another miner: ComputeProvider's verifyQuote passes (it has no nonce
    // to check), AI_MINING refuses it.
    let mut other = [0u8; 64];
    other[..32].copy_from_slice(&w.nonce_for(OTHER, OTHER));
    let q = encode_intel(
        Kind::Tdx,
        &kit.tdx_quote(&TdFields {
            report_data: other,
            ..TdFields::default()
        }),
        None,
    )
    .unwrap();
    let r = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: q.into(),
        },
    );
    assert_reverts::<IAIMining::NonceNotBound>(&r);
    // A debug TD is refused with the guest-policy check (6).
    let q = encode_intel(
        Kind::Tdx,
        &kit.tdx_quote(&TdFields {
            report_data: data,
            td_attributes: [1, 0, 0, 0x10, 0, 0, 0, 0],
            ..TdFields::default()
        }),
        None,
    )
    .unwrap();
    let r = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: q.into(),
        },
    );
    assert_reverts::<IAIMining::CpuQuoteRejected>(&r);
    let err = IAIMining::CpuQuoteRejected::abi_decode(&r.output()).unwrap();
    assert_eq!(err.check, 6);
}

/// A composite quote pays every GPU's evidence signature, not only the first: NV_TRUST's metered
/// work grows by the GPU's certificate links and one evidence signature for each GPU added, and a
/// call that cannot pay it all stops out of gas.
#[test]
fn a_composite_quote_pays_each_gpus_evidence() {
    let (mut w, kit) = world();
    let n = w.nonce_for(MINER, MINER);
    let g = aimine_evm::gas::GasSchedule::DEFAULT;
    let mut work = Vec::new();
    let mut limits = Vec::new();
    for count in [1u32, 3] {
        let mut gpus = Vec::new();
        let mut h = Sha256::new();
        for device in 0..count {
            let mut o = w.options(Architecture::Hopper, 40 + device, MINER, None);
            o.nonce = n;
            let forged = w.pki.forge(&o);
            let device_cert = aimine_nvtrust::Certificate::from_der(&forged.chain[1]).unwrap();
            h.update(Sha256::digest(device_cert.spki()));
            gpus.push(forged.envelope());
        }
        let mut data = [0u8; 64];
        data[..32].copy_from_slice(&n);
        data[32..].copy_from_slice(&h.finalize());
        let refs: Vec<&[u8]> = gpus.iter().map(Vec::as_slice).collect();
        let quote = encode_composite(&sev(&kit, 0, data, POLICY), &refs).unwrap();
        let input = INVTrust::verifyQuoteCall {
            teeQuote: quote.into(),
        }
        .abi_encode();
        let o = w
            .net
            .simulate(
                MINER,
                NV_TRUST,
                &input,
                U256::ZERO,
                aimine_evm::Scheme::StaticCall,
            )
            .unwrap();
        assert_eq!(o.status, aimine_evm::Status::Success);
        assert!(INVTrust::verifyQuoteCall::abi_decode_returns(&o.output).unwrap());
        work.push(o.breakdown.work);
        limits.push((input, o.gas_used));
    }
    // Each GPU added: its evidence signature and the four links of its test chain (the test
    // kit's intermediates are not built in, and NV_TRUST, read-only, remembers none).
    assert_eq!(
        work[1] - work[0],
        2 * (4 * g.certificate_signature + g.gpu_evidence),
        "{work:?}"
    );
    // One gas short: out of gas, not a verdict.
    let (input, used) = &limits[1];
    let o = w
        .net
        .simulate_with_gas(
            MINER,
            NV_TRUST,
            input,
            U256::ZERO,
            aimine_evm::Scheme::StaticCall,
            used - 1,
        )
        .unwrap();
    assert_eq!(o.status, aimine_evm::Status::OutOfGas);
}
