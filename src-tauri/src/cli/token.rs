//! `hearth token`: client tokens of the local API — `create NAME [--models PATTERN]...
//! [--record]` (prints the token once; only its hash is stored), `list [--json]`,
//! `revoke NAME`. Each change is written to the action log.

use anyhow::Context;
use hearth_gateway::audit::ActionLog;
use hearth_gateway::keys::Redactor;
use hearth_gateway::paths::DataDir;
use hearth_gateway::server::{token_changes, TokenStore};
use hearth_gateway::store::Store;
use std::process::ExitCode;

/// Arguments of `hearth token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// The `hearth token` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token for a client app; it is printed once and only its hash is kept.
    Create {
        /// The client's name (letters, digits, '-', '_', '.'), shown in the action log.
        name: String,
        /// Limit the token to models matching this glob over PROVIDER_ID/MODEL (repeatable),
        /// e.g. --models 'anthropic/*'. Without it the token may use every model.
        #[arg(long = "models", value_name = "PATTERN")]
        models: Vec<String>,
        /// Also keep this client's requests as conversations in the history.
        #[arg(long)]
        record: bool,
    },
    /// List tokens (names, prefixes, model limits; never the tokens).
    List {
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: its client gets 401 from the next request on.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// Runs `hearth token`.
pub fn run(data_dir: DataDir, args: TokenArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let store = Store::open(&data_dir.db_path()).context("cannot open the database")?;
    let tokens = TokenStore::new(store.clone());
    let log = ActionLog::new(store, Redactor::new());
    super::runtime()?.block_on(async move {
        match args.command {
            TokenCommand::Create {
                name,
                models,
                record,
            } => {
                let created =
                    token_changes::create(&tokens, &log, &name, &models, record, "cli").await?;
                eprintln!(
                    "Token '{name}' created. Copy it now: it is not shown again (only its hash is kept)."
                );
                println!("{}", created.token);
            }
            TokenCommand::List { json } => {
                let listed = tokens.list().await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&listed)?);
                } else if listed.is_empty() {
                    println!("no tokens (create one with `hearth token create NAME`)");
                } else {
                    for token in listed {
                        let models = if token.models.is_empty() {
                            "every model".to_string()
                        } else {
                            token.models.join(", ")
                        };
                        let record = if token.record { "  (recorded)" } else { "" };
                        println!("{:<20} {}…  {models}{record}", token.name, token.prefix);
                    }
                }
            }
            TokenCommand::Revoke { name } => {
                token_changes::revoke(&tokens, &log, &name, "cli").await?;
                println!("token '{name}' revoked");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
