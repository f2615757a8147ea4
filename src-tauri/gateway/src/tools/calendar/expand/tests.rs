use super::*;
use crate::tools::calendar::load::load_all;
use crate::tools::calendar::source::discover;
use crate::tools::calendar::test_support::fixture;
use crate::tools::calendar::zone::display_zone;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn load() -> (
    crate::tools::calendar::test_support::CalendarFixture,
    Loaded,
) {
    let f = fixture();
    let config = f.live.current();
    let loaded = load_all(&discover(&config.calendar.paths));
    (f, loaded)
}

#[test]
fn weekly_series_skips_exdate_follows_berlin_time_across_dst_and_applies_overrides() {
    let (_f, loaded) = load();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let berlin = display_zone(Some("Europe/Berlin"));
    let range = Range {
        from: utc("2026-10-01T00:00:00Z"),
        to: utc("2026-11-11T00:00:00Z"),
    };
    let expanded = occurrences(&loaded, range, berlin, 100);
    let sync: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = expanded
        .occurrences
        .iter()
        .filter(|o| o.event.uid() == "weekly-sync@example.org")
        .map(|o| {
            (
                o.event.summary().to_string(),
                o.start.instant(berlin),
                o.end.instant(berlin),
            )
        })
        .collect();
    let starts: Vec<String> = sync.iter().map(|(_, s, _)| s.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            // 10:00 CEST = 08:00 UTC before the change...
            "2026-10-06T08:00:00+00:00",
            // (2026-10-13 is an EXDATE)
            "2026-10-20T08:00:00+00:00",
            // ...10:00 CET = 09:00 UTC after it.
            "2026-10-27T09:00:00+00:00",
            // 2026-11-03 moved to 14:00 CET by its RECURRENCE-ID copy.
            "2026-11-03T13:00:00+00:00",
            "2026-11-10T09:00:00+00:00",
        ]
    );
    assert_eq!(sync[3].0, "Team sync (moved)");
    assert!(sync.iter().all(|(_, s, e)| *e - *s == Duration::hours(1)));
}

#[test]
fn all_day_and_dst_spanning_events_have_the_right_instants() {
    let (_f, loaded) = load();
    let berlin = display_zone(Some("Europe/Berlin"));
    let range = Range {
        from: utc("2026-10-24T00:00:00Z"),
        to: utc("2026-10-26T00:00:00Z"),
    };
    let expanded = occurrences(&loaded, range, berlin, 100);
    let birthday = expanded
        .occurrences
        .iter()
        .find(|o| o.event.uid() == "birthday@example.org")
        .unwrap();
    assert_eq!(
        birthday.start,
        When::Date(NaiveDate::from_ymd_opt(2026, 10, 24).unwrap())
    );
    assert_eq!(
        birthday.end,
        When::Date(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap())
    );
    assert_eq!(
        birthday.start.instant(berlin).to_rfc3339(),
        "2026-10-23T22:00:00+00:00",
        "midnight CEST"
    );
    let shift = expanded
        .occurrences
        .iter()
        .find(|o| o.event.uid() == "night-shift@example.org")
        .unwrap();
    // 23:00 CEST (UTC+2) → 05:00 CET (UTC+1): seven hours, not six.
    assert_eq!(
        shift.start,
        When::At(utc("2026-10-24T21:00:00Z")),
        "start on the summer-time side"
    );
    assert_eq!(
        shift.end,
        When::At(utc("2026-10-25T04:00:00Z")),
        "end on the winter-time side"
    );
}

#[test]
fn ranges_limits_and_durations() {
    let (_f, loaded) = load();
    let berlin = display_zone(Some("Europe/Berlin"));
    // Only the launch (DURATION) on 2026-10-21.
    let expanded = occurrences(
        &loaded,
        Range {
            from: utc("2026-10-21T00:00:00Z"),
            to: utc("2026-10-22T00:00:00Z"),
        },
        berlin,
        10,
    );
    assert_eq!(expanded.occurrences.len(), 1);
    assert_eq!(
        expanded.occurrences[0].end,
        When::At(utc("2026-10-21T17:15:00Z"))
    );
    // An event in progress at the start of the range is included.
    let expanded = occurrences(
        &loaded,
        Range {
            from: utc("2026-10-25T01:00:00Z"),
            to: utc("2026-10-25T02:00:00Z"),
        },
        berlin,
        10,
    );
    let uids: Vec<&str> = expanded.occurrences.iter().map(|o| o.event.uid()).collect();
    assert!(uids.contains(&"night-shift@example.org"), "{uids:?}");
    let expanded = occurrences(
        &loaded,
        Range {
            from: utc("2026-01-01T00:00:00Z"),
            to: utc("2027-01-01T00:00:00Z"),
        },
        berlin,
        3,
    );
    assert_eq!(expanded.occurrences.len(), 3);
    assert!(expanded.truncated);
}

#[test]
fn durations_parse() {
    assert_eq!(parse_duration("PT1H30M"), Some(Duration::minutes(90)));
    assert_eq!(parse_duration("P1DT2H"), Some(Duration::hours(26)));
    assert_eq!(parse_duration("P2W"), Some(Duration::weeks(2)));
    assert_eq!(parse_duration("-PT15M"), Some(Duration::minutes(-15)));
    assert_eq!(parse_duration("PT"), Some(Duration::zero()));
    assert_eq!(parse_duration("1H"), None);
    assert_eq!(parse_duration("PT5"), None);
}

#[test]
fn until_forms_seen_in_the_wild_are_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, rule: &str, start: &str| {
        let text = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:{name}\r\nSUMMARY:{name}\r\n{start}\r\n{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        std::fs::write(dir.path().join(format!("{name}.ics")), text).unwrap();
    };
    write(
        "utc-until",
        "RRULE:FREQ=DAILY;UNTIL=20261003T080000Z",
        "DTSTART;TZID=Europe/Berlin:20261001T100000",
    );
    write(
        "local-until",
        "RRULE:FREQ=DAILY;UNTIL=20261003T100000",
        "DTSTART;TZID=Europe/Berlin:20261001T100000",
    );
    write(
        "date-until",
        "RRULE:FREQ=DAILY;UNTIL=20261003",
        "DTSTART;VALUE=DATE:20261001",
    );
    let loaded =
        crate::tools::calendar::load::load_all(&crate::tools::calendar::source::discover(&[dir
            .path()
            .to_path_buf()]));
    let berlin = display_zone(Some("Europe/Berlin"));
    let expanded = occurrences(
        &loaded,
        Range {
            from: utc("2026-09-01T00:00:00Z"),
            to: utc("2026-11-01T00:00:00Z"),
        },
        berlin,
        100,
    );
    assert!(expanded.problems.is_empty(), "{:?}", expanded.problems);
    for uid in ["utc-until", "local-until", "date-until"] {
        let count = expanded
            .occurrences
            .iter()
            .filter(|o| o.event.uid() == uid)
            .count();
        assert_eq!(count, 3, "{uid}");
    }
}
