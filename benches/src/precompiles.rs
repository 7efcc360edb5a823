//! The precompiles' functions as benchmark cases: a devnet in a realistic state (sessions
//! mining, a model registered, stakes held) and one call per case, run through the same code a
//! node runs (`aimine_evm::run` over revm's journal) and undone after each run, so every
//! iteration sees the same state with every storage slot cold.

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::{IAIMining as M, IModelRegistry as R, INVTrust as N};
use aimine_evm::address::{AI_MINING, MODEL_REGISTRY, NV_TRUST};
use aimine_evm::devnet::Devnet;
use aimine_evm::{ChainConfig, Outcome, Scheme, Status};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use aimine_registry::keys;
use aimine_registry::{heartbeat_message, key_hash, session_nonce};
use alloy_sol_types::{SolCall, SolValue};
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_65, ml_dsa_87};
use revm::primitives::{Address, B256, Bytes, U256, address};
use sha2::Digest;

/// The chain id of the bench chain.
pub const CHAIN: u64 = 96_369;
/// A miner (EOA).
pub const MINER: Address = address!("0000000000000000000000000000000000000a11");
/// A staker whose withdrawal has unlocked.
pub const STAKER: Address = address!("0000000000000000000000000000000000005a4e");
/// A staker with an active stake.
pub const STAKER2: Address = address!("0000000000000000000000000000000000005a4f");
/// Governance.
pub const ADMIN: Address = address!("00000000000000000000000000000000000000ad");
const ETHER: u128 = 1_000_000_000_000_000_000;

/// One call to time.
#[derive(Clone, Debug)]
pub struct Case {
    /// The criterion id (and table row).
    pub id: &'static str,
    /// What the row measures.
    pub note: &'static str,
    /// `msg.sender`.
    pub caller: Address,
    /// The precompile.
    pub address: Address,
    /// Call data.
    pub input: Vec<u8>,
    /// `msg.value`.
    pub value: U256,
    /// How the precompile is reached.
    pub scheme: Scheme,
    /// The custom error (selector) the call must revert with; `None`: it must succeed.
    pub refused: Option<[u8; 4]>,
}

/// The bench chain and its cases.
pub struct PrecompileBench {
    /// The chain, in the state every case runs against.
    pub net: Devnet,
    /// The cases.
    pub cases: Vec<Case>,
}

impl PrecompileBench {
    /// Runs one case and undoes it.
    ///
    /// # Panics
    /// When the case does not end as it must: a success, or a revert with the case's custom
    /// error (a bench of another ending would measure the wrong path).
    pub fn run(&mut self, case: &Case) -> Outcome {
        let outcome = self
            .net
            .simulate(
                case.caller,
                case.address,
                &case.input,
                case.value,
                case.scheme,
            )
            .expect("database");
        let status = match case.refused {
            None => Status::Success,
            Some(_) => Status::Revert,
        };
        assert_eq!(outcome.status, status, "{}: {:?}", case.id, outcome.output);
        if let Some(error) = &case.refused {
            assert_eq!(outcome.output.get(..4), Some(&error[..]), "{}", case.id);
        }
        outcome
    }
}

fn tx<C: SolCall>(net: &mut Devnet, from: Address, to: Address, call: &C) -> C::Return {
    let r = net
        .send(from, to, call.abi_encode(), U256::ZERO)
        .expect("tx");
    assert!(r.ok(), "{}: {:?}", C::SIGNATURE, r.result);
    C::abi_decode_returns(&r.output()).expect("returns")
}

/// Marks every link of a quote's chain as verified in AI_MINING's storage, as a session with
/// that GPU would have: a real GPU's own two links as its chain digest in its device word
/// (`aimine_registry::keys`, slot 18: bytes 2..22), any other link in `LINKS`.
fn store_links(net: &mut Devnet, quote: &[u8]) {
    use revm::context_interface::ContextTr;
    let decoded = aimine_envelope::decode_gpu(quote).expect("envelope");
    let mut put = |slot: [u8; 32], value: U256| {
        net.evm
            .ctx
            .db_mut()
            .insert_account_storage(AI_MINING, U256::from_be_bytes(slot), value)
            .expect("storage");
    };
    if let Some((gpu_id, digest)) = aimine_registry::device_chain_digest(&decoded.chain) {
        let mut device_word = [0u8; 32];
        device_word[2..22].copy_from_slice(&digest);
        put(
            keys::mapping(keys::DEVICES, &gpu_id),
            U256::from_be_bytes(device_word),
        );
        return;
    }
    for pair in decoded.chain.windows(2) {
        let parent = aimine_nvtrust::Certificate::from_der(pair[1]).expect("cert");
        let link = aimine_nvtrust::link_key(pair[0], parent.public_key());
        put(keys::mapping(keys::LINKS, &link), U256::from(1));
    }
}

