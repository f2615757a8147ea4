//! Maildir storage as mbsync, offlineimap and mail delivery agents keep it: folders with `cur/`,
//! `new/` and `tmp/`; one file per message, its flags after `:2,` in the name (`S` seen, `D`
//! draft, `R` replied, `F` flagged, `T` trashed). Folders are found under each configured root —
//! the root itself (`INBOX`), Maildir++ subfolders (`.Drafts`) and plain ones (`Drafts`,
//! `Archive/2024`).
//!
//! A message's id for the tools is `FOLDER/UNIQUE`: the folder name and the file name without
//! its flags, so it survives the move from `new/` to `cur/` and flag changes.

use super::EmailError;
use crate::tools::roots::expand_tilde;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How deep below a root folders are looked for.
const MAX_DEPTH: usize = 4;

/// One maildir folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The name tools use (`INBOX`, `Drafts`, `Archive/2024`; prefixed by the root's name
    /// when several roots are configured).
    pub name: String,
    /// The folder (holding `cur/`, `new/`, `tmp/`).
    pub path: PathBuf,
}

/// One message file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFile {
    /// Its folder's name.
    pub folder: String,
    /// The file name without the flags part.
    pub unique: String,
    /// The flag letters (`"RS"`).
    pub flags: String,
    /// The file.
    pub path: PathBuf,
    /// When the file was last modified (about when it was delivered).
    pub modified: SystemTime,
}

impl MessageFile {
    /// The id tools use: `FOLDER/UNIQUE`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.folder, self.unique)
    }

    /// Whether the message has been read.
    pub fn is_seen(&self) -> bool {
        self.flags.contains('S')
    }
}

/// Whether `path` is a maildir (has `cur/` and `new/`).
pub fn is_maildir(path: &Path) -> bool {
    path.join("cur").is_dir() && path.join("new").is_dir()
}

/// Every folder under the configured roots, sorted by name.
pub fn folders(roots: &[PathBuf]) -> Vec<Folder> {
    let several = roots.len() > 1;
    let mut found = Vec::new();
    for configured in roots {
        let root = expand_tilde(configured);
        if !root.is_dir() {
            tracing::warn!(path = %root.display(), "maildir root is missing; skipped");
            continue;
        }
        let prefix = if several {
            root.file_name()
                .map(|n| format!("{}/", n.to_string_lossy()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        if is_maildir(&root) {
            found.push(Folder {
                name: format!("{prefix}INBOX"),
                path: root.clone(),
            });
        }
        walk(&root, &root, &prefix, 1, &mut found);
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

fn walk(root: &Path, dir: &Path, prefix: &str, depth: usize, found: &mut Vec<Folder>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("cur" | "new" | "tmp")
            )
        })
        .collect();
    children.sort();
    for child in children {
        if is_maildir(&child) {
            let relative = child.strip_prefix(root).unwrap_or(&child);
            let name: Vec<String> = relative
                .components()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_start_matches('.')
                        .to_string()
                })
                .collect();
            found.push(Folder {
                name: format!("{prefix}{}", name.join("/")),
                path: child.clone(),
            });
        }
        walk(root, &child, prefix, depth + 1, found);
    }
}

/// Splits a maildir file name into its unique part and its flags.
fn split_name(name: &str) -> (&str, &str) {
    match name.rsplit_once(":2,").or_else(|| name.rsplit_once("!2,")) {
        Some((unique, flags)) => (unique, flags),
        None => (name, ""),
    }
}

/// The messages of a folder (`new/` and `cur/`), in no particular order.
pub fn messages(folder: &Folder) -> Vec<MessageFile> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(folder.path.join(sub)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let (unique, flags) = split_name(&name);
            found.push(MessageFile {
                folder: folder.name.clone(),
                unique: unique.to_string(),
                flags: flags.to_string(),
                path: entry.path(),
                modified: meta.modified().unwrap_or(UNIX_EPOCH),
            });
        }
    }
    found
}

