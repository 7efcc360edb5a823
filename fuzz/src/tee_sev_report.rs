//! Fuzz target `tee_sev_report`: the SEV-SNP report reader, AMD certificate reader and report
//! verifier on any bytes, through aimine-tee's public entry points. Never panics; a report
//! accepted under the genuine Milan VCEK signs exactly the genuine report's signed bytes (nothing
//! else verifies), and whatever parses reads every field.

use std::sync::OnceLock;

use aimine_tee::AmdProduct;
use aimine_tee::sev::{
    self, AmdRoots, EndorsementStore, ProductRoots, Report, SIGNED_LEN, SevOptions, StoreError,
    TcbParts,
};

/// 2025-01-01, inside the genuine VCEK's validity.
const AT: aimine_tee::UnixTime = aimine_vectors::cputee::MILAN_AT;

struct Genuine {
    report: Vec<u8>,
    vcek: Vec<u8>,
}

fn pinned() -> &'static AmdRoots {
    static R: OnceLock<AmdRoots> = OnceLock::new();
    R.get_or_init(|| AmdRoots::pinned().expect("pinned roots"))
}

fn genuine() -> Option<&'static Genuine> {
    static G: OnceLock<Option<Genuine>> = OnceLock::new();
    G.get_or_init(|| {
        let (report, vcek) = aimine_vectors::cputee::milan()?;
        // The genuine pair verifies, its chain checked in full.
        sev::verify(
            &report,
            &[&vcek],
            AT,
            &SevOptions::default(),
            &mut Pinned::new(false, None),
        )
        .expect("genuine report");
        Some(Genuine { report, vcek })
    })
    .as_ref()
}

/// AMD's pinned roots; every chain taken as known (`known`: its RSA signatures skipped, so any
/// input reaches the checks after them cheaply) or as never seen; `stored` the VCEK kept for
/// every chip.
struct Pinned {
    known: bool,
    stored: Option<&'static [u8]>,
}

impl Pinned {
    fn new(known: bool, stored: Option<&'static [u8]>) -> Pinned {
        Pinned { known, stored }
    }
}

impl EndorsementStore for Pinned {
    fn contains(&mut self, _: &[u8; 32]) -> Result<bool, StoreError> {
        Ok(self.known)
    }

    fn insert(&mut self, _: [u8; 32]) -> Result<(), StoreError> {
        Ok(())
    }

    fn roots(&mut self, _: Option<AmdProduct>) -> Result<AmdRoots, aimine_tee::Error> {
        Ok(pinned().clone())
    }

    fn stored_endorsement(
        &mut self,
        _: &[u8; 64],
        _: &TcbParts,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.stored.map(<[u8]>::to_vec))
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    if let Ok(r) = Report::parse(data) {
        let _ = (
            r.policy(),
            r.reported_tcb().parts(true),
            r.chip_id(),
            r.cpuid(),
            r.signature_r(),
        );
    }
    // The bytes as an ARK and ASK, and as a VCEK submitted alone (its signature checked).
    let _ = ProductRoots::new(AmdProduct::Milan, data, data).is_ok();
    let _ = sev::verify_vcek(data, AT, &mut Pinned::new(false, None));
    let Some(g) = genuine() else { return };
    let options = SevOptions {
        allow_debug: true,
        max_vmpl: 3,
    };
    // The bytes as a report under the genuine VCEK, carried or stored, its chain known.
    let mut known = Pinned::new(true, Some(&g.vcek));
    for certs in [&[g.vcek.as_slice()][..], &[]] {
        if sev::verify(data, certs, AT, &options, &mut known).is_ok() {
            assert_eq!(
                data.get(..SIGNED_LEN),
                g.report.get(..SIGNED_LEN),
                "only the genuine signed bytes verify"
            );
        }
    }
    // The bytes as the genuine report's VCEK, its chain taken as known: every other check runs.
    let _ = sev::verify(&g.report, &[data], AT, &options, &mut known);
}
