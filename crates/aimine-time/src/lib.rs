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
