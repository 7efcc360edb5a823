//! `aimine tee …`: inspect and verify CPU TEE evidence (Intel DCAP quotes, AMD SEV-SNP reports).

use std::path::Path;

use aimine_tee::intel::{INTEL_SGX_ROOT_CA, IntelOptions};
use aimine_tee::sev::{AmdRoots, FixedRoots, REPORT_LEN, Report, SevOptions};
use aimine_tee::{Attestation, Kind, Measurements, TcbPolicy, UnixTime};
use serde_json::{Map, Value, json};

use crate::args::{TeeInspectArgs, TeeVerifyArgs};
use crate::{CliError, Outcome, rfc3339};

/// A file's bytes: hex text decoded, anything else raw.
fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    let raw = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let hex = std::str::from_utf8(&raw)
        .ok()
        .and_then(|t| hex::decode(t.trim().trim_start_matches("0x")).ok());
    Ok(hex.unwrap_or(raw))
}

/// A certificate file: DER, or PEM holding one or more certificates (leaf first).
pub fn certificates(path: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    let raw = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    match std::str::from_utf8(&raw) {
        Ok(text) if text.contains("-----BEGIN") => {
            aimine_nvtrust::decode_pem_chain(text).map_err(|e| format!("{}: {e}", path.display()))
        }
        _ => Ok(vec![raw]),
    }
}

/// `--at`: Unix seconds or RFC 3339; default now.
fn time(at: Option<&str>) -> Result<UnixTime, CliError> {
    match at {
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t
            .parse()
            .map(UnixTime)
            .map_err(|_| format!("--at: {t} is not a Unix time")),
        other => rfc3339::at_or_now(other),
    }
}

/// What a FILE holds once unwrapped: the raw report or quote, and the certificates or collateral
/// an `AIMQ` envelope carried with it (a composite's CPU part; its GPUs are not looked at here).
struct Unwrapped {
    bytes: Vec<u8>,
    certs: Vec<Vec<u8>>,
    collateral: Option<aimine_tee::intel::Collateral>,
}

fn unwrap(raw: Vec<u8>) -> Unwrapped {
    let cpu = match aimine_envelope::decode(&raw) {
        Ok(aimine_envelope::Envelope::Cpu(c)) => Some(c),
        Ok(aimine_envelope::Envelope::Composite { cpu, .. }) => Some(cpu),
        _ => None,
    };
    match cpu {
        Some(aimine_envelope::Cpu::SevSnp { report, certs }) => Unwrapped {
            bytes: report.to_vec(),
            certs: certs.iter().map(|c| c.to_vec()).collect(),
            collateral: None,
        },
        Some(aimine_envelope::Cpu::Intel {
            quote, collateral, ..
        }) => Unwrapped {
            bytes: quote.to_vec(),
            certs: Vec::new(),
            collateral: collateral.and_then(|c| c.to_dcap()),
        },
        None => Unwrapped {
            bytes: raw.clone(),
            certs: Vec::new(),
            collateral: None,
        },
    }
}

fn is_sev(bytes: &[u8]) -> bool {
    bytes.len() == REPORT_LEN && Report::parse(bytes).is_ok()
}

fn measurements_json(m: &Measurements) -> Value {
    let h = |b: &[u8]| hex::encode(b);
    match m {
        Measurements::Tdx {
            mr_td,
            rtmr,
            mr_config_id,
            mr_owner,
            mr_owner_config,
            mr_seam,
            td_attributes,
        } => json!({
            "mr_td": h(mr_td), "rtmr": rtmr.iter().map(|r| h(r)).collect::<Vec<_>>(),
            "mr_config_id": h(mr_config_id), "mr_owner": h(mr_owner), "mr_owner_config": h(mr_owner_config),
            "mr_seam": h(mr_seam), "td_attributes": h(td_attributes),
        }),
        Measurements::Sgx {
            mr_enclave,
            mr_signer,
            isv_prod_id,
            isv_svn,
            attributes,
        } => json!({
            "mr_enclave": h(mr_enclave), "mr_signer": h(mr_signer), "isv_prod_id": isv_prod_id,
            "isv_svn": isv_svn, "attributes": h(attributes),
        }),
        Measurements::SevSnp {
            measurement,
            host_data,
            policy,
            vmpl,
            guest_svn,
            family_id,
            image_id,
            id_key_digest,
        } => json!({
            "measurement": h(measurement), "host_data": h(host_data), "policy": format!("{policy:#x}"),
            "debug": policy & aimine_tee::sev::POLICY_DEBUG != 0, "vmpl": vmpl, "guest_svn": guest_svn,
            "family_id": h(family_id), "image_id": h(image_id), "id_key_digest": h(id_key_digest),
        }),
    }
}

