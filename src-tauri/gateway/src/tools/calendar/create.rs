//! `calendar.create_event`: a new event with a fresh UID — a new `.ics` file in a vdir
//! collection, or a `VEVENT` appended to a single-file calendar.

use super::args::{check_order, check_rule, parse_time, zone_arg};
use super::format::event_details;
use super::load::StoredEvent;
use super::source::{discover, pick, Location};
use super::write::{event_block, insert, new_calendar, read, write_checked};
use super::zone::{display_zone, ZoneMap};
use super::{blocking, disabled_reason, settings, CalendarError};
use crate::config::{CalendarConfig, LiveConfig};
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use chrono::{Duration, Utc};
use icalendar::{Component, DatePerhapsTime, EventLike};
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `calendar.create_event`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The title.
    pub summary: String,
    /// `2026-10-20` for an all-day event, `2026-10-20T10:00` for a local time (in `timezone`),
    /// or an instant with `Z`/an offset.
    pub start: String,
    /// Same form as `start` (exclusive; for all-day events the day after the last day).
    /// Default: one hour after a timed start, the next day after a date.
    pub end: Option<String>,
    /// IANA time zone of local times (`Europe/Berlin`); default: the user's.
    pub timezone: Option<String>,
    /// Where it happens.
    pub location: Option<String>,
    /// Notes.
    pub description: Option<String>,
    /// A recurrence rule, e.g. `FREQ=WEEKLY;BYDAY=TU;COUNT=10`.
    pub rrule: Option<String>,
    /// The calendar (by name); default: the first configured.
    pub calendar: Option<String>,
}

/// What a create call will do.
struct Plan {
    /// The file written.
    file: PathBuf,
    /// Whether the file is a single-file calendar (append) rather than a new vdir item.
    append: bool,
    /// The event.
    stored: StoredEvent,
}

/// Builds the event for `args` (`uid` is the new UID).
fn plan(config: &CalendarConfig, args: &CreateArgs, uid: &str) -> Result<Plan, CalendarError> {
    let display = display_zone(config.timezone.as_deref());
    let zone = zone_arg(args.timezone.as_deref(), display)?;
    let sources = discover(&config.paths);
    let source = pick(&sources, args.calendar.as_deref())?;
    let start = parse_time(&args.start, zone)?;
    let end = match &args.end {
        Some(end) => parse_time(end, zone)?,
        None => default_end(&start),
    };
    let zones = ZoneMap::default();
    check_order(zones.resolve(&start, display), zones.resolve(&end, display))?;
    let mut event = icalendar::Event::new();
    event
        .uid(uid)
        .summary(args.summary.trim())
        .timestamp(Utc::now())
        .starts(start.clone())
        .ends(end);
    if let Some(location) = args.location.as_deref().filter(|l| !l.trim().is_empty()) {
        event.location(location);
    }
    if let Some(description) = args.description.as_deref().filter(|d| !d.trim().is_empty()) {
        event.description(description);
    }
    if let Some(rule) = args.rrule.as_deref().filter(|r| !r.trim().is_empty()) {
        event.add_property("RRULE", check_rule(rule, &start, display)?);
    }
    let (file, append) = match &source.location {
        Location::Collection(dir) => (dir.join(format!("{}.ics", file_stem(uid))), false),
        Location::File(file) => (file.clone(), true),
    };
    Ok(Plan {
        stored: StoredEvent {
            calendar: source.name.clone(),
            file: file.clone(),
            event: event.done(),
            zones: Arc::new(zones),
        },
        file,
        append,
    })
}

/// One hour after a time, the next day after a date.
fn default_end(start: &DatePerhapsTime) -> DatePerhapsTime {
    use icalendar::CalendarDateTime as C;
    match start {
        DatePerhapsTime::Date(date) => DatePerhapsTime::Date(*date + Duration::days(1)),
        DatePerhapsTime::DateTime(C::Utc(at)) => {
            DatePerhapsTime::DateTime(C::Utc(*at + Duration::hours(1)))
        }
        DatePerhapsTime::DateTime(C::Floating(at)) => {
            DatePerhapsTime::DateTime(C::Floating(*at + Duration::hours(1)))
        }
        DatePerhapsTime::DateTime(C::WithTimezone { date_time, tzid }) => {
            DatePerhapsTime::DateTime(C::WithTimezone {
                date_time: *date_time + Duration::hours(1),
                tzid: tzid.clone(),
            })
        }
    }
}

/// A file name for a UID: its characters that are safe in file names.
pub(crate) fn file_stem(uid: &str) -> String {
    uid.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `calendar.create_event`.
pub struct CalendarCreate {
    live: LiveConfig,
}

impl CalendarCreate {
    /// The tool, reading `[calendar]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        CalendarCreate { live }
    }
}