/// Builds the bench chain and its cases.
///
/// # Panics
/// When the setup fails (a bug in aimine, not a measurement).
pub fn precompile_bench() -> PrecompileBench {
    let at = aimine_vectors::nvidia::CAPTURED_AT; // inside the real vectors' validity
    let pki = TestPki::new([1; 32]);
    let mut config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let mut anchor = [0u8; 97];
    anchor.copy_from_slice(pki.anchor().public_key);
    config.extra_anchors.push(anchor);
    config.reward_pool = U256::from(1_000 * ETHER);
    let mut net = Devnet::new(config, at).expect("devnet");
    for who in [MINER, ADMIN, STAKER, STAKER2] {
        net.fund(who, U256::from(1_000 * ETHER));
    }
    // Stakes: one asked to withdraw a week ago (withdrawable now), one active; and MINER may
    // mark work spent.
    for who in [STAKER, STAKER2] {
        let r = net.send(
            who,
            AI_MINING,
            M::stakeCall {}.abi_encode(),
            U256::from(2 * ETHER),
        );
        assert!(r.as_ref().is_ok_and(|r| r.ok()), "stake");
    }
    tx(&mut net, STAKER, AI_MINING, &M::requestUnstakeCall {});
    tx(
        &mut net,
        ADMIN,
        AI_MINING,
        &M::setSpenderCall {
            spender: MINER,
            allowed: true,
        },
    );
    let later = net.time().saturating_add(7 * 86_400 + 60);
    net.set_time(later);
    let quote = |net: &Devnet, device: u32, key: Option<&[u8]>| {
        let epoch = net.time().as_secs() / 3_600;
        let miner = MINER.into_array();
        let nonce = session_nonce(CHAIN, &miner, &miner, epoch, &key_hash(key));
        let mut o = ForgeOptions::new(Architecture::Hopper, nonce);
        o.device = device;
        pki.forge(&o).envelope()
    };

    // Sessions: one without a key, one with an ML-DSA-65 key; a model; an hour of mining.
    let (pk65, sk65) = ml_dsa_65::KG::keygen_from_seed(&[6; 32]);
    let pk65 = pk65.into_bytes().to_vec();
    let q1 = quote(&net, 1, None);
    let s1 = tx(
        &mut net,
        MINER,
        AI_MINING,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: q1.into(),
        },
    );
    let q2 = quote(&net, 2, Some(&pk65));
    let s2 = tx(
        &mut net,
        MINER,
        AI_MINING,
        &M::startSessionWithKeyCall {
            miner: MINER,
            teeQuote: q2.into(),
            sessionKey: pk65.clone().into(),
        },
    );
    let model_id = tx(
        &mut net,
        MINER,
        MODEL_REGISTRY,
        &R::registerCall {
            name: "bench-model".into(),
            modelHash: B256::repeat_byte(3),
            metadata: vec![7; 1_024].into(),
        },
    );
    let t = net.time().saturating_add(3_600);
    net.set_time(t);
    tx(
        &mut net,
        MINER,
        AI_MINING,
        &M::heartbeatCall { sessionId: s1 },
    );
    // A hand-over under way, for the acceptAdmin case.
    tx(
        &mut net,
        ADMIN,
        AI_MINING,
        &M::proposeAdminCall { newAdmin: MINER },
    );
    let t = net.time().saturating_add(3_600);
    net.set_time(t);

    let (input_hash, output_hash) = (B256::repeat_byte(4), B256::repeat_byte(5));
    let message = aimine_registry::execution_message(
        CHAIN,
        &model_id.0,
        &input_hash.0,
        &output_hash.0,
        &s2.0,
    );
    let exec_sig = sk65
        .try_sign_with_seed(&[0; 32], &message, &[])
        .expect("sign")
        .to_vec();
    let proof: Bytes = (s2, Bytes::from(pk65.clone()), Bytes::from(exec_sig))
        .abi_encode_params()
        .into();
    let hb_sig = sk65
        .try_sign_with_seed(&[0; 32], &heartbeat_message(CHAIN, &s2.0, 0), &[])
        .expect("sign")
        .to_vec();
    let (pk87, _) = ml_dsa_87::KG::keygen_from_seed(&[8; 32]);
    let pk87 = pk87.into_bytes().to_vec();
    let golden: Vec<u8> = (0..64u8).flat_map(|i| [i; 48]).collect();

    let mut cases = Vec::new();
    let mut case = |id, note, caller, address, input: Vec<u8>, value: u128| {
        cases.push(Case {
            id,
            note,
            caller,
            address,
            input,
            value: U256::from(value),
            scheme: Scheme::Call,
            refused: None,
        });
    };
    case(
        "startSession_cold",
        "new H100 (testkit), 2 certificate links to verify",
        MINER,
        AI_MINING,
        M::startSessionCall {
            miner: MINER,
            teeQuote: quote(&net, 10, None).into(),
        }
        .abi_encode(),
        0,
    );
    case(
        "startSession_refresh",
        "same H100 and miner again: links known, session settled",
        MINER,
        AI_MINING,
        M::startSessionCall {
            miner: MINER,
            teeQuote: quote(&net, 1, None).into(),
        }
        .abi_encode(),
        0,
    );
    case(
        "startSessionWithKey_87",
        "new H100 with an ML-DSA-87 session key (its hash stored)",
        MINER,
        AI_MINING,
        M::startSessionWithKeyCall {
            miner: MINER,
            teeQuote: quote(&net, 11, Some(&pk87)).into(),
            sessionKey: pk87.clone().into(),
        }
        .abi_encode(),
        0,
    );
    case(
        "heartbeat",
        "one hour settled",
        MINER,
        AI_MINING,
        M::heartbeatCall { sessionId: s1 }.abi_encode(),
        0,
    );
    case(
        "heartbeatSigned_65",
        "ML-DSA-65 key from the call data, checked against its stored hash, and verified",
        MINER,
        AI_MINING,
        M::heartbeatSignedCall {
            sessionId: s2,
            sessionKey: pk65.clone().into(),
            signature: hb_sig.into(),
        }
        .abi_encode(),
        0,
    );
    case(
        "endSession",
        "owner ends",
        MINER,
        AI_MINING,
        M::endSessionCall { sessionId: s1 }.abi_encode(),
        0,
    );
    case(
        "claim",
        "balance paid from the pool",
        MINER,
        AI_MINING,
        M::claimCall { to: ADMIN }.abi_encode(),
        0,
    );
    case(
        "stake",
        "1 token",
        MINER,
        AI_MINING,
        M::stakeCall {}.abi_encode(),
        ETHER,
    );
    case(
        "getSession",
        "view",
        MINER,
        AI_MINING,
        M::getSessionCall { sessionId: s2 }.abi_encode(),
        0,
    );
    case(
        "setGoldenSet_64",
        "64 entries",
        ADMIN,
        AI_MINING,
        M::setGoldenSetCall {
            driverVersion: "550.90.07".into(),
            vbiosVersion: "96.00.9F.00.01".into(),
            indices: (0..64).collect(),
            digests: golden.into(),
        }
        .abi_encode(),
        0,
    );
    for (id, level) in [
        ("verifyMLDSA_44", aimine_mldsa::Level::MlDsa44),
        ("verifyMLDSA_65", aimine_mldsa::Level::MlDsa65),
        ("verifyMLDSA_87", aimine_mldsa::Level::MlDsa87),
    ] {
        let f = crate::mldsa_fixture(level);
        case(
            id,
            "32-byte message",
            MINER,
            AI_MINING,
            M::verifyMLDSACall {
                publicKey: f.public_key.into(),
                message: f.message.into(),
                signature: f.signature.into(),
            }
            .abi_encode(),
            0,
        );
    }
    {
        let (pk, sk) = ml_dsa_87::KG::keygen_from_seed(&[9; 32]);
        let message = vec![0x5A; 4_096];
        let sig = sk
            .try_sign_with_seed(&[0; 32], &message, &[])
            .expect("sign")
            .to_vec();
        case(
            "verifyMLDSA_87_4KiB",
            "4 KiB message",
            MINER,
            AI_MINING,
            M::verifyMLDSACall {
                publicKey: pk.into_bytes().to_vec().into(),
                message: message.into(),
                signature: sig.into(),
            }
            .abi_encode(),
            0,
        );
    }
    case(
        "computeWorkId",
        "pure",
        MINER,
        AI_MINING,
        M::computeWorkIdCall {
            deviceId: B256::repeat_byte(1),
            nonce: B256::repeat_byte(2),
            chainId: CHAIN,
        }
        .abi_encode(),
        0,
    );
    case(
        "register_1KiB",
        "model with 1 KiB metadata",
        MINER,
        MODEL_REGISTRY,
        R::registerCall {
            name: "another-model".into(),
            modelHash: B256::repeat_byte(9),
            metadata: vec![1; 1_024].into(),
        }
        .abi_encode(),
        0,
    );
    case(
        "verifyExecution_65",
        "ML-DSA-65 receipt",
        MINER,
        MODEL_REGISTRY,
        R::verifyExecutionCall {
            modelId: model_id,
            inputHash: input_hash,
            outputHash: output_hash,
            proof: proof.clone(),
        }
        .abi_encode(),
        0,
    );
    case(
        "recordExecution_65",
        "verified and stored",
        MINER,
        MODEL_REGISTRY,
        R::recordExecutionCall {
            modelId: model_id,
            inputHash: input_hash,
            outputHash: output_hash,
            proof,
        }
        .abi_encode(),
        0,
    );
    // The remaining functions, so the table has every one.
    let gpu1 = net
        .view(
            MINER,
            AI_MINING,
            M::getSessionCall { sessionId: s1 }.abi_encode(),
        )
        .ok()
        .and_then(|r| M::getSessionCall::abi_decode_returns(&r.output()).ok())
        .map(|s| s.gpuId)
        .unwrap_or_default();
    let mut proof78 = vec![0u8; aimine_registry::lux::WORK_PROOF_HEADER_LEN];
    proof78[72..74].copy_from_slice(&3u16.to_be_bytes());
    proof78[74..78].copy_from_slice(&60u32.to_be_bytes());
    let other_root = TestPki::new([2; 32]);
    let new_anchor = other_root.anchor().public_key.to_vec();
    let m = AI_MINING;
    let r = MODEL_REGISTRY;
    let more: Vec<(&'static str, &'static str, Address, Address, Vec<u8>)> = vec![
        (
            "startPublicSession",
            "staked consumer GPU",
            STAKER2,
            m,
            M::startPublicSessionCall {
                miner: STAKER2,
                sessionKey: Bytes::new(),
            }
            .abi_encode(),
        ),
        (
            "requestUnstake",
            "starts the cooldown",
            STAKER2,
            m,
            M::requestUnstakeCall {}.abi_encode(),
        ),
        (
            "withdrawStake",
            "2 tokens after the cooldown",
            STAKER,
            m,
            M::withdrawStakeCall { to: STAKER }.abi_encode(),
        ),
        (
            "stakeOf",
            "view",
            MINER,
            m,
            M::stakeOfCall { staker: STAKER2 }.abi_encode(),
        ),
        (
            "miningBalance",
            "view",
            MINER,
            m,
            M::miningBalanceCall { miner: MINER }.abi_encode(),
        ),
        (
            "rewardPool",
            "balance less stakes",
            MINER,
            m,
            M::rewardPoolCall {}.abi_encode(),
        ),
        (
            "activeSession",
            "view",
            MINER,
            m,
            M::activeSessionCall { gpuId: gpu1 }.abi_encode(),
        ),
        (
            "sessionNonce_65",
            "with an ML-DSA-65 key hashed",
            MINER,
            m,
            M::sessionNonceCall {
                miner: MINER,
                sessionKey: pk65.clone().into(),
            }
            .abi_encode(),
        ),
        (
            "sessionNonceFor",
            "a mining contract's nonce",
            MINER,
            m,
            M::sessionNonceForCall {
                submitter: ADMIN,
                miner: MINER,
                sessionKey: Bytes::new(),
            }
            .abi_encode(),
        ),
        ("admin", "view", MINER, m, M::adminCall {}.abi_encode()),
        (
            "param",
            "view",
            MINER,
            m,
            M::paramCall { param: 1 }.abi_encode(),
        ),
        (
            "setParam",
            "base rate",
            ADMIN,
            m,
            M::setParamCall {
                param: 1,
                value: U256::from(2_000_000_000u64),
            }
            .abi_encode(),
        ),
        (
            "proposeAdmin",
            "hand over, step 1",
            ADMIN,
            m,
            M::proposeAdminCall { newAdmin: MINER }.abi_encode(),
        ),
        (
            "acceptAdmin",
            "hand over, step 2 (proposed in the set-up)",
            MINER,
            m,
            M::acceptAdminCall {}.abi_encode(),
        ),
        (
            "pendingAdmin",
            "view",
            MINER,
            m,
            M::pendingAdminCall {}.abi_encode(),
        ),
        (
            "addAnchor",
            "a third root",
            ADMIN,
            m,
            M::addAnchorCall {
                publicKey: new_anchor.into(),
            }
            .abi_encode(),
        ),
        (
            "removeAnchor",
            "the dev root",
            ADMIN,
            m,
            M::removeAnchorCall {
                publicKey: pki.anchor().public_key.to_vec().into(),
            }
            .abi_encode(),
        ),
        (
            "anchors",
            "two roots",
            MINER,
            m,
            M::anchorsCall {}.abi_encode(),
        ),
        (
            "setRevoked",
            "revoke a GPU",
            ADMIN,
            m,
            M::setRevokedCall {
                gpuId: gpu1,
                revoked: true,
            }
            .abi_encode(),
        ),
        (
            "isRevoked",
            "view",
            MINER,
            m,
            M::isRevokedCall { gpuId: gpu1 }.abi_encode(),
        ),
        (
            "setComputeUnits",
            "one SKU",
            ADMIN,
            m,
            M::setComputeUnitsCall {
                chipSku: "GH100".into(),
                projectSku: "G520-0200".into(),
                units: 1_200,
            }
            .abi_encode(),
        ),
        (
            "setSpender",
            "allow a caller",
            ADMIN,
            m,
            M::setSpenderCall {
                spender: ADMIN,
                allowed: true,
            }
            .abi_encode(),
        ),
        (
            "getSecurityLevel",
            "ML-DSA-65 key",
            MINER,
            m,
            M::getSecurityLevelCall {
                publicKey: pk65.clone().into(),
            }
            .abi_encode(),
        ),
        (
            "calculateReward",
            "78-byte work proof",
            MINER,
            m,
            M::calculateRewardCall {
                workProof: proof78.into(),
                chainId: CHAIN,
            }
            .abi_encode(),
        ),
        (
            "isSpent",
            "view",
            MINER,
            m,
            M::isSpentCall {
                workId: B256::repeat_byte(7),
            }
            .abi_encode(),
        ),
        (
            "markSpent",
            "by an allowed spender",
            MINER,
            m,
            M::markSpentCall {
                workId: B256::repeat_byte(7),
            }
            .abi_encode(),
        ),
        (
            "getModel",
            "view",
            MINER,
            r,
            R::getModelCall { modelId: model_id }.abi_encode(),
        ),
        (
            "receiptSession",
            "view",
            MINER,
            r,
            R::receiptSessionCall {
                receiptId: B256::repeat_byte(8),
            }
            .abi_encode(),
        ),
        (
            "deactivate",
            "owner",
            MINER,
            r,
            R::deactivateCall { modelId: model_id }.abi_encode(),
        ),
        (
            "transferModel",
            "owner",
            MINER,
            r,
            R::transferModelCall {
                modelId: model_id,
                newOwner: ADMIN,
            }
            .abi_encode(),
        ),
        (
            "setMinTier",
            "owner",
            MINER,
            r,
            R::setMinTierCall {
                modelId: model_id,
                minTier: 4,
            }
            .abi_encode(),
        ),
        (
            "executionMessage",
            "pure",
            MINER,
            r,
            R::executionMessageCall {
                modelId: model_id,
                inputHash: input_hash,
                outputHash: output_hash,
                sessionId: s2,
            }
            .abi_encode(),
        ),
    ];
    for (id, note, caller, address, input) in more {
        case(id, note, caller, address, input, 0);
    }
    let kit = aimine_tee::testkit::SevKit::milan();
    let (kit_ark, kit_ask) = kit.chain();
    case(
        "setAmdRoot",
        "a 2048-bit test ARK/ASK pair, the ASK checked under the ARK",
        ADMIN,
        AI_MINING,
        M::setAmdRootCall {
            index: U256::from(1),
            product: 0,
            ark: Bytes::copy_from_slice(kit_ark),
            ask: Bytes::copy_from_slice(kit_ask),
        }
        .abi_encode(),
        0,
    );
    case(
        "setIntelRoot",
        "trust a test Intel root beside the pinned one",
        ADMIN,
        AI_MINING,
        M::setIntelRootCall {
            root: Bytes::copy_from_slice(aimine_tee::testkit::intel::IntelKit::new().root()),
        }
        .abi_encode(),
        0,
    );
    case(
        "setAdvisoryBanned",
        "ban one Intel advisory id",
        ADMIN,
        AI_MINING,
        M::setAdvisoryBannedCall {
            advisoryId: "INTEL-SA-00615".into(),
            banned: true,
        }
        .abi_encode(),
        0,
    );
    case(
        "sessionGpus",
        "view: a GPU session's (empty) list",
        MINER,
        AI_MINING,
        M::sessionGpusCall { sessionId: s1 }.abi_encode(),
        0,
    );
    cases.extend(refused_cases());
    PrecompileBench { net, cases }
}

