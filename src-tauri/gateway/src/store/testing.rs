//! Helpers for the store's tests: a fresh database in a temp dir, and a small conversation.

use super::Store;
use crate::conversation::{Block, Message, Role};

/// A store on a fresh file; keep the `TempDir` alive as long as the store.
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("hearth.db")).expect("open store");
    (dir, store)
}

/// An assistant message with text, from `provider`/`model`.
pub fn answer(text: &str, provider: &str, model: &str) -> Message {
    let mut message = Message::new(Role::Assistant, vec![Block::text(text)]);
    message.provider = Some(provider.to_owned());
    message.model = Some(model.to_owned());
    message
}

/// Creates a conversation with one user question and one answer; returns
/// (conversation id, user message id, answer id).
pub async fn one_exchange(store: &Store, question: &str, reply: &str) -> (String, String, String) {
    let conversation = store.create_conversation(None).await.expect("create");
    let user = store
        .append_message(&conversation.id, Message::user(question))
        .await
        .expect("user");
    let assistant = store
        .append_message(&conversation.id, answer(reply, "claude", "sonnet"))
        .await
        .expect("answer");
    (conversation.id, user.id, assistant.id)
}
