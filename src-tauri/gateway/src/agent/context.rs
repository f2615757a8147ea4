//! Personal context: every `*.md` file under the context folder, added to the system prompt
//! within a size budget, re-read when the folder changes (watched with `notify`).

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

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

/// Keeps a [`PersonalContext`] current: reloads it whenever a file under the folder changes.
pub struct ContextWatcher {
    current: Arc<RwLock<PersonalContext>>,
    folder: PathBuf,
    _watcher: Option<RecommendedWatcher>,
}

impl ContextWatcher {
    /// Loads the folder now and watches it. If watching fails (e.g. no inotify), the context is
    /// still loaded once and a warning is logged.
    pub fn start(folder: PathBuf, budget: usize) -> ContextWatcher {
        let current = Arc::new(RwLock::new(PersonalContext::load(&folder, budget)));
        let shared = current.clone();
        let watched = folder.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok() {
                let fresh = PersonalContext::load(&watched, budget);
                if let Ok(mut slot) = shared.write() {
                    *slot = fresh;
                }
            }
        })
        .and_then(|mut watcher| {
            watcher.watch(&folder, RecursiveMode::Recursive)?;
            Ok(watcher)
        });
        let watcher = match watcher {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::warn!(folder = %folder.display(), %error, "personal context is not watched");
                None
            }
        };
        ContextWatcher {
            current,
            folder,
            _watcher: watcher,
        }
    }

    /// The context as last loaded.
    pub fn current(&self) -> PersonalContext {
        self.current.read().map(|c| c.clone()).unwrap_or_default()
    }

    /// The folder watched.
    pub fn folder(&self) -> &Path {
        &self.folder
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
