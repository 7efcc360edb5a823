//! NV_TRUST on genuine NVIDIA evidence (from ../shared/vectors, as AIMQ envelopes) under the
//! pinned NVIDIA root that every chain trusts from genesis.
#![allow(clippy::too_many_arguments)]

use aimine_evm::abi::{IAIMining, INVTrust};
use aimine_evm::address::{AI_MINING, NV_TRUST};
use aimine_evm::errors::check_code;
use aimine_nvtrust::GpuCheck;
use aimine_vectors::evm::*;
use aimine_vectors::nvidia::{
    BLACKWELL_575, HOPPER_535, HOPPER_550, HOPPER_570, HOPPER_580, HOPPER_INVALID_SIGNATURE, LS10,
    LS10_INVALID_SIGNATURE,
};
use aimine_vectors::quotes::real_gpu;
use alloy_sol_types::{SolCall, SolError};
use revm::primitives::{B256, U256};
use sha2::{Digest, Sha256};

fn world() -> World {
    World::at(aimine_vectors::nvidia::CAPTURED_AT.as_secs(), 40, |_| {})
}

/// `NV_TRUST.verifyQuote(quote)` as a view.
fn verifies(w: &mut World, quote: &[u8]) -> bool {
    w.view(
        NV_TRUST,
        &INVTrust::verifyQuoteCall {
            teeQuote: quote.to_vec().into(),
        },
    )
}

fn parse(w: &mut World, quote: &[u8]) -> aimine_evm::devnet::Receipt {
    w.net
        .view(
            MINER,
            NV_TRUST,
            INVTrust::parseQuoteCall {
                teeQuote: quote.to_vec().into(),
            }
            .abi_encode(),
        )
        .unwrap()
}

#[test]
fn hopper_is_level_3_and_blackwell_level_4_with_the_device_key_as_gpu_id() {
    let mut w = world();
    for (set, level, units) in [
        (HOPPER_550, 3u8, 1_000u64),
        (HOPPER_580, 3, 1_000),
        (HOPPER_535, 3, 1_000),
        (HOPPER_570, 3, 1_000),
        (BLACKWELL_575, 4, 2_500),
    ] {
        let Some((quote, device_cert)) = real_gpu(&set) else {
            return;
        };
        let spki = aimine_nvtrust::Certificate::from_der(&device_cert)
            .unwrap()
            .spki()
            .to_vec();
        let gpu_id = B256::from(<[u8; 32]>::from(Sha256::digest(&spki)));

        // Evidence from a driver that reports no FWID (535) is refused under the default policy
        // (parameter 49, requireFwid), and accepted where governance waives it.
        let evidence = aimine_envelope::decode_gpu(&quote).unwrap().evidence;
        let has_fwid = aimine_nvtrust::Evidence::parse(evidence)
            .unwrap()
            .opaque()
            .fwid()
            .is_some();
        assert_eq!(has_fwid, set.report != HOPPER_535.report, "{}", set.report);
        let require_fwid = |w: &mut World, on: bool| {
            w.ok(
                ADMIN,
                AI_MINING,
                &IAIMining::setParamCall {
                    param: 49,
                    value: U256::from(u8::from(on)),
                },
            );
        };
        if !has_fwid {
            let r = parse(&mut w, &quote);
            assert_reverts::<IAIMining::QuoteRejected>(&r);
            let e = IAIMining::QuoteRejected::abi_decode(&r.output()).unwrap();
            assert_eq!(
                e.check,
                aimine_evm::errors::check_code(aimine_nvtrust::GpuCheck::Fwid)
            );
            assert!(!verifies(&mut w, &quote));
            require_fwid(&mut w, false);
        }

        let r = parse(&mut w, &quote);
        assert!(r.ok(), "{}: {:?}", set.report, r.result);
        let p = INVTrust::parseQuoteCall::abi_decode_returns(&r.output()).unwrap();
        assert_eq!(p.trustLevel, level, "{}", set.report);
        assert_eq!(p.gpuId, gpu_id, "{}", set.report);
        assert_eq!(p.computeUnits, U256::from(units), "{}", set.report);
        assert!(verifies(&mut w, &quote));

        // The nonce variants: the report's own nonce passes, any other fails.
        let nonce = B256::from(
            *aimine_nvtrust::Evidence::parse(aimine_envelope::decode_gpu(&quote).unwrap().evidence)
                .unwrap()
                .nonce(),
        );
        assert!(w.view(
            NV_TRUST,
            &INVTrust::verifyQuoteWithNonceCall {
                teeQuote: quote.clone().into(),
                expectedNonce: nonce
            }
        ));
        assert!(!w.view(
            NV_TRUST,
            &INVTrust::verifyQuoteWithNonceCall {
                teeQuote: quote.clone().into(),
                expectedNonce: B256::ZERO
            }
        ));
        let r = w
            .net
            .view(
                MINER,
                NV_TRUST,
                INVTrust::parseQuoteWithNonceCall {
                    teeQuote: quote.clone().into(),
                    expectedNonce: B256::ZERO,
                }
                .abi_encode(),
            )
            .unwrap();
        assert_reverts::<INVTrust::QuoteRejected>(&r);
        assert_eq!(
            INVTrust::QuoteRejected::abi_decode(&r.output())
                .unwrap()
                .check,
            check_code(GpuCheck::Nonce)
        );
    }
}

