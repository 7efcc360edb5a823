//! The two seams agree (feature `alloy-evm`): every transaction runs through revm with
//! `AiminePrecompiles` (the devnet) and through alloy-evm's `EthEvm`, built by `EthEvmFactory`
//! for each transaction (as a node builds one per block) with its `PrecompilesMap` extended by
//! `aimine_evm::alloy::extend`, from the same genesis (`install` of the same `ChainConfig`). Each
//! transaction's result — output bytes, success, revert or halt, gas used and refunded, logs —
//! and the state after it (every account's balance, nonce, code and storage, the three
//! precompile accounts' among them, and every committed log) must be identical.

use std::collections::{BTreeMap, BTreeSet};

use aimine_envelope::testkit::Enveloped;
use aimine_evm::abi::{IAIMining as M, IModelRegistry as R, INVTrust as N};
use aimine_evm::address::{AI_MINING, ALL, MODEL_REGISTRY, NV_TRUST};
use aimine_evm::devnet::{DevDb, TX_GAS_LIMIT};
use aimine_evm::gas::GasSchedule;
use aimine_evm::{ChainConfig, install};
use aimine_nvtrust::Architecture;
use aimine_vectors::evm::*;
use alloy_evm::precompiles::Precompile;
use alloy_evm::{EthEvmFactory, Evm, EvmEnv, EvmFactory};
use alloy_sol_types::{SolCall, SolValue};
use fips204::traits::{KeyGen, SerDes, Signer};
use revm::context::TxEnv;
use revm::context::result::ExecutionResult;
use revm::context_interface::cfg::gas::calculate_initial_tx_gas;
use revm::handler::ExecuteCommitEvm;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, Bytes, TxKind, U256, address};
use revm::state::{AccountInfo, Bytecode};
use revm::{DatabaseRef, context_interface::ContextTr};

/// Relays that call a precompile the way a contract would: CALL, STATICCALL, DELEGATECALL,
/// CALLCODE. Call data: scheme-independent header `[0]` unused, `[1..21]` target, `[21..29]` gas
/// for the call (big-endian), `[29..61]` value (CALL and CALLCODE), then the call data passed on.
/// Each returns the call's success word followed by what it returned.
const RELAY_CALL: Address = address!("00000000000000000000000000000000000c0001");
const RELAY_STATIC: Address = address!("00000000000000000000000000000000000c0002");
const RELAY_DELEGATE: Address = address!("00000000000000000000000000000000000c0003");
const RELAY_CALLCODE: Address = address!("00000000000000000000000000000000000c0004");

/// The relay's runtime code around the call opcode `op`.
fn relay_code(op: u8) -> Vec<u8> {
    let mut code = vec![
        0x60, 0x3d, 0x36, 0x03, // len = CALLDATASIZE - 61
        0x80, 0x60, 0x3d, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 61, len)
        0x60, 0x00, 0x60, 0x00, // retSize 0, retOffset 0
        0x82, 0x60, 0x00, // argsSize len, argsOffset 0
    ];
    if matches!(op, 0xF1 | 0xF2) {
        code.extend([0x60, 0x1d, 0x35]); // value = CALLDATALOAD(29)
    }
    code.extend([
        0x60, 0x01, 0x35, 0x60, 0x60, 0x1c, // target = CALLDATALOAD(1) >> 96
        0x60, 0x15, 0x35, 0x60, 0xc0, 0x1c, // gas = CALLDATALOAD(21) >> 192
        op,   // the call: [ok, len]
        0x60, 0x00, 0x52, // MSTORE(0, ok)
        0x3d, 0x60, 0x00, 0x60, 0x20, 0x3e, // RETURNDATACOPY(32, 0, RETURNDATASIZE)
        0x3d, 0x60, 0x20, 0x01, 0x60, 0x00, 0xf3, // RETURN(0, 32 + RETURNDATASIZE)
    ]);
    code
}

/// How a call reaches a precompile through a relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Call,
    Static,
    Delegate,
    CallCode,
}

impl Via {
    fn relay(self) -> Address {
        match self {
            Via::Call => RELAY_CALL,
            Via::Static => RELAY_STATIC,
            Via::Delegate => RELAY_DELEGATE,
            Via::CallCode => RELAY_CALLCODE,
        }
    }
}

/// One state as both seams' databases hold it: per account (balance, nonce, code hash, non-zero
/// storage), and every committed log.
type State = (
    BTreeMap<Address, (U256, u64, B256, BTreeMap<U256, U256>)>,
    Vec<revm::primitives::Log>,
);

fn state_of(db: &DevDb) -> State {
    let accounts = db
        .cache
        .accounts
        .iter()
        .filter_map(|(address, account)| {
            let storage: BTreeMap<U256, U256> = account
                .storage
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            let info = &account.info;
            let empty = info.balance.is_zero() && info.nonce == 0 && info.is_empty_code_hash();
            (!empty || !storage.is_empty()).then_some((
                *address,
                (info.balance, info.nonce, info.code_hash, storage),
            ))
        })
        .collect();
    (accounts, db.cache.logs.clone())
}

/// The same chain on both seams.
struct Pair {
    /// The revm seam: the devnet, whose EVM serves the precompiles by `AiminePrecompiles`.
    w: World,
    /// The alloy-evm seam's state between its EVMs.
    alloy: DevDb,
    /// The gas schedule the alloy seam's precompiles are built with (the chain's, unless a test
    /// breaks it on purpose).
    alloy_gas: GasSchedule,
    /// Whether the alloy seam's EVMs come from the README's factory rather than from
    /// `EthEvmFactory` with the map extended afterwards.
    readme_factory: bool,
    /// Transactions compared so far.
    compared: usize,
    /// (precompile, selector) of every call sent straight to a precompile or through a relay.
    called: BTreeSet<(Address, [u8; 4])>,
    /// Accounts funded, by address.
    funded: BTreeSet<Address>,
}

