//! Markdown export: a readable transcript of a conversation's current branch, with tool calls
//! and results shown and reasoning folded in `<details>`.

use super::dates::format_time;
use super::export::ExportedConversation;
use crate::conversation::{Block, Message, MessageStatus, Role};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Renders conversations as one Markdown document (separated by rules).
pub fn to_markdown(conversations: &[ExportedConversation]) -> String {
    conversations
        .iter()
        .map(conversation_markdown)
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}

/// One conversation: its current branch, noting where other branches exist.
fn conversation_markdown(exported: &ExportedConversation) -> String {
    let conversation = &exported.conversation;
    let mut out = String::new();
    let title = if conversation.title.is_empty() {
        "Untitled conversation"
    } else {
        &conversation.title
    };
    let _ = writeln!(out, "# {}\n", title.replace('\n', " "));
    let path = current_path(exported);
    let _ = writeln!(
        out,
        "_Created {} · updated {} · {} messages on this branch, {} in all_\n",
        format_time(conversation.created_at),
        format_time(conversation.updated_at),
        path.len(),
        exported.messages.len()
    );
    let mut sibling_counts: HashMap<Option<&str>, usize> = HashMap::new();
    for message in &exported.messages {
        *sibling_counts
            .entry(message.parent_id.as_deref())
            .or_default() += 1;
    }
    for message in path {
        let siblings = sibling_counts
            .get(&message.parent_id.as_deref())
            .copied()
            .unwrap_or(1);
        write_message(&mut out, message, siblings);
    }
    out
}

/// The messages from the root to the current leaf.
fn current_path(exported: &ExportedConversation) -> Vec<&Message> {
    let by_id: HashMap<&str, &Message> = exported
        .messages
        .iter()
        .map(|m| (m.id.as_str(), m))
        .collect();
    let mut path = Vec::new();
    let mut next = exported.conversation.current_leaf.as_deref();
    while let Some(id) = next {
        let Some(message) = by_id.get(id) else { break };
        if path.len() > exported.messages.len() {
            break; // a cycle in damaged data; stop rather than loop
        }
        path.push(*message);
        next = message.parent_id.as_deref();
    }
    path.reverse();
    path
}

fn write_message(out: &mut String, message: &Message, siblings: usize) {
    let who = match message.role {
        Role::System => "System",
        Role::User => "User",
        Role::Assistant => "Assistant",
        Role::Tool => "Tool",
    };
    let mut heading = format!("## {who}");
    match (&message.provider, &message.model) {
        (Some(provider), Some(model)) => {
            let _ = write!(heading, " · {provider} / {model}");
        }
        (None, Some(model)) => {
            let _ = write!(heading, " · {model}");
        }
        _ => {}
    }
    let _ = writeln!(out, "{heading}\n");
    let mut notes = vec![format_time(message.created_at)];
    if message.status != MessageStatus::Complete {
        notes.push(message.status.as_str().to_owned());
    }
    if siblings > 1 {
        notes.push(format!(
            "{} versions of this message; see the JSON export",
            siblings
        ));
    }
    let _ = writeln!(out, "_{}_\n", notes.join(" · "));
    for block in &message.blocks {
        write_block(out, block);
    }
    if let Some(error) = &message.error {
        let _ = writeln!(out, "> **Error:** {}\n", error.replace('\n', " "));
    }
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Text { text } => {
            let _ = writeln!(out, "{}\n", text.trim_end());
        }
        Block::Reasoning { text, .. } => {
            if !text.is_empty() {
                let _ = writeln!(
                    out,
                    "<details><summary>Reasoning</summary>\n\n{}\n\n</details>\n",
                    text.trim_end()
                );
            }
        }
        Block::ToolCall {
            id,
            name,
            arguments,
            ..
        } => {
            let arguments = serde_json::to_string_pretty(arguments).unwrap_or_default();
            let fence = fence_for(&arguments);
            let _ = writeln!(
                out,
                "**Tool call** `{name}` (`{id}`)\n\n{fence}json\n{arguments}\n{fence}\n"
            );
        }
        Block::ToolResult {
            call_id,
            content,
            is_error,
        } => {
            let fence = fence_for(content);
            let label = if *is_error {
                "Tool error"
            } else {
                "Tool result"
            };
            let _ = writeln!(
                out,
                "**{label}** (`{call_id}`)\n\n{fence}text\n{}\n{fence}\n",
                content.trim_end()
            );
        }
    }
}

/// A backtick fence longer than any run of backticks inside `content`.
fn fence_for(content: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in content.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Conversation;

    fn sample() -> ExportedConversation {
        let mut user = Message::user("Read a.txt please");
        user.created_at = 0;
        let mut answer = Message::new(
            Role::Assistant,
            vec![
                Block::Reasoning {
                    text: "The user wants the file.".into(),
                    opaque: None,
                },
                Block::ToolCall {
                    id: "c1".into(),
                    name: "files.read".into(),
                    arguments: serde_json::json!({"path": "a.txt"}),
                    opaque: None,
                },
            ],
        );
        answer.parent_id = Some(user.id.clone());
        answer.provider = Some("claude".into());
        answer.model = Some("sonnet".into());
        let mut tool = Message::new(
            Role::Tool,
            vec![Block::ToolResult {
                call_id: "c1".into(),
                content: "has ``` fences".into(),
                is_error: false,
            }],
        );
        tool.parent_id = Some(answer.id.clone());
        ExportedConversation {
            conversation: Conversation {
                id: "c".into(),
                title: "Files".into(),
                created_at: 0,
                updated_at: 0,
                pinned: false,
                archived: false,
                current_leaf: Some(tool.id.clone()),
            },
            deleted_at: None,
            messages: vec![user, answer, tool],
        }
    }

    #[test]
    fn markdown_shows_tool_calls_results_and_folded_reasoning() {
        let markdown = to_markdown(&[sample()]);
        assert!(markdown.starts_with("# Files\n"));
        assert!(markdown.contains("## User"));
        assert!(markdown.contains("Read a.txt please"));
        assert!(markdown.contains("## Assistant · claude / sonnet"));
        assert!(markdown.contains("<details><summary>Reasoning</summary>"));
        assert!(markdown.contains("**Tool call** `files.read` (`c1`)"));
        assert!(markdown.contains("\"path\": \"a.txt\""));
        assert!(markdown.contains("**Tool result** (`c1`)\n\n````text\nhas ``` fences\n````"));
        assert!(markdown.contains("1970-01-01 00:00 UTC"));
    }
}
