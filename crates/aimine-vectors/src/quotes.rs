//! Quotes as AIMQ envelopes, for any world: real NVIDIA and Intel vectors, and SEV-SNP and
//! composite quotes forged by aimine-tee's test kit.

use aimine_envelope::{IntelCollateral, Kind, encode_composite, encode_intel, encode_sev_snp};
use aimine_tee::testkit::{ReportFields, SevKit};
use sha2::{Digest, Sha256};

/// A real NVIDIA vector set as an AIMQ envelope, with its device-identity certificate
/// (`chain[1]`), or `None` when the vectors are absent.
pub fn real_gpu(set: &crate::nvidia::Set) -> Option<(Vec<u8>, Vec<u8>)> {
    let d = crate::nvidia::device(set)?;
    let quote = aimine_envelope::testkit::envelope_of(&d.evidence, &d.chain).expect("envelope");
    Some((quote, d.chain[1].clone()))
}

/// The collateral of a real Intel quote (see [`crate::cputee::intel`]), as aimine-tee reads it.
pub fn real_intel_dcap_collateral(name: &str) -> Option<aimine_tee::intel::Collateral> {
    let (_, json) = crate::cputee::intel(name)?;
    Some(aimine_tee::intel::collateral_from_json(&json).expect("collateral"))
}

/// The collateral of a real Intel quote, encoded as `submitIntelCollateral` takes it, or `None`
/// when the vectors are absent.
pub fn real_intel_collateral(name: &str) -> Option<Vec<u8>> {
    let dcap = real_intel_dcap_collateral(name)?;
    Some(aimine_envelope::encode_collateral(&IntelCollateral::from_dcap(&dcap)).unwrap())
}

/// A real Intel quote (`tdx_quote` or `sgx_quote`) as an AIMQ envelope with its collateral
/// inline, or `None` when the vectors are absent.
pub fn real_intel(name: &str) -> Option<Vec<u8>> {
    let (quote, _) = crate::cputee::intel(name)?;
    let dcap = real_intel_dcap_collateral(name)?;
    let col = IntelCollateral::from_dcap(&dcap);
    Some(encode_intel(Kind::intel(name.starts_with("tdx")), &quote, Some(&col)).unwrap())
}

/// The genuine Milan SEV-SNP report as an AIMQ envelope carrying its VCEK, or `None` when the
/// vectors are absent.
pub fn real_milan() -> Option<Vec<u8>> {
    let (report, vcek) = crate::cputee::milan()?;
    Some(encode_sev_snp(&report, &[&vcek]).unwrap())
}

/// An SEV-SNP envelope from test chip `chip` whose report data is `data`.
pub fn sev(kit: &SevKit, chip: usize, data: [u8; 64], policy: u64) -> Vec<u8> {
    let fields = ReportFields {
        chip,
        report_data: data,
        policy,
        ..ReportFields::default()
    };
    encode_sev_snp(&kit.report(&fields), &kit.certs_of(chip)).unwrap()
}

/// Report data: the nonce, then the second half.
pub fn bound(nonce: [u8; 32], second_half: [u8; 32]) -> [u8; 64] {
    let mut d = [0u8; 64];
    d[..32].copy_from_slice(&nonce);
    d[32..].copy_from_slice(&second_half);
    d
}

/// The platform id of test chip `chip`.
pub fn platform(chip: usize) -> [u8; 32] {
    Sha256::digest([if chip == 0 { 1u8 } else { 2 }; 64]).into()
}

/// SHA-256 of GPU ids in order: what a composite's CPU report data names.
pub fn hash_ids(ids: &[[u8; 32]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for id in ids {
        h.update(id);
    }
    h.finalize().into()
}

/// A composite quote from test chip `chip` with `gpus` (their envelopes), whose CPU names
/// `named` and answers `nonce`.
pub fn composite(
    kit: &SevKit,
    chip: usize,
    nonce: [u8; 32],
    named: &[[u8; 32]],
    gpus: &[&[u8]],
) -> Vec<u8> {
    let cpu = sev(kit, chip, bound(nonce, hash_ids(named)), 0x30000);
    encode_composite(&cpu, gpus).unwrap()
}
