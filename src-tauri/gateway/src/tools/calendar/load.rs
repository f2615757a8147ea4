//! Reading calendars: every `VEVENT` of every configured calendar as a [`StoredEvent`], with the
//! file it lives in and that file's time zone definitions. A file that cannot be read or parsed
//! is skipped and reported, never fatal for the rest.

use super::source::{ics_files, Location, Source};
use super::zone::ZoneMap;
use super::CalendarError;
use icalendar::{Component, EventLike};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Calendar files larger than this are not read.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// One `VEVENT` as stored on disk.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// The calendar's name.
    pub calendar: String,
    /// The `.ics` file holding it.
    pub file: PathBuf,
    /// The event.
    pub event: icalendar::Event,
    /// The TZIDs of its file.
    pub zones: Arc<ZoneMap>,
}

impl StoredEvent {
    /// The UID (empty when the event has none).
    pub fn uid(&self) -> &str {
        self.event.get_uid().unwrap_or_default()
    }

    /// The title, or `(no title)`.
    pub fn summary(&self) -> &str {
        self.event
            .get_summary()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("(no title)")
    }

    /// Whether this is a changed instance of a recurring event (it has a `RECURRENCE-ID`).
    pub fn is_override(&self) -> bool {
        self.event.properties().contains_key("RECURRENCE-ID")
    }

    /// Whether `needle` (lowercase) occurs in the summary, description or location.
    pub fn mentions(&self, needle: &str) -> bool {
        [
            self.event.get_summary(),
            self.event.get_description(),
            self.event.get_location(),
        ]
        .into_iter()
        .flatten()
        .any(|text| text.to_lowercase().contains(needle))
    }
}

/// What was loaded, and what could not be.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every event found.
    pub events: Vec<StoredEvent>,
    /// One line per file or folder that was skipped.
    pub problems: Vec<String>,
}

/// Reads one `.ics` file.
pub fn load_file(calendar: &str, path: &Path) -> Result<Vec<StoredEvent>, CalendarError> {
    let size = std::fs::metadata(path)
        .map_err(|e| CalendarError::io("cannot read", path, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(CalendarError::Parse {
            path: path.to_path_buf(),
            message: format!("{size} bytes is more than the {MAX_FILE_BYTES} bytes read"),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| CalendarError::io("cannot read", path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let parsed: icalendar::Calendar =
        text.parse()
            .map_err(|message: String| CalendarError::Parse {
                path: path.to_path_buf(),
                message: first_line(&message),
            })?;
    let zones = Arc::new(ZoneMap::from_calendar(&parsed));
    Ok(parsed
        .events()
        .map(|event| StoredEvent {
            calendar: calendar.to_string(),
            file: path.to_path_buf(),
            event: event.clone(),
            zones: zones.clone(),
        })
        .collect())
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("parse error")
        .chars()
        .take(200)
        .collect()
}

/// Reads every calendar in `sources`.
pub fn load_all(sources: &[Source]) -> Loaded {
    let mut loaded = Loaded::default();
    for source in sources {
        let files = match &source.location {
            Location::File(path) => vec![path.clone()],
            Location::Collection(dir) => match ics_files(dir) {
                Ok(files) => files,
                Err(e) => {
                    loaded.problems.push(e.to_string());
                    continue;
                }
            },
        };
        for file in files {
            match load_file(&source.name, &file) {
                Ok(events) => loaded.events.extend(events),
                Err(e) => {
                    tracing::warn!(error = %e, "calendar file skipped");
                    loaded.problems.push(e.to_string());
                }
            }
        }
    }
    loaded
}

/// The series (or single event) with this UID: the copy without `RECURRENCE-ID`, else the
/// first changed instance.
pub fn find_series<'a>(loaded: &'a Loaded, uid: &str) -> Result<&'a StoredEvent, CalendarError> {
    let uid = uid.trim();
    if uid.is_empty() || uid.contains(['\r', '\n']) {
        return Err(CalendarError::BadUid(uid.to_string()));
    }
    let mut matching = loaded.events.iter().filter(|e| e.uid() == uid);
    let first = matching
        .next()
        .ok_or_else(|| CalendarError::UnknownEvent(uid.to_string()))?;
    if !first.is_override() {
        return Ok(first);
    }
    Ok(matching.find(|e| !e.is_override()).unwrap_or(first))
}
