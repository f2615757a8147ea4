//! Time zones: resolving iCalendar times (UTC, `TZID=…`, floating, all-day dates) to instants
//! with `chrono-tz`, including the non-IANA TZIDs some clients write (looked up through the
//! file's `VTIMEZONE` `X-LIC-LOCATION`, or the IANA name at the end of a path-like TZID).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};
use std::collections::HashMap;

/// A time zone: a named IANA zone or the system's local zone.
pub type Zone = rrule::Tz;

/// The zone events are shown in: `calendar.timezone`, else the system's zone by its IANA
/// name (so new events get a proper `TZID`), else the system's local offset rules.
pub fn display_zone(name: Option<&str>) -> Zone {
    name.and_then(|n| n.parse::<chrono_tz::Tz>().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|n| n.parse::<chrono_tz::Tz>().ok())
        })
        .map(Zone::from)
        .unwrap_or(Zone::LOCAL)
}

/// The IANA name of a zone, if it has one (the system's local zone has none here).
pub fn zone_name(zone: Zone) -> Option<&'static str> {
    match zone {
        Zone::Tz(tz) => Some(tz.name()),
        Zone::Local(_) => None,
    }
}

/// A resolved start or end: a calendar date (all-day events) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    /// An all-day date.
    Date(NaiveDate),
    /// An instant.
    At(DateTime<Utc>),
}

impl When {
    /// The instant this begins, dates taken at midnight in `zone`.
    pub fn instant(self, zone: Zone) -> DateTime<Utc> {
        match self {
            When::At(at) => at,
            When::Date(date) => local(zone, date.and_time(chrono::NaiveTime::MIN)),
        }
    }

    /// Whether this is an all-day date.
    pub fn is_date(self) -> bool {
        matches!(self, When::Date(_))
    }
}

/// `naive` read in `zone`: an ambiguous time (the hour repeated when clocks go back) is its
/// first occurrence; a time that does not exist (skipped when clocks go forward) is moved
/// forward by the gap, as RFC 5545 says.
pub fn local(zone: Zone, naive: NaiveDateTime) -> DateTime<Utc> {
    local_in(zone, naive).with_timezone(&Utc)
}

/// Like [`local`] but keeps the zone (for recurrence expansion).
pub fn local_in(zone: Zone, naive: NaiveDateTime) -> DateTime<Zone> {
    if let Some(at) = zone.from_local_datetime(&naive).earliest() {
        return at;
    }
    // In a gap: the offset before the gap applied to the wall time lands after it.
    let before = zone
        .from_local_datetime(&(naive - Duration::hours(3)))
        .earliest()
        .map(|at| *at.offset());
    match before {
        Some(offset) => {
            let fixed = chrono::Offset::fix(&offset);
            let utc = naive - Duration::seconds(i64::from(fixed.local_minus_utc()));
            zone.from_utc_datetime(&utc)
        }
        None => zone.from_utc_datetime(&naive),
    }
}

/// TZIDs of one calendar file resolved to zones.
#[derive(Debug, Clone, Default)]
pub struct ZoneMap {
    aliases: HashMap<String, chrono_tz::Tz>,
}

impl ZoneMap {
    /// Reads the `VTIMEZONE` components of a parsed calendar for TZIDs that are not IANA names.
    pub fn from_calendar(calendar: &icalendar::Calendar) -> ZoneMap {
        let mut aliases = HashMap::new();
        for component in calendar.iter() {
            let icalendar::CalendarComponent::Other(other) = component else {
                continue;
            };
            if other.component_kind() != "VTIMEZONE" {
                continue;
            }
            let Some(tzid) = other.property_value("TZID") else {
                continue;
            };
            let hint = other.property_value("X-LIC-LOCATION").unwrap_or(tzid);
            if let Some(tz) = iana(hint).or_else(|| iana(tzid)) {
                aliases.insert(tzid.to_string(), tz);
            }
        }
        ZoneMap { aliases }
    }

    /// The zone a TZID names, if it can be known.
    pub fn lookup(&self, tzid: &str) -> Option<Zone> {
        iana(tzid)
            .or_else(|| self.aliases.get(tzid).copied())
            .map(Zone::from)
    }

    /// Resolves an iCalendar start/end value; floating times and unknown TZIDs are read in
    /// `display`.
    pub fn resolve(&self, value: &DatePerhapsTime, display: Zone) -> When {
        match value {
            DatePerhapsTime::Date(date) => When::Date(*date),
            DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => When::At(*at),
            DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => {
                When::At(local(display, *naive))
            }
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
                When::At(local(self.lookup(tzid).unwrap_or(display), *date_time))
            }
        }
    }

    /// The zone and wall time recurrences of `value` are computed in: its TZID, UTC, the
    /// display zone for floating times, and UTC midnight for dates.
    pub fn recurrence_start(&self, value: &DatePerhapsTime, display: Zone) -> DateTime<Zone> {
        match value {
            DatePerhapsTime::Date(date) => {
                Zone::UTC.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
            }
            DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => {
                Zone::UTC.from_utc_datetime(&at.naive_utc())
            }
            DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => {
                local_in(display, *naive)
            }
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
                local_in(self.lookup(tzid).unwrap_or(display), *date_time)
            }
        }
    }
}

/// An IANA zone from a TZID: the name itself, or the `Area/City` at the end of a path-like
/// TZID (`/mozilla.org/20050126_1/Europe/Berlin`).
fn iana(tzid: &str) -> Option<chrono_tz::Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Ok(tz) = tzid.parse::<chrono_tz::Tz>() {
        return Some(tz);
    }
    let parts: Vec<&str> = tzid.split('/').filter(|p| !p.is_empty()).collect();
    (2..=3)
        .filter(|n| parts.len() >= *n)
        .find_map(|n| parts[parts.len() - n..].join("/").parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn berlin_times_around_the_dst_changes() {
        let berlin = display_zone(Some("Europe/Berlin"));
        // Summer time (UTC+2) before 2026-10-25 03:00, winter time (UTC+1) after.
        assert_eq!(
            local(berlin, naive("2026-10-24T10:00")).to_rfc3339(),
            "2026-10-24T08:00:00+00:00"
        );
        assert_eq!(
            local(berlin, naive("2026-10-26T10:00")).to_rfc3339(),
            "2026-10-26T09:00:00+00:00"
        );
        // 02:30 happens twice on 2026-10-25: the first one (still summer time) counts.
        assert_eq!(
            local(berlin, naive("2026-10-25T02:30")).to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
        // 02:30 does not exist on 2026-03-29: it is moved forward to 03:30 CEST.
        assert_eq!(
            local(berlin, naive("2026-03-29T02:30")).to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
    }

    #[test]
    fn tzids_resolve_through_names_paths_and_vtimezone() {
        let calendar: icalendar::Calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nX-LIC-LOCATION:Europe/Berlin\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"
            .parse()
            .unwrap();
        let zones = ZoneMap::from_calendar(&calendar);
        let berlin = Zone::from(chrono_tz::Tz::Europe__Berlin);
        assert_eq!(
            zones.lookup("Europe/Berlin").map(|z| z.name().to_string()),
            Some(berlin.name().into())
        );
        assert_eq!(
            zones
                .lookup("W. Europe Standard Time")
                .map(|z| z.name().to_string()),
            Some("Europe/Berlin".into())
        );
        assert_eq!(
            zones
                .lookup("/mozilla.org/20050126_1/America/New_York")
                .map(|z| z.name().to_string()),
            Some("America/New_York".into())
        );
        assert!(zones.lookup("Nowhere Standard Time").is_none());
    }
}
