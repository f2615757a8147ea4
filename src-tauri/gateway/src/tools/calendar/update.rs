//! `calendar.update_event`: changes fields of an event (the whole series for a recurring one);
//! only that event's block in its file is rewritten.

use super::args::{check_order, check_rule, parse_time, zone_arg};
use super::format::event_details;
use super::load::{find_series, load_all, StoredEvent};
use super::source::discover;
use super::write::{event_block, read, replace, write_checked};
use super::zone::{display_zone, When, ZoneMap};
use super::{blocking, disabled_reason, settings, CalendarError};
use crate::config::{CalendarConfig, LiveConfig};
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use chrono::{Duration, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `calendar.update_event`. Fields left out stay as they are.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// The event's UID (from calendar.list_events or calendar.search).
    pub uid: String,
    /// New title.
    pub summary: Option<String>,
    /// New start (same forms as calendar.create_event). Without `end`, the event keeps its
    /// length.
    pub start: Option<String>,
    /// New end.
    pub end: Option<String>,
    /// IANA time zone of local times in `start`/`end`; default: the user's.
    pub timezone: Option<String>,
    /// New location ("" removes it).
    pub location: Option<String>,
    /// New description ("" removes it).
    pub description: Option<String>,
    /// New recurrence rule ("" makes it a single event).
    pub rrule: Option<String>,
}

/// The event before and after.
struct Plan {
    before: StoredEvent,
    after: StoredEvent,
}

fn plan(config: &CalendarConfig, args: &UpdateArgs) -> Result<Plan, CalendarError> {
    let display = display_zone(config.timezone.as_deref());
    let zone = zone_arg(args.timezone.as_deref(), display)?;
    let loaded = load_all(&discover(&config.paths));
    let before = find_series(&loaded, &args.uid)?.clone();
    let mut event = before.event.clone();
    if let Some(summary) = &args.summary {
        event.summary(summary.trim());
    }
    set_or_remove(&mut event, "LOCATION", args.location.as_deref());
    set_or_remove(&mut event, "DESCRIPTION", args.description.as_deref());
    let old_start = event.get_start();
    let start = match &args.start {
        Some(text) => Some(parse_time(text, zone)?),
        None => old_start.clone(),
    };
    let end = match (&args.end, &args.start) {
        (Some(text), _) => Some(parse_time(text, zone)?),
        (None, Some(_)) => match (&old_start, &start) {
            (Some(old), Some(new)) => Some(shifted_end(&before, old, new, display)),
            _ => None,
        },
        (None, None) => event.get_end(),
    };
    if let (Some(start), Some(end)) = (&start, &end) {
        let zones = &before.zones;
        check_order(zones.resolve(start, display), zones.resolve(end, display))?;
    }
    if let Some(start) = &start {
        if args.start.is_some() {
            event.starts(start.clone());
        }
        if args.start.is_some() || args.end.is_some() {
            if let Some(end) = &end {
                event.remove_property("DURATION");
                event.ends(end.clone());
            }
        }
        match args.rrule.as_deref().map(str::trim) {
            Some("") => {
                event.remove_property("RRULE");
            }
            Some(rule) => {
                event.add_property("RRULE", check_rule(rule, start, display)?);
            }
            None => {}
        }
    }
    let sequence = event.get_sequence().unwrap_or(0) + 1;
    event
        .sequence(sequence)
        .last_modified(Utc::now())
        .timestamp(Utc::now());
    let after = StoredEvent {
        event,
        ..before.clone()
    };
    Ok(Plan { before, after })
}

fn set_or_remove(event: &mut icalendar::Event, key: &str, value: Option<&str>) {
    match value.map(str::trim) {
        Some("") => {
            event.remove_property(key);
        }
        Some(value) => {
            event.add_property(key, value);
        }
        None => {}
    }
}

/// The end that keeps the event's length when only the start moves.
fn shifted_end(
    before: &StoredEvent,
    old_start: &DatePerhapsTime,
    new_start: &DatePerhapsTime,
    display: super::zone::Zone,
) -> DatePerhapsTime {
    let zones: &ZoneMap = &before.zones;
    let old_begin = zones.resolve(old_start, display);
    let old_end = before
        .event
        .get_end()
        .map(|end| zones.resolve(&end, display));
    let duration = before
        .event
        .property_value("DURATION")
        .and_then(super::expand::parse_duration);
    let length = match (old_begin, old_end, duration) {
        (When::Date(s), Some(When::Date(e)), _) => e - s,
        (When::At(s), Some(When::At(e)), _) => e - s,
        (_, None, Some(duration)) => duration,
        (When::Date(_), _, _) => Duration::days(1),
        _ => Duration::hours(1),
    };
    match new_start {
        DatePerhapsTime::Date(date) => {
            DatePerhapsTime::Date(*date + Duration::days(length.num_days().max(1)))
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => {
            DatePerhapsTime::DateTime(CalendarDateTime::Utc(*at + length))
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(at)) => {
            DatePerhapsTime::DateTime(CalendarDateTime::Floating(*at + length))
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
                date_time: *date_time + length,
                tzid: tzid.clone(),
            })
        }
    }
}

