//! # aimine-time
//!
//! Time as verifiers on chain have it: seconds since the Unix epoch, from the block — never a
//! clock. One [`UnixTime`] for every aimine crate, one calendar (proleptic Gregorian, years 1970
//! to 9999 as X.509 allows) and one RFC 3339 parser ([`UnixTime::parse_rfc3339`]) that applies
//! the text's UTC offset, so a certificate's validity, Intel's collateral dates and a command
//! line's `--at` all mean the same instant.
//!
//! ```
//! use aimine_time::UnixTime;
//! let t = UnixTime::parse_rfc3339("2025-06-11T02:30:58+02:00").unwrap();
//! assert_eq!(t, UnixTime(1_749_601_858));
//! assert_eq!(t.to_string(), "2025-06-11T00:30:58Z");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod calendar;
mod rfc3339;

use core::fmt;

pub use rfc3339::TimeError;

/// Seconds since 1970-01-01T00:00:00Z, e.g. a block timestamp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The epoch, 1970-01-01T00:00:00Z.
    pub const EPOCH: UnixTime = UnixTime(0);

    /// The latest time a `UnixTime` holds (`u64::MAX` seconds), where saturating arithmetic
    /// stops.
    pub const MAX: UnixTime = UnixTime(u64::MAX);

    /// The time `seconds` after the epoch.
    pub const fn from_secs(seconds: u64) -> UnixTime {
        UnixTime(seconds)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// The UTC instant of a calendar date and time (proleptic Gregorian), or `None` when a field
    /// is out of range or the year is outside 1970 to 9999. A leap second (60) reads as the
    /// next second.
    pub fn from_civil(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Option<UnixTime> {
        calendar::to_secs(year, month, day, hour, minute, second).map(UnixTime)
    }

    /// The calendar date and time of this instant: (year, month, day, hour, minute, second).
    pub fn to_civil(self) -> (i64, u8, u8, u8, u8, u8) {
        calendar::from_secs(self.0)
    }

    /// The time `seconds` later, or [`UnixTime::MAX`] when that does not fit (never panics):
    /// a deadline such as "grace period after a date" or "expiry after a start".
    #[must_use]
    pub const fn saturating_add(self, seconds: u64) -> UnixTime {
        UnixTime(self.0.saturating_add(seconds))
    }

    /// The time `seconds` earlier, or the epoch when that would precede it (never panics).
    #[must_use]
    pub const fn saturating_sub(self, seconds: u64) -> UnixTime {
        UnixTime(self.0.saturating_sub(seconds))
    }

    /// The seconds from `earlier` to this time, or 0 when `earlier` is not earlier (never
    /// panics): an elapsed duration.
    #[must_use]
    pub const fn seconds_since(self, earlier: UnixTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Parses an RFC 3339 date-time (`2025-06-11T00:30:58Z`, `…T02:30:58+02:00`, a fraction of a
    /// second ignored), applying its offset.
    ///
    /// # Errors
    /// [`TimeError::Malformed`] for text that is not RFC 3339, [`TimeError::OutOfRange`] for a
    /// valid text whose instant is before 1970 or whose date does not exist.
    pub fn parse_rfc3339(text: &str) -> Result<UnixTime, TimeError> {
        rfc3339::parse(text)
    }
}

/// RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d, hh, mm, ss) = self.to_civil();
        write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::UnixTime;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let t = UnixTime(1_000);
        assert_eq!(t.saturating_add(500), UnixTime(1_500));
        assert_eq!(
            UnixTime::MAX.saturating_sub(1).saturating_add(5),
            UnixTime::MAX
        );
        assert_eq!(t.saturating_sub(1), UnixTime(999));
        assert_eq!(t.saturating_sub(2_000), UnixTime::EPOCH);
        assert_eq!(t.seconds_since(UnixTime(400)), 600);
        assert_eq!(t.seconds_since(t), 0);
        assert_eq!(t.seconds_since(UnixTime(5_000)), 0);
        assert_eq!(UnixTime::MAX.seconds_since(UnixTime::EPOCH), u64::MAX);
    }

    #[test]
    fn intel_collateral_dates() {
        // The forms Intel's TCB info and QE identity use, and the offsets RFC 3339 allows.
        let parse = |t: &str| UnixTime::parse_rfc3339(t).ok().map(UnixTime::as_secs);
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2025-07-03T00:26:40Z"), Some(1_751_502_400));
        assert_eq!(parse("2000-02-29T12:00:00.123Z"), Some(951_825_600));
        assert_eq!(parse("2024-01-01T00:00:00+00:00"), Some(1_704_067_200));
        // An offset is applied, not refused.
        assert_eq!(parse("2024-01-01T01:00:00+01:00"), Some(1_704_067_200));
        for bad in [
            "",
            "2024-01-01",
            "2024-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