impl Pair {
    /// Both seams on the genesis of a [`World`] (`World::at(t, seed, f)`), with its funded
    /// accounts and the relays.
    fn new(t: u64, seed: u8, f: impl FnOnce(&mut ChainConfig)) -> Pair {
        let w = World::at(t, seed, f);
        let mut alloy = DevDb::default();
        install(&mut alloy, &w.net.config).unwrap();
        let mut pair = Pair {
            alloy_gas: w.net.config.gas,
            w,
            alloy,
            readme_factory: false,
            compared: 0,
            called: BTreeSet::new(),
            funded: BTreeSet::new(),
        };
        // What World funded on its devnet, funded on the alloy seam.
        for who in [ADMIN, MINER, OTHER] {
            let balance = pair.w.net.balance(who);
            pair.set_balance_alloy(who, balance);
            pair.funded.insert(who);
        }
        for (relay, op) in [
            (RELAY_CALL, 0xF1),
            (RELAY_STATIC, 0xFA),
            (RELAY_DELEGATE, 0xF4),
            (RELAY_CALLCODE, 0xF2),
        ] {
            let code = Bytecode::new_raw(Bytes::from(relay_code(op)));
            let info = AccountInfo {
                balance: U256::from(1_000 * ETHER),
                nonce: 1,
                code_hash: code.hash_slow(),
                code: Some(code),
                ..AccountInfo::default()
            };
            pair.w
                .net
                .evm
                .ctx
                .db_mut()
                .insert_account_info(relay, info.clone());
            pair.alloy.insert_account_info(relay, info);
        }
        pair.assert_same_state("genesis");
        pair
    }

    fn set_balance_alloy(&mut self, who: Address, balance: U256) {
        let mut info = self.alloy.basic_ref(who).ok().flatten().unwrap_or_default();
        info.balance = balance;
        self.alloy.insert_account_info(who, info);
    }

    /// Gives `who` a balance on both seams, once.
    fn fund(&mut self, who: Address) {
        if self.funded.insert(who) {
            self.w.net.fund(who, U256::from(1_000 * ETHER));
            self.set_balance_alloy(who, U256::from(1_000 * ETHER));
        }
    }

    fn assert_same_state(&self, what: &str) {
        let revm = state_of(self.w.net.evm.ctx.db_ref());
        let alloy = state_of(&self.alloy);
        assert!(
            revm == alloy,
            "after {what} (transaction {}): the seams' states differ\nrevm:  {revm:?}\nalloy: {alloy:?}",
            self.compared
        );
    }

    /// The alloy seam: an `EthEvm` from `EthEvmFactory` for the current block, its precompile
    /// map extended with aimine's, one transaction, committed.
    fn alloy_transact(&mut self, tx: TxEnv) -> Result<ExecutionResult, String> {
        let env = EvmEnv {
            cfg_env: self.w.net.evm.ctx.cfg.clone(),
            block_env: self.w.net.evm.ctx.block.clone(),
        };
        let db = std::mem::take(&mut self.alloy);
        let mut config = self.w.net.config.clone();
        config.gas = self.alloy_gas;
        let mut evm = if self.readme_factory {
            readme::AimineEvmFactory { aimine: config }.create_evm(db, env)
        } else {
            let mut evm = EthEvmFactory::default().create_evm(db, env.clone());
            aimine_evm::alloy::extend(evm.precompiles_mut(), &config, &env.cfg_env);
            evm
        };
        let result = evm.transact_commit(tx).map_err(|e| e.to_string());
        self.alloy = evm.into_db();
        result
    }

    /// Runs `tx` on both seams and asserts that they agree on its result and the state after.
    fn transact(&mut self, tx: TxEnv, what: &str) -> Result<ExecutionResult, String> {
        let revm = self
            .w
            .net
            .evm
            .transact_commit(tx.clone())
            .map_err(|e| e.to_string());
        let alloy = self.alloy_transact(tx);
        assert_eq!(
            revm, alloy,
            "{what} (transaction {}): the seams disagree (left revm, right alloy-evm)",
            self.compared
        );
        self.compared += 1;
        self.assert_same_state(what);
        revm
    }

    fn tx(&self, from: Address, kind: TxKind, data: Vec<u8>, value: U256, gas: u64) -> TxEnv {
        TxEnv::builder()
            .caller(from)
            .kind(kind)
            .data(Bytes::from(data))
            .value(value)
            .gas_limit(gas)
            .gas_price(0)
            .chain_id(Some(self.w.net.config.chain_id))
            .build()
            .unwrap()
    }

    fn note(&mut self, to: Address, data: &[u8]) {
        if ALL.contains(&to)
            && let Some(selector) = data.first_chunk::<4>()
        {
            self.called.insert((to, *selector));
        }
    }

    /// A transaction of raw call data with `gas` gas.
    fn send_raw(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
        gas: u64,
    ) -> Result<ExecutionResult, String> {
        self.note(to, &data);
        let tx = self.tx(from, TxKind::Call(to), data, value, gas);
        self.transact(tx, &format!("call {from} -> {to}"))
    }

    /// Sends a call (10 M gas); returns the result both seams agreed on.
    fn send<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> ExecutionResult {
        self.send_value(from, to, call, U256::ZERO)
    }

    fn send_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> ExecutionResult {
        self.send_raw(from, to, call.abi_encode(), value, TX_GAS_LIMIT)
            .unwrap_or_else(|e| panic!("{}: refused by both seams: {e}", C::SIGNATURE))
    }

