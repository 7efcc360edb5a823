//! How the precompiles behave as precompiles: dispatch, malformed input, STATICCALL,
//! DELEGATECALL, value, out of gas, and reverts undoing state and logs.
#![allow(clippy::too_many_arguments)]

use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use aimine_nvtrust::Architecture;
use aimine_vectors::evm::*;
use alloy_sol_types::{SolCall, SolError};
use revm::context::result::ExecutionResult;
use revm::primitives::{B256, Bytes, U256};

/// A harmless call to each precompile.
fn one_call_each() -> Vec<(revm::primitives::Address, Vec<u8>)> {
    vec![
        (
            AI_MINING,
            IAIMining::miningBalanceCall { miner: MINER }.abi_encode(),
        ),
        (
            NV_TRUST,
            INVTrust::verifyQuoteCall {
                teeQuote: Bytes::new(),
            }
            .abi_encode(),
        ),
        (
            MODEL_REGISTRY,
            IModelRegistry::getModelCall {
                modelId: B256::ZERO,
            }
            .abi_encode(),
        ),
    ]
}

fn started(w: &mut World, device: u32) -> B256 {
    let quote = w.quote(Architecture::Hopper, device, MINER, None);
    w.ok(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: quote.into(),
        },
    )
}

#[test]
fn unknown_selectors_and_malformed_calldata_revert_with_custom_errors() {
    let mut w = World::new(20);
    for address in [AI_MINING, NV_TRUST, MODEL_REGISTRY] {
        let r = w
            .net
            .send(MINER, address, vec![1, 2, 3, 4, 5], U256::ZERO)
            .unwrap();
        assert_reverts::<IAIMining::UnknownSelector>(&r);
        let e = IAIMining::UnknownSelector::abi_decode(&r.output()).unwrap();
        assert_eq!(e.selector.0, [1, 2, 3, 4]);
        // A refusal pays the precompile's floor (cheapest base price and input words).
        assert_eq!(r.execution_gas(), floor(address, 5));
        for short in [vec![], vec![0xAB], vec![1, 2, 3]] {
            let len = short.len();
            let r = w.net.send(MINER, address, short, U256::ZERO).unwrap();
            assert_reverts::<IAIMining::MalformedCalldata>(&r);
            assert_eq!(r.execution_gas(), floor(address, len));
        }
    }
    // The floors: AI_MINING's and MODEL_REGISTRY's cheapest function is a view (1,000),
    // NV_TRUST's a quote (28,000); 3 gas per word on top.
    assert_eq!(floor(AI_MINING, 5), 1_003);
    assert_eq!(floor(MODEL_REGISTRY, 0), 1_000);
    assert_eq!(floor(NV_TRUST, 36), 28_006);
    // A known selector with truncated or non-canonical arguments.
    let full = IAIMining::startSessionCall {
        miner: MINER,
        teeQuote: vec![1; 40].into(),
    }
    .abi_encode();
    for cut in [4, 20, 36, 68, full.len() - 1] {
        let r = w
            .net
            .send(MINER, AI_MINING, full[..cut].to_vec(), U256::ZERO)
            .unwrap();
        assert_reverts::<IAIMining::MalformedCalldata>(&r);
        assert_eq!(r.execution_gas(), floor(AI_MINING, cut));
    }
    let mut dirty = IAIMining::miningBalanceCall { miner: MINER }.abi_encode();
    dirty[4] = 0xFF; // an address with high bits set
    let r = w.net.send(MINER, AI_MINING, dirty, U256::ZERO).unwrap();
    assert_reverts::<IAIMining::MalformedCalldata>(&r);
    assert_eq!(r.execution_gas(), floor(AI_MINING, 36));
    // Quote bytes that are not an envelope: a clean QuoteRejected(format).
    let r = w.send(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: vec![0; 300].into(),
        },
    );
    assert_eq!(
        IAIMining::QuoteRejected::abi_decode(&r.output())
            .unwrap()
            .check,
        1
    );
    assert!(!w.view(
        NV_TRUST,
        &INVTrust::verifyQuoteCall {
            teeQuote: Bytes::new()
        }
    ));
}

#[test]
fn static_calls_cannot_write_and_delegate_calls_are_refused() {
    let mut w = World::new(21);
    let client = w.client(MINER);
    let id = started(&mut w, 1);

    let (ok, selector) = w
        .view(client, &AimineClient::staticHeartbeatCall { id })
        .into();
    assert!(!ok);
    assert_eq!(selector.0, IAIMining::WriteInStaticContext::SELECTOR);
    // try/catch in Solidity sees the custom error: the client does not own this session.
    let caught = w.ok(MINER, client, &AimineClient::tryHeartbeatCall { id });
    assert_eq!(caught.selector.0, IAIMining::NotSessionOwner::SELECTOR);

    for (address, data) in one_call_each() {
        let r = w.send(
            MINER,
            client,
            &AimineClient::delegatedCall {
                precompile: address,
                data: data.into(),
            },
        );
        let (ok, selector) = AimineClient::delegatedCall::abi_decode_returns(&r.output())
            .unwrap()
            .into();
        assert!(!ok);
        assert_eq!(selector.0, IAIMining::DelegateCallNotAllowed::SELECTOR);
    }
}

