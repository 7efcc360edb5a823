//! Attacks on the registry's accounting, each written as the attacker's sequence of calls and
//! asserting the invariant it would break: one GPU counted by one session, a quote useful only to
//! the account it names, governance that cannot be locked out or overflow the books.
use aimine_registry::Kind;

use aimine_envelope::encode_composite;
use aimine_envelope::testkit::Enveloped;
use aimine_nvtrust::Architecture;
use aimine_registry::UnixTime;
use aimine_registry::word;
use aimine_registry::{Address, Config, Error, Event, MemoryStore, Param, Registry, Word};
use aimine_registry::{AmdTcbFloor, MAX_BASE_RATE, MAX_COMPUTE_UNITS, MAX_STAKE_COOLDOWN};
use aimine_registry::{key_hash, session_nonce};
use aimine_tee::AmdProduct;
use aimine_tee::testkit::SevKit;
use aimine_tiers::TrustTier;
use aimine_vectors::quotes::{bound, composite, hash_ids, platform, sev};
use aimine_vectors::registry::sev::{T, gpus, nonce, nonce_for, world};
use aimine_vectors::registry::{ADMIN, World};
use fips204::ml_dsa_65;
use fips204::traits::{KeyGen, SerDes, Signer};

const MINER: Address = [0x11; 20];
const ATTACKER: Address = [0xEE; 20];
/// A contract that mines for its callers (the mission's ComputeProvider).
const PROVIDER: Address = [0xC0; 20];
const RATE: u128 = 1_000_000_000;

fn start(w: &mut World, ts: u64, caller: &Address, quote: &[u8]) -> Result<Word, Error> {
    w.call(ts, |r| r.start_session(caller, &MINER, quote, None))
}

/// Every active session that counts `gpu` (as its own device or as a bound GPU).
fn sessions_counting(w: &mut World, ids: &[Word], gpu: &Word) -> usize {
    ids.iter()
        .filter(|id| {
            let s = w.call(T, |r| r.session(id)).unwrap().unwrap();
            let bound = w.call(T, |r| r.session_gpus(id)).unwrap();
            s.active && (s.gpu_id == *gpu || bound.contains(gpu))
        })
        .count()
}

/// A world where MINER mines test platform 0 with GPUs 1 and 2 as one composite session.
struct Mining {
    w: World,
    kit: SevKit,
    /// The session nonce the quote answered.
    n: [u8; 32],
    /// The GPUs' envelopes and ids.
    envs: Vec<Vec<u8>>,
    ids: Vec<Word>,
    /// The composite session.
    s1: Word,
}

fn mining_composite() -> Mining {
    let (mut w, kit) = world();
    let n = nonce(&w, &MINER, T);
    let (envs, ids) = gpus(&mut w, n, &[1, 2]);
    let q = composite(&kit, 0, n, &ids, &[&envs[0], &envs[1]]);
    let s1 = start(&mut w, T, &MINER, &q).unwrap();
    Mining {
        w,
        kit,
        n,
        envs,
        ids,
        s1,
    }
}

// ----- one GPU, one session ----------------------------------------------------------------