    /// Sends a call that must succeed, decoded.
    fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> C::Return {
        let r = self.send(from, to, call);
        assert!(
            r.is_success(),
            "{}: {r:?} {:?}",
            C::SIGNATURE,
            r.output()
                .map(|o| <M::IAIMiningErrors as alloy_sol_types::SolInterface>::abi_decode(o))
        );
        C::abi_decode_returns(r.output().unwrap()).unwrap()
    }

    /// A call through a relay: `via` with `gas` for the inner call.
    fn relay(
        &mut self,
        via: Via,
        to: Address,
        data: &[u8],
        value: U256,
        gas: u64,
    ) -> ExecutionResult {
        let mut input = vec![0u8];
        input.extend_from_slice(to.as_slice());
        input.extend_from_slice(&gas.to_be_bytes());
        input.extend_from_slice(&value.to_be_bytes::<32>());
        input.extend_from_slice(data);
        self.note(to, data);
        let tx = self.tx(
            MINER,
            TxKind::Call(via.relay()),
            input,
            U256::ZERO,
            TX_GAS_LIMIT,
        );
        let r = self
            .transact(tx, &format!("{via:?} relay -> {to}"))
            .unwrap();
        assert!(r.is_success(), "the relay itself failed: {r:?}");
        r
    }

    /// Deploys `code` from `from` on both seams.
    fn deploy(&mut self, from: Address, code: Vec<u8>) -> Address {
        let tx = self.tx(from, TxKind::Create, code, U256::ZERO, TX_GAS_LIMIT);
        match self.transact(tx, "deployment").unwrap() {
            ExecutionResult::Success {
                output: revm::context::result::Output::Create(_, Some(address)),
                ..
            } => address,
            other => panic!("deployment failed: {other:?}"),
        }
    }

    fn advance(&mut self, seconds: u64) {
        self.w.advance(seconds);
    }
}

/// The `EvmFactory` of the README's "Embedding in a reth-based node", word for word: a node's
/// factory that extends `EthPrecompiles`' map in `create_evm`.
mod readme {
    use aimine_evm::ChainConfig;
    use alloy_evm::eth::{EthEvm, EthEvmContext};
    use alloy_evm::precompiles::PrecompilesMap;
    use alloy_evm::{Database, EvmEnv, EvmFactory};
    use revm::context::{BlockEnv, Context, TxEnv};
    use revm::context_interface::DBErrorMarker;
    use revm::context_interface::result::{EVMError, HaltReason};
    use revm::handler::EthPrecompiles;
    use revm::inspector::{Inspector, NoOpInspector};
    use revm::primitives::hardfork::SpecId;
    use revm::{MainBuilder, MainContext};

    #[derive(Clone, Debug)]
    pub struct AimineEvmFactory {
        pub aimine: ChainConfig, // the chain's aimine configuration (its gas schedule)
    }

    impl EvmFactory for AimineEvmFactory {
        type Evm<DB: Database, I: Inspector<EthEvmContext<DB>>> = EthEvm<DB, I, PrecompilesMap>;
        type Context<DB: Database> = EthEvmContext<DB>;
        type Tx = TxEnv;
        type Error<E: DBErrorMarker> = EVMError<E>;
        type HaltReason = HaltReason;
        type Spec = SpecId;
        type BlockEnv = BlockEnv;
        type Precompiles = PrecompilesMap;

        fn create_evm<DB: Database>(&self, db: DB, env: EvmEnv) -> Self::Evm<DB, NoOpInspector> {
            // Ethereum's precompiles of the block's fork, then 0x0300-0x0302 priced for this EVM's
            // configuration (the spec and gas parameters its storage and logs are charged at).
            let mut precompiles =
                PrecompilesMap::from_static(EthPrecompiles::new(env.cfg_env.spec).precompiles);
            aimine_evm::alloy::extend(&mut precompiles, &self.aimine, &env.cfg_env);
            let evm = Context::mainnet()
                .with_db(db)
                .with_cfg(env.cfg_env)
                .with_block(env.block_env)
                .build_mainnet_with_inspector(NoOpInspector {})
                .with_precompiles(precompiles);
            EthEvm::new(evm, false)
        }

        fn create_evm_with_inspector<DB: Database, I: Inspector<EthEvmContext<DB>>>(
            &self,
            db: DB,
            env: EvmEnv,
            inspector: I,
        ) -> Self::Evm<DB, I> {
            EthEvm::new(
                self.create_evm(db, env)
                    .into_inner()
                    .with_inspector(inspector),
                true,
            )
        }
    }
}

/// The inner call's success and returned bytes from a relay's output.
fn relayed(r: &ExecutionResult) -> (bool, Vec<u8>) {
    let out = r.output().unwrap();
    (out[31] == 1, out[32..].to_vec())
}

#[test]
fn the_alloy_precompiles_are_stateful_warm_and_beside_ethereums() {
    let config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let cfg = revm::context::CfgEnv::new_with_spec(SpecId::PRAGUE);
    let map = aimine_evm::alloy::precompiles(&config, &cfg);
    for address in ALL {
        let p = map.get(&address).expect("an aimine precompile");
        assert!(!p.supports_caching(), "{address} must not be cached");
    }
    // Ethereum's precompiles of the spec are there too (ecrecover, and Prague's BLS12-381).
    assert!(
        map.get(&address!("0000000000000000000000000000000000000001"))
            .is_some()
    );
    assert!(
        map.get(&address!("000000000000000000000000000000000000000b"))
            .is_some()
    );
    use revm::handler::PrecompileProvider;
    let warm = <alloy_evm::precompiles::PrecompilesMap as PrecompileProvider<
        alloy_evm::eth::EthEvmContext<DevDb>,
    >>::warm_addresses(&map);
    for address in ALL {
        assert!(warm.contains(&address), "{address} must be warm");
    }
}

