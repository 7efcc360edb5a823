//! AMD SEV-SNP: every row of `cputee/MANIFEST.md`'s amd-sev-snp table, the pinned roots, and
//! mutations of every signed byte and every signature byte.
use aimine_tee::Role;
use aimine_tee::sev::{
    self, AmdRoots, EndorsementStore, FixedRoots, ProductRoots, Report, SIGNED_LEN, SevOptions,
    SigningKey, StoreError, TcbParts, pinned_ders,
};
use aimine_tee::testkit::{KIT_TIME, ReportFields, SevKit};
use aimine_tee::{
    AmdProduct, Attestation, CpuCheck, Error, Kind, Measurements, Product, TcbStatus, UnixTime,
};
use aimine_tiers::TrustTier;
use base64::Engine;

/// 2025-01-01T00:00:00Z, the MANIFEST's time for the Milan report.
const AT: UnixTime = aimine_vectors::cputee::MILAN_AT;

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
    let (report, vcek) = aimine_vectors::cputee::milan()?;
    Some(Milan {
        report,
        vcek,
        chain: pem_chain(&v("cert_chain_milan")?),
        turin_chain: pem_chain(&v("cert_chain_turin")?),
        turin_vcek: v("vcek_turin.der")?,
    })
}

/// The leaf, then the chain (ASK, ARK).
fn certs<'a>(leaf: &'a [u8], chain: &'a [Vec<u8>]) -> Vec<&'a [u8]> {
    let mut out = vec![leaf];
    out.extend(chain.iter().map(Vec::as_slice));
    out
}

/// Verifies under `roots` with nothing cached.
fn verify_under(
    report: &[u8],
    certs: &[&[u8]],
    roots: &AmdRoots,
    time: UnixTime,
    options: &SevOptions,
) -> Result<Attestation, Error> {
    sev::verify(report, certs, time, options, &mut FixedRoots::new(roots))
}

#[test]
fn the_vectors_chains_are_the_pinned_roots() {
    let Some(m) = load() else { return };
    // The vectors' chains are the pinned certificates, byte for byte.
    for (chain, product) in [
        (&m.chain, AmdProduct::Milan),
        (&m.turin_chain, AmdProduct::Turin),
    ] {
        let (ark, ask) = pinned_ders(product);
        assert_eq!(*chain, vec![ask.to_vec(), ark.to_vec()], "{product:?}");
    }
}

#[test]
fn milan_report_is_accepted_with_every_field() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let report = Report::parse(&m.report).unwrap();
    assert_eq!(report.version(), 2);
    assert_eq!(report.policy(), 0x30000);
    assert_eq!(report.signing_key().unwrap(), SigningKey::Vcek);
    for c in [certs(&m.vcek, &m.chain), vec![m.vcek.as_slice()]] {
        let a = verify_under(&m.report, &c, &roots, AT, &SevOptions::default()).unwrap();
        assert_eq!(a.kind, Kind::SevSnp);
        assert_eq!(a.tier(), TrustTier::Confidential);
        assert_eq!(a.version, 2);
        assert_eq!(a.product, Product::Amd(AmdProduct::Milan));
        assert_eq!(a.tcb.status, TcbStatus::UpToDate);
        assert!(a.tcb.advisory_ids.is_empty());
        assert_eq!(a.tcb.valid_until, UnixTime(1_901_474_623)); // the VCEK's notAfter, 2030-04-03T19:23:43Z
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
    let vcek = sev::verify_vcek(&m.vcek, AT, &mut FixedRoots::new(&roots)).unwrap();
    assert_eq!(vcek.product, AmdProduct::Milan);
    assert_eq!(vcek.chip_id, report.chip_id());
    assert_eq!(
        (
            vcek.tcb.bootloader,
            vcek.tcb.tee,
            vcek.tcb.snp,
            vcek.tcb.microcode,
            vcek.tcb.fmc
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
    // The VCEK names Milan: only Milan's roots are asked for, and the Turin ARK is none of them.
    let err = verify_under(
        &m.report,
        &certs(&m.vcek, &m.turin_chain),
        &roots,
        AT,
        &SevOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err, Error::UnknownProduct);
    assert_eq!(err.check(), CpuCheck::Chain);
}

#[test]
fn times_outside_the_vcek_window_are_refused() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let expired = Error::CertTime {
        role: Role::Endorsement,
        not_before: UnixTime(1_680_549_823),
        not_after: UnixTime(1_901_474_623),
    };
    // A cache that knows the chain does not make an expired VCEK valid.
    let mut warm = FixedRoots::new(&roots);
    let c = certs(&m.vcek, &m.chain);
    sev::verify(&m.report, &c, AT, &SevOptions::default(), &mut warm).unwrap();
    for (time, ok) in [
        (1_950_000_000, false),
        (1_901_474_623, true),
        (1_901_820_224, false),
        (1_680_549_823, true),
        (1_680_549_822, false),
    ] {
        let time = UnixTime(time);
        for r in [
            verify_under(&m.report, &c, &roots, time, &SevOptions::default()),
            sev::verify(&m.report, &c, time, &SevOptions::default(), &mut warm),
        ] {
            if ok {
                r.unwrap();
            } else {
                assert_eq!(r.unwrap_err(), expired, "at {time}");
            }
        }
    }
}

#[test]
fn turin_chain_alone_verifies() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    // Found by its productName.
    let vcek = sev::verify_vcek(&m.turin_vcek, AT, &mut FixedRoots::new(&roots)).unwrap();
    assert_eq!(vcek.product, AmdProduct::Turin);
    assert!(vcek.tcb.fmc.is_some(), "Turin VCEKs carry FMC");
    // Its 8-byte hwID, zero-padded as a report's CHIP_ID.
    assert!(vcek.chip_id[..8].iter().any(|&b| b != 0));
    assert!(vcek.chip_id[8..].iter().all(|&b| b == 0));
    // The chain verifies with its ASK and ARK too, but the Milan report does not verify under
    // it (another chip, another product).
    let err = verify_under(
        &m.report,
        &certs(&m.turin_vcek, &m.turin_chain),
        &roots,
        AT,
        &SevOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err, Error::ReportSignature);
}

