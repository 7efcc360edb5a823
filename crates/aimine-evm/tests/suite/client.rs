//! Every function of the three precompiles, called from a Solidity contract (AimineClient,
//! compiled by solc): keyed sessions, models and executions, stakes and claims, the Lux-style
//! helpers, and governance.
#![allow(clippy::too_many_arguments)]

use aimine_evm::abi::{IAIMining, IModelRegistry};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY};
use aimine_nvtrust::Architecture;
use aimine_registry::heartbeat_message;
use aimine_registry::lux;
use aimine_tiers::TrustTier;
use aimine_vectors::evm::*;
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};
use revm::primitives::{B256, Bytes, U256, keccak256};
use sha2::{Digest, Sha256};

fn key65(seed: u8) -> (Vec<u8>, ml_dsa_65::PrivateKey) {
    let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&[seed; 32]);
    (pk.into_bytes().to_vec(), sk)
}

fn sign65(sk: &ml_dsa_65::PrivateKey, message: &[u8]) -> Bytes {
    sk.try_sign_with_seed(&[7; 32], message, &[])
        .unwrap()
        .to_vec()
        .into()
}

#[test]
fn keyed_sessions_sign_heartbeats_and_prove_model_executions() {
    let mut w = World::new(10);
    let client = w.client(MINER);
    let (pk, sk) = key65(1);

    // The nonce the miner's GPU must answer for a quote the contract submits, as the
    // precompile computes it (the contract asks: it is the submitter).
    let nonce = w.view(
        client,
        &AimineClient::sessionNonceCall {
            miner: MINER,
            key: pk.clone().into(),
        },
    );
    assert_eq!(nonce._1, T0 / 3_600);
    let options = w.options_for(Architecture::Hopper, 5, client, MINER, Some(&pk));
    assert_eq!(nonce._0, B256::from(options.nonce));

    let quote = w.quote_for(Architecture::Hopper, 5, client, MINER, Some(&pk));
    let id = w.ok(
        MINER,
        client,
        &AimineClient::startSessionWithKeyCall {
            miner: MINER,
            quote: quote.into(),
            key: pk.clone().into(),
        },
    );
    let s = w.view(client, &AimineClient::getSessionCall { id });
    assert_eq!(
        (s.owner, s.miner, s.tier, s.computeUnits, s.active),
        (client, MINER, 3, 1_000, true)
    );
    assert_eq!(s.keyHash, B256::from(<[u8; 32]>::from(Sha256::digest(&pk))));
    assert_eq!(
        w.view(client, &AimineClient::activeSessionCall { gpuId: s.gpuId }),
        id
    );

    // Signed heartbeats: the counter is the number of heartbeats so far.
    w.advance(600);
    let good = sign65(&sk, &heartbeat_message(CHAIN, &id.0, 0));
    let bad = sign65(&sk, &heartbeat_message(CHAIN, &id.0, 1));
    let r = w.send(
        MINER,
        client,
        &AimineClient::heartbeatSignedCall {
            id,
            key: pk.clone().into(),
            signature: bad,
        },
    );
    assert_reverts::<IAIMining::BadSignature>(&r);
    // The key travels in the call data and must hash to the session's key hash: a key one byte
    // short reverts by name before any signature check.
    let r = w.send(
        MINER,
        client,
        &AimineClient::heartbeatSignedCall {
            id,
            key: pk[..pk.len() - 1].to_vec().into(),
            signature: good.clone(),
        },
    );
    assert_reverts::<IAIMining::BadSessionKey>(&r);
    let reward = w.ok(
        MINER,
        client,
        &AimineClient::heartbeatSignedCall {
            id,
            key: pk.clone().into(),
            signature: good,
        },
    );
    assert_eq!(reward, expected_reward(600, 1_000, TrustTier::Confidential));

    // A model, registered by the contract, with its name and metadata in the log.
    let model_hash = keccak256(b"llama-3-8b weights");
    let r = w.send(
        MINER,
        client,
        &AimineClient::registerCall {
            name: "llama-3-8b".into(),
            modelHash: model_hash,
            metadata: b"{\"license\":\"llama3\"}".to_vec().into(),
        },
    );
    assert!(r.ok(), "{:?}", r.result);
    let model_id = AimineClient::registerCall::abi_decode_returns(&r.output()).unwrap();
    let registered: IModelRegistry::ModelRegistered = event(&r, MODEL_REGISTRY);
    assert_eq!(
        (
            registered.modelId,
            registered.owner,
            registered.name.as_str()
        ),
        (model_id, client, "llama-3-8b")
    );
    assert_eq!(registered.metadata.as_ref(), b"{\"license\":\"llama3\"}");
    assert_eq!(
        registered.metadataHash,
        keccak256(b"{\"license\":\"llama3\"}")
    );
    let m = w.view(client, &AimineClient::getModelCall { modelId: model_id });
    assert_eq!(
        (m.owner, m.modelHash, m.minTier, m.active),
        (client, model_hash, 3, true)
    );
    let again = w.send(
        MINER,
        client,
        &AimineClient::registerCall {
            name: "llama-3-8b".into(),
            modelHash: model_hash,
            metadata: Bytes::new(),
        },
    );
    assert_reverts::<IModelRegistry::ModelExists>(&again);

    // An execution receipt signed by the session key.
    let (input, output) = (keccak256(b"prompt"), keccak256(b"answer"));
    let message = w.view(
        client,
        &AimineClient::executionMessageCall {
            modelId: model_id,
            input,
            output,
            sessionId: id,
        },
    );
    assert_eq!(
        message.as_ref(),
        aimine_registry::execution_message(CHAIN, &model_id.0, &input.0, &output.0, &id.0)
            .as_slice()
    );
    let signature = sign65(&sk, &message);
    let proof = w.view(
        client,
        &AimineClient::encodeProofCall {
            sessionId: id,
            key: pk.clone().into(),
            signature: signature.clone(),
        },
    );
    assert_eq!(
        proof.as_ref(),
        (id, Bytes::from(pk.clone()), signature.clone())
            .abi_encode_params()
            .as_slice()
    );
    assert_eq!(
        proof.as_ref(),
        aimine_registry::encode_proof(&id.0, &pk, &signature).as_slice()
    );
    assert!(w.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output,
            proof: proof.clone()
        }
    ));
    assert!(!w.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output: keccak256(b"other"),
            proof: proof.clone()
        }
    ));
    let receipt = w.ok(
        MINER,
        client,
        &AimineClient::recordExecutionCall {
            modelId: model_id,
            input,
            output,
            proof: proof.clone(),
        },
    );
    assert_eq!(
        w.view(
            client,
            &AimineClient::receiptSessionCall { receiptId: receipt }
        ),
        id
    );
    let r = w.send(
        MINER,
        client,
        &AimineClient::recordExecutionCall {
            modelId: model_id,
            input,
            output,
            proof: proof.clone(),
        },
    );
    assert_reverts::<IModelRegistry::DuplicateExecution>(&r);

    // Model owner controls: minimum tier, transfer, deactivation.
    w.ok(
        MINER,
        client,
        &AimineClient::setMinTierCall {
            modelId: model_id,
            minTier: 4,
        },
    );
    assert!(!w.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output,
            proof: proof.clone()
        }
    ));
    let r = w.send(
        MINER,
        client,
        &AimineClient::setMinTierCall {
            modelId: model_id,
            minTier: 5,
        },
    );
    assert_reverts::<IModelRegistry::BadParam>(&r);
    w.ok(
        MINER,
        client,
        &AimineClient::setMinTierCall {
            modelId: model_id,
            minTier: 3,
        },
    );
    w.ok(
        MINER,
        client,
        &AimineClient::transferModelCall {
            modelId: model_id,
            newOwner: OTHER,
        },
    );
    let r = w.send(
        MINER,
        client,
        &AimineClient::deactivateCall { modelId: model_id },
    );
    assert_reverts::<IModelRegistry::NotModelOwner>(&r);
    w.ok(
        OTHER,
        MODEL_REGISTRY,
        &IModelRegistry::deactivateCall { modelId: model_id },
    );
    assert!(!w.view(
        client,
        &AimineClient::verifyExecutionCall {
            modelId: model_id,
            input,
            output,
            proof
        }
    ));

    // Only the owner (the contract) may end the session; afterwards heartbeats are refused.
    let r = w.send(
        OTHER,
        AI_MINING,
        &IAIMining::endSessionCall { sessionId: id },
    );
    assert_reverts::<IAIMining::NotSessionOwner>(&r);
    w.ok(MINER, client, &AimineClient::endSessionCall { id });
    let r = w.send(MINER, client, &AimineClient::heartbeatCall { id });
    assert_reverts::<IAIMining::SessionNotActive>(&r);
    let r = w.send(
        MINER,
        client,
        &AimineClient::getSessionCall {
            id: B256::repeat_byte(9),
        },
    );
    assert_reverts::<IAIMining::UnknownSession>(&r);
}

