//! Data: export history (JSON, lossless; or Markdown, readable) into `<data dir>/exports/`, and
//! import a Hearth JSON export (existing conversations are skipped, never duplicated).

use super::{gateway, ipc, Redacted};
use crate::desktop::error::{ErrorKind, IpcError};
use crate::desktop::AppState;
use hearth_gateway::store::{to_markdown, ExportDocument, ImportReport};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tauri::State;

/// Largest file `import_history` reads.
const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Hearth's lossless JSON format.
    Json,
    /// Readable Markdown (the current branch of each conversation).
    Markdown,
}

/// `export_history`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportResult {
    /// The file written.
    pub path: String,
    /// How many conversations it holds.
    pub conversations: u32,
}

/// The file an export made at `stamp_ms` goes to.
pub fn export_path(data_dir: &Path, format: ExportFormat, stamp_ms: i64) -> PathBuf {
    let extension = match format {
        ExportFormat::Json => "json",
        ExportFormat::Markdown => "md",
    };
    data_dir
        .join("exports")
        .join(format!("hearth-export-{stamp_ms}.{extension}"))
}

/// `export_history` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ExportHistoryArgs {
    /// One conversation; `null` = all of them.
    pub id: Option<String>,
    /// The file format.
    pub format: ExportFormat,
}

/// `export_history`: one conversation (`id`) or all of them.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_history(
    state: State<'_, AppState>,
    args: ExportHistoryArgs,
) -> Result<Redacted<ExportResult>, IpcError> {
    let ExportHistoryArgs { id, format } = args;
    let gateway = gateway(&state);
    let document = gateway
        .store()
        .export(id.map(|id| vec![id]))
        .await
        .map_err(ipc(gateway))?;
    let text = match format {
        ExportFormat::Json => document.to_json().map_err(ipc(gateway))?,
        ExportFormat::Markdown => to_markdown(&document.conversations),
    };
    let path = export_path(gateway.data_dir().root(), format, document.exported_at);
    let io = |e: std::io::Error| {
        IpcError::new(
            ErrorKind::Storage,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    if let Some(parent) = path.parent() {
        hearth_gateway::paths::make_private_dir(parent)
            .map_err(|e| IpcError::new(ErrorKind::Storage, e.to_string()))?;
    }
    let target = path.clone();
    tokio::task::spawn_blocking(move || {
        hearth_gateway::paths::write_private_atomic(&target, text.as_bytes())
    })
    .await
    .map_err(|e| IpcError::new(ErrorKind::Internal, e.to_string()))?
    .map_err(io)?;
    let result = ExportResult {
        path: path.display().to_string(),
        conversations: u32::try_from(document.conversations.len()).unwrap_or(u32::MAX),
    };
    Redacted::new(gateway, &result)
}

/// `import_history` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ImportHistoryArgs {
    /// A Hearth JSON export on this machine.
    pub path: String,
}

/// `import_history`: reads a Hearth JSON export.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_history(
    state: State<'_, AppState>,
    args: ImportHistoryArgs,
) -> Result<Redacted<ImportReport>, IpcError> {
    let ImportHistoryArgs { path } = args;
    let gateway = gateway(&state);
    let file = PathBuf::from(path.trim());
    let read = file.clone();
    let text = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let size = std::fs::metadata(&read)?.len();
        if size > MAX_IMPORT_BYTES {
            return Err(std::io::Error::other("the file is larger than 512 MiB"));
        }
        std::fs::read_to_string(&read)
    })
    .await
    .map_err(|e| IpcError::new(ErrorKind::Internal, e.to_string()))?
    .map_err(|e| IpcError::invalid(format!("cannot read {}: {e}", file.display())))?;
    let document = ExportDocument::from_json(&text).map_err(ipc(gateway))?;
    let report = gateway
        .store()
        .import(document)
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_go_under_the_data_dir_with_the_format_extension() {
        let path = export_path(Path::new("/d"), ExportFormat::Markdown, 42);
        assert_eq!(path, Path::new("/d/exports/hearth-export-42.md"));
        let path = export_path(Path::new("/d"), ExportFormat::Json, 1);
        assert!(path.ends_with("hearth-export-1.json"));
    }
}