#[test]
fn every_signed_byte_and_signature_byte_matters() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let options = SevOptions {
        allow_debug: true,
        max_vmpl: 3,
    };
    // The chain is verified once; then each report costs its own checks only.
    let mut warm = FixedRoots::new(&roots);
    let c = [m.vcek.as_slice()];
    sev::verify(&m.report, &c, AT, &options, &mut warm).unwrap();
    let mut refused = 0;
    // Bytes 0x000..0x2A0 and the 144 signature bytes (r and s with their padding).
    for i in (0..SIGNED_LEN).chain(0x2A0..0x2A0 + 144) {
        let mut bad = m.report.clone();
        bad[i] ^= 0x01;
        let err = sev::verify(&bad, &c, AT, &options, &mut warm).unwrap_err();
        assert!(
            matches!(
                err.check(),
                CpuCheck::Format | CpuCheck::Signature | CpuCheck::Chain
            ),
            "byte {i:#x}: {err}"
        );
        refused += 1;
    }
    assert_eq!(refused, 0x2A0 + 144);
    // The reserved tail after the signature is not signed; nothing reads it.
    let mut tail = m.report.clone();
    tail[0x4A0 - 1] ^= 1;
    sev::verify(&tail, &c, AT, &options, &mut warm).unwrap();
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
    assert_eq!(Report::parse(&long).unwrap_err().check(), CpuCheck::Format);
}

#[test]
fn chain_mutations_are_refused() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let run = |vcek: &[u8], chain: &[Vec<u8>]| {
        verify_under(
            &m.report,
            &certs(vcek, chain),
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
        assert!(
            matches!(err.check(), CpuCheck::Chain),
            "VCEK byte {i}: {err}"
        );
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
    assert_eq!(err.check(), CpuCheck::Chain, "{err}");
}

#[test]
fn guest_policy_debug_and_vmpl() {
    if let Some(m) = load() {
        // The genuine report runs debug off at VMPL 0; the test kit forges the other cases.
        let roots = AmdRoots::pinned().unwrap();
        let a = verify_under(
            &m.report,
            &certs(&m.vcek, &m.chain),
            &roots,
            AT,
            &SevOptions::default(),
        )
        .unwrap();
        assert_eq!(a.kind, Kind::SevSnp);
    }
    let kit = SevKit::milan();
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
        let forged = kit.report(&ReportFields {
            policy,
            vmpl,
            ..Default::default()
        });
        let r = verify_under(&forged, &kit.certs(), &roots, KIT_TIME, &options);
        match expected {
            None => assert_eq!(r.unwrap().kind, Kind::SevSnp),
            Some(e) => assert_eq!(r.unwrap_err(), e),
        }
    }
}

