//! Reading devices from files: NVIDIA attestation-SDK evidence JSON, report hex + PEM chain, or
//! aimine quote envelopes (binary or hex).

use std::path::Path;

use base64::Engine;

use crate::CliError;

/// One device's evidence and chain, as read.
#[derive(Debug, Clone)]
pub struct Device {
    /// Where it came from, for messages (`file` or `file[i]`).
    pub label: String,
    /// The architecture the SDK JSON names, if any.
    pub arch: Option<String>,
    /// Raw SPDM evidence.
    pub evidence: Vec<u8>,
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The nonce an SDK JSON says the evidence answers.
    pub nonce: Option<[u8; 32]>,
}

/// Every device in `files`, in order. A report hex file must be followed by its PEM chain file.
pub fn load(files: &[std::path::PathBuf]) -> Result<Vec<Device>, CliError> {
    let mut inputs = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        inputs.push((path.display().to_string(), bytes));
    }
    parse(inputs)
}

/// Every device in `inputs` (a label, for messages, and the bytes), in order, as [`load`] reads
/// files.
pub fn parse(inputs: Vec<(String, Vec<u8>)>) -> Result<Vec<Device>, CliError> {
    let mut devices: Vec<Device> = Vec::new();
    let mut awaiting_chain: Option<Device> = None;
    for (label, bytes) in inputs {
        match classify(&bytes) {
            Kind::Json => {
                if let Some(d) = awaiting_chain.take() {
                    return Err(no_chain(&d));
                }
                devices.extend(from_json(&label, &bytes)?);
            }
            Kind::Pem => {
                let mut d = awaiting_chain.take().ok_or_else(|| {
                    format!("{label}: a certificate chain with no report before it")
                })?;
                let text = std::str::from_utf8(&bytes).map_err(|_| format!("{label}: not text"))?;
                d.chain =
                    aimine_nvtrust::decode_pem_chain(text).map_err(|e| format!("{label}: {e}"))?;
                devices.push(d);
            }
            Kind::Envelope(raw) => {
                if let Some(d) = awaiting_chain.take() {
                    return Err(no_chain(&d));
                }
                let q = aimine_envelope::decode_gpu(&raw).map_err(|e| format!("{label}: {e}"))?;
                devices.push(Device {
                    label,
                    arch: None,
                    evidence: q.evidence.to_vec(),
                    chain: q.chain.iter().map(|c| c.to_vec()).collect(),
                    nonce: None,
                });
            }
            Kind::Report(evidence) => {
                if let Some(d) = awaiting_chain.take() {
                    return Err(no_chain(&d));
                }
                awaiting_chain = Some(Device {
                    label,
                    arch: None,
                    evidence,
                    chain: Vec::new(),
                    nonce: None,
                });
            }
            Kind::Unknown => {
                return Err(format!(
                    "{label}: not an evidence JSON, a report in hex, a PEM chain or a quote envelope"
                ));
            }
        }
    }
    if let Some(d) = awaiting_chain {
        return Err(no_chain(&d));
    }
    if devices.is_empty() {
        return Err("no devices in the given files".into());
    }
    Ok(devices)
}

fn no_chain(d: &Device) -> CliError {
    format!(
        "{}: a report needs its PEM certificate chain file right after it",
        d.label
    )
}

enum Kind {
    Json,
    Pem,
    Envelope(Vec<u8>),
    Report(Vec<u8>),
    Unknown,
}

fn classify(bytes: &[u8]) -> Kind {
    if bytes.starts_with(&aimine_envelope::MAGIC) {
        return Kind::Envelope(bytes.to_vec());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Kind::Unknown;
    };
    let trimmed = text.trim();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return Kind::Json;
    }
    if trimmed.contains("-----BEGIN CERTIFICATE-----") {
        return Kind::Pem;
    }
    let hex_text = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    match hex::decode(hex_text) {
        Ok(raw) if raw.starts_with(&aimine_envelope::MAGIC) => Kind::Envelope(raw),
        Ok(raw) if !raw.is_empty() => Kind::Report(raw),
        _ => Kind::Unknown,
    }
}

/// The devices of an attestation-SDK evidence JSON: a list (or one) of
/// `{"arch", "nonce", "evidence": base64, "certificate": base64 PEM chain}`.
fn from_json(label: &str, bytes: &[u8]) -> Result<Vec<Device>, CliError> {
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{label}: not JSON: {e}"))?;
    let items: Vec<&serde_json::Value> = match &doc {
        serde_json::Value::Array(list) => list.iter().collect(),
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return Err(format!("{label}: expected a list of evidence objects")),
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let here = format!("{label}[{i}]");
            let field = |name: &str| {
                item.get(name)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| format!("{here}: missing string field {name:?}"))
            };
            let evidence = b64
                .decode(field("evidence")?)
                .map_err(|e| format!("{here}: evidence is not base64: {e}"))?;
            let pem = b64
                .decode(field("certificate")?)
                .map_err(|e| format!("{here}: certificate is not base64: {e}"))?;
            let pem = String::from_utf8(pem)
                .map_err(|_| format!("{here}: certificate is not PEM text"))?;
            let chain =
                aimine_nvtrust::decode_pem_chain(&pem).map_err(|e| format!("{here}: {e}"))?;
            let nonce = match item.get("nonce").and_then(serde_json::Value::as_str) {
                Some(n) => Some(parse_nonce(n).map_err(|e| format!("{here}: {e}"))?),
                None => None,
            };
            Ok(Device {
                label: here,
                arch: item
                    .get("arch")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string),
                evidence,
                chain,
                nonce,
            })
        })
        .collect()
}

/// A 32-byte nonce from hex.
pub fn parse_nonce(text: &str) -> Result<[u8; 32], CliError> {
    let t = text.trim();
    let raw = hex::decode(t.strip_prefix("0x").unwrap_or(t))
        .map_err(|_| format!("nonce {t:?} is not hex"))?;
    raw.try_into()
        .map_err(|_| format!("nonce {t:?} is not 32 bytes"))
}

/// A PEM root certificate file, as DER.
pub fn load_root(path: &Path) -> Result<Vec<u8>, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut certs =
        aimine_nvtrust::decode_pem_chain(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.len() != 1 {
        return Err(format!(
            "{}: expected one certificate, found {}",
            path.display(),
            certs.len()
        ));
    }
    Ok(certs.remove(0))
}
