//! An MCP tool result as text for the model: text blocks concatenated, other blocks (images,
//! audio, resources) described in one line each, structured content as JSON when there is no
//! text. Long results are cut at a byte cap, with a note.

use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};

/// The text of `result`, at most `cap` bytes (cut on a character boundary, with a note).
pub fn result_text(result: &CallToolResult, cap: usize) -> String {
    let mut parts: Vec<String> = result.content.iter().map(block_text).collect();
    if parts.is_empty() {
        if let Some(structured) = &result.structured_content {
            parts.push(structured.to_string());
        }
    }
    cut(parts.join("\n"), cap)
}

/// One content block as text.
fn block_text(block: &ContentBlock) -> String {
    match block {
        ContentBlock::Text(text) => text.text.clone(),
        ContentBlock::Image(image) => format!(
            "[image: {}, {} bytes base64, not shown]",
            image.mime_type,
            image.data.len()
        ),
        ContentBlock::Audio(audio) => format!(
            "[audio: {}, {} bytes base64, not shown]",
            audio.mime_type,
            audio.data.len()
        ),
        ContentBlock::Resource(embedded) => match &embedded.resource {
            ResourceContents::TextResourceContents { uri, text, .. } => {
                format!("[resource {uri}]\n{text}")
            }
            ResourceContents::BlobResourceContents {
                uri,
                mime_type,
                blob,
                ..
            } => format!(
                "[resource {uri}: {}, {} bytes base64, not shown]",
                mime_type.as_deref().unwrap_or("binary"),
                blob.len()
            ),
            _ => "[resource of an unsupported kind]".to_string(),
        },
        ContentBlock::ResourceLink(link) => {
            let mut line = format!("[resource link: {} <{}>", link.name, link.uri);
            if let Some(description) = &link.description {
                line.push_str(&format!(" — {description}"));
            }
            line.push(']');
            line
        }
        other => format!(
            "[unsupported content: {}]",
            serde_json::to_value(other)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_else(|| "unknown".to_string())
        ),
    }
}

/// `text` cut to at most `cap` bytes on a character boundary, with a note saying so.
pub fn cut(text: String, cap: usize) -> String {
    if text.len() <= cap {
        return text;
    }
    let mut end = cap;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[result cut: {} of {} bytes shown]",
        &text[..end],
        end,
        text.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(json: serde_json::Value) -> CallToolResult {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn text_is_joined_and_other_blocks_described() {
        let r = result(serde_json::json!({
            "content": [
                {"type": "text", "text": "first"},
                {"type": "image", "data": "aGVsbG8=", "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "file:///a.txt", "text": "inside"}},
                {"type": "resource_link", "uri": "file:///b", "name": "b"},
                {"type": "text", "text": "last"}
            ]
        }));
        let text = result_text(&r, 10_000);
        assert_eq!(
            text,
            "first\n[image: image/png, 8 bytes base64, not shown]\n[resource file:///a.txt]\ninside\n[resource link: b <file:///b>]\nlast"
        );
    }

    #[test]
    fn structured_content_is_used_when_there_is_no_text() {
        let r = result(serde_json::json!({"content": [], "structuredContent": {"n": 1}}));
        assert_eq!(result_text(&r, 100), r#"{"n":1}"#);
    }

    #[test]
    fn long_results_are_cut_on_a_character_boundary() {
        let text = cut("ééééé".to_string(), 5);
        assert!(
            text.starts_with("éé\n[result cut: 4 of 10 bytes shown]"),
            "{text}"
        );
    }
}
