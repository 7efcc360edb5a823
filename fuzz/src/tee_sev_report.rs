//! Fuzz target `tee_sev_report`: the SEV-SNP report reader, AMD certificate reader and report
//! verifier on any bytes. Never panics; a report accepted under the genuine Milan VCEK signs
//! exactly the genuine report's signed bytes (nothing else verifies), and whatever parses reads
//! every field.

use std::sync::OnceLock;

use aimine_tee::error::Role;
use aimine_tee::sev::cert::AmdCert;
use aimine_tee::sev::report::{Report, SIGNED_LEN, SigningKey};
use aimine_tee::sev::roots::AmdRoots;
use aimine_tee::sev::verify::{
    EndorsedKey, Endorsement, SevOptions, verify_endorsement, verify_with_key,
};

/// 2025-01-01, inside the genuine VCEK's validity.
const AT: u64 = 1_735_689_600;

struct Genuine {
    report: Vec<u8>,
    key: EndorsedKey,
}

fn genuine() -> Option<&'static Genuine> {
    static G: OnceLock<Option<Genuine>> = OnceLock::new();
    G.get_or_init(|| {
        let report = aimine_vectors::read_hex("cputee/amd-sev-snp/report_milan.hex")?;
        let vcek = aimine_vectors::read("cputee/amd-sev-snp/vcek_milan.der")?;
        let roots = AmdRoots::pinned().expect("pinned roots");
        let e = Endorsement {
            leaf: &vcek,
            ..Default::default()
        };
        let key = verify_endorsement(&e, SigningKey::Vcek, None, &roots, AT).expect("genuine VCEK");
        Some(Genuine { report, key })
    })
    .as_ref()
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
    for role in [Role::Ark, Role::Endorsement] {
        if let Ok(c) = AmdCert::from_der(data, role) {
            let _ = (
                c.tcb(),
                c.hwid(),
                c.product_name(),
                c.as_issuer().is_ok(),
                c.p384_key().is_ok(),
            );
        }
    }
    let Some(g) = genuine() else { return };
    let options = SevOptions {
        allow_debug: true,
        max_vmpl: 3,
    };
    if verify_with_key(data, &g.key, &options).is_ok() {
        assert_eq!(
            data.get(..SIGNED_LEN),
            g.report.get(..SIGNED_LEN),
            "only the genuine signed bytes verify"
        );
    }
}
