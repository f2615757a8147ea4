//! Composing a message with `lettre`: a [`Compose`] (sender, recipients, subject, text body,
//! reply headers) becomes RFC 5322 bytes for the Drafts folder or for sending, and a readable
//! preview for the approval.

use super::message::Parsed;
use super::EmailError;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::Message;

/// A message to write or send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compose {
    /// The sender.
    pub from: Mailbox,
    /// `To` recipients.
    pub to: Vec<Mailbox>,
    /// `Cc` recipients.
    pub cc: Vec<Mailbox>,
    /// `Bcc` recipients.
    pub bcc: Vec<Mailbox>,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// `In-Reply-To`: the Message-ID replied to.
    pub in_reply_to: Option<String>,
    /// `References`: the thread so far.
    pub references: Vec<String>,
}

/// Parses one address (`a@b.example` or `Name <a@b.example>`).
pub fn mailbox(text: &str) -> Result<Mailbox, EmailError> {
    text.trim()
        .parse()
        .map_err(|source| EmailError::BadAddress {
            address: text.to_string(),
            source,
        })
}

/// Parses a list of addresses (each item may itself hold several, comma-separated).
pub fn mailboxes(list: &[String]) -> Result<Vec<Mailbox>, EmailError> {
    let mut out = Vec::new();
    for item in list.iter().filter(|i| !i.trim().is_empty()) {
        let parsed: lettre::message::Mailboxes =
            item.trim()
                .parse()
                .map_err(|source| EmailError::BadAddress {
                    address: item.clone(),
                    source,
                })?;
        out.extend(parsed);
    }
    Ok(out)
}

/// The reply headers for answering `original`: who to answer (Reply-To, else From), the
/// subject with one `Re: `, `In-Reply-To` and `References`.
pub struct ReplyTo {
    /// Who the reply goes to.
    pub to: Vec<String>,
    /// `Re: …`.
    pub subject: String,
    /// The original's Message-ID.
    pub in_reply_to: Option<String>,
    /// The original's References plus its Message-ID.
    pub references: Vec<String>,
}

/// How to answer `original`.
pub fn reply_to(original: &Parsed) -> ReplyTo {
    let to = if original.reply_to.is_empty() {
        vec![original.from.clone()]
    } else {
        original.reply_to.clone()
    };
    let subject = original.subject.trim();
    let has_re = subject
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("re:"));
    let subject = if has_re {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    };
    let mut references = original.references.clone();
    if let Some(id) = &original.message_id {
        references.push(id.clone());
    }
    ReplyTo {
        to: to.into_iter().filter(|t| !t.is_empty()).collect(),
        subject,
        in_reply_to: original.message_id.clone(),
        references,
    }
}

/// The original's text quoted under an attribution line.
pub fn quote(original: &Parsed) -> String {
    let when = original
        .date
        .map(|d| d.format("%a, %d %b %Y %H:%M UTC").to_string())
        .unwrap_or_else(|| "an earlier date".into());
    let quoted: Vec<String> = original
        .body
        .lines()
        .map(|line| {
            if line.is_empty() {
                ">".to_string()
            } else {
                format!("> {line}")
            }
        })
        .collect();
    format!("On {when}, {} wrote:\n{}", original.from, quoted.join("\n"))
}