#[test]
fn a_gpu_bound_to_a_composite_session_cannot_be_mined_twice() {
    let Mining {
        mut w,
        kit,
        n,
        envs,
        ids,
        s1,
    } = mining_composite();

    // (b) The miner sends GPU 1's own part of the same envelope as a plain GPU quote: same
    // nonce, valid evidence — but GPU 1 is counted by the composite session, which a plain quote
    // never refreshes. (c) Sending it again changes nothing.
    for _ in 0..2 {
        assert_eq!(start(&mut w, T + 10, &MINER, &envs[0]), Err(Error::GpuBusy));
    }
    // The CPU part re-wrapped alone, or a CPU-only quote of the platform, does not refresh (and
    // so shrink) the composite session either.
    let cpu_part = sev(&kit, 0, bound(n, hash_ids(&ids)), 0x30000);
    let cpu_only = sev(&kit, 0, bound(n, [0; 32]), 0x30000);
    for q in [&cpu_part, &cpu_only] {
        assert_eq!(start(&mut w, T + 20, &MINER, q), Err(Error::GpuBusy));
    }
    // The composite session is as it was: both GPUs bound, their units, counted once each.
    let s = w.call(T, |r| r.session(&s1)).unwrap().unwrap();
    assert_eq!(
        (s.active, s.kind, s.gpu_id, s.compute_units),
        (true, Kind::Composite, platform(0), 2_000)
    );
    assert_eq!(w.call(T, |r| r.session_gpus(&s1)).unwrap(), ids);
    for gpu in &ids {
        assert_eq!(
            w.call(T, |r| r.active_session(gpu)).unwrap().map(|s| s.id),
            Some(s1)
        );
        assert_eq!(sessions_counting(&mut w, &[s1], gpu), 1);
    }
    // One hour pays 2,000 units once, to one session.
    let paid = w
        .call(T + 3_600, |r| r.heartbeat(&MINER, &s1, None))
        .unwrap();
    assert_eq!(paid, 3_600 * 2_000 * RATE);
    assert_eq!(w.call(T, |r| r.mining_balance(&MINER)).unwrap(), paid);

    // A plain session of GPU 3, then a composite that binds it: busy, nothing changes.
    let n2 = nonce(&w, &MINER, T + 3_600);
    let (envs2, ids2) = gpus(&mut w, n2, &[3, 4]);
    let plain = start(&mut w, T + 3_600, &MINER, &envs2[0]).unwrap();
    let both = composite(&kit, 1, n2, &ids2, &[&envs2[0], &envs2[1]]);
    assert_eq!(start(&mut w, T + 3_600, &MINER, &both), Err(Error::GpuBusy));
    let s = w.call(T, |r| r.session(&plain)).unwrap().unwrap();
    assert!(s.active && s.kind == Kind::Gpu);

    // Once the composite session ends, GPU 1 may mine alone: a new session, the old one ended.
    w.call(T + 3_601, |r| r.end_session(&MINER, &s1)).unwrap();
    let n3 = nonce(&w, &MINER, T + 3_602);
    let (envs3, _) = gpus(&mut w, n3, &[1]);
    let s2 = start(&mut w, T + 3_602, &MINER, &envs3[0]).unwrap();
    assert_ne!(s2, s1);
    assert_eq!(sessions_counting(&mut w, &[s1, s2, plain], &ids[0]), 1);
}

#[test]
fn a_composite_refresh_keeps_its_id_and_frees_the_gpus_it_drops() {
    let Mining {
        mut w,
        kit,
        n,
        envs,
        ids,
        s1,
    } = mining_composite();
    // The same platform, shape and miner, now with GPU 1 only: the same session, GPU 2 free.
    let again = composite(&kit, 0, n, &ids[..1], &[&envs[0]]);
    assert_eq!(start(&mut w, T + 60, &MINER, &again), Ok(s1));
    assert_eq!(w.call(T, |r| r.session_gpus(&s1)).unwrap(), ids[..1]);
    assert_eq!(w.call(T, |r| r.active_session(&ids[1])).unwrap(), None);
    let s = w.call(T, |r| r.session(&s1)).unwrap().unwrap();
    assert_eq!((s.kind, s.compute_units), (Kind::Composite, 1_000));
    // GPU 2 mines alone now; GPU 1 is still busy.
    let s2 = start(&mut w, T + 61, &MINER, &envs[1]).unwrap();
    assert_ne!(s2, s1);
    assert_eq!(start(&mut w, T + 61, &MINER, &envs[0]), Err(Error::GpuBusy));
}

