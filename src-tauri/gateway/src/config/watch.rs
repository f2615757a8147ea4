//! [`ConfigWatcher`]: picks up hand edits of `config.toml` while Hearth runs (`notify`,
//! debounced), through [`LiveConfig::reload`]: a valid edit is put in force, an invalid one is
//! rejected with a `ConfigReloaded { error }` event and the previous settings stay.

use super::{ConfigError, LiveConfig};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult, Debouncer};
use std::time::Duration;

/// How long the file must be quiet before it is re-read (editors write in several steps).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(300);

/// Watches the folder of a [`LiveConfig`]'s file; stops when dropped.
pub struct ConfigWatcher {
    live: LiveConfig,
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

impl std::fmt::Debug for ConfigWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigWatcher")
            .field("live", &self.live)
            .finish()
    }
}

impl ConfigWatcher {
    /// Starts watching `live`'s file with [`DEFAULT_DEBOUNCE`].
    pub fn start(live: LiveConfig) -> Result<ConfigWatcher, ConfigError> {
        ConfigWatcher::start_with_debounce(live, DEFAULT_DEBOUNCE)
    }

    /// Starts watching `live`'s file. The folder is watched (not the file), so editors that
    /// replace the file by renaming are seen too.
    pub fn start_with_debounce(
        live: LiveConfig,
        debounce: Duration,
    ) -> Result<ConfigWatcher, ConfigError> {
        let path = live.path().to_path_buf();
        let dir = path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        let file_name = path.file_name().map(|n| n.to_os_string());
        let io = |e: notify_debouncer_mini::notify::Error| ConfigError::Io {
            path: path.clone(),
            source: std::io::Error::other(e),
        };
        let target = live.clone();
        let mut debouncer = new_debouncer(debounce, move |result: DebounceEventResult| {
            match result {
                Ok(events) => {
                    let touched = events
                        .iter()
                        .any(|e| e.path.file_name().map(|n| n.to_os_string()) == file_name);
                    if touched {
                        // Errors are announced on the bus by `reload`.
                        let _ = target.reload();
                    }
                }
                Err(e) => tracing::warn!(error = %e, "config watcher error"),
            }
        })
        .map_err(io)?;
        debouncer
            .watcher()
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(io)?;
        Ok(ConfigWatcher {
            live,
            _debouncer: debouncer,
        })
    }

    /// The configuration it keeps current.
    pub fn live(&self) -> &LiveConfig {
        &self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventBus};

    async fn next_reload(events: &mut tokio::sync::broadcast::Receiver<Event>) -> Option<String> {
        loop {
            let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
                .await
                .expect("no reload event within 10 s")
                .unwrap();
            if let Event::ConfigReloaded { error } = event {
                return error;
            }
        }
    }

    #[tokio::test]
    async fn hand_edits_are_picked_up_and_invalid_ones_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let live = LiveConfig::load(&path, EventBus::default()).unwrap();
        let mut events = live.bus().subscribe();
        let watcher =
            ConfigWatcher::start_with_debounce(live.clone(), Duration::from_millis(100)).unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let valid = text.replace("allow = []", "allow = [\"shell.run(git status*)\"]");
        assert_ne!(valid, text);
        std::fs::write(&path, &valid).unwrap();
        assert_eq!(next_reload(&mut events).await, None);
        assert_eq!(
            watcher.live().current().permissions.allow[0].to_string(),
            "shell.run(git status*)"
        );

        let invalid = valid.replace(
            "allow = [\"shell.run(git status*)\"]",
            "allow = [\"shell.run(\"]",
        );
        std::fs::write(&path, invalid).unwrap();
        let error = next_reload(&mut events)
            .await
            .expect("an invalid edit is rejected");
        assert!(error.contains("shell.run("), "{error}");
        assert_eq!(
            live.current().permissions.allow[0].to_string(),
            "shell.run(git status*)",
            "the previous policy stays in force"
        );
    }
}