/// NV_TRUST on real NVIDIA evidence, on a chain configured as a real one: NVIDIA's Device Identity
/// CA is its only trust anchor (the other bench chains also trust a test root for their forged
/// quotes, which every GPU quote would read). When the vectors are absent, forged quotes under a
/// test root stand in, and that root is trusted.
///
/// # Panics
/// When the setup fails (a bug in aimine, not a measurement).
pub fn nvidia_bench() -> PrecompileBench {
    let at = aimine_vectors::nvidia::CAPTURED_AT; // inside the real vectors' validity
    let pki = TestPki::new([1; 32]);
    let real = |set| aimine_vectors::quotes::real_gpu(set).map(|(q, _)| q);
    let (cold, warm) = (
        real(&aimine_vectors::nvidia::HOPPER_580),
        real(&aimine_vectors::nvidia::HOPPER_550),
    );
    let mut config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let forged = cold.is_none() || warm.is_none();
    if forged {
        let mut anchor = [0u8; 97];
        anchor.copy_from_slice(pki.anchor().public_key);
        config.extra_anchors.push(anchor);
    }
    let mut net = Devnet::new(config, at).expect("devnet");
    net.fund(MINER, U256::from(1_000 * ETHER));
    let forge = |device: u32| {
        let mut o = ForgeOptions::new(Architecture::Hopper, [9; 32]);
        o.device = device;
        pki.forge(&o).envelope()
    };
    // A real H100 whose links no session has verified (cold), and another whose links an earlier
    // session left in state (warm).
    let cold = cold.unwrap_or_else(|| forge(12));
    let warm = warm.unwrap_or_else(|| forge(13));
    let mut cases = Vec::new();
    let mut case = |id: &'static str, note: &'static str, input: Vec<u8>| {
        cases.push(Case {
            id,
            note,
            caller: MINER,
            address: NV_TRUST,
            input,
            value: U256::ZERO,
            scheme: Scheme::Call,
            refused: None,
        });
    };
    case(
        "verifyQuote_cold",
        "real H100 quote (hopper-580), 2 links to verify",
        N::verifyQuoteCall {
            teeQuote: cold.clone().into(),
        }
        .abi_encode(),
    );
    case(
        "parseQuote_cold",
        "the same, parsed",
        N::parseQuoteCall {
            teeQuote: cold.clone().into(),
        }
        .abi_encode(),
    );
    let cold_nonce = B256::from(
        *aimine_nvtrust::Evidence::parse(
            aimine_envelope::decode_gpu(&cold)
                .expect("envelope")
                .evidence,
        )
        .expect("evidence")
        .nonce(),
    );
    case(
        "verifyQuoteWithNonce_cold",
        "the cold quote with its nonce",
        N::verifyQuoteWithNonceCall {
            teeQuote: cold.clone().into(),
            expectedNonce: cold_nonce,
        }
        .abi_encode(),
    );
    case(
        "parseQuoteWithNonce_cold",
        "the cold quote with its nonce, parsed",
        N::parseQuoteWithNonceCall {
            teeQuote: cold.clone().into(),
            expectedNonce: cold_nonce,
        }
        .abi_encode(),
    );
    case(
        "verifyQuote_warm",
        "real H100 quote (hopper-550), links verified by an earlier session",
        N::verifyQuoteCall {
            teeQuote: warm.clone().into(),
        }
        .abi_encode(),
    );
    store_links(&mut net, &warm);
    PrecompileBench { net, cases }
}

