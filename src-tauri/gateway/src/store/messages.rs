//! Messages as a tree: appending (which moves the conversation's current leaf), editing a user
//! message into a new branch, regenerating an answer as a sibling, switching branches, and
//! loading the current path (root → leaf) and a message's siblings.

use super::error::StoreError;
use super::streaming::blocks_json;
use super::title::auto_title;
use super::Store;
use crate::conversation::{now_ms, Block, Message, MessageStatus, Role, Usage};
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

/// The columns [`message_from_row`] reads, in order.
pub(super) const MESSAGE_COLUMNS: &str =
    "id, parent_id, role, blocks, provider, model, usage, cost_usd, status, error, created_at";

impl Store {
    /// Appends a message after the conversation's current leaf (its `parent_id` is replaced by
    /// that leaf), makes it the new leaf and returns it as stored. The first user message also
    /// gives an untitled conversation its automatic title.
    pub async fn append_message(
        &self,
        conversation_id: &str,
        mut message: Message,
    ) -> Result<Message, StoreError> {
        let conversation_id = conversation_id.to_owned();
        self.write(move |tx| {
            message.parent_id = current_leaf(tx, &conversation_id)?;
            insert_message(tx, &conversation_id, &message)?;
            set_current_leaf(tx, &conversation_id, &message.id)?;
            Ok(message)
        })
        .await
    }

    /// Edits a user message: stores `blocks` as a new user message beside it (same parent), which
    /// starts a new branch and becomes the current leaf. The original is kept.
    pub async fn edit_user_message(
        &self,
        message_id: &str,
        blocks: Vec<Block>,
    ) -> Result<Message, StoreError> {
        let message_id = message_id.to_owned();
        self.write(move |tx| {
            let (conversation_id, original) = load_message_with_conversation(tx, &message_id)?;
            if original.role != Role::User {
                return Err(StoreError::WrongRole {
                    id: message_id,
                    expected: Role::User,
                });
            }
            let mut edited = Message::new(Role::User, blocks);
            edited.parent_id = original.parent_id;
            insert_message(tx, &conversation_id, &edited)?;
            set_current_leaf(tx, &conversation_id, &edited.id)?;
            Ok(edited)
        })
        .await
    }

    /// Starts a new answer beside an assistant message (same parent), with status `streaming`,
    /// from `provider`/`model` (default: the original's), makes it the current leaf and returns
    /// its id. Stream into it with [`Store::append_delta`] and end it with [`Store::finish`].
    pub async fn regenerate(
        &self,
        assistant_message_id: &str,
        provider: Option<String>,
        model: Option<String>,
    ) -> Result<String, StoreError> {
        let message_id = assistant_message_id.to_owned();
        self.write(move |tx| {
            let (conversation_id, original) = load_message_with_conversation(tx, &message_id)?;
            if original.role != Role::Assistant {
                return Err(StoreError::WrongRole {
                    id: message_id,
                    expected: Role::Assistant,
                });
            }
            let mut answer = Message::new(Role::Assistant, Vec::new());
            answer.parent_id = original.parent_id;
            answer.provider = provider.or(original.provider);
            answer.model = model.or(original.model);
            answer.status = MessageStatus::Streaming;
            insert_message(tx, &conversation_id, &answer)?;
            set_current_leaf(tx, &conversation_id, &answer.id)?;
            Ok(answer.id)
        })
        .await
    }

    /// Shows the branch through `message_id`: the current leaf becomes the deepest message under
    /// it (following the newest child at each step). Returns the new leaf's id.
    pub async fn switch_branch(&self, message_id: &str) -> Result<String, StoreError> {
        let message_id = message_id.to_owned();
        self.write(move |tx| {
            let conversation_id = message_conversation(tx, &message_id)?;
            let leaf = deepest_leaf(tx, &message_id)?;
            set_current_leaf(tx, &conversation_id, &leaf)?;
            Ok(leaf)
        })
        .await
    }

