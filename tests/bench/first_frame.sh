#!/usr/bin/env bash
# Start-up bench: time from launch to the window's first working frame (the UI's first call to the
# core), on a release build under Xvfb, with a fresh temporary HOME each run. Prints each run and
# the median. Usage: tests/bench/first_frame.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
bin=${HEARTH_BIN:-target/release/hearth}
[[ -x $bin ]] || cargo build --release -p hearth
display=:$((100 + RANDOM % 50))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
times=()
for ((i = 0; i < runs; i++)); do
  home=$(mktemp -d)
  mkdir -p "$home/run" && chmod 700 "$home/run"
  out=$(HOME=$home XDG_RUNTIME_DIR=$home/run DISPLAY=$display HEARTH_BENCH_FIRST_FRAME=1 \
    timeout 60 dbus-run-session -- "$bin" 2>/dev/null | grep -o 'first-frame-ms [0-9]*' || true)
  rm -rf "$home"
  ms=${out##* }
  [[ -n $ms ]] || { echo "run $i: no first frame within 60 s" >&2; exit 1; }
  echo "run $i: ${ms} ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms, min: " a[1] " ms, max: " a[NR] " ms"}'
