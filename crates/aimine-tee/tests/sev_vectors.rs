//! AMD SEV-SNP: every row of `cputee/MANIFEST.md`'s amd-sev-snp table, the pinned roots, and
//! mutations of every signed byte and every signature byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use aimine_tee::error::Role;
use aimine_tee::sev::report::{Report, SIGNED_LEN, SigningKey};
use aimine_tee::sev::roots::{self, AmdRoots, ProductRoots};
use aimine_tee::sev::verify::{
    Endorsement, SevOptions, verify_endorsement, verify_report, verify_with_key,
};
use aimine_tee::{AmdProduct, Check, Error, Kind, Measurements, Product, TcbStatus};
use aimine_tiers::TrustTier;
use base64::Engine;

/// 2025-01-01T00:00:00Z, the MANIFEST's time for the Milan report.
const AT: u64 = 1_735_689_600;

struct Milan {
    report: Vec<u8>,
    vcek: Vec<u8>,
    chain: Vec<Vec<u8>>,
    turin_chain: Vec<Vec<u8>>,
    turin_vcek: Vec<u8>,
}

fn pem_chain(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut out = Vec::new();
    let mut body = String::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN") {
            inside = true;
            body.clear();
        } else if line.starts_with("-----END") {
            inside = false;
            out.push(
                base64::engine::general_purpose::STANDARD
                    .decode(&body)
                    .unwrap(),
            );
        } else if inside {
            body.push_str(line);
        }
    }
    out
}

fn load() -> Option<Milan> {
    let v = |f: &str| aimine_vectors::read(&format!("cputee/amd-sev-snp/{f}"));
    Some(Milan {
        report: aimine_vectors::read_hex("cputee/amd-sev-snp/report_milan.hex")?,
        vcek: v("vcek_milan.der")?,
        chain: pem_chain(&v("cert_chain_milan")?),
        turin_chain: pem_chain(&v("cert_chain_turin")?),
        turin_vcek: v("vcek_turin.der")?,
    })
}

fn endorsement<'a>(leaf: &'a [u8], chain: &'a [Vec<u8>]) -> Endorsement<'a> {
    Endorsement {
        leaf,
        intermediate: Some(&chain[0]),
        ark: Some(&chain[1]),
    }
}

#[test]
fn pinned_roots_are_amds_and_self_consistent() {
    let roots = AmdRoots::pinned().unwrap();
    assert_eq!(roots.products().len(), 3);
    for p in roots.products() {
        // Each ASK is signed by its ARK, each ARK by itself: checked here once, not per report.
        p.check_signatures().unwrap();
        let name = p.product.name();
        assert_eq!(p.ark().common_name(), format!("ARK-{name}").as_bytes());
        assert_eq!(p.ask().common_name(), format!("SEV-{name}").as_bytes());
    }
    // Another product's ARK does not sign this ASK.
    let milan = roots.get(AmdProduct::Milan).unwrap();
    let turin = roots.get(AmdProduct::Turin).unwrap();
    assert_eq!(
        milan.ask().check_signed_by(turin.ark_issuer()),
        Err(Error::CertSignature { role: Role::Ask })
    );
    let Some(m) = load() else { return };
    // The vectors' chains are the pinned certificates, byte for byte.
    assert_eq!(
        m.chain,
        vec![roots::MILAN_ASK.to_vec(), roots::MILAN_ARK.to_vec()]
    );
    assert_eq!(
        m.turin_chain,
        vec![roots::TURIN_ASK.to_vec(), roots::TURIN_ARK.to_vec()]
    );
}