/// `calendar.update_event`.
pub struct CalendarUpdate {
    live: LiveConfig,
}

impl CalendarUpdate {
    /// The tool, reading `[calendar]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        CalendarUpdate { live }
    }
}

#[async_trait::async_trait]
impl Tool for CalendarUpdate {
    fn name(&self) -> &str {
        "calendar.update_event"
    }

    fn description(&self) -> &str {
        "Change an event in the user's calendars by UID: title, start/end, location, \
         description or recurrence. For a recurring event the whole series changes."
    }

    fn parameters(&self) -> Value {
        schema_of::<UpdateArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let config = settings(&self.live);
        let display = display_zone(config.timezone.as_deref());
        match parse_args::<UpdateArgs>(self.name(), args) {
            Ok(args) => match plan(&config, &args) {
                Ok(plan) => format!(
                    "update event\nbefore: {}\nafter:  {}",
                    event_details(&plan.before, display),
                    event_details(&plan.after, display)
                ),
                Err(e) => format!("update event: {e}"),
            },
            Err(e) => e.to_string(),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<UpdateArgs>(self.name(), args).ok()?;
        let config = settings(&self.live);
        let loaded = load_all(&discover(&config.paths));
        let event = find_series(&loaded, &args.uid).ok()?;
        Some(Subject::Path(event.file.clone()))
    }

    fn disabled_reason(&self) -> Option<String> {
        disabled_reason(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: UpdateArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let plan = plan(&config, &args)?;
            let file = &plan.after.file;
            let text = read(file)?;
            let block = event_block(&plan.after.event)?;
            let updated = replace(&text, plan.after.uid(), &block)
                .ok_or_else(|| CalendarError::Conflict(file.clone()))?;
            write_checked(file, Some(&text), &updated)?;
            let display = display_zone(config.timezone.as_deref());
            Ok(ToolOutput::ok(
                format!("updated {}", event_details(&plan.after, display)),
                format!("updated event in {}", plan.after.calendar),
            ))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::calendar::load::load_file;
    use crate::tools::calendar::test_support::{fixture, HOLIDAYS};
    use serde_json::json;

    #[tokio::test]
    async fn moves_a_series_keeping_its_length_and_the_rest_of_the_file() {
        let f = fixture();
        let tool = CalendarUpdate::new(f.live.clone());
        let args =
            json!({"uid": "weekly-sync@example.org", "start": "2026-10-06T11:00", "location": ""});
        let preview = tool.preview(&args);
        assert!(
            preview.contains("before:") && preview.contains("10:00–11:00"),
            "{preview}"
        );
        assert!(
            preview.contains("after:  \"Team sync\"\n  when: Tue 2026-10-06 11:00–12:00 +02:00"),
            "{preview}"
        );
        let file = f.vdir.join("weekly-sync.ics");
        assert_eq!(tool.subject(&args), Some(Subject::Path(file.clone())));
        let out = tool.run(args, ToolContext::default()).await.unwrap();
        assert!(!out.is_error, "{}", out.content);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("DTSTART;TZID=Europe/Berlin:20261006T110000"),
            "{text}"
        );
        assert!(
            text.contains("DTEND;TZID=Europe/Berlin:20261006T120000"),
            "{text}"
        );
        assert!(
            text.contains("SEQUENCE:1") && !text.contains("LOCATION"),
            "{text}"
        );
        assert!(
            text.contains("EXDATE;TZID=Europe/Berlin:20261013T100000"),
            "{text}"
        );
        assert!(
            text.contains("BEGIN:VTIMEZONE") && text.contains("SUMMARY:Team sync (moved)"),
            "{text}"
        );
        assert_eq!(load_file("personal", &file).unwrap().len(), 2);
    }

    #[tokio::test]
    async fn updates_in_single_files_and_refuses_unknown_uids() {
        let f = fixture();
        let tool = CalendarUpdate::new(f.live.clone());
        let out = tool
            .run(
                json!({"uid": "launch@example.org", "summary": "Launch; delayed", "rrule": ""}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error, "{}", out.content);
        let text = std::fs::read_to_string(&f.single).unwrap();
        assert!(text.contains("SUMMARY:Launch\\; delayed"), "{text}");
        let moved = tool
            .run(
                json!({"uid": "launch@example.org", "start": "2026-10-22T18:00"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(
            moved.content.contains("Thu 2026-10-22 18:00–18:45 +02:00"),
            "{}",
            moved.content
        );
        let text = std::fs::read_to_string(&f.single).unwrap();
        assert!(
            !text.contains("DURATION") && text.contains("DTEND;TZID=Europe/Berlin:20261022T184500"),
            "{text}"
        );
        let unity = &HOLIDAYS[HOLIDAYS.find("BEGIN:VEVENT").unwrap()
            ..HOLIDAYS.find("BEGIN:VEVENT\r\nUID:launch").unwrap()];
        assert!(text.contains(unity), "the other event is untouched");
        let out = tool
            .run(
                json!({"uid": "nope", "summary": "x"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.is_error && out.content.contains("nope"));
    }
}