#[test]
fn an_expired_composite_session_is_ended_before_its_gpu_is_counted_again() {
    let Mining { mut w, ids, s1, .. } = mining_composite();
    // A day later its attestation has expired; GPU 2 starts alone. The composite session is
    // settled up to its expiry and ended: it no longer counts either GPU.
    let later = T + 86_400 + 10;
    let n2 = nonce(&w, &MINER, later);
    let (envs2, _) = gpus(&mut w, n2, &[2]);
    let s2 = start(&mut w, later, &MINER, &envs2[0]).unwrap();
    let s = w.call(T, |r| r.session(&s1)).unwrap().unwrap();
    assert!(!s.active);
    assert_eq!(w.call(T, |r| r.active_session(&ids[0])).unwrap(), None);
    assert_eq!(w.call(T, |r| r.active_session(&platform(0))).unwrap(), None);
    assert_eq!(sessions_counting(&mut w, &[s1, s2], &ids[1]), 1);
}

#[test]
fn a_refresh_never_pays_a_session_whose_bound_gpu_was_revoked() {
    let Mining {
        mut w,
        kit,
        n,
        envs,
        ids,
        s1,
    } = mining_composite();
    w.call(T + 10, |r| r.set_revoked(&ADMIN, &ids[1], true))
        .unwrap();
    // Instead of a heartbeat (which would end it unpaid), the miner refreshes without the revoked
    // GPU: the old session ends as revoked, unpaid, and a new one starts for what is left.
    let again = composite(&kit, 0, n, &ids[..1], &[&envs[0]]);
    let s2 = start(&mut w, T + 3_000, &MINER, &again).unwrap();
    assert_ne!(s2, s1);
    assert_eq!(w.call(T, |r| r.mining_balance(&MINER)).unwrap(), 0);
    assert!(!w.call(T, |r| r.session(&s1)).unwrap().unwrap().active);
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::SessionEnded { session_id, reason: aimine_registry::EndReason::Revoked, .. }
            if *session_id == s1
    )));
    assert_eq!(w.call(T, |r| r.session_gpus(&s2)).unwrap(), ids[..1]);
}

#[test]
fn an_expired_session_of_a_revoked_platform_is_ended_unpaid() {
    let Mining { mut w, s1, .. } = mining_composite();
    w.call(T + 10, |r| r.set_revoked(&ADMIN, &platform(0), true))
        .unwrap();
    // The session expires unended; a GPU of it starts alone. Ending the old session must not
    // settle it: its platform is revoked.
    let later = T + 86_400 + 10;
    let n2 = nonce(&w, &MINER, later);
    let (envs2, _) = gpus(&mut w, n2, &[1]);
    let s2 = start(&mut w, later, &MINER, &envs2[0]).unwrap();
    assert_ne!(s1, s2);
    assert_eq!(w.call(T, |r| r.mining_balance(&MINER)).unwrap(), 0);
    assert!(!w.call(T, |r| r.session(&s1)).unwrap().unwrap().active);
}

// ----- replayed quotes ---------------------------------------------------------------------

#[test]
fn a_replayed_quote_gives_a_third_party_nothing() {
    let mut w = World::new(5);
    let q = w.quote(Architecture::Hopper, 1, &MINER, &MINER, T, None);
    // Front-running the miner's own transaction with its quote: refused.
    assert_eq!(start(&mut w, T, &ATTACKER, &q), Err(Error::NonceNotBound));
    let id = start(&mut w, T, &MINER, &q).unwrap();
    // Replayed while the session runs: refused; the owner, key and expiry are unchanged.
    let before = w.call(T, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        start(&mut w, T + 5, &ATTACKER, &q),
        Err(Error::NonceNotBound)
    );
    assert_eq!(w.call(T, |r| r.session(&id)).unwrap().unwrap(), before);
    assert_eq!(before.owner, MINER);
    // The attacker can neither end it nor heartbeat it; the miner still can.
    assert_eq!(
        w.call(T + 6, |r| r.end_session(&ATTACKER, &id)),
        Err(Error::NotSessionOwner)
    );
    assert_eq!(
        w.call(T + 6, |r| r.heartbeat(&ATTACKER, &id, None)),
        Err(Error::NotSessionOwner)
    );
    assert!(w.call(T + 7, |r| r.heartbeat(&MINER, &id, None)).is_ok());
}

