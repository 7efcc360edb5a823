//! Attacks on the precompiles, each written as the attacker's sequence of calls, asserting the
//! invariant it would break.
#![allow(clippy::too_many_arguments)]

use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use aimine_evm::{Scheme, Status};
use aimine_vectors::evm::*;
use alloy_sol_types::{SolCall, SolError};
use revm::context_interface::ContextTr;
use revm::primitives::{Address, Bytes, U256, address};
use revm::state::{AccountInfo, Bytecode};

// ----- refused calls
//
// The attacker expands its memory once, then loops calls that the precompile refuses, each with
// a large input: a delegated call, an unknown selector, non-canonical call data, value sent to a
// function that takes none, a write under STATICCALL. Invariant: every refusal costs the floor,
// the precompile's cheapest base price plus `input_word` per word of input, charged before the
// input is read; a call that cannot pay it runs out of gas.

/// The attacker's contract, with no Solidity: it copies `payload` (held after its code) to memory
/// [0, n), measures with GAS the call it makes into `precompile` (`op`: STATICCALL,
/// DELEGATECALL or CALL with `value`, giving it `gas`), and returns (success, gas spent between
/// the two GAS readings, the callee's return data).
fn attacker_code(op: Op, precompile: Address, gas: u64, payload: &[u8]) -> Vec<u8> {
    let n = u32::try_from(payload.len()).unwrap();
    assert!(n < 1 << 24);
    let push3 = |code: &mut Vec<u8>, v: u32| {
        code.push(0x62);
        code.extend_from_slice(&v.to_be_bytes()[1..]);
    };
    const PREFIX: u32 = 64; // the code's length before the payload (asserted below)
    let mut c = Vec::new();
    push3(&mut c, n); // size
    push3(&mut c, PREFIX); // code offset
    c.push(0x5F); // PUSH0: memory offset
    c.push(0x39); // CODECOPY
    c.push(0x5A); // GAS: g0
    c.extend_from_slice(&[0x5F, 0x5F]); // retSize, retOffset
    push3(&mut c, n); // argsSize
    c.push(0x5F); // argsOffset
    if let Op::Call(value) = op {
        c.extend_from_slice(&[0x60, value]); // PUSH1 value
    }
    c.push(0x61); // PUSH2 precompile
    c.extend_from_slice(&precompile.as_slice()[18..]);
    c.push(0x67); // PUSH8 gas
    c.extend_from_slice(&gas.to_be_bytes());
    c.push(match op {
        Op::Static => 0xFA,
        Op::Delegate => 0xF4,
        Op::Call(_) => 0xF1,
    });
    c.push(0x5A); // GAS: g1
    c.extend_from_slice(&[0x82, 0x03]); // DUP3 SUB: g0 - g1
    push3(&mut c, n + 32);
    c.push(0x52); // MSTORE the gas
    push3(&mut c, n);
    c.push(0x52); // MSTORE success
    c.push(0x50); // POP g0
    c.extend_from_slice(&[0x3D, 0x5F]); // RETURNDATASIZE, PUSH0
    push3(&mut c, n + 64);
    c.push(0x3E); // RETURNDATACOPY
    c.extend_from_slice(&[0x3D, 0x60, 0x40, 0x01]); // RETURNDATASIZE + 64
    push3(&mut c, n);
    c.push(0xF3); // RETURN
    // Pad to the fixed prefix (a CALL has one push more than the others).
    assert!(c.len() <= PREFIX as usize);
    c.resize(PREFIX as usize, 0x00);
    c.extend_from_slice(payload);
    c
}

/// How the attacker reaches the precompile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Static,
    Delegate,
    Call(u8),
}

impl Op {
    /// What the attacker's frame spends between its two GAS readings besides the precompile's
    /// gas: its pushes, the call to a warm account (100), the second GAS (2), and for a call
    /// with value the transfer (9,000) less the stipend the precompile is given (2,300).
    fn overhead(self) -> u64 {
        match self {
            Op::Static | Op::Delegate => 15 + 100 + 2,
            Op::Call(0) => 18 + 100 + 2,
            Op::Call(_) => 18 + 100 + 9_000 - 2_300 + 2,
        }
    }
}

