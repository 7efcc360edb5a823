//! RFC 3339 timestamps (Intel's collateral dates) as Unix seconds, through aimine-time's one
//! parser (which applies a UTC offset; Intel writes `Z`).

/// Parses an RFC 3339 date-time to Unix seconds; `None` for anything else or before 1970.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    aimine_time::UnixTime::parse_rfc3339(text)
        .ok()
        .map(aimine_time::UnixTime::as_secs)
}

#[cfg(test)]
mod tests {
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
        // An offset is applied, not refused.
        assert_eq!(
            parse_rfc3339("2024-01-01T01:00:00+01:00"),
            Some(1_704_067_200)
        );
        for bad in [
            "",
            "2024-01-01",
            "2024-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
