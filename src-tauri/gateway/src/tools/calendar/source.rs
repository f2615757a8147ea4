//! [`Source`]: one calendar found from `[calendar] paths` — a vdir collection (a folder of
//! `.ics` files, one event each) or a single `.ics` file. A configured folder without `.ics`
//! files of its own is taken as a folder of collections (vdirsyncer's layout).

use super::CalendarError;
use crate::tools::roots::expand_tilde;
use std::path::{Path, PathBuf};

/// Where a calendar's events are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A vdir collection: one `.ics` file per event.
    Collection(PathBuf),
    /// One `.ics` file holding many events.
    File(PathBuf),
}

impl Location {
    /// The folder or file.
    pub fn path(&self) -> &Path {
        match self {
            Location::Collection(path) | Location::File(path) => path,
        }
    }
}

/// One calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name tools use: the vdir `displayname` file, else the folder or file name.
    pub name: String,
    /// Where its events are.
    pub location: Location,
}

/// Whether `path` is an `.ics` file name.
pub(crate) fn is_ics(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("ics"))
}

/// The `.ics` files directly inside `dir`, sorted (hidden files skipped).
pub(crate) fn ics_files(dir: &Path) -> Result<Vec<PathBuf>, CalendarError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CalendarError::io("cannot list", dir, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            is_ics(path)
                && path.is_file()
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn name_of(path: &Path) -> String {
    let display = std::fs::read_to_string(path.join("displayname"))
        .ok()
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    display.unwrap_or_else(|| {
        path.file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    })
}

fn collection(path: PathBuf) -> Source {
    Source {
        name: name_of(&path),
        location: Location::Collection(path),
    }
}

/// The calendars the configured `paths` name, in order. Missing paths are skipped with a
/// warning; a folder with neither `.ics` files nor subfolders is an (empty) collection.
pub fn discover(paths: &[PathBuf]) -> Vec<Source> {
    let mut sources = Vec::new();
    for configured in paths {
        let path = expand_tilde(configured);
        if path.is_file() {
            sources.push(Source {
                name: name_of(&path),
                location: Location::File(path),
            });
            continue;
        }
        if !path.is_dir() {
            tracing::warn!(path = %path.display(), "calendar path is missing; skipped");
            continue;
        }
        let has_own_events = ics_files(&path).is_ok_and(|files| !files.is_empty());
        let mut children: Vec<PathBuf> = std::fs::read_dir(&path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_dir()
                            && !p
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect()
            })
            .unwrap_or_default();
        children.sort();
        if has_own_events || children.is_empty() {
            sources.push(collection(path));
        } else {
            sources.extend(children.into_iter().map(collection));
        }
    }
    sources
}

/// The calendar called `name`, or the first one when `name` is `None`.
pub fn pick<'a>(sources: &'a [Source], name: Option<&str>) -> Result<&'a Source, CalendarError> {
    match name {
        None => sources.first().ok_or(CalendarError::NoCalendars),
        Some(name) => sources
            .iter()
            .find(|s| s.name == name)
            .or_else(|| sources.iter().find(|s| s.name.eq_ignore_ascii_case(name)))
            .ok_or_else(|| CalendarError::UnknownCalendar {
                name: name.to_string(),
                known: sources
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_folders_of_collections_and_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("synced/work")).unwrap();
        std::fs::create_dir_all(root.join("synced/home")).unwrap();
        std::fs::write(root.join("synced/home/displayname"), "Home\n").unwrap();
        std::fs::create_dir_all(root.join("single")).unwrap();
        std::fs::write(root.join("single/a.ics"), "").unwrap();
        std::fs::write(root.join("holidays.ics"), "").unwrap();
        let sources = discover(&[
            root.join("synced"),
            root.join("single"),
            root.join("holidays.ics"),
            root.join("missing"),
        ]);
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Home", "work", "single", "holidays"]);
        assert!(matches!(sources[3].location, Location::File(_)));
        assert_eq!(pick(&sources, Some("home")).unwrap().name, "Home");
        assert_eq!(pick(&sources, None).unwrap().name, "Home");
        let err = pick(&sources, Some("nope")).unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("holidays"), "{err}");
    }
}