#[test]
fn a_quote_made_for_a_mining_contract_serves_only_that_contract() {
    let mut w = World::new(5);
    // The miner mines through PROVIDER (which calls AI_MINING with the miner as beneficiary).
    let q = w.quote(Architecture::Hopper, 1, &PROVIDER, &MINER, T, None);
    assert_eq!(start(&mut w, T, &ATTACKER, &q), Err(Error::NonceNotBound));
    assert_eq!(start(&mut w, T, &MINER, &q), Err(Error::NonceNotBound));
    let id = start(&mut w, T, &PROVIDER, &q).unwrap();
    assert_eq!(
        w.call(T, |r| r.session(&id)).unwrap().unwrap().owner,
        PROVIDER
    );
    // Through the contract again (anyone may call it): a refresh, still owned by the contract.
    assert_eq!(start(&mut w, T + 60, &PROVIDER, &q), Ok(id));
    assert_eq!(
        w.call(T, |r| r.session(&id)).unwrap().unwrap().owner,
        PROVIDER
    );
    assert_eq!(
        start(&mut w, T + 61, &ATTACKER, &q),
        Err(Error::NonceNotBound)
    );
}

#[test]
fn parts_of_a_composite_quote_are_worthless_to_a_third_party() {
    let (mut w, kit) = world();
    let n = nonce(&w, &MINER, T);
    let (envs, ids) = gpus(&mut w, n, &[1, 2]);
    let q = composite(&kit, 0, n, &ids, &[&envs[0], &envs[1]]);
    let cpu_part = sev(&kit, 0, bound(n, hash_ids(&ids)), 0x30000);
    // Before the miner's transaction and after it: the whole quote, a GPU part, the CPU part.
    for q in [&q, &envs[0], &cpu_part] {
        assert_eq!(start(&mut w, T, &ATTACKER, q), Err(Error::NonceNotBound));
    }
    let id = start(&mut w, T, &MINER, &q).unwrap();
    for q in [&q, &envs[0], &envs[1], &cpu_part] {
        assert_eq!(
            start(&mut w, T + 1, &ATTACKER, q),
            Err(Error::NonceNotBound)
        );
    }
    let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        (s.owner, s.kind, s.compute_units),
        (MINER, Kind::Composite, 2_000)
    );
    // The attacker's own nonce does not help: it names the attacker as the submitter, not the
    // miner's contract or the miner.
    let theirs = nonce_for(&w, &ATTACKER, &MINER, T);
    assert_ne!(theirs, n);
}

// ----- endorsements and policy -------------------------------------------------------------

#[test]
fn a_vcek_cached_under_a_removed_root_is_checked_again() {
    let (mut w, kit) = world();
    let q = sev(&kit, 0, bound(nonce(&w, &MINER, T), [0; 32]), 0x30000);
    // Verified (and cached) under the kit's roots, which governance added.
    start(&mut w, T, &MINER, &q).unwrap();
    // Governance stops trusting them: the same chip's VCEK no longer verifies, cached or not.
    w.call(T, |r| {
        r.set_amd_root(&ADMIN, 0, AmdProduct::Milan, &[], &[])
    })
    .unwrap();
    // The report carries its VCEK and the kit's ASK but not the ARK, as a report may (the
    // product's ARK is pinned): the ASK is then taken for one AMD re-issued, to be checked under
    // the pinned ARK — which a cache keyed by the VCEK alone would skip.
    let fields = aimine_tee::testkit::ReportFields {
        chip: 0,
        report_data: bound(nonce(&w, &MINER, T + 60), [0; 32]),
        policy: 0x30000,
        ..aimine_tee::testkit::ReportFields::default()
    };
    let [vcek, ask, _] = kit.certs_of(0);
    let again = aimine_envelope::encode_sev_snp(&kit.report(&fields), &[vcek, ask]).unwrap();
    let err = start(&mut w, T + 60, &MINER, &again).unwrap_err();
    assert!(
        matches!(err, Error::CpuQuote(aimine_tee::CpuCheck::Chain)),
        "{err:?}"
    );
    assert!(matches!(
        w.call(T + 60, |r| r.appraise_quote(&again, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Chain))
    ));
}

