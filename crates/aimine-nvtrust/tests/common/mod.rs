//! Loading the real NVIDIA vectors: (evidence, DER chain, expected nonce) per device.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use aimine_nvtrust::UnixTime;
use base64::Engine;

/// 2025-06-11T00:30:58Z: inside every device certificate's validity (they run to 9999).
pub const AT: UnixTime = UnixTime(1_749_601_858);

pub const NONCE_931D: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
pub const NONCE_5BB2: &str = "5bb22e377702d4e1e8215a903ba094826b9ac7f731dee1fe8102958bf2840aca";
pub const NONCE_27A3: &str = "27a328247bf7935c993341cf587be6f05986ccce4fe7ba2c54100bd616a58f66";
pub const NONCE_E97B: &str = "e97b23a1718095a0e9e35edca810768c70a6a5a389b705e753b197912bc11576";

// One device's evidence, chain and nonce: aimine-vectors' loader type. Its chain is decoded here
// with aimine-nvtrust's own PEM reader, which these tests exercise.
pub use aimine_vectors::nonce;
pub use aimine_vectors::nvidia::Device;

pub use aimine_vectors::nvidia::{
    BLACKWELL_575, HOPPER_535, HOPPER_550, HOPPER_570, HOPPER_580, HOPPER_INVALID_SIGNATURE, LS10,
    LS10_INVALID_SIGNATURE, Set,
};

/// One NVIDIA set, or `None` when the vectors are absent. A set without a listed nonce gets
/// the one in its report.
pub fn load(set: &Set) -> Option<Device> {
    let (evidence, pem) = aimine_vectors::nvidia::load(set)?;
    let chain = aimine_nvtrust::decode_pem_chain(&pem).unwrap();
    let nonce = if set.nonce.is_empty() {
        *aimine_nvtrust::Evidence::parse(&evidence).unwrap().nonce()
    } else {
        nonce(set.nonce)
    };
    Some(Device {
        name: set.report.to_string(),
        evidence,
        chain,
        nonce,
    })
}

/// Several sets (none when the vectors are absent).
pub fn load_all(sets: &[Set]) -> Vec<Device> {
    sets.iter().filter_map(load).collect()
}

/// Every device of an attestation-SDK evidence JSON file.
pub fn load_json(file: &str) -> Option<Vec<(String, Device)>> {
    let doc = aimine_vectors::read_json(&format!("nvidia/{file}"))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Some(
        doc.as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let evidence = b64.decode(item["evidence"].as_str().unwrap()).unwrap();
                let pem = b64.decode(item["certificate"].as_str().unwrap()).unwrap();
                let chain =
                    aimine_nvtrust::decode_pem_chain(std::str::from_utf8(&pem).unwrap()).unwrap();
                (
                    item["arch"].as_str().unwrap().to_string(),
                    Device {
                        name: format!("{file}[{i}]"),
                        evidence,
                        chain,
                        nonce: nonce(item["nonce"].as_str().unwrap()),
                    },
                )
            })
            .collect(),
    )
}

/// The device-identity root as DER.
pub fn nvidia_root_der() -> Option<Vec<u8>> {
    let pem = aimine_vectors::read("nvidia/roots/verifier_device_root.pem")?;
    Some(
        aimine_nvtrust::decode_pem_chain(std::str::from_utf8(&pem).unwrap())
            .unwrap()
            .remove(0),
    )
}
