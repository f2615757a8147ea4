//! Real-format fixtures: a Maildir (mbsync layout: `INBOX`, `Drafts`) with a
//! multipart/alternative message, an HTML-only message, a message with an attachment and one
//! with RFC 2047 headers in ISO-8859-1 and Shift_JIS, and a [`LiveConfig`] pointing at it.

use crate::config::{Config, LiveConfig};
use crate::events::EventBus;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// multipart/alternative: text and HTML versions.
pub const ALTERNATIVE: &[u8] = b"Return-Path: <ada@example.org>\r
From: Ada Lovelace <ada@example.org>\r
To: me@example.org\r
Subject: Lunch on Friday?\r
Date: Fri, 20 Nov 2026 14:03:00 +0100\r
Message-ID: <lunch-1@example.org>\r
References: <older@example.org>\r
MIME-Version: 1.0\r
Content-Type: multipart/alternative; boundary=\"alt-boundary\"\r
\r
--alt-boundary\r
Content-Type: text/plain; charset=utf-8\r
\r
Hi!\r
Shall we meet at noon? The place near the station.\r
\r
Ada\r
--alt-boundary\r
Content-Type: text/html; charset=utf-8\r
\r
<html><body><p>Hi!</p><p>Shall we meet at <b>noon</b>?</p></body></html>\r
--alt-boundary--\r
";

/// HTML only.
pub const HTML_ONLY: &[u8] = b"From: Billing <billing@shop.example>\r
To: me@example.org\r
Subject: Your invoice\r
Date: Wed, 18 Nov 2026 09:00:00 +0000\r
Message-ID: <invoice-77@shop.example>\r
MIME-Version: 1.0\r
Content-Type: text/html; charset=utf-8\r
\r
<html><head><style>p{color:red}</style></head><body><h1>Your invoice</h1>\r
<table><tr><td>Total</td><td><b>42.00 EUR</b></td></tr></table></body></html>\r
";

/// RFC 2047 encoded words in ISO-8859-1 and Shift_JIS; a Latin-1 quoted-printable body.
pub const ENCODED_HEADERS: &[u8] =
    b"From: =?ISO-8859-1?Q?Fran=E7ois_M=FCller?= <francois@example.fr>\r
To: me@example.org\r
Subject: =?ISO-8859-1?Q?R=E9union_?= =?Shift_JIS?B?ie+LY4LMjI8=?=\r
Date: Mon, 16 Nov 2026 08:15:00 +0100\r
Message-ID: <reunion@example.fr>\r
MIME-Version: 1.0\r
Content-Type: text/plain; charset=iso-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
Bonjour,\r
Gr=FC=DFe aus Paris.\r
";

/// multipart/mixed with a 1 KiB PDF attachment.
pub fn attachment_message() -> Vec<u8> {
    let encoded = format!("{}AA==", "A".repeat(1364));
    let wrapped: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: Grace Hopper <grace@example.com>\r
To: Me <me@example.org>\r
Cc: team@example.com\r
Subject: Quarterly report\r
Date: Thu, 19 Nov 2026 17:45:00 -0500\r
Message-ID: <report-q4@example.com>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"mix\"\r
\r
--mix\r
Content-Type: text/plain; charset=utf-8\r
\r
Hello, the report attached has the numbers.\r
--mix\r
Content-Type: application/pdf; name=\"report.pdf\"\r
Content-Disposition: attachment; filename=\"report.pdf\"\r
Content-Transfer-Encoding: base64\r
\r
{}\r
--mix--\r
",
        wrapped.join("\r\n")
    )
    .into_bytes()
}

/// The fixture maildir and config.
pub struct MailFixture {
    /// Keeps the temp dir alive.
    pub _dir: tempfile::TempDir,
    /// The maildir root (`INBOX/`, `Drafts/`).
    pub root: PathBuf,
    /// Config with `[email] maildirs = [root]` and a sender.
    pub live: LiveConfig,
}

fn store(folder: &Path, name: &str, bytes: &[u8], age_days: u64) {
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    let when = SystemTime::now() - Duration::from_secs(age_days * 86_400);
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(when).unwrap();
}

/// Writes the maildir; `configure` may change the config.
pub fn fixture_with(configure: impl FnOnce(&mut Config)) -> MailFixture {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap().join("Mail");
    for folder in ["INBOX", "Drafts"] {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(root.join(folder).join(sub)).unwrap();
        }
    }
    let inbox = root.join("INBOX");
    store(
        &inbox.join("cur"),
        "1763629380.M1P1.host:2,S",
        ALTERNATIVE,
        5,
    );
    store(&inbox.join("cur"), "1763456400.M2P1.host:2,", HTML_ONLY, 7);
    store(
        &inbox.join("new"),
        "1763570700.M3P1.host",
        &attachment_message(),
        6,
    );
    store(
        &inbox.join("cur"),
        "1763277300.M4P1.host:2,RS",
        ENCODED_HEADERS,
        9,
    );
    let mut config = Config::default();
    config.email.maildirs = vec![root.clone()];
    config.email.from = Some("Me Myself <me@example.org>".into());
    configure(&mut config);
    let live = LiveConfig::new(
        root.with_file_name("config.toml"),
        config,
        EventBus::default(),
    );
    MailFixture {
        _dir: dir,
        root,
        live,
    }
}

/// The maildir with the default test config.
pub fn fixture() -> MailFixture {
    fixture_with(|_| {})
}
