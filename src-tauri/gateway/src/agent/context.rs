//! Personal context: every `*.md` file under the context folder, added to the system prompt
//! within a size budget, re-read when the folder changes (watched with `notify`). When the
//! configured folder or budget changes ([`ContextWatcher::start_following`]), the watcher is
//! re-pointed at once, without a restart.

use crate::config::{Config, LiveConfig};
use crate::events::Event;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use tokio::sync::broadcast::error::RecvError;

/// The loaded context: which files went in and the text to add to the system prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonalContext {
    /// The text added to the system prompt (empty when there is none).
    pub text: String,
    /// Files included, in order, relative to the folder.
    pub files: Vec<String>,
    /// Files left out (entirely or partly) because the budget ran out.
    pub truncated: Vec<String>,
}

impl PersonalContext {
    /// Reads every `*.md` under `folder` (sorted by path) into at most `budget` bytes. A missing
    /// folder is an empty context; unreadable files are skipped with a warning.
    pub fn load(folder: &Path, budget: usize) -> PersonalContext {
        let mut paths = Vec::new();
        collect_markdown(folder, &mut paths);
        paths.sort();
        let mut context = PersonalContext::default();
        for path in paths {
            let name = path
                .strip_prefix(folder)
                .unwrap_or(&path)
                .display()
                .to_string();
            let body = match std::fs::read_to_string(&path) {
                Ok(body) => body,
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "skipping unreadable context file");
                    continue;
                }
            };
            let section = format!("## {name}\n\n{}\n\n", body.trim());
            let room = budget.saturating_sub(context.text.len());
            if room == 0 {
                context.truncated.push(name);
                continue;
            }
            if section.len() > room {
                let cut = floor_char_boundary(&section, room);
                context.text.push_str(&section[..cut]);
                context.truncated.push(name.clone());
            } else {
                context.text.push_str(&section);
            }
            context.files.push(name);
        }
        context.text = context.text.trim_end().to_string();
        context
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_markdown(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The context folder `config` names (`~` expanded), or `default_folder` when it names none.
pub fn configured_folder(config: &Config, default_folder: &Path) -> PathBuf {
    config
        .context
        .folder
        .as_deref()
        .map(crate::tools::roots::expand_tilde)
        .unwrap_or_else(|| default_folder.to_path_buf())
}

/// Keeps a [`PersonalContext`] current: reloads it whenever a file under the folder changes, and
/// re-points itself when the folder changes ([`ContextWatcher::point_at`]).
pub struct ContextWatcher {
    shared: Arc<Shared>,
}

struct Shared {
    current: RwLock<PersonalContext>,
    /// Bumped (under the `current` write lock) each time the watcher is re-pointed: a change
    /// seen by an older watcher never overwrites the new folder's context.
    generation: AtomicU64,
    watched: Mutex<Watched>,
}

struct Watched {
    folder: PathBuf,
    budget: usize,
    _watcher: Option<RecommendedWatcher>,
}

impl ContextWatcher {
    /// Loads the folder now and watches it. If watching fails (e.g. no inotify), the context is
    /// still loaded once and a warning is logged.
    pub fn start(folder: PathBuf, budget: usize) -> ContextWatcher {
        let shared = Arc::new(Shared {
            current: RwLock::new(PersonalContext::default()),
            generation: AtomicU64::new(0),
            watched: Mutex::new(Watched {
                folder: folder.clone(),
                budget,
                _watcher: None,
            }),
        });
        let watcher = ContextWatcher { shared };
        watcher.repoint(folder, budget);
        watcher
    }

    /// Like [`ContextWatcher::start`] on the folder and budget `live` names (`default_folder`
    /// when it names none), then follows the configuration: a changed folder or budget re-points
    /// the watcher at once. Following needs a Tokio runtime; without one the folder is fixed.
    pub fn start_following(live: &LiveConfig, default_folder: PathBuf) -> ContextWatcher {
        let config = live.current();
        let watcher = ContextWatcher::start(
            configured_folder(&config, &default_folder),
            config.context.budget_bytes,
        );
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(follow(
                    Arc::downgrade(&watcher.shared),
                    live.clone(),
                    default_folder,
                ));
            }
            Err(_) => tracing::warn!("no runtime: the personal context folder is not followed"),
        }
        watcher
    }

    /// Watches `folder` with `budget` from now on (nothing happens when both are unchanged).
    pub fn point_at(&self, folder: PathBuf, budget: usize) {
        {
            let watched = self
                .shared
                .watched
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if watched.folder == folder && watched.budget == budget {
                return;
            }
        }
        tracing::info!(folder = %folder.display(), budget, "personal context folder re-pointed");
        self.repoint(folder, budget);
    }

    fn repoint(&self, folder: PathBuf, budget: usize) {
        let shared = &self.shared;
        let mut watched = shared.watched.lock().unwrap_or_else(|p| p.into_inner());
        let generation = {
            let _current = shared.current.write().unwrap_or_else(|p| p.into_inner());
            shared.generation.fetch_add(1, Ordering::SeqCst) + 1
        };
        // The old watcher goes first: its late events are ignored (older generation).
        watched._watcher = None;
        let watcher = watch(Arc::downgrade(shared), folder.clone(), budget, generation);
        let fresh = PersonalContext::load(&folder, budget);
        {
            let mut current = shared.current.write().unwrap_or_else(|p| p.into_inner());
            if shared.generation.load(Ordering::SeqCst) == generation {
                *current = fresh;
            }
        }
        *watched = Watched {
            folder,
            budget,
            _watcher: watcher,
        };
    }

    /// The context as last loaded.
    pub fn current(&self) -> PersonalContext {
        self.shared
            .current
            .read()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// The folder watched.
    pub fn folder(&self) -> PathBuf {
        self.shared
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .folder
            .clone()
    }
}

