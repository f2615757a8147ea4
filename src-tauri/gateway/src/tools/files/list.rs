//! `files.list`: the entries of a folder inside a root (or the roots themselves).

use super::{path_subject, path_untrusted, resolve, roots, untrusted_label};
use crate::config::LiveConfig;
use crate::tools::roots::{Access, PathError};
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use serde::Deserialize;
use serde_json::Value;

/// Most entries listed.
const MAX_ENTRIES: usize = 1000;

/// Arguments of `files.list`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Folder to list (absolute, `~/…`, or relative to the first allowed folder). Omit it to
    /// list the allowed folders themselves.
    pub path: Option<String>,
}

/// `files.list`.
pub struct FilesList {
    live: LiveConfig,
}

impl FilesList {
    /// The tool, reading roots from `live`.
    pub fn new(live: LiveConfig) -> Self {
        FilesList { live }
    }
}

#[async_trait::async_trait]
impl Tool for FilesList {
    fn name(&self) -> &str {
        "files.list"
    }

    fn description(&self) -> &str {
        "List the files and folders in a folder the user has opened to Hearth. Without a path, \
         lists those folders."
    }

    fn parameters(&self) -> Value {
        schema_of::<ListArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Read
    }

    fn preview(&self, args: &Value) -> String {
        match parse_args::<ListArgs>(self.name(), args) {
            Ok(ListArgs { path: Some(path) }) => format!("list {path}"),
            Ok(ListArgs { path: None }) => "list the allowed folders".to_string(),
            Err(e) => e.to_string(),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<ListArgs>(self.name(), args).ok()?;
        path_subject(&self.live, args.path.as_deref(), Access::Existing)
    }

    fn untrusted_source(&self, args: &Value) -> Option<String> {
        let args = parse_args::<ListArgs>(self.name(), args).ok()?;
        path_untrusted(&self.live, args.path.as_deref()?)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: ListArgs = parse_args(self.name(), &args)?;
        let Some(raw) = args.path else {
            let roots = roots(&self.live);
            if roots.roots().is_empty() {
                return Err(PathError::NoRoots.into());
            }
            let lines: Vec<String> = roots
                .roots()
                .iter()
                .map(|r| {
                    let flag = if r.untrusted { " (untrusted)" } else { "" };
                    format!("{}/{flag}", r.path.display())
                })
                .collect();
            let summary = format!("{} allowed folders", lines.len());
            return Ok(ToolOutput::ok(lines.join("\n"), summary));
        };
        let resolved = resolve(&self.live, &raw, Access::Existing)?;
        if !resolved.path.is_dir() {
            return Err(PathError::WrongKind {
                path: raw,
                what: "not a folder",
            }
            .into());
        }
        let path = resolved.path.clone();
        let listing = tokio::task::spawn_blocking(move || list_dir(&path))
            .await
            .map_err(|e| ToolError::Io {
                action: "cannot list",
                path: resolved.path.clone(),
                source: std::io::Error::other(e),
            })??;
        let summary = format!("{} entries in {}", listing.count, resolved.path.display());
        Ok(ToolOutput::ok(listing.text, summary).with_untrusted(untrusted_label(&resolved)))
    }
}

struct Listing {
    text: String,
    count: usize,
}

fn list_dir(path: &std::path::Path) -> Result<Listing, ToolError> {
    let io = |source| ToolError::Io {
        action: "cannot list",
        path: path.to_path_buf(),
        source,
    };
    let mut entries: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let line = match entry.file_type() {
            Ok(t) if t.is_dir() => format!("{name}/"),
            Ok(t) if t.is_symlink() => format!("{name}@"),
            _ => {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                format!("{name}  ({size} bytes)")
            }
        };
        entries.push(line);
    }
    entries.sort();
    let count = entries.len();
    if count > MAX_ENTRIES {
        entries.truncate(MAX_ENTRIES);
        entries.push(format!(
            "[… {} more entries not shown]",
            count - MAX_ENTRIES
        ));
    }
    if entries.is_empty() {
        entries.push("(empty folder)".to_string());
    }
    Ok(Listing {
        text: entries.join("\n"),
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::sandbox;
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn lists_inside_and_refuses_outside() {
        let sb = sandbox();
        std::fs::create_dir(sb.root.join("dir")).unwrap();
        std::fs::write(sb.root.join("a.md"), "hi").unwrap();
        let tool = FilesList::new(sb.live.clone());
        let out = tool
            .run(json!({"path": "."}), ToolContext::default())
            .await
            .unwrap();
        assert_eq!(out.content, "a.md  (2 bytes)\ndir/");
        assert!(out.untrusted.is_none());
        let roots = tool.run(json!({}), ToolContext::default()).await.unwrap();
        assert!(roots.content.contains("(untrusted)"), "{}", roots.content);
        let outside = sb.outside.display().to_string();
        assert!(tool
            .run(json!({"path": outside}), ToolContext::default())
            .await
            .is_err());
        let untrusted = sb.untrusted.display().to_string();
        let out = tool
            .run(json!({"path": untrusted}), ToolContext::default())
            .await
            .unwrap();
        assert!(out.untrusted.is_some());
    }
}
