//! `email.draft`: a new message or a reply (In-Reply-To and References set, the original
//! quoted) written into the Drafts maildir with the Draft flag, for the user to review and send
//! from their mail client (or with `email.send`).

use super::compose::{mailboxes, quote, reply_to, Compose};
use super::maildir::{deliver, drafts_folder, find, folders};
use super::message::parse_file;
use super::{blocking, no_maildirs, sender, settings, EmailError};
use crate::config::{EmailConfig, LiveConfig};
use crate::tools::{
    parse_args, schema_of, Risk, Subject, Tool, ToolContext, ToolError, ToolOutput,
};
use serde::Deserialize;
use serde_json::Value;

/// The message fields `email.draft` and `email.send` share.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageArgs {
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
    /// The subject. For a reply, default: `Re: ` and the original's subject.
    pub subject: Option<String>,
    /// The plain-text body.
    pub body: String,
    /// The id (from email.search) of the message this answers.
    pub reply_to: Option<String>,
    /// For a reply: quote the original below the body (default true).
    pub quote: Option<bool>,
}

/// A composed message and, for replies, the untrusted original it quotes.
pub(super) struct Planned {
    /// The message.
    pub compose: Compose,
    /// Names the original when its text (subject, quote) is included.
    pub untrusted: Option<String>,
}

/// Composes the message `args` describe.
pub(super) fn plan(config: &EmailConfig, args: &MessageArgs) -> Result<Planned, EmailError> {
    let from = sender(config)?;
    let mut to = args.to.clone();
    let mut subject = args.subject.clone().unwrap_or_default();
    let mut body = args.body.clone();
    let mut in_reply_to = None;
    let mut references = Vec::new();
    let mut untrusted = None;
    if let Some(id) = args.reply_to.as_deref() {
        let original = parse_file(&find(&folders(&config.maildirs), id)?)?;
        let reply = reply_to(&original);
        if to.is_empty() {
            to = reply.to;
        }
        if args.subject.is_none() {
            subject = reply.subject;
        }
        in_reply_to = reply.in_reply_to;
        references = reply.references;
        if args.quote.unwrap_or(true) {
            body = format!("{}\n\n{}", body.trim_end(), quote(&original));
        }
        untrusted = Some(format!("email message {id} (quoted in the reply)"));
    }
    Ok(Planned {
        compose: Compose {
            from,
            to: mailboxes(&to)?,
            cc: mailboxes(&args.cc)?,
            bcc: mailboxes(&args.bcc)?,
            subject,
            body,
            in_reply_to,
            references,
        },
        untrusted,
    })
}

/// `email.draft`.
pub struct EmailDraft {
    live: LiveConfig,
}

impl EmailDraft {
    /// The tool, reading `[email]` from `live` at each call.
    pub fn new(live: LiveConfig) -> Self {
        EmailDraft { live }
    }
}

#[async_trait::async_trait]
impl Tool for EmailDraft {
    fn name(&self) -> &str {
        "email.draft"
    }

    fn description(&self) -> &str {
        "Write a new email or a reply (give reply_to = the message id) into the user's Drafts \
         folder, for the user to review and send. Nothing is sent."
    }

    fn parameters(&self) -> Value {
        schema_of::<MessageArgs>()
    }

    fn risk(&self) -> Risk {
        Risk::Write
    }

    fn preview(&self, args: &Value) -> String {
        let config = settings(&self.live);
        match parse_args::<MessageArgs>(self.name(), args) {
            Ok(args) => match plan(&config, &args) {
                Ok(planned) => format!("save draft:\n{}", planned.compose.preview()),
                Err(e) => format!("save draft: {e}"),
            },
            Err(e) => e.to_string(),
        }
    }

    fn subject(&self, _args: &Value) -> Option<Subject> {
        let config = settings(&self.live);
        drafts_folder(config.drafts.as_deref(), &config.maildirs)
            .ok()
            .map(|f| Subject::Path(f.path))
    }

