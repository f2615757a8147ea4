//! Non-secret facts about stored keys — the origin each is bound to, its last four characters,
//! when it was stored and last validated — in a small 0600 JSON file (`keys.json` in the data
//! dir). Invariant: the key itself is never written here.

use super::KeyError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// The file name inside the data directory.
pub const FILE_NAME: &str = "keys.json";

/// What is remembered about one provider's key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// The origin the key may be sent to (see [`super::binding::origin_of`]).
    pub bound_origin: String,
    /// The key's last four characters, for status displays.
    pub last_four: String,
    /// When the key was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub stored_at: OffsetDateTime,
    /// When a real provider call last accepted the key.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_validated: Option<OffsetDateTime>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct MetadataFile {
    /// Format version.
    version: u32,
    /// Records by provider id.
    providers: BTreeMap<String, KeyRecord>,
}

/// Reads and updates `keys.json`. Updates are read-modify-write with an atomic rename. The
/// file as last read is kept and reused while the file is unchanged (same inode, size and
/// modification time: one `stat` instead of a read and a parse per request).
#[derive(Debug, Clone)]
pub struct KeyMetadata {
    path: PathBuf,
    last_read: Arc<Mutex<Option<(FileStamp, MetadataFile)>>>,
}

/// What tells two versions of the file apart (an update replaces the file: a new inode).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: u64,
}

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(meta),
        }
    }
}

impl KeyMetadata {
    /// The metadata file at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        KeyMetadata {
            path: path.into(),
            last_read: Arc::default(),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The record of `provider`, if any.
    pub fn get(&self, provider: &str) -> Result<Option<KeyRecord>, KeyError> {
        Ok(self.load()?.providers.remove(provider))
    }

    /// Every record, by provider id.
    pub fn all(&self) -> Result<BTreeMap<String, KeyRecord>, KeyError> {
        Ok(self.load()?.providers)
    }

    /// Applies `change` to the record of `provider` (`None` = absent) and saves the file.
    pub fn update(
        &self,
        provider: &str,
        change: impl FnOnce(Option<KeyRecord>) -> Option<KeyRecord>,
    ) -> Result<Option<KeyRecord>, KeyError> {
        let mut file = self.load()?;
        let current = file.providers.remove(provider);
        let next = change(current);
        if let Some(record) = &next {
            file.providers.insert(provider.to_string(), record.clone());
        }
        file.version = 1;
        let text = serde_json::to_vec_pretty(&file).map_err(|e| self.error(e.to_string()))?;
        crate::paths::write_private_atomic(&self.path, &text)
            .map_err(|e| self.error(e.to_string()))?;
        Ok(next)
    }

    fn load(&self) -> Result<MetadataFile, KeyError> {
        let stamp = match std::fs::metadata(&self.path) {
            Ok(meta) => FileStamp::of(&meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(MetadataFile::default())
            }
            Err(e) => return Err(self.error(e.to_string())),
        };
        let mut last_read = self.last_read.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, file)) = last_read.as_ref() {
            if *seen == stamp {
                return Ok(file.clone());
            }
        }
        let file: MetadataFile = match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| self.error(e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => MetadataFile::default(),
            Err(e) => return Err(self.error(e.to_string())),
        };
        // Replaced between the stat and the read: the stamp is older than the content, so
        // the next load reads again; never the other way round.
        *last_read = Some((stamp, file.clone()));
        Ok(file)
    }

    fn error(&self, detail: String) -> KeyError {
        KeyError::Metadata {
            path: self.path.clone(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> KeyRecord {
        KeyRecord {
            bound_origin: "https://api.openai.com".into(),
            last_four: "wxyz".into(),
            stored_at: OffsetDateTime::now_utc(),
            last_validated: None,
        }
    }

    #[test]
    fn records_round_trip_through_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let meta = KeyMetadata::at(dir.path().join(FILE_NAME));
        assert_eq!(meta.get("openai").unwrap(), None);
        meta.update("openai", |_| Some(record())).unwrap();
        let got = meta.get("openai").unwrap().unwrap();
        assert_eq!(got.bound_origin, "https://api.openai.com");
        assert_eq!(meta.all().unwrap().len(), 1);
        meta.update("openai", |_| None).unwrap();
        assert_eq!(meta.get("openai").unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(meta.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_corrupt_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{not json").unwrap();
        let err = KeyMetadata::at(&path).get("x").unwrap_err();
        assert!(err.to_string().contains(FILE_NAME), "{err}");
    }
}
