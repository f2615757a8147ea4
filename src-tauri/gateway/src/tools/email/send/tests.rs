//! `email.send` against a real SMTP server (Python's aiosmtpd, a child process on 127.0.0.1)
//! and a real sendmail-compatible command (a script).

use super::*;
use crate::config::SmtpSecurity;
use crate::tools::email::draft::EmailDraft;
use crate::tools::email::test_support::{fixture_with, MailFixture};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Writes every received message as one JSON line: envelope sender, recipients, data.
const SMTP_SINK: &str = r#"
import json, sys
from aiosmtpd.controller import Controller

class Sink:
    async def handle_DATA(self, server, session, envelope):
        with open(sys.argv[2], "a", encoding="utf-8") as out:
            out.write(json.dumps({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
            }) + "\n")
        return "250 Message accepted"

options = {}
if len(sys.argv) > 3:
    from aiosmtpd.smtp import AuthResult
    expected = sys.argv[3].encode()

    def check(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.login == b"tester" and auth_data.password == expected)

    options = {"authenticator": check, "auth_require_tls": False, "auth_required": True}

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"#;

/// The test venv's Python with aiosmtpd, or `None` (then the caller skips, unless in CI or a
/// test session, where a missing server is a failure).
fn python_with_aiosmtpd() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/.venv/bin/python");
    let usable = python.exists()
        && Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if usable {
        return Some(python);
    }
    let required = std::env::var("HEARTH_IN_SESSION").as_deref() == Ok("1")
        || std::env::var("CI").as_deref() == Ok("true");
    assert!(
        !required,
        "tests/.venv/bin/python with aiosmtpd is required here: run scripts/setup.sh"
    );
    eprintln!(
        "note: SMTP test skipped: tests/.venv with aiosmtpd is missing (make test installs it)"
    );
    None
}

/// A running aiosmtpd; killed on drop.
struct SmtpSink {
    child: Child,
    port: u16,
    received: PathBuf,
}

impl SmtpSink {
    fn start(python: &Path, dir: &Path) -> SmtpSink {
        SmtpSink::start_with_password(python, dir, None)
    }

    /// With a password: AUTH is required and only `tester` with it is accepted.
    fn start_with_password(python: &Path, dir: &Path, password: Option<&str>) -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let received = dir.join("received.jsonl");
        let mut child = Command::new(python)
            .args(["-c", SMTP_SINK, &port.to_string()])
            .arg(&received)
            .args(password)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("aiosmtpd did not start");
        assert_eq!(line.trim(), "ready");
        SmtpSink {
            child,
            port,
            received,
        }
    }

    /// The messages received so far, waiting up to 10 s for at least `count`.
    fn messages(&self, count: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(&self.received).unwrap_or_default();
            let messages: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_fixture(port: u16) -> MailFixture {
    fixture_with(|c| {
        c.email.smtp.host = "127.0.0.1".into();
        c.email.smtp.port = port;
        c.email.smtp.security = SmtpSecurity::Plain;
        c.email.smtp.timeout_secs = 10;
    })
}

#[tokio::test]
async fn sends_over_smtp_to_every_recipient_without_showing_bcc() {
    let Some(python) = python_with_aiosmtpd() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, dir.path());
    let f = smtp_fixture(sink.port);
    let tool = EmailSend::new(f.live.clone());
    assert_eq!(tool.risk(), Risk::Send);
    assert!(tool.disabled_reason().is_none());
    let args = json!({
        "to": ["Ada Lovelace <ada@example.org>"],
        "cc": ["bob@example.org"],
        "bcc": ["hidden@example.org"],
        "subject": "Grüße from Hearth",
        "body": "The numbers look good.\nSee you Friday."
    });
    let preview = tool.preview(&args);
    for part in [
        "To: Ada Lovelace <ada@example.org>",
        "Cc: bob@example.org",
        "Bcc: hidden@example.org",
        "Subject: Grüße from Hearth",
        "The numbers look good.\nSee you Friday.",
    ] {
        assert!(
            preview.contains(part),
            "{part} missing from the preview:\n{preview}"
        );
    }
    let out = tool.run(args, ToolContext::default()).await.unwrap();
    assert!(!out.is_error, "{}", out.content);
    assert!(
        out.content.starts_with("sent (accepted by 127.0.0.1"),
        "{}",
        out.content
    );
    let received = sink.messages(1);
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message["from"], "me@example.org");
    assert_eq!(
        message["to"],
        json!(["ada@example.org", "bob@example.org", "hidden@example.org"])
    );
    let data = message["data"].as_str().unwrap();
    let parsed = crate::tools::email::message::parse_bytes(data.as_bytes()).unwrap();
    assert_eq!(parsed.subject, "Grüße from Hearth");
    assert_eq!(parsed.to, ["Ada Lovelace <ada@example.org>"]);
    assert_eq!(
        parsed.body.trim(),
        "The numbers look good.\nSee you Friday."
    );
    assert!(
        !data.to_lowercase().contains("hidden@"),
        "Bcc must not be in the message:\n{data}"
    );
}

