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
    let mut vbios_buf = VersionText::new();
    let vbios = opaque.vbios_version().map(|v| vbios_buf.format(&v));
    let set = sets
        .iter()
        .find(|s| {
            s.driver_version.is_none_or(|d| Some(d) == driver)
                && s.vbios_version.is_none_or(|v| Some(v) == vbios)
        })
        .ok_or(Error::NoGoldenSet)?;
    check_measurements(evidence, set)
}

/// A small stack buffer to format a version into (VBIOS versions are 14 characters).
struct VersionText {
    buf: [u8; 32],
    len: usize,
}

impl VersionText {
    fn new() -> VersionText {
        VersionText {
            buf: [0; 32],
            len: 0,
        }
    }

    fn format(&mut self, v: &dyn core::fmt::Display) -> &str {
        self.len = 0;
        let _ = core::fmt::write(self, format_args!("{v}"));
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl core::fmt::Write for VersionText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(core::fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
