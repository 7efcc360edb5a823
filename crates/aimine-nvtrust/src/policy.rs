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
    let mut check = MeasurementCheck::new(evidence);
    for golden in set.measurements {
        check.expect(golden.index);
        for digest in golden.digests {
            check.allow(golden.index, digest);
        }
    }
    check.finish()
}

/// Golden entries checked one at a time, for callers that stream them (from chain storage, say)
/// rather than hold a [`GoldenSet`]: every index [`expect`](Self::expect)ed must match one of the
/// digests [`allow`](Self::allow)ed for it, with NVIDIA's NVDEC0 rule, when [`finish`](Self::finish)
/// is called. Fixed size, no allocation.
#[derive(Clone, Debug)]
pub struct MeasurementCheck<'e, 'a> {
    evidence: &'e Evidence<'a>,
    expected: [u64; 4],
    matched: [u64; 4],
}

/// The word and bit of an index in a 256-bit set.
fn bit(index: u8) -> (usize, u64) {
    (usize::from(index / 64), 1u64 << (index % 64))
}

impl<'e, 'a> MeasurementCheck<'e, 'a> {
    /// A check of `evidence` with nothing expected yet.
    pub fn new(evidence: &'e Evidence<'a>) -> Self {
        MeasurementCheck {
            evidence,
            expected: [0; 4],
            matched: [0; 4],
        }
    }

    /// Index `index` (0-based) must match a golden digest.
    pub fn expect(&mut self, index: u8) {
        let (w, b) = bit(index);
        if let Some(e) = self.expected.get_mut(w) {
            *e |= b;
        }
    }

    /// `digest` is an allowed value at `index` (which is then expected).
    pub fn allow(&mut self, index: u8, digest: &[u8]) {
        self.expect(index);
        let value = index.checked_add(1).and_then(|i| self.evidence.block(i));
        if value.is_some_and(|block| block.value == digest) {
            let (w, b) = bit(index);
            if let Some(m) = self.matched.get_mut(w) {
                *m |= b;
            }
        }
    }

    /// The verdict: the lowest expected index that matched nothing, if any. Index 35 is skipped
    /// when NVDEC0 is disabled.
    ///
    /// # Errors
    /// [`Error::MeasurementMissing`] when the evidence has no block at that index,
    /// [`Error::MeasurementMismatch`] otherwise.
    pub fn finish(self) -> Result<(), Error> {
        let nvdec0_off = self.evidence.opaque().nvdec0_status() == Some(Nvdec0Status::Disabled);
        for index in 0..=u8::MAX {
            let (w, b) = bit(index);
            let expected = self.expected.get(w).is_some_and(|e| e & b != 0);
            let matched = self.matched.get(w).is_some_and(|m| m & b != 0);
            if !expected || matched || (index == NVDEC0_INDEX && nvdec0_off) {
                continue;
            }
            let present = index
                .checked_add(1)
                .and_then(|i| self.evidence.block(i))
                .is_some();
            return Err(if present {
                Error::MeasurementMismatch { index }
            } else {
                Error::MeasurementMissing { index }
            });
        }
        Ok(())
    }
}

/// Finds the golden set for the evidence's driver and VBIOS versions among `sets` and checks it.
///
/// # Errors
/// [`Error::NoGoldenSet`] when none matches (a chain may then decide by policy), otherwise as
/// [`check_measurements`].
pub fn appraise_measurements(evidence: &Evidence<'_>, sets: &[GoldenSet<'_>]) -> Result<(), Error> {
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
