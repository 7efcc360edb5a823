//! RFC 3339 timestamps (`2025-06-11T00:30:58Z`, `…+02:00`, fractions ignored) to Unix seconds.

// Every number here comes from at most four decimal digits, so i64 arithmetic cannot overflow.
#![allow(clippy::arithmetic_side_effects)]

use crate::CliError;

/// Seconds since the epoch of an RFC 3339 date-time.
pub fn parse(text: &str) -> Result<u64, CliError> {
    let bad = || format!("--at: {text:?} is not an RFC 3339 time like 2025-06-11T00:30:58Z");
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Result<i64, CliError> {
        let s = b.get(range).ok_or_else(bad)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        std::str::from_utf8(s)
            .map_err(|_| bad())?
            .parse()
            .map_err(|_| bad())
    };
    if b.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return Err(bad());
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err(bad());
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = b.get(19..).ok_or_else(bad)?;
    if rest.first() == Some(&b'.') {
        let digits = rest
            .iter()
            .skip(1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return Err(bad());
        }
        rest = rest.get(1 + digits..).ok_or_else(bad)?;
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Result<i64, CliError> {
                if a.is_ascii_digit() && b.is_ascii_digit() {
                    Ok(i64::from(a - b'0') * 10 + i64::from(b - b'0'))
                } else {
                    Err(bad())
                }
            };
            let minutes = two(*h1, *h2)? * 60 + two(*m1, *m2)?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return Err(bad()),
    };
    let local = aimine_nvtrust::UnixTime::from_civil(
        u16::try_from(year).map_err(|_| bad())?,
        u8::try_from(month).map_err(|_| bad())?,
        u8::try_from(day).map_err(|_| bad())?,
        u8::try_from(hour).map_err(|_| bad())?,
        u8::try_from(minute).map_err(|_| bad())?,
        u8::try_from(second).map_err(|_| bad())?,
    )
    .ok_or_else(|| format!("--at: {text:?} is not a valid time from 1970 on"))?;
    let secs = i64::try_from(local.as_secs()).map_err(|_| bad())? - offset;
    u64::try_from(secs).map_err(|_| format!("--at: {text:?} is before 1970"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse("2025-06-11T00:30:58Z"), Ok(1_749_601_858));
        assert_eq!(parse("2025-06-11T02:30:58+02:00"), Ok(1_749_601_858));
        assert_eq!(parse("2025-06-10T23:30:58.123-01:00"), Ok(1_749_601_858));
        assert_eq!(parse("2000-02-29T12:00:00Z"), Ok(951_825_600));
        assert_eq!(parse("9999-12-31T23:59:59Z"), Ok(253_402_300_799));
    }

    #[test]
    fn refuses_what_is_not_rfc_3339() {
        for bad in [
            "",
            "2025-06-11",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-06-11T00:30:58",
            "2025-06-11T24:00:00Z",
            "1969-12-31T23:59:59Z",
            "2025-06-11T00:30:58.Z",
            "２025-06-11T00:30:58Z",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}

/// The `--at` time if given, else the system clock (the CLI runs off chain; the library never
/// reads a clock).
pub fn at_or_now(at: Option<&str>) -> Result<u64, CliError> {
    match at {
        Some(t) => parse(t),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|e| format!("system clock before 1970: {e}")),
    }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(secs: u64) -> String {
    let (y, m, d, hh, mm, ss) = aimine_nvtrust::UnixTime(secs).to_civil();
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn formats_and_parses_back() {
        for secs in [0u64, 951_825_600, 1_749_601_858, 253_402_300_799] {
            assert_eq!(parse(&format(secs)), Ok(secs));
        }
        assert_eq!(format(1_749_601_858), "2025-06-11T00:30:58Z");
    }
}
