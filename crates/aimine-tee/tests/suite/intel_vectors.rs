//! Intel DCAP: every row of `cputee/MANIFEST.md`'s intel-dcap table, the pinned root, the graded
//! policy on real verdicts, and mutations of the quote body, QE report, QE signature,
//! attestation signature and collateral text.
use aimine_tee::intel::{
    Collateral, INTEL_SGX_ROOT_CA, IntelOptions, collateral_from_json, verify_quote,
};
use aimine_tee::{
    CpuCheck, Error, GradeReason, Kind, Measurements, Product, TcbPolicy, TcbStatus, UnixTime,
};
use aimine_tiers::{Multiplier, TrustTier};

const AT: UnixTime = aimine_vectors::cputee::INTEL_AT;

fn load(name: &str) -> Option<(Vec<u8>, Collateral)> {
    let (quote, json) = aimine_vectors::cputee::intel(name)?;
    Some((quote, collateral_from_json(&json).unwrap()))
}

fn verify(
    quote: &[u8],
    collateral: &Collateral,
    time: UnixTime,
) -> Result<aimine_tee::Attestation, Error> {
    verify_quote(
        quote,
        collateral,
        INTEL_SGX_ROOT_CA,
        time,
        &IntelOptions::default(),
    )
}

#[test]
fn pinned_root_is_the_vectors_root() {
    let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(INTEL_SGX_ROOT_CA).into();
    assert_eq!(
        hex::encode(digest),
        "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"
    );
    if let Some(root) = aimine_vectors::read("cputee/intel-dcap/TrustedRootCA.der") {
        assert_eq!(root, INTEL_SGX_ROOT_CA);
    }
}

#[test]
fn tdx_quote_is_accepted_up_to_date() {
    let Some((quote, collateral)) = load("tdx_quote") else {
        return;
    };
    let a = verify(&quote, &collateral, AT).unwrap();
    assert_eq!(
        (a.kind, a.version, a.tier()),
        (Kind::Tdx, 4, TrustTier::Confidential)
    );
    assert_eq!(a.tcb.status, TcbStatus::UpToDate);
    assert!(a.tcb.advisory_ids.is_empty());
    assert_eq!(a.tcb.stale_since, None);
    let Measurements::Tdx { mr_td, .. } = &a.measurements else {
        panic!("not TDX")
    };
    assert!(hex::encode(mr_td).starts_with("91eb2b44d141d4ece09f0c75"));
    assert!(hex::encode(a.report_data).starts_with("9a9d48e7f6799642"));
    assert!(matches!(a.product, Product::Intel { .. }));
    let grade = TcbPolicy::default().grade(&a.tcb, AT).unwrap();
    assert_eq!(
        (grade.multiplier, grade.reason),
        (Multiplier::ONE, GradeReason::UpToDate)
    );
}

#[test]
fn tdx_quote_before_its_collateral_is_refused() {
    let Some((quote, collateral)) = load("tdx_quote") else {
        return;
    };
    let err = verify(&quote, &collateral, UnixTime(1_750_000_000)).unwrap_err();
    assert_eq!(
        err,
        Error::CollateralNotYetValid {
            issued: UnixTime(1_750_329_147)
        }
    );
    assert_eq!(err.check(), CpuCheck::Collateral);
}

#[test]
fn tdx_quote_with_expired_collateral_is_graded_never_up_to_date() {
    let Some((quote, collateral)) = load("tdx_quote") else {
        return;
    };
    let late = UnixTime(1_764_000_000);
    let a = verify(&quote, &collateral, late).unwrap();
    // Verified as of the collateral's last valid moment: the PCK CRL's nextUpdate
    // (2025-07-19T10:00:35Z), which comes before the TCB info's (10:16:03Z).
    assert_eq!(a.tcb.stale_since, Some(UnixTime(1_752_919_235)));
    // Default grace (90 days) is over by then: refused.
    let policy = TcbPolicy::default();
    assert_eq!(
        policy.grade(&a.tcb, late).unwrap_err(),
        Error::StaleCollateralGraceOver {
            ended: UnixTime(1_752_919_235 + 90 * 86_400)
        }
    );
    // Within the grace: the reduced multiplier, never the full one.
    let g = policy
        .grade(&a.tcb, UnixTime(1_752_919_235 + 86_400))
        .unwrap();
    assert_eq!(
        (g.multiplier, g.reason),
        (
            Multiplier::from_bps(5_000),
            GradeReason::StaleCollateralInGrace
        )
    );
}

