//! The files tools: `files.list`, `files.read`, `files.search`, `files.write`, `files.edit`.
//! All of them resolve every path through [`super::roots::Roots`], so they never reach outside
//! the configured roots.

mod diff;
mod edit;
mod list;
mod read;
mod search;
mod write;

pub use diff::unified_diff;
pub use edit::FilesEdit;
pub use list::FilesList;
pub use read::FilesRead;
pub use search::FilesSearch;
pub use write::FilesWrite;

use super::roots::{Access, Resolved, Roots};
use super::{Subject, ToolError};
use crate::config::LiveConfig;
use std::path::Path;

/// Bytes looked at to decide whether a file is binary.
const SNIFF_BYTES: usize = 8 * 1024;

/// The largest file `files.edit` rewrites.
const EDIT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The roots in force now.
fn roots(live: &LiveConfig) -> Roots {
    Roots::from_config(&live.current().tools)
}

/// Resolves `raw` for `access` against the roots in force.
fn resolve(live: &LiveConfig, raw: &str, access: Access) -> Result<Resolved, ToolError> {
    Ok(roots(live).resolve(raw, access)?)
}

/// The rule subject of a path argument: the resolved path, or `None` if it does not resolve.
fn path_subject(live: &LiveConfig, raw: Option<&str>, access: Access) -> Option<Subject> {
    let raw = raw?;
    roots(live)
        .resolve(raw, access)
        .ok()
        .map(|r| Subject::Path(r.path))
}

/// The untrusted-source label of a path argument, if it resolves inside an untrusted root.
fn path_untrusted(live: &LiveConfig, raw: &str) -> Option<String> {
    let resolved = roots(live).resolve(raw, Access::Existing).ok()?;
    untrusted_label(&resolved)
}

/// The untrusted-source label for a file in an untrusted root.
fn untrusted_label(resolved: &Resolved) -> Option<String> {
    resolved
        .untrusted
        .then(|| format!("file {} (untrusted folder)", resolved.path.display()))
}

/// Whether these leading bytes look binary (a NUL byte).
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0)
}

/// Reads a whole text file for editing (size-limited, binary refused).
fn read_text_for_edit(path: &Path) -> Result<String, ToolError> {
    let io = |action, source| ToolError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| io("cannot read", e))?;
    if !meta.is_file() {
        return Err(ToolError::Path(super::roots::PathError::WrongKind {
            path: path.display().to_string(),
            what: "not a regular file",
        }));
    }
    if meta.len() > EDIT_MAX_BYTES {
        return Err(ToolError::EditMismatch(format!(
            "{} is {} bytes; files larger than {EDIT_MAX_BYTES} bytes cannot be edited",
            path.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io("cannot read", e))?;
    if looks_binary(&bytes) {
        return Err(ToolError::Binary(path.to_path_buf()));
    }
    String::from_utf8(bytes).map_err(|_| ToolError::Binary(path.to_path_buf()))
}

/// Writes `contents` to `path` atomically (a temporary file in the same folder, then a rename),
/// keeping an existing file's permissions and creating missing parent folders.
fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), ToolError> {
    use std::io::Write;
    let io = |action, source| ToolError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().ok_or_else(|| {
        ToolError::Path(super::roots::PathError::Invalid(path.display().to_string()))
    })?;
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create the folder for", e))?;
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let tmp = dir.join(format!(
        ".{}.hearth-tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&tmp, permissions)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| io("cannot write", e))
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A temp root and a [`LiveConfig`] pointing at it.

    use crate::config::{Config, LiveConfig, ToolsConfig};
    use crate::events::EventBus;
    use std::path::PathBuf;

    /// A temp directory with `root/` (trusted), `untrusted/` and `outside/`.
    pub struct Sandbox {
        pub _dir: tempfile::TempDir,
        pub root: PathBuf,
        pub untrusted: PathBuf,
        pub outside: PathBuf,
        pub live: LiveConfig,
    }

    pub fn sandbox_with(tools: impl FnOnce(&mut ToolsConfig)) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let root = base.join("root");
        let untrusted = base.join("untrusted");
        let outside = base.join("outside");
        for d in [&root, &untrusted, &outside] {
            std::fs::create_dir_all(d).unwrap();
        }
        let mut config = Config::default();
        config.tools.roots = vec![root.clone()];
        config.tools.untrusted_roots = vec![untrusted.clone()];
        tools(&mut config.tools);
        let live = LiveConfig::new(base.join("config.toml"), config, EventBus::default());
        Sandbox {
            _dir: dir,
            root,
            untrusted,
            outside,
            live,
        }
    }

    pub fn sandbox() -> Sandbox {
        sandbox_with(|_| {})
    }
}