fn print(fields: Map<String, Value>, as_json: bool) {
    if as_json {
        emit!("{}", Value::Object(fields));
        return;
    }
    for (k, v) in fields {
        match v {
            Value::Object(inner) => {
                for (ik, iv) in inner {
                    emit!(
                        "{k}.{ik}: {}",
                        iv.as_str().map_or(iv.to_string(), str::to_owned)
                    );
                }
            }
            other => emit!(
                "{k}: {}",
                other.as_str().map_or(other.to_string(), str::to_owned)
            ),
        }
    }
}

/// `aimine tee inspect`.
pub fn inspect(a: &TeeInspectArgs) -> Result<Outcome, CliError> {
    let bytes = unwrap(read(&a.file)?).bytes;
    let mut f = Map::new();
    if is_sev(&bytes) {
        let r = Report::parse(&bytes).map_err(|e| e.to_string())?;
        let tcb = r.reported_tcb().0;
        f.insert("kind".into(), json!(Kind::SevSnp.name()));
        f.insert("version".into(), json!(r.version()));
        f.insert(
            "signing_key".into(),
            json!(format!("{:?}", r.signing_key().map_err(|e| e.to_string())?)),
        );
        f.insert(
            "cpuid".into(),
            json!(
                r.cpuid()
                    .map(|(fa, mo, st)| format!("family {fa:#x} model {mo:#x} stepping {st}"))
            ),
        );
        f.insert("chip_id".into(), json!(hex::encode(r.chip_id())));
        f.insert("reported_tcb".into(), json!(hex::encode(tcb)));
        f.insert("report_data".into(), json!(hex::encode(r.report_data())));
        let m = Measurements::SevSnp {
            measurement: r.measurement(),
            host_data: r.host_data(),
            policy: r.policy(),
            vmpl: r.vmpl(),
            guest_svn: r.guest_svn(),
            family_id: r.family_id(),
            image_id: r.image_id(),
            id_key_digest: r.id_key_digest(),
        };
        f.insert("measurements".into(), measurements_json(&m));
    } else {
        let (kind, version, m, report_data) = match aimine_tee::intel::inspect(&bytes) {
            Ok(v) => v,
            Err(e) => {
                emit!(
                    "{}: not an SEV-SNP report or DCAP quote: {e}",
                    a.file.display()
                );
                return Ok(Outcome::Invalid);
            }
        };
        f.insert("kind".into(), json!(kind.name()));
        f.insert("version".into(), json!(version));
        f.insert(
            "fmspc".into(),
            json!(aimine_tee::intel::quote_fmspc(&bytes).map(hex::encode)),
        );
        f.insert("report_data".into(), json!(hex::encode(report_data)));
        f.insert("measurements".into(), measurements_json(&m));
    }
    print(f, a.json);
    Ok(Outcome::Valid)
}

