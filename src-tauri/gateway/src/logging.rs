//! Tracing set-up: human-readable logs to stderr (headless) and rotated files under `logs/`.

use crate::keys::{redacting_writer, Redactor};
use std::path::Path;

/// Lines queued for the background file writer before new ones are dropped. tracing-appender's
/// default (128,000) allocates and touches a 4 MB channel at start-up, a sixth of the idle
/// memory of `hearth serve`; Hearth logs a few lines per request.
const BUFFERED_LINES: usize = 8_192;

/// Keeps the background log writer alive; drop it last.
pub struct LogGuard {
    _guard: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Installs the global subscriber. Files rotate daily and seven are kept. `RUST_LOG` overrides
/// the default level (`info` for Hearth, `warn` for dependencies). Every line passes through
/// `redactor` first, so no known secret (or anything shaped like a key) reaches a log. Safe to
/// call twice (the second call does nothing).
pub fn init(logs_dir: &Path, to_stderr: bool, redactor: &Redactor) -> LogGuard {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,hearth=info,hearth_gateway=info")
    });
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("hearth")
        .filename_suffix("log")
        .max_log_files(7)
        .build(logs_dir)
        .ok();
    let (file_layer, guard) = match appender {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LINES)
                .finish(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(redacting_writer(redactor.clone(), writer));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let stderr_layer = to_stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(redacting_writer(redactor.clone(), std::io::stderr))
            .with_target(false)
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    LogGuard { _guard: guard }
}
