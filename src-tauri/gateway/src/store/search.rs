//! Full-text search (FTS5) over message text — text, reasoning and tool-result blocks, on every
//! branch — and conversation titles, ranked by bm25, with highlighted snippets and filters.
//! Conversations in the trash are not searched. The index is kept in sync by triggers (see
//! `migrations/0001_history.sql`), so every write path, imports included, is covered.

use super::error::StoreError;
use super::messages::role_name;
use super::Store;
use crate::conversation::{Role, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Marks the start of a highlighted match inside raw snippets (a private-use character).
const MARK_OPEN: char = '\u{E000}';
/// Marks the end of a highlighted match inside raw snippets.
const MARK_CLOSE: char = '\u{E001}';
/// Tokens of context a snippet shows around the matches.
const SNIPPET_TOKENS: i64 = 16;

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct SearchQuery {
    /// Words to find (all must occur; the last one also matches as a prefix). FTS syntax is not
    /// interpreted: quotes and operators are searched as text.
    pub text: String,
    /// Only answers from this provider id.
    #[serde(default)]
    pub provider: Option<String>,
    /// Only answers from this model.
    #[serde(default)]
    pub model: Option<String>,
    /// Only messages created at or after this time.
    #[serde(default)]
    pub since: Option<Timestamp>,
    /// Only messages created before this time.
    #[serde(default)]
    pub until: Option<Timestamp>,
    /// Most hits returned (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
}

impl SearchQuery {
    /// A query for `text` with no filters.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..Default::default()
        }
    }

    fn has_message_filters(&self) -> bool {
        self.provider.is_some()
            || self.model.is_some()
            || self.since.is_some()
            || self.until.is_some()
    }
}

/// One piece of a snippet: plain or highlighted (a match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub highlighted: bool,
}

/// One search result: a message, or a conversation whose title matched (`message_id` is then
/// `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    /// The conversation.
    pub conversation_id: String,
    /// Its title.
    pub conversation_title: String,
    /// The matching message, or `None` for a title match.
    pub message_id: Option<String>,
    /// Who wrote the message.
    pub role: Option<Role>,
    /// The provider of an answer.
    pub provider: Option<String>,
    /// The model of an answer.
    pub model: Option<String>,
    /// When the message (or conversation) was created.
    pub created_at: Timestamp,
    /// The matching text around the matches.
    pub snippet: Vec<SnippetPart>,
    /// bm25 score: lower is better (title matches and message matches are ranked separately;
    /// title matches come first).
    pub score: f64,
}

impl SearchHit {
    /// The snippet as one string with each match wrapped in `open` … `close`.
    pub fn snippet_marked(&self, open: &str, close: &str) -> String {
        let mut out = String::new();
        for part in &self.snippet {
            if part.highlighted {
                out.push_str(open);
                out.push_str(&part.text);
                out.push_str(close);
            } else {
                out.push_str(&part.text);
            }
        }
        out
    }
}

impl Store {
    /// Searches titles and message text; see [`SearchQuery`]. Title matches come first (only
    /// when no provider/model/date filter is set), then messages by rank.
    pub async fn search(&self, query: SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        self.read(move |conn| search(conn, &query)).await
    }
}

/// Runs a search on a connection.
pub(super) fn search(conn: &Connection, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
    let Some(expression) = match_expression(&query.text) else {
        return Ok(Vec::new());
    };
    let limit = query.limit.unwrap_or(20).clamp(1, 1000);
    let mut hits = if query.has_message_filters() {
        Vec::new()
    } else {
        title_hits(conn, &expression, limit)?
    };
    let remaining = limit.saturating_sub(u32::try_from(hits.len()).unwrap_or(limit));
    if remaining > 0 {
        hits.extend(message_hits(conn, &expression, query, remaining)?);
    }
    Ok(hits)
}

/// Turns user text into a safe FTS5 expression: every word quoted (so no syntax is
/// interpreted), all required, the last also as a prefix. `None` when there is no word.
pub(super) fn match_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut expression = rest.join(" ");
    if !expression.is_empty() {
        expression.push(' ');
    }
    expression.push_str(last);
    expression.push('*');
    Some(expression)
}

