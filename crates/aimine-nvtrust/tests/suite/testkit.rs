//! The test forge round-trips, its evidence is refused under NVIDIA's root, and it reaches the
//! checks real vectors cannot: expiry, FWID, opaque version, key usage, golden measurements.
use aimine_nvtrust::testkit::{ForgeOptions, ForgedDevice, TestPki};
use aimine_nvtrust::{
    Architecture, Error, Evidence, LinkCache, LinkStore, NoCache, UnixTime, verify_evidence,
    verify_evidence_with,
};
use aimine_nvtrust::{GoldenMeasurement, GoldenSet, appraise_measurements, check_measurements};

const NOW: UnixTime = UnixTime(1_750_000_000);
const NONCE: [u8; 32] = [7; 32];

fn pki() -> TestPki {
    TestPki::new([42; 32])
}

fn check(
    pki: &TestPki,
    d: &ForgedDevice,
    nonce: &[u8; 32],
    at: UnixTime,
) -> Result<[u8; 32], Error> {
    let anchors = [pki.anchor()];
    Evidence::parse(&d.evidence)
        .map_err(Error::from)
        .and_then(|ev| verify_evidence_with(ev, &d.chain_refs(), nonce, &anchors, at, &mut NoCache))
        .map(|g| *g.gpu_id())
}

#[test]
fn forged_devices_of_every_family_verify_under_the_test_root_only() {
    let pki = pki();
    for arch in [
        Architecture::Hopper,
        Architecture::Blackwell,
        Architecture::Ls10,
    ] {
        let o = ForgeOptions::new(arch, NONCE);
        let d = pki.forge(&o);
        let gpu = verify_evidence_with(
            Evidence::parse(&d.evidence).unwrap(),
            &d.chain_refs(),
            &NONCE,
            &[pki.anchor()],
            NOW,
            &mut NoCache,
        )
        .unwrap_or_else(|e| panic!("{arch}: {e}"));
        assert_eq!(gpu.architecture(), arch);
        assert_eq!(gpu.driver_version(), o.driver_version.as_deref());
        assert_eq!(gpu.vbios_version().unwrap().to_string(), "96.00.9F.00.01");
        assert_eq!(gpu.evidence().block_count() as usize, o.measurements.len());
        assert_eq!(gpu.evidence().block(3).unwrap().value, o.measurements[2]);
        let device = aimine_nvtrust::Certificate::from_der(&d.chain[1]).unwrap();
        use sha2::Digest;
        assert_eq!(
            gpu.gpu_id(),
            &<[u8; 32]>::from(sha2::Sha256::digest(device.spki()))
        );
        // Under NVIDIA's real root, forged evidence is worthless.
        assert_eq!(
            verify_evidence(&d.evidence, &d.chain_refs(), &NONCE, NOW).unwrap_err(),
            Error::UntrustedRoot,
            "{arch}"
        );
    }
}

#[test]
fn forging_is_deterministic_and_keyed_by_seed_and_device() {
    let a = pki().forge(&ForgeOptions::new(Architecture::Hopper, NONCE));
    let b = pki().forge(&ForgeOptions::new(Architecture::Hopper, NONCE));
    assert_eq!(a.evidence, b.evidence);
    assert_eq!(a.chain, b.chain);
    let other_root = TestPki::new([43; 32]);
    let c = other_root.forge(&ForgeOptions::new(Architecture::Hopper, NONCE));
    assert_eq!(
        check(&pki(), &c, &NONCE, NOW).unwrap_err(),
        Error::UntrustedRoot
    );
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.device = 2;
    let d = pki().forge(&o);
    assert_ne!(
        check(&pki(), &a, &NONCE, NOW).unwrap(),
        check(&pki(), &d, &NONCE, NOW).unwrap()
    );
}

#[test]
fn a_short_lived_chain_is_valid_only_inside_its_window() {
    let pki = pki();
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.not_before = UnixTime(1_710_000_000);
    o.not_after = UnixTime(1_710_086_400);
    let d = pki.forge(&o);
    assert!(check(&pki, &d, &NONCE, UnixTime(1_710_000_000)).is_ok());
    assert!(check(&pki, &d, &NONCE, UnixTime(1_710_086_400)).is_ok());
    assert_eq!(
        check(&pki, &d, &NONCE, UnixTime(1_710_086_401)).unwrap_err(),
        Error::Expired { index: 0 }
    );
    assert_eq!(
        check(&pki, &d, &NONCE, UnixTime(1_709_999_999)).unwrap_err(),
        Error::Expired { index: 0 }
    );
}

