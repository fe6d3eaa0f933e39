//! Parsing the point-in-time prompt: an absolute UTC date and time, or a moment relative
//! to now (`-3d`, `-2h30m`). Pure: "now" is passed in.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// ms since the epoch as `YYYY-MM-DD HH:MM` (UTC), the form the prompt accepts back.
pub fn format_when(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Parses `text` into ms since the epoch (UTC). Accepts `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`,
/// `YYYY-MM-DD HH:MM:SS` (also with `T`, optional trailing `Z`), and `-N<unit>…` with
/// units `w d h m s` relative to `now_ms`.
pub fn parse_when(text: &str, now_ms: i64) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a date (2026-11-01 08:00) or an age (-3d)".to_owned());
    }
    if let Some(rel) = t.strip_prefix('-') {
        return parse_age(rel).map(|ms| now_ms - ms);
    }
    let t = t.strip_suffix('Z').unwrap_or(t).replace('T', " ");
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&t, fmt) {
            return Ok(dt.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|dt| dt.and_utc().timestamp_millis())
            .ok_or_else(|| "not a valid date".to_owned());
    }
    Err(format!(
        "not a date: {t:?} (use 2026-11-01 08:00, UTC, or -3d / -12h)"
    ))
}

/// `3d`, `2h30m`, `1w` → milliseconds.
fn parse_age(text: &str) -> Result<i64, String> {
    // humantime also reads longer units (`ms`, `min`, `y`); the prompt takes one letter each.
    let mut units = text.split(|c: char| c.is_ascii_digit());
    if let Some(unit) = units.find(|u| !matches!(*u, "" | "w" | "d" | "h" | "m" | "s")) {
        return Err(format!("unknown unit {unit:?} (use w d h m s)"));
    }
    let age = humantime::parse_duration(text).map_err(|err| match err {
        humantime::DurationError::NumberExpected(_) => {
            "a number must come before each unit".to_owned()
        }
        humantime::DurationError::NumberOverflow => "too far back".to_owned(),
        _ => "an age needs a unit, like -3d or -12h".to_owned(),
    })?;
    match i64::try_from(age.as_millis()) {
        Ok(0) => Err("an age needs a unit, like -3d or -12h".to_owned()),
        Ok(ms) => Ok(ms),
        Err(_) => Err("too far back".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_183_353_123;

    #[test]
    fn absolute_times_are_utc() {
        assert_eq!(parse_when("2026-11-01 08:00", NOW), Ok(1_793_520_000_000));
        assert_eq!(
            parse_when("2026-11-01T08:00:00Z", NOW),
            Ok(1_793_520_000_000)
        );
        assert_eq!(parse_when(" 2026-11-01 ", NOW), Ok(1_793_491_200_000));
        assert!(parse_when("2026-13-01", NOW).is_err());
        assert!(parse_when("yesterday", NOW).is_err());
        assert!(parse_when("", NOW).is_err());
    }

    #[test]
    fn relative_times_count_back_from_now() {
        assert_eq!(parse_when("-3d", NOW), Ok(NOW - 3 * 86_400_000));
        assert_eq!(parse_when("-2h30m", NOW), Ok(NOW - 9_000_000));
        assert_eq!(parse_when("-1w", NOW), Ok(NOW - 7 * 86_400_000));
        assert!(parse_when("-3", NOW).is_err());
        assert!(parse_when("-d", NOW).is_err());
        assert!(parse_when("-3y", NOW).is_err());
        assert!(parse_when("-3ms", NOW).is_err());
        assert!(parse_when("-2h 30m", NOW).is_err());
        assert!(parse_when("-0d", NOW).is_err());
        assert!(parse_when("-", NOW).is_err());
        assert!(parse_when("-99999999999999999999w", NOW).is_err());
    }
}