#[test]
fn milan_report_is_accepted_with_every_field() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let report = Report::parse(&m.report).unwrap();
    assert_eq!(report.version(), 2);
    assert_eq!(report.policy(), 0x30000);
    assert_eq!(report.signing_key().unwrap(), SigningKey::Vcek);
    for e in [
        endorsement(&m.vcek, &m.chain),
        Endorsement {
            leaf: &m.vcek,
            ..Default::default()
        },
    ] {
        let a = verify_report(&m.report, &e, &roots, AT, &SevOptions::default()).unwrap();
        assert_eq!(a.kind, Kind::SevSnp);
        assert_eq!(a.tier(), TrustTier::Confidential);
        assert_eq!(a.version, 2);
        assert_eq!(a.product, Product::Amd(AmdProduct::Milan));
        assert_eq!(a.tcb.status, TcbStatus::UpToDate);
        assert!(a.tcb.advisory_ids.is_empty());
        assert_eq!(a.tcb.valid_until, 1_901_474_623); // the VCEK's notAfter, 2030-04-03T19:23:43Z
        assert!(hex::encode(a.report_data).starts_with("d447b55d197491bf"));
        let chip = report.chip_id();
        assert!(hex::encode(chip).starts_with("d49554ec717f4e5b"));
        let expected_id: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(chip).into();
        assert_eq!(a.platform_id, expected_id);
        let Measurements::SevSnp {
            measurement,
            policy,
            vmpl,
            ..
        } = a.measurements
        else {
            panic!("not SEV-SNP measurements")
        };
        assert_eq!(
            hex::encode(measurement),
            "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f"
        );
        assert_eq!((policy, vmpl), (0x30000, 0));
    }
    // The reported TCB the VCEK must equal: bootloader 3, TEE 0, SNP 8, microcode 115.
    let key = verify_endorsement(
        &endorsement(&m.vcek, &m.chain),
        SigningKey::Vcek,
        None,
        &roots,
        AT,
    )
    .unwrap();
    assert_eq!(
        (
            key.tcb.bootloader,
            key.tcb.tee,
            key.tcb.snp,
            key.tcb.microcode,
            key.tcb.fmc
        ),
        (3, 0, 8, 115, None)
    );
    let parts = report.reported_tcb().parts(false);
    assert_eq!(
        (parts.bootloader, parts.tee, parts.snp, parts.microcode),
        (3, 0, 8, 115)
    );
}

#[test]
fn milan_vcek_under_turin_chain_is_refused() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let err = verify_report(
        &m.report,
        &endorsement(&m.vcek, &m.turin_chain),
        &roots,
        AT,
        &SevOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::CertSignature {
            role: Role::Endorsement
        }
    );
    assert_eq!(err.check(), Check::Chain);
}

#[test]
fn times_outside_the_vcek_window_are_refused() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let expired = Error::CertTime {
        role: Role::Endorsement,
        not_before: 1_680_549_823,
        not_after: 1_901_474_623,
    };
    for (time, ok) in [
        (1_950_000_000, false),
        (1_901_474_623, true),
        (1_901_820_224, false),
        (1_680_549_823, true),
        (1_680_549_822, false),
    ] {
        let r = verify_report(
            &m.report,
            &endorsement(&m.vcek, &m.chain),
            &roots,
            time,
            &SevOptions::default(),
        );
        if ok {
            r.unwrap();
        } else {
            assert_eq!(r.unwrap_err(), expired, "at {time}");
        }
    }
}

#[test]
fn turin_chain_alone_verifies() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let key = verify_endorsement(
        &endorsement(&m.turin_vcek, &m.turin_chain),
        SigningKey::Vcek,
        None,
        &roots,
        AT,
    )
    .unwrap();
    assert_eq!(key.product, AmdProduct::Turin);
    assert!(key.tcb.fmc.is_some(), "Turin VCEKs carry FMC");
    assert_eq!(key.hwid.as_ref().unwrap().len(), 8);
    // Found by its productName when no chain is given, too.
    let bare = Endorsement {
        leaf: &m.turin_vcek,
        ..Default::default()
    };
    assert_eq!(
        verify_endorsement(&bare, SigningKey::Vcek, None, &roots, AT)
            .unwrap()
            .product,
        AmdProduct::Turin
    );
    // And the Milan report does not verify under it (another chip, another product).
    let err = verify_with_key(&m.report, &key, &SevOptions::default()).unwrap_err();
    assert_eq!(err, Error::ReportSignature);
}

#[test]
fn every_signed_byte_and_signature_byte_matters() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let key = verify_endorsement(
        &endorsement(&m.vcek, &m.chain),
        SigningKey::Vcek,
        None,
        &roots,
        AT,
    )
    .unwrap();
    let options = SevOptions {
        allow_debug: true,
        max_vmpl: 3,
    };
    let mut refused = 0;
    // Bytes 0x000..0x2A0 and the 144 signature bytes (r and s with their padding).
    for i in (0..SIGNED_LEN).chain(0x2A0..0x2A0 + 144) {
        let mut bad = m.report.clone();
        bad[i] ^= 0x01;
        let err = verify_with_key(&bad, &key, &options).unwrap_err();
        assert!(
            matches!(err.check(), Check::Format | Check::Signature | Check::Chain),
            "byte {i:#x}: {err}"
        );
        refused += 1;
    }
    assert_eq!(refused, 0x2A0 + 144);
    // The reserved tail after the signature is not signed; nothing reads it.
    let mut tail = m.report.clone();
    tail[0x4A0 - 1] ^= 1;
    verify_with_key(&tail, &key, &options).unwrap();
}

