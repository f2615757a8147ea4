//! Config changes in the action log: every configuration put in force (an edit from the UI or
//! the CLI, or a hand edit picked up live) is compared with the previous one, and each changed
//! setting is recorded; a rejected edit is recorded too.

use crate::audit::{
    to_detail, ActionLog, Actor, ConfigChangeDetail, EntryStatus, NewEntry, Outcome,
};
use crate::config::{Config, LiveConfig};
use crate::events::Event;
use std::sync::Arc;

/// Longest value text kept in an entry.
const MAX_VALUE_CHARS: usize = 200;

/// The settings that differ between two configurations, as `(path, from, to)`, compared per
/// `section.key` (values as TOML text).
pub fn changed_settings(
    before: &Config,
    after: &Config,
) -> Vec<(String, Option<String>, Option<String>)> {
    let as_table = |config: &Config| {
        toml::Value::try_from(config)
            .ok()
            .and_then(|v| v.as_table().cloned())
            .unwrap_or_default()
    };
    let (old, new) = (as_table(before), as_table(after));
    let mut changes = Vec::new();
    let mut sections: Vec<&String> = old.keys().chain(new.keys()).collect();
    sections.sort();
    sections.dedup();
    for section in sections {
        let empty = toml::Table::new();
        let entries = |table: &toml::Table| match table.get(section) {
            Some(toml::Value::Table(t)) => t.clone(),
            Some(other) => {
                let mut t = toml::Table::new();
                t.insert(String::new(), other.clone());
                t
            }
            None => empty.clone(),
        };
        let (a, b) = (entries(&old), entries(&new));
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let (x, y) = (a.get(key), b.get(key));
            if x != y {
                let path = if key.is_empty() {
                    section.clone()
                } else {
                    format!("{section}.{key}")
                };
                changes.push((path, x.map(short), y.map(short)));
            }
        }
    }
    changes
}

