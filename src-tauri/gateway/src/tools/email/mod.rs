//! The email tools on the user's own Maildir folders: `email.search`, `email.read`,
//! `email.draft` and `email.send`.
//!
//! Folders are those mbsync, offlineimap and delivery agents keep ([`maildir`]); messages are
//! parsed with `mail-parser` ([`message`]); drafts and outgoing mail are composed with `lettre`
//! ([`compose`]) and sent over SMTP or a sendmail-compatible command ([`transport`]; the SMTP
//! password is read from the OS keychain at the moment of sending).
//!
//! Invariants: email content is untrusted — `email.search` and `email.read` results (and reply
//! drafts, which quote the original) are marked so they taint the turn; `email.send` has the
//! `send` risk, so it asks by default, and its preview shows every recipient, the subject and
//! the whole body.

pub mod compose;
mod draft;
mod error;
pub mod maildir;
pub mod message;
mod read;
mod search;
mod send;
pub mod transport;

pub use draft::EmailDraft;
pub use error::EmailError;
pub use read::EmailRead;
pub use search::EmailSearch;
pub use send::EmailSend;
pub use transport::{delete_smtp_password, set_smtp_password, smtp_password_entry};

use crate::config::{EmailConfig, LiveConfig};
use crate::tools::{ToolError, ToolOutput};

/// The `[email]` settings in force now.
fn settings(live: &LiveConfig) -> EmailConfig {
    live.current().email.clone()
}

/// Why the maildir tools are off (no maildir configured), if they are.
fn no_maildirs(live: &LiveConfig) -> Option<String> {
    live.current().email.maildirs.is_empty().then(|| {
        "no mail folders are configured: add maildirs to [email] maildirs in config.toml"
            .to_string()
    })
}

/// The configured sender.
fn sender(config: &EmailConfig) -> Result<lettre::message::Mailbox, EmailError> {
    let from = config.from.as_deref().ok_or(EmailError::NoFrom)?;
    compose::mailbox(from)
}

/// Runs blocking mail work off the async runtime; a domain error becomes a failed result the
/// model can read.
async fn blocking<F>(work: F) -> Result<ToolOutput, ToolError>
where
    F: FnOnce() -> Result<ToolOutput, EmailError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(error)) => Ok(ToolOutput::failed(error.to_string(), "failed")),
        Err(join) => Ok(ToolOutput::failed(
            format!("the email task failed: {join}"),
            "failed",
        )),
    }
}

#[cfg(test)]
pub(crate) mod test_support;
