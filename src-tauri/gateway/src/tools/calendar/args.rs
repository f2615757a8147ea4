//! Reading the times and rules tool calls pass: `2026-10-20` (a date: all day),
//! `2026-10-20T10:00` (wall time in the given or display zone), `2026-10-20T08:00:00Z` or with an
//! offset (an instant), and RRULE text such as `FREQ=WEEKLY;BYDAY=TU`.

use super::zone::{local, zone_name, When, Zone, ZoneMap};
use super::CalendarError;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use icalendar::{CalendarDateTime, DatePerhapsTime};

/// A time argument as an iCalendar value: dates stay dates; wall times keep their zone as a
/// `TZID` when the zone has an IANA name (else they are stored in UTC); instants are UTC.
pub fn parse_time(text: &str, zone: Zone) -> Result<DatePerhapsTime, CalendarError> {
    let text = text.trim();
    let bad = || CalendarError::BadTime(text.to_string());
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(DatePerhapsTime::Date(date));
    }
    let normalized = text.replacen(' ', "T", 1);
    if let Ok(at) = DateTime::parse_from_rfc3339(&normalized) {
        return Ok(utc(at.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%MZ"] {
        if let Ok(at) = DateTime::parse_from_str(&normalized.replace('Z', "+00:00"), format) {
            return Ok(utc(at.with_timezone(&Utc)));
        }
    }
    let naive = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&normalized, f).ok())
        .ok_or_else(bad)?;
    Ok(match zone_name(zone) {
        Some(name) => DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: naive,
            tzid: name.to_string(),
        }),
        None => utc(local(zone, naive)),
    })
}

fn utc(at: DateTime<Utc>) -> DatePerhapsTime {
    DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))
}

/// A time argument as a resolved start or end.
pub fn parse_when(text: &str, zone: Zone) -> Result<When, CalendarError> {
    Ok(ZoneMap::default().resolve(&parse_time(text, zone)?, zone))
}

/// The zone a call names (`timezone` argument), else the display zone.
pub fn zone_arg(name: Option<&str>, display: Zone) -> Result<Zone, CalendarError> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(display),
        Some(name) => name
            .parse::<chrono_tz::Tz>()
            .map(Zone::from)
            .map_err(|_| CalendarError::BadZone(name.to_string())),
    }
}

/// Checks a recurrence rule against the event start and returns it without an `RRULE:` prefix.
pub fn check_rule(
    rule: &str,
    start: &DatePerhapsTime,
    display: Zone,
) -> Result<String, CalendarError> {
    let text = rule.trim();
    let text = text
        .strip_prefix("RRULE:")
        .or_else(|| text.strip_prefix("rrule:"))
        .unwrap_or(text)
        .to_string();
    let bad = |message: String| CalendarError::BadRule {
        rule: rule.to_string(),
        message,
    };
    let dt_start = ZoneMap::default().recurrence_start(start, display);
    let text = super::expand::normalize_until(&text, dt_start);
    let parsed: rrule::RRule<rrule::Unvalidated> = text.parse().map_err(|e| bad(format!("{e}")))?;
    parsed.validate(dt_start).map_err(|e| bad(format!("{e}")))?;
    Ok(text)
}

/// Checks that `end` comes after `start` and is of the same kind.
pub fn check_order(start: When, end: When) -> Result<(), CalendarError> {
    match (start, end) {
        (When::Date(s), When::Date(e)) if e > s => Ok(()),
        (When::At(s), When::At(e)) if e >= s => Ok(()),
        (When::Date(_), When::At(_)) | (When::At(_), When::Date(_)) => {
            Err(CalendarError::BadRange(
                "start and end must both be dates (all day) or both be times".into(),
            ))
        }
        _ => Err(CalendarError::BadRange(
            "the end must come after the start (an all-day end is the day after the last day)"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::calendar::zone::display_zone;

    #[test]
    fn dates_wall_times_and_instants() {
        let berlin = display_zone(Some("Europe/Berlin"));
        assert_eq!(
            parse_time("2026-10-20", berlin).unwrap(),
            DatePerhapsTime::Date(NaiveDate::from_ymd_opt(2026, 10, 20).unwrap())
        );
        match parse_time("2026-10-20T10:00", berlin).unwrap() {
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { tzid, date_time }) => {
                assert_eq!(tzid, "Europe/Berlin");
                assert_eq!(date_time.to_string(), "2026-10-20 10:00:00");
            }
            other => panic!("{other:?}"),
        }
        for text in [
            "2026-10-20T08:00:00Z",
            "2026-10-20T10:00+02:00",
            "2026-10-20 08:00Z",
        ] {
            assert_eq!(
                parse_when(text, berlin).unwrap(),
                When::At("2026-10-20T08:00:00Z".parse().unwrap()),
                "{text}"
            );
        }
        assert!(matches!(
            parse_time("next tuesday", berlin),
            Err(CalendarError::BadTime(_))
        ));
        assert!(zone_arg(Some("Mars/Base"), berlin).is_err());
    }

    #[test]
    fn rules_are_checked() {
        let berlin = display_zone(Some("Europe/Berlin"));
        let start = parse_time("2026-10-20T10:00", berlin).unwrap();
        assert_eq!(
            check_rule("RRULE:FREQ=WEEKLY;BYDAY=TU", &start, berlin).unwrap(),
            "FREQ=WEEKLY;BYDAY=TU"
        );
        assert!(check_rule("FREQ=SOMETIMES", &start, berlin).is_err());
        assert_eq!(
            check_rule("FREQ=DAILY;UNTIL=20261103", &start, berlin).unwrap(),
            "FREQ=DAILY;UNTIL=20261103T225959Z",
            "a date UNTIL means the end of that day in the start's zone"
        );
        let date = |d| When::Date(NaiveDate::from_ymd_opt(2026, 10, d).unwrap());
        assert!(check_order(date(20), date(21)).is_ok());
        assert!(check_order(date(20), date(20)).is_err());
    }
}