#[async_trait::async_trait]
impl Tool for CalendarCreate {
    fn name(&self) -> &str {
        "calendar.create_event"
    }

    fn description(&self) -> &str {
        "Create an event in one of the user's calendars (all-day with dates, timed with local \
         times in the user's or a named time zone, optionally recurring with an RRULE)."
    }

    fn parameters(&self) -> Value {
        schema_of::<CreateArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let config = settings(&self.live);
        let display = display_zone(config.timezone.as_deref());
        match parse_args::<CreateArgs>(self.name(), args) {
            Ok(args) => match plan(&config, &args, "(assigned when created)") {
                Ok(plan) => format!("create event {}", event_details(&plan.stored, display)),
                Err(e) => format!("create event: {e}"),
            },
            Err(e) => e.to_string(),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<CreateArgs>(self.name(), args).ok()?;
        let config = settings(&self.live);
        let sources = discover(&config.paths);
        let source = pick(&sources, args.calendar.as_deref()).ok()?;
        Some(Subject::Path(source.location.path().to_path_buf()))
    }

    fn disabled_reason(&self) -> Option<String> {
        disabled_reason(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: CreateArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let uid = format!("{}@hearth", uuid::Uuid::now_v7());
            let plan = plan(&config, &args, &uid)?;
            let block = event_block(&plan.stored.event)?;
            if plan.append {
                let text = read(&plan.file)?;
                let updated = insert(&text, &block).ok_or_else(|| CalendarError::Parse {
                    path: plan.file.clone(),
                    message: "no END:VCALENDAR line".into(),
                })?;
                write_checked(&plan.file, Some(&text), &updated)?;
            } else {
                write_checked(&plan.file, None, &new_calendar(&block))?;
            }
            let display = display_zone(config.timezone.as_deref());
            Ok(ToolOutput::ok(
                format!("created {}", event_details(&plan.stored, display)),
                format!("created event in {}", plan.stored.calendar),
            ))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::calendar::load::load_file;
    use crate::tools::calendar::test_support::fixture;
    use serde_json::json;

    #[tokio::test]
    async fn creates_vdir_items_and_appends_to_single_files() {
        let f = fixture();
        let tool = CalendarCreate::new(f.live.clone());
        let args = json!({
            "summary": "Dentist", "start": "2026-10-27T09:30", "location": "Main St. 1",
            "rrule": "FREQ=MONTHLY;COUNT=2"
        });
        let preview = tool.preview(&args);
        assert!(
            preview.contains("\"Dentist\"")
                && preview.contains("Tue 2026-10-27 09:30–10:30 +01:00"),
            "{preview}"
        );
        assert!(
            preview.contains("repeats: FREQ=MONTHLY;COUNT=2"),
            "{preview}"
        );
        assert_eq!(tool.subject(&args), Some(Subject::Path(f.vdir.clone())));
        let before = std::fs::read_dir(&f.vdir).unwrap().count();
        let out = tool.run(args, ToolContext::default()).await.unwrap();
        assert!(!out.is_error, "{}", out.content);
        let created: Vec<PathBuf> = std::fs::read_dir(&f.vdir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("@hearth"))
            .collect();
        assert_eq!(created.len(), 1);
        assert_eq!(std::fs::read_dir(&f.vdir).unwrap().count(), before + 1);
        let events = load_file("personal", &created[0]).unwrap();
        assert_eq!(events.len(), 1);
        let text = std::fs::read_to_string(&created[0]).unwrap();
        assert!(
            text.contains("DTSTART;TZID=Europe/Berlin:20261027T093000"),
            "{text}"
        );
        assert!(text.contains("RRULE:FREQ=MONTHLY;COUNT=2"), "{text}");
        assert!(text.contains("LOCATION:Main St. 1"), "{text}");

        let out = tool
            .run(
                json!({"summary": "Holiday", "start": "2026-12-24", "end": "2026-12-27", "calendar": "holidays"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error, "{}", out.content);
        let text = std::fs::read_to_string(&f.single).unwrap();
        assert!(text.starts_with(
            crate::tools::calendar::test_support::HOLIDAYS.trim_end_matches("END:VCALENDAR\r\n")
        ));
        assert!(text.contains("DTSTART;VALUE=DATE:20261224"), "{text}");
        assert_eq!(load_file("holidays", &f.single).unwrap().len(), 3);

        let bad = tool
            .run(
                json!({"summary": "x", "start": "2026-10-27T10:00", "end": "2026-10-27T09:00"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(
            bad.is_error && bad.content.contains("after the start"),
            "{}",
            bad.content
        );
        let bad = tool
            .run(
                json!({"summary": "x", "start": "2026-10-27", "calendar": "nope"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(bad.is_error && bad.content.contains("nope"));
    }
}
