//! Where Hearth keeps its data, and making that place private (directories 0700, files 0600).

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory.
pub const HOME_ENV: &str = "HEARTH_HOME";

/// Errors finding or preparing the data directory.
#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    /// No OS data directory could be found and none was given.
    #[error("cannot find a data directory: set HEARTH_HOME or pass --data-dir")]
    NoDataDir,
    /// Creating or securing a directory failed.
    #[error("cannot prepare {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The data directory and the well-known files inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Resolves the data directory: an explicit path, else `HEARTH_HOME`, else the OS app-data
    /// directory (`$XDG_DATA_HOME/hearth` on Linux, `~/Library/Application Support/hearth` on
    /// macOS). Nothing is created yet.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self, PathsError> {
        if let Some(path) = explicit {
            return Ok(Self::at(path));
        }
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::at(Path::new(&home)));
        }
        let base = dirs::data_dir().ok_or(PathsError::NoDataDir)?;
        Ok(Self::at(&base.join("hearth")))
    }

    /// A data directory at exactly this path.
    pub fn at(path: &Path) -> Self {
        let root = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|cwd| cwd.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        DataDir { root }
    }

    /// Creates the directory tree (0700) if missing and tightens permissions if too open.
    pub fn ensure(&self) -> Result<(), PathsError> {
        for dir in [self.root.clone(), self.logs_dir(), self.context_dir()] {
            make_private_dir(&dir)?;
        }
        Ok(())
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.toml`: human-editable settings.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    /// `hearth.db`: conversations, the action log, tokens.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("hearth.db")
    }

    /// `logs/`: rotated tracing logs.
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// `context/`: the personal context folder (`*.md` files added to every system prompt).
    pub fn context_dir(&self) -> PathBuf {
        self.root.join("context")
    }
}

/// Creates `dir` (and parents) with mode 0700, tightening an existing directory's mode.
pub fn make_private_dir(dir: &Path) -> Result<(), PathsError> {
    let io = |source| PathsError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    set_mode(dir, 0o700).map_err(io)
}

/// Sets a file's mode to 0600 (no-op off Unix).
pub fn make_private_file(file: &Path) -> std::io::Result<()> {
    set_mode(file, 0o600)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Writes `contents` to `path` atomically (temp file + rename) with mode 0600.
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    make_private_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path())).unwrap();
        assert_eq!(data.root(), dir.path());
        assert_eq!(data.config_path(), dir.path().join("config.toml"));
    }

    #[cfg(unix)]
    #[test]
    fn ensure_creates_private_directories() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(&dir.path().join("nested/hearth"));
        data.ensure().unwrap();
        for d in [
            data.root().to_path_buf(),
            data.logs_dir(),
            data.context_dir(),
        ] {
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.toml");
        write_private_atomic(&file, b"a = 1").unwrap();
        write_private_atomic(&file, b"a = 2").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a = 2");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
