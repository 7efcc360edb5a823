//! `aimine quote inspect | verify | build`.

use aimine_nvtrust::{
    Architecture, Certificate, Error, Evidence, KnownCert, LinkCache, NVIDIA_DEVICE_IDENTITY_CA,
    Nvdec0Status, OpaqueType, TrustAnchor, verify_evidence_with,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::args::{BuildArgs, InspectArgs, QuoteVerifyArgs};
use crate::devices::{self, Device};
use crate::{CliError, Outcome, rfc3339};

/// `aimine quote inspect`: every parsed field, per device.
pub fn inspect(a: &InspectArgs) -> Result<Outcome, CliError> {
    let devices = devices::load(&a.files)?;
    for (i, d) in devices.iter().enumerate() {
        let v = describe(d);
        if a.json {
            emit!("{v}");
        } else {
            if i > 0 {
                emit!();
            }
            emit!("device {}: {}", i.saturating_add(1), d.label);
            print_text(&v, 1);
        }
    }
    Ok(Outcome::Valid)
}

/// `aimine quote verify`: one verdict per device.
pub fn verify(a: &QuoteVerifyArgs) -> Result<Outcome, CliError> {
    let devices = devices::load(&a.files)?;
    let nonce_arg = a.nonce.as_deref().map(devices::parse_nonce).transpose()?;
    let time = rfc3339::at_or_now(a.at.as_deref())?;
    let root_der = a.root.as_deref().map(devices::load_root).transpose()?;
    let anchor = match &root_der {
        Some(der) => TrustAnchor::from_cert_der(der).map_err(|e| format!("--root: {e}"))?,
        None => NVIDIA_DEVICE_IDENTITY_CA,
    };
    let rims = crate::rim::load_for_quote(&a.rims, time)?;
    let mut cache = LinkCache::<32>::new();
    let mut all_valid = true;
    for d in &devices {
        let chain: Vec<&[u8]> = d.chain.iter().map(Vec::as_slice).collect();
        // The nonce to expect: --nonce, else the one an SDK JSON names, else the evidence's own.
        let parsed = Evidence::parse(&d.evidence).map_err(Error::from);
        let (expected, nonce_checked) = match (nonce_arg, d.nonce, &parsed) {
            (Some(n), _, _) | (None, Some(n), _) => (n, true),
            (None, None, Ok(ev)) => (*ev.nonce(), false),
            (None, None, Err(_)) => ([0; 32], false),
        };
        let result = parsed.and_then(|ev| {
            verify_evidence_with(ev, &chain, &expected, &[anchor], time, &mut cache)
        });
        let mut out = Map::new();
        out.insert("device".into(), json!(d.label));
        match &result {
            Ok(gpu) => {
                out.insert("verdict".into(), json!("valid"));
                out.insert("architecture".into(), json!(gpu.architecture().name()));
                out.insert("gpu_id".into(), json!(hex::encode(gpu.gpu_id())));
                out.insert("pdi".into(), json!(hex::encode(gpu.pdi())));
                out.insert("driver".into(), json!(gpu.driver_version()));
                out.insert(
                    "vbios".into(),
                    json!(gpu.vbios_version().map(|v| v.to_string())),
                );
                out.insert("mode".into(), json!(gpu.mode().map(|m| m.name())));
            }
            Err(e) => {
                all_valid = false;
                out.insert("verdict".into(), json!("invalid"));
                out.insert("check".into(), json!(e.check().name()));
                out.insert("error".into(), json!(e.to_string()));
            }
        }
        // The measurement verdict against the RIMs, for evidence that verified.
        let measres = match (&rims, &result) {
            (Some(r), Ok(_)) => Some(crate::rim::measres(&d.evidence, r)),
            _ => None,
        };
        if let Some(m) = &measres {
            match m {
                Ok(a) => {
                    out.insert(
                        "measres".into(),
                        json!(if a.is_match() { "success" } else { "fail" }),
                    );
                    out.insert("mismatched_indices".into(), json!(a.mismatched));
                    out.insert("missing_indices".into(), json!(a.missing));
                    out.insert("measurements_checked".into(), json!(a.checked.len()));
                    if !a.is_match() {
                        all_valid = false;
                    }
                }
                Err(e) => {
                    all_valid = false;
                    out.insert("measres".into(), json!("fail"));
                    out.insert("measres_error".into(), json!(e));
                }
            }
        }
        out.insert("nonce".into(), json!(hex::encode(expected)));
        out.insert("nonce_checked".into(), json!(nonce_checked));
        out.insert("at".into(), json!(rfc3339::format(time)));
        if a.json {
            emit!("{}", Value::Object(out));
            continue;
        }
        match &result {
            Ok(gpu) => {
                let mut line = format!(
                    "{}: valid  {} gpu_id={}",
                    d.label,
                    gpu.architecture(),
                    hex::encode(gpu.gpu_id())
                );
                if let Some(v) = gpu.driver_version() {
                    line.push_str(&format!(" driver={v}"));
                }
                if let Some(v) = gpu.vbios_version() {
                    line.push_str(&format!(" vbios={v}"));
                }
                if let Some(m) = gpu.mode() {
                    line.push_str(&format!(" mode={}", m.name()));
                }
                if !nonce_checked {
                    line.push_str("  (nonce not checked: give --nonce)");
                }
                match &measres {
                    Some(Ok(a)) if a.is_match() => line.push_str(&format!(
                        "\n  measurements: match the RIMs ({} checked{})",
                        a.checked.len(),
                        if a.nvdec0_skipped {
                            ", index 35 skipped: NVDEC0 disabled"
                        } else {
                            ""
                        }
                    )),
                    Some(Ok(a)) => line.push_str(&format!(
                        "\n  measurements: MISMATCH at indices {:?}{}",
                        a.mismatched,
                        if a.missing.is_empty() {
                            String::new()
                        } else {
                            format!(", missing {:?}", a.missing)
                        }
                    )),
                    Some(Err(e)) => {
                        line.push_str(&format!("\n  measurements: RIMs do not apply: {e}"))
                    }
                    None => {}
                }
                emit!("{line}");
            }
            Err(e) => emit!("{}: invalid: {e}", d.label),
        }
    }
    Ok(if all_valid {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// `aimine quote build`: the envelope of each device.
pub fn build(a: &BuildArgs) -> Result<Outcome, CliError> {
    let devices = if a.files.is_empty() {
        Vec::new()
    } else {
        devices::load(&a.files)?
    };
    let mut envelopes = Vec::new();
    for d in &devices {
        let chain: Vec<&[u8]> = d.chain.iter().map(Vec::as_slice).collect();
        let out = aimine_envelope::encode_gpu(&d.evidence, &chain)
            .map_err(|e| format!("{}: {e}", d.label))?;
        envelopes.push((d.label.clone(), out));
    }
    if let Some(cpu) = crate::tee::cpu_envelope(a)? {
        let gpus: Vec<&[u8]> = envelopes.iter().map(|(_, e)| e.as_slice()).collect();
        let out = if gpus.is_empty() {
            cpu
        } else {
            aimine_envelope::encode_composite(&cpu, &gpus).map_err(|e| format!("composite: {e}"))?
        };
        let label = if gpus.is_empty() {
            "CPU quote"
        } else {
            "composite quote"
        };
        envelopes = vec![(label.to_string(), out)];
    }
    let count = envelopes.len();
    for (i, (label, out)) in envelopes.iter().enumerate() {
        match &a.output {
            None => emit!("{}", hex::encode(out)),
            Some(path) => {
                let path = if count == 1 {
                    path.clone()
                } else {
                    let mut p = path.clone().into_os_string();
                    p.push(format!(".{i}"));
                    p.into()
                };
                std::fs::write(&path, out)
                    .map_err(|e| format!("writing {}: {e}", path.display()))?;
                eprintln!("{label}: {} bytes -> {}", out.len(), path.display());
            }
        }
    }
    Ok(Outcome::Valid)
}

/// Everything parsed about one device, as JSON (the text form is printed from it too).
fn describe(d: &Device) -> Value {
    let mut out = Map::new();
    out.insert("device".into(), json!(d.label));
    if let Some(arch) = &d.arch {
        out.insert("sdk_arch".into(), json!(arch));
    }
    if let Some(n) = d.nonce {
        out.insert("sdk_nonce".into(), json!(hex::encode(n)));
    }
    let certs: Vec<Option<Certificate<'_>>> = d
        .chain
        .iter()
        .map(|c| Certificate::from_der(c).ok())
        .collect();
    let arch = match certs.as_slice() {
        [Some(leaf), Some(device), ..] => {
            let a = leaf
                .subject_common_name()
                .and_then(Architecture::from_common_name);
            let b = device
                .subject_common_name()
                .and_then(Architecture::from_common_name);
            if a == b { a } else { None }
        }
        _ => None,
    };
    out.insert("architecture".into(), json!(arch.map(|a| a.name())));
    if let [_, Some(device), ..] = certs.as_slice() {
        out.insert(
            "gpu_id".into(),
            json!(hex::encode(Sha256::digest(device.spki()))),
        );
    }
    match Evidence::parse(&d.evidence) {
        Ok(ev) => {
            out.insert(
                "evidence".into(),
                describe_evidence(&ev, arch == Some(Architecture::Ls10)),
            );
        }
        Err(e) => {
            out.insert("evidence_error".into(), json!(e.to_string()));
        }
    }
    let described: Vec<Value> = d
        .chain
        .iter()
        .zip(&certs)
        .enumerate()
        .map(|(i, (der, cert))| describe_cert(i, der, cert.as_ref()))
        .collect();
    out.insert("certificates".into(), Value::Array(described));
    Value::Object(out)
}

fn describe_evidence(ev: &Evidence<'_>, switch: bool) -> Value {
    let (rp1, rp2) = ev.request_params();
    let (p1, p2) = ev.response_params();
    let o = ev.opaque();
    let mut opaque = Map::new();
    for field in o.fields() {
        let known = OpaqueType::from_u16(field.field_type);
        let name = match known {
            Some(t) if switch => t.switch_name().to_string(),
            Some(t) => t.name().to_string(),
            None => format!("UNKNOWN_{}", field.field_type),
        };
        let value = match known {
            Some(OpaqueType::DriverVersion) => json!(o.driver_version()),
            Some(OpaqueType::VbiosVersion) => json!(o.vbios_version().map(|v| v.to_string())),
            Some(OpaqueType::ChipSku) => json!(o.chip_sku()),
            Some(OpaqueType::ChipSkuMod) => json!(o.chip_sku_mod()),
            Some(OpaqueType::Project) => json!(o.project()),
            Some(OpaqueType::ProjectSku) => json!(o.project_sku()),
            Some(OpaqueType::ProjectSkuMod) => json!(o.project_sku_mod()),
            Some(OpaqueType::ChipInfo) => json!(o.chip_info()),
            Some(OpaqueType::Nvdec0Status) => json!(match o.nvdec0_status() {
                Some(Nvdec0Status::Enabled) => "enabled (0xaa)".to_string(),
                Some(Nvdec0Status::Disabled) => "disabled (0x55)".to_string(),
                Some(Nvdec0Status::Other(b)) => format!("{b:#04x}"),
                None => String::new(),
            }),
            Some(OpaqueType::Msrscnt) => json!(o.msrscnt().collect::<Vec<_>>()),
            Some(OpaqueType::OpaqueDataVersion) => json!(o.opaque_data_version()),
            Some(OpaqueType::FeatureFlag) => json!(o.feature_flag().map(|f| f.name())),
            Some(OpaqueType::SwitchPdi) => {
                json!(o.switch_pdis().map(hex::encode).collect::<Vec<_>>())
            }
            Some(OpaqueType::SwitchGpuPdis) => json!({
                "gpu_pdis": o.switch_gpu_pdis().map(hex::encode).collect::<Vec<_>>(),
                "ports": hex::encode(o.switch_ports()),
            }),
            Some(OpaqueType::FloorsweptPorts) if switch => {
                json!(o.disabled_ports().map(u8::from).collect::<Vec<_>>())
            }
            _ => json!(hex::encode(field.value)),
        };
        opaque.insert(format!("{name} ({})", field.field_type), value);
    }
    let blocks: Vec<Value> = ev
        .blocks()
        .map(|b| json!({"index": b.index, "type": b.value_type, "value": hex::encode(b.value)}))
        .collect();
    json!({
        "length": ev.as_bytes().len(),
        "spdm_version": "1.1",
        "request": {
            "param1": format!("{rp1:#04x}"),
            "param2": format!("{rp2:#04x}"),
            "nonce": hex::encode(ev.nonce()),
            "slot_id": ev.slot_id(),
        },
        "response": {
            "param1": format!("{p1:#04x}"),
            "param2": format!("{p2:#04x}"),
            "block_count": ev.block_count(),
            "record_length": ev.record_len(),
            "responder_nonce": hex::encode(ev.responder_nonce()),
            "opaque_length": o.as_bytes().len(),
            "signature": hex::encode(ev.signature()),
        },
        "opaque": Value::Object(opaque),
        "measurements": blocks,
    })
}

fn describe_cert(index: usize, der: &[u8], cert: Option<&Certificate<'_>>) -> Value {
    let Some(c) = cert else {
        let error = Certificate::from_der(der).err().map(|e| e.to_string());
        return json!({"index": index, "error": error});
    };
    json!({
        "index": index,
        "subject_cn": c.subject_common_name(),
        "serial": hex::encode(c.serial()),
        "not_before": rfc3339::format(c.not_before()),
        "not_after": rfc3339::format(c.not_after()),
        "ca": c.basic_constraints().map(|b| b.ca),
        "key_usage": c.key_usage().map(|k| format!("{k:#06x}")),
        "fwid": c.fwid().map(hex::encode),
        "known": KnownCert::find(der).map(|k| k.name),
        "sha256": hex::encode(Sha256::digest(der)),
    })
}

/// Prints a JSON value as indented `key: value` lines.
fn print_text(v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    Value::Object(_) => {
                        emit!("{pad}{k}:");
                        print_text(val, depth.saturating_add(1));
                    }
                    Value::Array(items) if items.iter().any(|i| i.is_object()) => {
                        emit!("{pad}{k}:");
                        for item in items {
                            match item.as_object() {
                                // Small records (measurement blocks) on one line each.
                                Some(fields) if fields.len() <= 3 => {
                                    let line: Vec<String> = fields
                                        .iter()
                                        .map(|(k, v)| format!("{k}={}", scalar(v)))
                                        .collect();
                                    emit!("{pad}  - {}", line.join(" "));
                                }
                                _ => {
                                    emit!("{pad}  -");
                                    print_text(item, depth.saturating_add(2));
                                }
                            }
                        }
                    }
                    other => emit!("{pad}{k}: {}", scalar(other)),
                }
            }
        }
        other => emit!("{pad}{}", scalar(other)),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