fn title_hits(
    conn: &Connection,
    expression: &str,
    limit: u32,
) -> Result<Vec<SearchHit>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.title, c.created_at, highlight(conversation_fts, 0, ?2, ?3), f.rank
         FROM conversation_fts AS f JOIN conversations AS c ON c.seq = f.rowid
         WHERE conversation_fts MATCH ?1 AND c.deleted_at IS NULL
         ORDER BY f.rank LIMIT ?4",
    )?;
    let hits = statement
        .query_map(
            params![
                expression,
                MARK_OPEN.to_string(),
                MARK_CLOSE.to_string(),
                limit
            ],
            |row| {
                Ok(SearchHit {
                    conversation_id: row.get(0)?,
                    conversation_title: row.get(1)?,
                    message_id: None,
                    role: None,
                    provider: None,
                    model: None,
                    created_at: row.get(2)?,
                    snippet: split_snippet(&row.get::<_, String>(3)?),
                    score: row.get(4)?,
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(hits)
}

fn message_hits(
    conn: &Connection,
    expression: &str,
    query: &SearchQuery,
    limit: u32,
) -> Result<Vec<SearchHit>, StoreError> {
    // Rank first (cheap: ids and scores only), then build snippets for the few hits kept.
    let mut ranked = conn.prepare_cached(
        "SELECT f.rowid, f.rank, m.id, m.role, m.provider, m.model, m.created_at,
                c.id, c.title
         FROM message_fts AS f
         JOIN messages AS m ON m.seq = f.rowid
         JOIN conversations AS c ON c.id = m.conversation_id
         WHERE message_fts MATCH ?1 AND c.deleted_at IS NULL
           AND (?2 IS NULL OR m.provider = ?2) AND (?3 IS NULL OR m.model = ?3)
           AND (?4 IS NULL OR m.created_at >= ?4) AND (?5 IS NULL OR m.created_at < ?5)
         ORDER BY f.rank LIMIT ?6",
    )?;
    let rows = ranked
        .query_map(
            params![
                expression,
                query.provider,
                query.model,
                query.since,
                query.until,
                limit
            ],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    SearchHit {
                        score: row.get(1)?,
                        message_id: Some(row.get(2)?),
                        role: parse_role(&row.get::<_, String>(3)?),
                        provider: row.get(4)?,
                        model: row.get(5)?,
                        created_at: row.get(6)?,
                        conversation_id: row.get(7)?,
                        conversation_title: row.get(8)?,
                        snippet: Vec::new(),
                    },
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut snippet = conn.prepare_cached(
        "SELECT snippet(message_fts, 0, ?3, ?4, '…', ?5) FROM message_fts
         WHERE message_fts MATCH ?1 AND rowid = ?2",
    )?;
    let mut hits = Vec::with_capacity(rows.len());
    for (rowid, mut hit) in rows {
        let text: Option<String> = snippet
            .query_row(
                params![
                    expression,
                    rowid,
                    MARK_OPEN.to_string(),
                    MARK_CLOSE.to_string(),
                    SNIPPET_TOKENS
                ],
                |row| row.get(0),
            )
            .optional()?;
        hit.snippet = split_snippet(text.as_deref().unwrap_or(""));
        hits.push(hit);
    }
    Ok(hits)
}

fn parse_role(name: &str) -> Option<Role> {
    [Role::System, Role::User, Role::Assistant, Role::Tool]
        .into_iter()
        .find(|role| role_name(*role) == name)
}

/// Splits a marked snippet into plain and highlighted parts.
fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut highlighted = false;
    for ch in marked.chars() {
        let toggle = (ch == MARK_OPEN && !highlighted) || (ch == MARK_CLOSE && highlighted);
        if toggle {
            if !current.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut current),
                    highlighted,
                });
            }
            highlighted = !highlighted;
        } else if ch != MARK_OPEN && ch != MARK_CLOSE {
            current.push(ch);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart {
            text: current,
            highlighted,
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::super::testing::{answer, one_exchange, temp_store};
    use super::*;
    use crate::conversation::{Block, Message};

    fn message_ids(hits: &[SearchHit]) -> Vec<Option<&str>> {
        hits.iter().map(|h| h.message_id.as_deref()).collect()
    }

    #[test]
    fn user_text_becomes_a_safe_expression() {
        assert_eq!(match_expression("  "), None);
        assert_eq!(match_expression("rust"), Some("\"rust\"*".into()));
        assert_eq!(
            match_expression("say \"hi\" OR -x"),
            Some("\"say\" \"\"\"hi\"\"\" \"OR\" \"-x\"*".into())
        );
    }

    #[tokio::test]
    async fn search_ranks_highlights_and_covers_every_branch() {
        let (_dir, store) = temp_store();
        let (weak, _, _) = one_exchange(
            &store,
            "Tell me about cooking pasta tonight, maybe with some tomatoes and basil and cheese",
            "Boil water.",
        )
        .await;
        let (strong, _, first) =
            one_exchange(&store, "pasta pasta pasta", "Pasta is great pasta.").await;
        // An answer on a branch that is not shown is still found.
        let hidden = store.regenerate(&first, None, None).await.unwrap();
        store
            .append_delta(&hidden, "zucchini noodles instead")
            .unwrap();
        store
            .finish(&hidden, crate::store::Finish::complete(None, None))
            .await
            .unwrap();
        store.switch_branch(&first).await.unwrap();

        let hits = store.search(SearchQuery::new("pasta")).await.unwrap();
        // Title matches first: both conversations are titled from their first message.
        assert_eq!(hits[0].message_id, None);
        assert_eq!(hits[0].conversation_id, strong);
        let message_hits: Vec<&SearchHit> =
            hits.iter().filter(|h| h.message_id.is_some()).collect();
        assert_eq!(
            message_hits[0].conversation_id, strong,
            "denser match ranks first"
        );
        assert_eq!(message_hits.last().unwrap().conversation_id, weak);
        assert!(message_hits
            .windows(2)
            .all(|pair| pair[0].score <= pair[1].score));
        assert!(hits[0]
            .snippet
            .iter()
            .any(|part| part.highlighted && part.text.eq_ignore_ascii_case("pasta")));
        assert!(message_hits[0].snippet_marked("[", "]").contains("[pasta]"));

        let hidden_hits = store.search(SearchQuery::new("zucchini")).await.unwrap();
        assert_eq!(message_ids(&hidden_hits), [Some(hidden.as_str())]);
        // Prefix search on the last word.
        assert_eq!(
            store.search(SearchQuery::new("zucch")).await.unwrap().len(),
            1
        );
        // Characters that are FTS syntax are just text.
        assert!(store.search(SearchQuery::new("\"(pasta")).await.is_ok());
    }

    #[tokio::test]
    async fn search_covers_reasoning_and_tool_results_and_filters() {
        let (_dir, store) = temp_store();
        let conversation = store
            .create_conversation(Some("Tools".into()))
            .await
            .unwrap();
        store
            .append_message(&conversation.id, Message::user("list the files"))
            .await
            .unwrap();
        let mut thinking = answer("", "claude", "opus");
        thinking.blocks = vec![
            Block::Reasoning {
                text: "I should call the directory tool".into(),
                opaque: None,
            },
            Block::ToolCall {
                id: "c1".into(),
                name: "files.list".into(),
                arguments: serde_json::json!({"secretive_argument": 1}),
                opaque: None,
            },
        ];
        let thinking = store
            .append_message(&conversation.id, thinking)
            .await
            .unwrap();
        let result = store
            .append_message(
                &conversation.id,
                Message::new(
                    crate::conversation::Role::Tool,
                    vec![Block::ToolResult {
                        call_id: "c1".into(),
                        content: "readme.md manifest.toml".into(),
                        is_error: false,
                    }],
                ),
            )
            .await
            .unwrap();
        let other = store
            .append_message(
                &conversation.id,
                answer("the manifest is there", "openai", "gpt"),
            )
            .await
            .unwrap();

        let hits = store.search(SearchQuery::new("directory")).await.unwrap();
        assert_eq!(message_ids(&hits), [Some(thinking.id.as_str())]);
        let hits = store.search(SearchQuery::new("manifest")).await.unwrap();
        assert_eq!(hits.len(), 2);
        assert!(store
            .search(SearchQuery::new("secretive_argument"))
            .await
            .unwrap()
            .is_empty());

        let by_provider = SearchQuery {
            provider: Some("openai".into()),
            ..SearchQuery::new("manifest")
        };
        let hits = store.search(by_provider).await.unwrap();
        assert_eq!(message_ids(&hits), [Some(other.id.as_str())]);
        let by_model = SearchQuery {
            model: Some("opus".into()),
            ..SearchQuery::new("directory")
        };
        assert_eq!(store.search(by_model).await.unwrap().len(), 1);
        let too_late = SearchQuery {
            since: Some(other.created_at + 1),
            ..SearchQuery::new("manifest")
        };
        assert!(store.search(too_late).await.unwrap().is_empty());
        let window = SearchQuery {
            since: Some(result.created_at),
            until: Some(other.created_at + 1),
            ..SearchQuery::new("manifest")
        };
        assert_eq!(store.search(window).await.unwrap().len(), 2);
        let title = store.search(SearchQuery::new("tools")).await.unwrap();
        assert_eq!(title[0].message_id, None);
        assert_eq!(title[0].conversation_title, "Tools");

        store.trash_conversation(&conversation.id).await.unwrap();
        assert!(store
            .search(SearchQuery::new("manifest"))
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn renaming_reindexes_the_title() {
        let (_dir, store) = temp_store();
        let (id, _, _) = one_exchange(&store, "hello", "hi").await;
        store
            .rename_conversation(&id, "Quarterly taxes")
            .await
            .unwrap();
        let hits = store.search(SearchQuery::new("quarterly")).await.unwrap();
        assert_eq!(hits.len(), 1);
        assert!(store.search(SearchQuery::new("hello")).await.unwrap()[0]
            .message_id
            .is_some());
    }
}