/// The worst refused calls: 1 MiB of call data each into AI_MINING (whose floor, its cheapest
/// base price plus the input words, is the lowest per byte), refused after the most work each
/// refusal allows: before decoding (a delegated call, an unknown selector), after decoding,
/// re-encoding and comparing (non-canonical call data), and after that and the function's rules
/// (value sent to `startSession`, `startSession` under STATICCALL). Each pays the floor only.
pub fn refused_cases() -> Vec<Case> {
    use aimine_evm::abi::IAIMining::{
        DelegateCallNotAllowed, MalformedCalldata, UnknownSelector, ValueNotAccepted,
        WriteInStaticContext,
    };
    use alloy_sol_types::SolError;
    // 1,048,580 bytes: the quote's last 4 bytes are padding.
    let start = M::startSessionCall {
        miner: MINER,
        teeQuote: vec![0xAB; (1 << 20) - 100].into(),
    }
    .abi_encode();
    let mut non_canonical = start.clone();
    if let Some(last) = non_canonical.last_mut() {
        *last = 1;
    }
    let mut unknown = vec![0; 1 << 20];
    unknown[..4].copy_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]);
    let refused = |id, note, input, value: u64, scheme, error| Case {
        id,
        note,
        caller: MINER,
        address: AI_MINING,
        input,
        value: U256::from(value),
        scheme,
        refused: Some(error),
    };
    vec![
        refused(
            "refused_static_write_1MiB",
            "refused: canonical 1 MiB startSession under STATICCALL (decoded, re-encoded, compared)",
            start.clone(),
            0,
            Scheme::StaticCall,
            WriteInStaticContext::SELECTOR,
        ),
        refused(
            "refused_value_1MiB",
            "refused: canonical 1 MiB startSession with value (decoded, re-encoded, compared)",
            start.clone(),
            1,
            Scheme::Call,
            ValueNotAccepted::SELECTOR,
        ),
        refused(
            "refused_noncanonical_1MiB",
            "refused: 1 MiB startSession whose last padding byte is 1 (decoded, re-encoded, compared)",
            non_canonical,
            0,
            Scheme::Call,
            MalformedCalldata::SELECTOR,
        ),
        refused(
            "refused_delegated_1MiB",
            "refused: canonical 1 MiB startSession by DELEGATECALL",
            start,
            0,
            Scheme::Delegated,
            DelegateCallNotAllowed::SELECTOR,
        ),
        refused(
            "refused_unknown_selector_1MiB",
            "refused: 1 MiB of call data with an unknown selector",
            unknown,
            0,
            Scheme::Call,
            UnknownSelector::SELECTOR,
        ),
    ]
}