#[test]
fn an_amd_guest_below_the_product_tcb_floor_is_refused() {
    let (mut w, kit) = world();
    let q = sev(&kit, 0, bound(nonce(&w, &MINER, T), [0; 32]), 0x30000);
    let reported = w.call(T, |r| r.appraise_quote(&q, None)).unwrap();
    assert_eq!(reported.tier, TrustTier::Confidential);
    let raw = kit_report(&q);
    let report = aimine_tee::sev::Report::parse(&raw).unwrap();
    let tcb = report.reported_tcb().parts(false);
    // A floor equal to the guest's TCB admits it; one SNP version above refuses it.
    let at = AmdTcbFloor {
        bootloader: tcb.bootloader,
        tee: tcb.tee,
        snp: tcb.snp,
        microcode: tcb.microcode,
        fmc: 0,
    };
    let set = |w: &mut World, f: AmdTcbFloor| {
        w.call(T, |r| {
            r.set_param(&ADMIN, Param::AmdMinTcbMilan, word::from_u64(f.to_u64()))
        })
        .unwrap()
    };
    set(&mut w, at);
    assert!(w.call(T, |r| r.appraise_quote(&q, None)).is_ok());
    set(
        &mut w,
        AmdTcbFloor {
            snp: tcb.snp.saturating_add(1),
            ..at
        },
    );
    assert_eq!(
        start(&mut w, T, &MINER, &q),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
    );
    // Another product's floor does not apply to a Milan guest.
    set(&mut w, at);
    w.call(T, |r| {
        r.set_param(
            &ADMIN,
            Param::AmdMinTcbGenoa,
            word::from_u64(u64::MAX >> 24),
        )
    })
    .unwrap();
    assert!(start(&mut w, T, &MINER, &q).is_ok());
}

/// The SEV-SNP report inside a kind-4 envelope.
fn kit_report(envelope: &[u8]) -> Vec<u8> {
    match aimine_envelope::decode(envelope).unwrap() {
        aimine_envelope::Envelope::Cpu(aimine_envelope::Cpu::SevSnp { report, .. }) => {
            report.to_vec()
        }
        other => panic!("not an SEV-SNP envelope: {other:?}"),
    }
}

#[test]
fn evidence_without_an_fwid_is_refused_unless_governance_allows_it() {
    let mut w = World::new(5);
    let mut o = w.options(Architecture::Hopper, 1, &MINER, &MINER, T, None);
    o.evidence_fwid = None;
    let q = w.pki.forge(&o).envelope();
    let err = start(&mut w, T, &MINER, &q).unwrap_err();
    assert_eq!(err, Error::Quote(aimine_nvtrust::Error::FwidNotReported));
    assert_eq!(
        w.call(T, |r| r.appraise_quote(&q, None)),
        Err(Error::Quote(aimine_nvtrust::Error::FwidNotReported))
    );
    w.call(T, |r| {
        r.set_param(&ADMIN, Param::RequireFwid, word::from_u64(0))
    })
    .unwrap();
    assert!(start(&mut w, T, &MINER, &q).is_ok());
}

#[test]
fn a_workstation_blackwell_earns_the_confidential_tier() {
    let mut w = World::new(5);
    let mut o = w.options(Architecture::Blackwell, 1, &MINER, &MINER, T, None);
    o.chip = Some("GB202");
    let workstation = w.pki.forge(&o).envelope();
    let a = w.call(T, |r| r.appraise_quote(&workstation, None)).unwrap();
    assert_eq!((a.tier, a.compute_units), (TrustTier::Confidential, 1_000));
    let datacentre = w.quote(Architecture::Blackwell, 2, &MINER, &MINER, T, None);
    let b = w.call(T, |r| r.appraise_quote(&datacentre, None)).unwrap();
    assert_eq!((b.tier, b.compute_units), (TrustTier::Sovereign, 2_500));
    // Governance sets the workstation parts' units like any other class's.
    w.call(T, |r| {
        r.set_param(
            &ADMIN,
            Param::WorkstationComputeUnits,
            word::from_u64(1_800),
        )
    })
    .unwrap();
    let a = w.call(T, |r| r.appraise_quote(&workstation, None)).unwrap();
    assert_eq!(a.compute_units, 1_800);
}

