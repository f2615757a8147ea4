//! Conversations: list, open (with branch positions), create, rename, pin, archive, trash and
//! restore, search, and switching branches.

use super::{gateway, ipc, Redacted};
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use hearth_gateway::conversation::{Conversation, Message};
use hearth_gateway::store::{ConversationEntry, ListQuery, SearchHit, SearchQuery};
use hearth_gateway::Gateway;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tauri::State;

/// `get_conversation` / `switch_branch`: the conversation, the messages on its current path (root
/// first) and, for each of them, the ids of it and its siblings (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConversationView {
    /// Its metadata.
    pub conversation: Conversation,
    /// The current path, root first.
    pub messages: Vec<Message>,
    /// Message id → the ids of that message and its siblings, oldest first.
    pub siblings: BTreeMap<String, Vec<String>>,
}

/// Loads the view of `id` (only messages with siblings cost an extra read).
pub async fn load_view(gateway: &Gateway, id: &str) -> Result<ConversationView, IpcError> {
    let store = gateway.store();
    let id = store.resolve_conversation_id(id).await?;
    let conversation = store.conversation(&id).await?.conversation;
    let branch = store.current_branch(&id).await?;
    let mut siblings = BTreeMap::new();
    let mut messages = Vec::with_capacity(branch.len());
    for entry in branch {
        let ids = if entry.sibling_count > 1 {
            store
                .siblings(&entry.message.id)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect()
        } else {
            vec![entry.message.id.clone()]
        };
        siblings.insert(entry.message.id.clone(), ids);
        messages.push(entry.message);
    }
    Ok(ConversationView {
        conversation,
        messages,
        siblings,
    })
}

async fn metadata(gateway: &Gateway, id: &str) -> Result<Redacted<Conversation>, IpcError> {
    let entry = gateway.store().conversation(id).await?;
    Redacted::new(gateway, &entry.conversation)
}

/// `list_conversations` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ListConversationsArgs {
    /// The page to list; `null` = the active conversations, pinned first, the first page.
    pub query: Option<ListQuery>,
}

/// `list_conversations`: a page of the list (pinned first, then most recent).
#[tauri::command(rename_all = "snake_case")]
pub async fn list_conversations(
    state: State<'_, AppState>,
    args: ListConversationsArgs,
) -> Result<Redacted<Vec<ConversationEntry>>, IpcError> {
    let ListConversationsArgs { query } = args;
    let gateway = gateway(&state);
    let entries = gateway
        .store()
        .list_conversations(query.unwrap_or_default())
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &entries)
}

/// `get_conversation` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GetConversationArgs {
    /// The conversation (a unique id prefix is accepted).
    pub id: String,
}

/// `get_conversation`: the conversation on its current branch.
#[tauri::command(rename_all = "snake_case")]
pub async fn get_conversation(
    state: State<'_, AppState>,
    args: GetConversationArgs,
) -> Result<Redacted<ConversationView>, IpcError> {
    let GetConversationArgs { id } = args;
    let gateway = gateway(&state);
    let view = load_view(gateway, &id).await.map_err(ipc(gateway))?;
    Redacted::new(gateway, &view)
}

/// `create_conversation`: an empty conversation.
#[tauri::command(rename_all = "snake_case")]
pub async fn create_conversation(
    state: State<'_, AppState>,
) -> Result<Redacted<Conversation>, IpcError> {
    let gateway = gateway(&state);
    let conversation = gateway
        .store()
        .create_conversation(None)
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &conversation)
}

/// `rename_conversation` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RenameConversationArgs {
    /// The conversation.
    pub id: String,
    /// The new title (not blank; trimmed).
    pub title: String,
}

/// `rename_conversation`.
#[tauri::command(rename_all = "snake_case")]
pub async fn rename_conversation(
    state: State<'_, AppState>,
    args: RenameConversationArgs,
) -> Result<Redacted<Conversation>, IpcError> {
    let RenameConversationArgs { id, title } = args;
    let gateway = gateway(&state);
    if title.trim().is_empty() {
        return Err(IpcError::invalid("a title cannot be empty"));
    }
    let store = gateway.store();
    store
        .rename_conversation(&id, title.trim())
        .await
        .map_err(ipc(gateway))?;
    metadata(gateway, &id).await
}

/// `set_pinned` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetPinnedArgs {
    /// The conversation.
    pub id: String,
    /// Pinned (listed first) or not.
    pub pinned: bool,
}

