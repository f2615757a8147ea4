//! Confinement of file and shell tools to the user-configured roots.
//!
//! Every path a tool touches goes through [`Roots::resolve`]:
//! - `~` and `~/…` are expanded; a relative path is taken from the first root;
//! - a `..` component is refused outright (no lexical games);
//! - the path is canonicalised (symlinks followed) and must then lie inside a canonical root,
//!   compared component by component (`/notes-evil` is not inside `/notes`);
//! - a path that does not exist yet (a write target) is resolved through its nearest existing
//!   ancestor, which must itself canonicalise inside a root; a dangling symlink is refused;
//! - a trailing `/` on a write target is refused (it names a folder, not a file).
//!
//! Only the ASCII `/` separates components and only the ASCII `..` is a parent: look-alikes
//! such as the fullwidth solidus `／` (U+FF0F) or the one-dot leader `․` (U+2024) are ordinary
//! characters of a file name. Nothing here normalises Unicode, so such a name stays a single
//! component inside the root (or is refused when it does not exist).

use crate::config::ToolsConfig;
use std::path::{Component, Path, PathBuf};

/// Why a path was refused.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// No roots are configured, so no path is allowed.
    #[error("no folders are open to tools: add one to tools.roots in config.toml")]
    NoRoots,
    /// An empty path or one with a NUL byte.
    #[error("'{0}' is not a usable path")]
    Invalid(String),
    /// The path contains `..`.
    #[error("'{0}' contains '..'; use a path inside the allowed folders")]
    ParentDir(String),
    /// The path resolves outside every root.
    #[error("'{path}' is outside the folders open to tools ({roots})")]
    OutsideRoots {
        /// The path as given.
        path: String,
        /// The roots, for the message.
        roots: String,
    },
    /// Nothing exists there.
    #[error("'{0}' does not exist")]
    NotFound(String),
    /// A write target ends with `/`.
    #[error("'{0}' ends with '/', which names a folder, not a file")]
    TrailingSlash(String),
    /// The path names a folder where a file is needed (or the reverse).
    #[error("'{path}' is {what}")]
    WrongKind {
        /// The path as given.
        path: String,
        /// "a folder", "not a folder".
        what: &'static str,
    },
    /// The path could not be resolved (dangling symlink, permission denied...).
    #[error("cannot resolve '{path}': {source}")]
    Unresolvable {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// How the resolved path will be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It must exist (read, list, search, edit, shell working directory).
    Existing,
    /// It may not exist yet (write target); its nearest existing ancestor must be in a root.
    Create,
}

/// One configured root, canonicalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The canonical folder.
    pub path: PathBuf,
    /// Content here is not the user's own: results from it taint the turn.
    pub untrusted: bool,
}

/// A path resolved inside a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The canonical path (for a missing target: its canonical parent joined with the rest).
    pub path: PathBuf,
    /// Whether it is inside an untrusted root.
    pub untrusted: bool,
    /// Whether something exists there now.
    pub exists: bool,
}

/// The folders tools may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roots {
    roots: Vec<Root>,
}

/// Expands a leading `~` (alone or followed by `/`) to the home directory.
pub fn expand_tilde(path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = dirs::home_dir() {
            return home.join(rest);
        }
    }
    path.to_path_buf()
}

impl Roots {
    /// The configured roots that exist, canonicalised (`~` expanded). Missing roots are skipped.
    pub fn from_config(config: &ToolsConfig) -> Roots {
        let trusted = config.roots.iter().map(|p| (p, false));
        let untrusted = config.untrusted_roots.iter().map(|p| (p, true));
        let roots = trusted
            .chain(untrusted)
            .filter_map(|(path, untrusted)| {
                let expanded = expand_tilde(path);
                match std::fs::canonicalize(&expanded) {
                    Ok(path) if path.is_dir() => Some(Root { path, untrusted }),
                    _ => {
                        tracing::warn!(root = %expanded.display(), "tool root is missing or not a folder; skipped");
                        None
                    }
                }
            })
            .collect();
        Roots { roots }
    }

