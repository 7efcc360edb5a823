//! CPU TEE sessions: SEV-SNP reports forged by aimine-tee's test kit (bound to session nonces),
//! composite CPU+GPU quotes, grading, revocation by platform, and the real Intel quotes appraised
//! with their collateral inline.
use aimine_registry::Kind;

use aimine_envelope::testkit::Enveloped;
use aimine_envelope::{IntelCollateral, encode_composite, encode_intel, encode_sev_snp};
use aimine_nvtrust::Architecture;
use aimine_registry::{Address, Error, Param};
use aimine_tee::AmdProduct;
use aimine_tee::testkit::SevKit;
use aimine_tiers::TrustTier;
use aimine_vectors::cputee::INTEL_AT;
use aimine_vectors::quotes::{bound, hash_ids, platform, real_intel, real_intel_collateral, sev};
use aimine_vectors::registry::sev::{T, gpus, nonce, world};
use aimine_vectors::registry::{ADMIN, World};
use sha2::{Digest, Sha256};

const MINER: Address = [0x11; 20];
const OTHER: Address = [0x22; 20];

#[test]
fn an_sev_snp_guest_mines_at_the_confidential_tier() {
    let (mut w, kit) = world();
    let q = sev(&kit, 0, bound(nonce(&w, &MINER, T), [0; 32]), 0x30000);
    let id = w
        .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
    let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
    assert_eq!(
        (s.gpu_id, s.tier, s.kind, s.grade_bps, s.compute_units),
        (
            platform(0),
            TrustTier::Confidential,
            Kind::SevSnp,
            10_000,
            100
        )
    );
    // Heartbeat pays rate × seconds × units × 1.0.
    let paid = w
        .call(T + 1_800, |r| r.heartbeat(&MINER, &id, None))
        .unwrap();
    assert_eq!(paid, 1_000_000_000u128 * 1_800 * 100);
    // The platform is busy for another miner; the same miner refreshes.
    let other = sev(&kit, 0, bound(nonce(&w, &OTHER, T), [0; 32]), 0x30000);
    assert_eq!(
        w.call(T, |r| r.start_session(&OTHER, &OTHER, &other, None)),
        Err(Error::GpuBusy)
    );
    let again = w
        .call(T + 1_900, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
    assert_eq!(again, id);
    // Another chip is another platform.
    let q1 = sev(&kit, 1, bound(nonce(&w, &OTHER, T), [0; 32]), 0x30000);
    let id1 = w
        .call(T, |r| r.start_session(&OTHER, &OTHER, &q1, None))
        .unwrap();
    assert_ne!(id1, id);
    // Revoking the platform ends its session at the next heartbeat.
    w.call(T, |r| r.set_revoked(&ADMIN, &platform(1), true))
        .unwrap();
    assert_eq!(
        w.call(T + 60, |r| r.heartbeat(&OTHER, &id1, None)).unwrap(),
        0
    );
    assert!(!w.call(T, |r| r.session(&id1)).unwrap().unwrap().active);
    assert_eq!(
        w.call(T, |r| r.start_session(&OTHER, &OTHER, &q1, None)),
        Err(Error::GpuRevoked)
    );
}

#[test]
fn report_data_binds_chain_miner_and_epoch() {
    let (mut w, kit) = world();
    // Wrong report data, another miner's nonce, two epochs old, and another chain's.
    let stale = nonce(&w, &MINER, T - 2 * 3_600);
    let mut elsewhere = World::new(7);
    elsewhere.chain_id = 1;
    let foreign = nonce(&elsewhere, &MINER, T);
    for data in [[0u8; 32], nonce(&w, &OTHER, T), stale, foreign] {
        let q = sev(&kit, 0, bound(data, [0; 32]), 0x30000);
        assert_eq!(
            w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
            Err(Error::NonceNotBound)
        );
    }
    // The previous epoch's nonce is still fresh.
    let prev = nonce(&w, &MINER, T - 3_600);
    let q = sev(&kit, 0, bound(prev, [0; 32]), 0x30000);
    w.call(T, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
}

#[test]
fn debug_guests_are_refused_unless_governance_allows_them() {
    let (mut w, kit) = world();
    let q = sev(
        &kit,
        0,
        bound(nonce(&w, &MINER, T), [0; 32]),
        0x30000 | 1 << 19,
    );
    assert_eq!(
        w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::GuestPolicy))
    );
    w.call(T, |r| {
        r.set_param(
            &ADMIN,
            Param::AllowDebugGuests,
            aimine_registry::word::from_u64(1),
        )
    })
    .unwrap();
    w.call(T, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
}

#[test]
fn an_unknown_amd_root_is_refused_and_a_tampered_report_too() {
    let mut w = World::new(7);
    let kit = SevKit::milan();
    let q = sev(&kit, 0, bound(nonce(&w, &MINER, T), [0; 32]), 0x30000);
    assert_eq!(
        w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Chain))
    );
    let (mut w, kit) = world();
    let mut q = sev(&kit, 0, bound(nonce(&w, &MINER, T), [0; 32]), 0x30000);
    q[6 + 0x90] ^= 1; // the measurement
    assert_eq!(
        w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Signature))
    );
    // Governance cannot install a pair whose ASK the ARK did not sign.
    let (ark, _) = kit.chain();
    assert_eq!(
        w.call(T, |r| r.set_amd_root(
            &ADMIN,
            1,
            AmdProduct::Milan,
            ark,
            aimine_tee::sev::pinned_ders(AmdProduct::Milan).1
        )),
        Err(Error::BadParam)
    );
    assert_eq!(
        w.call(T, |r| r.set_amd_root(
            &MINER,
            1,
            AmdProduct::Milan,
            ark,
            ark
        )),
        Err(Error::NotAdmin)
    );
}

