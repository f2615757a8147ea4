#!/usr/bin/env bash
# Idle memory of the headless `hearth serve` (docs/benchmarks.md, "Local API"): builds the
# headless release binary (`--no-default-features`: no Tauri, WebKitGTK or GTK) into its own
# target dir (target/headless, so the desktop build is not invalidated), starts
# `hearth serve --listen 127.0.0.1:0` on a fresh temporary data dir (HEARTH_HOME), waits 3 s and
# prints VmRSS (with its anonymous / file-backed split) from /proc. It only reports; the target
# (≤ 30 MB) is compared in docs/benchmarks.md.
#
# Environment: HEARTH_BIN (measure this binary instead of building), HEARTH_RSS_WAIT (seconds,
# default 3). Run it inside scripts/with-session.sh to measure with a D-Bus session and a
# Secret Service present (as `make bench` does not); say which when recording a number.
set -euo pipefail
cd "$(dirname "$0")/../.."

wait_s=${HEARTH_RSS_WAIT:-3}
bin=${HEARTH_BIN:-}
if [[ -z "$bin" ]]; then
  cargo build --quiet -p hearth --release --no-default-features --target-dir target/headless
  bin=target/headless/release/hearth
fi

home=$(mktemp -d)
out="$home/stdout"
pid=
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT

HEARTH_HOME="$home/data" "$bin" serve --listen 127.0.0.1:0 >"$out" 2>"$home/stderr" &
pid=$!
sleep "$wait_s"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "serve_rss: hearth serve exited early:" >&2
  cat "$home/stderr" >&2
  exit 1
fi
field() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
rss=$(field VmRSS)
anon=$(field RssAnon)
file=$(field RssFile)
session=$([[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && echo "with a D-Bus session" || echo "without D-Bus")
echo "hearth serve idle RSS after ${wait_s} s ($bin, $session): $(mb "$rss") MB" \
  "(anonymous $(mb "$anon") MB, file-backed $(mb "$file") MB, $(field Threads) threads)"
