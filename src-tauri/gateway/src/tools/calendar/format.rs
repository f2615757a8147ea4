//! Compact, readable text for occurrences and events (what the model and the approval see).

use super::expand::Occurrence;
use super::load::StoredEvent;
use super::zone::{When, Zone};
use chrono::{DateTime, Duration, Utc};
use icalendar::{Component, EventLike};

/// `Tue 2026-10-20 10:00–11:00 +02:00  Team sync @ Room 4 ↻  [personal] uid:…`
pub fn occurrence_line(occurrence: &Occurrence<'_>, display: Zone) -> String {
    let event = occurrence.event;
    let mut line = span(occurrence.start, occurrence.end, display);
    line.push_str("  ");
    line.push_str(&one_line(event.summary()));
    if let Some(location) = event.event.get_location().filter(|l| !l.trim().is_empty()) {
        line.push_str(" @ ");
        line.push_str(&one_line(location));
    }
    if occurrence.recurring {
        line.push_str(" (repeats)");
    }
    line.push_str(&format!("  [{}] uid:{}", event.calendar, event.uid()));
    line
}

/// The time span of an occurrence in `display`.
pub fn span(start: When, end: When, display: Zone) -> String {
    match (start, end) {
        (When::Date(s), When::Date(e)) => {
            let last = e - Duration::days(1);
            if last <= s {
                format!("{}  all day", s.format("%a %Y-%m-%d"))
            } else {
                format!(
                    "{} – {}  all day",
                    s.format("%a %Y-%m-%d"),
                    last.format("%a %Y-%m-%d")
                )
            }
        }
        (start, end) => {
            let s = start.instant(display).with_timezone(&display);
            let e = end.instant(display).with_timezone(&display);
            if s == e {
                stamp(s)
            } else if s.date_naive() == e.date_naive() {
                format!(
                    "{}–{} {}",
                    s.format("%a %Y-%m-%d %H:%M"),
                    e.format("%H:%M"),
                    s.format("%:z")
                )
            } else {
                format!("{} – {}", stamp(s), stamp(e))
            }
        }
    }
}

fn stamp(at: DateTime<Zone>) -> String {
    at.format("%a %Y-%m-%d %H:%M %:z").to_string()
}

/// A UTC instant in `display`, for messages.
pub fn at(at: DateTime<Utc>, display: Zone) -> String {
    stamp(at.with_timezone(&display))
}

/// Collapses whitespace so one field stays on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Several lines describing one stored event (for previews and results).
pub fn event_details(event: &StoredEvent, display: Zone) -> String {
    let mut lines = vec![format!("\"{}\"", event.summary())];
    if let Some(start) = event.event.get_start() {
        let start = event.zones.resolve(&start, display);
        let end = event
            .event
            .get_end()
            .map(|end| event.zones.resolve(&end, display))
            .unwrap_or(start);
        let end = match (start, end) {
            (When::Date(s), When::Date(e)) if e <= s => When::Date(s + Duration::days(1)),
            _ => end,
        };
        lines.push(format!("  when: {}", span(start, end, display)));
    }
    if let Some(rule) = event.event.property_value("RRULE") {
        lines.push(format!("  repeats: {rule}"));
    }
    if let Some(location) = event.event.get_location() {
        lines.push(format!("  location: {}", one_line(location)));
    }
    if let Some(description) = event.event.get_description() {
        let text: String = description.chars().take(500).collect();
        lines.push(format!("  description: {}", one_line(&text)));
    }
    lines.push(format!(
        "  calendar: {} ({})",
        event.calendar,
        event.file.display()
    ));
    lines.push(format!("  uid: {}", event.uid()));
    lines.join("\n")
}
