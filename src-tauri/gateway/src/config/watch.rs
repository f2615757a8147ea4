//! [`ConfigWatcher`]: picks up hand edits of `config.toml` while Hearth runs (debounced),
//! through [`LiveConfig::reload`]: a valid edit is put in force, an invalid one is rejected
//! with a `ConfigReloaded { error }` event and the previous settings stay.
//!
//! The folder is watched (not the file), so editors that replace the file by renaming are seen
//! too. On Linux the watch asks inotify only for finished writes, renames and deletions —
//! never for each `write`: the folder also holds `hearth.db`, whose WAL is written on every
//! action-log record, and waking two watcher threads for each of those writes would slow down
//! every local API request. Elsewhere `notify` (FSEvents, ...) is used.

use super::{ConfigError, LiveConfig};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the file must be quiet before it is re-read (editors write in several steps).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(300);

/// Watches the folder of a [`LiveConfig`]'s file; stops when dropped.
pub struct ConfigWatcher {
    live: LiveConfig,
    _backend: Backend,
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

    /// Starts watching `live`'s file; on Linux, needs a Tokio runtime.
    pub fn start_with_debounce(
        live: LiveConfig,
        debounce: Duration,
    ) -> Result<ConfigWatcher, ConfigError> {
        let path = live.path().to_path_buf();
        let dir = path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from("."));
        let file_name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        let target = live.clone();
        // Errors are announced on the bus by `reload`.
        let on_change = move || {
            let _ = target.reload();
        };
        let backend = Backend::start(&dir, file_name, debounce, on_change).map_err(|source| {
            ConfigError::Io {
                path: path.clone(),
                source,
            }
        })?;
        Ok(ConfigWatcher {
            live,
            _backend: backend,
        })
    }

    /// The configuration it keeps current.
    pub fn live(&self) -> &LiveConfig {
        &self.live
    }
}

/// inotify on the folder, for finished writes, renames and deletions only; a task on the
/// current Tokio runtime, aborted when dropped.
#[cfg(target_os = "linux")]
struct Backend {
    task: tokio::task::JoinHandle<()>,
}

#[cfg(target_os = "linux")]
impl Backend {
    fn start(
        dir: &Path,
        file_name: OsString,
        debounce: Duration,
        on_change: impl Fn() + Send + 'static,
    ) -> std::io::Result<Backend> {
        use futures::StreamExt;
        use inotify::{Inotify, WatchMask};
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| std::io::Error::other("the config watcher needs a Tokio runtime"))?;
        let _entered = runtime.enter();
        let mut inotify = Inotify::init()?;
        inotify.add_watch(
            dir,
            WatchMask::CLOSE_WRITE
                | WatchMask::MOVED_TO
                | WatchMask::MOVED_FROM
                | WatchMask::DELETE,
        )?;
        let mut events = inotify.event_stream([0u8; 4096])?;
        let is_config =
            move |event: &inotify::EventOwned| event.name.as_deref() == Some(&*file_name);
        let task = runtime.spawn(async move {
            let _inotify = inotify;
            loop {
                match events.next().await {
                    Some(Ok(event)) if is_config(&event) => {}
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => {
                        tracing::warn!(%error, "config watcher error");
                        return;
                    }
                    None => return,
                }
                // Quiet for `debounce` (editors write in several steps), then re-read.
                while let Ok(Some(_)) = tokio::time::timeout(debounce, events.next()).await {}
                on_change();
            }
        });
        Ok(Backend { task })
    }
}

#[cfg(target_os = "linux")]
impl Drop for Backend {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `notify`, debounced; stops when dropped.
#[cfg(not(target_os = "linux"))]
struct Backend {
    _debouncer: notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

#[cfg(not(target_os = "linux"))]
impl Backend {
    fn start(
        dir: &Path,
        file_name: OsString,
        debounce: Duration,
        on_change: impl Fn() + Send + 'static,
    ) -> std::io::Result<Backend> {
        use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult};
        let io = std::io::Error::other;
        let mut debouncer =
            new_debouncer(debounce, move |result: DebounceEventResult| match result {
                Ok(events) => {
                    if events
                        .iter()
                        .any(|e| e.path.file_name() == Some(&*file_name))
                    {
                        on_change();
                    }
                }
                Err(e) => tracing::warn!(error = %e, "config watcher error"),
            })
            .map_err(io)?;
        debouncer
            .watcher()
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(io)?;
        Ok(Backend {
            _debouncer: debouncer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventBus};

    /// A config file in a temporary folder, watched with a debounce of `debounce_ms`.
    struct Watched {
        dir: tempfile::TempDir,
        path: std::path::PathBuf,
        live: LiveConfig,
        events: tokio::sync::broadcast::Receiver<Event>,
        watcher: ConfigWatcher,
    }

    fn watched(debounce_ms: u64) -> Watched {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let live = LiveConfig::load(&path, EventBus::default()).unwrap();
        let events = live.bus().subscribe();
        let watcher =
            ConfigWatcher::start_with_debounce(live.clone(), Duration::from_millis(debounce_ms))
                .unwrap();
        Watched {
            dir,
            path,
            live,
            events,
            watcher,
        }
    }

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
        let Watched {
            dir: _dir,
            path,
            live,
            mut events,
            watcher,
        } = watched(100);

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

    async fn no_reload_within(
        events: &mut tokio::sync::broadcast::Receiver<Event>,
        wait: Duration,
    ) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(event) = tokio::time::timeout_at(deadline, events.recv()).await {
            if let Ok(Event::ConfigReloaded { error }) = event {
                panic!("unexpected reload (error: {error:?})");
            }
        }
    }

    #[tokio::test]
    async fn a_file_renamed_over_the_config_is_picked_up() {
        let Watched {
            dir,
            path,
            live: _live,
            mut events,
            watcher,
        } = watched(50);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace("allow = []", "allow = [\"shell.run(ls*)\"]");
        let temp = dir.path().join(".config.toml.tmp");
        std::fs::write(&temp, edited).unwrap();
        std::fs::rename(&temp, &path).unwrap();
        assert_eq!(next_reload(&mut events).await, None);
        assert_eq!(
            watcher.live().current().permissions.allow[0].to_string(),
            "shell.run(ls*)"
        );
    }

    #[tokio::test]
    async fn writes_to_other_files_in_the_folder_and_edits_after_drop_are_ignored() {
        let Watched {
            dir,
            path,
            live,
            mut events,
            watcher,
        } = watched(20);
        // Like SQLite's WAL: a file kept open and written again and again.
        {
            use std::io::Write;
            let mut wal = std::fs::File::create(dir.path().join("hearth.db-wal")).unwrap();
            for _ in 0..200 {
                wal.write_all(&[0u8; 4096]).unwrap();
            }
        }
        std::fs::write(dir.path().join("keys.json"), "{}").unwrap();
        no_reload_within(&mut events, Duration::from_millis(300)).await;

        drop(watcher);
        tokio::task::yield_now().await;
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("allow = []", "allow = [\"shell.run(pwd)\"]"),
        )
        .unwrap();
        no_reload_within(&mut events, Duration::from_millis(300)).await;
        assert!(live.current().permissions.allow.is_empty());
    }
}
