//! `aimine gov`: governance calls of AI_MINING, one command each, signed by the admin key:
//! golden sets, parameters, GPU revocations, trust anchors, compute units, the admin handover,
//! Intel collateral and AMD VCEKs. Each prints the transaction, its gas and the events it
//! emitted; `--dry-run` prints the call data and the `eth_call` result instead of sending.

use aimine_evm::abi::IAIMining;
use aimine_evm::address::AI_MINING;
use aimine_registry::Param;
use alloy::primitives::{B256, Bytes};
use alloy::sol_types::{SolCall, SolEventInterface};

use crate::args::{AdminAction, AnchorAction, GovArgs, GovCommand};
use crate::client::{Client, Failure};
use crate::{CliError, Outcome};

/// The parameter `name` names: its number, or its name in any case with or without `_`/`-`
/// (`epoch-seconds`, `EpochSeconds`).
///
/// # Errors
/// No settable parameter has that name or number.
pub fn param(name: &str) -> Result<Param, CliError> {
    if let Ok(n) = name.parse::<u8>() {
        return Param::settable(n).ok_or_else(|| format!("parameter {n} cannot be set"));
    }
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted = norm(name);
    Param::SETTABLE
        .into_iter()
        .find(|p| norm(&format!("{p:?}")) == wanted)
        .ok_or_else(|| {
            let names: Vec<String> = Param::SETTABLE.iter().map(|p| format!("{p:?}")).collect();
            format!("unknown parameter {name:?}; settable: {}", names.join(", "))
        })
}

/// The uncompressed P-384 key of the first certificate of a PEM file (a trust anchor).
fn anchor_key(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let certs = aimine_nvtrust::decode_pem_chain(&text)
        .map_err(|e| format!("{}: {e:?}", path.display()))?;
    let der = certs
        .first()
        .ok_or_else(|| format!("{}: no certificate", path.display()))?;
    let cert = aimine_nvtrust::Certificate::from_der(der)
        .map_err(|e| format!("{}: {e:?}", path.display()))?;
    Ok(cert.public_key().to_vec())
}

