//! The graded TCB policy: what a verified attestation's TCB status earns, never a plain
//! accept/reject of the status (peers shipped bugs where OutOfDate passed as valid).
//!
//! | status | grade |
//! |---|---|
//! | UpToDate | full |
//! | SWHardeningNeeded | [`TcbPolicy::sw_hardening_bps`] (default full) |
//! | ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, TDRelaunchAdvised… | [`TcbPolicy::configuration_bps`] (default full; the lower of both where both apply) |
//! | OutOfDate, OutOfDateConfigurationNeeded | [`TcbPolicy::out_of_date_bps`] (default 50 %) until [`TcbPolicy::grace_secs`] after the matched TCB level's date, then refused |
//! | Revoked | refused |
//! | any, with an advisory in [`TcbPolicy::banned_advisories`] | refused |
//! | any, with stale collateral | at most `out_of_date_bps`, until `grace_secs` after the collateral's `nextUpdate`, then refused |
//!
//! A grade is a [`Multiplier`] applied on top of the tier's own (1.0 = the tier's full rate). A
//! governance-set grade of zero refuses the status outright.

use alloc::string::String;
use alloc::vec::Vec;

use aimine_tiers::Multiplier;
use aimine_time::UnixTime;

use crate::attestation::{Tcb, TcbStatus};
use crate::error::Error;

/// Thirty days, in seconds.
pub const DAYS_30: u64 = 30 * 24 * 3600;

/// The governance-set grading of TCB statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcbPolicy {
    /// The grade of SWHardeningNeeded, in basis points of the tier's rate.
    pub sw_hardening_bps: u32,
    /// The grade of the ConfigurationNeeded variants (and TD relaunch advised).
    pub configuration_bps: u32,
    /// The grade of the OutOfDate variants and of stale collateral during their grace period.
    pub out_of_date_bps: u32,
    /// The grace period of an out-of-date TCB (from the matched level's TCB date) and of stale
    /// collateral (from its `nextUpdate`), in seconds.
    pub grace_secs: u64,
    /// Advisory ids (`INTEL-SA-…`, compared without case) that refuse a platform.
    pub banned_advisories: Vec<String>,
}

impl Default for TcbPolicy {
    /// Full grade for hardening and configuration, 50 % for out of date, 90 days of grace, no
    /// banned advisories.
    fn default() -> Self {
        TcbPolicy {
            sw_hardening_bps: Multiplier::ONE_BPS,
            configuration_bps: Multiplier::ONE_BPS,
            out_of_date_bps: Multiplier::ONE_BPS / 2,
            grace_secs: 3 * DAYS_30,
            banned_advisories: Vec::new(),
        }
    }
}

/// Why a grade is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradeReason {
    /// Up to date, fresh collateral.
    UpToDate,
    /// Graded by its status (hardening or configuration needed).
    Status,
    /// Out of date, within the grace period.
    OutOfDateInGrace,
    /// Collateral past `nextUpdate`, within the grace period.
    StaleCollateralInGrace,
}

/// A graded TCB: the multiplier it earns on top of its tier's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grade {
    /// 1.0 = the tier's full rate.
    pub multiplier: Multiplier,
    /// Why.
    pub reason: GradeReason,
}

impl TcbPolicy {
    /// Grades a verified TCB at `now` (from the block).
    ///
    /// # Errors
    /// [`Error::TcbRevoked`], [`Error::AdvisoryBanned`], [`Error::OutOfDateGraceOver`],
    /// [`Error::StaleCollateralGraceOver`], or [`Error::TcbStatusRefused`] for a zero grade.
    pub fn grade(&self, tcb: &Tcb, now: UnixTime) -> Result<Grade, Error> {
        if tcb.status == TcbStatus::Revoked {
            return Err(Error::TcbRevoked);
        }
        if let Some(id) = tcb.advisory_ids.iter().find(|id| {
            self.banned_advisories
                .iter()
                .any(|banned| banned.eq_ignore_ascii_case(id))
        }) {
            return Err(Error::AdvisoryBanned { id: id.clone() });
        }
        let config = matches!(
            tcb.status,
            TcbStatus::ConfigurationNeeded
                | TcbStatus::ConfigurationAndSwHardeningNeeded
                | TcbStatus::TdRelaunchAdvised
                | TcbStatus::TdRelaunchAdvisedConfigurationNeeded
                | TcbStatus::OutOfDateConfigurationNeeded
        );
        let hardening = matches!(
            tcb.status,
            TcbStatus::SwHardeningNeeded | TcbStatus::ConfigurationAndSwHardeningNeeded
        );
        let mut bps = Multiplier::ONE_BPS;
        let mut reason = GradeReason::UpToDate;
        if hardening {
            bps = bps.min(self.sw_hardening_bps);
            reason = GradeReason::Status;
        }
        if config {
            bps = bps.min(self.configuration_bps);
            reason = GradeReason::Status;
        }
        if tcb.status.is_out_of_date() {
            let ended = tcb
                .tcb_date
                .unwrap_or(UnixTime::EPOCH)
                .saturating_add(self.grace_secs);
            if now > ended {
                return Err(Error::OutOfDateGraceOver { ended });
            }
            bps = bps.min(self.out_of_date_bps);
            reason = GradeReason::OutOfDateInGrace;
        }
        if let Some(since) = tcb.stale_since {
            let ended = since.saturating_add(self.grace_secs);
            if now > ended {
                return Err(Error::StaleCollateralGraceOver { ended });
            }
            bps = bps.min(self.out_of_date_bps);
            reason = GradeReason::StaleCollateralInGrace;
        }
        if bps == 0 {
            return Err(Error::TcbStatusRefused);
        }
        Ok(Grade {
            multiplier: Multiplier::from_bps(bps.min(Multiplier::ONE_BPS)),
            reason,
        })
    }
}
