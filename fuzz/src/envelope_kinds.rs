//! Fuzz target `envelope_kinds`: the AIMQ decoder of every kind on any bytes, and the registry's
//! read-only appraisal of whatever decodes (a chain that trusts the SEV-SNP test kit and a GPU
//! test root). Never panics; whatever decodes re-encodes to the same bytes (kinds 2–5).

use aimine_envelope::{Cpu, Envelope, decode, encode_composite, encode_intel, encode_sev_snp};
use aimine_registry::{BlockEnv, Config, Event, MemoryStore, Registry};
use aimine_tee::testkit::{KIT_TIME, SevKit};

const ADMIN: [u8; 20] = [0xAD; 20];

fn cpu_bytes(cpu: &Cpu<'_>) -> Vec<u8> {
    match cpu {
        Cpu::Intel {
            kind,
            quote,
            collateral,
        } => {
            encode_intel(*kind, quote, collateral.as_ref()).expect("decoded Intel part re-encodes")
        }
        Cpu::SevSnp { report, certs } => {
            encode_sev_snp(report, certs).expect("decoded SEV-SNP part re-encodes")
        }
    }
}

/// The registry the appraisals run on, built once and copied per input.
fn registry_store() -> MemoryStore {
    static STORE: std::sync::OnceLock<MemoryStore> = std::sync::OnceLock::new();
    STORE.get_or_init(build_store).clone()
}

fn build_store() -> MemoryStore {
    let mut store = MemoryStore::new();
    let mut events: Vec<Event> = Vec::new();
    let env = BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: KIT_TIME,
    };
    let mut r = Registry::new(&mut store, &mut events, env);
    r.init(&Config::with_admin(ADMIN)).expect("init");
    let kit = SevKit::milan();
    let (ark, ask) = kit.chain();
    r.set_amd_root(&ADMIN, 0, aimine_tee::AmdProduct::Milan, ark, ask)
        .expect("kit roots");
    store
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(envelope) = decode(data) else { return };
    match &envelope {
        Envelope::Gpu(_) => {}
        Envelope::Cpu(cpu) => assert_eq!(cpu_bytes(cpu), data, "CPU envelopes round-trip"),
        // The decoder keeps no part's bytes: rebuild the composite from its decoded parts and
        // check it decodes to as many GPUs.
        Envelope::Composite { cpu, gpus } => {
            let gpu_bytes: Vec<Vec<u8>> = gpus
                .iter()
                .map(|q| {
                    aimine_envelope::encode_gpu(q.evidence, &q.chain).expect("GPU part re-encodes")
                })
                .collect();
            let refs: Vec<&[u8]> = gpu_bytes.iter().map(Vec::as_slice).collect();
            let rebuilt = encode_composite(&cpu_bytes(cpu), &refs).expect("composite re-encodes");
            assert!(
                matches!(decode(&rebuilt), Ok(Envelope::Composite { gpus: g, .. }) if g.len() == gpus.len())
            );
        }
    }
    let mut store = registry_store();
    let mut events: Vec<Event> = Vec::new();
    let env = BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: KIT_TIME,
    };
    let _ = Registry::new(&mut store, &mut events, env).appraise_quote(data, None);
}
