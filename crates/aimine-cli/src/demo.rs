//! `aimine demo`: the mission's scenario on an embedded revm chain with the aimine precompiles.
//!
//! Everything here is a development setup, and the narration says so: the GPUs are forged by
//! aimine-nvtrust's testkit under a dev root that this chain trusts beside NVIDIA's. Real
//! evidence is checked with `aimine quote verify`.

use aimine_envelope::testkit::Enveloped;
use std::time::Instant;

use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use aimine_evm::devnet::{Devnet, Receipt, artifacts};
use aimine_evm::{ChainConfig, UnixTime};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::execution_message;
use alloy_sol_types::{SolCall, SolValue, sol};
use fips204::ml_dsa_65;
use fips204::traits::{KeyGen, SerDes, Signer};
use revm::primitives::{Address, B256, Bytes, U256, address, keccak256};
use sha2::{Digest, Sha256};

use crate::Outcome;

sol! {
    /// The mission's example contract (ComputeProvider.sol), as deployed from its artifact.
    interface ComputeProvider {
        function startSession(bytes teeQuote) external returns (bytes32 sessionId);
        function heartbeat(bytes32 sessionId) external returns (uint256 reward);
    }
    /// The part of the test client contract the demo uses.
    interface AimineClient {
        function verifyExecution(bytes32 modelId, bytes32 input, bytes32 output, bytes proof) external view returns (bool);
    }
}

const CHAIN: u64 = 96_369;
/// 2026-01-05T00:00:00Z, the start of an epoch.
const START: UnixTime = UnixTime(1_767_571_200);
const TOKEN: u128 = 1_000_000_000_000_000_000;
const ADMIN: Address = address!("00000000000000000000000000000000000000ad");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const CAROL: Address = address!("00000000000000000000000000000000000ca201");