#[test]
fn fwid_binding_is_enforced() {
    let pki = pki();
    for arch in [Architecture::Hopper, Architecture::Blackwell] {
        let mut o = ForgeOptions::new(arch, NONCE);
        o.certificate_fwid = Some([9; 48]);
        assert_eq!(
            check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
            Error::FwidMismatch,
            "{arch}"
        );
        o.certificate_fwid = None;
        assert_eq!(
            check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
            Error::FwidMissingInCertificate
        );
        // No FWID in the evidence (old drivers): the check does not apply.
        o.evidence_fwid = None;
        assert!(check(&pki, &pki.forge(&o), &NONCE, NOW).is_ok());
    }
}

#[test]
fn opaque_version_key_usage_and_nonce_are_enforced() {
    let pki = pki();
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.opaque_data_version = Some(2);
    assert_eq!(
        check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
        Error::UnsupportedOpaqueVersion(2)
    );
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.leaf_key_usage = aimine_nvtrust::KU_KEY_CERT_SIGN;
    assert_eq!(
        check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
        Error::LeafCannotSign
    );
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.ca_key_usage = aimine_nvtrust::KU_DIGITAL_SIGNATURE;
    assert_eq!(
        check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
        Error::NotCa { index: 1 }
    );
    let d = pki.forge(&ForgeOptions::new(Architecture::Hopper, [8; 32]));
    assert_eq!(
        check(&pki, &d, &NONCE, NOW).unwrap_err(),
        Error::NonceMismatch
    );
    // Unknown opaque field types are reported, not rejected; a repeated known one is refused.
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.extra_opaque = vec![(4000, vec![1, 2, 3])];
    let d = pki.forge(&o);
    assert!(check(&pki, &d, &NONCE, NOW).is_ok());
    let ev = Evidence::parse(&d.evidence).unwrap();
    assert!(
        ev.opaque()
            .fields()
            .any(|f| f.field_type == 4000 && f.value == [1, 2, 3])
    );
    o.extra_opaque = vec![(3, b"1.0\0".to_vec())];
    assert_eq!(
        check(&pki, &pki.forge(&o), &NONCE, NOW).unwrap_err(),
        Error::Format(aimine_nvtrust::FormatError::DuplicateOpaqueField(3))
    );
}

#[test]
fn link_cache_skips_verified_links_and_stays_correct() {
    let pki = pki();
    let d = pki.forge(&ForgeOptions::new(Architecture::Hopper, NONCE));
    let mut cache = LinkCache::<8>::new();
    let run = |cache: &mut LinkCache<8>, d: &ForgedDevice| {
        verify_evidence_with(
            Evidence::parse(&d.evidence).unwrap(),
            &d.chain_refs(),
            &NONCE,
            &[pki.anchor()],
            NOW,
            cache,
        )
        .map(|g| *g.gpu_id())
    };
    let cold = run(&mut cache, &d).unwrap();
    // Leaf→device, device→provisioner, provisioner→family, family→root (anchored by key).
    assert_eq!(cache.len(), 4);
    assert_eq!(run(&mut cache, &d).unwrap(), cold);
    assert_eq!(cache.len(), 4);
    // A second device of the family adds only its two device links.
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    o.device = 2;
    run(&mut cache, &pki.forge(&o)).unwrap();
    assert_eq!(cache.len(), 6);
    // A tampered evidence signature is still caught with a warm cache.
    let mut bad = d.clone();
    let last = bad.evidence.len() - 1;
    bad.evidence[last] ^= 1;
    assert_eq!(
        run(&mut cache, &bad).unwrap_err(),
        Error::BadEvidenceSignature
    );
    // Expiry is still checked with a warm cache.
    assert!(
        verify_evidence_with(
            Evidence::parse(&d.evidence).unwrap(),
            &d.chain_refs(),
            &NONCE,
            &[pki.anchor()],
            UnixTime(1),
            &mut cache
        )
        .is_err()
    );
    // A full cache forgets its oldest link first.
    let mut small = LinkCache::<2>::new();
    run_into(&pki, &d, &mut small);
    assert_eq!(small.len(), 2);
}

fn run_into(pki: &TestPki, d: &ForgedDevice, store: &mut dyn LinkStore) {
    verify_evidence_with(
        Evidence::parse(&d.evidence).unwrap(),
        &d.chain_refs(),
        &NONCE,
        &[pki.anchor()],
        NOW,
        store,
    )
    .unwrap();
}