#[test]
fn a_composite_session_binds_the_vm_and_its_gpus() {
    let (mut w, kit) = world();
    let n = nonce(&w, &MINER, T);
    let (envs, ids) = gpus(&mut w, n, &[1, 2]);
    let cpu = sev(&kit, 0, bound(n, hash_ids(&ids)), 0x30000);
    let refs: Vec<&[u8]> = envs.iter().map(Vec::as_slice).collect();
    let q = encode_composite(&cpu, &refs).unwrap();
    let id = w
        .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
        .unwrap();
    let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
    // The GPUs' tier (Hopper: Confidential) and their compute units (2 × 1,000).
    assert_eq!(
        (s.gpu_id, s.tier, s.kind, s.compute_units),
        (platform(0), TrustTier::Confidential, Kind::Composite, 2_000)
    );
    assert_eq!(w.call(T, |r| r.session_gpus(&id)).unwrap(), ids);
    // Each GPU is busy: another miner cannot mine it alone.
    let mut o =
        aimine_nvtrust::testkit::ForgeOptions::new(Architecture::Hopper, nonce(&w, &OTHER, T));
    o.device = 1;
    let alone = w.pki.forge(&o).envelope();
    assert_eq!(
        w.call(T, |r| r.start_session(&OTHER, &OTHER, &alone, None)),
        Err(Error::GpuBusy)
    );
    // Revoking one GPU ends the composite session; its GPUs are free again.
    w.call(T, |r| r.set_revoked(&ADMIN, &ids[1], true)).unwrap();
    assert_eq!(
        w.call(T + 60, |r| r.heartbeat(&MINER, &id, None)).unwrap(),
        0
    );
    w.call(T, |r| r.start_session(&OTHER, &OTHER, &alone, None))
        .unwrap();
}

