//! Reading one message with `mail-parser`: headers decoded (RFC 2047 words in any charset,
//! ISO-8859-1 and Shift_JIS included), the text body (HTML-only messages turned into text with
//! `html2text`), and the attachments with names and sizes.

use super::maildir::MessageFile;
use super::EmailError;
use chrono::{DateTime, Utc};
use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

/// Largest message file read.
const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Column width HTML is wrapped at when turned into text.
const HTML_WIDTH: usize = 100;

/// One attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name (or `(unnamed)`).
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its decoded size in bytes.
    pub size: usize,
}

/// A parsed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// `From`, as `Name <address>`.
    pub from: String,
    /// `To` addresses.
    pub to: Vec<String>,
    /// `Cc` addresses.
    pub cc: Vec<String>,
    /// `Bcc` addresses (in drafts).
    pub bcc: Vec<String>,
    /// `Reply-To` addresses.
    pub reply_to: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The `Date` header.
    pub date: Option<DateTime<Utc>>,
    /// `Message-ID`, with angle brackets.
    pub message_id: Option<String>,
    /// `References`, with angle brackets.
    pub references: Vec<String>,
    /// The text body.
    pub body: String,
    /// The attachments.
    pub attachments: Vec<Attachment>,
}

/// `Name <address>` or `address` for each address of a header.
fn addresses(address: Option<&Address<'_>>) -> Vec<String> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|addr| {
            let mail = addr.address()?;
            Some(match addr.name().filter(|n| !n.trim().is_empty()) {
                Some(name) => format!("{name} <{mail}>"),
                None => mail.to_string(),
            })
        })
        .collect()
}

/// Reads and parses a message file.
pub fn parse_file(file: &MessageFile) -> Result<Parsed, EmailError> {
    let size = std::fs::metadata(&file.path)
        .map_err(|e| EmailError::io("cannot read", &file.path, e))?
        .len();
    if size > MAX_MESSAGE_BYTES {
        return Err(EmailError::Unparsable(file.path.clone()));
    }
    let bytes =
        std::fs::read(&file.path).map_err(|e| EmailError::io("cannot read", &file.path, e))?;
    parse_bytes(&bytes).ok_or_else(|| EmailError::Unparsable(file.path.clone()))
}

/// Bytes read when only the headers are needed.
const HEADER_BYTES: u64 = 64 * 1024;

/// Reads and parses only the headers of a message file (no body, no attachments): fast enough
/// to look through large folders.
pub fn parse_file_headers(file: &MessageFile) -> Result<Parsed, EmailError> {
    use std::io::Read;
    let io = |e| EmailError::io("cannot read", &file.path, e);
    let mut head = Vec::new();
    std::fs::File::open(&file.path)
        .map_err(io)?
        .take(HEADER_BYTES)
        .read_to_end(&mut head)
        .map_err(io)?;
    let message = MessageParser::default()
        .parse_headers(&head)
        .ok_or_else(|| EmailError::Unparsable(file.path.clone()))?;
    Ok(parsed_from(&message))
}

/// Parses message bytes.
pub fn parse_bytes(bytes: &[u8]) -> Option<Parsed> {
    let message = MessageParser::default().parse(bytes)?;
    Some(parsed_from(&message))
}

/// The parts of a parsed message Hearth shows.
fn parsed_from(message: &mail_parser::Message<'_>) -> Parsed {
    let date = message
        .date()
        .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0));
    let bracket = |id: &str| format!("<{}>", id.trim_matches(['<', '>']));
    let references = message
        .references()
        .as_text_list()
        .map(|list| list.iter().map(|r| bracket(r)).collect())
        .or_else(|| message.references().as_text().map(|r| vec![bracket(r)]))
        .unwrap_or_default();
    let mut body = String::new();
    for part in message.text_bodies() {
        let text = match &part.body {
            PartType::Text(text) => text.to_string(),
            PartType::Html(html) => html_to_text(html),
            _ => continue,
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(text.trim_end());
    }
    let body = body.replace("\r\n", "\n");
    let attachments = message
        .attachments()
        .map(|part| Attachment {
            name: part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| "(unnamed)".into()),
            mime: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: part.len(),
        })
        .collect();
    Parsed {
        from: addresses(message.from()).join(", "),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        bcc: addresses(message.bcc()),
        reply_to: addresses(message.reply_to()),
        subject: message.subject().unwrap_or_default().to_string(),
        date,
        message_id: message.message_id().map(bracket),
        references,
        body,
        attachments,
    }
}

/// HTML as readable text.
pub fn html_to_text(html: &str) -> String {
    html2text::from_read(html.as_bytes(), HTML_WIDTH).unwrap_or_else(|_| html.to_string())
}

/// A size for people: `812 B`, `12.3 KiB`, `4.0 MiB`.
pub fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::email::test_support::{
        attachment_message, ALTERNATIVE, ENCODED_HEADERS, HTML_ONLY,
    };

    #[test]
    fn multipart_alternative_prefers_the_text_part() {
        let parsed = parse_bytes(ALTERNATIVE).unwrap();
        assert_eq!(parsed.from, "Ada Lovelace <ada@example.org>");
        assert_eq!(parsed.to, ["me@example.org"]);
        assert_eq!(parsed.subject, "Lunch on Friday?");
        assert_eq!(parsed.message_id.as_deref(), Some("<lunch-1@example.org>"));
        assert!(
            parsed.body.contains("Shall we meet at noon?"),
            "{}",
            parsed.body
        );
        assert!(!parsed.body.contains("<p>"), "{}", parsed.body);
        assert_eq!(
            parsed.date.unwrap().to_rfc3339(),
            "2026-11-20T13:03:00+00:00"
        );
    }

    #[test]
    fn html_only_is_turned_into_text() {
        let parsed = parse_bytes(HTML_ONLY).unwrap();
        assert!(parsed.body.contains("Your invoice"), "{}", parsed.body);
        assert!(parsed.body.contains("42.00 EUR"), "{}", parsed.body);
        assert!(
            !parsed.body.contains("<table") && !parsed.body.contains("<b>"),
            "{}",
            parsed.body
        );
    }

    #[test]
    fn attachments_are_listed_with_names_and_sizes() {
        let parsed = parse_bytes(&attachment_message()).unwrap();
        assert_eq!(
            parsed.attachments,
            [Attachment {
                name: "report.pdf".into(),
                mime: "application/pdf".into(),
                size: 1024,
            }]
        );
        assert!(parsed.body.contains("report attached"));
        assert_eq!(human_size(1024), "1.0 KiB");
    }

    #[test]
    fn non_utf8_encoded_words_are_decoded() {
        let parsed = parse_bytes(ENCODED_HEADERS).unwrap();
        assert_eq!(parsed.from, "François Müller <francois@example.fr>");
        assert_eq!(parsed.subject, "Réunion 会議の件");
        assert!(parsed.body.contains("Grüße"), "{}", parsed.body);
    }
}