/// Wei as tokens with six decimals.
fn tokens(wei: U256) -> String {
    let micro = wei
        .checked_div(U256::from(1_000_000_000_000u64))
        .unwrap_or_default();
    let micro = u128::try_from(micro).unwrap_or(u128::MAX);
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

struct Demo {
    net: Devnet,
    pki: TestPki,
}

impl Demo {
    fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<(C::Return, Receipt), String> {
        let r = self.net.send(from, to, call.abi_encode(), value)?;
        if !r.ok() {
            return Err(format!("{} failed: {:?}", C::SIGNATURE, r.result));
        }
        let ret =
            C::abi_decode_returns(&r.output()).map_err(|e| format!("{}: {e}", C::SIGNATURE))?;
        Ok((ret, r))
    }

    fn view<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, String> {
        let r = self.net.view(ADMIN, to, call.abi_encode())?;
        if !r.ok() {
            return Err(format!("{} failed: {:?}", C::SIGNATURE, r.result));
        }
        C::abi_decode_returns(&r.output()).map_err(|e| format!("{}: {e}", C::SIGNATURE))
    }

    /// A quote from a forged GPU answering the nonce AI_MINING gives `miner` (and `key`) for a
    /// quote that `submitter` (the miner, or the contract it mines through) sends.
    fn attest(
        &mut self,
        arch: Architecture,
        device: u32,
        submitter: Address,
        miner: Address,
        key: &[u8],
    ) -> Result<Vec<u8>, String> {
        let nonce = self.view(
            AI_MINING,
            &IAIMining::sessionNonceForCall {
                submitter,
                miner,
                sessionKey: key.to_vec().into(),
            },
        )?;
        let mut options = ForgeOptions::new(arch, nonce.nonce.0);
        options.device = device;
        Ok(self.pki.forge(&options).envelope())
    }
}

/// Runs the demo, printing as it goes.
pub fn run() -> Result<Outcome, String> {
    let started = Instant::now();
    println!("aimine demo: the mission's scenario on an embedded revm chain (chain id {CHAIN})");
    println!();
    println!("DEV SETUP: the GPUs below are FORGED by aimine-nvtrust's testkit under a dev root");
    println!(
        "certificate made for this demo; this chain trusts that dev root beside NVIDIA's Device"
    );
    println!(
        "Identity CA. Nothing here is real attestation. Check real evidence with `aimine quote verify`."
    );
    println!();

    let pki = TestPki::new(Sha256::digest(b"aimine demo dev root").into());
    let mut config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let mut anchor = [0u8; 97];
    anchor.copy_from_slice(pki.anchor().public_key);
    config.extra_anchors.push(anchor);
    config.reward_pool = U256::from(1_000 * TOKEN);
    let mut net = Devnet::new(config, START)?;
    for who in [ADMIN, ALICE, BOB, CAROL] {
        net.fund(who, U256::from(100 * TOKEN));
    }
    let mut d = Demo { net, pki };

    // 1. The mission's contract.
    let (cp, r) = d
        .net
        .deploy(ADMIN, artifacts::bytecode(artifacts::COMPUTE_PROVIDER)?)?;
    println!(
        "1. Deployed ComputeProvider (the mission's contract, compiled by solc) at {cp}: {} gas",
        r.gas_used()
    );

    // 2. Attestation through NV_TRUST.
    println!(
        "2. Two dev GPUs attest, each answering the session nonce AI_MINING gives its miner for a \
         quote ComputeProvider submits (sessionNonceFor: a replay by anyone else reverts):"
    );
    let h100 = d.attest(Architecture::Hopper, 1, cp, ALICE, &[])?;
    let b200 = d.attest(Architecture::Blackwell, 2, cp, BOB, &[])?;
    for (name, quote) in [("H100 (Hopper)   ", &h100), ("B200 (Blackwell)", &b200)] {
        let p = d.view(
            NV_TRUST,
            &INVTrust::parseQuoteCall {
                teeQuote: quote.clone().into(),
            },
        )?;
        println!(
            "   {name} quote {} bytes -> NV_TRUST.parseQuote: trust level {}, gpuId {}…, {} compute units",
            quote.len(),
            p.trustLevel,
            &p.gpuId.to_string()[..18],
            p.computeUnits
        );
    }

    // 3. Sessions through ComputeProvider (which checks NV_TRUST.verifyQuote first).
    println!(
        "3. Miners start sessions through ComputeProvider.startSession (verifyQuote, then 0x0300):"
    );
    let (alice_id, r) = d.send(
        ALICE,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: h100.into(),
        },
        U256::ZERO,
    )?;
    println!(
        "   alice (H100): session {}…  {} gas",
        &alice_id.to_string()[..18],
        r.gas_used()
    );
    let (bob_id, r) = d.send(
        BOB,
        cp,
        &ComputeProvider::startSessionCall {
            teeQuote: b200.into(),
        },
        U256::ZERO,
    )?;
    println!(
        "   bob   (B200): session {}…  {} gas",
        &bob_id.to_string()[..18],
        r.gas_used()
    );
    let (total, r) = d.send(
        CAROL,
        AI_MINING,
        &IAIMining::stakeCall {},
        U256::from(TOKEN),
    )?;
    println!(
        "   carol (consumer GPU, no quote) stakes {} tokens: {} gas",
        tokens(total),
        r.gas_used()
    );
    let (carol_id, r) = d.send(
        CAROL,
        AI_MINING,
        &IAIMining::startPublicSessionCall {
            miner: CAROL,
            sessionKey: Bytes::new(),
        },
        U256::ZERO,
    )?;
    println!(
        "   carol (Public): session {}…  {} gas",
        &carol_id.to_string()[..18],
        r.gas_used()
    );

    // 4. Heartbeats over simulated hours.
    println!(
        "4. Heartbeats, one per simulated hour (rewards in tokens; gas per heartbeat transaction):"
    );
    println!(
        "   hour | alice H100 (Confidential 1.0x) | bob B200 (Sovereign 1.5x) | carol (Public 0.25x)"
    );
    let mut gas = (0, 0, 0);
    for hour in 1..=6u64 {
        d.net
            .set_time(START.saturating_add(hour.saturating_mul(3_600)));
        let (a, ra) = d.send(
            ALICE,
            cp,
            &ComputeProvider::heartbeatCall {
                sessionId: alice_id,
            },
            U256::ZERO,
        )?;
        let (b, rb) = d.send(
            BOB,
            cp,
            &ComputeProvider::heartbeatCall { sessionId: bob_id },
            U256::ZERO,
        )?;
        let (c, rc) = d.send(
            CAROL,
            AI_MINING,
            &IAIMining::heartbeatCall {
                sessionId: carol_id,
            },
            U256::ZERO,
        )?;
        gas = (ra.gas_used(), rb.gas_used(), rc.gas_used());
        println!(
            "   {hour:>4} | {:>30} | {:>25} | {:>20}",
            tokens(a),
            tokens(b),
            tokens(c)
        );
    }
    println!(
        "   gas per heartbeat: alice {} (via ComputeProvider), bob {} (via ComputeProvider), carol {} (direct)",
        gas.0, gas.1, gas.2
    );

    // 5. Rewards per tier, and a claim from the pool.
    println!("5. Balances after 6 hours (base rate 1 gwei per compute unit per second):");
    let mut balances = Vec::new();
    for (who, name, what) in [
        (ALICE, "alice", "H100, 1,000 units x 1.0"),
        (BOB, "bob  ", "B200, 2,500 units x 1.5"),
        (CAROL, "carol", "Public, 10 units x 0.25"),
    ] {
        let b = d.view(AI_MINING, &IAIMining::miningBalanceCall { miner: who })?;
        println!("   {name} {:>12} tokens  ({what})", tokens(b));
        balances.push(b);
    }
    let before = d.net.balance(ALICE);
    let (claimed, r) = d.send(
        ALICE,
        AI_MINING,
        &IAIMining::claimCall { to: ALICE },
        U256::ZERO,
    )?;
    println!(
        "   alice claims {} tokens from the reward pool (0x0300's balance): her balance +{}, {} gas",
        tokens(claimed),
        tokens(d.net.balance(ALICE).saturating_sub(before)),
        r.gas_used()
    );

    // 6. A model and a verified execution.
    println!("6. Model registry and a verified execution receipt:");
    let model_hash = keccak256(b"llama-3-8b.safetensors");
    let (model_id, r) = d.send(
        ALICE,
        MODEL_REGISTRY,
        &IModelRegistry::registerCall {
            name: "llama-3-8b".into(),
            modelHash: model_hash,
            metadata: br#"{"license":"llama3"}"#.to_vec().into(),
        },
        U256::ZERO,
    )?;
    println!(
        "   alice registers llama-3-8b: model {}…  {} gas",
        &model_id.to_string()[..18],
        r.gas_used()
    );
    let (pk, sk) =
        ml_dsa_65::KG::keygen_from_seed(&Sha256::digest(b"aimine demo session key").into());
    let pk = pk.into_bytes().to_vec();
    let quote = d.attest(Architecture::Hopper, 3, ALICE, ALICE, &pk)?;
    let (keyed, r) = d.send(
        ALICE,
        AI_MINING,
        &IAIMining::startSessionWithKeyCall {
            miner: ALICE,
            teeQuote: quote.into(),
            sessionKey: pk.clone().into(),
        },
        U256::ZERO,
    )?;
    println!(
        "   a second dev H100 starts a session with an ML-DSA-65 session key: {} gas",
        r.gas_used()
    );
    let (input, output) = (
        keccak256(b"What is a TEE?"),
        keccak256(b"A trusted execution environment."),
    );
    let message = execution_message(CHAIN, &model_id.0, &input.0, &output.0, &keyed.0);
    let signature = sk
        .try_sign_with_seed(&[0; 32], &message, &[])
        .map_err(|e| format!("sign: {e}"))?;
    // The proof carries the session key: the chain keeps only its hash.
    let proof: Bytes = (
        keyed,
        Bytes::from(pk.clone()),
        Bytes::from(signature.to_vec()),
    )
        .abi_encode_params()
        .into();
    let (client, _) = d
        .net
        .deploy(ADMIN, artifacts::bytecode(artifacts::AIMINE_CLIENT)?)?;
    let ok = d.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output,
            proof: proof.clone(),
        },
    )?;
    let forged = d.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output: B256::repeat_byte(1),
            proof: proof.clone(),
        },
    )?;
    println!(
        "   a contract calls verifyExecution(receipt signed by the session key): {ok}; with another output: {forged}"
    );
    let (receipt, r) = d.send(
        BOB,
        MODEL_REGISTRY,
        &IModelRegistry::recordExecutionCall {
            modelId: model_id,
            inputHash: input,
            outputHash: output,
            proof,
        },
        U256::ZERO,
    )?;
    println!(
        "   recordExecution stores receipt {}…  {} gas",
        &receipt.to_string()[..18],
        r.gas_used()
    );

    let ms = started.elapsed().as_millis();
    println!();
    println!("Done in {ms} ms. Prices and their measurements: GAS.md.");
    // Bob's B200 earns 3.75 times Alice's H100: 2.5 times the compute units at 1.5 times the rate.
    let expected_ratio_ok = match balances.as_slice() {
        [alice, bob, _] => {
            bob.saturating_mul(U256::from(4)) == alice.saturating_mul(U256::from(15))
        }
        _ => false,
    };
    if !ok || forged || !expected_ratio_ok {
        return Ok(Outcome::Invalid);
    }
    Ok(Outcome::Valid)
}