/// The mission's scenario: ComputeProvider deployed, sessions started through it with testkit
/// quotes, heartbeats over moving time, the reward claimed.
#[test]
fn the_mission_scenario_is_the_same_on_both_seams() {
    for readme_factory in [false, true] {
        mission(readme_factory);
    }
}

fn mission(readme_factory: bool) {
    let mut p = Pair::new(T0, 1, |c| c.reward_pool = U256::from(100 * ETHER));
    p.readme_factory = readme_factory;
    let cp = p.deploy(
        ADMIN,
        aimine_evm::devnet::artifacts::bytecode(aimine_evm::devnet::artifacts::COMPUTE_PROVIDER)
            .unwrap(),
    );
    let mut ids = Vec::new();
    for (arch, device) in [(Architecture::Hopper, 7), (Architecture::Blackwell, 8)] {
        let quote = p.w.quote_for(arch, device, cp, MINER, None);
        let r = p.send(
            MINER,
            cp,
            &ComputeProvider::startSessionCall {
                teeQuote: quote.into(),
            },
        );
        assert!(r.is_success(), "{r:?}");
        ids.push(
            ComputeProvider::startSessionCall::abi_decode_returns(r.output().unwrap()).unwrap(),
        );
    }
    for step in [600, 1_800, 3_600, 7_200] {
        p.advance(step);
        for id in &ids {
            let r = p.send(
                OTHER,
                cp,
                &ComputeProvider::heartbeatCall { sessionId: *id },
            );
            assert!(r.is_success(), "{r:?}");
        }
    }
    let balance = p.ok(OTHER, AI_MINING, &M::miningBalanceCall { miner: MINER });
    assert!(balance > U256::ZERO);
    let paid = p.ok(MINER, AI_MINING, &M::claimCall { to: MINER });
    assert_eq!(paid, balance);
    // Claimed twice: nothing left (a revert, compared as well).
    let again = p.send(MINER, AI_MINING, &M::claimCall { to: MINER });
    eprintln!("mission: {} transactions compared ({again:?})", p.compared);
}

