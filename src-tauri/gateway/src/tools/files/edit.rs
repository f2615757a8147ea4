//! `files.edit`: replace an exact string in a text file inside a root. The preview is a unified
//! diff of the change.

use super::{path_subject, read_text_for_edit, resolve, unified_diff, write_atomic};
use crate::config::LiveConfig;
use crate::tools::roots::Access;
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `files.edit`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditArgs {
    /// The file to change.
    pub path: String,
    /// The exact text to replace (must occur once unless `replace_all` is set).
    pub old_string: String,
    /// The replacement text.
    pub new_string: String,
    /// Replace every occurrence (default: false).
    #[serde(default)]
    pub replace_all: bool,
}

/// `files.edit`.
pub struct FilesEdit {
    live: LiveConfig,
}

impl FilesEdit {
    /// The tool, reading roots from `live`.
    pub fn new(live: LiveConfig) -> Self {
        FilesEdit { live }
    }

    /// The file's current and edited text.
    fn apply(
        &self,
        args: &EditArgs,
    ) -> Result<(crate::tools::roots::Resolved, String, String), ToolError> {
        let resolved = resolve(&self.live, &args.path, Access::Existing)?;
        let old = read_text_for_edit(&resolved.path)?;
        let new = replace(&old, args, &resolved.path.display().to_string())?;
        Ok((resolved, old, new))
    }
}

fn replace(text: &str, args: &EditArgs, label: &str) -> Result<String, ToolError> {
    if args.old_string.is_empty() {
        return Err(ToolError::EditMismatch(
            "old_string is empty; use files.write to create a file".to_string(),
        ));
    }
    match text.matches(args.old_string.as_str()).count() {
        0 => Err(ToolError::EditMismatch(format!(
            "old_string was not found in {label}; read the file and copy the text exactly"
        ))),
        1 => Ok(text.replacen(&args.old_string, &args.new_string, 1)),
        _ if args.replace_all => Ok(text.replace(&args.old_string, &args.new_string)),
        n => Err(ToolError::EditMismatch(format!(
            "old_string occurs {n} times in {label}; include more context or set replace_all"
        ))),
    }
}

#[async_trait::async_trait]
impl Tool for FilesEdit {
    fn name(&self) -> &str {
        "files.edit"
    }

    fn description(&self) -> &str {
        "Replace an exact piece of text in a file in a folder the user has opened to Hearth."
    }

    fn parameters(&self) -> Value {
        schema_of::<EditArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let args = match parse_args::<EditArgs>(self.name(), args) {
            Ok(args) => args,
            Err(e) => return e.to_string(),
        };
        match self.apply(&args) {
            Ok((resolved, old, new)) => {
                unified_diff(&resolved.path.display().to_string(), Some(&old), &new)
            }
            Err(e) => format!("edit {} (will fail: {e})", args.path),
        }
    }

    fn subject(&self, args: &Value) -> Option<Subject> {
        let args = parse_args::<EditArgs>(self.name(), args).ok()?;
        path_subject(&self.live, Some(&args.path), Access::Existing)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: EditArgs = parse_args(self.name(), &args)?;
        let (resolved, old, new) = self.apply(&args)?;
        write_atomic(&resolved.path, new.as_bytes())?;
        let changed = old.matches(args.old_string.as_str()).count();
        let text = format!(
            "edited {} ({changed} replacement{})",
            resolved.path.display(),
            if changed == 1 { "" } else { "s" }
        );
        Ok(ToolOutput::ok(text.clone(), text))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::sandbox;
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn edits_exact_text_once_or_everywhere() {
        let sb = sandbox();
        std::fs::write(sb.root.join("n.md"), "alpha beta\nbeta\n").unwrap();
        let tool = FilesEdit::new(sb.live.clone());
        let ctx = ToolContext::default;
        let ambiguous = json!({"path": "n.md", "old_string": "beta", "new_string": "B"});
        let err = tool.run(ambiguous.clone(), ctx()).await.unwrap_err();
        assert!(err.to_string().contains("occurs 2 times"), "{err}");
        let once = json!({"path": "n.md", "old_string": "alpha beta", "new_string": "gamma"});
        let preview = tool.preview(&once);
        assert!(
            preview.contains("-alpha beta") && preview.contains("+gamma"),
            "{preview}"
        );
        tool.run(once, ctx()).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(sb.root.join("n.md")).unwrap(),
            "gamma\nbeta\n"
        );
        let all =
            json!({"path": "n.md", "old_string": "a", "new_string": "4", "replace_all": true});
        tool.run(all, ctx()).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(sb.root.join("n.md")).unwrap(),
            "g4mm4\nbet4\n"
        );
        let missing = json!({"path": "n.md", "old_string": "zzz", "new_string": ""});
        assert!(tool
            .run(missing, ctx())
            .await
            .unwrap_err()
            .to_string()
            .contains("not found"));
        let outside = json!({"path": "../outside/x", "old_string": "a", "new_string": "b"});
        assert!(tool.run(outside, ctx()).await.is_err());
    }
}
