//! Reasoning control, provider-neutral: how much a model should think before it answers.
//!
//! Clients say it in their own terms — an effort level (OpenAI's `reasoning_effort`,
//! `reasoning.effort`, Gemini's `thinkingLevel`), a token budget (Anthropic's `budget_tokens`,
//! Gemini's `thinkingBudget`), on at the model's default, or off — and each adapter maps
//! [`Reasoning`] to its provider's field. Efforts and budgets convert through one table
//! ([`ReasoningEffort::budget_tokens`], [`ReasoningEffort::from_budget`]).

/// A named effort level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasoningEffort {
    /// As little thinking as the model allows while still thinking.
    Minimal,
    /// Light thinking.
    Low,
    /// The usual amount.
    Medium,
    /// Thorough thinking.
    High,
}

impl ReasoningEffort {
    /// The lower-case name OpenAI's APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
        }
    }

    /// The thinking budget this level stands for (the levels Google documents for Gemini's
    /// OpenAI-compatible endpoint: low 1024, medium 8192, high 24576).
    pub fn budget_tokens(self) -> u32 {
        match self {
            ReasoningEffort::Minimal => 512,
            ReasoningEffort::Low => 1024,
            ReasoningEffort::Medium => 8192,
            ReasoningEffort::High => 24_576,
        }
    }

    /// The level nearest a thinking budget (`minimal` is only ever asked for by name: some
    /// models refuse it).
    pub fn from_budget(tokens: u32) -> Self {
        match tokens {
            0..4096 => ReasoningEffort::Low,
            4096..16_384 => ReasoningEffort::Medium,
            _ => ReasoningEffort::High,
        }
    }
}

/// Reasoning asked for by a request; `None` in [`super::ChatRequest::reasoning`] means the
/// provider's default and no reasoning field sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reasoning {
    /// No thinking (or the least the model allows).
    Off,
    /// Thinking at the model's default amount, shown where the provider can show it.
    Auto,
    /// Thinking at a named level.
    Effort(ReasoningEffort),
    /// Thinking within about this many tokens.
    Budget(u32),
}

impl Reasoning {
    /// An OpenAI effort name (`none`, `minimal`, `low`, `medium`, `high`; `xhigh` and `max`
    /// count as `high`), case-insensitive; `None` for anything else.
    pub fn from_effort_name(name: &str) -> Option<Self> {
        let effort = match name.to_ascii_lowercase().as_str() {
            "none" => return Some(Reasoning::Off),
            "minimal" => ReasoningEffort::Minimal,
            "low" => ReasoningEffort::Low,
            "medium" => ReasoningEffort::Medium,
            "high" | "xhigh" | "max" => ReasoningEffort::High,
            _ => return None,
        };
        Some(Reasoning::Effort(effort))
    }

    /// A token budget; 0 means off.
    pub fn from_budget(tokens: u32) -> Self {
        if tokens == 0 {
            Reasoning::Off
        } else {
            Reasoning::Budget(tokens)
        }
    }

    /// Whether the model should think at all.
    pub fn is_on(self) -> bool {
        self != Reasoning::Off
    }

    /// The effort level to send (`None` when off; the default level, medium, for `Auto`).
    pub fn effort(self) -> Option<ReasoningEffort> {
        match self {
            Reasoning::Off => None,
            Reasoning::Auto => Some(ReasoningEffort::Medium),
            Reasoning::Effort(effort) => Some(effort),
            Reasoning::Budget(tokens) => Some(ReasoningEffort::from_budget(tokens)),
        }
    }

    /// The thinking budget to send (0 when off; the medium level's budget for `Auto`).
    pub fn budget_tokens(self) -> u32 {
        match self {
            Reasoning::Off => 0,
            Reasoning::Budget(tokens) => tokens,
            other => other.effort().map_or(0, ReasoningEffort::budget_tokens),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effort_names_parse_and_unknown_ones_do_not() {
        assert_eq!(Reasoning::from_effort_name("none"), Some(Reasoning::Off));
        assert_eq!(
            Reasoning::from_effort_name("HIGH"),
            Some(Reasoning::Effort(ReasoningEffort::High))
        );
        assert_eq!(
            Reasoning::from_effort_name("xhigh"),
            Some(Reasoning::Effort(ReasoningEffort::High))
        );
        assert_eq!(
            Reasoning::from_effort_name("minimal"),
            Some(Reasoning::Effort(ReasoningEffort::Minimal))
        );
        assert_eq!(Reasoning::from_effort_name("lots"), None);
    }

    #[test]
    fn efforts_and_budgets_convert_through_one_table() {
        for effort in [
            ReasoningEffort::Low,
            ReasoningEffort::Medium,
            ReasoningEffort::High,
        ] {
            assert_eq!(ReasoningEffort::from_budget(effort.budget_tokens()), effort);
        }
        assert_eq!(ReasoningEffort::from_budget(1), ReasoningEffort::Low);
        assert_eq!(ReasoningEffort::from_budget(4096), ReasoningEffort::Medium);
        assert_eq!(ReasoningEffort::from_budget(50_000), ReasoningEffort::High);
        assert_eq!(Reasoning::from_budget(0), Reasoning::Off);
        assert_eq!(Reasoning::Budget(2000).budget_tokens(), 2000);
        assert_eq!(Reasoning::Budget(2000).effort(), Some(ReasoningEffort::Low));
        assert_eq!(Reasoning::Auto.effort(), Some(ReasoningEffort::Medium));
        assert_eq!(Reasoning::Auto.budget_tokens(), 8192);
        assert_eq!(Reasoning::Off.budget_tokens(), 0);
        assert_eq!(Reasoning::Off.effort(), None);
        assert!(!Reasoning::Off.is_on() && Reasoning::Auto.is_on());
    }
}