/// What the attacker's contract saw.
#[derive(Debug)]
struct Seen {
    ok: bool,
    /// Gas the precompile used (the frame's overhead taken off).
    gas: u64,
    output: Vec<u8>,
}

const ATTACKER: Address = address!("000000000000000000000000000000000000a77a");

/// Installs the attacker's contract for one call and sends it a transaction (no call data: the
/// payload is in its code, so the transaction stays cheap however large the input).
fn attack(w: &mut World, op: Op, precompile: Address, gas: u64, payload: &[u8]) -> Seen {
    let code = Bytecode::new_raw(Bytes::from(attacker_code(op, precompile, gas, payload)));
    w.net.evm.ctx.db_mut().insert_account_info(
        ATTACKER,
        AccountInfo {
            balance: U256::from(ETHER),
            nonce: 1,
            code_hash: code.hash_slow(),
            code: Some(code),
            ..AccountInfo::default()
        },
    );
    let r = w.net.send(MINER, ATTACKER, Vec::new(), U256::ZERO).unwrap();
    assert!(r.ok(), "{:?}", r.result);
    let out = r.output();
    assert!(out.len() >= 64, "{out:?}");
    let ok = U256::from_be_slice(&out[..32]) == U256::from(1);
    let spent = u64::try_from(U256::from_be_slice(&out[32..64])).unwrap();
    Seen {
        ok,
        gas: spent - op.overhead(),
        output: out[64..].to_vec(),
    }
}

/// A canonical `startSession` whose call data is `len` bytes or up to 31 more.
fn start_session(len: usize) -> Vec<u8> {
    IAIMining::startSessionCall {
        miner: MINER,
        teeQuote: vec![0xAB; len - 100].into(),
    }
    .abi_encode()
}

/// Call data that decodes but is not canonical: its last byte, padding, is not zero.
fn non_canonical(mut data: Vec<u8>) -> Vec<u8> {
    assert_eq!(*data.last().unwrap(), 0, "the last byte must be padding");
    *data.last_mut().unwrap() = 1;
    data
}

