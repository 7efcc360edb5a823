//! SEV-SNP and composite quotes for the registry world: a registry that trusts the SEV test kit's
//! roots, session nonces to bind reports to, and the GPU parts of composite quotes (the quote
//! builders themselves are in [`crate::quotes`]).

use aimine_envelope::testkit::Enveloped;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::ForgeOptions;
use aimine_registry::Address;
use aimine_registry::{key_hash, session_nonce};
use aimine_tee::AmdProduct;
use aimine_tee::testkit::{KIT_TIME, SevKit};

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
