//! Messages as a tree: appending (which moves the conversation's current leaf), editing a user
//! message into a new branch, regenerating an answer as a sibling, switching branches, and
//! loading the current path (root → leaf) and a message's siblings.

use super::branches::load_path;
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
    insert_message_row(tx, conversation_id, message)?;
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

/// Inserts a message row exactly as given, changing nothing else (imports use it).
pub(super) fn insert_message_row(
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
    Ok(())
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
    let (mut message, blocks) = message_without_blocks(row, first)?;
    message.blocks = serde_json::from_str::<Vec<Block>>(&blocks)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(first + 3, Type::Text, e.into()))?;
    Ok(message)
}

/// Reads a message without decoding its blocks, which are returned as JSON.
pub(super) fn message_without_blocks(
    row: &Row,
    first: usize,
) -> rusqlite::Result<(Message, String)> {
    let column = |offset: usize| first + offset;
    let role: String = row.get(column(2))?;
    let usage: Option<String> = row.get(column(6))?;
    let status: String = row.get(column(8))?;
    let message = Message {
        id: row.get(column(0))?,
        parent_id: row.get(column(1))?,
        role: parse_role(&role).ok_or_else(|| bad_value(column(2), format!("role '{role}'")))?,
        blocks: Vec::new(),
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
    };
    Ok((message, row.get(column(3))?))
}

pub(super) fn decode_blocks(message_id: &str, json: &str) -> Result<Vec<Block>, StoreError> {
    serde_json::from_str(json).map_err(|source| StoreError::CorruptRow {
        id: message_id.to_owned(),
        source,
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

#[cfg(test)]
mod tests {
    use super::super::testing::{answer, one_exchange, temp_store};
    use super::*;

    fn texts(path: &[Message]) -> Vec<String> {
        path.iter().map(Message::text).collect()
    }

    #[tokio::test]
    async fn appending_builds_the_current_path_and_titles_the_conversation() {
        let (_dir, store) = temp_store();
        let (conversation, user, assistant) =
            one_exchange(&store, "What is a borrow?\nmore detail", "A reference.").await;
        let path = store.current_path(&conversation).await.unwrap();
        assert_eq!(
            texts(&path),
            ["What is a borrow?\nmore detail", "A reference."]
        );
        assert_eq!(path[0].parent_id, None);
        assert_eq!(path[1].parent_id.as_deref(), Some(user.as_str()));
        let entry = store.conversation(&conversation).await.unwrap();
        assert_eq!(entry.conversation.title, "What is a borrow?");
        assert_eq!(
            entry.conversation.current_leaf.as_deref(),
            Some(assistant.as_str())
        );
        assert_eq!(entry.message_count, 2);
    }

    #[tokio::test]
    async fn editing_a_user_message_starts_a_new_branch() {
        let (_dir, store) = temp_store();
        let (conversation, user, _) = one_exchange(&store, "first try", "answer one").await;
        let edited = store
            .edit_user_message(&user, vec![Block::text("second try")])
            .await
            .unwrap();
        assert_eq!(edited.parent_id, None);
        let path = store.current_path(&conversation).await.unwrap();
        assert_eq!(texts(&path), ["second try"]);
        let reply = store
            .append_message(&conversation, answer("answer two", "openai", "gpt"))
            .await
            .unwrap();
        assert_eq!(reply.parent_id.as_deref(), Some(edited.id.as_str()));
        let siblings = store.siblings(&edited.id).await.unwrap();
        assert_eq!(texts(&siblings), ["first try", "second try"]);
        // The title stays the one derived from the first message.
        let entry = store.conversation(&conversation).await.unwrap();
        assert_eq!(entry.conversation.title, "first try");
    }

    #[tokio::test]
    async fn editing_an_answer_is_refused() {
        let (_dir, store) = temp_store();
        let (_, _, assistant) = one_exchange(&store, "q", "a").await;
        let result = store.edit_user_message(&assistant, vec![]).await;
        assert!(matches!(
            result,
            Err(StoreError::WrongRole {
                expected: Role::User,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn regenerating_makes_a_sibling_answer_with_another_model() {
        let (_dir, store) = temp_store();
        let (conversation, user, first) = one_exchange(&store, "q", "first answer").await;
        let second = store
            .regenerate(&first, Some("openai".into()), Some("gpt-5".into()))
            .await
            .unwrap();
        store.append_delta(&second, "second answer").unwrap();
        store
            .finish(&second, super::super::Finish::complete(None, None))
            .await
            .unwrap();
        let siblings = store.siblings(&second).await.unwrap();
        assert_eq!(texts(&siblings), ["first answer", "second answer"]);
        assert_eq!(siblings[1].parent_id.as_deref(), Some(user.as_str()));
        assert_eq!(siblings[1].provider.as_deref(), Some("openai"));
        assert_eq!(siblings[1].model.as_deref(), Some("gpt-5"));
        assert_eq!(siblings[1].status, MessageStatus::Complete);
        let path = store.current_path(&conversation).await.unwrap();
        assert_eq!(texts(&path), ["q", "second answer"]);
        // Regenerating without a model keeps the original's.
        let third = store.regenerate(&first, None, None).await.unwrap();
        let third = store.message(&third).await.unwrap();
        assert_eq!(third.model.as_deref(), Some("sonnet"));
    }

    #[tokio::test]
    async fn switching_branches_goes_to_the_deepest_leaf() {
        let (_dir, store) = temp_store();
        let (conversation, _, first) = one_exchange(&store, "q", "a1").await;
        let follow_up = store
            .append_message(&conversation, Message::user("follow up"))
            .await
            .unwrap();
        let deep = store
            .append_message(&conversation, answer("deep", "claude", "sonnet"))
            .await
            .unwrap();
        let second = store.regenerate(&first, None, None).await.unwrap();
        assert_eq!(
            store.current_path(&conversation).await.unwrap().len(),
            2,
            "the regenerated answer is the leaf"
        );
        let leaf = store.switch_branch(&first).await.unwrap();
        assert_eq!(leaf, deep.id);
        let path = store.current_path(&conversation).await.unwrap();
        assert_eq!(texts(&path), ["q", "a1", "follow up", "deep"]);
        assert_eq!(path[2].id, follow_up.id);
        assert_eq!(store.switch_branch(&second).await.unwrap(), second);
        let path_to = store.path_to(&follow_up.id).await.unwrap();
        assert_eq!(texts(&path_to), ["q", "a1", "follow up"]);
    }

    #[tokio::test]
    async fn unknown_ids_are_reported() {
        let (_dir, store) = temp_store();
        assert!(matches!(
            store.switch_branch("nope").await,
            Err(StoreError::MessageNotFound(_))
        ));
        assert!(matches!(
            store.append_message("nope", Message::user("x")).await,
            Err(StoreError::ConversationNotFound(_))
        ));
        assert!(matches!(
            store.current_path("nope").await,
            Err(StoreError::ConversationNotFound(_))
        ));
    }
}