#[test]
fn public_tier_stakes_earn_a_quarter_and_claims_come_from_the_pool() {
    let mut w = World::new(11);
    let client = w.client(MINER);
    w.net.fund(client, U256::from(10 * ETHER));

    let r = w.send_value(
        MINER,
        client,
        &AimineClient::stakeCall {},
        U256::from(ETHER / 2),
    );
    assert!(r.ok());
    let r = w.send(
        MINER,
        client,
        &AimineClient::startPublicSessionCall {
            miner: MINER,
            key: Bytes::new(),
        },
    );
    assert_reverts::<IAIMining::InsufficientStake>(&r);
    let r = w.send(MINER, client, &AimineClient::stakeCall {}); // no value
    assert_reverts::<IAIMining::BadParam>(&r);
    let r = w.send_value(
        MINER,
        client,
        &AimineClient::stakeCall {},
        U256::from(ETHER + ETHER / 2),
    );
    assert_eq!(
        AimineClient::stakeCall::abi_decode_returns(&r.output()).unwrap(),
        U256::from(2 * ETHER)
    );
    let stake = w.view(client, &AimineClient::stakeOfCall { staker: client });
    assert_eq!((stake._0, stake._1), (U256::from(2 * ETHER), 0));
    assert_eq!(w.net.balance(AI_MINING), U256::from(2 * ETHER));
    assert_eq!(w.view(client, &AimineClient::rewardPoolCall {}), U256::ZERO);

    let id = w.ok(
        MINER,
        client,
        &AimineClient::startPublicSessionCall {
            miner: MINER,
            key: Bytes::new(),
        },
    );
    w.advance(3_600);
    let reward = w.ok(MINER, client, &AimineClient::heartbeatCall { id });
    assert_eq!(reward, expected_reward(3_600, 10, TrustTier::Public));

    // The pool is empty (the balance is all stake): the claim reverts with the amounts.
    let r = w.send(MINER, AI_MINING, &IAIMining::claimCall { to: OTHER });
    assert_reverts::<IAIMining::RewardPoolShort>(&r);
    let short =
        <IAIMining::RewardPoolShort as alloy_sol_types::SolError>::abi_decode(&r.output()).unwrap();
    assert_eq!((short.available, short.required), (U256::ZERO, reward));

    // Fund the pool; the miner claims to another account.
    w.net.fund(AI_MINING, U256::from(12 * ETHER));
    assert_eq!(
        w.view(client, &AimineClient::rewardPoolCall {}),
        U256::from(10 * ETHER)
    );
    let before = w.net.balance(OTHER);
    let r = w.send(MINER, AI_MINING, &IAIMining::claimCall { to: OTHER });
    assert!(r.ok(), "{:?}", r.result);
    assert_eq!(w.net.balance(OTHER) - before, reward);
    assert_eq!(w.mining_balance(MINER), U256::ZERO);
    let claimed = IAIMining::Claimed::decode_log_data(&r.result.logs()[0].data).unwrap();
    assert_eq!(
        (claimed.miner, claimed.to, claimed.amount),
        (MINER, OTHER, reward)
    );
    let r = w.send(MINER, AI_MINING, &IAIMining::claimCall { to: OTHER });
    assert_reverts::<IAIMining::NothingToClaim>(&r);

    // Unstaking: the session stops earning; the stake returns after the cooldown.
    let unlock = w.ok(MINER, client, &AimineClient::requestUnstakeCall {});
    assert_eq!(unlock, w.net.time().as_secs() + 7 * 86_400);
    assert_eq!(
        w.ok(MINER, client, &AimineClient::heartbeatCall { id }),
        U256::ZERO
    );
    assert!(!w.view(client, &AimineClient::getSessionCall { id }).active);
    let r = w.send(
        MINER,
        client,
        &AimineClient::withdrawStakeCall { to: client },
    );
    assert_reverts::<IAIMining::StakeLocked>(&r);
    w.advance(7 * 86_400);
    let before = w.net.balance(client);
    assert_eq!(
        w.ok(
            MINER,
            client,
            &AimineClient::withdrawStakeCall { to: client }
        ),
        U256::from(2 * ETHER)
    );
    assert_eq!(w.net.balance(client) - before, U256::from(2 * ETHER));
    assert_eq!(
        w.view(client, &AimineClient::rewardPoolCall {}),
        w.net.balance(AI_MINING)
    );
}

