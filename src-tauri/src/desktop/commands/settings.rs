//! Settings: what `config.toml` holds that the window edits (roots, personal context, close to
//! tray, local API) plus the appearance preference (kept in the UI preference store).

use super::{gateway, ipc, Redacted};
use crate::desktop::error::{ErrorKind, IpcError};
use crate::desktop::AppState;
use hearth_gateway::config::edit::table_mut;
use hearth_gateway::config::{Config, ConfigError};
use hearth_gateway::Gateway;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_store::StoreExt;

/// The UI preference file (tauri-plugin-store) under the app's data folder.
pub const PREFERENCES_FILE: &str = "preferences.json";
/// The key of the appearance preference in [`PREFERENCES_FILE`].
const APPEARANCE_KEY: &str = "appearance";

/// Light, dark, or following the system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Appearance {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// A file loaded from the personal context folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContextFile {
    /// Its path relative to the folder.
    pub path: String,
    /// Its size on disk.
    pub bytes: u64,
}

/// The local API, read-only here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LocalApi {
    /// Whether `hearth serve` starts with the app.
    pub enabled: bool,
    /// Where it listens.
    pub address: String,
}

/// `get_settings` / `set_settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Settings {
    /// Folders the files and shell tools may touch.
    pub roots: Vec<String>,
    /// The personal context folder (every `*.md` is loaded).
    pub context_folder: String,
    /// Size budget of the personal context, in bytes.
    pub context_budget_bytes: u64,
    /// Files currently loaded from the context folder.
    pub context_files: Vec<ContextFile>,
    /// Light, dark or system.
    pub appearance: Appearance,
    /// Keep running in the tray when the main window closes.
    pub close_to_tray: bool,
    /// The "pause agent" switch.
    pub paused: bool,
    /// The local API (read-only).
    pub local_api: LocalApi,
    /// Where data lives (read-only).
    pub data_dir: String,
}

/// `set_settings`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct SettingsPatch {
    /// New roots.
    pub roots: Option<Vec<String>>,
    /// New context folder.
    pub context_folder: Option<String>,
    /// New context budget.
    pub context_budget_bytes: Option<u64>,
    /// New appearance.
    pub appearance: Option<Appearance>,
    /// Keep running in the tray on close.
    pub close_to_tray: Option<bool>,
    /// Start the local API with the app.
    pub local_api_enabled: Option<bool>,
}

impl SettingsPatch {
    /// Whether any `config.toml` field changes.
    fn touches_config(&self) -> bool {
        self.roots.is_some()
            || self.context_folder.is_some()
            || self.context_budget_bytes.is_some()
            || self.close_to_tray.is_some()
            || self.local_api_enabled.is_some()
    }
}

/// Writes the config part of `patch` into the document (comments kept).
pub fn apply_patch(
    doc: &mut toml_edit::DocumentMut,
    patch: &SettingsPatch,
) -> Result<(), ConfigError> {
    if let Some(roots) = &patch.roots {
        let mut array = toml_edit::Array::new();
        for root in roots.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            array.push(root);
        }
        table_mut(doc, "tools")["roots"] = toml_edit::value(array);
    }
    if let Some(folder) = &patch.context_folder {
        let context = table_mut(doc, "context");
        if folder.trim().is_empty() {
            context.remove("folder");
        } else {
            context["folder"] = toml_edit::value(folder.trim());
        }
    }
    if let Some(budget) = patch.context_budget_bytes {
        let budget = i64::try_from(budget)
            .map_err(|_| ConfigError::Rejected("the context budget is too large".into()))?;
        table_mut(doc, "context")["budget_bytes"] = toml_edit::value(budget);
    }
    if let Some(close) = patch.close_to_tray {
        table_mut(doc, "general")["close_to_tray"] = toml_edit::value(close);
    }
    if let Some(enabled) = patch.local_api_enabled {
        table_mut(doc, "server")["enabled"] = toml_edit::value(enabled);
    }
    Ok(())
}

/// The personal context folder in force.
fn context_folder(gateway: &Gateway, config: &Config) -> PathBuf {
    config
        .context
        .folder
        .as_deref()
        .map(hearth_gateway::tools::roots::expand_tilde)
        .unwrap_or_else(|| gateway.data_dir().context_dir())
}