fn short(value: &toml::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Where the owning process keeps the configuration it last saw, to log changes made while no
/// Hearth process was watching (e.g. `hearth tool set` with the app closed).
fn seen_path(live: &LiveConfig) -> std::path::PathBuf {
    live.path().with_file_name(".config-seen.toml")
}

/// Records every setting that differs between the configuration last seen and `current`.
async fn record_changes(audit: &ActionLog, before: &Config, current: &Config, via: &str) {
    for (setting, from, to) in changed_settings(before, current) {
        let entry = NewEntry::config_change(
            Actor::User,
            ConfigChangeDetail {
                setting,
                from,
                to,
                via: via.into(),
            },
        );
        let detail = to_detail(&serde_json::json!({}));
        if let Err(e) = audit.record(entry, Outcome::ok("in force", detail)).await {
            tracing::error!(error = %e, "cannot record a config change");
        }
    }
}

/// Remembers `config` as the last one seen (a private copy beside config.toml).
fn remember(live: &LiveConfig, config: &Config) {
    if let Ok(text) = toml::to_string(config) {
        if let Err(error) = crate::paths::write_private_atomic(&seen_path(live), text.as_bytes()) {
            tracing::warn!(%error, "cannot remember the configuration in force");
        }
    }
}

/// Records the changes made while no process watched (against the copy last seen) and
/// remembers the configuration in force, which it returns.
async fn record_offline_changes(live: &LiveConfig, audit: &ActionLog) -> Arc<Config> {
    let current: Arc<Config> = live.current();
    // No copy yet: the first start on this data dir. What was set before it (e.g. `hearth
    // provider add` before the first `hearth serve`) is logged against the defaults.
    let (seen, via) = match std::fs::read_to_string(seen_path(live)) {
        Ok(text) => (
            toml::from_str::<Config>(&text).ok(),
            "config.toml (while Hearth was not running)",
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => (
            Some(Config::default()),
            "config.toml (before Hearth first ran)",
        ),
        Err(_) => (None, ""),
    };
    if let Some(seen) = seen {
        record_changes(audit, &seen, &current, via).await;
    }
    remember(live, &current);
    current
}

/// Records config changes until the bus closes: first those made while no process watched
/// (against the copy last seen), then every change announced on the bus. Run it in the process
/// that owns the data (the app, `hearth serve`).
pub async fn record_config_changes(live: LiveConfig, audit: ActionLog) {
    let mut events = live.bus().subscribe_config_reloads();
    let mut previous = record_offline_changes(&live, &audit).await;
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        let Event::ConfigReloaded { error } = event else {
            continue;
        };
        if let Some(error) = error {
            let entry = NewEntry::config_change(
                Actor::User,
                ConfigChangeDetail {
                    setting: "config.toml".into(),
                    from: None,
                    to: None,
                    via: "file".into(),
                },
            );
            let outcome =
                Outcome::with_status(EntryStatus::Denied, format!("edit rejected: {error}"));
            if let Err(e) = audit.record(entry, outcome).await {
                tracing::error!(error = %e, "cannot record a rejected config edit");
            }
            continue;
        }
        let current = live.current();
        record_changes(&audit, &previous, &current, "config.toml").await;
        remember(&live, &current);
        previous = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_settings_names_each_difference() {
        let before = Config::default();
        let mut after = Config::default();
        after.permissions.paused = true;
        after.server.listen = "127.0.0.1:9".into();
        let changes = changed_settings(&before, &after);
        let paths: Vec<&str> = changes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(paths, vec!["permissions.paused", "server.listen"]);
        assert_eq!(changes[0].1.as_deref(), Some("false"));
        assert_eq!(changes[0].2.as_deref(), Some("true"));
        assert!(changed_settings(&before, &before).is_empty());
    }

    #[tokio::test]
    async fn edits_and_rejections_reach_the_action_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let bus = crate::events::EventBus::default();
        let live = LiveConfig::load(&path, bus.clone()).unwrap();
        let store = crate::store::Store::open(&dir.path().join("h.db")).unwrap();
        let audit = ActionLog::new(store, crate::keys::Redactor::new());
        let task = tokio::spawn(record_config_changes(live.clone(), audit.clone()));
        tokio::task::yield_now().await;
        live.edit(|doc| {
            crate::config::edit::table_mut(doc, "permissions")["paused"] = toml_edit::value(true);
            Ok(())
        })
        .unwrap();
        bus.publish(Event::ConfigReloaded {
            error: Some("bad line 3".into()),
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let entries = audit
                .entries(crate::audit::LogQuery::default())
                .await
                .unwrap();
            let text = serde_json::to_string(&entries).unwrap();
            if text.contains("permissions.paused") && text.contains("bad line 3") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "not recorded: {text}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        task.abort();

        // A change made while nobody watched is logged at the next start.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("max_steps = 16", "max_steps = 5");
        std::fs::write(&path, text).unwrap();
        let live = LiveConfig::load(&path, crate::events::EventBus::default()).unwrap();
        let task = tokio::spawn(record_config_changes(live, audit.clone()));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let entries = audit
                .entries(crate::audit::LogQuery::default())
                .await
                .unwrap();
            if serde_json::to_string(&entries)
                .unwrap()
                .contains("general.max_steps")
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "offline change not recorded"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        task.abort();
    }

    async fn config_changes(audit: &ActionLog) -> Vec<crate::audit::LogEntry> {
        let query = crate::audit::LogQuery {
            kind: Some(crate::audit::EntryKind::ConfigChange),
            ..Default::default()
        };
        audit.entries(query).await.unwrap()
    }

    #[tokio::test]
    async fn settings_made_before_the_first_start_are_logged_once_against_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let store = crate::store::Store::open(&dir.path().join("h.db")).unwrap();
        let audit = ActionLog::new(store, crate::keys::Redactor::new());

        // A fresh data dir: nothing differs from the defaults, nothing is logged.
        let live = LiveConfig::load(&path, crate::events::EventBus::default()).unwrap();
        record_offline_changes(&live, &audit).await;
        assert!(config_changes(&audit).await.is_empty());

        // Another fresh data dir where a provider was added before the first start.
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let path = other.join("config.toml");
        let live = LiveConfig::load(&path, crate::events::EventBus::default()).unwrap();
        live.edit(|doc| {
            let providers = crate::config::edit::table_mut(doc, "providers");
            providers["up"] = toml_edit::table();
            providers["up"]["kind"] = toml_edit::value("openai-compatible");
            providers["up"]["base_url"] = toml_edit::value("http://127.0.0.1:9/v1");
            Ok(())
        })
        .unwrap();
        let live = LiveConfig::load(&path, crate::events::EventBus::default()).unwrap();
        record_offline_changes(&live, &audit).await;
        let entries = config_changes(&audit).await;
        let text = serde_json::to_string(&entries).unwrap();
        assert_eq!(entries.len(), 1, "{text}");
        assert!(text.contains("providers.up"), "{text}");
        assert!(text.contains("before Hearth first ran"), "{text}");

        // The next start has the copy: nothing new.
        record_offline_changes(&live, &audit).await;
        assert_eq!(config_changes(&audit).await.len(), 1);
    }
}