#[tokio::test]
async fn sends_a_saved_reply_draft_and_removes_it() {
    let Some(python) = python_with_aiosmtpd() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, dir.path());
    let f = smtp_fixture(sink.port);
    let drafted = EmailDraft::new(f.live.clone())
        .run(
            json!({"reply_to": "INBOX/1763629380.M1P1.host", "body": "Noon is fine.", "bcc": ["archive@example.org"]}),
            ToolContext::default(),
        )
        .await
        .unwrap();
    let id = drafted
        .content
        .split_whitespace()
        .find_map(|w| w.strip_prefix("id:"))
        .unwrap()
        .to_string();
    let tool = EmailSend::new(f.live.clone());
    let args = json!({"draft_id": id});
    let preview = tool.preview(&args);
    assert!(
        preview.contains("Subject: Re: Lunch on Friday?")
            && preview.contains("Bcc: archive@example.org"),
        "{preview}"
    );
    let out = tool.run(args, ToolContext::default()).await.unwrap();
    assert!(!out.is_error, "{}", out.content);
    let received = sink.messages(1);
    assert_eq!(
        received[0]["to"],
        json!(["ada@example.org", "archive@example.org"])
    );
    let data = received[0]["data"].as_str().unwrap();
    assert!(
        data.contains("In-Reply-To: <lunch-1@example.org>"),
        "{data}"
    );
    assert!(!data.contains("archive@example.org"), "{data}");
    assert!(
        std::fs::read_dir(f.root.join("Drafts/cur"))
            .unwrap()
            .next()
            .is_none(),
        "the sent draft is removed"
    );
    let again = tool
        .run(json!({"draft_id": id}), ToolContext::default())
        .await
        .unwrap();
    assert!(again.is_error);
    let mixed = tool
        .run(
            json!({"draft_id": id, "to": ["x@example.org"]}),
            ToolContext::default(),
        )
        .await
        .unwrap();
    assert!(mixed.is_error && mixed.content.contains("either"));
}

#[tokio::test]
async fn sends_through_a_sendmail_compatible_command() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sendmail.log");
    let script = dir.path().join("fake-sendmail");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"ARGS: $*\" > '{0}'\ncat >> '{0}'\n",
            log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let f = fixture_with(|c| {
        c.email.send_via = SendVia::Sendmail;
        c.email.sent = Some(dir.path().join("Sent"));
        c.email.sendmail_command = script.display().to_string();
    });
    let tool = EmailSend::new(f.live.clone());
    assert!(tool.disabled_reason().is_none());
    let out = tool
        .run(
            json!({"to": ["ada@example.org"], "subject": "Via sendmail", "body": "Hello"}),
            ToolContext::default(),
        )
        .await
        .unwrap();
    assert!(!out.is_error, "{}", out.content);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("ada@example.org") && logged.contains("Subject: Via sendmail"),
        "{logged}"
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("Sent/cur"))
        .unwrap()
        .collect();
    assert_eq!(kept.len(), 1, "a copy is kept in the Sent folder");
    let none = tool
        .run(json!({"subject": "x", "body": "y"}), ToolContext::default())
        .await
        .unwrap();
    assert!(none.is_error && none.content.contains("recipient"));
}

#[test]
fn sending_is_off_without_a_sender_or_server_and_bcc_lines_are_stripped() {
    let f = fixture_with(|c| c.email.from = None);
    assert!(EmailSend::new(f.live.clone())
        .disabled_reason()
        .unwrap()
        .contains("from"));
    let f = fixture_with(|_| {});
    assert!(EmailSend::new(f.live.clone())
        .disabled_reason()
        .unwrap()
        .contains("smtp"));
    let raw = b"From: a@x\r\nBcc: b@x,\r\n c@x\r\nSubject: s\r\n\r\nBcc: in the body stays\r\n";
    assert_eq!(
        without_bcc(raw),
        b"From: a@x\r\nSubject: s\r\n\r\nBcc: in the body stays\r\n".to_vec()
    );
}

/// True inside `scripts/with-session.sh` (a private, unlocked keyring); otherwise prints why the
/// test is skipped.
fn in_session(test: &str) -> bool {
    if std::env::var("HEARTH_IN_SESSION").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "note: {test} skipped: run it with scripts/with-session.sh (private unlocked keyring)"
    );
    false
}

#[tokio::test]
async fn the_smtp_password_comes_from_the_keychain_at_send_time() {
    if !in_session("the_smtp_password_comes_from_the_keychain_at_send_time") {
        return;
    }
    let Some(python) = python_with_aiosmtpd() else {
        return;
    };
    let password = format!("pw-{}-{}", std::process::id(), rand::random::<u32>());
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start_with_password(&python, dir.path(), Some(&password));
    let f = fixture_with(|c| {
        c.email.smtp.host = "127.0.0.1".into();
        c.email.smtp.port = sink.port;
        c.email.smtp.security = SmtpSecurity::Plain;
        c.email.smtp.username = Some("tester".into());
        c.email.smtp.timeout_secs = 10;
    });
    let smtp = f.live.current().email.smtp.clone();
    let keychain = Keychain::new("hearth-test").with_timeout(Duration::from_secs(20));
    let redactor = Redactor::new();
    let tool =
        EmailSend::with_keychain(f.live.clone(), keychain.clone()).with_redactor(redactor.clone());
    let args = json!({"to": ["ada@example.org"], "subject": "Authenticated", "body": "hi"});
    let _ = crate::tools::email::delete_smtp_password(&keychain, &smtp).await;
    let missing = tool
        .run(args.clone(), ToolContext::default())
        .await
        .unwrap();
    assert!(
        missing.is_error && missing.content.contains("smtp:tester@127.0.0.1"),
        "{}",
        missing.content
    );
    crate::tools::email::set_smtp_password(
        &keychain,
        &smtp,
        &crate::keys::Secret::new(password.clone()),
    )
    .await
    .unwrap();
    let out = tool.run(args, ToolContext::default()).await.unwrap();
    let _ = crate::tools::email::delete_smtp_password(&keychain, &smtp).await;
    assert!(!out.is_error, "{}", out.content);
    assert_eq!(sink.messages(1).len(), 1);
    assert!(!out.content.contains(&password));
    assert_eq!(
        redactor.scrub_string(format!("x {password} y")),
        "x [redacted] y"
    );
}
