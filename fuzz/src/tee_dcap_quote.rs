//! Fuzz target `tee_dcap_quote`: Intel DCAP quotes (through dcap-qvl) on any bytes, against the
//! genuine TDX collateral. Never panics; an accepted quote reads the genuine quote's report data.

use std::sync::OnceLock;

use aimine_tee::intel::{
    Collateral, INTEL_SGX_ROOT_CA, IntelOptions, collateral_from_json, verify_quote,
};

const AT: aimine_tee::UnixTime = aimine_vectors::cputee::INTEL_AT;

fn genuine() -> Option<&'static (Vec<u8>, Collateral)> {
    static G: OnceLock<Option<(Vec<u8>, Collateral)>> = OnceLock::new();
    G.get_or_init(|| {
        let (quote, json) = aimine_vectors::cputee::intel("tdx_quote")?;
        Some((quote, collateral_from_json(&json).expect("collateral")))
    })
    .as_ref()
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let _ = aimine_tee::intel::inspect(data);
    let Some((quote, collateral)) = genuine() else {
        return;
    };
    if let Ok(a) = verify_quote(
        data,
        collateral,
        INTEL_SGX_ROOT_CA,
        AT,
        &IntelOptions::default(),
    ) {
        let (_, _, _, genuine_data) = aimine_tee::intel::inspect(quote).expect("genuine quote");
        assert_eq!(
            a.report_data, genuine_data,
            "an accepted quote carries the signed report data"
        );
    }
}