/// `set_pinned`.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_pinned(
    state: State<'_, AppState>,
    args: SetPinnedArgs,
) -> Result<Redacted<Conversation>, IpcError> {
    let SetPinnedArgs { id, pinned } = args;
    let gateway = gateway(&state);
    gateway
        .store()
        .set_pinned(&id, pinned)
        .await
        .map_err(ipc(gateway))?;
    metadata(gateway, &id).await
}

/// `set_archived` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetArchivedArgs {
    /// The conversation.
    pub id: String,
    /// Archived (out of the active list) or not.
    pub archived: bool,
}

/// `set_archived`.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_archived(
    state: State<'_, AppState>,
    args: SetArchivedArgs,
) -> Result<Redacted<Conversation>, IpcError> {
    let SetArchivedArgs { id, archived } = args;
    let gateway = gateway(&state);
    gateway
        .store()
        .set_archived(&id, archived)
        .await
        .map_err(ipc(gateway))?;
    metadata(gateway, &id).await
}

/// `delete_conversation` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DeleteConversationArgs {
    /// The conversation to move to the trash.
    pub id: String,
}

/// `delete_conversation`: moves it to the trash (restorable).
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_conversation(
    state: State<'_, AppState>,
    args: DeleteConversationArgs,
) -> Result<(), IpcError> {
    let DeleteConversationArgs { id } = args;
    let gateway = gateway(&state);
    gateway.stop(&id);
    gateway
        .store()
        .trash_conversation(&id)
        .await
        .map_err(ipc(gateway))
}

/// `restore_conversation` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RestoreConversationArgs {
    /// The conversation to take out of the trash.
    pub id: String,
}

/// `restore_conversation`: takes it out of the trash.
#[tauri::command(rename_all = "snake_case")]
pub async fn restore_conversation(
    state: State<'_, AppState>,
    args: RestoreConversationArgs,
) -> Result<Redacted<Conversation>, IpcError> {
    let RestoreConversationArgs { id } = args;
    let gateway = gateway(&state);
    gateway
        .store()
        .restore_conversation(&id)
        .await
        .map_err(ipc(gateway))?;
    metadata(gateway, &id).await
}

/// `search_history` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SearchHistoryArgs {
    /// What to search for, and the filters.
    pub query: SearchQuery,
}

/// `search_history`: full-text search, best first.
#[tauri::command(rename_all = "snake_case")]
pub async fn search_history(
    state: State<'_, AppState>,
    args: SearchHistoryArgs,
) -> Result<Redacted<Vec<SearchHit>>, IpcError> {
    let SearchHistoryArgs { query } = args;
    let gateway = gateway(&state);
    let hits = gateway.store().search(query).await.map_err(ipc(gateway))?;
    Redacted::new(gateway, &hits)
}

/// `switch_branch` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SwitchBranchArgs {
    /// A message; the newest branch through it becomes current.
    pub message_id: String,
}

/// `switch_branch`: shows the newest branch through `message_id`.
#[tauri::command(rename_all = "snake_case")]
pub async fn switch_branch(
    state: State<'_, AppState>,
    args: SwitchBranchArgs,
) -> Result<Redacted<ConversationView>, IpcError> {
    let SwitchBranchArgs { message_id } = args;
    let gateway = gateway(&state);
    let store = gateway.store();
    store
        .switch_branch(&message_id)
        .await
        .map_err(ipc(gateway))?;
    let conversation = gateway
        .conversation_of_message(&message_id)
        .await
        .map_err(ipc(gateway))?;
    let view = load_view(gateway, &conversation)
        .await
        .map_err(ipc(gateway))?;
    Redacted::new(gateway, &view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_gateway::conversation::{Block, Role};

    #[tokio::test]
    async fn the_view_lists_siblings_for_each_message_on_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let gateway =
            Gateway::open(hearth_gateway::paths::DataDir::at(&dir.path().join("h"))).unwrap();
        let store = gateway.store();
        let conversation = store.create_conversation(None).await.unwrap();
        let question = store
            .append_message(
                &conversation.id,
                Message::new(Role::User, vec![Block::text("q")]),
            )
            .await
            .unwrap();
        let edited = store
            .edit_user_message(&question.id, vec![Block::text("q2")])
            .await
            .unwrap();
        let view = load_view(&gateway, &conversation.id).await.unwrap();
        assert_eq!(view.messages.len(), 1);
        assert_eq!(view.messages[0].id, edited.id);
        assert_eq!(
            view.siblings[&edited.id],
            vec![question.id.clone(), edited.id.clone()]
        );
        let missing = load_view(&gateway, "nope").await.unwrap_err();
        assert_eq!(missing.kind, crate::desktop::error::ErrorKind::NotFound);
    }
}
