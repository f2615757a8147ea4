//! Settings → Calendar & mail: the `[calendar]`, `[email]` and `[email.smtp]` sections of
//! `config.toml`, and the SMTP password (sent in once, stored in the OS keychain, never returned:
//! only whether one is stored).

use super::{gateway, ipc, Redacted};
use crate::desktop::error::{ErrorKind, IpcError};
use crate::desktop::AppState;
use hearth_gateway::config::edit::table_mut;
use hearth_gateway::config::{Config, ConfigError, SendVia, SmtpConfig, SmtpSecurity};
use hearth_gateway::keys::{KeyError, Keychain, Secret};
use hearth_gateway::tools::email::{self, EmailError};
use hearth_gateway::Gateway;
use serde::{Deserialize, Serialize};
use std::path::Path;
use tauri::State;

impl From<EmailError> for IpcError {
    fn from(error: EmailError) -> Self {
        let kind = match &error {
            EmailError::NoSmtpHost | EmailError::BadArguments(_) => ErrorKind::InvalidInput,
            EmailError::Keychain(_) | EmailError::NoPassword(_) => ErrorKind::Keychain,
            _ => ErrorKind::Internal,
        };
        IpcError::new(kind, error.to_string())
    }
}

/// The outgoing mail server as Settings shows it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SmtpSettings {
    /// The server host name ("" = not set).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The connection security.
    #[ts(type = "\"starttls\" | \"tls\" | \"plain\"")]
    pub security: SmtpSecurity,
    /// The login; no authentication when null.
    pub username: Option<String>,
    /// Whether the keychain holds a password for `username@host`.
    pub password_stored: bool,
    /// Why the keychain could not be asked (then `password_stored` is false).
    pub keychain_error: Option<String>,
}

/// `get_personal_settings` / `set_personal_settings` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PersonalSettings {
    /// Calendars: vdir folders, folders of them, or `.ics` files.
    pub calendar_paths: Vec<String>,
    /// The IANA time zone; the system's when null.
    pub timezone: Option<String>,
    /// Maildir roots.
    pub maildirs: Vec<String>,
    /// The drafts maildir; the default when null.
    pub drafts: Option<String>,
    /// The sender address.
    pub from: Option<String>,
    /// How mail is sent.
    #[ts(type = "\"smtp\" | \"sendmail\"")]
    pub send_via: SendVia,
    /// The outgoing server.
    pub smtp: SmtpSettings,
}

/// How mail is sent, as a patch names it (the same names as `email.send_via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SendViaName {
    /// The SMTP server.
    Smtp,
    /// The sendmail-compatible command.
    Sendmail,
}

/// SMTP connection security, as a patch names it (the same names as `email.smtp.security`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurityName {
    /// STARTTLS.
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// No encryption (loopback only).
    Plain,
}

/// `set_personal_settings` patch: only the fields present change; an empty string removes an
/// optional setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(optional_fields)]
pub struct PersonalPatch {
    /// New calendar paths (blank lines dropped).
    pub calendar_paths: Option<Vec<String>>,
    /// New time zone ("" = the system's).
    pub timezone: Option<String>,
    /// New maildir roots (blank lines dropped).
    pub maildirs: Option<Vec<String>>,
    /// New drafts maildir ("" = the default).
    pub drafts: Option<String>,
    /// New sender address ("" = none).
    pub from: Option<String>,
    /// New way of sending.
    pub send_via: Option<SendViaName>,
    /// New SMTP host ("" = none).
    pub smtp_host: Option<String>,
    /// New SMTP port.
    pub smtp_port: Option<u16>,
    /// New SMTP security.
    pub smtp_security: Option<SmtpSecurityName>,
    /// New SMTP login ("" = no authentication).
    pub smtp_username: Option<String>,
}

fn path_array(lines: &[String]) -> toml_edit::Item {
    let mut array = toml_edit::Array::new();
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        array.push(line);
    }
    toml_edit::value(array)
}

fn set_or_remove(table: &mut toml_edit::Table, key: &str, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        table.remove(key);
    } else {
        table[key] = toml_edit::value(text);
    }
}

fn as_text<T: Serialize>(value: &T) -> Result<String, ConfigError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        _ => Err(ConfigError::Rejected("unexpected setting value".into())),
    }
}

