//! `calendar.delete_event`: removes an event (a whole series with its changed instances). In a
//! vdir collection the item file goes when nothing else is left in it.

use super::format::event_details;
use super::load::{find_series, load_all};
use super::source::discover;
use super::write::{delete_checked, read, remove, write_checked};
use super::zone::display_zone;
use super::{blocking, disabled_reason, settings, CalendarError};
use crate::config::LiveConfig;
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `calendar.delete_event`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    /// The event's UID (from calendar.list_events or calendar.search).
    pub uid: String,
}

/// `calendar.delete_event`.
pub struct CalendarDelete {
    live: LiveConfig,
}

impl CalendarDelete {
    /// The tool, reading `[calendar]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        CalendarDelete { live }
    }
}

#[async_trait::async_trait]
impl Tool for CalendarDelete {
    fn name(&self) -> &str {
        "calendar.delete_event"
    }

    fn description(&self) -> &str {
        "Delete an event from the user's calendars by UID (a recurring event is deleted with \
         all its occurrences)."
    }

    fn parameters(&self) -> Value {
        schema_of::<DeleteArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let config = settings(&self.live);
        let display = display_zone(config.timezone.as_deref());
        match parse_args::<DeleteArgs>(self.name(), args) {
            Ok(args) => {
                let loaded = load_all(&discover(&config.paths));
                match find_series(&loaded, &args.uid) {
                    Ok(event) => format!("delete event {}", event_details(event, display)),
                    Err(e) => format!("delete event: {e}"),
                }
            }
            Err(e) => e.to_string(),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<DeleteArgs>(self.name(), args).ok()?;
        let config = settings(&self.live);
        let loaded = load_all(&discover(&config.paths));
        let event = find_series(&loaded, &args.uid).ok()?;
        Some(Subject::Path(event.file.clone()))
    }

    fn disabled_reason(&self) -> Option<String> {
        disabled_reason(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: DeleteArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let sources = discover(&config.paths);
            let loaded = load_all(&sources);
            let event = find_series(&loaded, &args.uid)?;
            let single_files: Vec<&std::path::Path> = sources
                .iter()
                .filter_map(|s| match &s.location {
                    super::source::Location::File(path) => Some(path.as_path()),
                    super::source::Location::Collection(_) => None,
                })
                .collect();
            let mut files: Vec<&std::path::Path> = loaded
                .events
                .iter()
                .filter(|e| e.uid() == event.uid())
                .map(|e| e.file.as_path())
                .collect();
            files.dedup();
            for file in files {
                let text = read(file)?;
                let (rest, remaining) = remove(&text, event.uid());
                if rest == text {
                    return Err(CalendarError::Conflict(file.to_path_buf()));
                }
                if remaining == 0 && !single_files.contains(&file) {
                    delete_checked(file, &text)?;
                } else {
                    write_checked(file, Some(&text), &rest)?;
                }
            }
            let display = display_zone(config.timezone.as_deref());
            Ok(ToolOutput::ok(
                format!("deleted {}", event_details(event, display)),
                format!("deleted event from {}", event.calendar),
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
    async fn deletes_vdir_items_and_events_in_single_files() {
        let f = fixture();
        let tool = CalendarDelete::new(f.live.clone());
        let preview = tool.preview(&json!({"uid": "weekly-sync@example.org"}));
        assert!(
            preview.contains("\"Team sync\"") && preview.contains("repeats: FREQ=WEEKLY"),
            "{preview}"
        );
        let out = tool
            .run(
                json!({"uid": "weekly-sync@example.org"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error, "{}", out.content);
        assert!(
            !f.vdir.join("weekly-sync.ics").exists(),
            "series and override are gone"
        );
        assert!(f.vdir.join("birthday.ics").exists());
        let out = tool
            .run(
                json!({"uid": "unity-day@example.org"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error, "{}", out.content);
        let left = load_file("holidays", &f.single).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].uid(), "launch@example.org");
        let out = tool
            .run(
                json!({"uid": "unity-day@example.org"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.is_error && out.content.contains("no event with UID"));
    }
}
