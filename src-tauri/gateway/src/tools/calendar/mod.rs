//! The calendar tools on the user's own iCalendar data: `calendar.list_events`,
//! `calendar.search`, `calendar.create_event`, `calendar.update_event`, `calendar.delete_event`.
//!
//! Calendars are configured in `[calendar] paths`: vdir collections (one `.ics` file per event,
//! the layout vdirsyncer and khal keep in sync with CalDAV servers), folders of collections, and
//! single `.ics` files ([`source`]). Files are parsed with the `icalendar` crate ([`load`]),
//! times resolved with `chrono-tz` ([`zone`]), recurrences expanded with `rrule` ([`expand`]),
//! shown as compact lines ([`format`]); changes are spliced into the file text so everything
//! else in it stays byte for byte, and written atomically ([`write`]).

mod args;
mod create;
mod delete;
mod error;
pub mod expand;
mod format;
mod list;
pub mod load;
mod search;
pub mod source;
mod update;
mod write;
pub mod zone;

pub use create::CalendarCreate;
pub use delete::CalendarDelete;
pub use error::CalendarError;
pub use list::CalendarList;
pub use search::CalendarSearch;
pub use update::CalendarUpdate;

use crate::config::{CalendarConfig, LiveConfig};
use crate::tools::{ToolError, ToolOutput};

/// The `[calendar]` settings in force now.
fn settings(live: &LiveConfig) -> CalendarConfig {
    live.current().calendar.clone()
}

/// Why the calendar tools are off (no calendar configured), if they are.
fn disabled_reason(live: &LiveConfig) -> Option<String> {
    live.current().calendar.paths.is_empty().then(|| {
        "no calendars are configured: add vdir folders or .ics files to [calendar] paths in \
         config.toml"
            .to_string()
    })
}

/// Runs blocking calendar work off the async runtime; a domain error becomes a failed result
/// the model can read.
async fn blocking<F>(work: F) -> Result<ToolOutput, ToolError>
where
    F: FnOnce() -> Result<ToolOutput, CalendarError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(error)) => Ok(ToolOutput::failed(error.to_string(), "failed")),
        Err(join) => Ok(ToolOutput::failed(
            format!("the calendar task failed: {join}"),
            "failed",
        )),
    }
}

#[cfg(test)]
pub(crate) mod test_support;