#[test]
fn execution_receipts_of_a_composite_session_with_a_revoked_gpu_are_refused() {
    let (mut w, kit) = world();
    let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&[8; 32]);
    let pk = pk.into_bytes();
    let n = session_nonce(w.chain_id, &MINER, &MINER, T / 3_600, &key_hash(Some(&pk)));
    let (envs, ids) = gpus(&mut w, n, &[1, 2]);
    let cpu = sev(&kit, 0, bound(n, hash_ids(&ids)), 0x30000);
    let q = encode_composite(&cpu, &[&envs[0], &envs[1]]).unwrap();
    let session = w
        .call(T, |r| r.start_session(&MINER, &MINER, &q, Some(&pk)))
        .unwrap();
    let model = w
        .call(T, |r| r.register_model(&MINER, "m", &[1; 32], b""))
        .unwrap();
    let message =
        aimine_registry::execution_message(w.chain_id, &model, &[2; 32], &[3; 32], &session);
    let signature = sk.try_sign_with_seed(&[0; 32], &message, &[]).unwrap();
    let proof = aimine_registry::encode_proof(&session, &pk, &signature);
    let verify = |w: &mut World| {
        w.call(T + 1, |r| {
            r.verify_execution(&model, &[2; 32], &[3; 32], &proof)
        })
        .unwrap()
    };
    assert!(verify(&mut w));
    // One of its GPUs is revoked: the session's receipts no longer verify, before any
    // heartbeat ends it.
    w.call(T, |r| r.set_revoked(&ADMIN, &ids[1], true)).unwrap();
    assert!(!verify(&mut w));
}