#[test]
fn composite_quotes_with_missing_extra_reordered_or_unbound_gpus_are_refused() {
    let (mut w, kit) = world();
    let n = nonce(&w, &MINER, T);
    let (envs, ids) = gpus(&mut w, n, &[1, 2, 3]);
    let try_start = |w: &mut World, named: &[[u8; 32]], carried: &[&Vec<u8>]| {
        let cpu = sev(&kit, 0, bound(n, hash_ids(named)), 0x30000);
        let refs: Vec<&[u8]> = carried.iter().map(|v| v.as_slice()).collect();
        let q = encode_composite(&cpu, &refs).unwrap();
        w.call(T, |r| r.start_session(&MINER, &MINER, &q, None))
    };
    // Missing: names two, carries one. Extra: names one, carries two. Reordered. Duplicated.
    assert_eq!(
        try_start(&mut w, &ids[..2], &[&envs[0]]),
        Err(Error::GpuSetMismatch)
    );
    assert_eq!(
        try_start(&mut w, &ids[..1], &[&envs[0], &envs[1]]),
        Err(Error::GpuSetMismatch)
    );
    assert_eq!(
        try_start(&mut w, &[ids[0], ids[1]], &[&envs[1], &envs[0]]),
        Err(Error::GpuSetMismatch)
    );
    assert_eq!(
        try_start(&mut w, &[ids[0], ids[0]], &[&envs[0], &envs[0]]),
        Err(Error::GpuSetMismatch)
    );
    // A GPU answering another nonce (another miner's) fails its own nonce check.
    let other_nonce = nonce(&w, &OTHER, T);
    let (other_envs, other_ids) = gpus(&mut w, other_nonce, &[4]);
    let err = try_start(&mut w, &other_ids, &[&other_envs[0]]).unwrap_err();
    assert!(
        matches!(err, Error::Quote(e) if e.check() == aimine_nvtrust::GpuCheck::Nonce),
        "{err:?}"
    );
    // The right set in the right order works.
    try_start(&mut w, &ids, &[&envs[0], &envs[1], &envs[2]]).unwrap();
}

#[test]
fn real_intel_quotes_are_appraised_with_inline_collateral_and_graded() {
    let Some(tdx) = real_intel("tdx_quote") else {
        return;
    };
    let sgx = real_intel("sgx_quote").unwrap();
    let at = INTEL_AT.as_secs();
    let mut w = World::new(7);
    let a = w.call(at, |r| r.appraise_quote(&tdx, None)).unwrap();
    assert_eq!(
        (a.kind, a.tier, a.compute_units, a.grade_bps),
        (Kind::Tdx, TrustTier::Confidential, 100, 10_000)
    );
    let s = w.call(at, |r| r.appraise_quote(&sgx, None)).unwrap();
    assert_eq!(
        (s.kind, s.tier, s.compute_units, s.grade_bps),
        (Kind::Sgx, TrustTier::Private, 50, 10_000)
    );
    // ConfigurationAndSWHardeningNeeded: governance grades it, or bans one of its advisories.
    let word = aimine_registry::word::from_u64;
    w.call(at, |r| {
        r.set_param(&ADMIN, Param::TcbConfigurationBps, word(7_500))
    })
    .unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&sgx, None))
            .unwrap()
            .grade_bps,
        7_500
    );
    w.call(at, |r| {
        r.set_advisory_banned(&ADMIN, "intel-sa-00615", true)
    })
    .unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&sgx, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
    );
    // The nonce is the report data's first half.
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&tdx, Some(&[0; 32]))),
        Err(Error::NonceNotBound)
    );
    // Expired collateral: graded (50 %) within the grace, refused after.
    let stale_since = 1_752_919_235;
    let g = w
        .call(stale_since + 86_400, |r| r.appraise_quote(&tdx, None))
        .unwrap();
    assert_eq!(g.grade_bps, 5_000);
    assert_eq!(
        w.call(1_764_000_000, |r| r.appraise_quote(&tdx, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
    );
    // A quote relying on stored collateral the chain does not have.
    let (quote, _) = aimine_vectors::cputee::intel("tdx_quote").unwrap();
    let bare = encode_intel(Kind::Tdx, &quote, None).unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&bare, None)),
        Err(Error::CollateralMissing)
    );
    // An SGX quote declared as TDX.
    let mut lying = sgx.clone();
    lying[5] = Kind::Tdx.as_u8();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&lying, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Format))
    );
}