fn list(mailboxes: &[Mailbox]) -> String {
    mailboxes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Compose {
    /// Every recipient (To, Cc and Bcc).
    pub fn recipients(&self) -> impl Iterator<Item = &Mailbox> {
        self.to.iter().chain(&self.cc).chain(&self.bcc)
    }

    /// The message. `keep_bcc` keeps the `Bcc` header (for drafts); a sent message never shows
    /// it. A message without recipients (a draft) gets an envelope to the sender.
    pub fn build(&self, keep_bcc: bool) -> Result<Message, EmailError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(self.subject.clone())
            .message_id(None);
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        for cc in &self.cc {
            builder = builder.cc(cc.clone());
        }
        for bcc in &self.bcc {
            builder = builder.bcc(bcc.clone());
        }
        if let Some(id) = &self.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        if keep_bcc {
            builder = builder.keep_bcc();
        }
        if self.recipients().next().is_none() {
            let me = self.from.email.clone();
            builder = builder.envelope(lettre::address::Envelope::new(Some(me.clone()), vec![me])?);
        }
        Ok(builder
            .header(ContentType::TEXT_PLAIN)
            .body(self.body.clone())?)
    }

    /// What the approval shows: every recipient, the subject and the whole body.
    pub fn preview(&self) -> String {
        let mut lines = vec![format!("From: {}", self.from)];
        for (label, list_of) in [("To", &self.to), ("Cc", &self.cc), ("Bcc", &self.bcc)] {
            if !list_of.is_empty() {
                lines.push(format!("{label}: {}", list(list_of)));
            }
        }
        lines.push(format!("Subject: {}", self.subject));
        if let Some(id) = &self.in_reply_to {
            lines.push(format!("In-Reply-To: {id}"));
        }
        lines.push(String::new());
        lines.push(self.body.clone());
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::email::message::parse_bytes;
    use crate::tools::email::test_support::ALTERNATIVE;

    #[test]
    fn replies_answer_the_sender_with_thread_headers() {
        let original = parse_bytes(ALTERNATIVE).unwrap();
        let reply = reply_to(&original);
        assert_eq!(reply.to, ["Ada Lovelace <ada@example.org>"]);
        assert_eq!(reply.subject, "Re: Lunch on Friday?");
        assert_eq!(reply.in_reply_to.as_deref(), Some("<lunch-1@example.org>"));
        assert_eq!(
            reply.references,
            ["<older@example.org>", "<lunch-1@example.org>"]
        );
        let quoted = quote(&original);
        assert!(
            quoted.starts_with(
                "On Fri, 20 Nov 2026 13:03 UTC, Ada Lovelace <ada@example.org> wrote:\n> Hi!"
            ),
            "{quoted}"
        );
    }

    #[test]
    fn builds_messages_and_refuses_bad_addresses() {
        let compose = Compose {
            from: mailbox("Me <me@example.org>").unwrap(),
            to: mailboxes(&["Ada <ada@example.org>, bob@example.org".into()]).unwrap(),
            cc: vec![],
            bcc: mailboxes(&["secret@example.org".into()]).unwrap(),
            subject: "Héllo".into(),
            body: "Line one\nLine two".into(),
            in_reply_to: Some("<x@y>".into()),
            references: vec!["<w@y>".into(), "<x@y>".into()],
        };
        assert_eq!(compose.to.len(), 2);
        let sent = String::from_utf8(compose.build(false).unwrap().formatted()).unwrap();
        assert!(!sent.contains("secret@example.org"), "{sent}");
        assert!(
            sent.contains("In-Reply-To: <x@y>") && sent.contains("References: <w@y> <x@y>"),
            "{sent}"
        );
        assert!(sent.contains("Message-ID: <"), "{sent}");
        let draft = String::from_utf8(compose.build(true).unwrap().formatted()).unwrap();
        assert!(draft.contains("Bcc: secret@example.org"), "{draft}");
        let parsed = parse_bytes(draft.as_bytes()).unwrap();
        assert_eq!(parsed.subject, "Héllo");
        assert_eq!(parsed.body.trim(), "Line one\nLine two");
        let preview = compose.preview();
        assert!(
            preview.contains("To: Ada <ada@example.org>, bob@example.org"),
            "{preview}"
        );
        assert!(
            preview.contains("Bcc: secret@example.org") && preview.ends_with("Line one\nLine two")
        );
        assert!(matches!(
            mailbox("not an address"),
            Err(EmailError::BadAddress { .. })
        ));
        let lonely = Compose {
            to: vec![],
            bcc: vec![],
            ..compose
        };
        assert!(lonely.build(true).is_ok(), "a draft may have no recipients");
    }
}
