//! [`AnswerBuilder`]: folds a provider's [`StreamEvent`]s into the blocks of one assistant
//! message. Pure: no I/O, so every stream shape is tested directly.

use crate::conversation::{Block, Usage};
use crate::providers::{StopReason, StreamEvent};

/// The assistant message being assembled from a stream.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AnswerBuilder {
    blocks: Vec<Block>,
    usage: Option<Usage>,
    stop: Option<StopReason>,
    /// Whether the last reasoning block is still receiving text.
    reasoning_open: bool,
}

impl AnswerBuilder {
    /// An empty answer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one event.
    pub fn apply(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::TextDelta(text) => {
                self.reasoning_open = false;
                match self.blocks.last_mut() {
                    Some(Block::Text { text: current }) => current.push_str(&text),
                    _ => self.blocks.push(Block::Text { text }),
                }
            }
            StreamEvent::ReasoningDelta(delta) => match self.blocks.last_mut() {
                Some(Block::Reasoning { text, opaque: None }) if self.reasoning_open => {
                    text.push_str(&delta)
                }
                _ => {
                    self.blocks.push(Block::Reasoning {
                        text: delta,
                        opaque: None,
                    });
                    self.reasoning_open = true;
                }
            },
            StreamEvent::ReasoningDone(opaque) => {
                match self.blocks.last_mut() {
                    Some(Block::Reasoning { opaque: slot, .. }) if self.reasoning_open => {
                        *slot = opaque;
                    }
                    _ => {
                        if opaque.is_some() {
                            self.blocks.push(Block::Reasoning {
                                text: String::new(),
                                opaque,
                            });
                        }
                    }
                }
                self.reasoning_open = false;
            }
            StreamEvent::ToolCall {
                id,
                name,
                arguments,
                opaque,
            } => {
                self.reasoning_open = false;
                self.blocks.push(Block::ToolCall {
                    id,
                    name,
                    arguments,
                    opaque,
                });
            }
            StreamEvent::Usage(usage) => self.usage = Some(usage),
            StreamEvent::Done(reason) => self.stop = Some(reason),
        }
    }

    /// The blocks so far.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Usage reported so far.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// Why the model stopped, once it has.
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.stop
    }

    /// Whether anything was received (text, reasoning or a tool call).
    pub fn has_content(&self) -> bool {
        !self.blocks.is_empty()
    }

    /// Takes the finished blocks.
    pub fn into_blocks(self) -> Vec<Block> {
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Opaque;

    fn opaque(data: &str) -> Opaque {
        Opaque {
            provider_kind: "anthropic".into(),
            provider_id: "a".into(),
            kind: "signature".into(),
            data: data.into(),
            item_id: None,
        }
    }

    #[test]
    fn text_deltas_merge_into_one_block() {
        let mut answer = AnswerBuilder::new();
        answer.apply(StreamEvent::TextDelta("Hel".into()));
        answer.apply(StreamEvent::TextDelta("lo".into()));
        answer.apply(StreamEvent::Done(StopReason::EndTurn));
        assert_eq!(answer.blocks(), &[Block::text("Hello")]);
        assert_eq!(answer.stop_reason(), Some(StopReason::EndTurn));
    }

    #[test]
    fn reasoning_then_text_then_tool_call() {
        let mut answer = AnswerBuilder::new();
        answer.apply(StreamEvent::ReasoningDelta("think".into()));
        answer.apply(StreamEvent::ReasoningDelta("ing".into()));
        answer.apply(StreamEvent::ReasoningDone(Some(opaque("sig"))));
        answer.apply(StreamEvent::TextDelta("ok".into()));
        answer.apply(StreamEvent::ToolCall {
            id: "c1".into(),
            name: "files.read".into(),
            arguments: serde_json::json!({"path": "a"}),
            opaque: None,
        });
        answer.apply(StreamEvent::Usage(Usage {
            input_tokens: 1,
            output_tokens: 2,
            ..Default::default()
        }));
        let blocks = answer.blocks();
        assert_eq!(blocks.len(), 3);
        assert_eq!(
            blocks[0],
            Block::Reasoning {
                text: "thinking".into(),
                opaque: Some(opaque("sig"))
            }
        );
        assert_eq!(blocks[1], Block::text("ok"));
        assert!(matches!(&blocks[2], Block::ToolCall { name, .. } if name == "files.read"));
        assert_eq!(answer.usage().unwrap().output_tokens, 2);
    }

    #[test]
    fn opaque_only_reasoning_is_kept() {
        let mut answer = AnswerBuilder::new();
        answer.apply(StreamEvent::ReasoningDone(Some(opaque("enc"))));
        answer.apply(StreamEvent::ReasoningDelta("new".into()));
        assert_eq!(answer.blocks().len(), 2);
    }
}
