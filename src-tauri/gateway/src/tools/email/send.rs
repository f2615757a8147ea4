//! `email.send`: sends a message (new, a reply, or a saved draft) over SMTP or a sendmail
//! command. Risk `send`: it always asks by default, and the preview shows every recipient, the
//! subject and the whole body. A sent draft is removed from the Drafts folder.

use super::compose::{mailbox, mailboxes};
use super::draft::{plan, MessageArgs};
use super::maildir::{deliver, drafts_folder, ensure_maildir, messages, MessageFile};
use super::message::{parse_file, Parsed};
use super::transport::send;
use super::{sender, settings, EmailError};
use crate::config::{EmailConfig, LiveConfig, SendVia};
use crate::keys::{Keychain, Redactor};
use crate::tools::{parse_args, schema_of, Risk, Tool, ToolContext, ToolError, ToolOutput};
use lettre::address::Envelope;
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `email.send`: either the message fields, or `draft_id` alone.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendArgs {
    /// Recipients (`a@example.org` or `Name <a@example.org>`). For a reply, default: the
    /// original's Reply-To or sender.
    #[serde(default)]
    pub to: Vec<String>,
    /// Copy recipients.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Blind copy recipients.
    #[serde(default)]
    pub bcc: Vec<String>,
    /// The subject.
    pub subject: Option<String>,
    /// The plain-text body.
    pub body: Option<String>,
    /// The id of the message this answers.
    pub reply_to: Option<String>,
    /// For a reply: quote the original below the body (default true).
    pub quote: Option<bool>,
    /// Send this saved draft (`Drafts/UNIQUE` from email.draft) instead; no other field.
    pub draft_id: Option<String>,
}

/// A message ready to go.
struct Outgoing {
    /// What the approval shows.
    preview: String,
    /// The envelope.
    envelope: Envelope,
    /// The message as sent (no `Bcc` header).
    bytes: Vec<u8>,
    /// The draft to remove after sending.
    draft: Option<MessageFile>,
}

fn prepare(config: &EmailConfig, args: &SendArgs) -> Result<Outgoing, EmailError> {
    match &args.draft_id {
        Some(id) => {
            let has_fields = !args.to.is_empty()
                || !args.cc.is_empty()
                || !args.bcc.is_empty()
                || args.subject.is_some()
                || args.body.is_some()
                || args.reply_to.is_some();
            if has_fields {
                return Err(EmailError::BadArguments(
                    "give either draft_id alone or the message fields, not both",
                ));
            }
            prepare_draft(config, id)
        }
        None => {
            let planned = plan(
                config,
                &MessageArgs {
                    to: args.to.clone(),
                    cc: args.cc.clone(),
                    bcc: args.bcc.clone(),
                    subject: args.subject.clone(),
                    body: args.body.clone().unwrap_or_default(),
                    reply_to: args.reply_to.clone(),
                    quote: args.quote,
                },
            )?;
            if planned.compose.recipients().next().is_none() {
                return Err(EmailError::NoRecipients);
            }
            let message = planned.compose.build(false)?;
            Ok(Outgoing {
                preview: planned.compose.preview(),
                envelope: message.envelope().clone(),
                bytes: message.formatted(),
                draft: None,
            })
        }
    }
}

fn prepare_draft(config: &EmailConfig, id: &str) -> Result<Outgoing, EmailError> {
    let drafts = drafts_folder(config.drafts.as_deref(), &config.maildirs)?;
    let unique = id
        .trim()
        .strip_prefix("Drafts/")
        .filter(|u| !u.is_empty() && !u.contains('/'))
        .ok_or_else(|| EmailError::BadId(id.to_string()))?;
    let file = messages(&drafts)
        .into_iter()
        .find(|m| m.unique == unique)
        .ok_or_else(|| EmailError::UnknownMessage(id.to_string()))?;
    let parsed = parse_file(&file)?;
    let raw =
        std::fs::read(&file.path).map_err(|e| EmailError::io("cannot read", &file.path, e))?;
    let recipients: Vec<lettre::Address> = mailboxes(&parsed.to)?
        .into_iter()
        .chain(mailboxes(&parsed.cc)?)
        .chain(mailboxes(&parsed.bcc)?)
        .map(|m| m.email)
        .collect();
    if recipients.is_empty() {
        return Err(EmailError::NoRecipients);
    }
    let from = match parsed.from.as_str() {
        "" => sender(config)?,
        text => mailbox(text)?,
    };
    Ok(Outgoing {
        preview: draft_preview(&parsed),
        envelope: Envelope::new(Some(from.email), recipients)?,
        bytes: without_bcc(&raw),
        draft: Some(file),
    })
}

