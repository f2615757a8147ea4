//! Export and import in Hearth's JSON format (documented in `docs/export-format.md`).
//!
//! The document holds every message of every branch with all its fields, so importing it is
//! lossless. Importing a conversation that already exists (same id) skips it and reports it,
//! so importing the same file twice never duplicates anything.

use super::conversations::load_entry;
use super::error::StoreError;
use super::messages::{insert_message_row, message_from_row, MESSAGE_COLUMNS};
use super::Store;
use crate::conversation::{now_ms, Conversation, Message, Timestamp, MODEL_VERSION};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The `format` field of every export.
pub const EXPORT_FORMAT: &str = "hearth.conversations";

/// The newest export format version this binary writes and reads.
pub const EXPORT_VERSION: u32 = 1;

/// A JSON export: one or more conversations with all their branches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The export format version ([`EXPORT_VERSION`] when written by this binary).
    pub version: u32,
    /// The conversation model version of the messages ([`MODEL_VERSION`]).
    pub model_version: u32,
    /// When the export was made.
    pub exported_at: Timestamp,
    /// The conversations.
    pub conversations: Vec<ExportedConversation>,
}

/// One exported conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedConversation {
    /// Its metadata (id, title, timestamps, pinned, archived, current leaf).
    #[serde(flatten)]
    pub conversation: Conversation,
    /// When it was moved to the trash, if it was there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    /// Every message on every branch; parents always come before their children.
    pub messages: Vec<Message>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    /// Ids of the conversations imported.
    pub imported: Vec<String>,
    /// Ids of the conversations skipped because a conversation with that id already exists.
    pub skipped_existing: Vec<String>,
}

/// Just enough of a document to check its format and version before reading the rest.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

impl ExportDocument {
    /// A document holding `conversations`, stamped now.
    pub fn new(conversations: Vec<ExportedConversation>) -> Self {
        ExportDocument {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            model_version: MODEL_VERSION,
            exported_at: now_ms(),
            conversations,
        }
    }

    /// Parses and checks a JSON export (format name and version first, for a clear error).
    pub fn from_json(json: &str) -> Result<Self, StoreError> {
        let header: Header = serde_json::from_str(json).map_err(StoreError::ImportFormat)?;
        if header.format != EXPORT_FORMAT {
            return Err(StoreError::InvalidExport(format!(
                "format is '{}', expected '{EXPORT_FORMAT}'",
                header.format
            )));
        }
        if header.version > EXPORT_VERSION {
            return Err(StoreError::UnsupportedExportVersion {
                found: header.version,
                supported: EXPORT_VERSION,
            });
        }
        serde_json::from_str(json).map_err(StoreError::ImportFormat)
    }

    /// The document as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, StoreError> {
        serde_json::to_string_pretty(self).map_err(StoreError::ImportFormat)
    }
}

impl Store {
    /// Exports the given conversations, or (with `None`) every conversation not in the trash.
    pub async fn export(&self, ids: Option<Vec<String>>) -> Result<ExportDocument, StoreError> {
        self.read(move |conn| {
            let ids = match ids {
                Some(ids) => ids,
                None => all_ids(conn)?,
            };
            let conversations = ids
                .iter()
                .map(|id| export_conversation(conn, id))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ExportDocument::new(conversations))
        })
        .await
    }

    /// Imports a document in one transaction: all of it or nothing. Conversations whose id
    /// already exists are skipped and reported.
    pub async fn import(&self, document: ExportDocument) -> Result<ImportReport, StoreError> {
        if document.version > EXPORT_VERSION {
            return Err(StoreError::UnsupportedExportVersion {
                found: document.version,
                supported: EXPORT_VERSION,
            });
        }
        self.write(move |tx| import(tx, document)).await
    }
}

