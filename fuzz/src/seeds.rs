//! Seed inputs from the real vectors (read where they are, never copied into the repo): the
//! starting corpus of `cargo xtask fuzz` and the replay set of the smoke tests.

use aimine_envelope::testkit::Enveloped;

/// Every report of the NVIDIA vectors with its chain: (evidence, DER chain).
fn devices() -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    aimine_vectors::nvidia::devices(&aimine_vectors::nvidia::ALL)
        .into_iter()
        .map(|d| (d.evidence, d.chain))
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
        "envelope_gpu" => devices()
            .into_iter()
            .filter_map(|(e, chain)| aimine_envelope::testkit::envelope_of(&e, &chain))
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
        "tee_sev_report" => {
            let mut seeds: Vec<Vec<u8>> = aimine_vectors::cputee::milan()
                .map(|(report, vcek)| vec![report, vcek])
                .unwrap_or_default();
            seeds.extend(aimine_vectors::read("cputee/amd-sev-snp/vcek_turin.der"));
            seeds
        }
        "envelope_kinds" => envelope_seeds(),
        "collateral_submit" => {
            let mut seeds: Vec<Vec<u8>> = ["tdx_quote", "sgx_quote"]
                .iter()
                .filter_map(|n| intel_collateral(n))
                .collect();
            seeds.extend(aimine_vectors::read("cputee/amd-sev-snp/vcek_milan.der"));
            seeds
        }
        "tee_dcap_quote" => ["tdx_quote", "sgx_quote", "tdx_quote_outdated"]
            .iter()
            .filter_map(|q| aimine_vectors::read(&format!("cputee/intel-dcap/{q}")))
            .collect(),
        _ => Vec::new(),
    }
}

/// Intel collateral of a vector quote, encoded as `submitIntelCollateral` takes it.
pub fn intel_collateral(name: &str) -> Option<Vec<u8>> {
    aimine_vectors::quotes::real_intel_collateral(name)
}

/// Envelopes of every kind: the test kit's SEV-SNP guest (alone and with two test GPUs), the
/// real Milan report with its VCEK, and the real Intel quotes with their collateral inline.
fn envelope_seeds() -> Vec<Vec<u8>> {
    use aimine_tee::testkit::{ReportFields, SevKit};
    let kit = SevKit::milan();
    let certs = kit.certs();
    let mut seeds = Vec::new();
    let sev = aimine_envelope::encode_sev_snp(&kit.report(&ReportFields::default()), &certs)
        .expect("kit envelope");
    let pki = aimine_nvtrust::testkit::TestPki::new([5; 32]);
    let gpu = pki
        .forge(&aimine_nvtrust::testkit::ForgeOptions::new(
            aimine_nvtrust::Architecture::Hopper,
            [0; 32],
        ))
        .envelope();
    seeds.push(aimine_envelope::encode_composite(&sev, &[&gpu]).expect("composite"));
    seeds.push(sev);
    seeds.push(gpu);
    seeds.extend(aimine_vectors::quotes::real_milan());
    for name in ["tdx_quote", "sgx_quote"] {
        seeds.extend(aimine_vectors::quotes::real_intel(name));
    }
    seeds
}