/// Session keys are not stored: every signed heartbeat carries the key, which must hash to the
/// session's key hash. Neither another session's key, nor a key of another level, nor a truncated
/// key, nor a key no session has, nor a signature made for another session or counter passes.
#[test]
fn a_signed_heartbeat_needs_the_sessions_own_key_and_a_fresh_signature() {
    let mut w = World::new(3);
    let t0 = aimine_vectors::registry::T0;
    let chain = w.chain_id;
    let (pk_a, sk_a) = ml_dsa_65::KG::keygen_from_seed(&[1; 32]);
    let (pk_b, sk_b) = ml_dsa_65::KG::keygen_from_seed(&[2; 32]);
    let (pk_a, pk_b) = (pk_a.into_bytes(), pk_b.into_bytes());
    let open = |w: &mut World, device: u32, key: &[u8]| {
        let q = w.quote(Architecture::Hopper, device, &MINER, &MINER, t0, Some(key));
        w.call(t0, |r| r.start_session(&MINER, &MINER, &q, Some(key)))
            .unwrap()
    };
    let a = open(&mut w, 1, &pk_a);
    let b = open(&mut w, 2, &pk_b);
    // A third session with A's key: one key may serve several sessions.
    let c = open(&mut w, 3, &pk_a);
    let q = w.quote(Architecture::Hopper, 4, &MINER, &MINER, t0, None);
    let plain = start(&mut w, t0, &MINER, &q).unwrap();
    let sign = |sk: &ml_dsa_65::PrivateKey, id: &Word, n: u64| {
        sk.try_sign_with_seed(
            &[0; 32],
            &aimine_registry::heartbeat_message(chain, id, n),
            &[],
        )
        .unwrap()
        .to_vec()
    };
    let beat = |w: &mut World, id: &Word, key: &[u8], sig: &[u8]| {
        w.call(t0 + 60, |r| r.heartbeat(&MINER, id, Some((key, sig))))
    };
    let (level44, _) = fips204::ml_dsa_44::KG::keygen_from_seed(&[1; 32]);
    let level44 = level44.into_bytes();
    let (nobody, _) = ml_dsa_65::KG::keygen_from_seed(&[7; 32]);
    let nobody = nobody.into_bytes();
    let good = sign(&sk_a, &a, 0);
    for (key, what) in [
        (&pk_b[..], "another session's key"),
        (&level44[..], "a key of another level"),
        (&pk_a[..pk_a.len() - 1], "a truncated key"),
        (
            &[pk_a.as_slice(), &[0]].concat()[..],
            "a key with a byte appended",
        ),
        (&nobody[..], "a key whose hash matches no session"),
        (&[][..], "an empty key"),
    ] {
        assert_eq!(
            beat(&mut w, &a, key, &good),
            Err(Error::BadSessionKey),
            "{what}"
        );
    }
    // A session without a key takes no signature at all.
    assert_eq!(
        beat(&mut w, &plain, &pk_a, &sign(&sk_a, &plain, 0)),
        Err(Error::BadSessionKey)
    );
    // B's signature with B's key, on A: the key is not A's.
    assert_eq!(
        beat(&mut w, &a, &pk_b, &sign(&sk_b, &b, 0)),
        Err(Error::BadSessionKey)
    );
    // C shares A's key: A's signature for A is no signature for C (the message names the
    // session), nor is one for another counter.
    assert_eq!(beat(&mut w, &c, &pk_a, &good), Err(Error::BadSignature));
    assert_eq!(
        beat(&mut w, &a, &pk_a, &sign(&sk_a, &a, 1)),
        Err(Error::BadSignature)
    );
    // Nothing above was paid or counted; the real thing is, once.
    assert_eq!(
        w.call(t0, |r| r.session(&a)).unwrap().unwrap().heartbeats,
        0
    );
    assert!(beat(&mut w, &a, &pk_a, &good).unwrap() > 0);
    assert_eq!(beat(&mut w, &a, &pk_a, &good), Err(Error::BadSignature));
    assert!(beat(&mut w, &c, &pk_a, &sign(&sk_a, &c, 0)).is_ok());
}

// ----- governance --------------------------------------------------------------------------

#[test]
fn governance_cannot_be_handed_to_nobody_or_taken_without_acceptance() {
    let mut w = World::new(5);
    assert_eq!(
        w.call(T, |r| r.propose_admin(&ADMIN, &[0; 20])),
        Err(Error::BadParam)
    );
    assert_eq!(
        w.call(T, |r| r.propose_admin(&ATTACKER, &ATTACKER)),
        Err(Error::NotAdmin)
    );
    w.call(T, |r| r.propose_admin(&ADMIN, &MINER)).unwrap();
    // Until accepted, the admin governs; no one but the proposed account can accept.
    assert_eq!(
        w.call(T, |r| r.accept_admin(&ATTACKER)),
        Err(Error::NotAdmin)
    );
    w.call(T, |r| {
        r.set_param(&ADMIN, Param::BaseRate, word::from_u64(2))
    })
    .unwrap();
    w.call(T, |r| r.accept_admin(&MINER)).unwrap();
    assert!(w.events.iter().any(|e| matches!(
        e,
        Event::AdminChanged { previous, admin } if *previous == ADMIN && *admin == MINER
    )));
    assert_eq!(
        w.call(T, |r| r.set_param(
            &ADMIN,
            Param::BaseRate,
            word::from_u64(3)
        )),
        Err(Error::NotAdmin)
    );
    // The proposal is spent: accepting again does nothing.
    assert_eq!(w.call(T, |r| r.accept_admin(&MINER)), Err(Error::NotAdmin));
    assert_eq!(
        w.call(T, |r| r.param(Param::Admin)).unwrap(),
        word::from_address(&MINER)
    );
}

