//! Fuzz target `nvtrust_evidence`: the SPDM evidence parser and every accessor, on any bytes.
//! The parser must never panic; what it accepts must be internally consistent.

use core::fmt::Write as _;

use aimine_nvtrust::Evidence;
use aimine_nvtrust::SIGNATURE_LEN;

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(ev) = Evidence::parse(data) else {
        return;
    };
    assert_eq!(ev.as_bytes().len(), data.len());
    assert_eq!(ev.signed_bytes().len() + SIGNATURE_LEN, data.len());
    assert_eq!(ev.blocks().count(), usize::from(ev.block_count()));
    let mut seen = std::collections::BTreeSet::new();
    for b in ev.blocks() {
        assert!(
            b.index > 0 && seen.insert(b.index),
            "indices are 1-based and unique"
        );
        assert_eq!(ev.block(b.index), Some(b));
    }
    let o = ev.opaque();
    let total: usize = o.fields().map(|f| 4 + f.value.len()).sum();
    assert_eq!(
        total,
        o.as_bytes().len(),
        "fields cover the opaque data exactly"
    );
    let mut sink = String::new();
    let _ = write!(
        sink,
        "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{}",
        o.driver_version(),
        o.vbios_version().map(|v| v.to_string()),
        o.chip_sku(),
        o.chip_sku_mod(),
        o.project(),
        o.project_sku(),
        o.project_sku_mod(),
        o.chip_info(),
        o.fwid(),
        o.nvdec0_status(),
        o.feature_flag(),
        o.opaque_data_version(),
    );
    let _ = (
        o.switch_pdis().count(),
        o.switch_gpu_pdis().count(),
        o.switch_ports().len(),
        o.msrscnt().count(),
        o.disabled_ports().count(),
        o.protected_pcie_status(),
    );
}