fn all_ids(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement =
        conn.prepare("SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY seq")?;
    let ids = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

/// One conversation with every message, in insertion order (parents first).
pub(super) fn export_conversation(
    conn: &Connection,
    id: &str,
) -> Result<ExportedConversation, StoreError> {
    let entry = load_entry(conn, id)?;
    let sql =
        format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY seq");
    let mut statement = conn.prepare_cached(&sql)?;
    let messages = statement
        .query_map([id], |row| message_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ExportedConversation {
        conversation: entry.conversation,
        deleted_at: entry.deleted_at,
        messages,
    })
}

fn import(tx: &Transaction, document: ExportDocument) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    for exported in document.conversations {
        let id = exported.conversation.id.clone();
        let exists = tx
            .query_row("SELECT 1 FROM conversations WHERE id = ?1", [&id], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        if exists {
            report.skipped_existing.push(id);
            continue;
        }
        import_conversation(tx, exported)?;
        report.imported.push(id);
    }
    Ok(report)
}

fn import_conversation(tx: &Transaction, exported: ExportedConversation) -> Result<(), StoreError> {
    let conversation = &exported.conversation;
    let messages = parents_first(&conversation.id, exported.messages)?;
    if let Some(leaf) = &conversation.current_leaf {
        if !messages.iter().any(|m| &m.id == leaf) {
            return Err(StoreError::InvalidExport(format!(
                "conversation {}: current leaf {leaf} is not one of its messages",
                conversation.id
            )));
        }
    }
    tx.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, pinned, archived, deleted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            conversation.id,
            conversation.title,
            conversation.created_at,
            conversation.updated_at,
            conversation.pinned,
            conversation.archived,
            exported.deleted_at
        ],
    )?;
    for message in &messages {
        let taken = tx
            .query_row(
                "SELECT conversation_id FROM messages WHERE id = ?1",
                [&message.id],
                |row| row.get::<_, String>(0),
            )
            .optional()?;
        if let Some(owner) = taken {
            return Err(StoreError::InvalidExport(format!(
                "message {} already exists in conversation {owner}",
                message.id
            )));
        }
        insert_message_row(tx, &conversation.id, message)?;
    }
    tx.execute(
        "UPDATE conversations SET current_leaf = ?2 WHERE id = ?1",
        params![conversation.id, conversation.current_leaf],
    )?;
    Ok(())
}