#[test]
fn sgx_quote_reads_status_and_advisories() {
    let Some((quote, collateral)) = load("sgx_quote") else {
        return;
    };
    let a = verify(&quote, &collateral, AT).unwrap();
    assert_eq!(
        (a.kind, a.version, a.tier()),
        (Kind::Sgx, 3, TrustTier::Private)
    );
    assert_eq!(a.tcb.status, TcbStatus::ConfigurationAndSwHardeningNeeded);
    assert_eq!(a.tcb.advisory_ids, ["INTEL-SA-00289", "INTEL-SA-00615"]);
    let Measurements::Sgx { mr_enclave, .. } = &a.measurements else {
        panic!("not SGX")
    };
    assert_eq!(
        hex::encode(mr_enclave),
        "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"
    );
    assert!(a.report_data.starts_with(b"Hello, world!"));
    // Graded: full by default, governance can reduce configuration-needed or ban an advisory.
    assert_eq!(
        TcbPolicy::default().grade(&a.tcb, AT).unwrap().multiplier,
        Multiplier::ONE
    );
    let reduced = TcbPolicy {
        configuration_bps: 7_500,
        sw_hardening_bps: 9_000,
        ..TcbPolicy::default()
    };
    assert_eq!(
        reduced.grade(&a.tcb, AT).unwrap().multiplier,
        Multiplier::from_bps(7_500)
    );
    let banned = TcbPolicy {
        banned_advisories: vec!["intel-sa-00615".into()],
        ..TcbPolicy::default()
    };
    assert_eq!(
        banned.grade(&a.tcb, AT).unwrap_err(),
        Error::AdvisoryBanned {
            id: "INTEL-SA-00615".into()
        }
    );
    let zero = TcbPolicy {
        configuration_bps: 0,
        ..TcbPolicy::default()
    };
    assert_eq!(zero.grade(&a.tcb, AT).unwrap_err(), Error::TcbStatusRefused);
}

#[test]
fn outdated_tdx_quote_matches_no_tcb_level() {
    let Some((quote, collateral)) = load("tdx_quote_outdated") else {
        return;
    };
    let err = verify(&quote, &collateral, UnixTime(1_772_000_000)).unwrap_err();
    assert_eq!(err.check(), CpuCheck::Tcb, "{err}");
    let (kind, version) = aimine_tee::intel::quote_kind(&quote).unwrap();
    assert_eq!((kind, version), (Kind::Tdx, 5));
}

#[test]
fn out_of_date_grading_follows_the_grace_period() {
    use aimine_tee::Tcb;
    let tcb = Tcb {
        status: TcbStatus::OutOfDate,
        advisory_ids: vec![],
        tcb_date: Some(UnixTime(1_000_000)),
        valid_until: UnixTime(u64::MAX),
        stale_since: None,
    };
    let p = TcbPolicy {
        grace_secs: 100,
        out_of_date_bps: 4_000,
        ..TcbPolicy::default()
    };
    assert_eq!(
        p.grade(&tcb, UnixTime(1_000_100)).unwrap().multiplier,
        Multiplier::from_bps(4_000)
    );
    assert_eq!(
        p.grade(&tcb, UnixTime(1_000_101)).unwrap_err(),
        Error::OutOfDateGraceOver {
            ended: UnixTime(1_000_100)
        }
    );
    for (status, bps) in [
        (TcbStatus::UpToDate, 10_000),
        (TcbStatus::SwHardeningNeeded, 9_000),
        (TcbStatus::ConfigurationNeeded, 8_000),
        (TcbStatus::ConfigurationAndSwHardeningNeeded, 8_000),
        (TcbStatus::TdRelaunchAdvised, 8_000),
        (TcbStatus::OutOfDate, 4_000),
        (TcbStatus::OutOfDateConfigurationNeeded, 4_000),
    ] {
        let p = TcbPolicy {
            sw_hardening_bps: 9_000,
            configuration_bps: 8_000,
            ..p.clone()
        };
        let t = Tcb {
            status,
            ..tcb.clone()
        };
        assert_eq!(
            p.grade(&t, UnixTime(1_000_050)).unwrap().multiplier,
            Multiplier::from_bps(bps),
            "{status}"
        );
    }
    let revoked = Tcb {
        status: TcbStatus::Revoked,
        ..tcb
    };
    assert_eq!(
        p.grade(&revoked, UnixTime(0)).unwrap_err(),
        Error::TcbRevoked
    );
}

