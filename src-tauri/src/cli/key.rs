//! `hearth key`: provider keys in the OS keychain — set (from stdin, never echoed), status,
//! delete, and confirming a provider's new host. Keys never appear in output, only their last
//! four characters.

use anyhow::Context;
use futures::StreamExt;
use hearth_gateway::audit::{
    ActionLog, Actor, AuditError, EntryKind, EntryStatus, NewEntry, Outcome,
};
use hearth_gateway::config::{Config, ProviderConfig};
use hearth_gateway::conversation::Message;
use hearth_gateway::keys::{
    validate_key_text, KeyError, KeySource, KeyStatus, KeyStore, KeyValidator, Redactor, Secret,
    SkipValidation, Validation,
};
use hearth_gateway::paths::DataDir;
use hearth_gateway::providers::{self, ChatRequest, RetryPolicy, Timeouts};
use hearth_gateway::store::Store;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;
use zeroize::Zeroizing;

/// Arguments of `hearth key`.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// The `hearth key` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Store or replace a provider's key, read from stdin (not echoed on a terminal).
    Set {
        /// The provider id from config.toml.
        provider_id: String,
        /// Store the key even if it cannot be validated (provider unreachable), without asking.
        #[arg(long)]
        force: bool,
        /// Do not try the key with the provider before storing it.
        #[arg(long)]
        no_validate: bool,
    },
    /// Show every configured provider's key status (never the key).
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a provider's key from the keychain.
    Delete {
        /// The provider id.
        provider_id: String,
    },
    /// Allow a stored key to be sent to its provider's current host after base_url changed.
    ConfirmHost {
        /// The provider id.
        provider_id: String,
    },
}

/// Runs `hearth key`; `set` validates the key with one tiny real call to its provider.
pub fn run(data_dir: DataDir, args: KeyArgs) -> anyhow::Result<ExitCode> {
    run_with(data_dir, args, &ProviderValidator)
}

/// How long the validation call may take before it counts as "provider unreachable".
const VALIDATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Validates a key by asking the provider's first model for one short reply (no retries): an
/// auth error rejects the key, anything else that fails is inconclusive.
struct ProviderValidator;

#[async_trait::async_trait]
impl KeyValidator for ProviderValidator {
    async fn validate(&self, id: &str, config: &ProviderConfig, key: &Secret) -> Validation {
        let Some(model) = config.models.first() else {
            return Validation::Inconclusive {
                reason: format!("provider '{id}' lists no model to test the key with"),
            };
        };
        let retry = RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        };
        let provider = providers::build_with(
            id,
            config,
            providers::http_client(),
            retry,
            Timeouts::default(),
        );
        let mut request = ChatRequest::new(model.clone(), vec![Message::user("Reply with: ok")]);
        request.max_tokens = Some(16);
        let call = async {
            let mut stream = provider.stream(request, Some(key.clone())).await?;
            // The first event (or error) settles whether the key is accepted.
            match stream.next().await {
                Some(Err(error)) => Err(error),
                _ => Ok(()),
            }
        };
        match tokio::time::timeout(VALIDATION_TIMEOUT, call).await {
            Ok(result) => Validation::from_call(result.as_ref().map(|_| ())),
            Err(_) => Validation::Inconclusive {
                reason: format!(
                    "{id} did not answer within {} s",
                    VALIDATION_TIMEOUT.as_secs()
                ),
            },
        }
    }
}

