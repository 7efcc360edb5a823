//! The gas the precompiles charge in a fixed scenario is exactly what GAS.md documents (its
//! "Reference calls" table), part by part; and every part follows the schedule's rules.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeMap;

use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use aimine_evm::gas::{GasSchedule, words};
use aimine_evm::{Outcome, Scheme, Status};
use aimine_nvtrust::Architecture;
use aimine_vectors::evm::*;
use alloy_sol_types::SolCall;
use fips204::ml_dsa_65;
use fips204::traits::{KeyGen, SerDes, Signer};
use revm::primitives::{Address, B256, U256};

fn simulate<C: SolCall>(w: &mut World, from: Address, to: Address, call: &C) -> Outcome {
    let out = w
        .net
        .simulate(from, to, &call.abi_encode(), U256::ZERO, Scheme::Call)
        .unwrap();
    assert_eq!(
        out.status,
        Status::Success,
        "{}: {:?}",
        C::SIGNATURE,
        out.output
    );
    out
}

/// The reference scenario: each call as GAS.md names it, with its outcome.
fn scenario() -> Vec<(&'static str, Outcome)> {
    let g = GasSchedule::DEFAULT;
    let mut out = Vec::new();
    let mut w = World::new(30);
    let quote = w.quote(Architecture::Hopper, 1, MINER, None);
    let start = IAIMining::startSessionCall {
        miner: MINER,
        teeQuote: quote.clone().into(),
    };
    let o = simulate(&mut w, MINER, AI_MINING, &start);
    assert_eq!(
        o.breakdown.base,
        g.start_session
            + words(quote.len()) * g.quote_word
            + words(start.abi_encode().len()) * g.input_word
    );
    out.push(("startSession, new testkit H100", o));
    let id = w.ok(MINER, AI_MINING, &start);
    let again = w.quote(Architecture::Hopper, 1, MINER, None);
    out.push((
        "startSession, same H100 and miner (refresh)",
        simulate(
            &mut w,
            MINER,
            AI_MINING,
            &IAIMining::startSessionCall {
                miner: MINER,
                teeQuote: again.into(),
            },
        ),
    ));
    w.advance(3_600);
    out.push((
        "heartbeat, one hour",
        simulate(
            &mut w,
            MINER,
            AI_MINING,
            &IAIMining::heartbeatCall { sessionId: id },
        ),
    ));
    w.ok(
        MINER,
        AI_MINING,
        &IAIMining::heartbeatCall { sessionId: id },
    );
    out.push((
        "miningBalance",
        simulate(
            &mut w,
            MINER,
            AI_MINING,
            &IAIMining::miningBalanceCall { miner: MINER },
        ),
    ));
    w.net.fund(AI_MINING, U256::from(ETHER));
    out.push((
        "claim",
        simulate(
            &mut w,
            MINER,
            AI_MINING,
            &IAIMining::claimCall { to: OTHER },
        ),
    ));

    let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&[5; 32]);
    let pk = pk.into_bytes().to_vec();
    let keyed_quote = w.quote(Architecture::Blackwell, 2, MINER, Some(&pk));
    let keyed = IAIMining::startSessionWithKeyCall {
        miner: MINER,
        teeQuote: keyed_quote.into(),
        sessionKey: pk.clone().into(),
    };
    out.push((
        "startSessionWithKey, new testkit B200, ML-DSA-65 key",
        simulate(&mut w, MINER, AI_MINING, &keyed),
    ));
    let sid = w.ok(MINER, AI_MINING, &keyed);
    w.advance(60);
    let sig = sk
        .try_sign_with_seed(
            &[0; 32],
            &aimine_registry::heartbeat_message(CHAIN, &sid.0, 0),
            &[],
        )
        .unwrap();
    out.push((
        "heartbeatSigned, ML-DSA-65",
        simulate(
            &mut w,
            MINER,
            AI_MINING,
            &IAIMining::heartbeatSignedCall {
                sessionId: sid,
                sessionKey: pk.clone().into(),
                signature: sig.to_vec().into(),
            },
        ),
    ));

    let register = IModelRegistry::registerCall {
        name: "llama-3-8b".into(),
        modelHash: B256::repeat_byte(1),
        metadata: vec![0x61; 100].into(),
    };
    out.push((
        "register, 100-byte metadata",
        simulate(&mut w, MINER, MODEL_REGISTRY, &register),
    ));

    let testkit_quote = w.quote(Architecture::Hopper, 3, MINER, None);
    out.push((
        "verifyQuote, testkit H100 never seen",
        simulate(
            &mut w,
            MINER,
            NV_TRUST,
            &INVTrust::verifyQuoteCall {
                teeQuote: testkit_quote.into(),
            },
        ),
    ));
    out.push((
        "verifyQuote, testkit H100 that mined",
        simulate(
            &mut w,
            MINER,
            NV_TRUST,
            &INVTrust::verifyQuoteCall {
                teeQuote: quote.into(),
            },
        ),
    ));
    out
}

/// GAS.md's reference table: name → (total, base, work, storage, logs, payment).
fn documented() -> BTreeMap<String, [u64; 6]> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../GAS.md")).unwrap();
    let table = text
        .split("<!-- reference-calls -->")
        .nth(1)
        .expect("GAS.md has the reference table");
    let mut rows = BTreeMap::new();
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| call"))
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 7 || cells[1].starts_with("--") {
            continue;
        }
        let n = |i: usize| {
            cells[i]
                .replace(',', "")
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{line}"))
        };
        rows.insert(cells[0].to_string(), [n(1), n(2), n(3), n(4), n(5), n(6)]);
    }
    rows
}

#[test]
fn reference_calls_cost_what_gas_md_says() {
    let doc = documented();
    let mut report = String::new();
    let mut mismatches = Vec::new();
    for (name, o) in scenario() {
        let b = o.breakdown;
        assert_eq!(
            o.gas_used,
            b.base + b.work + b.storage + b.logs + b.payment,
            "{name}: parts add up"
        );
        let row = [o.gas_used, b.base, b.work, b.storage, b.logs, b.payment];
        report.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            row[0], row[1], row[2], row[3], row[4], row[5]
        ));
        if doc.get(name) != Some(&row) {
            mismatches.push(name);
        }
    }
    assert!(
        mismatches.is_empty(),
        "GAS.md is out of date for {mismatches:?}; measured:\n{report}"
    );
    assert_eq!(doc.len(), 10, "GAS.md lists calls this test does not make");
}

#[test]
fn certificate_links_and_session_keys_are_charged_as_metered_work() {
    let g = GasSchedule::DEFAULT;
    let calls = scenario();
    let get = |name: &str| calls.iter().find(|(n, _)| *n == name).unwrap().1.breakdown;
    // A GPU never seen: its links are checked and charged; once it has mined, they are not.
    let cold = get("verifyQuote, testkit H100 never seen");
    let warm = get("verifyQuote, testkit H100 that mined");
    assert!(cold.work > 0 && cold.work % g.certificate_signature == 0);
    assert_eq!(warm.work, 0);
    // The first session on a fresh chain also verifies the testkit's shared intermediate links,
    // which every later quote reuses.
    let first = get("startSession, new testkit H100").work;
    assert!(first > cold.work && first % g.certificate_signature == 0);
    assert_eq!(get("startSession, same H100 and miner (refresh)").work, 0);
    assert_eq!(get("heartbeatSigned, ML-DSA-65").work, g.mldsa65);
    assert_eq!(get("heartbeat, one hour").work, 0);
    assert_eq!(get("claim").payment, g.payment);
}