fn draft_preview(parsed: &Parsed) -> String {
    let mut lines = vec![format!("From: {}", parsed.from)];
    for (label, list) in [("To", &parsed.to), ("Cc", &parsed.cc), ("Bcc", &parsed.bcc)] {
        if !list.is_empty() {
            lines.push(format!("{label}: {}", list.join(", ")));
        }
    }
    lines.push(format!("Subject: {}", parsed.subject));
    if !parsed.attachments.is_empty() {
        let names: Vec<&str> = parsed.attachments.iter().map(|a| a.name.as_str()).collect();
        lines.push(format!("Attachments: {}", names.join(", ")));
    }
    lines.push(String::new());
    lines.push(parsed.body.clone());
    lines.join("\n")
}

/// The raw message with its `Bcc` header (and that header's folded lines) removed.
fn without_bcc(raw: &[u8]) -> Vec<u8> {
    let header_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 2)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 1))
        .unwrap_or(raw.len());
    let (head, rest) = raw.split_at(header_end);
    let mut out = Vec::with_capacity(raw.len());
    let mut skipping = false;
    for line in head.split_inclusive(|b| *b == b'\n') {
        let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !folded {
            skipping = line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(rest);
    out
}

/// `email.send`.
pub struct EmailSend {
    live: LiveConfig,
    keychain: Keychain,
    redactor: Option<Redactor>,
}

impl EmailSend {
    /// The tool, reading `[email]` from `live` at each call and the SMTP password from
    /// Hearth's keychain.
    pub fn new(live: LiveConfig) -> Self {
        EmailSend::with_keychain(live, Keychain::default())
    }

    /// The tool with another keychain (tests use their own service).
    pub fn with_keychain(live: LiveConfig, keychain: Keychain) -> Self {
        EmailSend {
            live,
            keychain,
            redactor: None,
        }
    }

    /// Registers the SMTP password with the shared `redactor` whenever it is read.
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = Some(redactor);
        self
    }
}

#[async_trait::async_trait]
impl Tool for EmailSend {
    fn name(&self) -> &str {
        "email.send"
    }

    fn description(&self) -> &str {
        "Send an email on the user's behalf (a new message, a reply with reply_to, or a saved \
         draft with draft_id). The user sees every recipient, the subject and the body and must \
         approve. Prefer email.draft unless the user asked to send."
    }

    fn parameters(&self) -> Value {
        schema_of::<SendArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Send
    }

    fn preview(&self, args: &Value) -> String {
        let config = settings(&self.live);
        match parse_args::<SendArgs>(self.name(), args) {
            Ok(args) => match prepare(&config, &args) {
                Ok(outgoing) => format!("SEND this email:\n{}", outgoing.preview),
                Err(e) => format!("send email: {e}"),
            },
            Err(e) => e.to_string(),
        }
    }

    fn untrusted_source(&self, args: &Value) -> Option<String> {
        let args = parse_args::<SendArgs>(self.name(), args).ok()?;
        args.reply_to
            .map(|id| format!("email message {id} (quoted in the reply)"))
    }

    fn disabled_reason(&self) -> Option<String> {
        let config = settings(&self.live);
        if config.from.is_none() {
            return Some("sending is off: set [email] from in config.toml".into());
        }
        (config.send_via == SendVia::Smtp && config.smtp.host.trim().is_empty()).then(|| {
            "sending is off: set [email.smtp] host (or send_via = \"sendmail\") in config.toml"
                .to_string()
        })
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: SendArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        let prepared = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || prepare(&config, &args)).await
        };
        let outgoing = match prepared {
            Ok(Ok(outgoing)) => outgoing,
            Ok(Err(e)) => return Ok(ToolOutput::failed(e.to_string(), "not sent")),
            Err(join) => {
                return Ok(ToolOutput::failed(
                    format!("the email task failed: {join}"),
                    "not sent",
                ))
            }
        };
        let sent = send(
            &config,
            &self.keychain,
            self.redactor.as_ref(),
            &outgoing.envelope,
            &outgoing.bytes,
        );
        match sent.await {
            Ok(how) => {
                let mut note = String::new();
                if let Some(draft) = &outgoing.draft {
                    if let Err(e) = std::fs::remove_file(&draft.path) {
                        note = format!("\n(the draft could not be removed: {e})");
                    }
                }
                if let Some(sent) = &config.sent {
                    let copy = ensure_maildir(sent, "Sent")
                        .and_then(|folder| deliver(&folder.path, &outgoing.bytes, "S"));
                    if let Err(e) = copy {
                        note.push_str(&format!("\n(no copy kept in the Sent folder: {e})"));
                    }
                }
                let count = outgoing.envelope.to().len();
                Ok(ToolOutput::ok(
                    format!(
                        "sent ({how}) to {count} recipient(s){note}\n{}",
                        outgoing.preview
                    ),
                    format!("sent to {count} recipient(s)"),
                ))
            }
            Err(e) => Ok(ToolOutput::failed(e.to_string(), "not sent")),
        }
    }
}

#[cfg(test)]
mod tests;
