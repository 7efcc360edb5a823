//! Review of issue 16's storage repacking (branch review-16): attacks on the policy word shared
//! by governance parameters and the anchor bits, and on the device word's session bookkeeping.
//! Tests that pass record what was checked and found sound; an `#[ignore]`d test is a finding
//! that fails today (run it with `--ignored`).
use aimine_nvtrust::{Architecture, NVIDIA_DEVICE_IDENTITY_CA};
use aimine_registry::word::from_u128;
use aimine_registry::{
    Address, Error, MAX_ATTESTATION_TTL, MAX_BASE_RATE, MAX_COMPUTE_UNITS, MAX_HEARTBEAT_INTERVAL,
    Param, Word,
};
use aimine_vectors::registry::{ADMIN, CHAIN, T0, World};

const MINER: Address = [0x11; 20];
const OWNER: Address = [0x22; 20];

/// The parameters packed into the policy word with the anchor bits.
const PACKED: [Param; 10] = Param::PACKED;

/// The largest value governance may give `p`, and the smallest.
fn bounds(p: Param) -> (u128, u128) {
    match p {
        Param::EpochSeconds => (u128::from(u32::MAX), 1),
        Param::AttestationTtl => (u128::from(MAX_ATTESTATION_TTL), 1),
        Param::MaxHeartbeatInterval => (u128::from(MAX_HEARTBEAT_INTERVAL), 1),
        Param::BaseRate => (MAX_BASE_RATE, 0),
        Param::HopperComputeUnits
        | Param::BlackwellComputeUnits
        | Param::WorkstationComputeUnits => (u128::from(MAX_COMPUTE_UNITS), 0),
        _ => (1, 0),
    }
}

fn params(w: &mut World) -> Vec<Word> {
    PACKED
        .iter()
        .map(|p| w.call(T0, |r| r.param(*p)).unwrap())
        .collect()
}

#[test]
fn packed_setters_never_touch_the_anchor_bits_nor_anchor_changes_the_parameters() {
    let mut w = World::new(5);
    let anchors = w.call(T0, |r| r.anchors()).unwrap();
    assert_eq!(anchors.len(), 2, "NVIDIA's root and the test root");
    let before = params(&mut w);
    // Every packed parameter at both its bounds, through the governance setter: the anchors
    // (NVIDIA's bit, the stored count) stay, and every other parameter keeps its value.
    for (i, p) in PACKED.iter().enumerate() {
        let (hi, lo) = bounds(*p);
        for v in [hi, lo] {
            w.call(T0, |r| r.set_param(&ADMIN, *p, from_u128(v)))
                .unwrap();
            assert_eq!(w.call(T0, |r| r.anchors()).unwrap(), anchors, "{p:?}={v}");
            let now = params(&mut w);
            for (j, q) in PACKED.iter().enumerate() {
                if i != j {
                    assert_eq!(now[j], before[j], "setting {p:?} moved {q:?}");
                }
            }
            assert_eq!(now[i], from_u128(v));
        }
        w.call(T0, |r| r.set_param(&ADMIN, *p, before[i])).unwrap();
    }
    assert_eq!(params(&mut w), before);
    // Anchor changes, NVIDIA's bit and stored ones, keep every parameter.
    let nvidia = NVIDIA_DEVICE_IDENTITY_CA.public_key;
    let test_root = w.pki.anchor().public_key.to_vec();
    w.call(T0, |r| r.remove_anchor(&ADMIN, nvidia)).unwrap();
    assert_eq!(params(&mut w), before);
    w.call(T0, |r| r.remove_anchor(&ADMIN, &test_root)).unwrap();
    assert_eq!(params(&mut w), before);
    assert_eq!(w.call(T0, |r| r.anchors()).unwrap().len(), 0);
    w.call(T0, |r| r.add_anchor(&ADMIN, &test_root)).unwrap();
    w.call(T0, |r| r.add_anchor(&ADMIN, nvidia)).unwrap();
    assert_eq!(params(&mut w), before);
    assert_eq!(w.call(T0, |r| r.anchors()).unwrap().len(), 2);
}

fn start(w: &mut World, ts: u64) -> Result<Word, Error> {
    let q = w.quote(Architecture::Hopper, 1, &OWNER, &MINER, ts, None);
    w.call(ts, |r| r.start_session(&OWNER, &MINER, &q, None))
}

/// Finding (low, fixed): a device's own active session is not stored by id but derived from the
/// block's chain id (`DeviceWord::latest`). State read under another chain id than the one that
/// wrote it (a chain-id change at a fork, a node restarted with another configured id on the
/// same database) named no session, and a second session opened for the same GPU while the first
/// stayed active. Now a device word that marks its own session active must name an active
/// session of that device, or the read is a store error: the GPU is never free twice.
#[test]
fn a_session_stays_visible_whatever_chain_id_reads_the_state() {
    let mut w = World::new(5);
    let first = start(&mut w, T0).unwrap();
    let gpu = w.call(T0, |r| r.session(&first)).unwrap().unwrap().gpu_id;
    w.chain_id = CHAIN + 1;
    // The device word marks its own latest session active, and the id derived under another
    // chain id names no session: refused, never taken for a free GPU.
    assert_eq!(
        w.call(T0 + 60, |r| r.active_session(&gpu)).unwrap_err(),
        Error::Store
    );
    assert_eq!(start(&mut w, T0 + 60).unwrap_err(), Error::Store);
    w.chain_id = CHAIN;
    assert!(
        w.call(T0 + 60, |r| r.session(&first))
            .unwrap()
            .unwrap()
            .active
    );
    assert_eq!(
        w.call(T0 + 60, |r| r.active_session(&gpu))
            .unwrap()
            .unwrap()
            .id,
        first
    );
}
