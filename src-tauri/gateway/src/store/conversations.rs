//! Conversations: create, list (paged, newest first), rename, pin, archive, and the trash
//! (restorable for [`TRASH_RETENTION_MS`](super::TRASH_RETENTION_MS), purged at open).

use super::error::StoreError;
use super::Store;
use crate::conversation::{new_id, now_ms, Conversation, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Which conversations a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ListScope {
    /// Neither archived nor in the trash (the default list).
    #[default]
    Active,
    /// Archived, not in the trash.
    Archived,
    /// Active and archived, not in the trash.
    All,
    /// In the trash (restorable).
    Trash,
}

/// A page of the conversation list (every field has a default, so each may be left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListQuery {
    /// Which conversations.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub scope: ListScope,
    /// Pinned conversations first (then newest first).
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub pinned_first: bool,
    /// Page size.
    #[serde(default = "default_limit")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub limit: u32,
    /// Conversations to skip.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub offset: u32,
}

fn default_true() -> bool {
    true
}

fn default_limit() -> u32 {
    50
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            scope: ListScope::Active,
            pinned_first: true,
            limit: default_limit(),
            offset: 0,
        }
    }
}

/// A conversation as listed: its metadata plus trash state and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConversationEntry {
    /// The conversation.
    #[serde(flatten)]
    pub conversation: Conversation,
    /// When it was moved to the trash, if it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub deleted_at: Option<Timestamp>,
    /// How many messages it holds, across all branches.
    pub message_count: u64,
}

const ENTRY_COLUMNS: &str = "id, title, created_at, updated_at, pinned, archived, current_leaf, \
     deleted_at, (SELECT count(*) FROM messages AS m WHERE m.conversation_id = c.id)";

impl Store {
    /// Creates an empty conversation (titled later from its first user message when `title` is
    /// `None`).
    pub async fn create_conversation(
        &self,
        title: Option<String>,
    ) -> Result<Conversation, StoreError> {
        let now = now_ms();
        let conversation = Conversation {
            id: new_id(),
            title: title.unwrap_or_default(),
            created_at: now,
            updated_at: now,
            pinned: false,
            archived: false,
            current_leaf: None,
        };
        let stored = conversation.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![stored.id, stored.title, stored.created_at],
            )?;
            Ok(())
        })
        .await?;
        Ok(conversation)
    }

    /// One conversation (also when archived or in the trash).
    pub async fn conversation(&self, id: &str) -> Result<ConversationEntry, StoreError> {
        let id = id.to_owned();
        self.read(move |conn| load_entry(conn, &id)).await
    }

    /// The full id of the conversation whose id is or starts with `id_or_prefix` (for the CLI).
    pub async fn resolve_conversation_id(&self, id_or_prefix: &str) -> Result<String, StoreError> {
        let prefix = id_or_prefix.to_owned();
        self.read(move |conn| resolve_id(conn, &prefix)).await
    }

    /// A page of conversations, most recently updated first (pinned first if asked).
    pub async fn list_conversations(
        &self,
        query: ListQuery,
    ) -> Result<Vec<ConversationEntry>, StoreError> {
        self.read(move |conn| list(conn, &query)).await
    }

    /// Renames a conversation; an empty title lets the next user message title it again.
    pub async fn rename_conversation(&self, id: &str, title: &str) -> Result<(), StoreError> {
        let title = title.trim().to_owned();
        self.update(id, move |tx, id| {
            tx.execute(
                "UPDATE conversations SET title = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, title, now_ms()],
            )
        })
        .await
    }

    /// Pins or unpins a conversation.
    pub async fn set_pinned(&self, id: &str, pinned: bool) -> Result<(), StoreError> {
        self.update(id, move |tx, id| {
            tx.execute(
                "UPDATE conversations SET pinned = ?2 WHERE id = ?1",
                params![id, pinned],
            )
        })
        .await
    }

    /// Archives or unarchives a conversation.
    pub async fn set_archived(&self, id: &str, archived: bool) -> Result<(), StoreError> {
        self.update(id, move |tx, id| {
            tx.execute(
                "UPDATE conversations SET archived = ?2 WHERE id = ?1",
                params![id, archived],
            )
        })
        .await
    }

    /// Moves a conversation to the trash; it can be restored for 30 days.
    pub async fn trash_conversation(&self, id: &str) -> Result<(), StoreError> {
        self.update(id, move |tx, id| {
            tx.execute(
                "UPDATE conversations SET deleted_at = coalesce(deleted_at, ?2) WHERE id = ?1",
                params![id, now_ms()],
            )
        })
        .await
    }

    /// Takes a conversation out of the trash.
    pub async fn restore_conversation(&self, id: &str) -> Result<(), StoreError> {
        self.update(id, move |tx, id| {
            tx.execute(
                "UPDATE conversations SET deleted_at = NULL WHERE id = ?1",
                params![id],
            )
        })
        .await
    }

    /// Deletes a conversation and all its messages for good.
    pub async fn delete_conversation_permanently(&self, id: &str) -> Result<(), StoreError> {
        self.update(id, move |tx, id| {
            tx.execute("DELETE FROM conversations WHERE id = ?1", params![id])
        })
        .await
    }

    /// Purges conversations in the trash for longer than 30 days (also done at open). Returns how
    /// many were deleted.
    pub async fn purge_trash(&self) -> Result<usize, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
                [now_ms() - super::TRASH_RETENTION_MS],
            )?)
        })
        .await
    }

    /// Runs one UPDATE/DELETE on a conversation, failing if it does not exist.
    async fn update<F>(&self, id: &str, f: F) -> Result<(), StoreError>
    where
        F: FnOnce(&rusqlite::Transaction, &str) -> rusqlite::Result<usize> + Send + 'static,
    {
        let id = id.to_owned();
        self.write(move |tx| {
            if f(tx, &id)? == 0 {
                return Err(StoreError::ConversationNotFound(id));
            }
            Ok(())
        })
        .await
    }
}