/// Writes `patch` into the `[calendar]`, `[email]` and `[email.smtp]` tables (comments kept).
pub fn apply_personal_patch(
    doc: &mut toml_edit::DocumentMut,
    patch: &PersonalPatch,
) -> Result<(), ConfigError> {
    if let Some(paths) = &patch.calendar_paths {
        table_mut(doc, "calendar")["paths"] = path_array(paths);
    }
    if let Some(zone) = &patch.timezone {
        set_or_remove(table_mut(doc, "calendar"), "timezone", zone);
    }
    if let Some(maildirs) = &patch.maildirs {
        table_mut(doc, "email")["maildirs"] = path_array(maildirs);
    }
    if let Some(drafts) = &patch.drafts {
        set_or_remove(table_mut(doc, "email"), "drafts", drafts);
    }
    if let Some(from) = &patch.from {
        set_or_remove(table_mut(doc, "email"), "from", from);
    }
    if let Some(send_via) = &patch.send_via {
        table_mut(doc, "email")["send_via"] = toml_edit::value(as_text(send_via)?);
    }
    let touches_smtp = patch.smtp_host.is_some()
        || patch.smtp_port.is_some()
        || patch.smtp_security.is_some()
        || patch.smtp_username.is_some();
    if !touches_smtp {
        return Ok(());
    }
    let email = table_mut(doc, "email");
    let smtp = email
        .entry("smtp")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    if !smtp.is_table() {
        *smtp = toml_edit::Item::Table(toml_edit::Table::new());
    }
    let Some(smtp) = smtp.as_table_mut() else {
        return Err(ConfigError::Rejected("email.smtp is not a table".into()));
    };
    if let Some(host) = &patch.smtp_host {
        set_or_remove(smtp, "host", host);
    }
    if let Some(port) = patch.smtp_port {
        smtp["port"] = toml_edit::value(i64::from(port));
    }
    if let Some(security) = &patch.smtp_security {
        smtp["security"] = toml_edit::value(as_text(security)?);
    }
    if let Some(username) = &patch.smtp_username {
        set_or_remove(smtp, "username", username);
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// What Settings shows of `config`; `password` is what the keychain said (stored or not).
pub fn personal_settings(config: &Config, password: Result<bool, KeyError>) -> PersonalSettings {
    let (password_stored, keychain_error) = match password {
        Ok(stored) => (stored, None),
        Err(error) => (false, Some(error.to_string())),
    };
    let email = &config.email;
    PersonalSettings {
        calendar_paths: config.calendar.paths.iter().map(|p| display(p)).collect(),
        timezone: config.calendar.timezone.clone(),
        maildirs: email.maildirs.iter().map(|p| display(p)).collect(),
        drafts: email.drafts.as_deref().map(display),
        from: email.from.clone(),
        send_via: email.send_via,
        smtp: SmtpSettings {
            host: email.smtp.host.clone(),
            port: email.smtp.port,
            security: email.smtp.security,
            username: email.smtp.username.clone(),
            password_stored,
            keychain_error,
        },
    }
}

/// Whether the keychain holds the password of the account in `smtp` (false when none is set up).
async fn password_stored(smtp: &SmtpConfig) -> Result<bool, KeyError> {
    let Some(entry) = email::smtp_password_entry(smtp) else {
        return Ok(false);
    };
    let found = Keychain::default().get(&entry).await?;
    Ok(found.is_some())
}

async fn current(gateway: &Gateway) -> Result<Redacted<PersonalSettings>, IpcError> {
    let config = gateway.live_config().current();
    let password = password_stored(&config.email.smtp).await;
    Redacted::new(gateway, &personal_settings(&config, password))
}

/// `get_personal_settings`: calendars, mail folders and the outgoing account.
#[tauri::command(rename_all = "snake_case")]
pub async fn get_personal_settings(
    state: State<'_, AppState>,
) -> Result<Redacted<PersonalSettings>, IpcError> {
    current(gateway(&state)).await
}

/// `set_personal_settings` arguments.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetPersonalSettingsArgs {
    /// The fields to change (`""` removes an optional setting).
    pub patch: PersonalPatch,
}

/// `set_personal_settings`: applies the fields present and returns the new settings.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_personal_settings(
    state: State<'_, AppState>,
    args: SetPersonalSettingsArgs,
) -> Result<Redacted<PersonalSettings>, IpcError> {
    let SetPersonalSettingsArgs { patch } = args;
    let gateway = gateway(&state);
    gateway
        .live_config()
        .edit(|doc| apply_personal_patch(doc, &patch))
        .map_err(ipc(gateway))?;
    current(gateway).await
}