/// Every function of the three interfaces, mostly on its success path, straight from accounts
/// and through a contract (AimineClient), then the refusals.
#[test]
fn every_function_and_every_refusal_is_the_same_on_both_seams() {
    let mut p = Pair::new(T0, 2, |c| c.reward_pool = U256::from(100 * ETHER));
    let staker = address!("0000000000000000000000000000000000005a4e");
    let staker2 = address!("0000000000000000000000000000000000005a4f");
    p.fund(staker);
    p.fund(staker2);
    let m = AI_MINING;
    let r = MODEL_REGISTRY;

    // Governance and stakes.
    p.ok(
        ADMIN,
        m,
        &M::setSpenderCall {
            spender: MINER,
            allowed: true,
        },
    );
    for who in [staker, staker2] {
        let s = p.send_value(who, m, &M::stakeCall {}, U256::from(2 * ETHER));
        assert!(s.is_success(), "{s:?}");
    }
    p.ok(staker, m, &M::requestUnstakeCall {});
    p.advance(7 * 86_400 + 60);

    // Sessions: one without a key, one with an ML-DSA-65 key; a public one; a model.
    let (pk65, sk65) = fips204::ml_dsa_65::KG::keygen_from_seed(&[6; 32]);
    let pk65 = pk65.into_bytes().to_vec();
    let q1 = p.w.quote(Architecture::Hopper, 1, MINER, None);
    let s1 = p.ok(
        MINER,
        m,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: q1.clone().into(),
        },
    );
    let q2 = p.w.quote(Architecture::Blackwell, 2, MINER, Some(&pk65));
    let s2 = p.ok(
        MINER,
        m,
        &M::startSessionWithKeyCall {
            miner: MINER,
            teeQuote: q2.into(),
            sessionKey: pk65.clone().into(),
        },
    );
    p.ok(
        staker2,
        m,
        &M::startPublicSessionCall {
            miner: staker2,
            sessionKey: Bytes::new(),
        },
    );
    let model = p.ok(
        MINER,
        r,
        &R::registerCall {
            name: "seam-model".into(),
            modelHash: B256::repeat_byte(3),
            metadata: vec![7; 300].into(),
        },
    );
    p.advance(3_600);
    p.ok(MINER, m, &M::heartbeatCall { sessionId: s1 });
    let hb = sk65
        .try_sign_with_seed(
            &[0; 32],
            &aimine_registry::heartbeat_message(CHAIN, &s2.0, 0),
            &[],
        )
        .unwrap()
        .to_vec();
    p.ok(
        MINER,
        m,
        &M::heartbeatSignedCall {
            sessionId: s2,
            sessionKey: pk65.clone().into(),
            signature: hb.into(),
        },
    );
    // The same session refreshed by its quote (links known now).
    p.ok(
        MINER,
        m,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: q1.into(),
        },
    );

    // Views and pure helpers.
    let session = p.ok(MINER, m, &M::getSessionCall { sessionId: s1 });
    let gpu = session.gpuId;
    p.ok(MINER, m, &M::activeSessionCall { gpuId: gpu });
    p.ok(
        MINER,
        m,
        &M::sessionNonceCall {
            miner: MINER,
            sessionKey: pk65.clone().into(),
        },
    );
    p.ok(
        MINER,
        m,
        &M::sessionNonceForCall {
            submitter: ADMIN,
            miner: MINER,
            sessionKey: Bytes::new(),
        },
    );
    p.ok(MINER, m, &M::miningBalanceCall { miner: MINER });
    p.ok(MINER, m, &M::rewardPoolCall {});
    p.ok(MINER, m, &M::stakeOfCall { staker: staker2 });
    p.ok(MINER, m, &M::adminCall {});
    p.ok(MINER, m, &M::paramCall { param: 1 });
    p.ok(MINER, m, &M::pendingAdminCall {});
    p.ok(MINER, m, &M::anchorsCall {});
    p.ok(MINER, m, &M::isRevokedCall { gpuId: gpu });
    p.ok(MINER, m, &M::sessionGpusCall { sessionId: s1 });
    p.send(
        MINER,
        m,
        &M::intelCollateralCall {
            fmspc: Default::default(),
            tdx: true,
        },
    );
    p.ok(
        MINER,
        m,
        &M::getSecurityLevelCall {
            publicKey: pk65.clone().into(),
        },
    );
    let mut proof78 = vec![0u8; aimine_registry::lux::WORK_PROOF_HEADER_LEN];
    proof78[72..74].copy_from_slice(&3u16.to_be_bytes());
    proof78[74..78].copy_from_slice(&60u32.to_be_bytes());
    p.ok(
        MINER,
        m,
        &M::calculateRewardCall {
            workProof: proof78.into(),
            chainId: CHAIN,
        },
    );
    let work = p.ok(
        MINER,
        m,
        &M::computeWorkIdCall {
            deviceId: B256::repeat_byte(1),
            nonce: B256::repeat_byte(2),
            chainId: CHAIN,
        },
    );
    p.ok(MINER, m, &M::isSpentCall { workId: work });
    p.ok(MINER, m, &M::markSpentCall { workId: work });
    p.ok(MINER, m, &M::isSpentCall { workId: work });
    let message = b"a message the seams both check".to_vec();
    let sig = sk65
        .try_sign_with_seed(&[1; 32], &message, &[])
        .unwrap()
        .to_vec();
    assert!(p.ok(
        MINER,
        m,
        &M::verifyMLDSACall {
            publicKey: pk65.clone().into(),
            message: message.into(),
            signature: sig.into(),
        },
    ));

    // Models: receipts verified and recorded, then the owner's calls.
    let (input_hash, output_hash) = (B256::repeat_byte(4), B256::repeat_byte(5));
    let exec =
        aimine_registry::execution_message(CHAIN, &model.0, &input_hash.0, &output_hash.0, &s2.0);
    assert_eq!(
        p.ok(
            MINER,
            r,
            &R::executionMessageCall {
                modelId: model,
                inputHash: input_hash,
                outputHash: output_hash,
                sessionId: s2,
            },
        )
        .as_ref(),
        exec.as_slice()
    );
    let exec_sig = sk65
        .try_sign_with_seed(&[0; 32], &exec, &[])
        .unwrap()
        .to_vec();
    let proof: Bytes = (s2, Bytes::from(pk65.clone()), Bytes::from(exec_sig))
        .abi_encode_params()
        .into();
    assert!(p.ok(
        MINER,
        r,
        &R::verifyExecutionCall {
            modelId: model,
            inputHash: input_hash,
            outputHash: output_hash,
            proof: proof.clone(),
        },
    ));
    let receipt = p.ok(
        MINER,
        r,
        &R::recordExecutionCall {
            modelId: model,
            inputHash: input_hash,
            outputHash: output_hash,
            proof,
        },
    );
    p.ok(MINER, r, &R::receiptSessionCall { receiptId: receipt });
    p.ok(MINER, r, &R::getModelCall { modelId: model });
    p.ok(
        MINER,
        r,
        &R::setMinTierCall {
            modelId: model,
            minTier: 4,
        },
    );
    p.ok(
        MINER,
        r,
        &R::transferModelCall {
            modelId: model,
            newOwner: OTHER,
        },
    );
    p.ok(OTHER, r, &R::deactivateCall { modelId: model });

    // NV_TRUST: a testkit quote, and a real H100's when the vectors are there.
    let q = p.w.quote(Architecture::Hopper, 3, MINER, None);
    let nonce = B256::from(p.w.nonce_for(MINER, MINER));
    assert!(p.ok(
        MINER,
        NV_TRUST,
        &N::verifyQuoteCall {
            teeQuote: q.clone().into()
        }
    ));
    p.ok(
        MINER,
        NV_TRUST,
        &N::parseQuoteCall {
            teeQuote: q.clone().into(),
        },
    );
    p.ok(
        MINER,
        NV_TRUST,
        &N::verifyQuoteWithNonceCall {
            teeQuote: q.clone().into(),
            expectedNonce: nonce,
        },
    );
    p.ok(
        MINER,
        NV_TRUST,
        &N::parseQuoteWithNonceCall {
            teeQuote: q.into(),
            expectedNonce: nonce,
        },
    );
    if let Some((real, _)) = aimine_vectors::quotes::real_gpu(&aimine_vectors::nvidia::HOPPER_550) {
        // Out of its certificates' validity at T0 or not: whatever it answers, both answer it.
        p.send(
            MINER,
            NV_TRUST,
            &N::verifyQuoteCall {
                teeQuote: real.into(),
            },
        );
    }

    // Rewards and stakes out.
    p.ok(MINER, m, &M::claimCall { to: MINER });
    p.ok(staker, m, &M::withdrawStakeCall { to: staker });
    p.ok(staker2, m, &M::requestUnstakeCall {});
    p.ok(MINER, m, &M::endSessionCall { sessionId: s1 });

    // The rest of governance.
    p.ok(
        ADMIN,
        m,
        &M::setParamCall {
            param: 1,
            value: U256::from(2_000_000_000u64),
        },
    );
    p.ok(
        ADMIN,
        m,
        &M::setRevokedCall {
            gpuId: gpu,
            revoked: true,
        },
    );
    p.ok(
        ADMIN,
        m,
        &M::setComputeUnitsCall {
            chipSku: "GH100".into(),
            projectSku: "G520-0200".into(),
            units: 1_200,
        },
    );
    let golden: Vec<u8> = (0..4u8).flat_map(|i| [i; 48]).collect();
    p.ok(
        ADMIN,
        m,
        &M::setGoldenSetCall {
            // Versions no quote here runs: the set is stored, no session is held to it.
            driverVersion: "999.1.2".into(),
            vbiosVersion: "99.00.00.00.01".into(),
            indices: (0..4).collect(),
            digests: golden.into(),
        },
    );
    let third = aimine_nvtrust::testkit::TestPki::new([77; 32]);
    p.ok(
        ADMIN,
        m,
        &M::addAnchorCall {
            publicKey: third.anchor().public_key.to_vec().into(),
        },
    );
    p.ok(
        ADMIN,
        m,
        &M::removeAnchorCall {
            publicKey: third.anchor().public_key.to_vec().into(),
        },
    );
    p.ok(
        ADMIN,
        m,
        &M::setAdvisoryBannedCall {
            advisoryId: "INTEL-SA-00615".into(),
            banned: true,
        },
    );
    p.ok(
        ADMIN,
        m,
        &M::setIntelRootCall {
            root: Bytes::copy_from_slice(aimine_tee::testkit::intel::IntelKit::new().root()),
        },
    );
    let kit = aimine_tee::testkit::SevKit::milan();
    let (ark, ask) = kit.chain();
    // The kit's certificates start after T0: refused here, accepted in the CPU TEE test.
    p.send(
        ADMIN,
        m,
        &M::setAmdRootCall {
            index: U256::from(1),
            product: 0,
            ark: Bytes::copy_from_slice(ark),
            ask: Bytes::copy_from_slice(ask),
        },
    );
    p.send(
        MINER,
        m,
        &M::submitVcekCall {
            vcek: Bytes::copy_from_slice(kit.vcek(0)),
        },
    );
    p.send(
        MINER,
        m,
        &M::submitIntelCollateralCall {
            collateral: vec![1, 2, 3].into(),
        },
    );
    p.ok(ADMIN, m, &M::proposeAdminCall { newAdmin: MINER });
    p.ok(MINER, m, &M::acceptAdminCall {});

    // Through a contract: AimineClient calls the precompiles as a contract does.
    let client = p.deploy(
        MINER,
        aimine_evm::devnet::artifacts::bytecode(aimine_evm::devnet::artifacts::AIMINE_CLIENT)
            .unwrap(),
    );
    let q = p.w.quote_for(Architecture::Hopper, 4, client, MINER, None);
    let cs = p.ok(
        MINER,
        client,
        &AimineClient::startSessionCall {
            miner: MINER,
            quote: q.into(),
        },
    );
    p.advance(1_200);
    p.ok(OTHER, client, &AimineClient::heartbeatCall { id: cs });
    assert!(
        !p.ok(MINER, client, &AimineClient::staticHeartbeatCall { id: cs })
            .ok
    );
    let delegated = p.ok(
        MINER,
        client,
        &AimineClient::delegatedCall {
            precompile: AI_MINING,
            data: M::heartbeatCall { sessionId: cs }.abi_encode().into(),
        },
    );
    assert!(!delegated.ok);

    // Refusals, from a contract (the relays) and from accounts.
    let heartbeat = M::heartbeatCall { sessionId: cs }.abi_encode();
    let view = M::adminCall {}.abi_encode();
    for (via, to, data, value) in [
        (Via::Delegate, m, heartbeat.clone(), 0u64),
        (
            Via::Delegate,
            NV_TRUST,
            N::verifyQuoteCall {
                teeQuote: Bytes::new(),
            }
            .abi_encode(),
            0,
        ),
        (
            Via::Delegate,
            r,
            R::getModelCall { modelId: model }.abi_encode(),
            0,
        ),
        (Via::CallCode, m, view.clone(), 0),
        (Via::CallCode, m, heartbeat.clone(), 1),
        (Via::Static, m, heartbeat.clone(), 0),
        (
            Via::Static,
            r,
            R::deactivateCall { modelId: model }.abi_encode(),
            0,
        ),
        (Via::Static, m, view.clone(), 0),
        (Via::Call, m, heartbeat.clone(), 1),
        (
            Via::Call,
            NV_TRUST,
            N::verifyQuoteCall {
                teeQuote: Bytes::new(),
            }
            .abi_encode(),
            5,
        ),
        (Via::Call, m, M::stakeCall {}.abi_encode(), 3),
        (Via::Call, m, vec![0xde, 0xad, 0xbe, 0xef], 0),
        (Via::Call, NV_TRUST, vec![0xde, 0xad, 0xbe, 0xef, 0, 0], 0),
        (Via::Call, r, vec![1, 2], 0),
        (Via::Call, m, Vec::new(), 0),
        (Via::Call, m, [heartbeat.as_slice(), &[0]].concat(), 0),
    ] {
        let out = p.relay(via, to, &data, U256::from(value), 1_000_000);
        let (ok, _) = relayed(&out);
        let payable = data == M::stakeCall {}.abi_encode() && via == Via::Call;
        assert_eq!(
            ok,
            payable || (via == Via::Static && data == view),
            "{via:?} {to} {data:02x?}"
        );
    }
    // Out of gas inside the precompile: below the floor, and with the floor paid but not the
    // rest; then a transaction straight to the precompile whose gas runs out.
    for gas in [0, 500, 1_050, 5_000, 20_000, 40_000, 84_298] {
        p.relay(Via::Call, m, &heartbeat, U256::ZERO, gas);
    }
    let intrinsic = calculate_initial_tx_gas(SpecId::default(), &heartbeat, false, 0, 0, 0, None);
    let base = intrinsic.initial_regular_gas.max(intrinsic.floor_gas);
    for extra in [0, 1_000, 1_100, 30_000] {
        let _ = p.send_raw(OTHER, m, heartbeat.clone(), U256::ZERO, base + extra);
    }

    // Every selector of the three interfaces was sent.
    for (address, selectors) in [
        (AI_MINING, M::IAIMiningCalls::SELECTORS),
        (NV_TRUST, N::INVTrustCalls::SELECTORS),
        (MODEL_REGISTRY, R::IModelRegistryCalls::SELECTORS),
    ] {
        for selector in selectors {
            assert!(
                p.called.contains(&(address, *selector)),
                "{address}: selector {selector:02x?} never called"
            );
        }
    }
    eprintln!("every function: {} transactions compared", p.compared);
}

