//! The action log as the Activity panel pages through it: newest first, filtered.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::audit::{EntryKind, LogEntry, LogQuery};
use serde::Deserialize;
use tauri::State;

/// Most entries one page may ask for.
const MAX_PAGE: usize = 1000;

/// The query for one page of the panel (newest first).
pub fn page_query(
    limit: usize,
    before: Option<i64>,
    kind: Option<EntryKind>,
    tool: Option<String>,
    provider: Option<String>,
) -> LogQuery {
    let blank_to_none = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    LogQuery {
        before_seq: before,
        kind,
        tool: blank_to_none(tool),
        provider: blank_to_none(provider),
        limit: Some(limit.clamp(1, MAX_PAGE)),
        newest_first: true,
        ..LogQuery::default()
    }
}

/// `action_log` arguments: one page of the action log, newest first.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ActionLogArgs {
    /// Most entries to return (1 to 1000).
    pub limit: usize,
    /// Only entries with a lower `seq` (paging back); `null` = from the newest.
    pub before: Option<i64>,
    /// Only entries of this kind.
    pub kind: Option<EntryKind>,
    /// Only entries whose `detail.tool` is this tool.
    pub tool: Option<String>,
    /// Only entries whose `detail.provider` is this provider.
    pub provider: Option<String>,
}

/// `action_log`: the newest `limit` entries matching the filters, before `seq` when paging back.
#[tauri::command(rename_all = "snake_case")]
pub async fn action_log(
    state: State<'_, AppState>,
    args: ActionLogArgs,
) -> Result<Redacted<Vec<LogEntry>>, IpcError> {
    let ActionLogArgs {
        limit,
        before,
        kind,
        tool,
        provider,
    } = args;
    let gateway = gateway(&state);
    let entries = gateway
        .audit()
        .entries(page_query(limit, before, kind, tool, provider))
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_newest_first_bounded_and_ignore_blank_filters() {
        let query = page_query(0, Some(7), None, Some(" ".into()), Some("oai".into()));
        assert!(query.newest_first);
        assert_eq!(query.limit, Some(1));
        assert_eq!(query.before_seq, Some(7));
        assert_eq!(query.tool, None);
        assert_eq!(query.provider.as_deref(), Some("oai"));
        assert_eq!(
            page_query(1_000_000, None, None, None, None).limit,
            Some(MAX_PAGE)
        );
    }
}