/// Orders messages so every parent precedes its children, checking that parents exist in the
/// same conversation and ids are unique.
fn parents_first(
    conversation_id: &str,
    messages: Vec<Message>,
) -> Result<Vec<Message>, StoreError> {
    let invalid =
        |what: String| StoreError::InvalidExport(format!("conversation {conversation_id}: {what}"));
    let original_order: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    let mut ids = HashSet::new();
    for message in &messages {
        if !ids.insert(message.id.clone()) {
            return Err(invalid(format!("message {} appears twice", message.id)));
        }
    }
    let mut seen = HashSet::new();
    let already_ordered = messages.iter().all(|message| {
        let ok = message.parent_id.as_ref().is_none_or(|p| seen.contains(p));
        seen.insert(message.id.clone());
        ok
    });
    let mut children: HashMap<Option<String>, Vec<Message>> = HashMap::new();
    for message in messages {
        if let Some(parent) = &message.parent_id {
            if !ids.contains(parent) {
                return Err(invalid(format!(
                    "message {} has parent {parent}, which is not in the conversation",
                    message.id
                )));
            }
        }
        children
            .entry(message.parent_id.clone())
            .or_default()
            .push(message);
    }
    if already_ordered {
        // Keep the exported order (it is the insertion order, which sibling order follows).
        let mut ordered: Vec<Message> = children.into_values().flatten().collect();
        let position: HashMap<String, usize> = original_order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        ordered.sort_by_key(|m| position.get(&m.id).copied().unwrap_or(usize::MAX));
        return Ok(ordered);
    }
    let mut ordered = Vec::with_capacity(ids.len());
    let mut queue: Vec<Message> = children.remove(&None).unwrap_or_default();
    queue.reverse();
    while let Some(message) = queue.pop() {
        let mut kids = children
            .remove(&Some(message.id.clone()))
            .unwrap_or_default();
        ordered.push(message);
        kids.reverse();
        queue.extend(kids);
    }
    if ordered.len() != ids.len() {
        return Err(invalid("its messages contain a cycle".to_owned()));
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{answer, temp_store};
    use super::*;
    use crate::conversation::{Block, MessageStatus, Opaque, Role, Usage};
    use crate::store::Finish;

    /// A conversation with an edited question (two branches), a regenerated answer, reasoning
    /// with opaque data, a tool call and its result, usage and an interrupted answer.
    async fn rich_conversation(store: &Store) -> String {
        let conversation = store.create_conversation(None).await.unwrap();
        let id = conversation.id;
        let question = store
            .append_message(&id, Message::user("Read notes.txt"))
            .await
            .unwrap();
        let mut call = answer("", "claude", "sonnet");
        call.blocks = vec![
            Block::Reasoning {
                text: "Need the file".into(),
                opaque: Some(Opaque {
                    provider_kind: "anthropic".into(),
                    provider_id: "claude".into(),
                    kind: "signature".into(),
                    data: "c2lnbmF0dXJl".into(),
                    item_id: None,
                }),
            },
            Block::ToolCall {
                id: "call-1".into(),
                name: "files.read".into(),
                arguments: serde_json::json!({"path": "notes.txt"}),
                opaque: None,
            },
        ];
        call.usage = Some(Usage {
            input_tokens: 10,
            output_tokens: 20,
            cached_input_tokens: 3,
            reasoning_tokens: 4,
        });
        call.cost_usd = Some(0.0012);
        let call = store.append_message(&id, call).await.unwrap();
        store
            .append_message(
                &id,
                Message::new(
                    Role::Tool,
                    vec![Block::ToolResult {
                        call_id: "call-1".into(),
                        content: "buy milk".into(),
                        is_error: false,
                    }],
                ),
            )
            .await
            .unwrap();
        store
            .append_message(&id, answer("It says: buy milk.", "claude", "sonnet"))
            .await
            .unwrap();
        let regenerated = store
            .regenerate(&call.id, Some("openai".into()), Some("gpt-5".into()))
            .await
            .unwrap();
        store.append_delta(&regenerated, "I could not").unwrap();
        store
            .finish(
                &regenerated,
                Finish {
                    status: MessageStatus::Interrupted,
                    usage: None,
                    cost_usd: None,
                    error: None,
                },
            )
            .await
            .unwrap();
        store
            .edit_user_message(&question.id, vec![Block::text("Read todo.txt")])
            .await
            .unwrap();
        store.switch_branch(&question.id).await.unwrap();
        store.set_pinned(&id, true).await.unwrap();
        id
    }

    #[tokio::test]
    async fn json_export_round_trips_losslessly() {
        let (_dir, source) = temp_store();
        let id = rich_conversation(&source).await;
        let exported = source.export(Some(vec![id.clone()])).await.unwrap();
        assert_eq!(exported.conversations[0].messages.len(), 6);
        let json = exported.to_json().unwrap();

        let (_dir2, target) = temp_store();
        let report = target
            .import(ExportDocument::from_json(&json).unwrap())
            .await
            .unwrap();
        assert_eq!(report.imported, vec![id.clone()]);
        let again = target.export(None).await.unwrap();
        assert_eq!(again.conversations, exported.conversations);
        // The imported tree behaves like the original.
        assert_eq!(
            target.current_path(&id).await.unwrap(),
            source.current_path(&id).await.unwrap()
        );
        let found = target
            .search(crate::store::SearchQuery::new("milk"))
            .await
            .unwrap();
        assert!(!found.is_empty());
    }

    #[tokio::test]
    async fn importing_twice_skips_and_reports_existing_conversations() {
        let (_dir, store) = temp_store();
        let id = rich_conversation(&store).await;
        let document = store.export(None).await.unwrap();
        let report = store.import(document.clone()).await.unwrap();
        assert!(report.imported.is_empty());
        assert_eq!(report.skipped_existing, vec![id]);
        let count: i64 = store
            .read(|conn| Ok(conn.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(count, 6);
    }

    #[tokio::test]
    async fn bad_documents_are_refused_clearly_and_import_nothing() {
        let (_dir, store) = temp_store();
        assert!(matches!(
            ExportDocument::from_json("not json"),
            Err(StoreError::ImportFormat(_))
        ));
        assert!(matches!(
            ExportDocument::from_json(r#"{"format":"other","version":1}"#),
            Err(StoreError::InvalidExport(_))
        ));
        assert!(matches!(
            ExportDocument::from_json(r#"{"format":"hearth.conversations","version":99}"#),
            Err(StoreError::UnsupportedExportVersion { found: 99, .. })
        ));
        let id = rich_conversation(&store).await;
        let mut document = store.export(None).await.unwrap();
        let (_dir2, target) = temp_store();
        document.conversations[0].messages[2].parent_id = Some("missing".into());
        let error = target.import(document).await.unwrap_err();
        assert!(matches!(error, StoreError::InvalidExport(_)), "{error}");
        assert!(matches!(
            target.conversation(&id).await,
            Err(StoreError::ConversationNotFound(_))
        ));
    }

    #[tokio::test]
    async fn children_listed_before_parents_are_reordered() {
        let (_dir, store) = temp_store();
        let id = rich_conversation(&store).await;
        let mut document = store.export(None).await.unwrap();
        document.conversations[0].messages.reverse();
        let (_dir2, target) = temp_store();
        let report = target.import(document).await.unwrap();
        assert_eq!(report.imported, vec![id.clone()]);
        assert_eq!(
            target.current_path(&id).await.unwrap(),
            store.current_path(&id).await.unwrap()
        );
    }
}