    /// The conversation's current path, root first, ending at its current leaf.
    pub async fn current_path(&self, conversation_id: &str) -> Result<Vec<Message>, StoreError> {
        let conversation_id = conversation_id.to_owned();
        self.read(move |conn| match current_leaf(conn, &conversation_id)? {
            Some(leaf) => load_path(conn, &leaf),
            None => Ok(Vec::new()),
        })
        .await
    }

    /// The path from the root down to `message_id` (inclusive): the context of an answer.
    pub async fn path_to(&self, message_id: &str) -> Result<Vec<Message>, StoreError> {
        let message_id = message_id.to_owned();
        self.read(move |conn| load_path(conn, &message_id)).await
    }

    /// The messages sharing `message_id`'s parent (itself included), oldest first: the choices
    /// of a branch switcher.
    pub async fn siblings(&self, message_id: &str) -> Result<Vec<Message>, StoreError> {
        let message_id = message_id.to_owned();
        self.read(move |conn| load_siblings(conn, &message_id))
            .await
    }

    /// One message.
    pub async fn message(&self, message_id: &str) -> Result<Message, StoreError> {
        let message_id = message_id.to_owned();
        self.read(move |conn| load_message_with_conversation(conn, &message_id).map(|(_, m)| m))
            .await
    }
}

/// Inserts a message as given (its `parent_id` is kept), bumps the conversation's `updated_at`
/// and derives the title from the first user message of an untitled conversation.
pub(super) fn insert_message(
    tx: &Transaction,
    conversation_id: &str,
    message: &Message,
) -> Result<(), StoreError> {
    let usage = message
        .usage
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|source| StoreError::CorruptRow {
            id: message.id.clone(),
            source,
        })?;
    let inserted = tx.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, blocks, provider, model,
                               usage, cost_usd, status, error, created_at, updated_at)
         SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12
         FROM conversations WHERE id = ?2",
        params![
            message.id,
            conversation_id,
            message.parent_id,
            role_name(message.role),
            blocks_json(&message.blocks)?,
            message.provider,
            message.model,
            usage,
            message.cost_usd,
            message.status.as_str(),
            message.error,
            message.created_at,
        ],
    )?;
    if inserted == 0 {
        return Err(StoreError::ConversationNotFound(conversation_id.to_owned()));
    }
    if message.role == Role::User {
        let title = auto_title(&message.text());
        if !title.is_empty() {
            tx.execute(
                "UPDATE conversations SET title = ?2 WHERE id = ?1 AND title = ''",
                params![conversation_id, title],
            )?;
        }
    }
    touch_conversation(tx, conversation_id)
}

/// Sets the conversation's current leaf.
pub(super) fn set_current_leaf(
    tx: &Transaction,
    conversation_id: &str,
    leaf: &str,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE conversations SET current_leaf = ?2 WHERE id = ?1",
        params![conversation_id, leaf],
    )?;
    if changed == 0 {
        return Err(StoreError::ConversationNotFound(conversation_id.to_owned()));
    }
    Ok(())
}

/// Marks the conversation as changed now.
pub(super) fn touch_conversation(
    tx: &Transaction,
    conversation_id: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE conversations SET updated_at = max(updated_at, ?2) WHERE id = ?1",
        params![conversation_id, now_ms()],
    )?;
    Ok(())
}

/// The conversation's current leaf (`None` when it has no messages).
pub(super) fn current_leaf(
    conn: &Connection,
    conversation_id: &str,
) -> Result<Option<String>, StoreError> {
    conn.query_row(
        "SELECT current_leaf FROM conversations WHERE id = ?1",
        [conversation_id],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::ConversationNotFound(conversation_id.to_owned()))
}

/// The conversation a message belongs to.
pub(super) fn message_conversation(
    conn: &Connection,
    message_id: &str,
) -> Result<String, StoreError> {
    conn.query_row(
        "SELECT conversation_id FROM messages WHERE id = ?1",
        [message_id],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::MessageNotFound(message_id.to_owned()))
}