/// A `notify` watcher on `folder` that reloads the context of generation `generation`.
fn watch(
    shared: Weak<Shared>,
    folder: PathBuf,
    budget: usize,
    generation: u64,
) -> Option<RecommendedWatcher> {
    let watched = folder.clone();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if event.is_err() || shared.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let fresh = PersonalContext::load(&watched, budget);
        let mut current = shared.current.write().unwrap_or_else(|p| p.into_inner());
        if shared.generation.load(Ordering::SeqCst) == generation {
            *current = fresh;
        }
    })
    .and_then(|mut watcher| {
        watcher.watch(&folder, RecursiveMode::Recursive)?;
        Ok(watcher)
    });
    match watcher {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            tracing::warn!(folder = %folder.display(), %error, "personal context is not watched");
            None
        }
    }
}

/// Re-points the watcher behind `shared` whenever the configuration changes, until the watcher
/// is dropped or the bus closes.
async fn follow(shared: Weak<Shared>, live: LiveConfig, default_folder: PathBuf) {
    let mut events = live.bus().subscribe_config_reloads();
    loop {
        match events.recv().await {
            Ok(Event::ConfigReloaded { error: None }) | Err(RecvError::Lagged(_)) => {}
            Ok(_) => continue,
            Err(RecvError::Closed) => return,
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let config = live.current();
        let folder = configured_folder(&config, &default_folder);
        let budget = config.context.budget_bytes;
        // Loading reads files: off the async workers.
        let repointed = tokio::task::spawn_blocking(move || {
            ContextWatcher { shared }.point_at(folder, budget);
        });
        if let Err(error) = repointed.await {
            tracing::warn!(%error, "cannot re-point the personal context watcher");
        }
    }
}

/// The full system prompt: configured instructions, then the personal context.
pub fn system_prompt(instructions: Option<&str>, context: &PersonalContext) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(text) = instructions.filter(|t| !t.trim().is_empty()) {
        parts.push(text.trim().to_string());
    }
    if !context.text.is_empty() {
        parts.push(format!(
            "# Personal context (from the user's own notes)\n\n{}",
            context.text
        ));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_markdown_in_order_within_budget() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.md"), "second").unwrap();
        std::fs::write(dir.path().join("a.md"), "first").unwrap();
        std::fs::write(dir.path().join("skip.txt"), "not markdown").unwrap();
        let context = PersonalContext::load(dir.path(), 10_000);
        assert_eq!(context.files, vec!["a.md", "b.md"]);
        assert!(context.text.find("first").unwrap() < context.text.find("second").unwrap());
        assert!(!context.text.contains("not markdown"));

        let small = PersonalContext::load(dir.path(), 12);
        assert!(small.text.len() <= 12);
        assert!(!small.truncated.is_empty());
    }

    #[test]
    fn missing_folder_is_empty() {
        let context = PersonalContext::load(Path::new("/nonexistent/hearth-context"), 100);
        assert_eq!(context, PersonalContext::default());
        assert_eq!(system_prompt(None, &context), None);
    }

    #[test]
    fn watcher_picks_up_changes() {
        let dir = tempfile::tempdir().unwrap();
        let watcher = ContextWatcher::start(dir.path().to_path_buf(), 10_000);
        assert!(watcher.current().text.is_empty());
        std::fs::write(dir.path().join("me.md"), "I like tea").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !watcher.current().text.contains("tea") {
            assert!(std::time::Instant::now() < deadline, "change not seen");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    async fn wait_for_text(watcher: &ContextWatcher, text: &str) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !watcher.current().text.contains(text) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "'{text}' not seen in {:?}",
                watcher.current()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_folder_in_the_config_repoints_the_watcher_without_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (default, chosen) = (dir.path().join("default"), dir.path().join("chosen"));
        std::fs::create_dir_all(&default).unwrap();
        std::fs::create_dir_all(&chosen).unwrap();
        std::fs::write(default.join("old.md"), "I like tea").unwrap();
        std::fs::write(chosen.join("new.md"), "I like coffee").unwrap();
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, "").unwrap();
        let live = LiveConfig::load(&config_path, crate::events::EventBus::default()).unwrap();
        let watcher = ContextWatcher::start_following(&live, default.clone());
        assert_eq!(watcher.folder(), default);
        assert!(watcher.current().text.contains("tea"));

        let chosen_text = chosen.display().to_string();
        live.edit(|doc| {
            doc["context"]["folder"] = toml_edit::value(chosen_text);
            Ok(())
        })
        .unwrap();
        wait_for_text(&watcher, "coffee").await;
        assert_eq!(watcher.folder(), chosen);
        assert!(!watcher.current().text.contains("tea"));

        // The new folder is watched; the old one no longer counts.
        std::fs::write(default.join("ignored.md"), "I like milk").unwrap();
        std::fs::write(chosen.join("more.md"), "I like biscuits").unwrap();
        wait_for_text(&watcher, "biscuits").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!watcher.current().text.contains("milk"));

        // Back to the default folder when the setting is removed.
        live.edit(|doc| {
            if let Some(context) = doc["context"].as_table_like_mut() {
                context.remove("folder");
            }
            Ok(())
        })
        .unwrap();
        wait_for_text(&watcher, "milk").await;
        assert_eq!(watcher.folder(), default);
    }

    #[test]
    fn system_prompt_joins_instructions_and_context() {
        let context = PersonalContext {
            text: "## me.md\n\nI like tea".into(),
            files: vec!["me.md".into()],
            truncated: vec![],
        };
        let prompt = system_prompt(Some("Be brief."), &context).unwrap();
        assert!(prompt.starts_with("Be brief."));
        assert!(prompt.contains("I like tea"));
    }
}