#[test]
fn lux_style_helpers_match_their_definitions() {
    let mut w = World::new(12);
    let client = w.client(MINER);
    let message = b"lux work".to_vec();
    let (pk44, sk44) = ml_dsa_44::KG::keygen_from_seed(&[1; 32]);
    let (pk65, sk65) = ml_dsa_65::KG::keygen_from_seed(&[2; 32]);
    let (pk87, sk87) = ml_dsa_87::KG::keygen_from_seed(&[3; 32]);
    let cases: [(Vec<u8>, Vec<u8>, u8); 3] = [
        (
            pk44.into_bytes().to_vec(),
            sk44.try_sign_with_seed(&[0; 32], &message, &[])
                .unwrap()
                .to_vec(),
            2,
        ),
        (
            pk65.into_bytes().to_vec(),
            sk65.try_sign_with_seed(&[0; 32], &message, &[])
                .unwrap()
                .to_vec(),
            3,
        ),
        (
            pk87.into_bytes().to_vec(),
            sk87.try_sign_with_seed(&[0; 32], &message, &[])
                .unwrap()
                .to_vec(),
            5,
        ),
    ];
    for (pk, sig, level) in cases {
        assert!(w.view(
            client,
            &AimineClient::verifyMLDSACall {
                key: pk.clone().into(),
                message: message.clone().into(),
                signature: sig.clone().into()
            }
        ));
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert!(!w.view(
            client,
            &AimineClient::verifyMLDSACall {
                key: pk.clone().into(),
                message: message.clone().into(),
                signature: bad.into()
            }
        ));
        assert_eq!(
            w.view(
                client,
                &AimineClient::getSecurityLevelCall { key: pk.into() }
            ),
            level
        );
    }
    let r = w
        .net
        .view(
            MINER,
            client,
            AimineClient::getSecurityLevelCall {
                key: vec![0; 100].into(),
            }
            .abi_encode(),
        )
        .unwrap();
    assert_reverts::<IAIMining::BadPublicKeyLength>(&r);

    // The contract itself checks the id against keccak256(abi.encodePacked(...)).
    let (device, nonce) = (B256::repeat_byte(1), B256::repeat_byte(2));
    let id = w.view(
        client,
        &AimineClient::computeWorkIdCall {
            deviceId: device,
            nonce,
            chainId: CHAIN,
        },
    );
    assert_eq!(id.0, lux::compute_work_id(&device.0, &nonce.0, CHAIN));

    let mut proof = vec![0u8; lux::WORK_PROOF_HEADER_LEN];
    proof[72..74].copy_from_slice(&4u16.to_be_bytes()); // Sovereign
    proof[74..78].copy_from_slice(&90u32.to_be_bytes()); // 90 minutes
    let reward = w.view(
        client,
        &AimineClient::calculateRewardCall {
            proof: proof.clone().into(),
            chainId: CHAIN,
        },
    );
    assert_eq!(
        reward,
        U256::from(lux::calculate_reward(&proof, CHAIN).unwrap())
    );
    assert_eq!(reward, U256::from(135u128 * ETHER)); // 90 × 1.5 tokens
    let r = w
        .net
        .view(
            MINER,
            client,
            AimineClient::calculateRewardCall {
                proof: proof[..77].to_vec().into(),
                chainId: CHAIN,
            }
            .abi_encode(),
        )
        .unwrap();
    assert_reverts::<IAIMining::BadWorkProof>(&r);

    // Spending needs the admin's permission, once per id.
    let r = w.send(MINER, client, &AimineClient::markSpentCall { workId: id });
    assert_reverts::<IAIMining::NotSpender>(&r);
    w.ok(
        ADMIN,
        AI_MINING,
        &IAIMining::setSpenderCall {
            spender: client,
            allowed: true,
        },
    );
    assert!(!w.view(client, &AimineClient::isSpentCall { workId: id }));
    w.ok(MINER, client, &AimineClient::markSpentCall { workId: id });
    assert!(w.view(client, &AimineClient::isSpentCall { workId: id }));
    let r = w.send(MINER, client, &AimineClient::markSpentCall { workId: id });
    assert_reverts::<IAIMining::AlreadySpent>(&r);
}

