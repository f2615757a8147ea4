//! [`EmailError`]: every way an email tool fails. Messages never contain the SMTP password.

use std::path::PathBuf;

/// A failed email operation.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// Reading or writing a maildir failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No maildir is configured or found.
    #[error("no mail folders are available: add maildirs to [email] maildirs in config.toml")]
    NoMaildirs,
    /// The drafts folder cannot be found.
    #[error("no Drafts folder found in {0}: set [email] drafts in config.toml")]
    NoDrafts(PathBuf),
    /// A message id is malformed.
    #[error("'{0}' is not a message id (email.search shows ids like INBOX/1700000000.M1P2.host)")]
    BadId(String),
    /// No message has that id.
    #[error("no message with id '{0}' (it may have been moved or deleted; search again)")]
    UnknownMessage(String),
    /// A folder name is unknown.
    #[error("no mail folder named '{name}'; folders: {known}")]
    UnknownFolder {
        /// The name asked for.
        name: String,
        /// The folders there are.
        known: String,
    },
    /// A file is not a parsable message.
    #[error("{0} is not a readable email message")]
    Unparsable(PathBuf),
    /// A date argument could not be read.
    #[error("'{0}' is not a date: use 2026-10-20 or 2026-10-20T08:00:00Z")]
    BadDate(String),
    /// `[email] from` is missing.
    #[error("no sender address: set [email] from = \"Name <you@example.org>\" in config.toml")]
    NoFrom,
    /// An address could not be read.
    #[error("'{address}' is not an email address: {source}")]
    BadAddress {
        /// The text given.
        address: String,
        /// Why.
        source: lettre::address::AddressError,
    },
    /// A message needs at least one recipient.
    #[error("a message to send needs at least one recipient (to, cc or bcc)")]
    NoRecipients,
    /// The arguments contradict each other.
    #[error("{0}")]
    BadArguments(&'static str),
    /// The message could not be built.
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP account is not configured.
    #[error("no SMTP server: set [email.smtp] host in config.toml (or send_via = \"sendmail\")")]
    NoSmtpHost,
    /// The SMTP password is not in the keychain.
    #[error("no SMTP password in the OS keychain for {0}: store it in Hearth's settings")]
    NoPassword(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] crate::keys::KeyError),
    /// The SMTP server refused or could not be reached.
    #[error("sending over SMTP failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The sendmail command failed.
    #[error("the sendmail command failed: {0}")]
    Sendmail(#[from] lettre::transport::sendmail::Error),
}

impl EmailError {
    /// An I/O error on `path`.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        EmailError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}
