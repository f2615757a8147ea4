//! The reasoning of an answer as the API families return it: the upstream's
//! [`StreamEvent::ReasoningDelta`] / [`StreamEvent::ReasoningDone`] events gathered into
//! [`Thoughts`], block by block with each block's round-trip data (an Anthropic signature, an
//! OpenAI encrypted item, a Gemini thought signature). Each family's writer shows them in its
//! own shape: Chat Completions `reasoning_content`, a Responses `reasoning` item, Anthropic
//! `thinking` blocks, Gemini `thought` parts.

use crate::conversation::{Block, Opaque};
use crate::providers::StreamEvent;

/// One reasoning block: its text (may be empty when only round-trip data came) and its
/// round-trip data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thought {
    /// The reasoning text or summary.
    pub text: String,
    /// Round-trip data, valid only for the provider that produced it.
    pub opaque: Option<Opaque>,
}

/// The Anthropic signature in `opaque`, if an Anthropic upstream produced it.
pub fn anthropic_signature(opaque: Option<&Opaque>) -> Option<&str> {
    anthropic_data(opaque, "signature")
}

/// The data of Anthropic redacted thinking in `opaque`, if it holds some.
pub fn anthropic_redacted(opaque: Option<&Opaque>) -> Option<&str> {
    anthropic_data(opaque, "redacted_thinking")
}

fn anthropic_data<'a>(opaque: Option<&'a Opaque>, kind: &str) -> Option<&'a str> {
    opaque
        .filter(|o| o.provider_kind == "anthropic" && o.kind == kind)
        .map(|o| o.data.as_str())
}

/// The reasoning of an answer so far, block by block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thoughts {
    blocks: Vec<Thought>,
    /// Whether the last block still takes deltas.
    open: bool,
}

impl Thoughts {
    /// Adds one event: reasoning deltas extend the open block (or start one), a reasoning end
    /// closes it with its round-trip data, and anything else closes it too.
    pub fn apply(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::ReasoningDelta(text) => {
                if !self.open {
                    self.blocks.push(Thought::default());
                    self.open = true;
                }
                if let Some(last) = self.blocks.last_mut() {
                    last.text.push_str(text);
                }
            }
            StreamEvent::ReasoningDone(opaque) => {
                if self.open {
                    if let Some(last) = self.blocks.last_mut() {
                        last.opaque = opaque.clone();
                    }
                } else if let Some(opaque) = opaque {
                    // Round-trip data alone (redacted thinking, encrypted reasoning).
                    self.blocks.push(Thought {
                        text: String::new(),
                        opaque: Some(opaque.clone()),
                    });
                }
                self.open = false;
            }
            StreamEvent::TextDelta(_) | StreamEvent::ToolCall { .. } => self.open = false,
            StreamEvent::Usage(_) | StreamEvent::Done(_) => {}
        }
    }

    /// The blocks, in order.
    pub fn blocks(&self) -> &[Thought] {
        &self.blocks
    }

    /// All reasoning text, concatenated.
    pub fn text(&self) -> String {
        self.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    /// Whether no reasoning came.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The blocks as conversation blocks (for recorded exchanges).
    pub fn to_blocks(&self) -> Vec<Block> {
        self.blocks
            .iter()
            .map(|t| Block::Reasoning {
                text: t.text.clone(),
                opaque: t.opaque.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opaque(kind: &str, data: &str) -> Opaque {
        Opaque {
            provider_kind: "anthropic".into(),
            provider_id: "claude".into(),
            kind: kind.into(),
            data: data.into(),
            item_id: None,
        }
    }

    #[test]
    fn deltas_gather_into_blocks_closed_by_their_round_trip_data() {
        let mut thoughts = Thoughts::default();
        for event in [
            StreamEvent::ReasoningDelta("a".into()),
            StreamEvent::ReasoningDelta("b".into()),
            StreamEvent::ReasoningDone(Some(opaque("signature", "sig"))),
            StreamEvent::ReasoningDone(Some(opaque("redacted_thinking", "xyz"))),
            StreamEvent::ReasoningDone(None),
            StreamEvent::ReasoningDelta("c".into()),
            StreamEvent::TextDelta("answer".into()),
            StreamEvent::ReasoningDelta("d".into()),
        ] {
            thoughts.apply(&event);
        }
        let blocks = thoughts.blocks();
        assert_eq!(blocks.len(), 4, "{blocks:?}");
        assert_eq!(blocks[0].text, "ab");
        assert_eq!(anthropic_signature(blocks[0].opaque.as_ref()), Some("sig"));
        assert_eq!(anthropic_redacted(blocks[1].opaque.as_ref()), Some("xyz"));
        assert_eq!(anthropic_signature(blocks[1].opaque.as_ref()), None);
        assert_eq!(blocks[1].text, "");
        assert_eq!(blocks[2].text, "c");
        assert_eq!(blocks[2].opaque, None);
        assert_eq!(blocks[3].text, "d");
        assert_eq!(thoughts.text(), "abcd");
        assert!(matches!(&thoughts.to_blocks()[0], Block::Reasoning { text, .. } if text == "ab"));
    }
}