/// CPU TEE evidence: AMD roots, a SEV-SNP session, a VCEK, a composite, Intel's test root and
/// collateral, a TDX session.
#[test]
fn cpu_tee_calls_are_the_same_on_both_seams() {
    use aimine_tee::testkit::KIT_TIME;
    use aimine_vectors::quotes::{bound, composite, sev};
    let mut p = Pair::new(KIT_TIME.as_secs(), 3, |_| {});
    let m = AI_MINING;
    let kit = aimine_tee::testkit::SevKit::milan();
    let (ark, ask) = kit.chain();
    p.ok(
        ADMIN,
        m,
        &M::setAmdRootCall {
            index: U256::ZERO,
            product: 0,
            ark: Bytes::copy_from_slice(ark),
            ask: Bytes::copy_from_slice(ask),
        },
    );
    // Compared whether the chain takes it or not.
    p.send(
        MINER,
        m,
        &M::submitVcekCall {
            vcek: Bytes::copy_from_slice(kit.vcek(1)),
        },
    );
    let nonce = p.w.nonce_for(MINER, MINER);
    let cpu = sev(&kit, 0, bound(nonce, [0; 32]), 0x30000);
    p.ok(
        MINER,
        NV_TRUST,
        &N::parseQuoteCall {
            teeQuote: cpu.clone().into(),
        },
    );
    let s = p.ok(
        MINER,
        m,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: cpu.into(),
        },
    );
    // A composite: chip 1 with two test H100s.
    let mut gpus = Vec::new();
    let mut ids = Vec::new();
    for device in [11, 12] {
        let mut o = p.w.options(Architecture::Hopper, device, MINER, None);
        o.nonce = nonce;
        let env = p.w.pki.forge(&o).envelope();
        let parsed = p.ok(
            MINER,
            NV_TRUST,
            &N::parseQuoteCall {
                teeQuote: env.clone().into(),
            },
        );
        ids.push(parsed.gpuId.0);
        gpus.push(env);
    }
    let refs: Vec<&[u8]> = gpus.iter().map(Vec::as_slice).collect();
    let quote = composite(&kit, 1, nonce, &ids, &refs);
    let c = p.ok(
        MINER,
        m,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: quote.into(),
        },
    );
    p.ok(MINER, m, &M::sessionGpusCall { sessionId: c });
    p.advance(1_800);
    p.ok(MINER, m, &M::heartbeatCall { sessionId: s });
    p.ok(MINER, m, &M::heartbeatCall { sessionId: c });

    // Intel: the test kit's root and collateral, a TDX quote with the collateral on chain.
    let intel = aimine_tee::testkit::intel::IntelKit::new();
    p.ok(
        ADMIN,
        m,
        &M::setIntelRootCall {
            root: Bytes::copy_from_slice(intel.root()),
        },
    );
    let collateral = aimine_envelope::encode_collateral(
        &aimine_envelope::IntelCollateral::from_dcap(&intel.collateral()),
    )
    .unwrap();
    let r = p.send(
        OTHER,
        m,
        &M::submitIntelCollateralCall {
            collateral: collateral.clone().into(),
        },
    );
    assert!(r.is_success(), "{r:?}");
    // Again: superseded (a revert).
    p.send(
        OTHER,
        m,
        &M::submitIntelCollateralCall {
            collateral: collateral.into(),
        },
    );
    let nonce = p.w.nonce_for(MINER, MINER);
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&nonce);
    let td = intel.tdx_quote(&aimine_tee::testkit::intel::TdFields {
        report_data: data,
        ..Default::default()
    });
    let envelope = aimine_envelope::encode_intel(aimine_envelope::Kind::Tdx, &td, None).unwrap();
    p.ok(
        MINER,
        NV_TRUST,
        &N::verifyQuoteCall {
            teeQuote: envelope.clone().into(),
        },
    );
    p.ok(
        MINER,
        m,
        &M::startSessionCall {
            miner: MINER,
            teeQuote: envelope.into(),
        },
    );
    if let Some(real) = aimine_vectors::quotes::real_intel("tdx_quote") {
        p.send(
            MINER,
            NV_TRUST,
            &N::parseQuoteCall {
                teeQuote: real.into(),
            },
        );
    }
    eprintln!("CPU TEE: {} transactions compared", p.compared);
}

