//! The proleptic Gregorian calendar: Unix seconds to and from a civil date and time.

/// Seconds since the epoch of a civil date and time, or `None` out of range (years 1970 to 9999).
pub(crate) fn to_secs(
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
) -> Option<u64> {
    if !(1970..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = u64::try_from(days_from_civil(
        i64::from(year),
        i64::from(month),
        i64::from(day),
    ))
    .ok()?;
    let secs = u64::from(hour)
        .checked_mul(3_600)?
        .checked_add(u64::from(minute).checked_mul(60)?)?
        .checked_add(u64::from(second))?;
    days.checked_mul(86_400)?.checked_add(secs)
}

/// The civil date and time of `secs` after the epoch: (year, month, day, hour, minute, second).
pub(crate) fn from_secs(secs: u64) -> (i64, u8, u8, u8, u8, u8) {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // `days` < 2^64 / 86,400 < 2^48, so the conversion cannot fail.
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(i64::MAX / 2));
    let part = |v: u64| u8::try_from(v).unwrap_or(u8::MAX);
    (
        y,
        m,
        d,
        part(rem / 3_600),
        part(rem % 3_600 / 60),
        part(rem % 60),
    )
}

fn is_leap(y: u16) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's date algorithms. Inputs are bounded (years 0..=9999, or day counts below
// 2^48), so none of the i64 arithmetic can overflow.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u8::try_from(m).unwrap_or(0),
        u8::try_from(d).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for secs in [0u64, 951_825_600, 1_749_601_858, 253_402_300_799] {
            let (y, mo, d, h, mi, s) = from_secs(secs);
            let y = u16::try_from(y).unwrap();
            assert_eq!(to_secs(y, mo, d, h, mi, s), Some(secs));
        }
        assert_eq!(from_secs(1_749_601_858), (2025, 6, 11, 0, 30, 58));
        assert_eq!(to_secs(2000, 2, 29, 12, 0, 0), Some(951_825_600));
        assert_eq!(to_secs(2001, 2, 29, 0, 0, 0), None);
        assert_eq!(to_secs(1969, 12, 31, 23, 59, 59), None);
        assert_eq!(to_secs(2025, 13, 1, 0, 0, 0), None);
        assert_eq!(to_secs(2025, 6, 11, 24, 0, 0), None);
    }
}
