//! Typed IPC: the TypeScript declarations of the desktop's IPC types, generated from the Rust
//! types with `ts-rs` into `ui/src/ipc/bindings.ts`, plus the `Commands` map: for every
//! registered command, its argument struct and its result type, read off the command function
//! itself (`commands::contract`), so a change of a command's parameters or result in Rust breaks
//! the TypeScript build. The test fails when the committed file differs from what the Rust types
//! produce (drift check); regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings`.

use super::commands::{
    self, api_tokens, chat, contract, history_io, mcp, personal, providers, settings, windows,
};
use super::error;
use hearth_gateway::{
    agent, audit, config, conversation as conv, events, keys, policy, store, tools,
};
use std::path::PathBuf;
use ts_rs::{Config, TS};

/// Where the generated file lives (committed).
fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts")
}

fn decl<T: TS>(cfg: &Config, doc: &str) -> String {
    format!("/** {doc} */\nexport {}\n", T::decl(cfg))
}

/// The whole generated file.
pub fn generate() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// GENERATED from the Rust types in src-tauri/src/desktop by ts-rs — do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings\n\
         // (`cargo test -p hearth --bin hearth bindings` fails when this file is stale.)\n\
         \n",
    );
    let parts = [
        // The gateway's wire types (hearth-gateway's `ts` feature).
        decl::<serde_json::Value>(&cfg, "Arbitrary JSON (serde_json::Value)."),
        decl::<conv::Role>(&cfg, "Who wrote a message."),
        decl::<conv::Opaque>(
            &cfg,
            "Provider-specific data sent back verbatim (never shown).",
        ),
        decl::<conv::Block>(&cfg, "One piece of a message."),
        decl::<conv::Usage>(&cfg, "Token counts for one model call."),
        decl::<conv::MessageStatus>(&cfg, "Where a message stands in its life."),
        decl::<conv::Message>(&cfg, "One message of a conversation."),
        decl::<conv::Conversation>(&cfg, "A conversation's metadata."),
        decl::<store::ListScope>(&cfg, "Which conversations a list shows."),
        decl::<store::ListQuery>(
            &cfg,
            "A page of the conversation list (every field has a default).",
        ),
        decl::<store::ConversationEntry>(&cfg, "A conversation as listed."),
        decl::<store::SearchQuery>(&cfg, "`search_history` query."),
        decl::<store::SnippetPart>(&cfg, "One piece of a search snippet."),
        decl::<store::SearchHit>(
            &cfg,
            "One search result; `message_id` is null for a title match.",
        ),
        decl::<store::ImportReport>(&cfg, "`import_history` result."),
        decl::<agent::ModelRef>(
            &cfg,
            "How a model is named in `send_message` / `regenerate`.",
        ),
        decl::<config::ProviderKind>(&cfg, "Provider wire formats."),
        decl::<keys::KeySource>(&cfg, "Where a key is read from."),
        decl::<keys::KeyStatus>(&cfg, "What may be shown about a key (never the key)."),
        decl::<tools::Risk>(&cfg, "Risk class of a tool."),
        decl::<policy::Decision>(&cfg, "A permission decision."),
        decl::<policy::RuleList>(&cfg, "A rule's effect (the list it is in)."),
        decl::<policy::ToolRule>(&cfg, "An argument-scoped rule naming a tool."),
        decl::<policy::ToolInfo>(
            &cfg,
            "One tool: its decision in force and the rules naming it.",
        ),
        decl::<policy::TaintSource>(&cfg, "Untrusted content seen earlier in the turn."),
        decl::<policy::ApprovalRequest>(&cfg, "A tool call waiting for the user."),
        decl::<policy::ApprovalAnswer>(&cfg, "The user's answer to an approval request."),
        decl::<audit::EntryKind>(&cfg, "Action-log entry kinds."),
        decl::<audit::EntryStatus>(&cfg, "How an action ended; `pending` until completed."),
        decl::<audit::Actor>(&cfg, "Who acted."),
        decl::<audit::StageView>(&cfg, "An intermediate step of an action."),
        decl::<audit::OutcomeView>(&cfg, "The completion of an action."),
        decl::<audit::LogEntry>(
            &cfg,
            "One action-log entry (re-published with the same id at each stage).",
        ),
        decl::<events::Event>(&cfg, "One event on `hearth://event`."),
        // The desktop's own types.
        decl::<commands::conversations::ConversationView>(
            &cfg,
            "`get_conversation` / `switch_branch`: the current path and each message's siblings.",
        ),
        decl::<error::ErrorKind>(&cfg, "The stable categories of IpcError.kind."),
        decl::<error::IpcError>(
            &cfg,
            "What every command rejects with (message already redacted).",
        ),
        decl::<windows::AppInfo>(&cfg, "`app_info` result."),
        decl::<windows::OpenConversation>(&cfg, "Payload of `hearth://open-conversation`."),
        decl::<chat::ModelInfo>(
            &cfg,
            "A model to pick (`list_models`); the first is the default.",
        ),
        decl::<chat::TurnHandle>(
            &cfg,
            "`send_message` / `regenerate` / `edit_message` result.",
        ),
        decl::<providers::ProviderInfo>(&cfg, "One configured provider (`list_providers`)."),
        decl::<providers::ProviderTestResult>(&cfg, "`test_provider` result."),
        decl::<settings::Appearance>(&cfg, "Appearance preference."),
        decl::<settings::ContextFile>(&cfg, "A file loaded from the personal context folder."),
        decl::<settings::LocalApi>(&cfg, "The local API (read-only)."),
        decl::<hearth_gateway::server::tokens::TokenInfo>(
            &cfg,
            "A local API client token as stored (never the token).",
        ),
        decl::<api_tokens::NewApiToken>(&cfg, "`create_api_token` result: the token, shown once."),
        decl::<settings::Settings>(&cfg, "`get_settings` / `set_settings` result."),
        decl::<settings::SettingsPatch>(
            &cfg,
            "`set_settings` patch: only the fields present change.",
        ),
        decl::<hearth_gateway::mcp::TransportKind>(&cfg, "How Hearth talks to an MCP server."),
        decl::<hearth_gateway::mcp::ToolSummary>(&cfg, "One tool of an MCP server."),
        decl::<hearth_gateway::mcp::ServerState>(&cfg, "Where an MCP server is in its life."),
        decl::<hearth_gateway::mcp::ServerStatus>(&cfg, "`mcp_statuses`: one MCP server."),
        decl::<mcp::McpImportItem>(&cfg, "One server an MCP import would add or skip."),
        decl::<mcp::McpImportPreview>(&cfg, "`mcp_import_preview` result."),
        decl::<personal::SendViaName>(&cfg, "How mail is sent."),
        decl::<personal::SmtpSecurityName>(&cfg, "SMTP connection security."),
        decl::<personal::SmtpSettings>(&cfg, "The outgoing mail server (never the password)."),
        decl::<personal::PersonalSettings>(
            &cfg,
            "`get_personal_settings` result: calendars and mail.",
        ),
        decl::<personal::PersonalPatch>(
            &cfg,
            "`set_personal_settings` patch: only the fields present change.",
        ),
        decl::<history_io::ExportFormat>(&cfg, "Export formats."),
        decl::<history_io::ExportResult>(&cfg, "`export_history` result."),
    ];
    for part in parts {
        out.push_str(&part);
        out.push('\n');
    }
    out.push_str(&command_map(&commands::contracts(&cfg)));
    out.push_str(&format!(
        "\n/** The channel every core event arrives on. */\nexport const EVENT_CHANNEL = \"{}\";\n\
         /** The channel the core asks the main window to show a conversation on. */\n\
         export const OPEN_CONVERSATION_CHANNEL = \"{}\";\n",
        super::events::EVENT_CHANNEL,
        commands::windows::OPEN_CONVERSATION_CHANNEL,
    ));
    out
}

