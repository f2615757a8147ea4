//! Real-format fixtures: a vdir collection (as vdirsyncer writes it) and a single-file calendar
//! in a temp dir, and a [`LiveConfig`] pointing at them (display zone Europe/Berlin).

use crate::config::{Config, LiveConfig};
use crate::events::EventBus;
use std::path::PathBuf;

/// A weekly Tuesday 10:00 Berlin meeting from 2026-10-06 with 2026-10-13 excluded and the
/// 2026-11-03 instance moved to 14:00.
pub const WEEKLY: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//pimutils.org//khal//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZNAME:CET\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZNAME:CEST\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:weekly-sync@example.org\r
DTSTAMP:20260901T080000Z\r
SUMMARY:Team sync\r
LOCATION:Room 4\\, second floor\r
DESCRIPTION:Agenda in the wiki\r
DTSTART;TZID=Europe/Berlin:20261006T100000\r
DTEND;TZID=Europe/Berlin:20261006T110000\r
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=8\r
EXDATE;TZID=Europe/Berlin:20261013T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly-sync@example.org\r
DTSTAMP:20260901T080000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20261103T100000\r
SUMMARY:Team sync (moved)\r
DTSTART;TZID=Europe/Berlin:20261103T140000\r
DTEND;TZID=Europe/Berlin:20261103T150000\r
END:VEVENT\r
END:VCALENDAR\r
";

/// An all-day event on Saturday 2026-10-24.
pub const ALL_DAY: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:birthday@example.org\r
DTSTAMP:20260901T080000Z\r
SUMMARY:Ada's birthday\r
DTSTART;VALUE=DATE:20261024\r
DTEND;VALUE=DATE:20261025\r
END:VEVENT\r
END:VCALENDAR\r
";

/// A night shift in Berlin across the end of summer time (2026-10-25 03:00 CEST → 02:00 CET).
pub const ACROSS_DST: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:night-shift@example.org\r
DTSTAMP:20260901T080000Z\r
SUMMARY:Night shift\r
DTSTART;TZID=Europe/Berlin:20261024T230000\r
DTEND;TZID=Europe/Berlin:20261025T050000\r
END:VEVENT\r
END:VCALENDAR\r
";

/// A single-file calendar with two events.
pub const HOLIDAYS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
X-WR-CALNAME:Holidays\r
BEGIN:VEVENT\r
UID:unity-day@example.org\r
DTSTAMP:20260901T080000Z\r
SUMMARY:Day of German Unity\r
DTSTART;VALUE=DATE:20261003\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:launch@example.org\r
DTSTAMP:20260901T080000Z\r
SUMMARY:Rocket launch\r
DESCRIPTION:Watch the stream\r
DTSTART:20261021T163000Z\r
DURATION:PT45M\r
END:VEVENT\r
END:VCALENDAR\r
";

/// The fixture folders and a live config naming them.
pub struct CalendarFixture {
    /// Keeps the temp dir alive.
    pub _dir: tempfile::TempDir,
    /// The vdir collection `personal/`.
    pub vdir: PathBuf,
    /// The single-file calendar `holidays.ics`.
    pub single: PathBuf,
    /// Config with `[calendar] paths = [vdir, single]`, `timezone = "Europe/Berlin"`.
    pub live: LiveConfig,
}

/// Writes the fixtures.
pub fn fixture() -> CalendarFixture {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let vdir = base.join("calendars/personal");
    std::fs::create_dir_all(&vdir).unwrap();
    std::fs::write(vdir.join("weekly-sync.ics"), WEEKLY).unwrap();
    std::fs::write(vdir.join("birthday.ics"), ALL_DAY).unwrap();
    std::fs::write(vdir.join("night-shift.ics"), ACROSS_DST).unwrap();
    let single = base.join("holidays.ics");
    std::fs::write(&single, HOLIDAYS).unwrap();
    let mut config = Config::default();
    config.calendar.paths = vec![vdir.clone(), single.clone()];
    config.calendar.timezone = Some("Europe/Berlin".into());
    let live = LiveConfig::new(base.join("config.toml"), config, EventBus::default());
    CalendarFixture {
        _dir: dir,
        vdir,
        single,
        live,
    }
}
