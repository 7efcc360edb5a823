//! The Solidity side and the Rust side agree: the committed artifacts are what the pinned solc
//! makes of the sources today, and the Rust bindings (sol! over the interface files) have
//! exactly the selectors, events and errors solc gives the interfaces.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeSet;

use aimine_evm::abi as ours;
use alloy_sol_types::SolInterface;

mod solc_view {
    alloy_sol_types::sol!(
        #[allow(missing_docs)]
        IAIMiningAbi,
        "artifacts/IAIMining.json"
    );
    alloy_sol_types::sol!(
        #[allow(missing_docs)]
        INVTrustAbi,
        "artifacts/INVTrust.json"
    );
    alloy_sol_types::sol!(
        #[allow(missing_docs)]
        IModelRegistryAbi,
        "artifacts/IModelRegistry.json"
    );
}

fn set(selectors: &[[u8; 4]]) -> BTreeSet<[u8; 4]> {
    selectors.iter().copied().collect()
}

#[test]
fn rust_bindings_have_solcs_selectors_events_and_errors() {
    use solc_view::{IAIMiningAbi, IModelRegistryAbi, INVTrustAbi};
    assert_eq!(
        set(ours::IAIMining::IAIMiningCalls::SELECTORS),
        set(IAIMiningAbi::IAIMiningAbiCalls::SELECTORS)
    );
    assert_eq!(
        set(ours::INVTrust::INVTrustCalls::SELECTORS),
        set(INVTrustAbi::INVTrustAbiCalls::SELECTORS)
    );
    assert_eq!(
        set(ours::IModelRegistry::IModelRegistryCalls::SELECTORS),
        set(IModelRegistryAbi::IModelRegistryAbiCalls::SELECTORS)
    );
    assert_eq!(
        set(ours::IAIMining::IAIMiningErrors::SELECTORS),
        set(IAIMiningAbi::IAIMiningAbiErrors::SELECTORS)
    );
    assert_eq!(
        set(ours::INVTrust::INVTrustErrors::SELECTORS),
        set(INVTrustAbi::INVTrustAbiErrors::SELECTORS)
    );
    let topics = |t: &[[u8; 32]]| t.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(
        topics(ours::IAIMining::IAIMiningEvents::SELECTORS),
        topics(IAIMiningAbi::IAIMiningAbiEvents::SELECTORS)
    );
    // The Lux-compatible functions keep Lux's signatures.
    for signature in [
        "verifyMLDSA(bytes,bytes,bytes)",
        "calculateReward(bytes,uint64)",
        "isSpent(bytes32)",
        "computeWorkId(bytes32,bytes32,uint64)",
        "markSpent(bytes32)",
        "getSecurityLevel(bytes)",
        "startSession(address,bytes)",
        "heartbeat(bytes32)",
    ] {
        let selector: [u8; 4] = revm::primitives::keccak256(signature)[..4]
            .try_into()
            .unwrap();
        assert!(
            ours::IAIMining::IAIMiningCalls::valid_selector(selector),
            "{signature}"
        );
    }
}

#[test]
fn committed_artifacts_are_what_the_pinned_solc_compiles_today() {
    if !aimine_vectors::solc::node_available() {
        eprintln!(
            "NOTICE: node/npm not found: not recompiling the Solidity (the committed artifacts are used)"
        );
        return;
    }
    let Some(mission) = aimine_vectors::mission_dir() else {
        return;
    };
    aimine_vectors::solc::compile(&mission, true).unwrap();
}
