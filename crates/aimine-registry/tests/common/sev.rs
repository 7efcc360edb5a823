//! SEV-SNP and composite quotes for the shared world: a registry that trusts the SEV test kit's
//! roots, reports bound to session nonces, and the GPU parts of composite quotes.

use aimine_envelope::testkit::Enveloped;
use aimine_envelope::{encode_composite, encode_sev_snp};
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::ForgeOptions;
use aimine_registry::Address;
use aimine_registry::{key_hash, session_nonce};
use aimine_tee::AmdProduct;
use aimine_tee::testkit::{KIT_TIME, ReportFields, SevKit};
use sha2::{Digest, Sha256};

use super::{ADMIN, World};

/// The time every SEV test runs at: when the kit's certificates are valid.
pub const T: u64 = KIT_TIME.as_secs();

/// A world that trusts the SEV test kit's roots (and the GPU test root, as every World does).
pub fn world() -> (World, SevKit) {
    let mut w = World::new(7);
    let kit = SevKit::milan();
    let (ark, ask) = kit.chain();
    w.call(T, |r| {
        r.set_amd_root(&ADMIN, 0, AmdProduct::Milan, ark, ask)
    })
    .unwrap();
    (w, kit)
}

/// The session nonce of a miner submitting its own quote at `ts`.
pub fn nonce(w: &World, miner: &Address, ts: u64) -> [u8; 32] {
    nonce_for(w, miner, miner, ts)
}

/// The session nonce of a quote `submitter` sends for `miner` at `ts`.
pub fn nonce_for(w: &World, submitter: &Address, miner: &Address, ts: u64) -> [u8; 32] {
    session_nonce(w.chain_id, submitter, miner, ts / 3_600, &key_hash(None))
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

/// Hopper GPUs forged under the world's GPU root, answering `nonce`, and their ids.
pub fn gpus(w: &mut World, nonce: [u8; 32], devices: &[u32]) -> (Vec<Vec<u8>>, Vec<[u8; 32]>) {
    let mut envs = Vec::new();
    let mut ids = Vec::new();
    for &d in devices {
        let mut o = ForgeOptions::new(Architecture::Hopper, nonce);
        o.device = d;
        let env = w.pki.forge(&o).envelope();
        let a = w.call(T, |r| r.appraise_quote(&env, None)).unwrap();
        envs.push(env);
        ids.push(a.gpu_id);
    }
    (envs, ids)
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