/// One message and the id of its conversation.
pub(super) fn load_message_with_conversation(
    conn: &Connection,
    message_id: &str,
) -> Result<(String, Message), StoreError> {
    let sql = format!("SELECT conversation_id, {MESSAGE_COLUMNS} FROM messages WHERE id = ?1");
    conn.query_row(&sql, [message_id], |row| {
        Ok((row.get::<_, String>(0)?, message_from_row(row, 1)?))
    })
    .optional()?
    .ok_or_else(|| StoreError::MessageNotFound(message_id.to_owned()))
}

/// The path from the root to `message_id`, root first.
pub(super) fn load_path(conn: &Connection, message_id: &str) -> Result<Vec<Message>, StoreError> {
    let sql = format!(
        "WITH RECURSIVE path (id, depth) AS (
             SELECT ?1, 0
             UNION ALL
             SELECT m.parent_id, path.depth + 1 FROM messages AS m JOIN path ON m.id = path.id
             WHERE m.parent_id IS NOT NULL
         )
         SELECT {MESSAGE_COLUMNS} FROM messages JOIN path USING (id) ORDER BY path.depth DESC"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let path = statement
        .query_map([message_id], |row| message_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    if path.is_empty() {
        return Err(StoreError::MessageNotFound(message_id.to_owned()));
    }
    Ok(path)
}

/// The children of the same parent as `message_id` (itself included), oldest first.
pub(super) fn load_siblings(
    conn: &Connection,
    message_id: &str,
) -> Result<Vec<Message>, StoreError> {
    let (conversation_id, message) = load_message_with_conversation(conn, message_id)?;
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = ?1 AND parent_id IS ?2 ORDER BY seq"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let siblings = statement
        .query_map(params![conversation_id, message.parent_id], |row| {
            message_from_row(row, 0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(siblings)
}

/// Follows the newest child from `message_id` down to a leaf.
pub(super) fn deepest_leaf(conn: &Connection, message_id: &str) -> Result<String, StoreError> {
    message_conversation(conn, message_id)?;
    let mut statement = conn
        .prepare_cached("SELECT id FROM messages WHERE parent_id = ?1 ORDER BY seq DESC LIMIT 1")?;
    let mut leaf = message_id.to_owned();
    while let Some(child) = statement
        .query_row([&leaf], |row| row.get::<_, String>(0))
        .optional()?
    {
        leaf = child;
    }
    Ok(leaf)
}

/// Reads a message from [`MESSAGE_COLUMNS`] starting at column `first`.
pub(super) fn message_from_row(row: &Row, first: usize) -> rusqlite::Result<Message> {
    let column = |offset: usize| first + offset;
    let role: String = row.get(column(2))?;
    let blocks: String = row.get(column(3))?;
    let usage: Option<String> = row.get(column(6))?;
    let status: String = row.get(column(8))?;
    Ok(Message {
        id: row.get(column(0))?,
        parent_id: row.get(column(1))?,
        role: parse_role(&role).ok_or_else(|| bad_value(column(2), format!("role '{role}'")))?,
        blocks: serde_json::from_str::<Vec<Block>>(&blocks).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(column(3), Type::Text, e.into())
        })?,
        provider: row.get(column(4))?,
        model: row.get(column(5))?,
        usage: usage
            .map(|u| serde_json::from_str::<Usage>(&u))
            .transpose()
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(column(6), Type::Text, e.into())
            })?,
        cost_usd: row.get(column(7))?,
        status: status
            .parse::<MessageStatus>()
            .map_err(|e| bad_value(column(8), e))?,
        error: row.get(column(9))?,
        created_at: row.get(column(10))?,
    })
}

fn bad_value(column: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, what.into())
}

/// The stable lower-case name of a role, as stored.
pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    }
}

fn parse_role(name: &str) -> Option<Role> {
    Some(match name {
        "system" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" => Role::Tool,
        _ => return None,
    })
}
