//! Prices: a built-in table of current popular models in US dollars per million input, output
//! and cached-input tokens, overridable by `[prices."MODEL"]` in config, and [`cost_usd`].
//!
//! A model matches a price by its exact name first, then by the longest name that is a prefix
//! of it (so `claude-sonnet-4-5-20250929` uses `claude-sonnet-4-5`). Names routed through a
//! gateway (`anthropic/claude-sonnet-4-5`) are also tried without their `vendor/` part.
//! Cache writes and long-context surcharges are not modelled.

use crate::config::Price;
use crate::conversation::Usage;
use std::collections::BTreeMap;

/// Built-in prices: (model, input, output, cached input), USD per million tokens.
const DEFAULTS: &[(&str, f64, f64, f64)] = &[
    // Anthropic
    ("claude-opus-4-5", 5.0, 25.0, 0.5),
    ("claude-opus-4-1", 15.0, 75.0, 1.5),
    ("claude-opus-4", 15.0, 75.0, 1.5),
    ("claude-sonnet-4-5", 3.0, 15.0, 0.3),
    ("claude-sonnet-4", 3.0, 15.0, 0.3),
    ("claude-haiku-4-5", 1.0, 5.0, 0.1),
    ("claude-3-7-sonnet", 3.0, 15.0, 0.3),
    ("claude-3-5-sonnet", 3.0, 15.0, 0.3),
    ("claude-3-5-haiku", 0.8, 4.0, 0.08),
    // OpenAI
    ("gpt-5.1", 1.25, 10.0, 0.125),
    ("gpt-5", 1.25, 10.0, 0.125),
    ("gpt-5-mini", 0.25, 2.0, 0.025),
    ("gpt-5-nano", 0.05, 0.4, 0.005),
    ("gpt-4.1", 2.0, 8.0, 0.5),
    ("gpt-4.1-mini", 0.4, 1.6, 0.1),
    ("gpt-4.1-nano", 0.1, 0.4, 0.025),
    ("gpt-4o", 2.5, 10.0, 1.25),
    ("gpt-4o-mini", 0.15, 0.6, 0.075),
    ("o1", 15.0, 60.0, 7.5),
    ("o3", 2.0, 8.0, 0.5),
    ("o3-pro", 20.0, 80.0, 20.0),
    ("o3-mini", 1.1, 4.4, 0.55),
    ("o4-mini", 1.1, 4.4, 0.275),
    // Google
    ("gemini-3-pro", 2.0, 12.0, 0.2),
    ("gemini-2.5-pro", 1.25, 10.0, 0.125),
    ("gemini-2.5-flash", 0.3, 2.5, 0.03),
    ("gemini-2.5-flash-lite", 0.1, 0.4, 0.01),
    ("gemini-2.0-flash", 0.1, 0.4, 0.025),
    ("gemini-2.0-flash-lite", 0.075, 0.3, 0.075),
];

/// The built-in price table.
pub fn default_prices() -> BTreeMap<String, Price> {
    DEFAULTS
        .iter()
        .map(|&(model, input, output, cached)| {
            (
                model.to_string(),
                Price {
                    input,
                    output,
                    cached_input: Some(cached),
                },
            )
        })
        .collect()
}

/// The price in force for `model`: `overrides` (from config) replace built-in entries of the
/// same name; exact name first, then the longest prefix.
pub fn price_for(model: &str, overrides: &BTreeMap<String, Price>) -> Option<Price> {
    let mut table = default_prices();
    table.extend(overrides.iter().map(|(k, v)| (k.clone(), *v)));
    let bare = model.rsplit_once('/').map(|(_, name)| name);
    std::iter::once(model)
        .chain(bare)
        .find_map(|name| lookup(&table, name))
}

fn lookup(table: &BTreeMap<String, Price>, model: &str) -> Option<Price> {
    if let Some(price) = table.get(model) {
        return Some(*price);
    }
    table
        .iter()
        .filter(|(name, _)| model.starts_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, price)| *price)
}

/// The cost in US dollars of `usage` on `model`, or `None` when the model has no known price.
/// Cached input tokens are charged at the cached price (the input price when none is set).
pub fn cost_usd(model: &str, usage: &Usage, overrides: &BTreeMap<String, Price>) -> Option<f64> {
    let price = price_for(model, overrides)?;
    let cached = usage.cached_input_tokens.min(usage.input_tokens);
    let uncached = usage.input_tokens - cached;
    let dollars = uncached as f64 * price.input
        + cached as f64 * price.cached_input.unwrap_or(price.input)
        + usage.output_tokens as f64 * price.output;
    Some(dollars / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, cached: u64, output: u64) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            cached_input_tokens: cached,
            reasoning_tokens: 0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn exact_then_longest_prefix() {
        let none = BTreeMap::new();
        assert_eq!(
            price_for("gpt-4o-mini-2024-07-18", &none).unwrap().input,
            0.15
        );
        assert_eq!(price_for("gpt-4o-2024-08-06", &none).unwrap().input, 2.5);
        assert_eq!(
            price_for("claude-sonnet-4-5-20250929", &none)
                .unwrap()
                .output,
            15.0
        );
        assert_eq!(
            price_for("claude-opus-4-20250514", &none).unwrap().input,
            15.0
        );
        assert_eq!(
            price_for("claude-opus-4-5-20251101", &none).unwrap().input,
            5.0
        );
        assert_eq!(price_for("o3-mini-high", &none).unwrap().input, 1.1);
        assert_eq!(
            price_for("anthropic/claude-haiku-4-5", &none)
                .unwrap()
                .input,
            1.0
        );
        assert_eq!(price_for("llama3.2:3b", &none), None);
    }

    #[test]
    fn cost_counts_cached_tokens_at_their_price() {
        let none = BTreeMap::new();
        // 1M input of which 400k cached, 100k output on claude-sonnet-4-5:
        // 600k * 3 + 400k * 0.3 + 100k * 15 = 1.8 + 0.12 + 1.5
        let cost = cost_usd(
            "claude-sonnet-4-5",
            &usage(1_000_000, 400_000, 100_000),
            &none,
        );
        assert!(close(cost.unwrap(), 3.42));
        assert_eq!(cost_usd("unknown-model", &usage(1, 0, 1), &none), None);
    }

    #[test]
    fn overrides_replace_and_extend_the_table() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "gpt-4o".to_string(),
            Price {
                input: 1.0,
                output: 2.0,
                cached_input: None,
            },
        );
        overrides.insert(
            "llama3".to_string(),
            Price {
                input: 0.0,
                output: 0.0,
                cached_input: None,
            },
        );
        let cost = cost_usd("gpt-4o", &usage(1_000_000, 500_000, 1_000_000), &overrides);
        assert!(close(cost.unwrap(), 3.0));
        assert_eq!(
            cost_usd("llama3.2:3b", &usage(10, 0, 10), &overrides),
            Some(0.0)
        );
        // gpt-4o-mini keeps its own built-in price.
        assert_eq!(price_for("gpt-4o-mini", &overrides).unwrap().input, 0.15);
    }
}