/// The `evm_calls` fuzz corpus (the smoke run's inputs: seed 3, 300 buffers of up to 4,000
/// bytes, and 3,000 more of seed 4), each sequence of calls from a fresh genesis as the target runs it: its caller, value,
/// gas, scheme (a CALL straight from the caller's account, or a STATICCALL, DELEGATECALL or
/// CALLCODE from a relay contract), selector and time.
#[test]
fn the_evm_calls_fuzz_corpus_is_the_same_on_both_seams() {
    use aimine_fuzz::evm_calls::Input;
    let mut inputs: Vec<Input> = Vec::new();
    aimine_fuzz::corpus::run(3, 300, 4_000, |input: Input| inputs.push(input));
    assert!(inputs.len() >= 200, "only {} inputs built", inputs.len());
    // Ten times more from the same generator, for longer call sequences.
    aimine_fuzz::corpus::run(4, 3_000, 4_000, |input: Input| inputs.push(input));
    // aimine_fuzz::seeds has no real-vector seeds for this target (its corpus is generated).
    assert!(aimine_fuzz::seeds::for_target("evm_calls").is_empty());
    let admin = Address::from([0xAD; 20]);
    let (mut calls, mut succeeded) = (0usize, 0usize);
    for input in &inputs {
        let mut p = Pair::new(1_749_945_600, 9, |c| {
            *c = ChainConfig::new(CHAIN, [0xAD; 20]);
            c.reward_pool = U256::from(1_000_000u64);
        });
        p.fund(admin);
        for c in input.calls.iter().take(32) {
            p.advance(u64::from(c.wait));
            let (address, data) = c.target();
            let caller = if c.caller == 0 {
                admin
            } else {
                Address::from([c.caller; 20])
            };
            let value = U256::from(c.value);
            let gas = u64::from(c.gas).min(5_000_000);
            match c.scheme % 3 {
                0 => {
                    p.fund(caller);
                    let intrinsic =
                        calculate_initial_tx_gas(SpecId::default(), &data, false, 0, 0, 0, None);
                    let base = intrinsic.initial_regular_gas.max(intrinsic.floor_gas);
                    let r = p.send_raw(caller, address, data, value, base + gas);
                    succeeded += usize::from(r.is_ok_and(|r| r.is_success()));
                }
                1 => {
                    p.relay(Via::Static, address, &data, value, gas);
                }
                _ => {
                    let via = if c.value % 2 == 0 {
                        Via::Delegate
                    } else {
                        Via::CallCode
                    };
                    p.relay(via, address, &data, value, gas);
                }
            }
            calls += 1;
        }
    }
    eprintln!(
        "evm_calls corpus: {} inputs, {calls} calls compared ({succeeded} direct calls succeeded)",
        inputs.len()
    );
}