/// The CPU TEE cases, on their own chain: at the SEV test kit's time (its certificates start on
/// 2026-11-27), trusting the kit's AMD roots, with a 10-year TCB grace so that the real Intel
/// quotes (collateral of July 2025) verify as stale collateral, graded — the same DCAP work.
///
/// # Panics
/// When the setup fails (a bug in aimine, not a measurement).
pub fn cpu_bench() -> PrecompileBench {
    use aimine_tee::testkit::{KIT_TIME, ReportFields, SevKit};
    let pki = TestPki::new([1; 32]);
    let mut config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let mut anchor = [0u8; 97];
    anchor.copy_from_slice(pki.anchor().public_key);
    config.extra_anchors.push(anchor);
    config.registry.tcb_grace_seconds = 10 * 365 * 86_400;
    let mut net = Devnet::new(config, KIT_TIME).expect("devnet");
    for who in [MINER, ADMIN] {
        net.fund(who, U256::from(1_000 * ETHER));
    }
    let kit = SevKit::milan();
    let (ark, ask) = kit.chain();
    tx(
        &mut net,
        ADMIN,
        AI_MINING,
        &M::setAmdRootCall {
            index: U256::ZERO,
            product: 0,
            ark: Bytes::copy_from_slice(ark),
            ask: Bytes::copy_from_slice(ask),
        },
    );
    let nonce = session_nonce(
        CHAIN,
        &MINER.into_array(),
        &MINER.into_array(),
        KIT_TIME.as_secs() / 3_600,
        &key_hash(None),
    );
    let sev = |chip: usize, second: [u8; 32]| {
        let mut data = [0u8; 64];
        data[..32].copy_from_slice(&nonce);
        data[32..].copy_from_slice(&second);
        let fields = ReportFields {
            chip,
            report_data: data,
            ..ReportFields::default()
        };
        aimine_envelope::encode_sev_snp(&kit.report(&fields), &kit.certs_of(chip))
            .expect("envelope")
    };
    // Chip 0 mines already (its VCEK is cached); chip 1 was never seen.
    let warm = sev(0, [0; 32]);
    tx(
        &mut net,
        MINER,
        AI_MINING,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: warm.clone().into(),
        },
    );
    let cold = sev(1, [0; 32]);
    // A composite: chip 1 with two H100s (never seen) in its VM.
    let mut gpus = Vec::new();
    let mut h = sha2::Sha256::new();
    for device in [11, 12] {
        let mut o = ForgeOptions::new(Architecture::Hopper, nonce);
        o.device = device;
        let forged = pki.forge(&o);
        let env = forged.envelope();
        let id = aimine_nvtrust::Certificate::from_der(&forged.chain[1])
            .map(|c| <[u8; 32]>::from(sha2::Sha256::digest(c.spki())))
            .expect("device certificate");
        h.update(id);
        gpus.push(env);
    }
    let composite =
        aimine_envelope::encode_composite(&sev(1, h.finalize().into()), &[&gpus[0], &gpus[1]])
            .expect("composite");
    // Eight H100s that mined alone before (their certificate links are in state, their sessions
    // ended): the evidence signatures are then most of a composite quote's work.
    let mut eight = Vec::new();
    let mut h = sha2::Sha256::new();
    for device in 21..29 {
        let mut o = ForgeOptions::new(Architecture::Hopper, nonce);
        o.device = device;
        let forged = pki.forge(&o);
        let env = forged.envelope();
        let id = aimine_nvtrust::Certificate::from_der(&forged.chain[1])
            .map(|c| <[u8; 32]>::from(sha2::Sha256::digest(c.spki())))
            .expect("device certificate");
        h.update(id);
        let session = tx(
            &mut net,
            MINER,
            AI_MINING,
            &M::startSessionCall {
                miner: MINER,
                teeQuote: env.clone().into(),
            },
        );
        tx(
            &mut net,
            MINER,
            AI_MINING,
            &M::endSessionCall { sessionId: session },
        );
        eight.push(env);
    }
    let named: [u8; 32] = h.finalize().into();
    let refs: Vec<&[u8]> = eight.iter().map(Vec::as_slice).collect();
    // Chip 0's VCEK is cached (NV_TRUST does not check that it mines); chip 1 starts a session.
    let composite8_warm =
        aimine_envelope::encode_composite(&sev(0, named), &refs).expect("composite of 8");
    let composite8 =
        aimine_envelope::encode_composite(&sev(1, named), &refs).expect("composite of 8");

    let mut held: Vec<Vec<u8>> = Vec::new();
    let mut cases = Vec::new();
    let mut case = |id, note, input: Vec<u8>, address| {
        cases.push(Case {
            id,
            note,
            caller: MINER,
            address,
            input,
            value: U256::ZERO,
            scheme: Scheme::Call,
            refused: None,
        });
    };
    let start = |q: &[u8]| {
        M::startSessionCall {
            miner: MINER,
            teeQuote: q.to_vec().into(),
        }
        .abi_encode()
    };
    case(
        "startSession_sev_cold",
        "SEV-SNP guest (test kit), VCEK never seen: RSA-PSS chain + P-384 report",
        start(&cold),
        AI_MINING,
    );
    case(
        "startSession_sev_refresh",
        "SEV-SNP guest again: VCEK cached, P-384 report only, session settled",
        start(&warm),
        AI_MINING,
    );
    case(
        "startSession_composite",
        "SEV-SNP guest + 2 new H100s: VCEK, report, 2 evidence signatures, 4 links",
        start(&composite),
        AI_MINING,
    );
    case(
        "startSession_composite8",
        "SEV-SNP guest (VCEK never seen) + 8 H100s whose links are known: 8 evidence signatures, 8 GPUs bound",
        start(&composite8),
        AI_MINING,
    );
    case(
        "verifyQuote_composite8",
        "NV_TRUST: cached SEV-SNP guest + 8 H100s whose links are known: 8 evidence signatures",
        N::verifyQuoteCall {
            teeQuote: composite8_warm.into(),
        }
        .abi_encode(),
        NV_TRUST,
    );
    case(
        "verifyQuote_sev_warm",
        "NV_TRUST on the cached SEV-SNP guest",
        N::verifyQuoteCall {
            teeQuote: warm.clone().into(),
        }
        .abi_encode(),
        NV_TRUST,
    );
    // Collateral: the SGX platform's is held (set up below), the TDX one's is submitted.
    let collateral = aimine_vectors::quotes::real_intel_collateral;
    let sgx_fmspc = aimine_vectors::cputee::intel("sgx_quote")
        .and_then(|(q, _)| aimine_tee::intel::quote_fmspc(&q));
    if let (Some(tdx), Some(sgx), Some(fmspc)) =
        (collateral("tdx_quote"), collateral("sgx_quote"), sgx_fmspc)
    {
        held.push(sgx);
        case(
            "submitIntelCollateral",
            "real TDX collateral (13 KiB): chains, CRLs, signatures verified, stored",
            M::submitIntelCollateralCall {
                collateral: tdx.into(),
            }
            .abi_encode(),
            AI_MINING,
        );
        case(
            "intelCollateral",
            "view: the SGX platform's collateral held (13 KiB read)",
            M::intelCollateralCall {
                fmspc: fmspc.into(),
                tdx: false,
            }
            .abi_encode(),
            AI_MINING,
        );
    }
    if let Some((_, vcek)) = aimine_vectors::cputee::milan() {
        case(
            "submitVcek",
            "the real Milan VCEK: RSA-PSS under the pinned ASK, stored",
            M::submitVcekCall { vcek: vcek.into() }.abi_encode(),
            AI_MINING,
        );
    }
    for (name, id, note) in [
        (
            "tdx_quote",
            "parseQuote_tdx",
            "real TDX v4 quote, collateral inline (17 KiB), dcap-qvl",
        ),
        (
            "sgx_quote",
            "parseQuote_sgx",
            "real SGX v3 quote, collateral inline (16 KiB), dcap-qvl",
        ),
    ] {
        if let Some(q) = aimine_vectors::quotes::real_intel(name) {
            case(
                id,
                note,
                N::parseQuoteCall { teeQuote: q.into() }.abi_encode(),
                NV_TRUST,
            );
        }
    }
    for encoded in held {
        tx(
            &mut net,
            MINER,
            AI_MINING,
            &M::submitIntelCollateralCall {
                collateral: encoded.into(),
            },
        );
    }
    PrecompileBench { net, cases }
}
