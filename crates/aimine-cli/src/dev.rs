//! `aimine dev quote`: dev evidence bound to a nonce, forged by the testkits under the roots
//! `aimine node --dev-root` trusts (the GPU root of seed "aimine node dev root", the AMD test kit's
//! Milan root), so that any tool (cast, a script) can start sessions on a dev chain. Never valid
//! on a real chain: every run says so on stderr.

use aimine_envelope::testkit::Enveloped;
use aimine_nvtrust::Architecture;
use aimine_nvtrust::testkit::{ForgeOptions, TestPki};
use sha2::{Digest, Sha256};

use crate::args::{DevGpu, DevQuoteArgs};
use crate::node::DEV_ROOT_SEED;
use crate::{CliError, Outcome};

/// The most GPUs a dev composite quote holds.
pub const MAX_DEV_GPUS: u32 = 8;

/// The testkit PKI of the dev GPU root.
pub fn dev_pki() -> TestPki {
    TestPki::new(Sha256::digest(DEV_ROOT_SEED).into())
}

/// A forged GPU's envelope and its gpu id (SHA-256 of its device-identity key).
fn gpu(
    pki: &TestPki,
    arch: Architecture,
    device: u32,
    nonce: [u8; 32],
) -> Result<(Vec<u8>, [u8; 32]), CliError> {
    let mut options = ForgeOptions::new(arch, nonce);
    options.device = device;
    let forged = pki.forge(&options);
    let identity = forged
        .chain
        .get(1)
        .ok_or_else(|| String::from("the testkit forged no device certificate"))?;
    let cert = aimine_nvtrust::Certificate::from_der(identity)
        .map_err(|e| format!("the testkit's device certificate: {e:?}"))?;
    Ok((forged.envelope(), Sha256::digest(cert.spki()).into()))
}

/// `aimine dev quote`.
pub fn quote(a: &DevQuoteArgs) -> Result<Outcome, CliError> {
    let nonce: [u8; 32] = crate::input::array("nonce", &a.nonce)?;
    let pki = dev_pki();
    let (envelope, what) = if a.composite_sev {
        if a.gpus == 0 || a.gpus > MAX_DEV_GPUS {
            return Err(format!("--gpus: 1 to {MAX_DEV_GPUS}"));
        }
        let mut gpus = Vec::new();
        let mut ids = Vec::new();
        for i in 0..a.gpus {
            let device = a.device.checked_add(i).ok_or("--device: too large")?;
            let (env, id) = gpu(&pki, Architecture::Hopper, device, nonce)?;
            gpus.push(env);
            ids.push(id);
        }
        // The CPU report data: the nonce, then SHA-256 of the GPU ids in order.
        let mut data = [0u8; 64];
        data[..32].copy_from_slice(&nonce);
        let mut h = Sha256::new();
        for id in &ids {
            h.update(id);
        }
        data[32..].copy_from_slice(&h.finalize());
        let kit = aimine_tee::testkit::SevKit::milan();
        let fields = aimine_tee::testkit::ReportFields {
            chip: 0,
            report_data: data,
            policy: 0x30000,
            ..aimine_tee::testkit::ReportFields::default()
        };
        let cpu = aimine_envelope::encode_sev_snp(&kit.report(&fields), &kit.certs_of(0))
            .map_err(|e| format!("SEV-SNP envelope: {e}"))?;
        let refs: Vec<&[u8]> = gpus.iter().map(Vec::as_slice).collect();
        let env = aimine_envelope::encode_composite(&cpu, &refs)
            .map_err(|e| format!("composite envelope: {e}"))?;
        let ids: Vec<String> = ids.iter().map(hex::encode).collect();
        (
            env,
            format!(
                "a composite quote: the AMD test kit's Milan chip 0 (SEV-SNP) with {} dev H100s, gpu ids {}",
                a.gpus,
                ids.join(", ")
            ),
        )
    } else {
        let (arch, name) = match a.gpu {
            Some(DevGpu::B200) => (Architecture::Blackwell, "B200"),
            Some(DevGpu::H100) | None => (Architecture::Hopper, "H100"),
        };
        let (env, id) = gpu(&pki, arch, a.device, nonce)?;
        (
            env,
            format!(
                "a dev {name}, device {}, gpu id {}",
                a.device,
                hex::encode(id)
            ),
        )
    };
    eprintln!(
        "dev evidence: {what}, forged under the dev roots `aimine node --dev-root` trusts; never valid on a real chain"
    );
    match &a.output {
        None => emit!("0x{}", hex::encode(&envelope)),
        Some(path) => std::fs::write(path, &envelope)
            .map_err(|e| format!("writing {}: {e}", path.display()))?,
    }
    Ok(Outcome::Valid)
}
