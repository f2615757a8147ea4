#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with gnome-keyring's Secret Service unlocked,
# so keychain code is tested against the real thing and never touches the user's own keyring.
# Xvfb is started by the tests that need a display (xvfb-run), not here.
set -euo pipefail
if [[ "${HEARTH_IN_SESSION:-}" == 1 ]]; then exec "$@"; fi
export HEARTH_IN_SESSION=1
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# gnome-keyring keeps its files under XDG_DATA_HOME: point it at a throwaway folder.
exec_cmd=$(printf '%q ' "$@")
dbus-run-session -- env XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" \
  bash -c 'mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR";
    echo -n hearth-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
    exec '"$exec_cmd"
