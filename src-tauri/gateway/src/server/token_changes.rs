//! Creating and revoking client tokens as changes of the user's configuration: each one is in
//! the action log (`api_tokens.NAME`, begun before the change and completed after), whichever
//! shell asked — `hearth token` (`via = "cli"`) or the settings window (`via = "ui"`). The token
//! text itself never reaches the log: only the name and the model patterns do.

use super::tokens::{CreatedToken, TokenError, TokenStore};
use crate::audit::{ActionLog, Actor, AuditError, ConfigChangeDetail, EntryId, NewEntry, Outcome};

/// Why a token could not be created or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenChangeError {
    /// The token store refused (bad name or pattern, name taken, no such token) or failed.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The action log could not record the change, so it was not made.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// Creates the token `name`, limited to `models` (none = every model), in the action log.
pub async fn create(
    tokens: &TokenStore,
    log: &ActionLog,
    name: &str,
    models: &[String],
    record: bool,
    via: &str,
) -> Result<CreatedToken, TokenChangeError> {
    let to = if models.is_empty() {
        "every model".to_string()
    } else {
        models.join(", ")
    };
    let entry = log.begin(change(name, None, Some(to), via)).await?;
    let created = tokens.create(name, models, record).await;
    completed(log, &entry, created, "token created").await
}

/// Revokes the token `name` (its client gets 401 from the next request on), in the action log.
pub async fn revoke(
    tokens: &TokenStore,
    log: &ActionLog,
    name: &str,
    via: &str,
) -> Result<(), TokenChangeError> {
    let detail = change(name, Some("active".into()), Some("revoked".into()), via);
    let entry = log.begin(detail).await?;
    let revoked = tokens.revoke(name).await;
    completed(log, &entry, revoked, "token revoked").await
}

/// Completes the change's log entry with how it went, then returns that.
async fn completed<T>(
    log: &ActionLog,
    entry: &EntryId,
    result: Result<T, TokenError>,
    done: &str,
) -> Result<T, TokenChangeError> {
    let outcome = match &result {
        Ok(_) => Outcome::ok(done, serde_json::json!({})),
        Err(error) => Outcome::error(error.to_string()),
    };
    log.complete(entry, outcome).await?;
    Ok(result?)
}

fn change(name: &str, from: Option<String>, to: Option<String>, via: &str) -> NewEntry {
    NewEntry::config_change(
        Actor::User,
        ConfigChangeDetail {
            setting: format!("api_tokens.{name}"),
            from,
            to,
            via: via.to_string(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{EntryStatus, LogQuery};
    use crate::keys::Redactor;
    use crate::store::Store;

    fn setup() -> (tempfile::TempDir, TokenStore, ActionLog) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hearth.db")).unwrap();
        let log = ActionLog::new(store.clone(), Redactor::new());
        (dir, TokenStore::new(store), log)
    }

    #[tokio::test]
    async fn create_and_revoke_are_logged_without_the_token() {
        let (_dir, tokens, log) = setup();
        let created = create(&tokens, &log, "editor", &["ollama/*".into()], false, "ui")
            .await
            .unwrap();
        assert!(tokens.authenticate(&created.token).await.unwrap().is_some());
        revoke(&tokens, &log, "editor", "ui").await.unwrap();
        assert!(tokens.authenticate(&created.token).await.unwrap().is_none());

        let entries = log.entries(LogQuery::default()).await.unwrap();
        assert_eq!(entries.len(), 2, "{entries:?}");
        for entry in &entries {
            assert_eq!(entry.status, EntryStatus::Ok);
            assert_eq!(entry.summary, "api_tokens.editor changed via ui");
            let text = serde_json::to_string(entry).unwrap();
            assert!(!text.contains(&created.token), "{text}");
        }
        let details: Vec<String> = entries.iter().map(|e| e.detail.to_string()).collect();
        assert!(
            details.iter().any(|d| d.contains("ollama/*")),
            "{details:?}"
        );
        assert!(details.iter().any(|d| d.contains("revoked")), "{details:?}");
    }

    #[tokio::test]
    async fn a_refused_change_is_logged_as_an_error() {
        let (_dir, tokens, log) = setup();
        let error = revoke(&tokens, &log, "ghost", "ui").await.unwrap_err();
        assert!(matches!(
            error,
            TokenChangeError::Token(TokenError::NotFound(_))
        ));
        let error = create(&tokens, &log, "bad name!", &[], false, "ui")
            .await
            .unwrap_err();
        assert!(matches!(
            error,
            TokenChangeError::Token(TokenError::BadName(_))
        ));
        let entries = log.entries(LogQuery::default()).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert!(
            entries.iter().all(|e| e.status == EntryStatus::Error),
            "{entries:?}"
        );
    }
}
