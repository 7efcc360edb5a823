//! Seed inputs from the real vectors (read where they are, never copied into the repo): the
//! starting corpus of `cargo xtask fuzz` and the replay set of the smoke tests.

use aimine_nvtrust::envelope;

/// Every report of the NVIDIA vectors with its chain: (evidence, DER chain).
fn devices() -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    const SETS: [(&str, &str); 8] = [
        (
            "hopper-550.90.07/hopperAttestationReport.txt",
            "hopper-550.90.07/hopperCertChain.txt",
        ),
        (
            "hopper-580.159.03/hopperAttestationReport.txt",
            "hopper-580.159.03/hopperCertChain.txt",
        ),
        (
            "hopper-535.86.09/hopperAttestationReport.txt",
            "hopper-535.86.09/hopperCertChain.txt",
        ),
        (
            "hopper-570.124.03/hopperAttestationReportExpired.txt",
            "hopper-570.124.03/hopperCertChainExpired.txt",
        ),
        (
            "hopper-invalid-signature/hopperAttestationReportInvalidSignature.txt",
            "hopper-invalid-signature/hopperCertChainExpired.txt",
        ),
        (
            "blackwell-575.32/blackwellAttestationReport.txt",
            "blackwell-575.32/blackwellCertChain.txt",
        ),
        (
            "ls10-switch/switchAttestationReport.txt",
            "ls10-switch/switchCertChain.txt",
        ),
        (
            "ls10-switch-invalid-signature/switchAttestationReportInvalidSignature.txt",
            "ls10-switch-invalid-signature/switchCertChain.txt",
        ),
    ];
    SETS.iter()
        .filter_map(|(report, chain)| {
            let evidence = aimine_vectors::read_hex(&format!("nvidia/{report}"))?;
            let pem = aimine_vectors::read(&format!("nvidia/{chain}"))?;
            let chain = aimine_nvtrust::pem::decode_chain(std::str::from_utf8(&pem).ok()?).ok()?;
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
            .filter_map(|(e, chain)| {
                let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
                let mut out = vec![0u8; envelope::encoded_len(&e, &refs).ok()?];
                envelope::encode(&e, &refs, &mut out).ok()?;
                Some(out)
            })
            .collect(),
        _ => Vec::new(),
    }
}
