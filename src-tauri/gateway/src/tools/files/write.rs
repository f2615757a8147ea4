//! `files.write`: create or replace a file inside a root (parents created), atomically. The
//! preview is a unified diff against the current content.

use super::{path_subject, resolve, unified_diff, write_atomic};
use crate::config::LiveConfig;
use crate::tools::roots::{Access, PathError};
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `files.write`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteArgs {
    /// The file to create or replace (absolute, `~/…`, or relative to the first allowed folder).
    pub path: String,
    /// The complete new content.
    pub content: String,
}

/// `files.write`.
pub struct FilesWrite {
    live: LiveConfig,
}

impl FilesWrite {
    /// The tool, reading roots from `live`.
    pub fn new(live: LiveConfig) -> Self {
        FilesWrite { live }
    }
}

#[async_trait::async_trait]
impl Tool for FilesWrite {
    fn name(&self) -> &str {
        "files.write"
    }

    fn description(&self) -> &str {
        "Create or replace a text file in a folder the user has opened to Hearth, with the \
         complete new content. Missing parent folders are created."
    }

    fn parameters(&self) -> Value {
        schema_of::<WriteArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let args = match parse_args::<WriteArgs>(self.name(), args) {
            Ok(args) => args,
            Err(e) => return e.to_string(),
        };
        match resolve(&self.live, &args.path, Access::Create) {
            Ok(resolved) => {
                let small = std::fs::metadata(&resolved.path)
                    .is_ok_and(|m| m.len() <= super::EDIT_MAX_BYTES);
                let old = if resolved.exists && small {
                    std::fs::read_to_string(&resolved.path).ok()
                } else {
                    None
                };
                unified_diff(
                    &resolved.path.display().to_string(),
                    old.as_deref(),
                    &args.content,
                )
            }
            Err(e) => format!("write {} (refused: {e})", args.path),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<WriteArgs>(self.name(), args).ok()?;
        path_subject(&self.live, Some(&args.path), Access::Create)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: WriteArgs = parse_args(self.name(), &args)?;
        let resolved = resolve(&self.live, &args.path, Access::Create)?;
        if resolved.path.is_dir() {
            return Err(PathError::WrongKind {
                path: args.path,
                what: "a folder",
            }
            .into());
        }
        let path = resolved.path.clone();
        let bytes = args.content.into_bytes();
        let len = bytes.len();
        tokio::task::spawn_blocking(move || write_atomic(&path, &bytes))
            .await
            .map_err(|e| ToolError::Io {
                action: "cannot write",
                path: resolved.path.clone(),
                source: std::io::Error::other(e),
            })??;
        let verb = if resolved.exists {
            "replaced"
        } else {
            "created"
        };
        let text = format!("{verb} {} ({len} bytes)", resolved.path.display());
        Ok(ToolOutput::ok(text.clone(), text))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::sandbox;
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn writes_inside_with_a_diff_preview() {
        let sb = sandbox();
        std::fs::write(sb.root.join("n.md"), "old line\n").unwrap();
        let tool = FilesWrite::new(sb.live.clone());
        let args = json!({"path": "n.md", "content": "new line\n"});
        let preview = tool.preview(&args);
        assert!(
            preview.contains("-old line") && preview.contains("+new line"),
            "{preview}"
        );
        tool.run(args, ToolContext::default()).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(sb.root.join("n.md")).unwrap(),
            "new line\n"
        );
        let out = tool
            .run(
                json!({"path": "a/b/c.md", "content": "x"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.content.starts_with("created"));
        assert_eq!(
            std::fs::read_to_string(sb.root.join("a/b/c.md")).unwrap(),
            "x"
        );
    }

    #[tokio::test]
    async fn escapes_are_refused_and_nothing_is_written_outside() {
        let sb = sandbox();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&sb.outside, sb.root.join("out")).unwrap();
            std::os::unix::fs::symlink(sb.outside.join("planted"), sb.root.join("dangling"))
                .unwrap();
        }
        let tool = FilesWrite::new(sb.live.clone());
        let outside_abs = sb.outside.join("abs.txt").display().to_string();
        for path in [
            "../outside/x.txt",
            "out/x.txt",
            "dangling",
            outside_abs.as_str(),
            "newdir/",
            ".",
        ] {
            let result = tool
                .run(
                    json!({"path": path, "content": "pwned"}),
                    ToolContext::default(),
                )
                .await;
            assert!(result.is_err(), "{path} was written");
            assert!(
                tool.preview(&json!({"path": path, "content": "x"}))
                    .contains("refused")
                    || path == "."
            );
        }
        assert_eq!(std::fs::read_dir(&sb.outside).unwrap().count(), 0);
    }
}
