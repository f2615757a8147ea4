//! What a conversation cost: tokens and dollars summed over every answer in it, all branches
//! included (a regenerated answer was paid for too).

use super::error::StoreError;
use super::Store;
use serde::{Deserialize, Serialize};

/// Totals for one conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Spend {
    /// Input tokens over all model calls.
    pub input_tokens: u64,
    /// Output tokens over all model calls.
    pub output_tokens: u64,
    /// Cost in US dollars of the answers whose price is known.
    pub cost_usd: f64,
    /// Answers whose cost is unknown (no price for their model).
    pub unpriced_answers: u64,
}

impl Store {
    /// Tokens and cost summed over every message of a conversation.
    pub async fn spend(&self, conversation_id: &str) -> Result<Spend, StoreError> {
        let id = conversation_id.to_owned();
        self.read(move |conn| {
            let spend = conn.query_row(
                "SELECT
                    COALESCE(SUM(json_extract(usage, '$.input_tokens')), 0),
                    COALESCE(SUM(json_extract(usage, '$.output_tokens')), 0),
                    COALESCE(SUM(cost_usd), 0.0),
                    COALESCE(SUM(CASE WHEN role = 'assistant' AND usage IS NOT NULL
                                      AND cost_usd IS NULL THEN 1 ELSE 0 END), 0)
                 FROM messages WHERE conversation_id = ?1",
                [&id],
                |row| {
                    Ok(Spend {
                        input_tokens: row.get::<_, i64>(0)? as u64,
                        output_tokens: row.get::<_, i64>(1)? as u64,
                        cost_usd: row.get(2)?,
                        unpriced_answers: row.get::<_, i64>(3)? as u64,
                    })
                },
            )?;
            Ok(spend)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use crate::conversation::{Message, Role, Usage};
    use crate::store::Store;

    #[tokio::test]
    async fn sums_every_answer_of_the_conversation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h.db")).unwrap();
        let conversation = store.create_conversation(None).await.unwrap();
        store
            .append_message(&conversation.id, Message::user("hi"))
            .await
            .unwrap();
        for (cost, tokens) in [(Some(0.25), 10), (None, 5)] {
            let mut answer = Message::new(Role::Assistant, vec![]);
            answer.usage = Some(Usage {
                input_tokens: tokens,
                output_tokens: 2,
                ..Default::default()
            });
            answer.cost_usd = cost;
            store
                .append_message(&conversation.id, answer)
                .await
                .unwrap();
        }
        let spend = store.spend(&conversation.id).await.unwrap();
        assert_eq!(spend.input_tokens, 15);
        assert_eq!(spend.output_tokens, 4);
        assert!((spend.cost_usd - 0.25).abs() < 1e-9);
        assert_eq!(spend.unpriced_answers, 1);
    }
}
