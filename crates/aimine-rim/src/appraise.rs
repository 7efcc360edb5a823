//! NVIDIA's appraisal of evidence against RIMs (the `measres` of its verifier), and the golden
//! set a chain stores instead of the RIMs.

use aimine_nvtrust::Evidence;
use aimine_nvtrust::NVDEC0_INDEX;
use aimine_nvtrust::Nvdec0Status;

use crate::swid::Rim;

/// Why an appraisal could not compare measurements at all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppraisalError {
    /// The driver RIM is for another driver version than the evidence reports.
    DriverVersion {
        /// The RIM's version.
        rim: String,
        /// The evidence's (empty when it reports none).
        evidence: String,
    },
    /// The VBIOS RIM is for another VBIOS version than the evidence reports.
    VbiosVersion {
        /// The RIM's version.
        rim: String,
        /// The evidence's, formatted as NVIDIA does.
        evidence: String,
    },
    /// The driver and VBIOS RIMs both claim these active indices.
    Overlap(Vec<u8>),
}

impl core::fmt::Display for AppraisalError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AppraisalError::DriverVersion { rim, evidence } => {
                write!(
                    f,
                    "driver RIM is for {rim}, the evidence reports {evidence:?}"
                )
            }
            AppraisalError::VbiosVersion { rim, evidence } => {
                write!(
                    f,
                    "VBIOS RIM is for {rim}, the evidence reports {evidence:?}"
                )
            }
            AppraisalError::Overlap(i) => {
                write!(f, "driver and VBIOS RIMs overlap at indices {i:?}")
            }
        }
    }
}

impl std::error::Error for AppraisalError {}

/// The result of comparing evidence with RIMs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Appraisal {
    /// Active indices that were compared.
    pub checked: Vec<u8>,
    /// Active indices whose evidence value is none of the RIM's alternatives.
    pub mismatched: Vec<u8>,
    /// Active indices the evidence has no measurement block for.
    pub missing: Vec<u8>,
    /// Whether index 35 was skipped because NVDEC0 is disabled.
    pub nvdec0_skipped: bool,
}

impl Appraisal {
    /// Every active index matched (NVIDIA's `measres` "success").
    pub fn is_match(&self) -> bool {
        self.mismatched.is_empty() && self.missing.is_empty()
    }
}

/// NVIDIA's rule: a driver RIM and a VBIOS RIM never claim the same active index.
fn disjoint(driver: &Rim, vbios: &Rim) -> Result<(), AppraisalError> {
    let overlap: Vec<u8> = driver
        .active()
        .filter(|m| vbios.active().any(|n| n.index == m.index))
        .map(|m| m.index)
        .collect();
    if overlap.is_empty() {
        Ok(())
    } else {
        Err(AppraisalError::Overlap(overlap))
    }
}

/// The evidence's VBIOS version as NVIDIA formats it ("96.00.9F.00.01").
pub(crate) fn vbios_text(evidence: &Evidence<'_>) -> Option<String> {
    let version = evidence.opaque().vbios_version()?;
    let mut buf = [0u8; aimine_nvtrust::VBIOS_TEXT_LEN];
    Some(version.text(&mut buf).to_string())
}

/// Appraises `evidence` against a driver RIM and a VBIOS RIM (GPUs), or a VBIOS/BIOS RIM alone
/// (NVSwitches, or a GPU checked against its VBIOS only), as NVIDIA does: each RIM's version
/// must be the evidence's; the two RIMs' active indices must not overlap; every active index
/// must equal one of its alternatives; index 35 is skipped when NVDEC0 is disabled.
///
/// # Errors
/// [`AppraisalError`] when the RIMs are not for this evidence.
pub fn appraise(
    evidence: &Evidence<'_>,
    driver: Option<&Rim>,
    vbios: Option<&Rim>,
) -> Result<Appraisal, AppraisalError> {
    if let Some(d) = driver {
        let reported = evidence.opaque().driver_version().unwrap_or_default();
        if d.version != reported {
            return Err(AppraisalError::DriverVersion {
                rim: d.version.clone(),
                evidence: reported.to_string(),
            });
        }
    }
    if let Some(v) = vbios {
        let reported = vbios_text(evidence).unwrap_or_default();
        if !v.version.eq_ignore_ascii_case(&reported) {
            return Err(AppraisalError::VbiosVersion {
                rim: v.version.clone(),
                evidence: reported,
            });
        }
    }
    if let (Some(d), Some(v)) = (driver, vbios) {
        disjoint(d, v)?;
    }
    let nvdec0_off = evidence.opaque().nvdec0_status() == Some(Nvdec0Status::Disabled);
    let mut out = Appraisal::default();
    let mut active: Vec<&crate::swid::Measurement> = driver
        .into_iter()
        .chain(vbios)
        .flat_map(Rim::active)
        .collect();
    active.sort_by_key(|m| m.index);
    for m in active {
        if m.index == NVDEC0_INDEX && nvdec0_off {
            out.nvdec0_skipped = true;
            continue;
        }
        out.checked.push(m.index);
        match m.index.checked_add(1).and_then(|i| evidence.block(i)) {
            None => out.missing.push(m.index),
            Some(block) => {
                if !m.alternatives.iter().any(|a| a.as_slice() == block.value) {
                    out.mismatched.push(m.index);
                }
            }
        }
    }
    Ok(out)
}

/// A golden measurement set: what governance registers on chain (`setGoldenSet`) and
/// aimine-nvtrust's `GoldenSet` holds, derived from a driver and a VBIOS RIM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Golden {
    /// The driver version.
    pub driver_version: String,
    /// The VBIOS version.
    pub vbios_version: String,
    /// (index, digest) for every alternative of every active measurement, by index.
    pub entries: Vec<(u8, [u8; 48])>,
}

/// The golden set of a driver RIM and a VBIOS RIM.
///
/// # Errors
/// [`AppraisalError::Overlap`] when they claim the same active index.
pub fn golden(driver: &Rim, vbios: &Rim) -> Result<Golden, AppraisalError> {
    disjoint(driver, vbios)?;
    let mut entries: Vec<(u8, [u8; 48])> = driver
        .active()
        .chain(vbios.active())
        .flat_map(|m| m.alternatives.iter().map(move |a| (m.index, *a)))
        .collect();
    entries.sort();
    Ok(Golden {
        driver_version: driver.version.clone(),
        vbios_version: vbios.version.clone(),
        entries,
    })
}
