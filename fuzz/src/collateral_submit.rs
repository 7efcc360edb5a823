//! Fuzz target `collateral_submit`: permissionless submission of Intel collateral and AMD VCEKs
//! on any bytes. Never panics; nothing but Intel's genuinely signed TCB info and QE identity, or
//! AMD's genuine VCEK, is ever accepted.

use std::sync::OnceLock;

use aimine_registry::{BlockEnv, Config, Event, MemoryStore, Registry, UnixTime};

const AT: UnixTime = aimine_vectors::cputee::INTEL_AT;

/// The genuine signed texts (TCB info, QE identity) of the vectors' collateral, and the VCEK.
fn genuine() -> &'static (Vec<Vec<u8>>, Vec<u8>) {
    static G: OnceLock<(Vec<Vec<u8>>, Vec<u8>)> = OnceLock::new();
    G.get_or_init(|| {
        let mut texts = Vec::new();
        for name in ["tdx_quote", "sgx_quote", "tdx_quote_outdated"] {
            if let Some(c) = aimine_vectors::quotes::real_intel_dcap_collateral(name) {
                texts.push(c.tcb_info.into_bytes());
                texts.push(c.qe_identity.into_bytes());
            }
        }
        let vcek = aimine_vectors::cputee::milan()
            .map(|(_, vcek)| vcek)
            .unwrap_or_default();
        (texts, vcek)
    })
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let mut store = MemoryStore::new();
    let mut events: Vec<Event> = Vec::new();
    let env = BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: AT,
    };
    let mut r = Registry::new(&mut store, &mut events, env);
    r.init(&Config::with_admin([0xAD; 20])).expect("init");
    if r.submit_intel_collateral(data).is_ok() {
        let c = aimine_envelope::decode_collateral(data).expect("accepted collateral decodes");
        let (texts, _) = genuine();
        assert!(
            texts.iter().any(|t| t.as_slice() == c.tcb_info),
            "only Intel's TCB info is accepted"
        );
        assert!(
            texts.iter().any(|t| t.as_slice() == c.qe_identity),
            "only Intel's QE identity is accepted"
        );
    }
    // VCEKs are checked at a time inside the genuine one's validity.
    let env = BlockEnv {
        chain_id: 1,
        number: 1,
        timestamp: aimine_vectors::cputee::MILAN_AT,
    };
    let mut r = Registry::new(&mut store, &mut events, env);
    if r.submit_vcek(data).is_ok() {
        assert_eq!(
            data,
            genuine().1.as_slice(),
            "only AMD's genuine VCEK is accepted"
        );
    }
}