#[test]
fn product_roots_decode_any_amd_pair() {
    for product in AmdProduct::ALL {
        let (ark, ask) = pinned_ders(product);
        ProductRoots::new(product, ark, ask)
            .unwrap()
            .check_signatures()
            .unwrap();
    }
}

// ----- the store the verification asks --------------------------------------------------------

/// A store that records what it is asked and answers as told.
struct Recorder {
    roots: AmdRoots,
    /// What `contains` answers.
    known: Result<bool, StoreError>,
    /// What `insert` answers.
    inserted: Result<(), StoreError>,
    /// What `stored_endorsement` answers.
    stored: Result<Option<Vec<u8>>, StoreError>,
    /// What `admits` answers.
    admits: bool,
    asked_roots: Vec<Option<AmdProduct>>,
    asked_contains: Vec<[u8; 32]>,
    asked_insert: Vec<[u8; 32]>,
    asked_stored: Vec<([u8; 64], TcbParts)>,
    asked_admits: Vec<(AmdProduct, TcbParts)>,
}

impl Recorder {
    fn new(roots: AmdRoots) -> Recorder {
        Recorder {
            roots,
            known: Ok(false),
            inserted: Ok(()),
            stored: Ok(None),
            admits: true,
            asked_roots: Vec::new(),
            asked_contains: Vec::new(),
            asked_insert: Vec::new(),
            asked_stored: Vec::new(),
            asked_admits: Vec::new(),
        }
    }
}

impl EndorsementStore for Recorder {
    fn contains(&mut self, key: &[u8; 32]) -> Result<bool, StoreError> {
        self.asked_contains.push(*key);
        self.known
    }

    fn insert(&mut self, key: [u8; 32]) -> Result<(), StoreError> {
        self.asked_insert.push(key);
        self.inserted
    }

    fn roots(&mut self, product: Option<AmdProduct>) -> Result<AmdRoots, Error> {
        self.asked_roots.push(product);
        Ok(self.roots.clone())
    }

    fn stored_endorsement(
        &mut self,
        chip_id: &[u8; 64],
        tcb: &TcbParts,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.asked_stored.push((*chip_id, *tcb));
        self.stored.clone()
    }

    fn admits(&mut self, product: AmdProduct, tcb: &TcbParts) -> Result<bool, StoreError> {
        self.asked_admits.push((product, *tcb));
        Ok(self.admits)
    }
}

/// The kit's VCEK of chip 0 with one bit of its RSA signature flipped: it verifies only where
/// its signature is not checked.
fn broken_vcek(kit: &SevKit) -> Vec<u8> {
    let mut vcek = kit.vcek(0).to_vec();
    let last = vcek.len() - 1;
    vcek[last] ^= 1;
    vcek
}

fn kit_report(kit: &SevKit) -> Vec<u8> {
    kit.report(&ReportFields {
        version: 3, // with CPUID: Milan
        ..ReportFields::default()
    })
}

/// The kit's TCB as its VCEKs name it.
const KIT_TCB: TcbParts = TcbParts {
    fmc: None,
    bootloader: 3,
    tee: 0,
    snp: 8,
    microcode: 115,
};

#[test]
fn a_cold_chain_is_checked_then_remembered_and_the_store_asked_once_each() {
    let kit = SevKit::milan();
    let mut store = Recorder::new(kit.roots());
    let report = kit_report(&kit);
    let a = sev::verify(
        &report,
        &kit.certs(),
        KIT_TIME,
        &SevOptions::default(),
        &mut store,
    )
    .unwrap();
    assert_eq!(a.product, Product::Amd(AmdProduct::Milan));
    assert_eq!(store.asked_roots, [Some(AmdProduct::Milan)]);
    assert_eq!(store.asked_contains.len(), 1);
    // The key asked for is the key remembered, and the one a VCEK submitted alone remembers:
    // the pinned ASK carried or not, the chain is the same.
    assert_eq!(store.asked_insert, store.asked_contains);
    assert_eq!(store.asked_admits, [(AmdProduct::Milan, KIT_TCB)]);
    assert!(
        store.asked_stored.is_empty(),
        "a carried VCEK is not looked up"
    );
    let mut alone = Recorder::new(kit.roots());
    let vcek = sev::verify_vcek(kit.vcek(0), KIT_TIME, &mut alone).unwrap();
    assert_eq!(
        (vcek.product, vcek.chip_id, vcek.tcb),
        (AmdProduct::Milan, [1; 64], KIT_TCB)
    );
    assert_eq!(alone.asked_insert, store.asked_insert);
    assert!(
        alone.asked_contains.is_empty(),
        "a submitted VCEK is always checked"
    );
    // The key is SHA-256 of the leaf's DER and of the keys it chained to (the ARK's, then the
    // pinned ASK's): the bytes chains already store.
    let spki = |der: &[u8]| {
        use der::{Decode, Encode};
        x509_cert::Certificate::from_der(der)
            .unwrap()
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap()
    };
    let (ark, ask) = kit.chain();
    let sha = |parts: &[&[u8]]| -> [u8; 32] {
        let mut h = <sha2::Sha256 as sha2::Digest>::new();
        for p in parts {
            sha2::Digest::update(&mut h, p);
        }
        sha2::Digest::finalize(h).into()
    };
    let chain = sha(&[&spki(ark), &spki(ask)]);
    assert_eq!(store.asked_insert, [sha(&[kit.vcek(0), &chain])]);
}