#[test]
fn intel_policy_floors_and_the_chain_switch() {
    let Some(tdx) = real_intel("tdx_quote") else {
        return;
    };
    let at = INTEL_AT.as_secs();
    let word = aimine_registry::word::from_u64;
    let mut w = World::new(7);
    // The vector's collateral is TCB evaluation 17, the default floor: accepted.
    assert!(w.call(at, |r| r.appraise_quote(&tdx, None)).is_ok());
    // Governance raises the floor past it: refused, though the chain stores nothing newer.
    w.call(at, |r| {
        r.set_param(&ADMIN, Param::MinTcbEvaluation, word(18))
    })
    .unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&tdx, None)),
        Err(Error::CollateralSuperseded)
    );
    w.call(at, |r| {
        r.set_param(&ADMIN, Param::MinTcbEvaluation, word(17))
    })
    .unwrap();
    // A chain that does not accept Intel quotes refuses them in every build, as a format
    // failure; collateral submissions too.
    w.call(at, |r| r.set_param(&ADMIN, Param::IntelQuotes, word(0)))
        .unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&tdx, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Format))
    );
    let collateral = real_intel_collateral("tdx_quote").unwrap();
    assert_eq!(
        w.call(at, |r| r.submit_intel_collateral(&collateral)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Format))
    );
    w.call(at, |r| r.set_param(&ADMIN, Param::IntelQuotes, word(1)))
        .unwrap();
    assert!(w.call(at, |r| r.appraise_quote(&tdx, None)).is_ok());
}

#[test]
fn submitted_intel_collateral_serves_quotes_that_carry_none() {
    let Some(encoded) = real_intel_collateral("tdx_quote") else {
        return;
    };
    let at = INTEL_AT.as_secs();
    let mut w = World::new(7);
    let (quote, _) = aimine_vectors::cputee::intel("tdx_quote").unwrap();
    let bare = encode_intel(Kind::Tdx, &quote, None).unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&bare, None)),
        Err(Error::CollateralMissing)
    );
    // Anyone submits it; it verifies and is kept for its FMSPC.
    let (fmspc, tdx, evaluation) = w.call(at, |r| r.submit_intel_collateral(&encoded)).unwrap();
    assert_eq!(
        (hex::encode(fmspc), tdx, evaluation),
        ("b0c06f000000".into(), true, 17)
    );
    assert!(matches!(
        w.events.last(),
        Some(aimine_registry::Event::CollateralSubmitted {
            tdx: true,
            tcb_evaluation: 17,
            ..
        })
    ));
    let a = w.call(at, |r| r.appraise_quote(&bare, None)).unwrap();
    assert_eq!((a.kind, a.tier), (Kind::Tdx, TrustTier::Confidential));
    // The same again is not newer.
    assert_eq!(
        w.call(at, |r| r.submit_intel_collateral(&encoded)),
        Err(Error::CollateralSuperseded)
    );
    // One character of the signed TCB info changed: refused on submission.
    let mut bad = encoded.clone();
    let at_json = bad.windows(7).position(|x| x == b"\"fmspc\"").unwrap();
    bad[at_json + 10] ^= 1;
    assert_eq!(
        w.call(at, |r| r.submit_intel_collateral(&bad)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Collateral))
    );
    // Once the chain holds newer collateral (evaluation 99 here), a quote carrying older is refused.
    let key = aimine_registry::collateral_key(&fmspc, true);
    aimine_registry::Store::store(&mut w.store, &key, aimine_registry::word::from_u64(99)).unwrap();
    let inline = real_intel("tdx_quote").unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&inline, None)),
        Err(Error::CollateralSuperseded)
    );
    // And garbage is an envelope error.
    assert!(matches!(
        w.call(at, |r| r.submit_intel_collateral(&[1, 2, 3])),
        Err(Error::Envelope(_))
    ));
}

