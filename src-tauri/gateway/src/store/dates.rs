//! Human dates for listings and filters: UTC, minute precision.

use crate::conversation::Timestamp;

/// `2026-11-25 12:34 UTC` (the raw number if it is out of range).
pub fn format_time(ms: Timestamp) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// The start (00:00 UTC) of a day written `YYYY-MM-DD`, for date filters.
pub fn parse_day(text: &str) -> Option<Timestamp> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text.trim(), &format).ok()?;
    let start = date.midnight().assume_utc();
    i64::try_from(start.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_to_utc_midnight_and_format_back() {
        let ms = parse_day("2026-11-25").unwrap();
        assert_eq!(format_time(ms), "2026-11-25 00:00 UTC");
        assert_eq!(format_time(ms + 90 * 60_000), "2026-11-25 01:30 UTC");
        assert_eq!(parse_day("25/11/2026"), None);
        assert_eq!(parse_day("2026-13-01"), None);
    }
}