#[test]
fn golden_measurements_policy() {
    let pki = pki();
    let mut o = ForgeOptions::new(Architecture::Hopper, NONCE);
    let d = pki.forge(&o);
    let ev = Evidence::parse(&d.evidence).unwrap();
    let digests: Vec<[[u8; 48]; 2]> = o.measurements.iter().map(|m| [[0xEE; 48], *m]).collect();
    let golden: Vec<GoldenMeasurement<'_>> = digests
        .iter()
        .enumerate()
        .map(|(i, d)| GoldenMeasurement {
            index: i as u8,
            digests: d,
        })
        .collect();
    let set = GoldenSet {
        driver_version: Some("550.90.07"),
        vbios_version: Some("96.00.9F.00.01"),
        measurements: &golden,
    };
    assert_eq!(check_measurements(&ev, &set), Ok(()));
    assert_eq!(appraise_measurements(&ev, &[set]), Ok(()));
    // The evidence's driver or VBIOS has no set: a distinct error.
    let other_driver = GoldenSet {
        driver_version: Some("535.86.09"),
        ..set
    };
    assert_eq!(
        appraise_measurements(&ev, &[other_driver]),
        Err(Error::NoGoldenSet)
    );
    let other_vbios = GoldenSet {
        vbios_version: Some("96.00.5E.00.01"),
        ..set
    };
    assert_eq!(appraise_measurements(&ev, &[other_vbios, set]), Ok(()));
    // A mismatch names the 0-based index.
    let wrong = [[0x11u8; 48]];
    let mut bad = golden.clone();
    bad[9] = GoldenMeasurement {
        index: 9,
        digests: &wrong,
    };
    assert_eq!(
        check_measurements(
            &ev,
            &GoldenSet {
                measurements: &bad,
                ..set
            }
        ),
        Err(Error::MeasurementMismatch { index: 9 })
    );
    // Index 35 is skipped while NVDEC0 is disabled (0x55), checked when enabled (0xAA).
    bad[9] = golden[9];
    bad[35] = GoldenMeasurement {
        index: 35,
        digests: &wrong,
    };
    assert_eq!(
        check_measurements(
            &ev,
            &GoldenSet {
                measurements: &bad,
                ..set
            }
        ),
        Ok(())
    );
    o.nvdec0 = 0xAA;
    let enabled = pki.forge(&o);
    let ev2 = Evidence::parse(&enabled.evidence).unwrap();
    assert_eq!(
        check_measurements(
            &ev2,
            &GoldenSet {
                measurements: &bad,
                ..set
            }
        ),
        Err(Error::MeasurementMismatch { index: 35 })
    );
    // A golden index the evidence lacks.
    let beyond = [GoldenMeasurement {
        index: 70,
        digests: &wrong,
    }];
    assert_eq!(
        check_measurements(
            &ev,
            &GoldenSet {
                measurements: &beyond,
                ..set
            }
        ),
        Err(Error::MeasurementMissing { index: 70 })
    );
    let last = [GoldenMeasurement {
        index: 255,
        digests: &wrong,
    }];
    assert_eq!(
        check_measurements(
            &ev,
            &GoldenSet {
                measurements: &last,
                ..set
            }
        ),
        Err(Error::MeasurementMissing { index: 255 })
    );
}

/// A link store that refuses after `reads` answers, or refuses every write.
struct Refusing {
    reads: usize,
    writes_fail: bool,
    inner: LinkCache<8>,
}

impl LinkStore for Refusing {
    fn contains(
        &mut self,
        link: &[u8; 32],
        issuer: aimine_nvtrust::Issuer,
    ) -> Result<bool, aimine_nvtrust::StoreError> {
        if self.reads == 0 {
            return Err(aimine_nvtrust::StoreError);
        }
        self.reads -= 1;
        self.inner.contains(link, issuer)
    }

    fn insert(&mut self, link: [u8; 32]) -> Result<(), aimine_nvtrust::StoreError> {
        if self.writes_fail {
            return Err(aimine_nvtrust::StoreError);
        }
        self.inner.insert(link)
    }
}

#[test]
fn a_link_store_that_refuses_fails_the_verification_and_never_skips_a_check() {
    let pki = pki();
    let d = pki.forge(&ForgeOptions::new(Architecture::Hopper, NONCE));
    let verify = |store: &mut Refusing| {
        verify_evidence_with(
            Evidence::parse(&d.evidence).unwrap(),
            &d.chain_refs(),
            &NONCE,
            &[pki.anchor()],
            NOW,
            store,
        )
        .map(|g| *g.gpu_id())
    };
    // Refusing at every link in turn, and refusing to remember: an error, never a verdict.
    for reads in 0..4 {
        let mut store = Refusing {
            reads,
            writes_fail: false,
            inner: LinkCache::new(),
        };
        assert_eq!(
            verify(&mut store),
            Err(Error::LinkStore),
            "after {reads} reads"
        );
    }
    let mut store = Refusing {
        reads: usize::MAX,
        writes_fail: true,
        inner: LinkCache::new(),
    };
    assert_eq!(verify(&mut store), Err(Error::LinkStore));
    // A store that answers: verified.
    let mut store = Refusing {
        reads: usize::MAX,
        writes_fail: false,
        inner: LinkCache::new(),
    };
    assert!(verify(&mut store).is_ok());
}