#[test]
fn a_submitted_vcek_serves_reports_that_carry_no_certificate() {
    let Some((report, vcek)) = aimine_vectors::cputee::milan() else {
        return;
    };
    let at = aimine_vectors::cputee::MILAN_AT.as_secs();
    let mut w = World::new(7);
    let bare = encode_sev_snp(&report, &[]).unwrap();
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&bare, None)),
        Err(Error::CollateralMissing)
    );
    let mut tampered = vcek.clone();
    tampered[300] ^= 1;
    assert!(matches!(
        w.call(at, |r| r.submit_vcek(&tampered)),
        Err(Error::CpuQuote(_))
    ));
    let key = w.call(at, |r| r.submit_vcek(&vcek)).unwrap();
    assert!(
        matches!(w.events.last(), Some(aimine_registry::Event::VcekSubmitted { chip_key }) if *chip_key == key)
    );
    let a = w.call(at, |r| r.appraise_quote(&bare, None)).unwrap();
    assert_eq!(
        (a.kind, a.tier, a.compute_units),
        (Kind::SevSnp, TrustTier::Confidential, 100)
    );
    let chip = aimine_tee::sev::Report::parse(&report).unwrap().chip_id();
    assert_eq!(a.gpu_id, <[u8; 32]>::from(Sha256::digest(chip)));
    // The real report's nonce is its own: a different expected nonce fails.
    assert_eq!(
        w.call(at, |r| r.appraise_quote(&bare, Some(&[1; 32]))),
        Err(Error::NonceNotBound)
    );
    // After the VCEK expires, the stored one fails its time check.
    assert_eq!(
        w.call(1_950_000_000, |r| r.appraise_quote(&bare, None)),
        Err(Error::CpuQuote(aimine_tee::CpuCheck::Chain))
    );
}

mod tdx {
    use super::*;
    use aimine_tee::testkit::intel::{IntelKit, OUT_OF_DATE_TDX_SVN, TdFields};

    /// A world that trusts the Intel test kit's root and holds its collateral.
    fn world() -> (World, IntelKit) {
        let mut w = World::new(9);
        let kit = IntelKit::new();
        w.call(T, |r| r.set_intel_root(&ADMIN, kit.root())).unwrap();
        let c = kit.collateral();
        let encoded = aimine_envelope::encode_collateral(&IntelCollateral::from_dcap(&c)).unwrap();
        w.call(T, |r| r.submit_intel_collateral(&encoded)).unwrap();
        (w, kit)
    }

    fn quote(kit: &IntelKit, data: [u8; 64], svn: Option<[u8; 16]>) -> Vec<u8> {
        let mut fields = TdFields {
            report_data: data,
            ..TdFields::default()
        };
        if let Some(s) = svn {
            fields.tee_tcb_svn = s;
        }
        encode_intel(Kind::Tdx, &kit.tdx_quote(&fields), None).unwrap()
    }

    #[test]
    fn a_td_mines_bound_to_its_session_nonce() {
        let (mut w, kit) = world();
        let q = quote(&kit, bound(nonce(&w, &MINER, T), [0; 32]), None);
        let id = w
            .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
            .unwrap();
        let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
        assert_eq!(
            (s.gpu_id, s.tier, s.kind, s.grade_bps, s.compute_units),
            (
                kit.platform_id(),
                TrustTier::Confidential,
                Kind::Tdx,
                10_000,
                100
            )
        );
        assert_eq!(
            w.call(T + 600, |r| r.heartbeat(&MINER, &id, None)).unwrap(),
            1_000_000_000u128 * 600 * 100
        );
        // The same TD for another miner: busy. Replays: another miner's, an old epoch's, another chain's.
        let other = quote(&kit, bound(nonce(&w, &OTHER, T), [0; 32]), None);
        assert_eq!(
            w.call(T, |r| r.start_session(&OTHER, &OTHER, &other, None)),
            Err(Error::GpuBusy)
        );
        let mut elsewhere = World::new(9);
        elsewhere.chain_id = 5;
        for data in [
            nonce(&w, &OTHER, T),
            nonce(&w, &MINER, T - 7_200),
            nonce(&elsewhere, &MINER, T),
            [9; 32],
        ] {
            let q = quote(&kit, bound(data, [0; 32]), None);
            assert_eq!(
                w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
                Err(Error::NonceNotBound)
            );
        }
    }

