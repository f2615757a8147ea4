//! `hearth log`: the action log — list (`--since`, `--json`), follow while other processes
//! write it (`--follow`), and `hearth log verify` (exits non-zero naming the first bad record).

use anyhow::Context;
use hearth_gateway::audit::{parse_since, ActionLog, LogEntry, LogQuery};
use hearth_gateway::keys::Redactor;
use hearth_gateway::paths::DataDir;
use hearth_gateway::store::Store;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// How often `--follow` polls the database for new records.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);

/// Entries listed when neither `--since` nor `--limit` is given.
const DEFAULT_LIMIT: usize = 50;

/// Arguments of `hearth log`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: Option<LogCommand>,
    /// Keep printing entries as they are written or completed (Ctrl-C to stop).
    #[arg(long, short)]
    pub follow: bool,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only entries since TIME: RFC 3339 (2026-01-31T09:00:00Z) or a duration (10m, 2h, 1d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// At most N entries, the newest (default 50 without --since).
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
}

/// The `hearth log` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LogCommand {
    /// Check the hash chain; exits non-zero and names the first edited or missing record.
    Verify,
}

/// Runs `hearth log`.
pub fn run(data_dir: DataDir, args: LogArgs) -> anyhow::Result<ExitCode> {
    data_dir.ensure()?;
    let store = Store::open(&data_dir.db_path()).context("cannot open the action log")?;
    let log = ActionLog::new(store, Redactor::new());
    let runtime = super::runtime()?;
    match args.command {
        Some(LogCommand::Verify) => runtime.block_on(verify(&log)),
        None => runtime.block_on(list(&log, &args)),
    }
}

async fn verify(log: &ActionLog) -> anyhow::Result<ExitCode> {
    let verified = log.verify().await?;
    let mut line = format!(
        "action log OK: {} records verified (#{}..#{})",
        verified.records, verified.first_seq, verified.last_seq
    );
    if verified.pruned_through > 0 {
        line.push_str(&format!(
            "; #1..#{} removed by retention (anchored)",
            verified.pruned_through
        ));
    }
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

async fn list(log: &ActionLog, args: &LogArgs) -> anyhow::Result<ExitCode> {
    let since_ms = args
        .since
        .as_deref()
        .map(|text| parse_since(text, hearth_gateway::conversation::now_ms()))
        .transpose()?;
    let limit = args.limit.or(if since_ms.is_none() {
        Some(DEFAULT_LIMIT)
    } else {
        None
    });
    // Read the position first so nothing written during the listing is missed when following.
    let mut mark = log.newest_seq().await?;
    let entries = log
        .entries(LogQuery {
            since_ms,
            limit,
            ..Default::default()
        })
        .await?;
    if !print(&entries, args.json)? {
        return Ok(ExitCode::SUCCESS);
    }
    if !args.follow {
        return Ok(ExitCode::SUCCESS);
    }
    loop {
        tokio::time::sleep(FOLLOW_INTERVAL).await;
        let (changed, newest) = log.changed_after(mark).await?;
        mark = newest;
        if !print(&changed, args.json)? {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

/// Prints entries; `false` when stdout is closed (e.g. piped into `head`).
fn print(entries: &[LogEntry], json: bool) -> anyhow::Result<bool> {
    let mut out = std::io::stdout().lock();
    for entry in entries {
        let line = if json {
            serde_json::to_string(entry)?
        } else {
            human_line(entry)
        };
        if writeln!(out, "{line}").is_err() {
            return Ok(false);
        }
    }
    Ok(out.flush().is_ok())
}

/// `2026-11-25 12:00:01Z  tool_call      ok           1.2s  agent  shell: git status → exit 0`
fn human_line(entry: &LogEntry) -> String {
    let when = format_ms(entry.started_at_ms);
    let kind = serde_plain(&entry.kind);
    let status = serde_plain(&entry.status);
    let duration = entry
        .outcome
        .as_ref()
        .and_then(|o| o.duration_ms)
        .map(format_duration)
        .unwrap_or_else(|| "-".into());
    let actor = match serde_json::to_value(&entry.actor) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .next()
            .map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut line = format!(
        "{when}  {kind:<13} {status:<11} {duration:>7}  {actor:<8} {}",
        entry.summary
    );
    for stage in &entry.stages {
        line.push_str(&format!(" | {}: {}", stage.name, stage.summary));
    }
    if let Some(outcome) = entry.outcome.as_ref().filter(|o| !o.summary.is_empty()) {
        line.push_str(&format!(" → {}", outcome.summary));
    }
    line
}

/// A unit enum's serde name (`tool_call`, `ok`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => "?".into(),
    }
}

/// `YYYY-MM-DD HH:MM:SSZ` in UTC.
fn format_ms(ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// `850ms`, `1.2s`, `3m04s`.
fn format_duration(ms: i64) -> String {
    match ms {
        ms if ms < 1_000 => format!("{ms}ms"),
        ms if ms < 60_000 => format!("{:.1}s", ms as f64 / 1_000.0),
        ms => format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times_read_well() {
        assert_eq!(format_duration(850), "850ms");
        assert_eq!(format_duration(1_234), "1.2s");
        assert_eq!(format_duration(184_000), "3m04s");
        assert_eq!(format_ms(1_769_850_000_000), "2026-01-31 09:00:00Z");
    }
}
