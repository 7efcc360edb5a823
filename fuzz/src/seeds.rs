//! Seed inputs from the real vectors (read where they are, never copied into the repo): the
//! starting corpus of `cargo xtask fuzz` and the replay set of the smoke tests.

/// Every report of the NVIDIA vectors with its chain: (evidence, DER chain).
fn devices() -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    aimine_vectors::nvidia::ALL
        .iter()
        .filter_map(|set| {
            let (evidence, pem) = aimine_vectors::nvidia::load(set)?;
            let chain = aimine_nvtrust::pem::decode_chain(&pem).ok()?;
            Some((evidence, chain))
        })
        .collect()
}

/// The seeds of `target` (empty when the vectors are absent, or for targets seeded otherwise).
pub fn for_target(target: &str) -> Vec<Vec<u8>> {
    match target {
        "nvtrust_evidence" => devices().into_iter().map(|(e, _)| e).collect(),
        "nvtrust_cert" => {
            let mut certs: Vec<Vec<u8>> = devices().into_iter().flat_map(|(_, c)| c).collect();
            certs.sort();
            certs.dedup();
            certs
        }
        "nvtrust_envelope" => devices()
            .into_iter()
            .filter_map(|(e, chain)| aimine_nvtrust::testkit::envelope_of(&e, &chain))
            .collect(),
        "rim_parse" => [
            "hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml",
            "hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml",
            "hopper-535.86.09/1010_0200_882_96005E0001_PROD.swidtag",
            "ls10-switch/switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml",
            "rim-negative/incorrect_signature_driver_rim.xml",
        ]
        .iter()
        .filter_map(|p| aimine_vectors::read(&format!("nvidia/{p}")))
        .collect(),
        "tee_sev_report" => [
            aimine_vectors::read_hex("cputee/amd-sev-snp/report_milan.hex"),
            aimine_vectors::read("cputee/amd-sev-snp/vcek_milan.der"),
            aimine_vectors::read("cputee/amd-sev-snp/vcek_turin.der"),
        ]
        .into_iter()
        .flatten()
        .collect(),
        "tee_dcap_quote" => ["tdx_quote", "sgx_quote", "tdx_quote_outdated"]
            .iter()
            .filter_map(|q| aimine_vectors::read(&format!("cputee/intel-dcap/{q}")))
            .collect(),
        _ => Vec::new(),
    }
}