#[test]
fn governance_is_the_admins_and_its_state_is_readable_storage() {
    let mut w = World::new(13);
    let client = w.client(MINER);
    let r = w.send(
        MINER,
        client,
        &AimineClient::setParamCall {
            p: 1,
            value: U256::from(2),
        },
    );
    assert_reverts::<IAIMining::NotAdmin>(&r);

    let r = w.send(
        ADMIN,
        AI_MINING,
        &IAIMining::setParamCall {
            param: 1,
            value: U256::from(2_000_000_000u64),
        },
    );
    assert!(r.ok());
    let changed = IAIMining::ParamChanged::decode_log_data(&r.result.logs()[0].data).unwrap();
    assert_eq!(
        (changed.param, changed.value),
        (1, U256::from(2_000_000_000u64))
    );
    assert_eq!(
        w.view(client, &AimineClient::paramCall { p: 1 }),
        U256::from(2_000_000_000u64)
    );
    // eth_getStorageAt(0x0300, 52): the registry's documented layout, the base rate in bits
    // 128–187 of the policy word (its own slot 1 stays zero).
    let policy = w
        .net
        .storage(AI_MINING, U256::from(aimine_registry::keys::POLICY));
    assert_eq!(
        (policy >> 128usize) & ((U256::from(1u8) << 60usize) - U256::from(1u8)),
        U256::from(2_000_000_000u64)
    );
    assert_eq!(w.net.storage(AI_MINING, U256::from(1)), U256::ZERO);
    let r = w.send(
        ADMIN,
        AI_MINING,
        &IAIMining::setParamCall {
            param: 99,
            value: U256::ZERO,
        },
    );
    assert_reverts::<IAIMining::BadParam>(&r);
    let r = w.send(
        ADMIN,
        AI_MINING,
        &IAIMining::setParamCall {
            param: 2,
            value: U256::ZERO,
        },
    );
    assert_reverts::<IAIMining::BadParam>(&r);

    // Hand governance to the contract, which then runs it.
    assert_eq!(w.view(client, &AimineClient::adminCall {}), ADMIN);
    w.ok(
        ADMIN,
        AI_MINING,
        &IAIMining::proposeAdminCall { newAdmin: client },
    );
    assert_eq!(w.view(AI_MINING, &IAIMining::pendingAdminCall {}), client);
    // Proposed, not yet in charge: the admin still governs until the contract accepts.
    assert_eq!(w.view(client, &AimineClient::adminCall {}), ADMIN);
    let r = w.send(OTHER, AI_MINING, &IAIMining::acceptAdminCall {});
    assert_reverts::<IAIMining::NotAdmin>(&r);
    w.ok(MINER, client, &AimineClient::acceptAdminCall {});
    assert_eq!(w.view(client, &AimineClient::adminCall {}), client);
    assert_eq!(
        w.view(AI_MINING, &IAIMining::pendingAdminCall {}),
        revm::primitives::Address::ZERO
    );
    let before = w.view(client, &AimineClient::anchorsCall {});
    assert_eq!(before.len(), 2); // NVIDIA's Device Identity CA and the dev root
    let extra = aimine_nvtrust::testkit::TestPki::new([77; 32]);
    let key: Bytes = extra.anchor().public_key.to_vec().into();
    w.ok(
        MINER,
        client,
        &AimineClient::addAnchorCall { key: key.clone() },
    );
    assert_eq!(w.view(client, &AimineClient::anchorsCall {}).len(), 3);
    w.ok(MINER, client, &AimineClient::removeAnchorCall { key });
    assert_eq!(w.view(client, &AimineClient::anchorsCall {}), before);

    // Revoking a GPU ends its session at the next heartbeat.
    let quote = w.quote(Architecture::Blackwell, 9, MINER, None);
    let id = w.ok(
        MINER,
        AI_MINING,
        &IAIMining::startSessionCall {
            miner: MINER,
            teeQuote: quote.into(),
        },
    );
    let gpu = w
        .view(AI_MINING, &IAIMining::getSessionCall { sessionId: id })
        .gpuId;
    w.ok(
        MINER,
        client,
        &AimineClient::setRevokedCall {
            gpuId: gpu,
            revoked: true,
        },
    );
    assert!(w.view(client, &AimineClient::isRevokedCall { gpuId: gpu }));
    w.advance(60);
    assert_eq!(
        w.ok(
            MINER,
            AI_MINING,
            &IAIMining::heartbeatCall { sessionId: id }
        ),
        U256::ZERO
    );
    assert!(
        !w.view(AI_MINING, &IAIMining::getSessionCall { sessionId: id })
            .active
    );

    // Golden sets and compute-unit overrides.
    let digests: Vec<u8> = [[1u8; 48], [2u8; 48]].concat();
    w.ok(
        MINER,
        client,
        &AimineClient::setGoldenSetCall {
            driver: "550.90.07".into(),
            vbios: "96.00.9F.00.01".into(),
            indices: vec![0, 1],
            digests: digests.clone().into(),
        },
    );
    let r = w.send(
        MINER,
        client,
        &AimineClient::setGoldenSetCall {
            driver: "550.90.07".into(),
            vbios: "96.00.9F.00.01".into(),
            indices: vec![0],
            digests: digests.into(),
        },
    );
    assert_reverts::<IAIMining::BadParam>(&r);
    let r = w.send(
        MINER,
        client,
        &AimineClient::setComputeUnitsCall {
            chip: "GH100".into(),
            project: "G520-0200".into(),
            units: 1_200,
        },
    );
    assert!(r.ok());
    let log = IAIMining::ComputeUnitsChanged::decode_log_data(&r.result.logs()[0].data).unwrap();
    assert_eq!(log.computeUnits, 1_200);
}