/// Sends (or with `--dry-run`, calls) `call` and prints what happened.
async fn act<C: SolCall>(client: &Client, dry_run: bool, call: &C) -> Result<bool, Failure> {
    if dry_run {
        emit!("call data 0x{}", hex::encode(call.abi_encode()));
        match client.dry_run(AI_MINING, call).await? {
            Ok(out) => emit!("eth_call: ok {out}"),
            Err(name) => {
                emit!("eth_call: reverted: {name}");
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let m = client.send(AI_MINING, call).await?;
    emit!("tx {} block {} gas {}", m.hash, m.block, m.gas_used);
    for log in m.logs.iter().filter(|l| l.address() == AI_MINING) {
        match IAIMining::IAIMiningEvents::decode_log(&log.inner) {
            Ok(event) => emit!("event {:?}", event.data),
            Err(_) => emit!("event (undecoded) {:?}", log.topics()),
        }
    }
    Ok(true)
}

/// `aimine gov …`.
pub fn run(command: &GovCommand) -> Result<Outcome, CliError> {
    let gov: &GovArgs = match command {
        GovCommand::GoldenSet(a) => &a.gov,
        GovCommand::Param(a) => &a.gov,
        GovCommand::Revoke(a) => &a.gov,
        GovCommand::Anchor(a) => &a.gov,
        GovCommand::ComputeUnits(a) => &a.gov,
        GovCommand::Admin(a) => &a.gov,
        GovCommand::Collateral(a) | GovCommand::Vcek(a) => &a.gov,
    };
    let key = crate::client::signer(
        gov.conn.private_key.as_deref(),
        gov.conn.keystore.as_deref(),
    )?;
    crate::client::check_url(&gov.conn.rpc)?;
    let rt = crate::client::runtime()?;
    rt.block_on(async move {
        let client = Client::connect(&gov.conn.rpc, key)
            .await
            .map_err(|e| e.to_string())?;
        let dry = gov.dry_run;
        let done = match command {
            GovCommand::GoldenSet(a) => {
                let (g, _) =
                    crate::rim::golden_set(&a.driver, &a.vbios, a.at.as_deref(), a.root.as_ref())?;
                emit!(
                    "golden set: driver {} VBIOS {} ({} entries)",
                    g.driver_version,
                    g.vbios_version,
                    g.entries.len()
                );
                let call = IAIMining::setGoldenSetCall {
                    driverVersion: g.driver_version.clone(),
                    vbiosVersion: g.vbios_version.clone(),
                    indices: g.entries.iter().map(|e| e.0).collect(),
                    digests: g
                        .entries
                        .iter()
                        .flat_map(|e| e.1)
                        .collect::<Vec<u8>>()
                        .into(),
                };
                act(&client, dry, &call).await
            }
            GovCommand::Param(a) => {
                let p = param(&a.name)?;
                let call = IAIMining::setParamCall {
                    param: p as u8,
                    value: a.value,
                };
                act(&client, dry, &call).await
            }
            GovCommand::Revoke(a) => {
                let id: [u8; 32] = crate::input::array("gpu-id", &a.gpu_id)?;
                let call = IAIMining::setRevokedCall {
                    gpuId: B256::from(id),
                    revoked: !a.undo,
                };
                act(&client, dry, &call).await
            }
            GovCommand::Anchor(a) => {
                let key = Bytes::from(anchor_key(&a.pem)?);
                match a.action {
                    AnchorAction::Add => {
                        act(&client, dry, &IAIMining::addAnchorCall { publicKey: key }).await
                    }
                    AnchorAction::Remove => {
                        act(
                            &client,
                            dry,
                            &IAIMining::removeAnchorCall { publicKey: key },
                        )
                        .await
                    }
                }
            }
            GovCommand::ComputeUnits(a) => {
                let call = IAIMining::setComputeUnitsCall {
                    chipSku: a.chip_sku.clone(),
                    projectSku: a.project_sku.clone(),
                    units: a.units,
                };
                act(&client, dry, &call).await
            }
            GovCommand::Admin(a) => match (a.action, a.address) {
                (AdminAction::Propose, Some(new)) => {
                    act(&client, dry, &IAIMining::proposeAdminCall { newAdmin: new }).await
                }
                (AdminAction::Propose, None) => return Err(String::from("gov admin propose ADDR")),
                (AdminAction::Accept, _) => act(&client, dry, &IAIMining::acceptAdminCall {}).await,
            },
            GovCommand::Collateral(a) => {
                let json = std::fs::read_to_string(&a.file)
                    .map_err(|e| format!("reading {}: {e}", a.file.display()))?;
                let dcap = aimine_tee::intel::collateral_from_json(&json)
                    .map_err(|e| format!("{}: {e:?}", a.file.display()))?;
                let bytes = aimine_envelope::encode_collateral(
                    &aimine_envelope::IntelCollateral::from_dcap(&dcap),
                )
                .map_err(|e| format!("{}: {e}", a.file.display()))?;
                act(
                    &client,
                    dry,
                    &IAIMining::submitIntelCollateralCall {
                        collateral: bytes.into(),
                    },
                )
                .await
            }
            GovCommand::Vcek(a) => {
                let vcek = crate::tee::certificates(&a.file)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| format!("{}: no certificate", a.file.display()))?;
                act(
                    &client,
                    dry,
                    &IAIMining::submitVcekCall { vcek: vcek.into() },
                )
                .await
            }
        };
        match done {
            Ok(true) => Ok(Outcome::Valid),
            Ok(false) => Ok(Outcome::Invalid),
            Err(Failure::Reverted(name)) => {
                emit!("refused: {name}");
                Ok(Outcome::Invalid)
            }
            Err(e) => Err(e.to_string()),
        }
    })
}