    fn untrusted_source(&self, args: &Value) -> Option<String> {
        let args = parse_args::<MessageArgs>(self.name(), args).ok()?;
        args.reply_to
            .map(|id| format!("email message {id} (quoted in the reply)"))
    }

    fn disabled_reason(&self) -> Option<String> {
        no_maildirs(&self.live)
    }

    async fn run(&self, args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
        let args: MessageArgs = parse_args(self.name(), &args)?;
        let config = settings(&self.live);
        blocking(move || {
            let planned = plan(&config, &args)?;
            let bytes = planned.compose.build(true)?.formatted();
            let drafts = drafts_folder(config.drafts.as_deref(), &config.maildirs)?;
            let path = deliver(&drafts.path, &bytes, "DS")?;
            let unique = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let unique = unique.split(":2,").next().unwrap_or_default();
            Ok(ToolOutput::ok(
                format!(
                    "saved draft id:Drafts/{unique} in {}\n{}",
                    drafts.path.display(),
                    planned.compose.preview()
                ),
                "draft saved",
            )
            .with_untrusted(planned.untrusted))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::email::maildir::messages;
    use crate::tools::email::message::parse_bytes;
    use crate::tools::email::test_support::fixture;
    use serde_json::json;

    #[tokio::test]
    async fn a_reply_is_threaded_quoted_and_flagged_as_a_draft() {
        let f = fixture();
        let tool = EmailDraft::new(f.live.clone());
        let args = json!({"reply_to": "INBOX/1763629380.M1P1.host", "body": "Noon works for me.", "cc": ["Bob <bob@example.org>"]});
        let preview = tool.preview(&args);
        assert!(
            preview.contains("To: \"Ada Lovelace\" <ada@example.org>")
                || preview.contains("To: Ada Lovelace <ada@example.org>"),
            "{preview}"
        );
        assert!(
            preview.contains("Subject: Re: Lunch on Friday?"),
            "{preview}"
        );
        assert!(tool.untrusted_source(&args).is_some());
        let out = tool.run(args, ToolContext::default()).await.unwrap();
        assert!(!out.is_error, "{}", out.content);
        assert!(out.untrusted.is_some(), "the draft quotes untrusted mail");
        let drafts = messages(&crate::tools::email::maildir::Folder {
            name: "Drafts".into(),
            path: f.root.join("Drafts"),
        });
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].flags, "DS");
        assert!(drafts[0].path.parent().unwrap().ends_with("Drafts/cur"));
        assert!(out
            .content
            .contains(&format!("id:Drafts/{}", drafts[0].unique)));
        let raw = std::fs::read(&drafts[0].path).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.contains("In-Reply-To: <lunch-1@example.org>"),
            "{text}"
        );
        assert!(
            text.contains("References: <older@example.org> <lunch-1@example.org>"),
            "{text}"
        );
        let parsed = parse_bytes(&raw).unwrap();
        assert_eq!(parsed.from, "Me Myself <me@example.org>");
        assert_eq!(parsed.to, ["Ada Lovelace <ada@example.org>"]);
        assert_eq!(parsed.cc, ["Bob <bob@example.org>"]);
        assert_eq!(parsed.subject, "Re: Lunch on Friday?");
        assert!(parsed.body.starts_with("Noon works for me.\n\nOn Fri, 20 Nov 2026 13:03 UTC, Ada Lovelace <ada@example.org> wrote:\n> Hi!"), "{}", parsed.body);
    }

    #[tokio::test]
    async fn new_messages_and_bad_input() {
        let f = fixture();
        let tool = EmailDraft::new(f.live.clone());
        let out = tool
            .run(
                json!({"to": ["x@example.org"], "subject": "Hi", "body": "Hello"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(!out.is_error && out.untrusted.is_none(), "{}", out.content);
        let out = tool
            .run(
                json!({"to": ["not an address"], "body": "x"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.is_error && out.content.contains("not an address"));
        let out = tool
            .run(
                json!({"reply_to": "INBOX/gone", "body": "x"}),
                ToolContext::default(),
            )
            .await
            .unwrap();
        assert!(out.is_error && out.content.contains("INBOX/gone"));
    }
}