#[test]
fn value_is_accepted_only_by_stake() {
    let mut w = World::new(22);
    let client = w.client(MINER);
    w.net.fund(client, U256::from(5 * ETHER));
    let mut calls = one_call_each();
    calls.push((AI_MINING, IAIMining::claimCall { to: MINER }.abi_encode()));
    for (address, data) in calls {
        let r = w.send(
            MINER,
            client,
            &AimineClient::rawCall {
                precompile: address,
                data: data.into(),
                value: U256::from(1),
            },
        );
        let out = AimineClient::rawCall::abi_decode_returns(&r.output()).unwrap();
        assert!(!out.ok);
        assert_eq!(
            &out.ret[..4],
            IAIMining::ValueNotAccepted::SELECTOR.as_slice()
        );
    }
    // The refused value stayed with the sender; the accepted stake moved.
    assert_eq!(w.net.balance(AI_MINING), U256::ZERO);
    let r = w.send(
        MINER,
        client,
        &AimineClient::rawCall {
            precompile: AI_MINING,
            data: IAIMining::stakeCall {}.abi_encode().into(),
            value: U256::from(ETHER),
        },
    );
    assert!(
        AimineClient::rawCall::abi_decode_returns(&r.output())
            .unwrap()
            .ok
    );
    assert_eq!(w.net.balance(AI_MINING), U256::from(ETHER));
}

#[test]
fn out_of_gas_and_reverts_leave_no_state_or_logs() {
    let mut w = World::new(23);
    let id = started(&mut w, 2);
    let session_before = w.view(AI_MINING, &IAIMining::getSessionCall { sessionId: id });
    w.advance(600);

    // Enough for the base price, not for the storage: the whole call halts, nothing changes.
    let data = IAIMining::heartbeatCall { sessionId: id }.abi_encode();
    let r = w
        .net
        .send_with_gas(MINER, AI_MINING, data.clone(), 21_000 + 1_000 + 5_100)
        .unwrap();
    assert!(
        matches!(r.result, ExecutionResult::Halt { .. }),
        "{:?}",
        r.result
    );
    assert!(r.result.logs().is_empty());
    assert_eq!(
        w.view(AI_MINING, &IAIMining::getSessionCall { sessionId: id }),
        session_before
    );
    assert_eq!(w.mining_balance(MINER), U256::ZERO);

    // A quote that fails late (after storage reads) reverts cleanly and keeps the unspent gas.
    let other = w.quote(Architecture::Hopper, 2, OTHER, None);
    let r = w.send(
        OTHER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: OTHER,
            teeQuote: other.into(),
        },
    );
    assert_reverts::<IAIMining::GpuBusy>(&r);
    assert!(r.result.logs().is_empty());
    assert!(r.gas_used() < 1_000_000);

    // The same heartbeat with enough gas succeeds and logs.
    let r = w.net.send(MINER, AI_MINING, data, U256::ZERO).unwrap();
    assert!(r.ok());
    assert_eq!(r.result.logs().len(), 1);
}

#[test]
fn every_other_address_is_served_by_revms_ethereum_precompiles() {
    let mut w = World::new(24);
    let client = w.client(MINER);
    // ecrecover (0x01), a public test vector, through the same provider.
    let input = hex::decode(concat!(
        "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c",
        "000000000000000000000000000000000000000000000000000000000000001c",
        "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f",
        "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549",
    ))
    .unwrap();
    let ecrecover = revm::primitives::address!("0000000000000000000000000000000000000001");
    let r = w.send(
        MINER,
        client,
        &AimineClient::rawCall {
            precompile: ecrecover,
            data: input.into(),
            value: U256::ZERO,
        },
    );
    let out = AimineClient::rawCall::abi_decode_returns(&r.output()).unwrap();
    assert!(out.ok);
    assert_eq!(
        hex::encode(&out.ret),
        "000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b"
    );
    // sha256 (0x02) of the empty string.
    let sha = revm::primitives::address!("0000000000000000000000000000000000000002");
    let r = w.send(
        MINER,
        client,
        &AimineClient::rawCall {
            precompile: sha,
            data: Bytes::new(),
            value: U256::ZERO,
        },
    );
    let out = AimineClient::rawCall::abi_decode_returns(&r.output()).unwrap();
    assert_eq!(
        hex::encode(&out.ret),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    // A plain transfer to AI_MINING (no call data) is refused: the pool is funded at genesis or
    // by the chain's issuance, never by a call that could be mistaken for a stake.
    let r = w
        .net
        .send(MINER, AI_MINING, Vec::new(), U256::from(ETHER))
        .unwrap();
    assert_reverts::<IAIMining::MalformedCalldata>(&r);
    assert_eq!(r.execution_gas(), 1_000);
    assert_eq!(w.net.balance(AI_MINING), U256::ZERO);
}

#[test]
fn nv_trust_runs_out_of_gas_before_checking_an_unknown_certificate_link() {
    let mut w = World::new(25);
    let quote = w.quote(Architecture::Hopper, 7, MINER, None);
    let data = INVTrust::verifyQuoteCall {
        teeQuote: quote.into(),
    }
    .abi_encode();
    let full = w
        .net
        .simulate(
            MINER,
            NV_TRUST,
            &data,
            U256::ZERO,
            aimine_evm::Scheme::StaticCall,
        )
        .unwrap();
    assert_eq!(full.status, aimine_evm::Status::Success);
    assert!(full.breakdown.work > 0);
    // Enough for everything but the certificate links: the call stops at the first link, whose
    // price is charged before its signature is checked.
    let short = full.gas_used - full.breakdown.work;
    let out = w
        .net
        .simulate_with_gas(
            MINER,
            NV_TRUST,
            &data,
            U256::ZERO,
            aimine_evm::Scheme::StaticCall,
            short,
        )
        .unwrap();
    assert_eq!(out.status, aimine_evm::Status::OutOfGas);
    assert_eq!(out.gas_used, short);
}