#[test]
fn governance_cannot_set_values_that_overflow_rewards_or_lock_stakes() {
    let mut w = World::new(5);
    let set = |w: &mut World, p: Param, v: Word| w.call(T, |r| r.set_param(&ADMIN, p, v));
    let over = [
        (Param::BaseRate, word::from_u128(MAX_BASE_RATE + 1)),
        (
            Param::HopperComputeUnits,
            word::from_u64(MAX_COMPUTE_UNITS + 1),
        ),
        (Param::BlackwellComputeUnits, word::from_u64(u64::MAX)),
        (
            Param::PublicComputeUnits,
            word::from_u64(MAX_COMPUTE_UNITS + 1),
        ),
        (
            Param::SevSnpComputeUnits,
            word::from_u64(MAX_COMPUTE_UNITS + 1),
        ),
        (Param::StakeCooldown, word::from_u64(MAX_STAKE_COOLDOWN + 1)),
        (Param::StakeCooldown, word::from_u64(u64::MAX)),
        (Param::MaxHeartbeatInterval, word::from_u64(u64::MAX)),
        (Param::AttestationTtl, word::from_u64(u64::MAX)),
    ];
    for (p, v) in over {
        assert_eq!(set(&mut w, p, v), Err(Error::BadParam), "{p:?}");
    }
    assert_eq!(
        w.call(T, |r| r.set_compute_units(
            &ADMIN,
            "chip",
            "project",
            MAX_COMPUTE_UNITS + 1
        )),
        Err(Error::BadParam)
    );
    // At every bound's largest value an 8-GPU composite's hour still settles.
    for (p, v) in [
        (Param::BaseRate, word::from_u128(MAX_BASE_RATE)),
        (Param::HopperComputeUnits, word::from_u64(MAX_COMPUTE_UNITS)),
        (Param::StakeCooldown, word::from_u64(MAX_STAKE_COOLDOWN)),
    ] {
        set(&mut w, p, v).unwrap();
    }
    let reward = aimine_tiers::reward_with_multiplier(
        MAX_BASE_RATE,
        aimine_registry::MAX_HEARTBEAT_INTERVAL,
        8 * MAX_COMPUTE_UNITS,
        TrustTier::Sovereign.multiplier(),
    );
    assert!(reward.is_ok());
    // A genesis outside the bounds is refused as well.
    let mut store = MemoryStore::new();
    let mut events = Vec::new();
    let env = aimine_registry::BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: UnixTime(T),
    };
    let mut bad = Config::with_admin(ADMIN);
    bad.stake_cooldown = u64::MAX;
    assert_eq!(
        Registry::new(&mut store, &mut events, env).init(&bad),
        Err(Error::BadParam)
    );
    assert_eq!(
        Registry::new(&mut store, &mut events, env).init(&Config::with_admin([0; 20])),
        Err(Error::BadParam)
    );
}

/// A session record whose header no longer decodes (a corrupt or tampered store) is an error,
/// never "no session": read as absent, it would let a second session open for the same GPU.
#[test]
fn a_session_record_that_does_not_decode_is_a_store_error_not_a_free_slot() {
    let mut w = World::new(3);
    let t0 = aimine_vectors::registry::T0;
    let q = w.quote(Architecture::Hopper, 1, &MINER, &MINER, t0, None);
    let id = w
        .call(t0, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
    let tier = aimine_registry::keys::offset(
        &aimine_registry::keys::mapping(aimine_registry::keys::SESSIONS, &id),
        aimine_registry::session_field::HEADER,
    );
    // Tier 7 (no such tier) in the class byte (byte 6: tier in bits 0–2), the kind as before.
    let mut packed = aimine_registry::Store::load(&mut w.store, &tier).unwrap();
    packed[6] = (packed[6] & !0b111) | 7;
    aimine_registry::Store::store(&mut w.store, &tier, packed).unwrap();
    assert_eq!(w.call(t0, |r| r.session(&id)), Err(Error::Store));
    let again = w.quote(Architecture::Hopper, 1, &MINER, &MINER, t0, None);
    assert_eq!(
        w.call(t0, |r| r.start_session(&MINER, &MINER, &again, None)),
        Err(Error::Store)
    );
}
