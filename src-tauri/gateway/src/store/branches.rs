//! Reading a branch of the message tree: the path from the root to a message, with each
//! message's place among its siblings (what a branch switcher shows as "2 / 3").

use super::error::StoreError;
use super::messages::{
    current_leaf, decode_blocks, message_conversation, message_without_blocks, MESSAGE_COLUMNS,
};
use super::Store;
use crate::conversation::Message;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A message on a branch, with its position among the messages sharing its parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathMessage {
    /// The message.
    #[serde(flatten)]
    pub message: Message,
    /// Its index among its siblings (0-based, oldest first).
    pub sibling_index: usize,
    /// How many siblings there are, itself included (1 when there is no other branch).
    pub sibling_count: usize,
}

impl Store {
    /// The conversation's current branch, root first, each message with its sibling position:
    /// everything a conversation view needs in one call.
    pub async fn current_branch(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<PathMessage>, StoreError> {
        let conversation_id = conversation_id.to_owned();
        self.read(move |conn| match current_leaf(conn, &conversation_id)? {
            Some(leaf) => load_branch(conn, &leaf),
            None => Ok(Vec::new()),
        })
        .await
    }
}

/// The path from the root to `message_id`, root first.
pub(super) fn load_path(conn: &Connection, message_id: &str) -> Result<Vec<Message>, StoreError> {
    Ok(load_branch(conn, message_id)?
        .into_iter()
        .map(|entry| entry.message)
        .collect())
}

/// The path from the root to `message_id` with sibling positions. One range scan over the
/// conversation's rows (cheaper than a recursive query per step); only the path's blocks are
/// decoded.
pub(super) fn load_branch(
    conn: &Connection,
    message_id: &str,
) -> Result<Vec<PathMessage>, StoreError> {
    let conversation_id = message_conversation(conn, message_id)?;
    let sql =
        format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY seq");
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([&conversation_id])?;
    let mut by_id: HashMap<String, (Message, String)> = HashMap::new();
    let mut children: HashMap<Option<String>, Vec<String>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let (message, blocks) = message_without_blocks(row, 0)?;
        children
            .entry(message.parent_id.clone())
            .or_default()
            .push(message.id.clone());
        by_id.insert(message.id.clone(), (message, blocks));
    }
    let mut path = Vec::new();
    let mut next = Some(message_id.to_owned());
    while let Some(id) = next {
        let Some((mut message, blocks)) = by_id.remove(&id) else {
            break; // a cycle or a dangling parent in damaged data: stop, do not loop
        };
        message.blocks = decode_blocks(&message.id, &blocks)?;
        next = message.parent_id.clone();
        let siblings = children
            .get(&message.parent_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        path.push(PathMessage {
            sibling_index: siblings.iter().position(|s| *s == message.id).unwrap_or(0),
            sibling_count: siblings.len().max(1),
            message,
        });
    }
    path.reverse();
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{one_exchange, temp_store};
    use crate::conversation::Block;

    #[tokio::test]
    async fn the_current_branch_carries_sibling_positions() {
        let (_dir, store) = temp_store();
        let (conversation, user, first) = one_exchange(&store, "q", "a1").await;
        let second = store.regenerate(&first, None, None).await.unwrap();
        store.append_delta(&second, "a2").unwrap();
        store.flush().await.unwrap();
        let branch = store.current_branch(&conversation).await.unwrap();
        let positions: Vec<(usize, usize)> = branch
            .iter()
            .map(|m| (m.sibling_index, m.sibling_count))
            .collect();
        assert_eq!(positions, [(0, 1), (1, 2)]);
        assert_eq!(branch[1].message.blocks, vec![Block::text("a2")]);
        store.switch_branch(&first).await.unwrap();
        let branch = store.current_branch(&conversation).await.unwrap();
        assert_eq!(branch[1].message.id, first);
        assert_eq!((branch[1].sibling_index, branch[1].sibling_count), (0, 2));
        let edited = store
            .edit_user_message(&user, vec![Block::text("q2")])
            .await
            .unwrap();
        let branch = store.current_branch(&conversation).await.unwrap();
        assert_eq!(branch.len(), 1);
        assert_eq!(branch[0].message.id, edited.id);
        assert_eq!((branch[0].sibling_index, branch[0].sibling_count), (1, 2));
        let json = serde_json::to_value(&branch[0]).unwrap();
        assert_eq!(json["sibling_count"], 2);
        assert_eq!(json["role"], "user");
    }
}
