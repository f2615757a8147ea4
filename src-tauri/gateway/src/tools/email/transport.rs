//! Handing a message over: SMTP with `lettre` (STARTTLS, TLS, or plain to a loopback relay; the
//! password read from the OS keychain at the moment of sending) or a sendmail-compatible command.
//!
//! The password lives in the keychain under the entry [`smtp_password_entry`] —
//! `smtp:USERNAME@HOST` — so it is only ever sent to the host it was stored for.
//! [`set_smtp_password`] stores it (for settings screens; no CLI needed).

use super::EmailError;
use crate::config::{EmailConfig, SendVia, SmtpConfig, SmtpSecurity};
use crate::keys::{Keychain, Redactor, Secret};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSendmailTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// The keychain entry of the configured SMTP account's password (`smtp:USERNAME@HOST`), or
/// `None` when the account has no login.
pub fn smtp_password_entry(smtp: &SmtpConfig) -> Option<String> {
    let user = smtp.username.as_deref()?.trim();
    let host = smtp.host.trim();
    (!user.is_empty() && !host.is_empty()).then(|| format!("smtp:{user}@{host}"))
}

/// Stores (or replaces) the password of the SMTP account in `smtp` in the OS keychain.
pub async fn set_smtp_password(
    keychain: &Keychain,
    smtp: &SmtpConfig,
    password: &Secret,
) -> Result<(), EmailError> {
    let entry = smtp_password_entry(smtp).ok_or(EmailError::NoSmtpHost)?;
    keychain.set(&entry, password).await?;
    Ok(())
}

/// Removes the SMTP account's password from the keychain; `false` when there was none.
pub async fn delete_smtp_password(
    keychain: &Keychain,
    smtp: &SmtpConfig,
) -> Result<bool, EmailError> {
    let entry = smtp_password_entry(smtp).ok_or(EmailError::NoSmtpHost)?;
    Ok(keychain.delete(&entry).await?)
}

/// Whether `host` is a loopback name or address.
fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sends `bytes` to the envelope's recipients the configured way; returns a one-line summary.
/// The SMTP password, read from `keychain`, is registered with `redactor` (when given) so it is
/// masked wherever text is scrubbed.
pub async fn send(
    config: &EmailConfig,
    keychain: &Keychain,
    redactor: Option<&Redactor>,
    envelope: &Envelope,
    bytes: &[u8],
) -> Result<String, EmailError> {
    match config.send_via {
        SendVia::Sendmail => {
            let transport = AsyncSendmailTransport::<Tokio1Executor>::new_with_command(
                &config.sendmail_command,
            );
            transport.send_raw(envelope, bytes).await?;
            Ok(format!("handed to {}", config.sendmail_command))
        }
        SendVia::Smtp => {
            let smtp = &config.smtp;
            let host = smtp.host.trim();
            if host.is_empty() {
                return Err(EmailError::NoSmtpHost);
            }
            let builder = match smtp.security {
                SmtpSecurity::Starttls => {
                    AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?
                }
                SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                SmtpSecurity::Plain if is_loopback(host) => {
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                }
                SmtpSecurity::Plain => {
                    return Err(EmailError::BadArguments(
                        "plain SMTP is only allowed to localhost",
                    ))
                }
            };
            let mut builder = builder
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))));
            if let Some(entry) = smtp_password_entry(smtp) {
                let password = keychain
                    .get(&entry)
                    .await?
                    .ok_or_else(|| EmailError::NoPassword(entry.clone()))?;
                if let Some(redactor) = redactor {
                    redactor.add(&password);
                }
                let user = smtp.username.clone().unwrap_or_default();
                builder =
                    builder.credentials(Credentials::new(user, password.expose().to_string()));
            }
            let transport = builder.build();
            let response = transport.send_raw(envelope, bytes).await?;
            let code = response.code().to_string();
            Ok(format!("accepted by {host}:{} ({code})", smtp.port))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_entry_is_bound_to_user_and_host() {
        let mut smtp = SmtpConfig {
            host: "smtp.example.org".into(),
            username: Some("me@example.org".into()),
            ..SmtpConfig::default()
        };
        assert_eq!(
            smtp_password_entry(&smtp).as_deref(),
            Some("smtp:me@example.org@smtp.example.org")
        );
        smtp.username = None;
        assert_eq!(smtp_password_entry(&smtp), None);
        assert!(is_loopback("127.0.0.1") && is_loopback("::1") && !is_loopback("example.org"));
    }
}
