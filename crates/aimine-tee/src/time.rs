//! RFC 3339 timestamps (Intel's collateral dates) as Unix seconds, without a clock.

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`), for years 1970..=9999.
#[allow(clippy::arithmetic_side_effects)] // every input is range-checked first: no overflow
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y / 400;
    let yoe = y.checked_sub(era.checked_mul(400)?)?;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (or a `+00:00` offset) to Unix seconds. Other
/// offsets and malformed text give `None`.
#[allow(clippy::arithmetic_side_effects)] // two-digit fields, range-checked: no overflow
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |range: core::ops::Range<usize>| -> Option<u64> {
        let digits = b.get(range)?;
        let mut value = 0u64;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        Some(value)
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = b.get(19..)?;
    if let Some((b'.', frac)) = rest.split_first() {
        let digits = frac.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    if rest != b"Z" && rest != b"z" && rest != b"+00:00" {
        return None;
    }
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?)?;
    days.checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::parse_rfc3339;

    #[test]
    fn known_instants() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2025-07-03T00:26:40Z"), Some(1_751_502_400));
        assert_eq!(parse_rfc3339("2000-02-29T12:00:00.123Z"), Some(951_825_600));
        assert_eq!(
            parse_rfc3339("2024-01-01T00:00:00+00:00"),
            Some(1_704_067_200)
        );
        for bad in [
            "",
            "2024-01-01",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00+01:00",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