#[test]
fn a_cached_chain_skips_its_rsa_signatures_and_nothing_else() {
    let kit = SevKit::milan();
    let report = kit_report(&kit);
    let broken = broken_vcek(&kit);
    let certs = [broken.as_slice(), kit.chain().1, kit.chain().0];
    // Unknown: the signature is checked, and fails; nothing is remembered.
    let mut cold = Recorder::new(kit.roots());
    assert_eq!(
        sev::verify(&report, &certs, KIT_TIME, &SevOptions::default(), &mut cold),
        Err(Error::CertSignature {
            role: Role::Endorsement
        })
    );
    assert_eq!(cold.asked_contains.len(), 1);
    assert!(cold.asked_insert.is_empty());
    assert!(cold.asked_admits.is_empty());
    // Known: the signature is not checked (the broken one passes), nothing is remembered again.
    let mut warm = Recorder::new(kit.roots());
    warm.known = Ok(true);
    let a = sev::verify(&report, &certs, KIT_TIME, &SevOptions::default(), &mut warm).unwrap();
    assert_eq!(a.kind, Kind::SevSnp);
    assert_eq!(warm.asked_contains, cold.asked_contains);
    assert!(warm.asked_insert.is_empty());
    // Everything else still is: the time, and the report's own signature.
    assert!(matches!(
        sev::verify(
            &report,
            &certs,
            UnixTime(4_000_000_000),
            &SevOptions::default(),
            &mut warm
        ),
        Err(Error::CertTime { .. })
    ));
    let mut tampered = report.clone();
    tampered[0x90] ^= 1;
    assert_eq!(
        sev::verify(
            &tampered,
            &certs,
            KIT_TIME,
            &SevOptions::default(),
            &mut warm
        ),
        Err(Error::ReportSignature)
    );
}

#[test]
fn a_store_that_cannot_answer_fails_the_verification() {
    let kit = SevKit::milan();
    let report = kit_report(&kit);
    let broken = broken_vcek(&kit);
    // A failed read is never taken for a known chain: neither the genuine VCEK nor one whose
    // signature does not verify gets through.
    for leaf in [kit.vcek(0), broken.as_slice()] {
        let mut store = Recorder::new(kit.roots());
        store.known = Err(StoreError);
        let err = sev::verify(
            &report,
            &[leaf],
            KIT_TIME,
            &SevOptions::default(),
            &mut store,
        )
        .unwrap_err();
        assert_eq!(err, Error::Store);
        assert_eq!(err.check(), CpuCheck::Collateral);
        assert!(store.asked_insert.is_empty());
        assert!(store.asked_admits.is_empty());
    }
    // A failed write fails too, for a report and for a VCEK alone.
    let mut store = Recorder::new(kit.roots());
    store.inserted = Err(StoreError);
    assert_eq!(
        sev::verify(
            &report,
            &kit.certs(),
            KIT_TIME,
            &SevOptions::default(),
            &mut store
        ),
        Err(Error::Store)
    );
    assert_eq!(
        sev::verify_vcek(kit.vcek(0), KIT_TIME, &mut store),
        Err(Error::Store)
    );
}

