//! RFC 3339 timestamps (`2025-06-11T00:30:58Z`, `…+02:00`, fractions ignored) on the command
//! line: aimine-time's one parser and format, and the clock the CLI (off chain) may read.

use aimine_time::UnixTime;

use crate::CliError;

/// The instant of an RFC 3339 date-time (aimine-time's parser, offsets applied).
pub fn parse(text: &str) -> Result<UnixTime, CliError> {
    UnixTime::parse_rfc3339(text.trim()).map_err(|e| format!("--at: {text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        let parse = |t: &str| parse(t).map(UnixTime::as_secs);
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
pub fn at_or_now(at: Option<&str>) -> Result<UnixTime, CliError> {
    match at {
        Some(t) => parse(t),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| UnixTime(d.as_secs()))
            .map_err(|e| format!("system clock before 1970: {e}")),
    }
}

/// A time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(time: UnixTime) -> String {
    time.to_string()
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn formats_and_parses_back() {
        for secs in [0u64, 951_825_600, 1_749_601_858, 253_402_300_799] {
            assert_eq!(parse(&format(UnixTime(secs))), Ok(UnixTime(secs)));
        }
        assert_eq!(format(UnixTime(1_749_601_858)), "2025-06-11T00:30:58Z");
    }
}