/// Flips one bit at each of `offsets` and expects a refusal; returns how many were refused.
fn mutate(
    quote: &[u8],
    collateral: &Collateral,
    time: UnixTime,
    offsets: impl Iterator<Item = usize>,
) -> usize {
    let mut n = 0;
    for i in offsets {
        let mut bad = quote.to_vec();
        bad[i] ^= 0x01;
        let err =
            verify(&bad, collateral, time).expect_err(&format!("byte {i} changed, still accepted"));
        assert_ne!(err.check(), CpuCheck::TcbPolicy, "byte {i}: {err}");
        n += 1;
    }
    n
}

#[test]
fn quote_mutations_are_refused() {
    for (name, time, body_len) in [("tdx_quote", AT, 584), ("sgx_quote", AT, 384)] {
        let Some((quote, collateral)) = load(name) else {
            return;
        };
        // Header (48) + report body: every byte.
        let signed = 48 + body_len;
        let n_body = mutate(&quote, &collateral, time, 0..signed);
        // Auth data: signature length (4), attestation signature (64), attestation key (64), then
        // certification data type (2), size (4), QE report (384) and QE signature (64).
        let sig = signed + 4;
        let n_sig = mutate(&quote, &collateral, time, sig..sig + 64);
        // v4 (TDX) wraps the QE report in certification data type 6 (2 + 4 bytes); v3 does not.
        let qe_report = if name == "tdx_quote" {
            sig + 128 + 6
        } else {
            sig + 128
        };
        let n_qe = mutate(&quote, &collateral, time, qe_report..qe_report + 384);
        let n_qe_sig = mutate(&quote, &collateral, time, qe_report + 384..qe_report + 448);
        eprintln!(
            "{name}: refused {n_body} body, {n_sig} signature, {n_qe} QE report, {n_qe_sig} QE signature mutations"
        );
        assert_eq!((n_body, n_sig, n_qe, n_qe_sig), (signed, 64, 384, 64));
        // Truncations.
        for len in [0, 47, signed, signed + 100, quote.len() / 2] {
            assert!(
                verify(&quote[..len], &collateral, time).is_err(),
                "{name} truncated to {len}"
            );
        }
    }
}

#[test]
fn collateral_text_mutations_are_refused() {
    let Some((quote, collateral)) = load("tdx_quote") else {
        return;
    };
    let mut n = 0;
    for field in ["tcb_info", "qe_identity"] {
        let text = if field == "tcb_info" {
            &collateral.tcb_info
        } else {
            &collateral.qe_identity
        };
        // Change one digit or letter at a spread of positions.
        for (i, c) in text
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphanumeric())
            .step_by(23)
        {
            let replacement = if c == '0' {
                '1'
            } else if c.is_ascii_digit() {
                '0'
            } else if c == 'a' {
                'b'
            } else {
                'a'
            };
            let mut changed = text.clone();
            changed.replace_range(i..i + 1, &replacement.to_string());
            let mut bad = collateral.clone();
            if field == "tcb_info" {
                bad.tcb_info = changed
            } else {
                bad.qe_identity = changed
            }
            let err = verify(&quote, &bad, AT)
                .expect_err(&format!("{field}[{i}] changed, still accepted"));
            assert_eq!(err.check(), CpuCheck::Collateral, "{field}[{i}]: {err}");
            n += 1;
        }
    }
    assert!(n > 50, "{n}");
    // Another quote's collateral (SGX's, another FMSPC): refused.
    let Some((_, sgx)) = load("sgx_quote") else {
        return;
    };
    assert!(verify(&quote, &sgx, AT).is_err());
}