/// One step of the attacker's sequence: what it is, how and where it is sent, its call data and
/// the custom error it must revert with.
type Refusal = (&'static str, Op, Address, Vec<u8>, [u8; 4]);

#[test]
fn refused_calls_pay_the_floor() {
    let mut w = World::new(40);
    let balances = (w.net.balance(AI_MINING), w.net.balance(NV_TRUST));
    for len in [64 << 10, 1 << 20] {
        let start = start_session(len);
        let quote = |n: usize| INVTrust::verifyQuoteCall {
            teeQuote: vec![0xAB; n - 68].into(),
        };
        let mut unknown = vec![0u8; len];
        unknown[..4].copy_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]);
        let register = IModelRegistry::registerCall {
            name: "m".into(),
            modelHash: Default::default(),
            metadata: vec![0xAB; len - 200].into(),
        }
        .abi_encode();
        let sequence: Vec<Refusal> = vec![
            (
                "delegated startSession",
                Op::Delegate,
                AI_MINING,
                start.clone(),
                IAIMining::DelegateCallNotAllowed::SELECTOR,
            ),
            (
                "delegated verifyQuote",
                Op::Delegate,
                NV_TRUST,
                quote(len).abi_encode(),
                IAIMining::DelegateCallNotAllowed::SELECTOR,
            ),
            (
                "unknown selector",
                Op::Static,
                AI_MINING,
                unknown.clone(),
                IAIMining::UnknownSelector::SELECTOR,
            ),
            (
                "unknown selector",
                Op::Call(0),
                NV_TRUST,
                unknown.clone(),
                IAIMining::UnknownSelector::SELECTOR,
            ),
            (
                "unknown selector",
                Op::Static,
                MODEL_REGISTRY,
                unknown,
                IAIMining::UnknownSelector::SELECTOR,
            ),
            (
                "non-canonical startSession",
                Op::Call(0),
                AI_MINING,
                non_canonical(start.clone()),
                IAIMining::MalformedCalldata::SELECTOR,
            ),
            (
                "non-canonical verifyQuote",
                Op::Static,
                NV_TRUST,
                non_canonical(quote(len).abi_encode()),
                IAIMining::MalformedCalldata::SELECTOR,
            ),
            (
                "non-canonical register",
                Op::Call(0),
                MODEL_REGISTRY,
                non_canonical(register.clone()),
                IAIMining::MalformedCalldata::SELECTOR,
            ),
            (
                "value to startSession",
                Op::Call(1),
                AI_MINING,
                start.clone(),
                IAIMining::ValueNotAccepted::SELECTOR,
            ),
            (
                "value to verifyQuote",
                Op::Call(1),
                NV_TRUST,
                quote(len).abi_encode(),
                IAIMining::ValueNotAccepted::SELECTOR,
            ),
            (
                "static startSession",
                Op::Static,
                AI_MINING,
                start.clone(),
                IAIMining::WriteInStaticContext::SELECTOR,
            ),
            (
                "static register",
                Op::Static,
                MODEL_REGISTRY,
                register,
                IAIMining::WriteInStaticContext::SELECTOR,
            ),
        ];
        for (what, op, precompile, data, error) in sequence {
            assert!(data.len() >= len && data.len() < len + 32, "{what}");
            let seen = attack(&mut w, op, precompile, 1_000_000, &data);
            let at = format!("{what} via {op:?} to {precompile}, {} bytes", data.len());
            assert!(!seen.ok, "{at}");
            assert_eq!(seen.output[..4], error, "{at}: {:?}", seen.output);
            assert_eq!(seen.gas, floor(precompile, data.len()), "{at}");
        }
    }
    // The numbers, for 1 MiB exactly: 32,768 words at 3 gas on top of the cheapest base price.
    let mut unknown = vec![0u8; 1 << 20];
    unknown[..4].copy_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]);
    for (precompile, gas) in [
        (AI_MINING, 99_304),
        (NV_TRUST, 126_304),
        (MODEL_REGISTRY, 99_304),
    ] {
        assert_eq!(
            attack(&mut w, Op::Static, precompile, 1_000_000, &unknown).gas,
            gas
        );
    }
    // The value the refused calls carried stayed with the attacker.
    assert_eq!(
        (w.net.balance(AI_MINING), w.net.balance(NV_TRUST)),
        balances
    );
}

#[test]
fn a_call_that_cannot_pay_the_floor_runs_out_of_gas() {
    let mut w = World::new(41);
    let data = start_session(1 << 20);
    let floor = floor(AI_MINING, data.len());
    // One gas short: the whole limit is consumed, nothing is returned.
    let seen = attack(&mut w, Op::Static, AI_MINING, floor - 1, &data);
    assert!(!seen.ok);
    assert_eq!(seen.gas, floor - 1);
    assert!(seen.output.is_empty());
    // Exactly the floor: refused with its custom error, all of it used.
    let seen = attack(&mut w, Op::Static, AI_MINING, floor, &data);
    assert!(!seen.ok);
    assert_eq!(seen.output[..4], IAIMining::WriteInStaticContext::SELECTOR);
    assert_eq!(seen.gas, floor);
    // The same through the precompile's own entry, for every refused scheme.
    for (scheme, value) in [
        (Scheme::StaticCall, U256::ZERO),
        (Scheme::Delegated, U256::ZERO),
        (Scheme::Call, U256::from(1)),
    ] {
        let out = w
            .net
            .simulate_with_gas(MINER, AI_MINING, &data, value, scheme, floor - 1)
            .unwrap();
        assert_eq!(out.status, Status::OutOfGas, "{scheme:?}");
        assert_eq!(out.gas_used, floor - 1, "{scheme:?}");
        let out = w
            .net
            .simulate_with_gas(MINER, AI_MINING, &data, value, scheme, floor)
            .unwrap();
        assert_eq!(out.status, Status::Revert, "{scheme:?}");
        assert_eq!(out.gas_used, floor, "{scheme:?}");
    }
}
