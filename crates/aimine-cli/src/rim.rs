//! `aimine rim …`: verify NVIDIA RIMs and derive golden measurement sets, and the RIM verdict of
//! `aimine quote verify --rim`.

use std::path::{Path, PathBuf};

use aimine_evm::abi::IAIMining;
use aimine_nvtrust::{Evidence, UnixTime};
use aimine_rim::{Appraisal, VerifiedRim};
use alloy_sol_types::SolCall;
use serde_json::{Value, json};

use crate::args::{RimGoldenArgs, RimVerifyArgs};
use crate::{CliError, Outcome, devices, rfc3339};

/// The root to verify RIMs against: `--root`, or the pinned NVIDIA CoRIM signing Root CA.
fn root(path: Option<&PathBuf>) -> Result<Vec<u8>, CliError> {
    match path {
        Some(p) => devices::load_root(p),
        None => Ok(aimine_rim::NVIDIA_RIM_ROOT_DER.to_vec()),
    }
}

/// Reads and verifies one RIM.
pub fn verify_file(
    path: &Path,
    root: &[u8],
    time: UnixTime,
) -> Result<Result<VerifiedRim, aimine_rim::Error>, CliError> {
    let xml = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(aimine_rim::verify(&xml, root, time))
}

/// `aimine rim verify`.
pub fn verify(a: &RimVerifyArgs) -> Result<Outcome, CliError> {
    let time = rfc3339::at_or_now(a.at.as_deref())?;
    let root = root(a.root.as_ref())?;
    let mut all = true;
    for path in &a.files {
        let label = path.display().to_string();
        match verify_file(path, &root, time)? {
            Ok(v) => {
                let active: Vec<u8> = v.rim.active().map(|m| m.index).collect();
                if a.json {
                    emit!(
                        "{}",
                        json!({
                            "rim": label,
                            "verdict": "valid",
                            "name": v.rim.name,
                            "edition": v.rim.edition,
                            "version": v.rim.version,
                            "measurements": v.rim.measurements.len(),
                            "active": active,
                            "valid_until": rfc3339::format(v.signed_by.valid_until),
                            "at": rfc3339::format(time),
                        })
                    );
                } else {
                    emit!(
                        "{label}: valid  {} {} version {}: {} measurements, {} active; signature valid until {}",
                        v.rim.name,
                        v.rim.edition,
                        v.rim.version,
                        v.rim.measurements.len(),
                        active.len(),
                        rfc3339::format(v.signed_by.valid_until)
                    );
                }
            }
            Err(e) => {
                all = false;
                let reason = if e.is_expired() { "expired" } else { "invalid" };
                if a.json {
                    emit!(
                        "{}",
                        json!({"rim": label, "verdict": reason, "error": e.to_string(), "at": rfc3339::format(time)})
                    );
                } else {
                    emit!("{label}: {reason}: {e}");
                }
            }
        }
    }
    Ok(if all {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// The golden set of a driver RIM and a VBIOS RIM, each verified (at `at`, to `root` or the
/// pinned RIM root) first; and the time they were verified at.
///
/// # Errors
/// A RIM that does not verify, or RIMs that do not make a golden set.
pub fn golden_set(
    driver: &PathBuf,
    vbios: &PathBuf,
    at: Option<&str>,
    root_pem: Option<&PathBuf>,
) -> Result<(aimine_rim::Golden, UnixTime), CliError> {
    let time = rfc3339::at_or_now(at)?;
    let root = root(root_pem)?;
    let load = |path: &PathBuf| -> Result<VerifiedRim, CliError> {
        verify_file(path, &root, time)?.map_err(|e| format!("{}: {e}", path.display()))
    };
    let (driver, vbios) = (load(driver)?, load(vbios)?);
    let g = aimine_rim::golden(&driver.rim, &vbios.rim).map_err(|e| e.to_string())?;
    Ok((g, time))
}

/// `aimine rim golden`.
pub fn golden(a: &RimGoldenArgs) -> Result<Outcome, CliError> {
    let (g, time) = golden_set(&a.driver, &a.vbios, a.at.as_deref(), a.root.as_ref())?;
    let indices: Vec<u8> = g.entries.iter().map(|e| e.0).collect();
    let digests: Vec<u8> = g.entries.iter().flat_map(|e| e.1).collect();
    let calldata = IAIMining::setGoldenSetCall {
        driverVersion: g.driver_version.clone(),
        vbiosVersion: g.vbios_version.clone(),
        indices: indices.clone(),
        digests: digests.into(),
    }
    .abi_encode();
    let out = json!({
        "driverVersion": g.driver_version,
        "vbiosVersion": g.vbios_version,
        "entries": g.entries.iter().map(|(i, d)| json!({"index": i, "digest": hex::encode(d)})).collect::<Vec<Value>>(),
        "setKey": format!("0x{}", hex::encode(aimine_registry::golden_set_key(&g.driver_version, &g.vbios_version))),
        "setGoldenSet": format!("0x{}", hex::encode(calldata)),
        "rims": [a.driver.display().to_string(), a.vbios.display().to_string()],
        "verifiedAt": rfc3339::format(time),
    });
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    match &a.output {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .map_err(|e| format!("writing {}: {e}", path.display()))?,
        None => emit!("{text}"),
    }
    Ok(Outcome::Valid)
}

/// The RIMs of `quote verify --rim`, verified: (driver, VBIOS) for two, (None, BIOS) for one.
pub fn load_for_quote(
    paths: &[PathBuf],
    time: UnixTime,
) -> Result<Option<(Option<VerifiedRim>, VerifiedRim)>, CliError> {
    let root = aimine_rim::NVIDIA_RIM_ROOT_DER;
    let load = |path: &PathBuf| -> Result<VerifiedRim, CliError> {
        verify_file(path, root, time)?.map_err(|e| format!("--rim {}: {e}", path.display()))
    };
    match paths {
        [] => Ok(None),
        [bios] => Ok(Some((None, load(bios)?))),
        [driver, vbios] => Ok(Some((Some(load(driver)?), load(vbios)?))),
        _ => Err("--rim takes a driver RIM and a VBIOS RIM, or one BIOS RIM".into()),
    }
}

/// NVIDIA's measurement verdict for one device, or why the RIMs do not apply.
pub fn measres(
    evidence: &[u8],
    rims: &(Option<VerifiedRim>, VerifiedRim),
) -> Result<Appraisal, String> {
    let ev = Evidence::parse(evidence).map_err(|e| e.to_string())?;
    aimine_rim::appraise(&ev, rims.0.as_ref().map(|r| &r.rim), Some(&rims.1.rim))
        .map_err(|e| e.to_string())
}