    #[test]
    fn an_out_of_date_td_earns_the_graded_rate_until_its_grace_ends() {
        let (mut w, kit) = world();
        let word = aimine_registry::word::from_u64;
        let q = quote(
            &kit,
            bound(nonce(&w, &MINER, T), [0; 32]),
            Some(OUT_OF_DATE_TDX_SVN),
        );
        // The out-of-date level is dated 2025-01-01: the default 90-day grace is long over.
        assert_eq!(
            w.call(T, |r| r.start_session(&MINER, &MINER, &q, None)),
            Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
        );
        w.call(T, |r| {
            r.set_param(&ADMIN, Param::TcbGraceSeconds, word(10 * 365 * 86_400))
        })
        .unwrap();
        let id = w
            .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
            .unwrap();
        let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
        assert_eq!(s.grade_bps, 5_000);
        // Half the Confidential rate.
        assert_eq!(
            w.call(T + 600, |r| r.heartbeat(&MINER, &id, None)).unwrap(),
            1_000_000_000u128 * 600 * 100 / 2
        );
        // Governance shortens the grace again: refused from now on.
        w.call(T, |r| {
            r.set_param(&ADMIN, Param::TcbGraceSeconds, word(86_400))
        })
        .unwrap();
        let later = T + 3_600;
        let q = quote(
            &kit,
            bound(nonce(&w, &MINER, later), [0; 32]),
            Some(OUT_OF_DATE_TDX_SVN),
        );
        assert_eq!(
            w.call(later, |r| r.start_session(&MINER, &MINER, &q, None)),
            Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
        );
        // A banned advisory refuses too.
        w.call(T, |r| {
            r.set_param(&ADMIN, Param::TcbGraceSeconds, word(10 * 365 * 86_400))
        })
        .unwrap();
        w.call(T, |r| r.set_advisory_banned(&ADMIN, "INTEL-SA-99999", true))
            .unwrap();
        assert_eq!(
            w.call(later, |r| r.start_session(&MINER, &MINER, &q, None)),
            Err(Error::CpuQuote(aimine_tee::CpuCheck::TcbPolicy))
        );
    }

    #[test]
    fn a_td_with_its_gpus_mines_at_the_gpu_tier() {
        let (mut w, kit) = world();
        let n = nonce(&w, &MINER, T);
        let (envs, ids) = gpus(&mut w, n, &[1, 2]);
        let cpu = quote(&kit, bound(n, hash_ids(&ids)), None);
        let refs: Vec<&[u8]> = envs.iter().map(Vec::as_slice).collect();
        let q = encode_composite(&cpu, &refs).unwrap();
        let id = w
            .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
            .unwrap();
        let s = w.call(T, |r| r.session(&id)).unwrap().unwrap();
        assert_eq!(
            (s.gpu_id, s.tier, s.kind, s.compute_units),
            (
                kit.platform_id(),
                TrustTier::Confidential,
                Kind::Composite,
                2_000
            )
        );
        // Reordered GPUs: refused.
        let (mut w2, kit2) = world();
        let n2 = nonce(&w2, &MINER, T);
        let (envs2, ids2) = gpus(&mut w2, n2, &[1, 2]);
        let cpu2 = quote(&kit2, bound(n2, hash_ids(&ids2)), None);
        let swapped = encode_composite(&cpu2, &[&envs2[1], &envs2[0]]).unwrap();
        assert_eq!(
            w2.call(T, |r| r.start_session(&MINER, &MINER, &swapped, None)),
            Err(Error::GpuSetMismatch)
        );
    }

    #[test]
    fn without_the_kit_root_a_kit_quote_is_refused() {
        let mut w = World::new(9);
        let kit = IntelKit::new();
        let c = kit.collateral();
        let col = IntelCollateral::from_dcap(&c);
        let fields = TdFields {
            report_data: bound(nonce(&w, &MINER, T), [0; 32]),
            ..TdFields::default()
        };
        let q = encode_intel(Kind::Tdx, &kit.tdx_quote(&fields), Some(&col)).unwrap();
        let err = w
            .call(T, |r| r.start_session(&MINER, &MINER, &q, None))
            .unwrap_err();
        assert!(
            matches!(err, Error::CpuQuote(c) if c != aimine_tee::CpuCheck::TcbPolicy),
            "{err:?}"
        );
        assert_eq!(
            w.call(T, |r| r.set_intel_root(&MINER, kit.root())),
            Err(Error::NotAdmin)
        );
    }
}