/// One conversation entry by exact id.
pub(super) fn load_entry(conn: &Connection, id: &str) -> Result<ConversationEntry, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM conversations AS c WHERE id = ?1");
    conn.query_row(&sql, [id], entry_from_row)
        .optional()?
        .ok_or_else(|| StoreError::ConversationNotFound(id.to_owned()))
}

/// The full id matching an exact id or a unique prefix.
pub(super) fn resolve_id(conn: &Connection, prefix: &str) -> Result<String, StoreError> {
    let not_found = || StoreError::ConversationNotFound(prefix.to_owned());
    if prefix.is_empty() {
        return Err(not_found());
    }
    let mut statement = conn.prepare_cached(
        "SELECT id FROM conversations WHERE id >= ?1 AND id < ?1 || char(1114111) ORDER BY id LIMIT 2",
    )?;
    let ids = statement
        .query_map([prefix], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    match ids.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(not_found()),
        _ if ids.iter().any(|id| id == prefix) => Ok(prefix.to_owned()),
        _ => Err(StoreError::AmbiguousId(prefix.to_owned())),
    }
}

fn list(conn: &Connection, query: &ListQuery) -> Result<Vec<ConversationEntry>, StoreError> {
    let filter = match query.scope {
        ListScope::Active => "deleted_at IS NULL AND archived = 0",
        ListScope::Archived => "deleted_at IS NULL AND archived = 1",
        ListScope::All => "deleted_at IS NULL",
        ListScope::Trash => "deleted_at IS NOT NULL",
    };
    let order = match (query.scope, query.pinned_first) {
        (ListScope::Trash, _) => "deleted_at DESC, seq DESC",
        (_, true) => "pinned DESC, updated_at DESC, seq DESC",
        (_, false) => "updated_at DESC, seq DESC",
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM conversations AS c WHERE {filter} ORDER BY {order}
         LIMIT ?1 OFFSET ?2"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let entries = statement
        .query_map(params![query.limit, query.offset], entry_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(entries)
}

fn entry_from_row(row: &Row) -> rusqlite::Result<ConversationEntry> {
    Ok(ConversationEntry {
        conversation: Conversation {
            id: row.get(0)?,
            title: row.get(1)?,
            created_at: row.get(2)?,
            updated_at: row.get(3)?,
            pinned: row.get(4)?,
            archived: row.get(5)?,
            current_leaf: row.get(6)?,
        },
        deleted_at: row.get(7)?,
        message_count: row.get::<_, i64>(8)?.try_into().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{one_exchange, temp_store};
    use super::*;

    fn ids(entries: &[ConversationEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.conversation.id.as_str()).collect()
    }

    #[tokio::test]
    async fn list_is_paged_newest_first_with_pinned_first() {
        let (_dir, store) = temp_store();
        let (a, _, _) = one_exchange(&store, "a", "a").await;
        let (b, _, _) = one_exchange(&store, "b", "b").await;
        let (c, _, _) = one_exchange(&store, "c", "c").await;
        let all = store
            .list_conversations(ListQuery::default())
            .await
            .unwrap();
        assert_eq!(ids(&all), [c.as_str(), b.as_str(), a.as_str()]);
        store.set_pinned(&a, true).await.unwrap();
        let pinned_first = store
            .list_conversations(ListQuery::default())
            .await
            .unwrap();
        assert_eq!(ids(&pinned_first), [a.as_str(), c.as_str(), b.as_str()]);
        let unpinned_order = store
            .list_conversations(ListQuery {
                pinned_first: false,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(ids(&unpinned_order)[0], c.as_str());
        let page = store
            .list_conversations(ListQuery {
                limit: 1,
                offset: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(ids(&page), [c.as_str()]);
    }

    #[tokio::test]
    async fn archive_and_trash_hide_conversations_until_restored() {
        let (_dir, store) = temp_store();
        let (a, _, _) = one_exchange(&store, "a", "a").await;
        let (b, _, _) = one_exchange(&store, "b", "b").await;
        store.set_archived(&a, true).await.unwrap();
        store.trash_conversation(&b).await.unwrap();
        let active = store
            .list_conversations(ListQuery::default())
            .await
            .unwrap();
        assert!(active.is_empty());
        let scope = |scope| ListQuery {
            scope,
            ..Default::default()
        };
        let archived = store
            .list_conversations(scope(ListScope::Archived))
            .await
            .unwrap();
        assert_eq!(ids(&archived), [a.as_str()]);
        let trash = store
            .list_conversations(scope(ListScope::Trash))
            .await
            .unwrap();
        assert_eq!(ids(&trash), [b.as_str()]);
        assert!(trash[0].deleted_at.is_some());
        store.restore_conversation(&b).await.unwrap();
        let active = store
            .list_conversations(ListQuery::default())
            .await
            .unwrap();
        assert_eq!(ids(&active), [b.as_str()]);
    }

    #[tokio::test]
    async fn expired_trash_is_purged_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let store = crate::store::Store::open(&path).unwrap();
        let (old, _, _) = one_exchange(&store, "old", "x").await;
        let (recent, _, _) = one_exchange(&store, "recent", "y").await;
        let long_ago = now_ms() - crate::store::TRASH_RETENTION_MS - 1000;
        let (o, r) = (old.clone(), recent.clone());
        store
            .write(move |tx| {
                tx.execute(
                    "UPDATE conversations SET deleted_at = ?2 WHERE id = ?1",
                    params![o, long_ago],
                )?;
                tx.execute(
                    "UPDATE conversations SET deleted_at = ?2 WHERE id = ?1",
                    params![r, now_ms()],
                )?;
                Ok(())
            })
            .await
            .unwrap();
        drop(store);
        let store = crate::store::Store::open(&path).unwrap();
        assert!(matches!(
            store.conversation(&old).await,
            Err(StoreError::ConversationNotFound(_))
        ));
        let messages: i64 = store
            .read(move |conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM messages WHERE conversation_id = ?1",
                    [old],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(messages, 0, "messages go with their conversation");
        assert!(store
            .conversation(&recent)
            .await
            .unwrap()
            .deleted_at
            .is_some());
    }

    #[tokio::test]
    async fn rename_and_prefix_resolution() {
        let (_dir, store) = temp_store();
        let (a, _, _) = one_exchange(&store, "a question", "x").await;
        store.rename_conversation(&a, "  My chat ").await.unwrap();
        assert_eq!(
            store.conversation(&a).await.unwrap().conversation.title,
            "My chat"
        );
        assert_eq!(store.resolve_conversation_id(&a[..13]).await.unwrap(), a);
        assert!(matches!(
            store.resolve_conversation_id("zzz").await,
            Err(StoreError::ConversationNotFound(_))
        ));
        let (_b, _, _) = one_exchange(&store, "b", "x").await;
        // Two UUID v7 ids made in the same millisecond range share their first characters.
        assert!(matches!(
            store.resolve_conversation_id(&a[..4]).await,
            Err(StoreError::AmbiguousId(_))
        ));
        assert!(matches!(
            store.rename_conversation("nope", "x").await,
            Err(StoreError::ConversationNotFound(_))
        ));
    }
}
