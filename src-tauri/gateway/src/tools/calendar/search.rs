//! `calendar.search`: events whose summary, description or location contain a text.

use super::args::parse_when;
use super::expand::{occurrences, Range};
use super::format::{occurrence_line, span};
use super::load::{load_all, StoredEvent};
use super::source::discover;
use super::zone::{display_zone, When, Zone};
use super::{blocking, disabled_reason, settings, CalendarError};
use crate::config::LiveConfig;
use crate::tools::{parse_args, schema_of, Risk, Tool, ToolContext, ToolError, ToolOutput};
use chrono::Duration;
use icalendar::{Component, EventLike};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `calendar.search`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Text to find (case-insensitive) in the title, description or location.
    pub query: String,
    /// With `to`: only occurrences in this range (recurrences expanded). Same forms as
    /// calendar.list_events.
    pub from: Option<String>,
    /// End of the range (exclusive).
    pub to: Option<String>,
}

/// `calendar.search`.
pub struct CalendarSearch {
    live: LiveConfig,
}

impl CalendarSearch {
    /// The tool, reading `[calendar]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        CalendarSearch { live }
    }
}

/// One line for a stored event: its first occurrence and its rule.
fn event_line(event: &StoredEvent, display: Zone) -> String {
    let when = event
        .event
        .get_start()
        .map(|start| {
            let start = event.zones.resolve(&start, display);
            let end = event
                .event
                .get_end()
                .map(|end| event.zones.resolve(&end, display))
                .unwrap_or(match start {
                    When::Date(d) => When::Date(d + Duration::days(1)),
                    at => at,
                });
            span(start, end, display)
        })
        .unwrap_or_else(|| "(no start)".into());
    let mut line = format!("{when}  {}", event.summary());
    if let Some(location) = event.event.get_location() {
        line.push_str(&format!(" @ {location}"));
    }
    if let Some(rule) = event.event.property_value("RRULE") {
        line.push_str(&format!(" (repeats {rule})"));
    }
    line.push_str(&format!("  [{}] uid:{}", event.calendar, event.uid()));
    line
}

#[async_trait::async_trait]
impl Tool for CalendarSearch {
    fn name(&self) -> &str {
        "calendar.search"
    }

    fn description(&self) -> &str {
        "Search the user's calendars for events whose title, description or location contain a \
         text. Without a range each event is listed once (recurring ones with their rule); with \
         from/to, the matching occurrences in that range."
    }

    fn parameters(&self) -> Value {
        schema_of::<SearchArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Read
    }

    fn preview(&self, args: &Value) -> String {
        match parse_args::<SearchArgs>(self.name(), args) {
            Ok(args) => format!("search calendars for \"{}\"", args.query),
            Err(e) => e.to_string(),
        }
    }

    fn disabled_reason(&self) -> Option<String> {
        disabled_reason(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: SearchArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let display = display_zone(config.timezone.as_deref());
            let needle = args.query.trim().to_lowercase();
            if needle.is_empty() {
                return Err(CalendarError::BadRange("the query is empty".into()));
            }
            let loaded = load_all(&discover(&config.paths));
            let mut lines: Vec<String> = match (&args.from, &args.to) {
                (Some(from), Some(to)) => {
                    let range = Range {
                        from: parse_when(from, display)?.instant(display),
                        to: parse_when(to, display)?.instant(display),
                    };
                    occurrences(&loaded, range, display, usize::MAX / 2)
                        .occurrences
                        .iter()
                        .filter(|o| o.event.mentions(&needle))
                        .map(|o| occurrence_line(o, display))
                        .collect()
                }
                (None, None) => loaded
                    .events
                    .iter()
                    .filter(|e| e.mentions(&needle))
                    .map(|e| event_line(e, display))
                    .collect(),
                _ => {
                    return Err(CalendarError::BadRange(
                        "give both 'from' and 'to', or neither".into(),
                    ))
                }
            };
            let found = lines.len();
            let cut = found > config.max_results;
            lines.truncate(config.max_results);
            if cut {
                lines.push(format!(
                    "[cut: {found} matches, showed {}]",
                    config.max_results
                ));
            }
            let header = format!("{found} match(es) for \"{}\"", args.query.trim());
            Ok(ToolOutput::ok(
                format!("{header}\n{}", lines.join("\n"))
                    .trim_end()
                    .to_string(),
                format!("{found} matches"),
            ))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::calendar::test_support::fixture;
    use serde_json::json;

    #[tokio::test]
    async fn finds_text_in_title_description_and_location() {
        let f = fixture();
        let tool = CalendarSearch::new(f.live.clone());
        let run = |args| tool.run(args, ToolContext::default());
        let out = run(json!({"query": "wiki"})).await.unwrap();
        assert!(out.content.starts_with("1 match(es)"), "{}", out.content);
        assert!(
            out.content
                .contains("(repeats FREQ=WEEKLY;BYDAY=TU;COUNT=8)"),
            "{}",
            out.content
        );
        let out = run(json!({"query": "STREAM"})).await.unwrap();
        assert!(out.content.contains("Rocket launch"), "{}", out.content);
        let out = run(json!({"query": "second floor", "from": "2026-10-01", "to": "2026-10-31"}))
            .await
            .unwrap();
        assert!(out.content.starts_with("3 match(es)"), "{}", out.content);
        let out = run(json!({"query": "nothing like this"})).await.unwrap();
        assert!(out.content.starts_with("0 match(es)"));
        let out = run(json!({"query": " "})).await.unwrap();
        assert!(out.is_error);
    }
}
