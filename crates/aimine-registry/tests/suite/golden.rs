//! Golden measurement sets and per-SKU compute units, applied when a session starts.
use aimine_envelope::testkit::Enveloped;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::digest48;
use aimine_registry::word;
use aimine_registry::{Address, Error, Param, Word};

use aimine_vectors::registry::{ADMIN, T0, World};

const MINER: Address = [0x11; 20];
const DRIVER: &str = "550.90.07";
const VBIOS: &str = "96.00.9F.00.01";

/// Starts a session on a fresh device (`*next` counts them) with `nvdec0` as its NVDEC0 status.
fn start(w: &mut World, next: &mut u32, nvdec0: u8) -> Result<Word, Error> {
    *next += 1;
    let mut o = w.options(Architecture::Hopper, *next, &MINER, &MINER, T0, None);
    o.nvdec0 = nvdec0;
    let q = w.pki.forge(&o).envelope();
    w.call(T0, |r| r.start_session(&MINER, &MINER, &q, None))
}

/// The testkit's measurements as golden entries (RIM index = block index − 1).
fn golden() -> Vec<(u8, [u8; 48])> {
    (1..=64u8)
        .map(|i| (i - 1, digest48(b"aimine testkit measurement", &[i])))
        .collect()
}

#[test]
fn quotes_must_match_their_golden_set() {
    let mut w = World::new(7);
    let mut n = 0;
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &golden()))
        .unwrap();
    assert!(start(&mut w, &mut n, 0x55).is_ok());
    // One index off: refused, by index.
    let mut g = golden();
    g[9].1 = [0xEE; 48];
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &g))
        .unwrap();
    assert_eq!(
        start(&mut w, &mut n, 0x55).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::MeasurementMismatch { index: 9 })
    );
    // An alternative digest for that index makes it match again.
    g.push((9, golden()[9].1));
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &g))
        .unwrap();
    assert!(start(&mut w, &mut n, 0x55).is_ok());
    // Index 35 is not checked while NVDEC0 is disabled, and is when enabled.
    let mut g = golden();
    g[35].1 = [0xEE; 48];
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &g))
        .unwrap();
    assert!(start(&mut w, &mut n, 0x55).is_ok());
    assert_eq!(
        start(&mut w, &mut n, 0xAA).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::MeasurementMismatch { index: 35 })
    );
    // A listed index the evidence lacks.
    let mut g = golden();
    g.push((70, [1; 48]));
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &g))
        .unwrap();
    assert_eq!(
        start(&mut w, &mut n, 0x55).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::MeasurementMissing { index: 70 })
    );
    // A shorter set replaces a longer one completely.
    w.call(T0, |r| {
        r.set_golden_set(&ADMIN, DRIVER, VBIOS, &golden()[..3])
    })
    .unwrap();
    assert!(start(&mut w, &mut n, 0x55).is_ok());
}

#[test]
fn a_missing_set_is_refused_only_when_governance_requires_sets() {
    let mut w = World::new(7);
    let mut n = 0;
    w.call(T0, |r| {
        r.set_golden_set(&ADMIN, "535.86.09", VBIOS, &golden())
    })
    .unwrap();
    assert!(
        start(&mut w, &mut n, 0x55).is_ok(),
        "no set for 550.90.07: accepted by default"
    );
    w.call(T0, |r| {
        r.set_param(&ADMIN, Param::RequireGoldenMeasurements, word::from_u64(1))
    })
    .unwrap();
    assert_eq!(
        start(&mut w, &mut n, 0x55).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::NoGoldenSet)
    );
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &golden()))
        .unwrap();
    assert!(start(&mut w, &mut n, 0x55).is_ok());
    // Removing the set (an empty list) brings the refusal back.
    w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &[]))
        .unwrap();
    assert_eq!(
        start(&mut w, &mut n, 0x55).unwrap_err(),
        Error::Quote(aimine_nvtrust::Error::NoGoldenSet)
    );
    assert_eq!(
        w.call(T0, |r| r.set_golden_set(&MINER, DRIVER, VBIOS, &golden()))
            .unwrap_err(),
        Error::NotAdmin
    );
    let too_many = vec![(0u8, [0u8; 48]); 257];
    assert_eq!(
        w.call(T0, |r| r.set_golden_set(&ADMIN, DRIVER, VBIOS, &too_many))
            .unwrap_err(),
        Error::BadParam
    );
}

#[test]
fn compute_units_can_be_overridden_per_sku() {
    let mut w = World::new(7);
    let mut n = 0;
    // The testkit reports chip SKU 882 and project SKU 0200.
    w.call(T0, |r| r.set_compute_units(&ADMIN, "882", "0200", 1_234))
        .unwrap();
    let id = start(&mut w, &mut n, 0x55).unwrap();
    assert_eq!(
        w.call(T0, |r| r.session(&id))
            .unwrap()
            .unwrap()
            .compute_units,
        1_234
    );
    w.call(T0, |r| r.set_compute_units(&ADMIN, "882", "0200", 0))
        .unwrap();
    let id = start(&mut w, &mut n, 0x55).unwrap();
    assert_eq!(
        w.call(T0, |r| r.session(&id))
            .unwrap()
            .unwrap()
            .compute_units,
        1_000
    );
    assert_eq!(
        w.call(T0, |r| r.set_compute_units(&MINER, "882", "0200", 5))
            .unwrap_err(),
        Error::NotAdmin
    );
}