fn context_files(folder: &Path, names: &[String]) -> Vec<ContextFile> {
    names
        .iter()
        .map(|name| ContextFile {
            bytes: std::fs::metadata(folder.join(name))
                .map(|m| m.len())
                .unwrap_or(0),
            path: name.clone(),
        })
        .collect()
}

/// The appearance saved in the preference store (system when unset or unreadable).
pub fn appearance<R: Runtime>(app: &AppHandle<R>) -> Appearance {
    app.store(PREFERENCES_FILE)
        .ok()
        .and_then(|store| store.get(APPEARANCE_KEY))
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}

fn save_appearance<R: Runtime>(app: &AppHandle<R>, appearance: Appearance) -> Result<(), IpcError> {
    let store = app
        .store(PREFERENCES_FILE)
        .map_err(|e| IpcError::new(ErrorKind::Internal, format!("cannot open preferences: {e}")))?;
    store.set(APPEARANCE_KEY, serde_json::to_value(appearance)?);
    store
        .save()
        .map_err(|e| IpcError::new(ErrorKind::Internal, format!("cannot save preferences: {e}")))
}

/// The settings as the window shows them.
pub fn current_settings(gateway: &Gateway, appearance: Appearance) -> Settings {
    let config = gateway.config();
    let folder = context_folder(gateway, &config);
    let context = gateway.personal_context();
    Settings {
        roots: config
            .tools
            .roots
            .iter()
            .map(|r| r.display().to_string())
            .collect(),
        context_folder: folder.display().to_string(),
        context_budget_bytes: config.context.budget_bytes as u64,
        context_files: context_files(&folder, &context.files),
        appearance,
        close_to_tray: config.general.close_to_tray,
        paused: config.permissions.paused,
        local_api: LocalApi {
            enabled: config.server.enabled,
            address: config.server.listen.clone(),
        },
        data_dir: gateway.data_dir().root().display().to_string(),
    }
}

/// `get_settings`.
#[tauri::command(rename_all = "snake_case")]
pub async fn get_settings(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Redacted<Settings>, IpcError> {
    let gateway = gateway(&state);
    Redacted::new(gateway, &current_settings(gateway, appearance(&app)))
}

/// `set_settings` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetSettingsArgs {
    /// The fields to change.
    pub patch: SettingsPatch,
}

/// `set_settings`: applies the fields present and returns the new settings.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    args: SetSettingsArgs,
) -> Result<Redacted<Settings>, IpcError> {
    let SetSettingsArgs { patch } = args;
    let gateway = gateway(&state);
    if patch.touches_config() {
        gateway
            .live_config()
            .edit(|doc| apply_patch(doc, &patch))
            .map_err(ipc(gateway))?;
    }
    if let Some(appearance) = patch.appearance {
        save_appearance(&app, appearance)?;
    }
    Redacted::new(gateway, &current_settings(gateway, appearance(&app)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_edits_only_what_it_names() {
        let mut doc: toml_edit::DocumentMut = "# mine\n[general]\nclose_to_tray = false\n"
            .parse()
            .unwrap();
        let patch = SettingsPatch {
            roots: Some(vec!["~/notes".into(), " ".into()]),
            close_to_tray: Some(true),
            context_budget_bytes: Some(4096),
            ..SettingsPatch::default()
        };
        apply_patch(&mut doc, &patch).unwrap();
        let text = doc.to_string();
        assert!(text.contains("# mine"));
        let config = Config::parse(&text, Path::new("config.toml")).unwrap();
        assert!(config.general.close_to_tray);
        assert_eq!(config.tools.roots, [PathBuf::from("~/notes")]);
        assert_eq!(config.context.budget_bytes, 4096);
        assert!(!config.server.enabled);
        assert!(!text.contains("[server]"));
    }

    #[test]
    fn a_patch_deserialises_from_partial_json() {
        let patch: SettingsPatch =
            serde_json::from_value(serde_json::json!({"appearance": "dark"})).unwrap();
        assert_eq!(patch.appearance, Some(Appearance::Dark));
        assert!(!patch.touches_config());
    }
}
