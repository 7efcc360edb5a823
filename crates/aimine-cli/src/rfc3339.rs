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
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
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
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    u64::try_from(secs).map_err(|_| format!("--at: {text:?} is before 1970"))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
