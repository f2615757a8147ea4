//! `[calendar]` and `[email]` sections: where the user's own calendars and mail live, and the
//! outgoing mail account. The SMTP password is never here: it lives in the OS keychain (see
//! `tools::email::smtp_password_entry`).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[calendar]`: iCalendar data kept by vdirsyncer, khal and other sync tools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// Calendars (`~` is expanded): a vdir collection (a folder of `.ics` files), a folder of
    /// collections (one per subfolder, as vdirsyncer keeps them), or a single `.ics` file.
    /// New events go to the first one unless a tool call names another.
    pub paths: Vec<PathBuf>,
    /// The IANA time zone events are shown in and floating times are read in (`Europe/Berlin`);
    /// the system's local zone when unset.
    pub timezone: Option<String>,
    /// Most occurrences `calendar.list_events` and `calendar.search` return.
    pub max_results: usize,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        CalendarConfig {
            paths: Vec::new(),
            timezone: None,
            max_results: 200,
        }
    }
}

impl CalendarConfig {
    /// Checks what serde cannot: the time zone name.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(zone) = &self.timezone {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(format!(
                    "calendar.timezone '{zone}' is not an IANA time zone name (like \"Europe/Berlin\")"
                ));
            }
        }
        Ok(())
    }
}

/// `[email]`: Maildir folders kept by mbsync, offlineimap and other clients, and sending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailConfig {
    /// Maildir roots (`~` is expanded): a maildir (with `cur/`, `new/`, `tmp/`) or a folder of
    /// maildirs (`INBOX`, `Sent`, `.Drafts` ...).
    pub maildirs: Vec<PathBuf>,
    /// The maildir drafts are written to; by default `Drafts` (or `.Drafts`) in the first root.
    pub drafts: Option<PathBuf>,
    /// A maildir a copy of each sent message is stored in (created if missing); none by default
    /// (many servers file sent mail themselves).
    pub sent: Option<PathBuf>,
    /// The sender address: `"Ada Lovelace <ada@example.org>"`. Needed to draft and send.
    pub from: Option<String>,
    /// How mail is sent.
    pub send_via: SendVia,
    /// The sendmail-compatible command (`sendmail`, `msmtp`) used when `send_via = "sendmail"`.
    pub sendmail_command: String,
    /// Most messages `email.search` returns.
    pub max_results: usize,
    /// Largest message body `email.read` returns, in characters (longer ones are cut).
    pub read_cap_chars: usize,
    /// The outgoing SMTP server.
    pub smtp: SmtpConfig,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            maildirs: Vec::new(),
            drafts: None,
            sent: None,
            from: None,
            send_via: SendVia::Smtp,
            sendmail_command: "sendmail".into(),
            max_results: 50,
            read_cap_chars: 100_000,
            smtp: SmtpConfig::default(),
        }
    }
}

/// How `email.send` hands a message over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SendVia {
    /// The SMTP server in `[email.smtp]`.
    #[default]
    Smtp,
    /// The sendmail-compatible command in `email.sendmail_command`.
    Sendmail,
}

/// `[email.smtp]`: the outgoing server. The password is in the OS keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server host name.
    pub host: String,
    /// The port (587 for STARTTLS, 465 for TLS).
    pub port: u16,
    /// The connection security.
    pub security: SmtpSecurity,
    /// The login; no authentication when unset.
    pub username: Option<String>,
    /// Seconds one send may take.
    pub timeout_secs: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            timeout_secs: 30,
        }
    }
}

/// SMTP connection security.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: only allowed for a loopback host (a local relay).
    Plain,
}

impl EmailConfig {
    /// Checks what serde cannot: plain SMTP only to loopback.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let host = self.smtp.host.trim();
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]");
        if self.smtp.security == SmtpSecurity::Plain && !host.is_empty() && !loopback {
            return Err(format!(
                "email.smtp.security = \"plain\" is only allowed for localhost, not '{host}': \
                 use \"starttls\" or \"tls\""
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn sections_parse_and_bad_values_are_named() {
        let config = Config::parse(
            "[calendar]\npaths = [\"~/.calendars/personal\"]\ntimezone = \"Europe/Berlin\"\n\
             [email]\nmaildirs = [\"~/Mail\"]\nfrom = \"Me <me@example.org>\"\n\
             [email.smtp]\nhost = \"smtp.example.org\"\nsecurity = \"tls\"\nport = 465\n",
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(config.calendar.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(config.email.smtp.port, 465);
        assert!(config.extra.is_empty());
        let err = Config::parse("[calendar]\ntimezone = \"Mars/Olympus\"\n", Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Mars/Olympus"), "{err}");
        let err = Config::parse(
            "[email.smtp]\nhost = \"smtp.example.org\"\nsecurity = \"plain\"\n",
            Path::new("c"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("plain"), "{err}");
        assert!(Config::parse("[email]\nmaildir = []\n", Path::new("c")).is_err());
    }
}
