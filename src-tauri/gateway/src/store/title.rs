//! The automatic title of a conversation: a pure function of its first user message.

/// Longest automatic title, in characters (not counting the ellipsis).
pub const TITLE_MAX_CHARS: usize = 60;

/// The first non-empty line of `first_user_text`, whitespace collapsed, cut to at most
/// [`TITLE_MAX_CHARS`] characters on a word boundary (with `…` when cut). Empty for blank text.
pub fn auto_title(first_user_text: &str) -> String {
    let line = first_user_text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let collapsed = words.join(" ");
    if collapsed.chars().count() <= TITLE_MAX_CHARS {
        return collapsed;
    }
    let mut title = String::new();
    for word in &words {
        let needed = title.chars().count() + usize::from(!title.is_empty()) + word.chars().count();
        if needed > TITLE_MAX_CHARS {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        // One word longer than the limit: cut inside it.
        title = collapsed.chars().take(TITLE_MAX_CHARS).collect();
    }
    title.push('…');
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_first_line_is_kept() {
        assert_eq!(auto_title("  Hello   there \nsecond line"), "Hello there");
    }

    #[test]
    fn leading_blank_lines_are_skipped() {
        assert_eq!(auto_title("\n\n  \nWhat is Rust?"), "What is Rust?");
    }

    #[test]
    fn long_lines_are_cut_on_a_word_boundary() {
        let text =
            "Please explain how the borrow checker decides which references live long enough";
        let title = auto_title(text);
        assert_eq!(
            title,
            "Please explain how the borrow checker decides which…"
        );
        assert!(title.chars().count() <= TITLE_MAX_CHARS + 1);
    }

    #[test]
    fn one_huge_word_is_cut_inside() {
        let word = "x".repeat(100);
        let title = auto_title(&word);
        assert_eq!(title.chars().count(), TITLE_MAX_CHARS + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn multibyte_text_is_cut_by_characters() {
        let text = "日本語 ".repeat(30);
        let title = auto_title(&text);
        assert!(title.chars().count() <= TITLE_MAX_CHARS + 1);
        assert!(title.starts_with("日本語 日本語"));
    }

    #[test]
    fn blank_text_gives_an_empty_title() {
        assert_eq!(auto_title("  \n\t "), "");
    }
}