/// `set_smtp_password` arguments: the password crosses once, inward.
// No `Debug`: it holds a secret that must never reach a log.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SetSmtpPasswordArgs {
    /// The SMTP password (stored in the keychain as `smtp:USER@HOST`).
    pub password: String,
}

/// `set_smtp_password`: stores the password of the configured SMTP account in the keychain.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_smtp_password(
    state: State<'_, AppState>,
    args: SetSmtpPasswordArgs,
) -> Result<Redacted<PersonalSettings>, IpcError> {
    let SetSmtpPasswordArgs { password } = args;
    let gateway = gateway(&state);
    if password.is_empty() {
        return Err(IpcError::invalid("Type the password first."));
    }
    let secret = Secret::new(password);
    gateway.keys().redactor().add(&secret);
    let config = gateway.live_config().current();
    email::set_smtp_password(&Keychain::default(), &config.email.smtp, &secret)
        .await
        .map_err(ipc(gateway))?;
    current(gateway).await
}

/// `delete_smtp_password`: removes the SMTP password from the keychain.
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_smtp_password(
    state: State<'_, AppState>,
) -> Result<Redacted<PersonalSettings>, IpcError> {
    let gateway = gateway(&state);
    let config = gateway.live_config().current();
    email::delete_smtp_password(&Keychain::default(), &config.email.smtp)
        .await
        .map_err(ipc(gateway))?;
    current(gateway).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn apply(text: &str, patch: &PersonalPatch) -> (String, Config) {
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        apply_personal_patch(&mut doc, patch).unwrap();
        let text = doc.to_string();
        let config = Config::parse(&text, Path::new("config.toml")).unwrap();
        (text, config)
    }

    #[test]
    fn a_patch_writes_calendar_email_and_smtp() {
        let patch = PersonalPatch {
            calendar_paths: Some(vec!["~/.calendars/home".into(), "  ".into()]),
            timezone: Some("Europe/Berlin".into()),
            maildirs: Some(vec!["~/Mail/work".into()]),
            from: Some("Ada <ada@example.org>".into()),
            send_via: Some(SendViaName::Smtp),
            smtp_host: Some("smtp.example.org".into()),
            smtp_port: Some(465),
            smtp_security: Some(SmtpSecurityName::Tls),
            smtp_username: Some("ada".into()),
            ..PersonalPatch::default()
        };
        let (text, config) = apply("# mine\n", &patch);
        assert!(text.contains("# mine"));
        assert_eq!(config.calendar.paths, [PathBuf::from("~/.calendars/home")]);
        assert_eq!(config.calendar.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(config.email.maildirs, [PathBuf::from("~/Mail/work")]);
        assert_eq!(config.email.from.as_deref(), Some("Ada <ada@example.org>"));
        assert_eq!(config.email.smtp.host, "smtp.example.org");
        assert_eq!(config.email.smtp.port, 465);
        assert_eq!(config.email.smtp.security, SmtpSecurity::Tls);
        assert_eq!(config.email.smtp.username.as_deref(), Some("ada"));
        let shown = personal_settings(&config, Ok(false));
        assert_eq!(shown.smtp.host, "smtp.example.org");
        assert!(!shown.smtp.password_stored);
        assert_eq!(shown.smtp.keychain_error, None);
    }

    #[test]
    fn empty_strings_remove_and_absent_fields_stay() {
        let before = "[calendar]\ntimezone = \"Europe/Paris\"\npaths = [\"~/cal\"]\n\
                      [email]\nfrom = \"a@b.c\"\n[email.smtp]\nhost = \"mail.b.c\"\nusername = \"a\"\n";
        let patch = PersonalPatch {
            timezone: Some(String::new()),
            smtp_username: Some(" ".into()),
            ..PersonalPatch::default()
        };
        let (_, config) = apply(before, &patch);
        assert_eq!(config.calendar.timezone, None);
        assert_eq!(config.calendar.paths, [PathBuf::from("~/cal")]);
        assert_eq!(config.email.from.as_deref(), Some("a@b.c"));
        assert_eq!(config.email.smtp.host, "mail.b.c");
        assert_eq!(config.email.smtp.username, None);
    }

    #[test]
    fn a_patch_deserialises_from_partial_json() {
        let patch: PersonalPatch = serde_json::from_value(
            serde_json::json!({"smtp_security": "starttls", "smtp_port": 587}),
        )
        .unwrap();
        assert_eq!(patch.smtp_security, Some(SmtpSecurityName::Starttls));
        assert_eq!(patch.smtp_port, Some(587));
        assert_eq!(patch.from, None);
    }
}
