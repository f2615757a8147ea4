//! Changing calendar files: the `VEVENT` blocks of a file are found in its text and only the
//! block being changed is replaced, removed or added — every other line (time zone definitions,
//! other events, properties Hearth does not know) stays byte for byte. Files are written
//! atomically (a temporary file in the same folder, then a rename), and a file that changed on
//! disk since it was read (a sync ran in between) is not overwritten.

use super::CalendarError;
use icalendar::Component;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

/// One `VEVENT` in a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    /// Byte range of its lines, `BEGIN:VEVENT` through `END:VEVENT` and its line ending.
    range: Range<usize>,
    /// Its UID.
    uid: String,
    /// Whether it is a changed instance (`RECURRENCE-ID`).
    is_override: bool,
}

/// The content name of a (folded) line, uppercased: `DTSTART` for `DTSTART;TZID=…:…`.
fn name_of(line: &str) -> String {
    line.split([':', ';'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase()
}

fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut offset = 0;
    let mut current: Option<(usize, String, bool)> = None;
    let mut depth = 0usize;
    let mut last_property = String::new();
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\r', '\n']);
        let upper = content.to_ascii_uppercase();
        let folded = content.starts_with([' ', '\t']);
        match (&mut current, upper.as_str()) {
            (None, "BEGIN:VEVENT") => {
                current = Some((start, String::new(), false));
                depth = 0;
            }
            (Some((begin, uid, is_override)), "END:VEVENT") if depth == 0 => {
                found.push(Block {
                    range: *begin..offset,
                    uid: std::mem::take(uid),
                    is_override: *is_override,
                });
                current = None;
            }
            (Some(_), line) if line.starts_with("BEGIN:") => depth += 1,
            (Some(_), line) if line.starts_with("END:") => depth = depth.saturating_sub(1),
            (Some((_, uid, is_override)), _) if depth == 0 => {
                if folded {
                    if last_property == "UID" {
                        uid.push_str(&content[1..]);
                    }
                } else {
                    last_property = name_of(content);
                    if last_property == "UID" {
                        *uid = content
                            .split_once(':')
                            .map(|(_, v)| v.to_string())
                            .unwrap_or_default();
                    } else if last_property == "RECURRENCE-ID" {
                        *is_override = true;
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// An event as its `VEVENT` text block (CRLF lines).
pub fn event_block(event: &icalendar::Event) -> Result<String, CalendarError> {
    event
        .try_into_string()
        .map_err(|_| CalendarError::BadRange("the event could not be written as iCalendar".into()))
}

/// A new calendar file holding one event block.
pub fn new_calendar(block: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hearth//Hearth//EN\r\n{block}END:VCALENDAR\r\n")
}

/// `text` with `block` added before the final `END:VCALENDAR`.
pub fn insert(text: &str, block: &str) -> Option<String> {
    let end = text.to_ascii_uppercase().rfind("END:VCALENDAR")?;
    let mut out = String::with_capacity(text.len() + block.len());
    out.push_str(&text[..end]);
    if !out.ends_with('\n') {
        out.push_str("\r\n");
    }
    out.push_str(block);
    out.push_str(&text[end..]);
    Some(out)
}

/// `text` with the series block of `uid` (the one without `RECURRENCE-ID`, else the first)
/// replaced by `block`; `None` when no block has that UID.
pub fn replace(text: &str, uid: &str, block: &str) -> Option<String> {
    let all = blocks(text);
    let target = all
        .iter()
        .find(|b| b.uid == uid && !b.is_override)
        .or_else(|| all.iter().find(|b| b.uid == uid))?;
    let mut out = String::with_capacity(text.len() + block.len());
    out.push_str(&text[..target.range.start]);
    out.push_str(block);
    out.push_str(&text[target.range.end..]);
    Some(out)
}

/// `text` without any block of `uid`, and how many blocks remain in the file.
pub fn remove(text: &str, uid: &str) -> (String, usize) {
    let all = blocks(text);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for block in all.iter().filter(|b| b.uid == uid) {
        out.push_str(&text[cursor..block.range.start]);
        cursor = block.range.end;
    }
    out.push_str(&text[cursor..]);
    let remaining = all.iter().filter(|b| b.uid != uid).count();
    (out, remaining)
}

/// Reads a calendar file's text.
pub fn read(path: &Path) -> Result<String, CalendarError> {
    std::fs::read_to_string(path).map_err(|e| CalendarError::io("cannot read", path, e))
}

/// Writes `contents` to `path` atomically, provided the file still holds `expected` (`None`:
/// the file must not exist yet).
pub fn write_checked(
    path: &Path,
    expected: Option<&str>,
    contents: &str,
) -> Result<(), CalendarError> {
    let now = std::fs::read_to_string(path).ok();
    if now.as_deref() != expected {
        return Err(CalendarError::Conflict(path.to_path_buf()));
    }
    write_atomic(path, contents.as_bytes())
}

/// Deletes `path`, provided it still holds `expected`.
pub fn delete_checked(path: &Path, expected: &str) -> Result<(), CalendarError> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(expected) {
        return Err(CalendarError::Conflict(path.to_path_buf()));
    }
    std::fs::remove_file(path).map_err(|e| CalendarError::io("cannot delete", path, e))
}

fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), CalendarError> {
    let io = |action, e| CalendarError::io(action, path, e);
    let dir = path
        .parent()
        .ok_or_else(|| io("cannot write", std::io::Error::other("no parent folder")))?;
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.hearth-tmp-{}", std::process::id()));
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
mod tests {
    use super::*;
    use crate::tools::calendar::test_support::{HOLIDAYS, WEEKLY};

    #[test]
    fn blocks_are_found_with_uids_and_overrides() {
        let found = blocks(WEEKLY);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|b| b.uid == "weekly-sync@example.org"));
        assert!(!found[0].is_override && found[1].is_override);
        assert!(WEEKLY[found[0].range.clone()].starts_with("BEGIN:VEVENT"));
        assert!(WEEKLY[found[1].range.clone()].ends_with("END:VEVENT\r\n"));
    }

    #[test]
    fn replace_remove_and_insert_keep_the_rest_byte_for_byte() {
        let block = "BEGIN:VEVENT\r\nUID:launch@example.org\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n";
        let replaced = replace(HOLIDAYS, "launch@example.org", block).unwrap();
        assert!(replaced.contains("SUMMARY:Moved") && !replaced.contains("Rocket"));
        assert!(
            replaced.starts_with(&HOLIDAYS[..HOLIDAYS.find("BEGIN:VEVENT\r\nUID:launch").unwrap()])
        );
        assert!(replace(HOLIDAYS, "nope", block).is_none());
        let (removed, remaining) = remove(HOLIDAYS, "unity-day@example.org");
        assert_eq!(remaining, 1);
        assert!(!removed.contains("Unity") && removed.contains("X-WR-CALNAME:Holidays"));
        let inserted = insert(&removed, block).unwrap();
        assert!(inserted.ends_with(&format!("{block}END:VCALENDAR\r\n")));
        let (_, none_left) = remove(WEEKLY, "weekly-sync@example.org");
        assert_eq!(none_left, 0);
    }

    #[test]
    fn folded_uids_and_conflicts() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:abc\r\n def\r\nBEGIN:VALARM\r\nUID:alarm\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let found = blocks(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].uid, "abcdef");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.ics");
        write_checked(&path, None, text).unwrap();
        assert!(matches!(
            write_checked(&path, None, text),
            Err(CalendarError::Conflict(_))
        ));
        write_checked(&path, Some(text), "changed").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "changed");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
