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

/// What dev evidence to forge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DevKind {
    /// A dev H100.
    H100,
    /// A dev B200.
    B200,
    /// The AMD test kit's Milan chip 0 with this many dev H100s.
    CompositeSev(u32),
}

/// Dev evidence of `kind` (devices from `device` on) answering `nonce`: the envelope, and
/// what it is (for messages).
///
/// # Errors
/// A GPU count out of 1..=[`MAX_DEV_GPUS`], or a device number that overflows.
pub fn forge(kind: DevKind, device: u32, nonce: [u8; 32]) -> Result<(Vec<u8>, String), CliError> {
    let pki = dev_pki();
    Ok(match kind {
        DevKind::CompositeSev(count) => {
            if count == 0 || count > MAX_DEV_GPUS {
                return Err(format!("--gpus: 1 to {MAX_DEV_GPUS}"));
            }
            let mut gpus = Vec::new();
            let mut ids = Vec::new();
            for i in 0..count {
                let device = device.checked_add(i).ok_or("--device: too large")?;
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
                    "a composite quote: the AMD test kit's Milan chip 0 (SEV-SNP) with {count} dev H100s, gpu ids {}",
                    ids.join(", ")
                ),
            )
        }
        DevKind::H100 | DevKind::B200 => {
            let (arch, name) = if kind == DevKind::B200 {
                (Architecture::Blackwell, "B200")
            } else {
                (Architecture::Hopper, "H100")
            };
            let (env, id) = gpu(&pki, arch, device, nonce)?;
            (
                env,
                format!("a dev {name}, device {device}, gpu id {}", hex::encode(id)),
            )
        }
    })
}

/// `aimine dev quote`.
pub fn quote(a: &DevQuoteArgs) -> Result<Outcome, CliError> {
    let nonce: [u8; 32] = crate::input::array("nonce", &a.nonce)?;
    let kind = if a.composite_sev {
        DevKind::CompositeSev(a.gpus)
    } else if a.gpu == Some(DevGpu::B200) {
        DevKind::B200
    } else {
        DevKind::H100
    };
    let (envelope, what) = forge(kind, a.device, nonce)?;
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
