//! Parsing the `--since TIME` of `hearth log`: an RFC 3339 instant or a duration back from now
//! (`30s`, `10m`, `2h`, `1d`, `1w`).

use super::error::AuditError;

/// The instant `text` names, in ms since the Unix epoch, relative to `now_ms`.
pub fn parse_since(text: &str, now_ms: i64) -> Result<i64, AuditError> {
    let text = text.trim();
    let bad = || AuditError::BadTime(text.to_string());
    if let Ok(instant) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        return i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).map_err(|_| bad());
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&i| i > 0)
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms: i64 = match unit {
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    let back = number.checked_mul(unit_ms).ok_or_else(bad)?;
    Ok(now_ms.saturating_sub(back))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_times() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_since("10m", now).unwrap(), now - 600_000);
        assert_eq!(parse_since("2h", now).unwrap(), now - 7_200_000);
        assert_eq!(parse_since("1d", now).unwrap(), now - 86_400_000);
        assert_eq!(parse_since(" 30s ", now).unwrap(), now - 30_000);
        assert_eq!(
            parse_since("2026-01-31T09:00:00Z", now).unwrap(),
            1_769_850_000_000
        );
        for bad in [
            "",
            "m",
            "10",
            "10y",
            "-5m",
            "yesterday",
            "99999999999999999999d",
        ] {
            assert!(
                matches!(parse_since(bad, now), Err(AuditError::BadTime(_))),
                "{bad}"
            );
        }
    }
}
