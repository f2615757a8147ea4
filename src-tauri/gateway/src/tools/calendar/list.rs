//! `calendar.list_events`: the occurrences in a time range, recurrences expanded, one line each.

use super::args::parse_when;
use super::expand::{occurrences, Range};
use super::format::{at, occurrence_line};
use super::load::load_all;
use super::source::discover;
use super::zone::display_zone;
use super::{blocking, disabled_reason, settings, CalendarError};
use crate::config::LiveConfig;
use crate::tools::{parse_args, schema_of, Risk, Tool, ToolContext, ToolError, ToolOutput};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `calendar.list_events`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Start of the range: `2026-10-20` (midnight) or `2026-10-20T08:00` (local time), or with
    /// `Z`/an offset. Default: the start of today.
    pub from: Option<String>,
    /// End of the range (exclusive), same forms. Default: seven days after `from`.
    pub to: Option<String>,
    /// Only this calendar (by name).
    pub calendar: Option<String>,
}

/// `calendar.list_events`.
pub struct CalendarList {
    live: LiveConfig,
}

impl CalendarList {
    /// The tool, reading `[calendar]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        CalendarList { live }
    }
}

#[async_trait::async_trait]
impl Tool for CalendarList {
    fn name(&self) -> &str {
        "calendar.list_events"
    }

    fn description(&self) -> &str {
        "List the user's calendar events in a time range (default: the next 7 days), recurring \
         events expanded, times in the user's time zone. Each line ends with the calendar name \
         and the event UID used by calendar.update_event and calendar.delete_event."
    }

    fn parameters(&self) -> Value {
        schema_of::<ListArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Read
    }

    fn preview(&self, args: &Value) -> String {
        match parse_args::<ListArgs>(self.name(), args) {
            Ok(args) => format!(
                "list calendar events from {} to {}",
                args.from.as_deref().unwrap_or("today"),
                args.to.as_deref().unwrap_or("a week later")
            ),
            Err(e) => e.to_string(),
        }
    }

    fn disabled_reason(&self) -> Option<String> {
        disabled_reason(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: ListArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let display = display_zone(config.timezone.as_deref());
            let from = match &args.from {
                Some(text) => parse_when(text, display)?.instant(display),
                None => {
                    let today = Utc::now().with_timezone(&display).date_naive();
                    super::zone::When::Date(today).instant(display)
                }
            };
            let to = match &args.to {
                Some(text) => parse_when(text, display)?.instant(display),
                None => from + Duration::days(7),
            };
            if to <= from {
                return Err(CalendarError::BadRange(
                    "'to' must come after 'from'".into(),
                ));
            }
            let mut sources = discover(&config.paths);
            if let Some(name) = &args.calendar {
                let chosen = super::source::pick(&sources, Some(name))?.clone();
                sources = vec![chosen];
            }
            let loaded = load_all(&sources);
            let expanded = occurrences(&loaded, Range { from, to }, display, config.max_results);
            let mut lines: Vec<String> = expanded
                .occurrences
                .iter()
                .map(|o| occurrence_line(o, display))
                .collect();
            let header = format!(
                "{} event(s) from {} to {} ({})",
                expanded.occurrences.len(),
                at(from, display),
                at(to, display),
                display.name()
            );
            if expanded.truncated {
                lines.push(format!(
                    "[cut at {} events: ask for a shorter range]",
                    config.max_results
                ));
            }
            for problem in loaded.problems.iter().chain(&expanded.problems) {
                lines.push(format!("[skipped: {problem}]"));
            }
            let summary = format!("{} events", expanded.occurrences.len());
            Ok(ToolOutput::ok(
                format!("{header}\n{}", lines.join("\n"))
                    .trim_end()
                    .to_string(),
                summary,
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
    async fn lists_a_week_with_recurrences_and_all_day_events() {
        let f = fixture();
        let tool = CalendarList::new(f.live.clone());
        let out = tool
            .run(
                json!({"from": "2026-10-19", "to": "2026-10-26"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error, "{}", out.content);
        let text = out.content;
        assert!(
            text.starts_with("4 event(s) from Mon 2026-10-19 00:00 +02:00"),
            "{text}"
        );
        assert!(
            text.contains("Tue 2026-10-20 10:00–11:00 +02:00  Team sync @ Room 4, second floor (repeats)  [personal] uid:weekly-sync@example.org"),
            "{text}"
        );
        assert!(
            text.contains("Wed 2026-10-21 18:30–19:15 +02:00  Rocket launch  [holidays]"),
            "{text}"
        );
        assert!(
            text.contains("Sat 2026-10-24  all day  Ada's birthday"),
            "{text}"
        );
        assert!(
            text.contains("Sat 2026-10-24 23:00 +02:00 – Sun 2026-10-25 05:00 +01:00  Night shift"),
            "{text}"
        );
        assert!(out.untrusted.is_none());
        let bad = tool
            .run(json!({"from": "soon"}), ToolContext::default())
            .await
            .unwrap();
        assert!(bad.is_error && bad.content.contains("soon"));
        let one = tool
            .run(
                json!({"from": "2026-10-01", "to": "2026-11-01", "calendar": "holidays"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(one.content.starts_with("2 event(s)"), "{}", one.content);
    }
}