/// The argument structs, the `Commands` map and the list of names, from the command table.
fn command_map(contracts: &[contract::Contract]) -> String {
    let mut out =
        String::from("// --- Command arguments (one struct per command that takes any) ---\n\n");
    for args in contracts.iter().filter_map(|c| c.args.as_ref()) {
        // ts-rs gives the Rust doc comment as a whole JSDoc block.
        let doc = args.docs.as_deref().unwrap_or("/** Command arguments. */");
        out.push_str(&format!("{}\nexport {}\n\n", doc.trim_end(), args.decl));
    }
    out.push_str(
        "/** Every command the core registers: what it takes (`args`, sent as `{ args }`; `null` = \
         none) and what it resolves to (`result`). It rejects with `IpcError`. */\n\
         export type Commands = {\n",
    );
    for c in contracts {
        let args = c.args.as_ref().map_or("null", |a| a.name.as_str());
        out.push_str(&format!(
            "  {}: {{ args: {args}; result: {} }};\n",
            c.name, c.result
        ));
    }
    out.push_str(
        "};\n\n/** Every command the core registers (ui/IPC.md), in registration order. */\n",
    );
    out.push_str("export const COMMAND_NAMES = [\n");
    for c in contracts {
        out.push_str(&format!("  \"{}\",\n", c.name));
    }
    out.push_str("] as const satisfies readonly (keyof Commands)[];\n\n/** A command name. */\nexport type CommandName = keyof Commands;\n");
    out
}

#[test]
fn bindings_are_up_to_date() {
    let generated = generate();
    let path = bindings_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p hearth --bin hearth bindings`",
        path.display()
    );
}