/// `aimine tee verify`.
pub fn verify(a: &TeeVerifyArgs) -> Result<Outcome, CliError> {
    let Unwrapped {
        bytes,
        certs: carried,
        collateral: carried_collateral,
    } = unwrap(read(&a.file)?);
    let at = time(a.at.as_deref())?;
    let result: Result<Attestation, aimine_tee::Error> = if is_sev(&bytes) {
        let certs = match &a.vcek {
            Some(path) => certificates(path)?,
            None if !carried.is_empty() => carried,
            None => return Err("an SEV-SNP report needs --vcek CERT".into()),
        };
        if certs.is_empty() {
            return Err("--vcek: no certificate".into());
        }
        let certs: Vec<&[u8]> = certs.iter().map(Vec::as_slice).collect();
        let roots = AmdRoots::pinned().map_err(|e| e.to_string())?;
        let options = SevOptions {
            allow_debug: a.allow_debug,
            ..SevOptions::default()
        };
        aimine_tee::sev::verify(&bytes, &certs, at, &options, &mut FixedRoots::new(&roots))
    } else {
        let collateral = match (&a.collateral, carried_collateral) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("reading {}: {e}", path.display()))?;
                aimine_tee::intel::collateral_from_json(&text)
                    .map_err(|e| format!("{}: {e}", path.display()))?
            }
            (None, Some(c)) => c,
            (None, None) => return Err("an Intel quote needs --collateral JSON".into()),
        };
        let options = IntelOptions {
            allow_debug: a.allow_debug,
        };
        aimine_tee::intel::verify_quote(&bytes, &collateral, INTEL_SGX_ROOT_CA, at, &options)
    };
    let mut f = Map::new();
    f.insert("at".into(), json!(rfc3339::format(at)));
    let graded = result.and_then(|att| TcbPolicy::default().grade(&att.tcb, at).map(|g| (att, g)));
    let outcome = match graded {
        Ok((att, grade)) => {
            f.insert("verdict".into(), json!("accepted"));
            f.insert("kind".into(), json!(att.kind.name()));
            f.insert(
                "tier".into(),
                json!(format!("{} ({})", att.tier().name(), att.tier().as_u8())),
            );
            f.insert("tcb_status".into(), json!(att.tcb.status.name()));
            f.insert("advisories".into(), json!(att.tcb.advisory_ids));
            f.insert("grade_bps".into(), json!(grade.multiplier.bps()));
            f.insert(
                "stale_since".into(),
                json!(att.tcb.stale_since.map(rfc3339::format)),
            );
            f.insert("platform_id".into(), json!(hex::encode(att.platform_id)));
            f.insert("report_data".into(), json!(hex::encode(att.report_data)));
            Outcome::Valid
        }
        Err(e) => {
            f.insert("verdict".into(), json!("refused"));
            f.insert("check".into(), json!(e.check().name()));
            f.insert("error".into(), json!(e.to_string()));
            Outcome::Invalid
        }
    };
    print(f, a.json);
    Ok(outcome)
}

/// The CPU part `aimine quote build` was asked for (`--tdx`, `--sgx`, `--sev`), as an envelope.
pub fn cpu_envelope(a: &crate::args::BuildArgs) -> Result<Option<Vec<u8>>, CliError> {
    let intel = a
        .tdx
        .as_ref()
        .map(|p| (true, p))
        .or(a.sgx.as_ref().map(|p| (false, p)));
    if let Some((tdx, path)) = intel {
        let quote = read(path)?;
        let collateral = match &a.collateral {
            None => None,
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("reading {}: {e}", p.display()))?;
                Some(
                    aimine_tee::intel::collateral_from_json(&text)
                        .map_err(|e| format!("{}: {e}", p.display()))?,
                )
            }
        };
        let fields = collateral
            .as_ref()
            .map(aimine_envelope::IntelCollateral::from_dcap);
        let env = aimine_envelope::encode_intel(
            aimine_envelope::Kind::intel(tdx),
            &quote,
            fields.as_ref(),
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Some(env));
    }
    if let Some(path) = &a.sev {
        let report = read(path)?;
        let certs = match &a.vcek {
            Some(p) => certificates(p)?,
            None => Vec::new(),
        };
        let refs: Vec<&[u8]> = certs.iter().map(Vec::as_slice).collect();
        let env = aimine_envelope::encode_sev_snp(&report, &refs)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Some(env));
    }
    Ok(None)
}
