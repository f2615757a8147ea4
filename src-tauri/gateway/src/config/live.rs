//! [`LiveConfig`]: the configuration in force, shared by every part that reads settings while
//! Hearth runs, with the side effects of a change (the "pause agent" switch cancels running
//! tools). Changes come from [`LiveConfig::edit`] (CLI, UI) or from
//! [`super::watch::ConfigWatcher`] (hand edits).

use super::{edit::edit_config, Config, ConfigError};
use crate::events::{Event, EventBus};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tokio_util::sync::CancellationToken;

/// The configuration in force. Cheap to clone; every clone sees the same state.
#[derive(Clone)]
pub struct LiveConfig {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    current: RwLock<Arc<Config>>,
    bus: EventBus,
    /// Serialises edits (read-modify-write of the file).
    edit_lock: Mutex<()>,
    /// Parent of every running tool's cancellation token; cancelled and replaced on pause.
    run_epoch: Mutex<CancellationToken>,
}

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveConfig")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl LiveConfig {
    /// Loads `path` (writing the default template first if it is missing).
    pub fn load(path: &Path, bus: EventBus) -> Result<LiveConfig, ConfigError> {
        let config = Config::load_or_init(path)?;
        Ok(LiveConfig::new(path.to_path_buf(), config, bus))
    }

    /// Wraps an already-loaded `config` read from `path`.
    pub fn new(path: PathBuf, config: Config, bus: EventBus) -> LiveConfig {
        LiveConfig {
            inner: Arc::new(Inner {
                path,
                current: RwLock::new(Arc::new(config)),
                bus,
                edit_lock: Mutex::new(()),
                run_epoch: Mutex::new(CancellationToken::new()),
            }),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The bus changes are announced on.
    pub fn bus(&self) -> &EventBus {
        &self.inner.bus
    }

    /// The configuration in force (a snapshot; later changes do not alter it).
    pub fn current(&self) -> Arc<Config> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether the "pause agent" switch is on.
    pub fn is_paused(&self) -> bool {
        self.current().permissions.paused
    }

    /// A token for one tool run: cancelled when the agent is paused (or the parent epoch ends).
    /// Pass it in `ToolContext`; derive it from the turn's own token with
    /// [`LiveConfig::run_token_for`] when the turn can also be stopped.
    pub fn run_token(&self) -> CancellationToken {
        self.inner
            .run_epoch
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .child_token()
    }

    /// A token cancelled when either the agent is paused or `turn` is cancelled. It spawns a
    /// small watcher task that ends only when one of the two is cancelled, so cancel `turn` when
    /// the turn ends — or use `crate::tools::run_tool`, which needs no watcher.
    pub fn run_token_for(&self, turn: &CancellationToken) -> CancellationToken {
        let token = turn.child_token();
        let pause = self.run_token();
        let linked = token.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = pause.cancelled() => linked.cancel(),
                _ = linked.cancelled() => {}
            }
        });
        token
    }

    /// Changes the file with a comment-preserving edit, validates it, writes it, and puts the
    /// result in force at once (the watcher then sees no difference). On error nothing changes.
    pub fn edit(
        &self,
        change: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<(), ConfigError>,
    ) -> Result<Arc<Config>, ConfigError> {
        let _guard = self
            .inner
            .edit_lock
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let config = edit_config(&self.inner.path, change)?;
        self.apply(config);
        self.inner
            .bus
            .publish(Event::ConfigReloaded { error: None });
        Ok(self.current())
    }

    /// Re-reads the file. A valid, different configuration is put in force and announced
    /// (`Ok(true)`); an identical one, or an empty file (an editor mid-save), changes nothing
    /// (`Ok(false)`); an invalid one is rejected,
    /// announced with its reason, and the previous configuration stays in force.
    pub fn reload(&self) -> Result<bool, ConfigError> {
        let _guard = self
            .inner
            .edit_lock
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let text = std::fs::read_to_string(&self.inner.path).map_err(|source| ConfigError::Io {
            path: self.inner.path.clone(),
            source,
        });
        // An empty file is what an editor leaves between truncating and writing; taking it as
        // "all defaults" would drop every deny rule for a moment. Wait for the real content.
        if matches!(&text, Ok(text) if text.trim().is_empty()) {
            tracing::warn!(path = %self.inner.path.display(), "config file is empty; keeping the previous settings");
            return Ok(false);
        }
        let parsed = text.and_then(|text| Config::parse(&text, &self.inner.path));
        match parsed {
            Ok(config) => {
                if *self.current() == config {
                    return Ok(false);
                }
                self.apply(config);
                self.inner
                    .bus
                    .publish(Event::ConfigReloaded { error: None });
                tracing::info!(path = %self.inner.path.display(), "configuration reloaded");
                Ok(true)
            }
            Err(e) => {
                let message = format!("{e}; the previous settings stay in force");
                tracing::warn!(%message, "configuration reload rejected");
                self.inner.bus.publish(Event::ConfigReloaded {
                    error: Some(message),
                });
                Err(e)
            }
        }
    }

    /// Puts `config` in force and applies the side effects of what changed.
    fn apply(&self, config: Config) {
        let paused = config.permissions.paused;
        let was_paused = {
            let mut current = self
                .inner
                .current
                .write()
                .unwrap_or_else(|p| p.into_inner());
            let was = current.permissions.paused;
            *current = Arc::new(config);
            was
        };
        if paused && !was_paused {
            let mut epoch = self
                .inner
                .run_epoch
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            epoch.cancel();
            *epoch = CancellationToken::new();
        }
        if paused != was_paused {
            self.inner.bus.publish(Event::AgentPaused { paused });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> (tempfile::TempDir, LiveConfig) {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveConfig::load(&dir.path().join("config.toml"), EventBus::default()).unwrap();
        (dir, live)
    }

    #[tokio::test]
    async fn pausing_cancels_running_tokens_and_is_announced() {
        let (_dir, live) = live();
        let mut events = live.bus().subscribe();
        let running = live.run_token();
        let turn = CancellationToken::new();
        let linked = live.run_token_for(&turn);
        live.edit(|doc| {
            super::super::edit::table_mut(doc, "permissions")["paused"] = toml_edit::value(true);
            Ok(())
        })
        .unwrap();
        assert!(live.is_paused());
        assert!(running.is_cancelled());
        tokio::time::timeout(std::time::Duration::from_secs(5), linked.cancelled())
            .await
            .unwrap();
        assert!(
            !live.run_token().is_cancelled(),
            "new runs get a fresh token"
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Event::AgentPaused { paused: true }
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Event::ConfigReloaded { error: None }
        );
    }

    #[test]
    fn an_invalid_file_is_rejected_and_the_old_config_stays() {
        let (_dir, live) = live();
        let mut events = live.bus().subscribe();
        std::fs::write(live.path(), "[tools]\nshell_timeout_secs = \"soon\"\n").unwrap();
        assert!(live.reload().is_err());
        assert_eq!(live.current().tools.shell_timeout_secs, 60);
        match events.try_recv().unwrap() {
            Event::ConfigReloaded {
                error: Some(message),
            } => {
                assert!(message.contains("shell_timeout_secs"), "{message}");
                assert!(
                    message.contains("previous settings stay in force"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(live.path(), "[tools]\nshell_timeout_secs = 5\n").unwrap();
        assert!(live.reload().unwrap());
        assert_eq!(live.current().tools.shell_timeout_secs, 5);
        assert!(!live.reload().unwrap(), "unchanged file: nothing to do");
        std::fs::write(live.path(), "").unwrap();
        assert!(
            !live.reload().unwrap(),
            "an empty file is not taken as all defaults"
        );
        assert_eq!(live.current().tools.shell_timeout_secs, 5);
    }
}
