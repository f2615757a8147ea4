//! `hearth provider add|list|remove|test`: the providers in `config.toml`.

use anyhow::Context;
use hearth_gateway::config::edit::{add_provider, remove_provider};
use hearth_gateway::config::{Config, ProviderConfig, ProviderKind};
use hearth_gateway::paths::DataDir;
use std::process::ExitCode;

/// `hearth provider ...`
#[derive(Debug, clap::Args)]
pub struct ProviderArgs {
    #[command(subcommand)]
    command: ProviderCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ProviderCommand {
    /// Add a provider.
    Add {
        /// Its id, used in model names (`ID/MODEL`) and for its key.
        id: String,
        /// Its wire format.
        #[arg(long, value_parser = parse_kind)]
        kind: ProviderKind,
        /// API base URL (required for openai-compatible; defaults to the official one otherwise).
        #[arg(long)]
        base_url: Option<String>,
        /// A model it offers (repeatable; the first is the default).
        #[arg(long = "model")]
        models: Vec<String>,
        /// Read the key from this environment variable instead of the keychain (less safe).
        #[arg(long)]
        key_env: Option<String>,
        /// A model to fall back to when this provider fails (repeatable, `ID/MODEL`).
        #[arg(long = "fallback")]
        fallbacks: Vec<String>,
    },
    /// List configured providers.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a provider (its key stays in the keychain until `hearth key delete`).
    Remove {
        /// The provider id.
        id: String,
    },
    /// Make one tiny real call to check the provider and its key.
    Test {
        /// The provider id.
        id: String,
        /// The model to ask (default: its first).
        #[arg(long)]
        model: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_kind(text: &str) -> Result<ProviderKind, String> {
    text.parse()
}

/// Runs `hearth provider ...`.
pub fn run(data_dir: DataDir, args: ProviderArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let path = data_dir.config_path();
    match args.command {
        ProviderCommand::Add {
            id,
            kind,
            base_url,
            models,
            key_env,
            fallbacks,
        } => {
            let provider = ProviderConfig {
                kind,
                base_url,
                models,
                key_env: key_env.clone(),
                fallback: fallbacks,
                max_tokens: None,
            };
            add_provider(&path, &id, &provider)?;
            println!("added provider '{id}' ({kind})");
            if kind.requires_key() && key_env.is_none() {
                println!("next: store its key with `hearth key set {id}`");
            }
            Ok(ExitCode::SUCCESS)
        }
        ProviderCommand::List { json } => {
            let config = Config::load_or_init(&path)?;
            if json {
                let list: Vec<_> = config
                    .providers
                    .iter()
                    .map(|(id, p)| {
                        serde_json::json!({
                            "id": id,
                            "kind": p.kind,
                            "base_url": p.effective_base_url(),
                            "models": p.models,
                            "key_env": p.key_env,
                            "fallback": p.fallback,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if config.providers.is_empty() {
                println!("no providers yet: add one with `hearth provider add ID --kind KIND --model NAME`");
            } else {
                for (id, p) in &config.providers {
                    println!(
                        "{id:<16} {:<18} {:<44} {}",
                        p.kind.as_str(),
                        p.effective_base_url().unwrap_or_default(),
                        p.models.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ProviderCommand::Remove { id } => {
            remove_provider(&path, &id)?;
            println!("removed provider '{id}'");
            Ok(ExitCode::SUCCESS)
        }
        ProviderCommand::Test { id, model, json } => {
            let runtime = super::runtime()?;
            let _context = runtime.enter();
            let gateway = hearth_gateway::Gateway::open(data_dir)?;
            let config = gateway.config();
            let provider = config
                .providers
                .get(&id)
                .with_context(|| format!("no provider '{id}' (see `hearth provider list`)"))?
                .clone();
            let report = runtime.block_on(hearth_gateway::agent::probe::probe(
                &id,
                &provider,
                model.as_deref(),
                gateway.keys(),
                hearth_gateway::providers::http_client(),
            ))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "ok: {}/{} answered in {} ms: {}",
                    report.provider, report.model, report.latency_ms, report.reply
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
