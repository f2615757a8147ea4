//! [`Gateway`]: the one facade both shells hold. It opens the data directory and wires the
//! modules together: live config, store, keys, tools, approvals, action log, agent.

use crate::agent::context::{system_prompt, ContextWatcher};
use crate::agent::gate::ToolGate;
use crate::agent::policy_gate::{AskMode, PolicyGate};
use crate::agent::turn::{Agent, AgentError, TurnOptions, TurnReport};
use crate::agent::{BadModelRef, ModelRef};
use crate::audit::ActionLog;
use crate::config::{Config, ConfigError, LiveConfig};
use crate::conversation::{Block, Message, Role};
use crate::events::EventBus;
use crate::keys::{KeyStore, Redactor};
use crate::paths::{DataDir, PathsError};
use crate::policy::Approvals;
use crate::store::{Store, StoreError};
use crate::tools::ToolRegistry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Errors opening the gateway or starting a turn.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The data directory could not be prepared.
    #[error(transparent)]
    Paths(#[from] PathsError),
    /// The configuration could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened or used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The action log failed.
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// A model name is malformed.
    #[error(transparent)]
    BadModel(#[from] BadModelRef),
    /// No model was named and none can be inferred.
    #[error("no model to use: add a provider (`hearth provider add ID --kind KIND --model NAME`) or pass --model PROVIDER_ID/MODEL")]
    NoModel,
    /// A turn is already running in this conversation.
    #[error("a reply is already being written in this conversation; stop it first")]
    Busy,
    /// The message to act on is not of the right kind.
    #[error("{0}")]
    WrongMessage(String),
    /// The turn failed to run.
    #[error(transparent)]
    Agent(#[from] AgentError),
}

/// The gateway core, shared by every shell. Cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: DataDir,
    live: LiveConfig,
    bus: EventBus,
    agent: Agent,
    approvals: Approvals,
    context: ContextWatcher,
    mcp: crate::mcp::McpManager,
    tokens: crate::server::tokens::TokenStore,
    turns: Mutex<HashMap<String, CancellationToken>>,
    /// When this gateway opened the data: older pending action-log entries are a crash's.
    opened_ms: i64,
    _watcher: Option<crate::config::ConfigWatcher>,
}

/// A turn started by [`Gateway::send`] and friends.
pub struct TurnHandle {
    /// The conversation it runs in (new if none was given).
    pub conversation_id: String,
    /// The user message it answers.
    pub user_message_id: String,
    /// The model asked first.
    pub model: ModelRef,
    /// Resolves when the turn ends.
    pub join: JoinHandle<Result<TurnReport, AgentError>>,
}

impl Gateway {
    /// Opens (creating if needed) the data directory, its configuration and database, and
    /// recovers from a previous crash (streaming answers become `interrupted`).
    pub fn open(data_dir: DataDir) -> Result<Gateway, GatewayError> {
        let opened_ms = crate::conversation::now_ms();
        data_dir.ensure()?;
        let bus = EventBus::default();
        let live = LiveConfig::load(&data_dir.config_path(), bus.clone())?;
        let watcher = match crate::config::ConfigWatcher::start(live.clone()) {
            Ok(w) => Some(w),
            Err(error) => {
                tracing::warn!(%error, "config.toml is not watched for changes");
                None
            }
        };
        let store = Store::open(&data_dir.db_path())?;
        let redactor = Redactor::new();
        let keys = Arc::new(KeyStore::open(&data_dir, redactor.clone()));
        let audit = ActionLog::new(store.clone(), redactor.clone()).with_bus(bus.clone());
        let audit = match audit.clone().with_journal() {
            Ok(journaled) => journaled,
            Err(error) => {
                tracing::warn!(%error, "local API requests are logged without the begin journal");
                audit
            }
        };
        let tools = Arc::new(crate::tools::builtin_registry_with(&live, &redactor));
        // MCP servers join the same registry as `SERVER.TOOL` (needs a Tokio runtime).
        let mcp = crate::mcp::McpManager::start(
            live.clone(),
            (*tools).clone(),
            crate::mcp::McpSecrets::new(crate::keys::Keychain::default(), redactor.clone()),
        );
        let approvals = Approvals::new(bus.clone(), live.clone());
        let context = ContextWatcher::start_following(&live, data_dir.context_dir());
        let tokens = crate::server::tokens::TokenStore::new(store.clone());
        let agent = Agent {
            store,
            keys,
            tools,
            bus: bus.clone(),
            http: crate::providers::http_client(),
            audit,
        };
        Ok(Gateway {
            inner: Arc::new(Inner {
                data_dir,
                live,
                bus,
                agent,
                approvals,
                context,
                mcp,
                tokens,
                turns: Mutex::new(HashMap::new()),
                opened_ms,
                _watcher: watcher,
            }),
        })
    }

    /// The local API's client tokens. One store (and one cache) for the server and the
    /// settings window, so a token revoked in the window stops working at once.
    pub fn tokens(&self) -> &crate::server::tokens::TokenStore {
        &self.inner.tokens
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> &DataDir {
        &self.inner.data_dir
    }

    /// A snapshot of the configuration in force.
    pub fn config(&self) -> Arc<Config> {
        self.inner.live.current()
    }

    /// The live configuration (edits, pause switch, reloads).
    pub fn live_config(&self) -> &LiveConfig {
        &self.inner.live
    }

    /// The event bus every shell subscribes to.
    pub fn bus(&self) -> &EventBus {
        &self.inner.bus
    }

    /// Conversation history.
    pub fn store(&self) -> &Store {
        &self.inner.agent.store
    }

    /// Provider keys.
    pub fn keys(&self) -> &KeyStore {
        &self.inner.agent.keys
    }

    /// The tool registry.
    pub fn tools(&self) -> &ToolRegistry {
        &self.inner.agent.tools
    }

    /// Pending approvals.
    pub fn approvals(&self) -> &Approvals {
        &self.inner.approvals
    }

    /// The action log.
    pub fn audit(&self) -> &ActionLog {
        &self.inner.agent.audit
    }

    /// Housekeeping for the long-running process that owns the data (the desktop app,
    /// `hearth serve`): records every config change in the action log, marks action-log entries left pending by a crash as interrupted, applies
    /// the log retention now and daily, and loads every configured key into the redactor. Not
    /// for short CLI commands, which must not touch another process's pending entries.
    pub fn start_maintenance(&self) {
        tokio::spawn(crate::config_audit::record_config_changes(
            self.inner.live.clone(),
            self.inner.agent.audit.clone(),
        ));
        let gateway = self.clone();
        tokio::spawn(async move {
            match gateway
                .audit()
                .interrupt_pending(gateway.inner.opened_ms)
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    entries = n,
                    "action-log entries left pending by a crash marked interrupted"
                ),
                Err(error) => tracing::error!(%error, "cannot recover pending action-log entries"),
            }
            for (provider, error) in gateway.keys().preload(&gateway.config()).await {
                tracing::warn!(%provider, %error, "key not loaded");
            }
            let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
            loop {
                daily.tick().await;
                let days = gateway.config().general.log_retention_days;
                if let Err(error) = gateway.audit().prune(days).await {
                    tracing::error!(%error, "action-log retention failed");
                }
            }
        });
    }

    /// MCP servers and their status.
    pub fn mcp(&self) -> &crate::mcp::McpManager {
        &self.inner.mcp
    }

    /// The personal context currently loaded.
    pub fn personal_context(&self) -> crate::agent::PersonalContext {
        self.inner.context.current()
    }

    /// Every `PROVIDER_ID/MODEL` offered by the configured providers.
    pub fn models(&self) -> Vec<ModelRef> {
        let config = self.config();
        config
            .providers
            .iter()
            .flat_map(|(id, p)| {
                p.models.iter().map(move |m| ModelRef {
                    provider: id.clone(),
                    model: m.clone(),
                })
            })
            .collect()
    }

    /// The model to use: the one named, else the last one used in the conversation, else
    /// `general.default_model`, else the first model of the first provider.
    pub async fn resolve_model(
        &self,
        named: Option<&str>,
        conversation_id: Option<&str>,
    ) -> Result<ModelRef, GatewayError> {
        if let Some(name) = named {
            return Ok(name.parse()?);
        }
        if let Some(id) = conversation_id {
            let path = self.store().current_path(id).await?;
            let last = path
                .iter()
                .rev()
                .find_map(|m| match (&m.provider, &m.model) {
                    (Some(p), Some(model)) if m.role == Role::Assistant => Some(ModelRef {
                        provider: p.clone(),
                        model: model.clone(),
                    }),
                    _ => None,
                });
            if let Some(model) = last.filter(|m| self.config().providers.contains_key(&m.provider))
            {
                return Ok(model);
            }
        }
        if let Some(default) = &self.config().general.default_model {
            return Ok(default.parse()?);
        }
        self.models()
            .into_iter()
            .next()
            .ok_or(GatewayError::NoModel)
    }

    /// Sends a user message (to a new conversation when `conversation_id` is `None`) and starts
    /// the agent turn that answers it.
    pub async fn send(
        &self,
        conversation_id: Option<&str>,
        text: &str,
        model: Option<&str>,
        ask: AskMode,
    ) -> Result<TurnHandle, GatewayError> {
        let model = self.resolve_model(model, conversation_id).await?;
        let conversation_id = match conversation_id {
            Some(id) => self.store().resolve_conversation_id(id).await?,
            None => self.store().create_conversation(None).await?.id,
        };
        let message = Message::new(Role::User, vec![Block::text(text)]);
        let stored = self
            .store()
            .append_message(&conversation_id, message)
            .await?;
        self.start_turn(conversation_id, stored.id, model, ask)
    }

    /// Regenerates an assistant answer as a sibling (optionally with another model).
    pub async fn regenerate(
        &self,
        assistant_message_id: &str,
        model: Option<&str>,
        ask: AskMode,
    ) -> Result<TurnHandle, GatewayError> {
        let message = self.store().message(assistant_message_id).await?;
        if message.role != Role::Assistant {
            return Err(GatewayError::WrongMessage(
                "only an answer can be regenerated".into(),
            ));
        }
        let parent = message
            .parent_id
            .clone()
            .ok_or_else(|| GatewayError::WrongMessage("this answer has no question".into()))?;
        // Point the conversation at the question; the new answer becomes its sibling.
        let conversation_id = self.point_leaf_at(&parent).await?;
        let model = match model {
            Some(name) => name.parse()?,
            None => match (&message.provider, &message.model) {
                (Some(p), Some(m)) => ModelRef {
                    provider: p.clone(),
                    model: m.clone(),
                },
                _ => self.resolve_model(None, Some(&conversation_id)).await?,
            },
        };
        self.start_turn(conversation_id, parent, model, ask)
    }

    /// Edits a user message into a new branch and answers it.
    pub async fn edit_and_send(
        &self,
        user_message_id: &str,
        text: &str,
        model: Option<&str>,
        ask: AskMode,
    ) -> Result<TurnHandle, GatewayError> {
        let edited = self
            .store()
            .edit_user_message(user_message_id, vec![Block::text(text)])
            .await?;
        let conversation_id = self.point_leaf_at(&edited.id).await?;
        let model = self.resolve_model(model, Some(&conversation_id)).await?;
        self.start_turn(conversation_id, edited.id, model, ask)
    }

    /// Stops the turn running in a conversation (its partial answer is kept as `cancelled`).
    /// Returns whether one was running.
    pub fn stop(&self, conversation_id: &str) -> bool {
        let turns = self.inner.turns.lock().unwrap_or_else(|p| p.into_inner());
        match turns.get(conversation_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Conversations with a turn running now.
    pub fn running(&self) -> Vec<String> {
        let turns = self.inner.turns.lock().unwrap_or_else(|p| p.into_inner());
        turns.keys().cloned().collect()
    }

    /// The id of the conversation `message_id` belongs to (the desktop's `switch_branch`).
    pub async fn conversation_of_message(&self, message_id: &str) -> Result<String, GatewayError> {
        let id = message_id.to_owned();
        let found = self
            .store()
            .read(move |conn| {
                use rusqlite::OptionalExtension;
                Ok(conn
                    .query_row(
                        "SELECT conversation_id FROM messages WHERE id = ?1",
                        [&id],
                        |row| row.get::<_, String>(0),
                    )
                    .optional()?)
            })
            .await?;
        found.ok_or_else(|| StoreError::MessageNotFound(message_id.to_owned()).into())
    }

    /// Makes `message_id` the tip of its conversation's shown branch; returns the conversation.
    async fn point_leaf_at(&self, message_id: &str) -> Result<String, GatewayError> {
        let id = message_id.to_owned();
        let conversation = self
            .store()
            .write(move |tx| {
                let conversation: String = tx.query_row(
                    "SELECT conversation_id FROM messages WHERE id = ?1",
                    [&id],
                    |row| row.get(0),
                )?;
                tx.execute(
                    "UPDATE conversations SET current_leaf = ?1 WHERE id = ?2",
                    rusqlite::params![id, conversation],
                )?;
                Ok(conversation)
            })
            .await?;
        Ok(conversation)
    }

    fn start_turn(
        &self,
        conversation_id: String,
        user_message_id: String,
        model: ModelRef,
        ask: AskMode,
    ) -> Result<TurnHandle, GatewayError> {
        let cancel = CancellationToken::new();
        {
            let mut turns = self.inner.turns.lock().unwrap_or_else(|p| p.into_inner());
            if turns.contains_key(&conversation_id) {
                return Err(GatewayError::Busy);
            }
            turns.insert(conversation_id.clone(), cancel.clone());
        }
        let config = self.config();
        let gate: Arc<dyn ToolGate> = Arc::new(PolicyGate::new(
            self.inner.live.clone(),
            self.inner.approvals.clone(),
            self.inner.agent.audit.clone(),
            ask,
        ));
        let options = TurnOptions {
            system_prompt: system_prompt(
                config.general.system_prompt.as_deref(),
                &self.inner.context.current(),
            ),
            config,
            gate,
            cancel,
            live: self.inner.live.clone(),
        };
        let this = self.clone();
        let id = conversation_id.clone();
        let turn_model = model.clone();
        let join = tokio::spawn(async move {
            // Servers started on first use (or still starting) offer their tools to this turn.
            this.inner.mcp.ensure_started().await;
            let result = this.inner.agent.run_turn(&id, turn_model, options).await;
            this.inner
                .turns
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            if let Err(error) = &result {
                tracing::error!(%error, conversation = %id, "turn failed");
            }
            result
        });
        Ok(TurnHandle {
            conversation_id,
            user_message_id,
            model,
            join,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_the_data_dir_config_and_database() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let _guard = runtime.enter();
        let gateway = Gateway::open(DataDir::at(&dir.path().join("h"))).unwrap();
        assert!(gateway.data_dir().config_path().exists());
        assert!(gateway.data_dir().db_path().exists());
        assert!(gateway.data_dir().logs_dir().is_dir());
        assert_eq!(gateway.config().server.listen, "127.0.0.1:8765");
    }
}
