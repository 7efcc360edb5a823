//! Reference-measurement policy: evidence must match golden measurements.
//!
//! Golden measurements come from NVIDIA's signed RIMs, appraised off chain once; a chain stores the
//! compact result. Indices here are 0-based as in RIMs (SPDM block index − 1).

use crate::opaque::Nvdec0Status;
use crate::{Error, Evidence};

/// The RIM index that is not measured when NVDEC0 is disabled (NVIDIA's rule).
pub const NVDEC0_INDEX: u8 = 35;

/// The allowed digests at one measurement index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoldenMeasurement<'a> {
    /// 0-based measurement index (SPDM block index − 1).
    pub index: u8,
    /// The SHA-384 digests allowed there (a RIM's `Hash0..HashN` alternatives).
    pub digests: &'a [[u8; 48]],
}

/// Golden measurements for one driver and VBIOS combination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoldenSet<'a> {
    /// The driver version these measurements are for (`None`: any, e.g. NVSwitches).
    pub driver_version: Option<&'a str>,
    /// The VBIOS version, formatted as NVIDIA formats it (`96.00.9F.00.01`).
    pub vbios_version: Option<&'a str>,
    /// The measurements.
    pub measurements: &'a [GoldenMeasurement<'a>],
}

/// Checks every golden index of `set` against `evidence`.
///
/// # Errors
/// [`Error::MeasurementMissing`] when a golden index has no block, [`Error::MeasurementMismatch`]
/// when its value is none of the allowed digests. Index 35 is skipped when NVDEC0 is disabled.
pub fn check_measurements(evidence: &Evidence<'_>, set: &GoldenSet<'_>) -> Result<(), Error> {
    let nvdec0_off = evidence.opaque().nvdec0_status() == Some(Nvdec0Status::Disabled);
    for golden in set.measurements {
        if golden.index == NVDEC0_INDEX && nvdec0_off {
            continue;
        }
        let spdm_index = golden
            .index
            .checked_add(1)
            .ok_or(Error::MeasurementMissing {
                index: golden.index,
            })?;
        let block = evidence
            .block(spdm_index)
            .ok_or(Error::MeasurementMissing {
                index: golden.index,
            })?;
        if !golden.digests.iter().any(|d| d.as_slice() == block.value) {
            return Err(Error::MeasurementMismatch {
                index: golden.index,
            });
        }
    }
    Ok(())
}

/// Finds the golden set for the evidence's driver and VBIOS versions among `sets` and checks it.
///
/// # Errors
/// [`Error::NoGoldenSet`] when none matches (a chain may then decide by policy), otherwise as
/// [`check_measurements`].
pub fn appraise(evidence: &Evidence<'_>, sets: &[GoldenSet<'_>]) -> Result<(), Error> {
    let opaque = evidence.opaque();
    let driver = opaque.driver_version();
    let version = opaque.vbios_version();
    let mut buf = [0u8; crate::opaque::VBIOS_TEXT_LEN];
    let vbios = version.as_ref().map(|v| v.text(&mut buf));
    let set = sets
        .iter()
        .find(|s| {
            s.driver_version.is_none_or(|d| Some(d) == driver)
                && s.vbios_version.is_none_or(|v| Some(v) == vbios)
        })
        .ok_or(Error::NoGoldenSet)?;
    check_measurements(evidence, set)
}