    /// The roots, trusted ones first.
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// The root containing the canonical `path`, if any.
    fn root_of(&self, path: &Path) -> Option<&Root> {
        self.roots.iter().find(|root| path.starts_with(&root.path))
    }

    fn outside(&self, raw: &str) -> PathError {
        PathError::OutsideRoots {
            path: raw.to_string(),
            roots: self
                .roots
                .iter()
                .map(|r| r.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Resolves `raw` (as a tool received it) to a canonical path inside a root, or refuses it.
    pub fn resolve(&self, raw: &str, access: Access) -> Result<Resolved, PathError> {
        let first = self.roots.first().ok_or(PathError::NoRoots)?;
        if raw.trim().is_empty() || raw.contains('\0') {
            return Err(PathError::Invalid(raw.to_string()));
        }
        let given = expand_tilde(Path::new(raw));
        if given
            .components()
            .any(|c| matches!(c, Component::ParentDir))
        {
            return Err(PathError::ParentDir(raw.to_string()));
        }
        let joined = if given.is_absolute() {
            given
        } else {
            first.path.join(given)
        };
        let exists = std::fs::symlink_metadata(&joined).is_ok();
        if exists {
            if access == Access::Create && raw.ends_with('/') {
                return Err(PathError::TrailingSlash(raw.to_string()));
            }
            let canonical =
                std::fs::canonicalize(&joined).map_err(|source| match source.kind() {
                    std::io::ErrorKind::NotFound => PathError::NotFound(raw.to_string()),
                    _ => PathError::Unresolvable {
                        path: raw.to_string(),
                        source,
                    },
                })?;
            let root = self.root_of(&canonical).ok_or_else(|| self.outside(raw))?;
            return Ok(Resolved {
                untrusted: root.untrusted,
                path: canonical,
                exists: true,
            });
        }
        if access == Access::Existing {
            // Even a missing path must not reveal whether something exists outside the roots.
            return match self.nearest_inside(&joined, raw) {
                Ok(_) => Err(PathError::NotFound(raw.to_string())),
                Err(e) => Err(e),
            };
        }
        if raw.ends_with('/') {
            return Err(PathError::TrailingSlash(raw.to_string()));
        }
        let (path, root) = self.nearest_inside(&joined, raw)?;
        Ok(Resolved {
            path,
            untrusted: root.untrusted,
            exists: false,
        })
    }

    /// For a path that does not exist: canonicalises its nearest existing ancestor, checks it is
    /// inside a root, and joins the missing rest back on.
    fn nearest_inside(&self, joined: &Path, raw: &str) -> Result<(PathBuf, &Root), PathError> {
        for ancestor in joined.ancestors().skip(1) {
            if std::fs::symlink_metadata(ancestor).is_err() {
                continue;
            }
            let canonical =
                std::fs::canonicalize(ancestor).map_err(|source| PathError::Unresolvable {
                    path: raw.to_string(),
                    source,
                })?;
            let root = self.root_of(&canonical).ok_or_else(|| self.outside(raw))?;
            let rest = joined.strip_prefix(ancestor).unwrap_or(Path::new(""));
            if !rest.components().all(|c| matches!(c, Component::Normal(_))) {
                return Err(PathError::Invalid(raw.to_string()));
            }
            return Ok((canonical.join(rest), root));
        }
        Err(self.outside(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        outside: PathBuf,
        roots: Roots,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let root = base.join("notes");
        let outside = base.join("secret");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(base.join("notes-evil")).unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::write(outside.join("key.txt"), "k").unwrap();
        std::fs::write(base.join("notes-evil/x.txt"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, root.join("link-out")).unwrap();
            std::os::unix::fs::symlink(outside.join("key.txt"), root.join("file-out")).unwrap();
            std::os::unix::fs::symlink(outside.join("new.txt"), root.join("dangling-out")).unwrap();
            std::os::unix::fs::symlink(root.join("a.txt"), root.join("link-in")).unwrap();
        }
        let config = ToolsConfig {
            roots: vec![root.clone()],
            ..ToolsConfig::default()
        };
        Fixture {
            roots: Roots::from_config(&config),
            root,
            outside,
            _dir: dir,
        }
    }

    #[test]
    fn paths_inside_resolve_to_canonical_paths() {
        let f = fixture();
        let a = f.root.join("a.txt");
        for (raw, access) in [
            ("a.txt", Access::Existing),
            ("./a.txt", Access::Existing),
            ("sub/../a.txt", Access::Existing),
            (a.to_str().unwrap(), Access::Existing),
            ("link-in", Access::Existing),
        ] {
            match f.roots.resolve(raw, access) {
                Ok(resolved) => assert_eq!(resolved.path, a, "{raw}"),
                Err(PathError::ParentDir(_)) if raw.contains("..") => {}
                Err(e) => panic!("{raw}: {e}"),
            }
        }
        let new = f.roots.resolve("sub/new/deep.md", Access::Create).unwrap();
        assert_eq!(new.path, f.root.join("sub/new/deep.md"));
        assert!(!new.exists);
    }

    #[test]
    fn escapes_are_refused() {
        let f = fixture();
        let outside_abs = f.outside.join("key.txt");
        let evil = f.root.parent().unwrap().join("notes-evil/x.txt");
        let cases: Vec<(String, Access)> = vec![
            ("../secret/key.txt".into(), Access::Existing),
            ("sub/../../secret/key.txt".into(), Access::Existing),
            ("../secret/new.txt".into(), Access::Create),
            (outside_abs.display().to_string(), Access::Existing),
            (format!("{}/", f.outside.display()), Access::Existing),
            (outside_abs.display().to_string(), Access::Create),
            (evil.display().to_string(), Access::Existing),
            ("/etc/passwd".into(), Access::Existing),
            ("/etc/".into(), Access::Existing),
            ("/".into(), Access::Existing),
            ("".into(), Access::Existing),
            ("a\0b".into(), Access::Existing),
            ("a.txt/".into(), Access::Create),
            ("sub/new.txt/".into(), Access::Create),
            ("a.txt/".into(), Access::Existing),
            ("link-out/key.txt".into(), Access::Existing),
            ("link-out/new.txt".into(), Access::Create),
            ("file-out".into(), Access::Existing),
            ("file-out".into(), Access::Create),
            ("dangling-out".into(), Access::Create),
            ("dangling-out".into(), Access::Existing),
        ];
        for (raw, access) in cases {
            let result = f.roots.resolve(&raw, access);
            assert!(
                result.is_err(),
                "{raw:?} ({access:?}) was allowed: {result:?}"
            );
        }
    }

    #[test]
    fn unicode_look_alikes_are_plain_characters() {
        let f = fixture();
        // U+2024 ONE DOT LEADER twice, U+FF0F FULLWIDTH SOLIDUS, U+2215 DIVISION SLASH.
        for raw in [
            "\u{2024}\u{2024}\u{FF0F}secret\u{FF0F}key.txt",
            "\u{2024}\u{2024}\u{2215}x",
        ] {
            assert!(matches!(
                f.roots.resolve(raw, Access::Existing),
                Err(PathError::NotFound(_))
            ));
            let created = f.roots.resolve(raw, Access::Create).unwrap();
            assert_eq!(created.path.parent(), Some(f.root.as_path()), "{raw}");
            assert_eq!(created.path.file_name().unwrap().to_str(), Some(raw));
        }
    }

    #[test]
    fn no_roots_means_nothing_is_allowed_and_untrusted_roots_are_flagged() {
        assert!(matches!(
            Roots::default().resolve("a.txt", Access::Existing),
            Err(PathError::NoRoots)
        ));
        let f = fixture();
        let config = ToolsConfig {
            roots: vec![f.root.join("sub")],
            untrusted_roots: vec![f.outside.clone()],
            ..ToolsConfig::default()
        };
        let roots = Roots::from_config(&config);
        let key = roots
            .resolve(
                f.outside.join("key.txt").to_str().unwrap(),
                Access::Existing,
            )
            .unwrap();
        assert!(key.untrusted);
    }
}
