//! The real NVIDIA vectors as devices aimine-nvtrust reads: evidence, DER chain (decoded with
//! aimine-nvtrust's own PEM reader, which its tests exercise) and the nonce each report answers.

use aimine_nvtrust::UnixTime;
use base64::Engine;

use crate::nonce;
use crate::nvidia::{Device, Set};

/// 2025-06-11T00:30:58Z: inside every device certificate's validity (they run to 9999).
pub const AT: UnixTime = UnixTime(1_749_601_858);

/// The request nonce most NVIDIA report sets answer (and the SDK's LS10 evidence JSON).
pub const NONCE_931D: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
/// The request nonce of the SDK's Hopper evidence JSON (driver 590.12, PPCIE mode).
pub const NONCE_E97B: &str = "e97b23a1718095a0e9e35edca810768c70a6a5a389b705e753b197912bc11576";

/// One NVIDIA set, or `None` when the vectors are absent. A set without a listed nonce gets
/// the one in its report.
pub fn load(set: &Set) -> Option<Device> {
    let (evidence, pem) = crate::nvidia::load(set)?;
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

/// Every device of an attestation-SDK evidence JSON file, with its architecture name.
pub fn load_json(file: &str) -> Option<Vec<(String, Device)>> {
    let doc = crate::read_json(&format!("nvidia/{file}"))?;
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

/// NVIDIA's device-identity root as DER, from the vectors.
pub fn nvidia_root_der() -> Option<Vec<u8>> {
    let pem = crate::read("nvidia/roots/verifier_device_root.pem")?;
    Some(
        aimine_nvtrust::decode_pem_chain(std::str::from_utf8(&pem).unwrap())
            .unwrap()
            .remove(0),
    )
}