#[test]
fn another_root_refuses_everything() {
    let Some((quote, collateral)) = load("tdx_quote") else {
        return;
    };
    let other = aimine_tee::sev::pinned_ders(aimine_tee::AmdProduct::Milan).0;
    let err = verify_quote(&quote, &collateral, other, AT, &IntelOptions::default()).unwrap_err();
    assert_ne!(err.check(), CpuCheck::TcbPolicy, "{err}");
}

#[test]
fn collateral_verifies_on_its_own_and_every_part_matters() {
    use aimine_tee::intel::collateral::verify_collateral;
    for (name, time, tdx) in [
        ("tdx_quote", AT, true),
        ("sgx_quote", AT, false),
        ("tdx_quote_outdated", UnixTime(1_772_000_000), true),
    ] {
        let Some((_, c)) = load(name) else { return };
        let info = verify_collateral(&c, INTEL_SGX_ROOT_CA, time).unwrap();
        assert_eq!(info.tdx, tdx, "{name}");
        assert_eq!(info.qe_id, if tdx { "TD_QE" } else { "QE" });
        assert!(info.tcb_evaluation >= 17, "{name}: {}", info.tcb_evaluation);
        // The FMSPC is the one the quote's PCK certificate names.
        let (quote, _) = load(name).unwrap();
        assert_eq!(
            Some(info.fmspc),
            aimine_tee::intel::quote_fmspc(&quote),
            "{name}"
        );
    }
    let (_, c) = load("tdx_quote").unwrap();
    let refused = |bad: &Collateral| verify_collateral(bad, INTEL_SGX_ROOT_CA, AT).unwrap_err();
    let mut n = 0;
    // One character of each signed JSON text.
    for field in 0..2 {
        let text = if field == 0 {
            &c.tcb_info
        } else {
            &c.qe_identity
        };
        for i in (0..text.len()).step_by(41) {
            let mut changed = text.clone().into_bytes();
            changed[i] = if changed[i] == b'1' { b'2' } else { b'1' };
            let Ok(changed) = String::from_utf8(changed) else {
                continue;
            };
            let mut bad = c.clone();
            if field == 0 {
                bad.tcb_info = changed
            } else {
                bad.qe_identity = changed
            }
            assert_eq!(
                refused(&bad).check(),
                CpuCheck::Collateral,
                "field {field} byte {i}"
            );
            n += 1;
        }
    }
    // Each signature, and each CRL, one byte.
    for which in 0..4 {
        let mut bad = c.clone();
        match which {
            0 => bad.tcb_info_signature[10] ^= 1,
            1 => bad.qe_identity_signature[40] ^= 1,
            2 => {
                let k = bad.root_ca_crl.len() - 5;
                bad.root_ca_crl[k] ^= 1
            }
            _ => {
                let k = bad.pck_crl.len() - 5;
                bad.pck_crl[k] ^= 1
            }
        }
        let err = refused(&bad);
        assert!(
            matches!(err.check(), CpuCheck::Collateral | CpuCheck::Chain),
            "{which}: {err}"
        );
        n += 1;
    }
    assert!(n > 80, "{n}");
    // The PCK CA's chain given as the TCB signer's: the TCB info signature fails.
    let mut swapped = c.clone();
    swapped.tcb_info_issuer_chain = c.pck_crl_issuer_chain.clone();
    assert_eq!(refused(&swapped).check(), CpuCheck::Collateral);
    // Another root, and a time before Intel's signing certificates.
    assert_eq!(
        verify_collateral(
            &c,
            aimine_tee::sev::pinned_ders(aimine_tee::AmdProduct::Milan).0,
            AT
        )
        .unwrap_err()
        .check(),
        CpuCheck::Chain
    );
    assert_eq!(
        verify_collateral(&c, INTEL_SGX_ROOT_CA, UnixTime(1_500_000_000))
            .unwrap_err()
            .check(),
        CpuCheck::Chain
    );
    // Issued after the time: not yet valid.
    assert!(matches!(
        verify_collateral(&c, INTEL_SGX_ROOT_CA, UnixTime(1_750_000_000)).unwrap_err(),
        Error::CollateralNotYetValid { .. }
    ));
}
