#!/usr/bin/env bash
# Start-up bench (docs/benchmarks.md, "Desktop UI"): a release build under Xvfb, a fresh temporary
# HOME for every launch, timed from the launch of the process to
#   - the first paint: the window shows the app's frame (index.html + stylesheet, before scripts);
#   - the first working frame: React mounted and its first effect reached the core (`app_info`).
# Like a desktop login session, the launches share one D-Bus session (whose accessibility bus and
# desktop portal a first, unreported warm-up launch activates); FIRST_FRAME_FRESH_SESSION=1 gives
# every launch its own new session instead (D-Bus service activation included in every launch).
# Prints each run, the start-up stages of the last one, and the medians.
# Usage: tests/bench/first_frame.sh [RUNS]
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
export DISPLAY=$display BENCH_BIN=$bin BENCH_RUNS=$runs

# One launch: prints the app's "stage …", "first-paint-ms N" and "first-frame-ms N" lines.
launch_script='
launch() {
  local home; home=$(mktemp -d)
  mkdir -p "$home/run" && chmod 700 "$home/run"
  HOME=$home XDG_RUNTIME_DIR=$home/run HEARTH_BENCH_FIRST_FRAME=1 \
    HEARTH_BENCH_LAUNCH_NS=$(date +%s%N) timeout 60 "$BENCH_BIN" 2>/dev/null || true
  rm -rf "$home"
}'

if [[ ${FIRST_FRAME_FRESH_SESSION:-0} == 1 ]]; then
  results=$(for ((i = 0; i < runs; i++)); do
    dbus-run-session -- bash -c "$launch_script; launch; echo end-of-run" 2>/dev/null
  done)
else
  results=$(dbus-run-session -- bash -c "$launch_script
    launch >/dev/null
    for ((i = 0; i < BENCH_RUNS; i++)); do launch; echo end-of-run; done" 2>/dev/null)
fi

summary=$(echo "$results" | awk '
  /^first-paint-ms/ { paint = $2 }
  /^first-frame-ms/ { frame = $2 }
  /^stage / { stages = stages "  " $2 " " $3 " ms\n" }
  /^end-of-run/ {
    if (frame == "") { print "run " n+0 ": no first frame within 60 s" }
    else { print "run " n+0 ": first paint " paint " ms, first working frame " frame " ms"; print "PAINT " paint; print "FRAME " frame }
    last = stages; stages = ""; paint = ""; frame = ""; n++
  }
  END { printf "stages of the last run:\n%s", last }')
echo "$summary" | grep -v '^PAINT \|^FRAME '
# median, min and max of the values after a tag
stats() { echo "$summary" | awk -v tag="$1" '$1 == tag && $2 != "" { print $2 }' | sort -n |
  awk '{ v[NR] = $1 } END { if (NR) printf "%s ms (min %s, max %s, %d runs)", v[int((NR + 1) / 2)], v[1], v[NR], NR; else printf "none" }'; }
echo "median first paint: $(stats PAINT); median first working frame: $(stats FRAME)"
echo "$summary" | grep -q '^FRAME ' || { echo "no run reached its first frame" >&2; exit 1; }
