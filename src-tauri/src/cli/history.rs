//! `hearth history`: list, show, search, export, import and delete conversations — the same
//! store the app uses, headless.

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use hearth_gateway::conversation::{Block, Message, MessageStatus, Role};
use hearth_gateway::paths::{write_private_atomic, DataDir};
use hearth_gateway::store::{
    format_time, parse_day, to_markdown, ConversationEntry, ExportDocument, ListQuery, ListScope,
    SearchHit, SearchQuery, Store, TRASH_RETENTION_MS,
};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `hearth history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    command: HistoryCommand,
}

/// The `hearth history` subcommands. IDs may be shortened to any unique prefix.
#[derive(Debug, Subcommand)]
enum HistoryCommand {
    /// List conversations, most recent first (pinned first).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// List archived conversations instead.
        #[arg(long, conflicts_with = "trash")]
        archived: bool,
        /// List the trash instead.
        #[arg(long)]
        trash: bool,
        /// How many to list.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show a conversation's current branch.
    Show {
        /// Conversation id (or unique prefix).
        id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Search titles and messages on every branch.
    Search {
        /// Words to find.
        query: String,
        /// Only answers from this provider.
        #[arg(long)]
        provider: Option<String>,
        /// Only answers from this model.
        #[arg(long)]
        model: Option<String>,
        /// Only messages from this day on (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DAY")]
        since: Option<String>,
        /// Only messages before this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DAY")]
        until: Option<String>,
        /// Most results.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export one conversation (or all) as Markdown or JSON.
    Export {
        /// Conversation id (or unique prefix); all conversations when omitted.
        id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        /// Write to this file (0600) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import conversations from a JSON export; conversations already present are skipped.
    Import {
        /// The JSON file.
        file: PathBuf,
    },
    /// Move a conversation to the trash (restorable for 30 days).
    Delete {
        /// Conversation id (or unique prefix).
        id: String,
    },
    /// Take a conversation out of the trash.
    Restore {
        /// Conversation id (or unique prefix).
        id: String,
    },
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// Readable Markdown (current branch; tool calls shown, reasoning folded).
    Md,
    /// Hearth's lossless JSON format (every branch), importable.
    Json,
}

/// `hearth history show --json`.
#[derive(Debug, Serialize)]
struct ShowOutput {
    conversation: ConversationEntry,
    messages: Vec<Message>,
    /// Tokens and cost over the whole conversation (every branch).
    spend: hearth_gateway::store::Spend,
}

/// Runs `hearth history …`.
pub fn run(data_dir: DataDir, args: HistoryArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let store = Store::open(&data_dir.db_path())?;
    super::runtime()?.block_on(dispatch(&store, args.command))?;
    Ok(ExitCode::SUCCESS)
}

async fn dispatch(store: &Store, command: HistoryCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        HistoryCommand::List {
            json,
            archived,
            trash,
            limit,
        } => {
            let scope = match (archived, trash) {
                (_, true) => ListScope::Trash,
                (true, _) => ListScope::Archived,
                _ => ListScope::Active,
            };
            let entries = store
                .list_conversations(ListQuery {
                    scope,
                    limit,
                    ..Default::default()
                })
                .await?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?;
            } else {
                write_list(&mut out, &entries)?;
            }
        }
        HistoryCommand::Show { id, json } => {
            let id = store.resolve_conversation_id(&id).await?;
            let conversation = store.conversation(&id).await?;
            let messages = store.current_path(&id).await?;
            let spend = store.spend(&id).await?;
            if json {
                let output = ShowOutput {
                    conversation,
                    messages,
                    spend,
                };
                writeln!(out, "{}", serde_json::to_string_pretty(&output)?)?;
            } else {
                write_conversation(&mut out, &conversation, &messages)?;
                writeln!(
                    out,
                    "\n{} in · {} out · ${:.4} in all{}",
                    spend.input_tokens,
                    spend.output_tokens,
                    spend.cost_usd,
                    if spend.unpriced_answers > 0 {
                        format!(
                            " ({} answers without a known price)",
                            spend.unpriced_answers
                        )
                    } else {
                        String::new()
                    }
                )?;
            }
        }
        HistoryCommand::Search {
            query,
            provider,
            model,
            since,
            until,
            limit,
            json,
        } => {
            let query = SearchQuery {
                text: query,
                provider,
                model,
                since: since.as_deref().map(day).transpose()?,
                until: until.as_deref().map(day).transpose()?,
                limit: Some(limit),
            };
            let hits = store.search(query).await?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?;
            } else {
                write_hits(&mut out, &hits)?;
            }
        }
        HistoryCommand::Export { id, format, output } => {
            let ids = match id {
                Some(id) => Some(vec![store.resolve_conversation_id(&id).await?]),
                None => None,
            };
            let document = store.export(ids).await?;
            let text = match format {
                ExportFormat::Json => document.to_json()?,
                ExportFormat::Md => to_markdown(&document.conversations),
            };
            match output {
                Some(path) => {
                    write_private_atomic(&path, text.as_bytes())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "exported {} conversation(s) to {}",
                        document.conversations.len(),
                        path.display()
                    );
                }
                None => writeln!(out, "{}", text.trim_end())?,
            }
        }
        HistoryCommand::Import { file } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let document = ExportDocument::from_json(&json)
                .with_context(|| format!("cannot import {}", file.display()))?;
            let report = store.import(document).await?;
            write!(out, "imported {} conversation(s)", report.imported.len())?;
            if report.skipped_existing.is_empty() {
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "; skipped {} already present: {}",
                    report.skipped_existing.len(),
                    report.skipped_existing.join(", ")
                )?;
            }
        }
        HistoryCommand::Delete { id } => {
            let id = store.resolve_conversation_id(&id).await?;
            store.trash_conversation(&id).await?;
            let days = TRASH_RETENTION_MS / (24 * 60 * 60 * 1000);
            writeln!(
                out,
                "moved {id} to the trash; `hearth history restore {id}` brings it back within {days} days"
            )?;
        }
        HistoryCommand::Restore { id } => {
            let id = store.resolve_conversation_id(&id).await?;
            store.restore_conversation(&id).await?;
            writeln!(out, "restored {id}")?;
        }
    }
    Ok(())
}

fn day(text: &str) -> anyhow::Result<i64> {
    parse_day(text).with_context(|| format!("'{text}' is not a day (expected YYYY-MM-DD)"))
}

fn write_list(out: &mut impl Write, entries: &[ConversationEntry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "no conversations");
    }
    writeln!(out, "{:<36}  {:<20}  {:>5}  TITLE", "ID", "UPDATED", "MSGS")?;
    for entry in entries {
        let conversation = &entry.conversation;
        let mut title = display_title(&conversation.title);
        if conversation.pinned {
            title = format!("* {title}");
        }
        writeln!(
            out,
            "{:<36}  {:<20}  {:>5}  {}",
            conversation.id,
            format_time(conversation.updated_at),
            entry.message_count,
            title
        )?;
    }
    Ok(())
}

fn write_conversation(
    out: &mut impl Write,
    entry: &ConversationEntry,
    messages: &[Message],
) -> std::io::Result<()> {
    let conversation = &entry.conversation;
    writeln!(out, "{}", display_title(&conversation.title))?;
    writeln!(
        out,
        "{} · created {} · {} of {} messages on this branch",
        conversation.id,
        format_time(conversation.created_at),
        messages.len(),
        entry.message_count
    )?;
    for message in messages {
        let mut header = match message.role {
            Role::System => "system".to_owned(),
            Role::User => "user".to_owned(),
            Role::Assistant => "assistant".to_owned(),
            Role::Tool => "tool".to_owned(),
        };
        if let Some(model) = &message.model {
            header.push_str(&format!(" · {model}"));
        }
        if message.status != MessageStatus::Complete {
            header.push_str(&format!(" · {}", message.status.as_str()));
        }
        writeln!(out, "\n── {header} · {}", format_time(message.created_at))?;
        for block in &message.blocks {
            match block {
                Block::Text { text } => writeln!(out, "{}", text.trim_end())?,
                Block::Reasoning { text, .. } if !text.is_empty() => {
                    writeln!(out, "(reasoning: {} chars)", text.chars().count())?
                }
                Block::Reasoning { .. } => {}
                Block::ToolCall {
                    name, arguments, ..
                } => writeln!(out, "→ {name} {arguments}")?,
                Block::ToolResult {
                    content, is_error, ..
                } => {
                    let label = if *is_error { "✗" } else { "←" };
                    writeln!(out, "{label} {}", first_line(content, 200))?
                }
            }
        }
        if let Some(error) = &message.error {
            writeln!(out, "error: {error}")?;
        }
    }
    Ok(())
}

fn write_hits(out: &mut impl Write, hits: &[SearchHit]) -> std::io::Result<()> {
    if hits.is_empty() {
        return writeln!(out, "no matches");
    }
    for hit in hits {
        let who = match (&hit.role, &hit.model) {
            (None, _) => "title".to_owned(),
            (Some(Role::Assistant), Some(model)) => format!("assistant · {model}"),
            (Some(role), _) => format!("{role:?}").to_lowercase(),
        };
        writeln!(
            out,
            "{}  {:<20}  {:<22}  {}",
            hit.conversation_id,
            format_time(hit.created_at),
            who,
            display_title(&hit.conversation_title)
        )?;
        writeln!(
            out,
            "    {}",
            first_line(&hit.snippet_marked("[", "]"), 160)
        )?;
    }
    Ok(())
}

fn display_title(title: &str) -> String {
    if title.is_empty() {
        "(untitled)".to_owned()
    } else {
        title.to_owned()
    }
}

/// Newlines flattened, cut to `max` characters.
fn first_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    if flat.chars().count() > max {
        let mut cut: String = flat.chars().take(max).collect();
        cut.push('…');
        cut
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrapper {
        #[command(subcommand)]
        command: HistoryCommand,
    }

    #[test]
    fn export_defaults_to_markdown_and_takes_an_output_file() {
        let parsed =
            Wrapper::try_parse_from(["x", "export", "abc", "--format", "json", "-o", "f.json"])
                .unwrap();
        match parsed.command {
            HistoryCommand::Export { id, format, output } => {
                assert_eq!(id.as_deref(), Some("abc"));
                assert_eq!(format, ExportFormat::Json);
                assert_eq!(output, Some(PathBuf::from("f.json")));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Wrapper::try_parse_from(["x", "export", "--format", "pdf"]).is_err());
    }

    #[test]
    fn long_lines_are_cut() {
        assert_eq!(first_line("a\nb", 10), "a b");
        assert_eq!(first_line("abcdef", 3), "abc…");
    }
}
