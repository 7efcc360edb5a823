//! The mission's scenario in revm: the unchanged ComputeProvider contract, compiled by solc,
//! calling 0x0301 and 0x0300 with testkit quotes under a dev trust anchor.
#![allow(clippy::too_many_arguments)]

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::{IAIMining, INVTrust};
use aimine_evm::address::{AI_MINING, NV_TRUST};
use aimine_nvtrust::Architecture;
use aimine_tiers::TrustTier;
use aimine_vectors::evm::*;
use alloy_sol_types::{SolCall, SolError};
use revm::primitives::U256;

#[test]
fn compute_provider_starts_sessions_and_heartbeats_pay_the_formula() {
    let mut w = World::new(1);
    let cp = w.compute_provider();
    for (arch, units, tier) in [
        (Architecture::Hopper, 1_000, TrustTier::Confidential),
        (Architecture::Blackwell, 2_500, TrustTier::Sovereign),
    ] {
        // The GPU answers the nonce of a quote ComputeProvider submits for MINER.
        let quote = w.quote_for(arch, 7, cp, MINER, None);
        let r = w.send(
            MINER,
            cp,
            &ComputeProvider::startSessionCall {
                teeQuote: quote.into(),
            },
        );
        assert!(r.ok(), "{:?}", r.result);
        let id = ComputeProvider::startSessionCall::abi_decode_returns(&r.output()).unwrap();

        // The precompile logged the session: emitted by 0x0300, owned by the contract.
        let started: IAIMining::SessionStarted = event(&r, AI_MINING);
        assert_eq!(started.sessionId, id);
        assert_eq!(started.miner, MINER);
        assert_eq!(started.owner, cp);
        assert_eq!(started.tier, tier.as_u8());
        assert_eq!(started.computeUnits, units);

        let before = w.mining_balance(MINER);
        w.advance(1_800);
        let r = w.send(OTHER, cp, &ComputeProvider::heartbeatCall { sessionId: id });
        assert!(r.ok(), "{:?}", r.result);
        let reward = ComputeProvider::heartbeatCall::abi_decode_returns(&r.output()).unwrap();
        assert_eq!(reward, expected_reward(1_800, units, tier));
        assert_eq!(w.mining_balance(MINER) - before, reward);
    }
    // 1.5x a Blackwell's 2,500 units against 1.0x a Hopper's 1,000.
    assert_eq!(
        expected_reward(1_800, 2_500, TrustTier::Sovereign),
        expected_reward(1_800, 1_000, TrustTier::Confidential) * U256::from(15) / U256::from(4)
    );
}

#[test]
fn compute_provider_refuses_tampered_unbound_and_replayed_quotes() {
    let mut w = World::new(2);
    let cp = w.compute_provider();

    // Tampered: the contract's own NV_TRUST check fails first ("Invalid TEE quote").
    let mut device = w
        .pki
        .forge(&w.options_for(Architecture::Hopper, 1, cp, MINER, None));
    let last = device.evidence.len() - 1;
    device.evidence[last] ^= 1; // the evidence signature's last byte
    let tampered = device.envelope();
    let r = w.send(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: tampered.clone().into(),
        },
    );
    assert!(!r.ok());
    assert!(String::from_utf8_lossy(&r.output()).contains("Invalid TEE quote"));
    // Sent directly (so bound to MINER as its own submitter): refused for its signature.
    let mut device = w
        .pki
        .forge(&w.options(Architecture::Hopper, 1, MINER, None));
    let last = device.evidence.len() - 1;
    device.evidence[last] ^= 1;
    let direct = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: device.envelope().into(),
        },
    );
    assert_reverts::<IAIMining::QuoteRejected>(&direct);
    let rejected = IAIMining::QuoteRejected::abi_decode(&direct.output()).unwrap();
    assert_eq!(
        rejected.check,
        aimine_evm::errors::check_code(aimine_nvtrust::GpuCheck::Signature)
    );

    // Unbound: a genuine quote bound to another miner passes NV_TRUST but not the session nonce.
    let theirs = w.quote_for(Architecture::Hopper, 2, cp, OTHER, None);
    assert!(w.view(
        NV_TRUST,
        &INVTrust::verifyQuoteCall {
            teeQuote: theirs.clone().into()
        }
    ));
    let r = w.send(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: theirs.into(),
        },
    );
    assert_reverts::<IAIMining::NonceNotBound>(&r);

    // Replayed: the same quote again through the contract refreshes the same session; sent to
    // AI_MINING by anyone else it is refused and the session stays the contract's; two epochs
    // later it is stale.
    let quote = w.quote_for(Architecture::Hopper, 3, cp, MINER, None);
    let id = w.ok(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: quote.clone().into(),
        },
    );
    for replayer in [OTHER, MINER] {
        let r = w.send(
            replayer,
            AI_MINING,
            &IAIMining::startSessionCall {
                miner: MINER,
                teeQuote: quote.clone().into(),
            },
        );
        assert_reverts::<IAIMining::NonceNotBound>(&r);
    }
    let s = w.view(AI_MINING, &IAIMining::getSessionCall { sessionId: id });
    assert_eq!((s.owner, s.miner, s.active), (cp, MINER, true));
    let again = w.ok(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: quote.clone().into(),
        },
    );
    assert_eq!(id, again);
    w.advance(2 * 3_600);
    let r = w.send(
        MINER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: quote.clone().into(),
        },
    );
    assert_reverts::<IAIMining::NonceNotBound>(&r);

    // Another miner cannot take a GPU that is mining.
    let busy = w.quote_for(Architecture::Hopper, 3, cp, OTHER, None);
    let r = w.send(
        OTHER,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: busy.into(),
        },
    );
    assert_reverts::<IAIMining::GpuBusy>(&r);

    // A quote under a root the chain does not trust.
    let stranger = aimine_nvtrust::testkit::TestPki::new([99; 32]);
    let foreign = stranger
        .forge(&w.options(Architecture::Hopper, 4, MINER, None))
        .envelope();
    let r = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: foreign.into(),
        },
    );
    assert_reverts::<IAIMining::QuoteRejected>(&r);
    let data = r.output();
    let rejected = IAIMining::QuoteRejected::abi_decode(&data).unwrap();
    assert_eq!(
        rejected.check,
        aimine_evm::errors::check_code(aimine_nvtrust::GpuCheck::Root)
    );
}