/// The folder called `name`.
pub fn folder<'a>(folders: &'a [Folder], name: &str) -> Result<&'a Folder, EmailError> {
    folders
        .iter()
        .find(|f| f.name == name)
        .or_else(|| folders.iter().find(|f| f.name.eq_ignore_ascii_case(name)))
        .ok_or_else(|| EmailError::UnknownFolder {
            name: name.to_string(),
            known: folders
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The message with this id.
pub fn find(folders: &[Folder], id: &str) -> Result<MessageFile, EmailError> {
    let (folder_name, unique) = id
        .trim()
        .rsplit_once('/')
        .filter(|(f, u)| !f.is_empty() && !u.is_empty() && *u != "." && *u != "..")
        .ok_or_else(|| EmailError::BadId(id.to_string()))?;
    let folder =
        folder(folders, folder_name).map_err(|_| EmailError::UnknownMessage(id.to_string()))?;
    messages(folder)
        .into_iter()
        .find(|m| m.unique == unique)
        .ok_or_else(|| EmailError::UnknownMessage(id.to_string()))
}

/// A configured maildir, created (with `cur/`, `new/`, `tmp/`) if missing.
pub fn ensure_maildir(path: &Path, name: &str) -> Result<Folder, EmailError> {
    let path = expand_tilde(path);
    for sub in ["cur", "new", "tmp"] {
        let dir = path.join(sub);
        std::fs::create_dir_all(&dir).map_err(|e| EmailError::io("cannot create", &dir, e))?;
    }
    Ok(Folder {
        name: name.into(),
        path,
    })
}

/// The drafts maildir: `[email] drafts` (created if missing), else a `Drafts`/`.Drafts` folder
/// (any case) directly in the first root.
pub fn drafts_folder(configured: Option<&Path>, roots: &[PathBuf]) -> Result<Folder, EmailError> {
    if let Some(path) = configured {
        return ensure_maildir(path, "Drafts");
    }
    let root = expand_tilde(roots.first().ok_or(EmailError::NoMaildirs)?);
    let entries = std::fs::read_dir(&root).map_err(|e| EmailError::io("cannot list", &root, e))?;
    let mut candidates: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.trim_start_matches('.').eq_ignore_ascii_case("drafts"))
                && is_maildir(p)
        })
        .collect();
    candidates.sort();
    let path = candidates
        .into_iter()
        .next()
        .ok_or(EmailError::NoDrafts(root))?;
    Ok(Folder {
        name: "Drafts".into(),
        path,
    })
}

/// A new unique maildir file name: time, microseconds, process, a counter and randomness.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}.M{}P{}Q{}R{:08x}.hearth",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    )
}

/// Stores a message in `folder` the maildir way (written to `tmp/`, then moved to `cur/` with
/// its `flags`); returns the new file.
pub fn deliver(folder: &Path, bytes: &[u8], flags: &str) -> Result<PathBuf, EmailError> {
    let unique = unique_name();
    let tmp = folder.join("tmp").join(&unique);
    let target = folder.join("cur").join(format!("{unique}:2,{flags}"));
    let result = (|| {
        std::fs::create_dir_all(folder.join("tmp"))?;
        let mut file = std::fs::File::create_new(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(EmailError::io("cannot store the message in", folder, e));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maildir(path: &Path) {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(path.join(sub)).unwrap();
        }
    }

    #[test]
    fn folders_in_mbsync_and_maildirpp_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("work");
        maildir(&plain.join("INBOX"));
        maildir(&plain.join("Drafts"));
        maildir(&plain.join("Archive/2024"));
        let pp = dir.path().join("home");
        maildir(&pp);
        maildir(&pp.join(".Drafts"));
        let names = |roots: &[PathBuf]| -> Vec<String> {
            folders(roots).into_iter().map(|f| f.name).collect()
        };
        assert_eq!(
            names(std::slice::from_ref(&plain)),
            ["Archive/2024", "Drafts", "INBOX"]
        );
        assert_eq!(names(std::slice::from_ref(&pp)), ["Drafts", "INBOX"]);
        assert_eq!(
            names(&[plain.clone(), pp.clone()]),
            [
                "home/Drafts",
                "home/INBOX",
                "work/Archive/2024",
                "work/Drafts",
                "work/INBOX"
            ]
        );
        assert_eq!(
            drafts_folder(None, std::slice::from_ref(&pp)).unwrap().path,
            pp.join(".Drafts")
        );
        assert!(matches!(
            drafts_folder(None, &[plain.join("Archive")]),
            Err(EmailError::NoDrafts(_))
        ));
    }

    #[test]
    fn delivered_messages_are_found_by_id_with_flags() {
        let dir = tempfile::tempdir().unwrap();
        maildir(&dir.path().join("INBOX"));
        let roots = vec![dir.path().to_path_buf()];
        let inbox = dir.path().join("INBOX");
        let path = deliver(&inbox, b"Subject: hi\r\n\r\nbody\r\n", "DS").unwrap();
        assert!(path.starts_with(inbox.join("cur")));
        assert!(std::fs::read_dir(inbox.join("tmp"))
            .unwrap()
            .next()
            .is_none());
        let all = folders(&roots);
        let listed = messages(&all[0]);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].flags, "DS");
        assert!(listed[0].is_seen());
        let found = find(&all, &listed[0].id()).unwrap();
        assert_eq!(found.path, path);
        for bad in ["nofolder", "INBOX/", "INBOX/..", "/x"] {
            assert!(
                matches!(find(&all, bad), Err(EmailError::BadId(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            find(&all, "INBOX/nope"),
            Err(EmailError::UnknownMessage(_))
        ));
        assert!(matches!(
            find(&all, "../INBOX/x"),
            Err(EmailError::UnknownMessage(_))
        ));
    }
}
