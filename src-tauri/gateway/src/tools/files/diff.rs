//! Unified diffs for write and edit previews (the `similar` crate).

/// Longest preview kept, in bytes; longer diffs are cut with a note.
const MAX_PREVIEW_BYTES: usize = 32 * 1024;

/// A unified diff from `old` to `new`, labelled with `label` (`/dev/null` stands for a new
/// file's old side).
pub fn unified_diff(label: &str, old: Option<&str>, new: &str) -> String {
    let old_label = if old.is_some() {
        format!("a/{label}")
    } else {
        "/dev/null".to_string()
    };
    let new_label = format!("b/{label}");
    let text = similar::TextDiff::from_lines(old.unwrap_or(""), new)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, &new_label)
        .to_string();
    if text.is_empty() {
        return format!("(no change to {label})");
    }
    if text.len() <= MAX_PREVIEW_BYTES {
        return text;
    }
    let mut cut = MAX_PREVIEW_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}\n[diff cut: {} more bytes]\n",
        &text[..cut],
        text.len() - cut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_removed_and_added_lines() {
        let diff = unified_diff("n.md", Some("a\nb\nc\n"), "a\nB\nc\n");
        assert!(
            diff.contains("--- a/n.md") && diff.contains("+++ b/n.md"),
            "{diff}"
        );
        assert!(diff.contains("-b\n") && diff.contains("+B\n"), "{diff}");
        let new = unified_diff("x", None, "hello\n");
        assert!(
            new.contains("--- /dev/null") && new.contains("+hello"),
            "{new}"
        );
        assert_eq!(
            unified_diff("x", Some("same\n"), "same\n"),
            "(no change to x)"
        );
    }
}
