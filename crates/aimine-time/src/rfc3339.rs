//! RFC 3339 date-times (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`), strictly, to Unix seconds.

use core::fmt;

use crate::UnixTime;

/// Why a text is not an RFC 3339 instant aimine accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not an RFC 3339 date-time.
    Malformed,
    /// A well-formed text naming a date that does not exist, or an instant before 1970 or after
    /// 9999.
    OutOfRange,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::Malformed => f.write_str("not an RFC 3339 time like 2025-06-11T00:30:58Z"),
            TimeError::OutOfRange => f.write_str("not a valid time from 1970 to 9999"),
        }
    }
}

impl core::error::Error for TimeError {}

/// The value of the ASCII digits at `range`, or `None` when any is not a digit (at most four
/// digits, so no overflow).
fn digits(b: &[u8], range: core::ops::Range<usize>) -> Option<u16> {
    let mut value: u16 = 0;
    for &d in b.get(range)? {
        if !d.is_ascii_digit() {
            return None;
        }
        // An ASCII digit minus '0' is 0..=9: no wrap.
        value = value
            .checked_mul(10)?
            .checked_add(u16::from(d.wrapping_sub(b'0')))?;
    }
    Some(value)
}

pub(crate) fn parse(text: &str) -> Result<UnixTime, TimeError> {
    let b = text.as_bytes();
    let num = |range| digits(b, range).ok_or(TimeError::Malformed);
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return Err(TimeError::Malformed);
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = b.get(19..).ok_or(TimeError::Malformed)?;
    if let Some((b'.', fraction)) = rest.split_first() {
        let n = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return Err(TimeError::Malformed);
        }
        rest = fraction.get(n..).ok_or(TimeError::Malformed)?;
    }
    // The offset, in seconds east of UTC.
    let (east, offset) = match rest {
        [b'Z' | b'z'] => (true, 0u64),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hh = digits(&[*h1, *h2], 0..2).ok_or(TimeError::Malformed)?;
            let mm = digits(&[*m1, *m2], 0..2).ok_or(TimeError::Malformed)?;
            if hh > 23 || mm > 59 {
                return Err(TimeError::Malformed);
            }
            let seconds = u64::from(hh)
                .checked_mul(3_600)
                .and_then(|h| h.checked_add(u64::from(mm).checked_mul(60)?))
                .ok_or(TimeError::Malformed)?;
            (*sign == b'+', seconds)
        }
        _ => return Err(TimeError::Malformed),
    };
    if hour > 23 || minute > 59 || second > 60 {
        return Err(TimeError::Malformed);
    }
    let narrow = |v: u16| u8::try_from(v).map_err(|_| TimeError::Malformed);
    let local = UnixTime::from_civil(
        year,
        narrow(month)?,
        narrow(day)?,
        narrow(hour)?,
        narrow(minute)?,
        narrow(second)?,
    )
    .ok_or(TimeError::OutOfRange)?;
    let utc = if east {
        local.as_secs().checked_sub(offset)
    } else {
        local.as_secs().checked_add(offset)
    };
    utc.map(UnixTime).ok_or(TimeError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_with_every_offset_form() {
        let ok = |t: &str| parse(t).map(UnixTime::as_secs);
        assert_eq!(ok("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(ok("2025-06-11T00:30:58Z"), Ok(1_749_601_858));
        assert_eq!(ok("2025-06-11T02:30:58+02:00"), Ok(1_749_601_858));
        assert_eq!(ok("2025-06-10T23:30:58.123-01:00"), Ok(1_749_601_858));
        assert_eq!(ok("2024-01-01T00:00:00+00:00"), Ok(1_704_067_200));
        assert_eq!(ok("2025-07-03T00:26:40z"), Ok(1_751_502_400));
        assert_eq!(ok("2000-02-29 12:00:00.5Z"), Ok(951_825_600));
        assert_eq!(ok("9999-12-31T23:59:59Z"), Ok(253_402_300_799));
    }

    #[test]
    fn refuses_what_is_not_an_rfc_3339_instant_from_1970() {
        for bad in [
            "",
            "2025-06-11",
            "2025-06-11T00:30:58",
            "2025-06-11T24:00:00Z",
            "2025-06-11T00:30:58.Z",
            "2025-06-11T00:30:58+0200",
            "2025-06-11T00:30:58+24:00",
            "２025-06-11T00:30:58Z",
            "2025-06-11T00:30:58Z ",
        ] {
            assert_eq!(parse(bad), Err(TimeError::Malformed), "{bad:?}");
        }
        for out in [
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            assert_eq!(parse(out), Err(TimeError::OutOfRange), "{out:?}");
        }
    }

    #[test]
    fn display_parses_back() {
        extern crate alloc;
        use alloc::string::ToString;
        for secs in [0u64, 951_825_600, 1_749_601_858, 253_402_300_799] {
            let text = UnixTime(secs).to_string();
            assert_eq!(parse(&text), Ok(UnixTime(secs)));
        }
    }
}