#[test]
fn truncated_and_extended_reports_are_format_errors() {
    let Some(m) = load() else { return };
    for len in [0, 1, 0x2A0, 0x4A0 - 1] {
        assert_eq!(
            Report::parse(&m.report[..len]).unwrap_err(),
            Error::ReportLength { len }
        );
    }
    let mut long = m.report.clone();
    long.push(0);
    assert_eq!(Report::parse(&long).unwrap_err().check(), Check::Format);
}

#[test]
fn chain_mutations_are_refused() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let run = |vcek: &[u8], chain: &[Vec<u8>]| {
        verify_report(
            &m.report,
            &endorsement(vcek, chain),
            &roots,
            AT,
            &SevOptions::default(),
        )
    };
    // Every byte of the VCEK's signed part (its tbsCertificate) flipped: refused by the chain.
    let tbs = 4..4 + 4 + 763;
    let mut counted = 0;
    for i in tbs.clone() {
        let mut bad = m.vcek.clone();
        bad[i] ^= 0x01;
        let err = run(&bad, &m.chain).unwrap_err();
        assert!(matches!(err.check(), Check::Chain), "VCEK byte {i}: {err}");
        counted += 1;
    }
    assert_eq!(counted, tbs.len());
    // The VCEK's signature.
    let mut bad = m.vcek.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    assert_eq!(
        run(&bad, &m.chain).unwrap_err(),
        Error::CertSignature {
            role: Role::Endorsement
        }
    );
    // An ARK nobody pinned (one byte of its modulus changed). Roots are pinned by key: a
    // change in the ARK's own signature is not a change of root, so it needs no check.
    let mut ark = m.chain[1].clone();
    ark[500] ^= 1;
    assert_eq!(
        run(&m.vcek, &[m.chain[0].clone(), ark]).unwrap_err(),
        Error::UnknownProduct
    );
    // The chain in the wrong order.
    let err = run(&m.vcek, &[m.chain[1].clone(), m.chain[0].clone()]).unwrap_err();
    assert_eq!(err, Error::UnknownProduct);
    // The ASK presented as the VCEK (a CA certificate, with critical CA extensions).
    let err = run(&m.chain[0], &m.chain).unwrap_err();
    assert_eq!(err.check(), Check::Chain, "{err}");
}

#[test]
fn guest_policy_debug_and_vmpl() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let key = verify_endorsement(
        &endorsement(&m.vcek, &m.chain),
        SigningKey::Vcek,
        None,
        &roots,
        AT,
    )
    .unwrap();
    // The genuine report runs debug off at VMPL 0; the test kit forges the other cases.
    let a = verify_with_key(&m.report, &key, &SevOptions::default()).unwrap();
    assert_eq!(a.kind, Kind::SevSnp);
    let kit = aimine_tee::testkit::SevKit::milan();
    let roots = kit.roots();
    for (policy, vmpl, options, expected) in [
        (0x30000u64, 0u32, SevOptions::default(), None),
        (
            0x30000 | 1 << 19,
            0,
            SevOptions::default(),
            Some(Error::DebugGuest),
        ),
        (
            0x30000 | 1 << 19,
            0,
            SevOptions {
                allow_debug: true,
                max_vmpl: 0,
            },
            None,
        ),
        (
            0x30000,
            1,
            SevOptions::default(),
            Some(Error::Vmpl { vmpl: 1 }),
        ),
        (
            0x30000,
            1,
            SevOptions {
                allow_debug: false,
                max_vmpl: 1,
            },
            None,
        ),
    ] {
        let forged = kit.report(&aimine_tee::testkit::ReportFields {
            policy,
            vmpl,
            ..Default::default()
        });
        let r = verify_report(
            &forged,
            &kit.endorsement(),
            &roots,
            aimine_tee::testkit::KIT_TIME,
            &options,
        );
        match expected {
            None => assert_eq!(r.unwrap().kind, Kind::SevSnp),
            Some(e) => assert_eq!(r.unwrap_err(), e),
        }
    }
}

#[test]
fn product_roots_decode_any_amd_pair() {
    for product in AmdProduct::ALL {
        let (ark, ask) = roots::pinned_ders(product);
        ProductRoots::new(product, ark, ask)
            .unwrap()
            .check_signatures()
            .unwrap();
    }
}