/// Runs `hearth key` with an explicit validator (tests, and the lead's wiring).
pub fn run_with(
    data_dir: DataDir,
    args: KeyArgs,
    validator: &dyn KeyValidator,
) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let config = Config::load_or_init(&data_dir.config_path())?;
    let keys = KeyStore::open(&data_dir, Redactor::new());
    let runtime = super::runtime()?;
    match args.command {
        KeyCommand::Status { json } => {
            let statuses = runtime.block_on(keys.status_all(&config));
            print_status(&statuses, json)?;
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::Set {
            provider_id,
            force,
            no_validate,
        } => {
            let provider = provider(&config, &provider_id)?;
            let key = read_key()?;
            validate_key_text(key.expose())?;
            let log = open_log(&data_dir, &keys)?;
            let status = runtime.block_on(audited(&log, &provider_id, "set", async {
                let skip = SkipValidation;
                let validator: &dyn KeyValidator = if no_validate { &skip } else { validator };
                keys.set_checked(&provider_id, provider, key, validator, |reason| {
                    force || confirm_unverified(&provider_id, reason)
                })
                .await
            }))?;
            let validated = if status.last_validated.is_some() {
                "validated"
            } else {
                "not validated"
            };
            println!(
                "stored the key for {provider_id} (…{}, {validated}) in the OS keychain, bound to {}",
                status.last_four.as_deref().unwrap_or("????"),
                status.bound_origin.as_deref().unwrap_or("?"),
            );
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::Delete { provider_id } => {
            let log = open_log(&data_dir, &keys)?;
            let existed = runtime.block_on(audited(&log, &provider_id, "delete", async {
                keys.delete(&provider_id).await
            }))?;
            if existed {
                println!("deleted the key for {provider_id}");
            } else {
                println!("no key stored for {provider_id}");
            }
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::ConfirmHost { provider_id } => {
            let provider = provider(&config, &provider_id)?;
            let log = open_log(&data_dir, &keys)?;
            let origin = runtime.block_on(audited(&log, &provider_id, "confirm-host", async {
                keys.confirm_host(&provider_id, provider).await
            }))?;
            println!("the key for {provider_id} may now be sent to {origin}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The configured provider, or a clear error listing the configured ones.
fn provider<'a>(config: &'a Config, id: &str) -> anyhow::Result<&'a ProviderConfig> {
    config.providers.get(id).ok_or_else(|| {
        let known: Vec<&str> = config.providers.keys().map(String::as_str).collect();
        let hint = if known.is_empty() {
            "none are configured; add one with `hearth provider add` or in config.toml".to_string()
        } else {
            format!("configured: {}", known.join(", "))
        };
        anyhow::anyhow!("{}; {hint}", KeyError::UnknownProvider(id.to_string()))
    })
}

/// The action log, so key changes are recorded like every other action.
fn open_log(data_dir: &DataDir, keys: &KeyStore) -> anyhow::Result<ActionLog> {
    let store = Store::open(&data_dir.db_path()).context("cannot open the action log")?;
    Ok(ActionLog::new(store, keys.redactor().clone()))
}

/// Runs a key change between a begin and a completion entry in the action log.
async fn audited<T>(
    log: &ActionLog,
    provider_id: &str,
    action: &str,
    change: impl std::future::Future<Output = Result<T, KeyError>>,
) -> anyhow::Result<T> {
    let entry = NewEntry {
        kind: EntryKind::ConfigChange,
        actor: Actor::User,
        conversation_id: None,
        summary: format!("key {action} for {provider_id} (via cli)"),
        detail: serde_json::json!({ "setting": format!("keys.{provider_id}"), "action": action, "via": "cli" }),
    };
    let id = log.begin(entry).await?;
    let result = change.await;
    let outcome = match &result {
        Ok(_) => Outcome::with_status(EntryStatus::Ok, "done"),
        Err(e) => Outcome::error(e.to_string()),
    };
    match log.complete(&id, outcome).await {
        // The app, starting meanwhile, marked this entry interrupted: the change itself is done.
        Ok(()) | Err(AuditError::AlreadyCompleted(_)) => {}
        Err(error) => return Err(error.into()),
    }
    Ok(result?)
}

/// Reads the key: without echo from the terminal, or the first line of piped stdin.
fn read_key() -> anyhow::Result<Secret> {
    let text = if std::io::stdin().is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password("key (input hidden): ").context("cannot read the key")?,
        )
    } else {
        let mut all = Zeroizing::new(String::new());
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut all)
            .context("cannot read the key from stdin")?;
        all
    };
    let line = text.lines().next().unwrap_or_default().trim();
    Ok(Secret::new(line))
}

/// Asks on the terminal whether to store a key that could not be validated; `false` without a
/// terminal (the error then says to use `--force`).
fn confirm_unverified(provider_id: &str, reason: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("the key for {provider_id} could not be validated ({reason}). Store it anyway? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

/// Prints the statuses as a table or JSON.
fn print_status(statuses: &[KeyStatus], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(statuses)?)?;
        return Ok(());
    }
    if statuses.is_empty() {
        writeln!(out, "no providers configured")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<16} {:<11} {:<16} {:<6} {:<21} HOST",
        "PROVIDER", "KEY", "SOURCE", "LAST4", "VALIDATED"
    )?;
    for s in statuses {
        let key = match (s.present, s.requires_key) {
            (true, _) => "present",
            (false, true) => "missing",
            (false, false) => "none needed",
        };
        let source = match s.source {
            KeySource::Keychain => "keychain".to_string(),
            KeySource::Env => "env (less safe)".to_string(),
        };
        let validated = s
            .last_validated
            .and_then(|t| {
                t.format(time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]Z"
                ))
                .ok()
            })
            .unwrap_or_else(|| "-".into());
        let host = s
            .bound_origin
            .clone()
            .or_else(|| s.current_origin.clone())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<16} {:<11} {:<16} {:<6} {:<21} {}",
            s.provider,
            key,
            source,
            s.last_four.as_deref().unwrap_or("-"),
            validated,
            host
        )?;
        if s.present && s.source == KeySource::Keychain && !s.host_confirmed {
            writeln!(
                out,
                "  ! {} now points at {}: the key is not sent there until you run `hearth key confirm-host {}`",
                s.provider,
                s.current_origin.as_deref().unwrap_or("?"),
                s.provider
            )?;
        }
        if let Some(error) = &s.error {
            writeln!(out, "  ! {error}")?;
        }
    }
    Ok(())
}
