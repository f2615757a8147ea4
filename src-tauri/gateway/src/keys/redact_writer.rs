//! A `tracing_subscriber` [`MakeWriter`] wrapper that passes every log line through a
//! [`Redactor`] before it reaches the real writer (file, stderr).
//!
//! Each event is buffered whole and scrubbed once when its writer is dropped, so a key can never
//! be split across two writes and slip through.

use super::redact::Redactor;
use std::io::Write;
use tracing_subscriber::fmt::MakeWriter;

/// Wraps `inner` so everything written through it is redacted. Install it as a `fmt` layer's
/// writer: `fmt::layer().with_writer(redacting_writer(redactor.clone(), std::io::stderr))`.
pub fn redacting_writer<M>(redactor: Redactor, inner: M) -> RedactingMakeWriter<M>
where
    M: for<'a> MakeWriter<'a>,
{
    RedactingMakeWriter { redactor, inner }
}

/// See [`redacting_writer`].
#[derive(Debug, Clone)]
pub struct RedactingMakeWriter<M> {
    redactor: Redactor,
    inner: M,
}

impl<'a, M> MakeWriter<'a> for RedactingMakeWriter<M>
where
    M: MakeWriter<'a>,
{
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            redactor: self.redactor.clone(),
            inner: self.inner.make_writer(),
            buffer: Vec::new(),
        }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        RedactingWriter {
            redactor: self.redactor.clone(),
            inner: self.inner.make_writer_for(meta),
            buffer: Vec::new(),
        }
    }
}

/// One event's writer: buffers, then writes the scrubbed text on flush or drop.
pub struct RedactingWriter<W: Write> {
    redactor: Redactor,
    inner: W,
    buffer: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    fn write_out(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buffer);
        let text = String::from_utf8_lossy(&bytes);
        self.inner
            .write_all(self.redactor.scrub(&text).as_bytes())?;
        self.inner.flush()
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.write_out();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Secret;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn logged_secrets_never_reach_the_inner_writer() {
        let redactor = Redactor::new();
        redactor.add(&Secret::new("fake-key-FOR-the-log-test"));
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(redacting_writer(redactor, move || sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(
                body = "echo fake-key-FOR-the-log-test",
                "provider said fake-key-FOR-the-log-test"
            );
            tracing::info!("header x-api-key: abcdef0123456789");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("provider said [redacted]"), "{text}");
        assert!(!text.contains("fake-key-FOR-the-log-test"), "{text}");
        assert!(!text.contains("abcdef0123456789"), "{text}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