/// The comparison fails when the seams differ: the alloy seam built with a view price one gas
/// higher than the chain's is caught on the first view.
#[test]
fn a_one_gas_difference_between_the_seams_is_caught() {
    // The "seams disagree" panic this prints is the one expected.
    let caught = std::panic::catch_unwind(|| {
        let mut p = Pair::new(T0, 4, |_| {});
        p.alloy_gas.view_call += 1;
        p.send(MINER, AI_MINING, &M::adminCall {});
    });
    assert!(caught.is_err(), "a different gas price went unnoticed");
    // And with the same prices it passes.
    let mut p = Pair::new(T0, 4, |_| {});
    p.send(MINER, AI_MINING, &M::adminCall {});
}

/// A database that fails every storage read of AI_MINING's account (the node's database
/// breaking mid-block).
#[derive(Debug, Default)]
struct Broken(DevDb);

#[derive(Debug)]
struct DiskError;

impl std::fmt::Display for DiskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the disk failed")
    }
}

impl std::error::Error for DiskError {}
impl revm::database::DBErrorMarker for DiskError {}

impl revm::Database for Broken {
    type Error = DiskError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, DiskError> {
        Ok(self.0.basic_ref(address).unwrap_or_default())
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, DiskError> {
        Ok(self.0.code_by_hash_ref(code_hash).unwrap_or_default())
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, DiskError> {
        if address == AI_MINING {
            return Err(DiskError);
        }
        Ok(self.0.storage_ref(address, index).unwrap_or_default())
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, DiskError> {
        Ok(self.0.block_hash_ref(number).unwrap_or_default())
    }
}

/// A database failure inside a precompile is no verdict on either seam: the transaction stops
/// with the database's error (revm's provider returns it as is, alloy-evm as a fatal
/// `PrecompileError`) and the message names the failure on both.
#[test]
fn a_database_failure_stops_the_transaction_on_both_seams() {
    use revm::{Context, MainBuilder, MainContext};
    let config = ChainConfig::new(CHAIN, ADMIN.into_array());
    let broken = || {
        let mut db = DevDb::default();
        install(&mut db, &config).unwrap();
        Broken(db)
    };
    let tx = || {
        TxEnv::builder()
            .caller(MINER)
            .kind(TxKind::Call(AI_MINING))
            .data(Bytes::from(M::adminCall {}.abi_encode()))
            .gas_limit(1_000_000)
            .gas_price(0)
            .chain_id(Some(CHAIN))
            .build()
            .unwrap()
    };
    let mut revm_evm = Context::mainnet()
        .with_db(broken())
        .modify_cfg_chained(|c| {
            c.chain_id = CHAIN;
            c.disable_nonce_check = true;
        })
        .modify_block_chained(|b| b.basefee = 0)
        .build_mainnet()
        .with_precompiles(aimine_evm::AiminePrecompiles::new(&config));
    let env = EvmEnv {
        cfg_env: revm_evm.ctx.cfg.clone(),
        block_env: revm_evm.ctx.block.clone(),
    };
    let revm = revm::handler::ExecuteEvm::transact(&mut revm_evm, tx())
        .map(|r| r.result)
        .map_err(|e| e.to_string());
    let mut evm = EthEvmFactory::default().create_evm(broken(), env.clone());
    aimine_evm::alloy::extend(evm.precompiles_mut(), &config, &env.cfg_env);
    let alloy = evm
        .transact(tx())
        .map(|r| r.result)
        .map_err(|e| e.to_string());
    let (Err(revm), Err(alloy)) = (&revm, &alloy) else {
        panic!("a failed database gave a verdict: revm {revm:?}, alloy-evm {alloy:?}");
    };
    eprintln!("database failure: revm {revm:?}; alloy-evm {alloy:?}");
    assert!(revm.contains("the disk failed"), "{revm}");
    assert!(alloy.contains("the disk failed"), "{alloy}");
}
