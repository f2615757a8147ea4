#!/usr/bin/env bash
# Installs what Hearth needs to build (and, with --test, to run its tests). Idempotent and quiet
# when everything is already there. Debian/Ubuntu packages via apt (sudo when not root); macOS
# skips the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

build_pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
test_pkgs=(xvfb xauth dbus-x11 libxtst6 gnome-keyring libglib2.0-bin libsecret-1-dev webkit2gtk-driver imagemagick
  python3-venv)

log() { echo "setup: $*" >&2; }

if [[ "$(uname -s)" == "Linux" ]] && command -v dpkg-query >/dev/null; then
  pkgs=("${build_pkgs[@]}")
  (( want_test )) && pkgs+=("${test_pkgs[@]}")
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    sudo=""
    (( EUID != 0 )) && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm packages: reinstall when package-lock.json changed since the last install.
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if (( want_test )); then
  # Real third-party MCP servers for the MCP end-to-end tests.
  if [[ ! -d tests/mcp/node_modules ]] || [[ tests/mcp/package-lock.json -nt tests/mcp/node_modules/.package-lock.json ]]; then
    log "installing MCP test servers"
    npm ci --prefix tests/mcp --no-audit --no-fund --loglevel=error
  fi
  if ! command -v tauri-driver >/dev/null && [[ ! -x "$HOME/.cargo/bin/tauri-driver" ]]; then
    log "installing tauri-driver"
    cargo install --locked --quiet tauri-driver
  fi
  venv=tests/.venv
  stamp="$venv/.requirements"
  if [[ ! -x "$venv/bin/python" ]] || ! cmp -s tests/requirements.txt "$stamp"; then
    log "installing Python test packages"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
    cp tests/requirements.txt "$stamp"
  fi
fi