#[test]
fn tampered_and_invalid_evidence_is_false_and_parse_names_the_check() {
    let mut w = world();
    for set in [HOPPER_INVALID_SIGNATURE, LS10_INVALID_SIGNATURE] {
        let Some((quote, _)) = real_gpu(&set) else {
            return;
        };
        assert!(!verifies(&mut w, &quote), "{}", set.report);
        let r = parse(&mut w, &quote);
        assert_reverts::<INVTrust::QuoteRejected>(&r);
        assert_eq!(
            INVTrust::QuoteRejected::abi_decode(&r.output())
                .unwrap()
                .check,
            check_code(GpuCheck::Signature)
        );
    }
    for set in [HOPPER_550, BLACKWELL_575] {
        let Some((quote, _)) = real_gpu(&set) else {
            return;
        };
        // Flip one byte of every 97th position across the whole envelope: each copy is refused.
        let mut refused = 0;
        for at in (8..quote.len()).step_by(97) {
            let mut copy = quote.clone();
            copy[at] ^= 0x01;
            assert!(!verifies(&mut w, &copy), "{} byte {at}", set.report);
            refused += 1;
        }
        assert!(refused > 10);
        // Truncated.
        assert!(!verifies(&mut w, &quote[..quote.len() - 1]));
    }
}

#[test]
fn a_contract_decodes_the_failed_check_from_the_custom_error() {
    let mut w = world();
    let client = w.client(MINER);
    let (Some((good, _)), Some((bad, _))) =
        (real_gpu(&HOPPER_550), real_gpu(&HOPPER_INVALID_SIGNATURE))
    else {
        return;
    };
    let check = |w: &mut World, quote: &[u8]| {
        w.view(
            client,
            &AimineClient::rejectedCheckCall {
                quote: quote.to_vec().into(),
            },
        )
    };
    assert_eq!(check(&mut w, &good), 0);
    assert_eq!(check(&mut w, &bad), check_code(GpuCheck::Signature));
}

#[test]
fn an_nvswitch_verifies_as_evidence_but_is_not_a_compute_device() {
    let mut w = world();
    let Some((quote, _)) = real_gpu(&LS10) else {
        return;
    };
    assert!(!verifies(&mut w, &quote));
    let r = parse(&mut w, &quote);
    assert_reverts::<INVTrust::NotAComputeDevice>(&r);
}

#[test]
fn real_evidence_is_refused_before_its_certificates_were_issued() {
    // 2020-01-01: the chain's certificates were not yet valid (the block's time is the clock).
    let mut w = World::at(1_577_836_800, 41, |_| {});
    let Some((quote, _)) = real_gpu(&HOPPER_550) else {
        return;
    };
    assert!(!verifies(&mut w, &quote));
    let r = parse(&mut w, &quote);
    assert_eq!(
        INVTrust::QuoteRejected::abi_decode(&r.output())
            .unwrap()
            .check,
        check_code(GpuCheck::Chain)
    );
}

/// A real GPU's first quote pays for its two certificate links by their issuers: the
/// attestation key's certificate, signed by the device key (generic), and the device
/// certificate, signed by a built-in provisioning CA (its precomputed table). NVIDIA's shared
/// links cost nothing, and NV_TRUST, which remembers no link, pays the same the second time.
#[test]
fn a_real_gpus_links_are_priced_by_their_issuer() {
    let g = aimine_evm::gas::GasSchedule::DEFAULT;
    let mut w = world();
    for set in [HOPPER_550, BLACKWELL_575] {
        let Some((quote, _)) = real_gpu(&set) else {
            return;
        };
        let call = INVTrust::verifyQuoteCall {
            teeQuote: quote.into(),
        };
        for _ in 0..2 {
            let out = w
                .net
                .simulate(
                    MINER,
                    NV_TRUST,
                    &call.abi_encode(),
                    U256::ZERO,
                    aimine_evm::Scheme::Call,
                )
                .unwrap();
            assert_eq!(out.status, aimine_evm::Status::Success, "{}", set.report);
            assert_eq!(
                out.breakdown.work,
                g.certificate_signature + g.built_in_certificate_signature,
                "{}",
                set.report
            );
        }
    }
}