#[test]
fn a_report_without_certificates_uses_the_stored_vcek() {
    let kit = SevKit::milan();
    let report = kit_report(&kit);
    let mut store = Recorder::new(kit.roots());
    store.stored = Ok(Some(kit.vcek(0).to_vec()));
    let a = sev::verify(&report, &[], KIT_TIME, &SevOptions::default(), &mut store).unwrap();
    assert_eq!(
        a.platform_id,
        <[u8; 32]>::from(<sha2::Sha256 as sha2::Digest>::digest([1u8; 64]))
    );
    // Asked for by the report's chip id and reported TCB, once.
    assert_eq!(store.asked_stored, [([1u8; 64], KIT_TCB)]);
    // None kept: missing, not a verdict on the chain; a store that fails: a store error.
    let mut store = Recorder::new(kit.roots());
    assert_eq!(
        sev::verify(&report, &[], KIT_TIME, &SevOptions::default(), &mut store),
        Err(Error::EndorsementMissing)
    );
    assert!(store.asked_roots.is_empty());
    store.stored = Err(StoreError);
    assert_eq!(
        sev::verify(&report, &[], KIT_TIME, &SevOptions::default(), &mut store),
        Err(Error::Store)
    );
    // Another chip's VCEK kept under this one's id does not sign its reports.
    let mut store = Recorder::new(kit.roots());
    store.stored = Ok(Some(kit.vcek(1).to_vec()));
    assert_eq!(
        sev::verify(&report, &[], KIT_TIME, &SevOptions::default(), &mut store),
        Err(Error::ReportSignature)
    );
}

#[test]
fn the_tcb_floor_is_asked_after_the_chain_and_before_the_report_signature() {
    let kit = SevKit::milan();
    let mut tampered = kit_report(&kit);
    tampered[0x90] ^= 1;
    let mut store = Recorder::new(kit.roots());
    store.admits = false;
    let err = sev::verify(
        &tampered,
        &kit.certs(),
        KIT_TIME,
        &SevOptions::default(),
        &mut store,
    )
    .unwrap_err();
    assert_eq!(err, Error::TcbBelowFloor);
    assert_eq!(err.check(), CpuCheck::TcbPolicy);
    // The chain was verified (and remembered) before the floor was asked.
    assert_eq!(store.asked_insert.len(), 1);
    store.admits = true;
    assert_eq!(
        sev::verify(
            &tampered,
            &kit.certs(),
            KIT_TIME,
            &SevOptions::default(),
            &mut store
        ),
        Err(Error::ReportSignature)
    );
}

#[test]
fn more_certificates_than_a_chain_has_are_refused() {
    let kit = SevKit::milan();
    let report = kit_report(&kit);
    let [vcek, ask, ark] = kit.certs();
    let mut store = Recorder::new(kit.roots());
    let err = sev::verify(
        &report,
        &[vcek, ask, ark, ark],
        KIT_TIME,
        &SevOptions::default(),
        &mut store,
    )
    .unwrap_err();
    assert_eq!(err, Error::CertCount { count: 4 });
    assert_eq!(err.check(), CpuCheck::Format);
    assert!(store.asked_roots.is_empty());
}

/// The real Milan report's signature, with r or s set to 0, to n (the group order) or to all
/// ones (above n), or r and s swapped, fails as a signature, never as a panic or a pass: the
/// range check of the P-384 verifier, on real data. Scalars sit little-endian in 72-byte fields
/// at 0x2A0 (r) and 0x2E8 (s).
#[test]
fn the_real_reports_signature_scalars_out_of_range_fail() {
    let Some(m) = load() else { return };
    let roots = AmdRoots::pinned().unwrap();
    let chain = certs(&m.vcek, &m.chain);
    verify_under(&m.report, &chain, &roots, AT, &SevOptions::default()).unwrap();
    // n, little-endian.
    let mut n = hex::decode(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    )
    .unwrap();
    n.reverse();
    for at in [0x2A0usize, 0x2E8] {
        for value in [vec![0u8; 48], n.clone(), vec![0xFF; 48]] {
            let mut bad = m.report.clone();
            bad[at..at + 48].copy_from_slice(&value);
            assert_eq!(
                verify_under(&bad, &chain, &roots, AT, &SevOptions::default()).unwrap_err(),
                Error::ReportSignature,
                "scalar at {at:#x}"
            );
        }
    }
    let mut swapped = m.report.clone();
    let (r, s) = (
        m.report[0x2A0..0x2D0].to_vec(),
        m.report[0x2E8..0x318].to_vec(),
    );
    swapped[0x2A0..0x2D0].copy_from_slice(&s);
    swapped[0x2E8..0x318].copy_from_slice(&r);
    assert_eq!(
        verify_under(&swapped, &chain, &roots, AT, &SevOptions::default()).unwrap_err(),
        Error::ReportSignature
    );
}
