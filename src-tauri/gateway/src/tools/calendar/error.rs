//! [`CalendarError`]: every way a calendar tool fails, in words the model and the user can act on.

use std::path::PathBuf;

/// A failed calendar operation.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// Reading or writing a calendar file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot read").
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not valid iCalendar.
    #[error("{path} is not valid iCalendar: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// A time argument could not be read.
    #[error("'{0}' is not a date or time: use 2026-10-20 (all day), 2026-10-20T10:00 (local), or 2026-10-20T08:00:00Z")]
    BadTime(String),
    /// A time zone argument is unknown.
    #[error("'{0}' is not an IANA time zone name (like \"Europe/Berlin\")")]
    BadZone(String),
    /// A recurrence rule argument is invalid.
    #[error("invalid recurrence rule '{rule}': {message}")]
    BadRule {
        /// The rule as given.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The end is before the start, or mixes all-day and timed values.
    #[error("{0}")]
    BadRange(String),
    /// No configured calendar has that name.
    #[error("no calendar named '{name}'; configured calendars: {known}")]
    UnknownCalendar {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: String,
    },
    /// No calendar is configured or none of them exists.
    #[error("no calendar is available: add vdir folders or .ics files to [calendar] paths in config.toml")]
    NoCalendars,
    /// No event has that UID.
    #[error("no event with UID '{0}' (calendar.list_events and calendar.search show UIDs)")]
    UnknownEvent(String),
    /// A UID argument cannot be used.
    #[error("'{0}' is not a usable event UID")]
    BadUid(String),
    /// The event changed on disk since it was read (a sync ran in between).
    #[error("{0} changed while it was being edited; try again")]
    Conflict(PathBuf),
}

impl CalendarError {
    /// An I/O error on `path`.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        CalendarError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}
