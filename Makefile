# Hearth — the two commands: `make run` (the desktop app) and `make test` (every test).
# Both set up what is missing first (Debian/Ubuntu packages, npm packages, test tools).

SHELL := /bin/bash
CARGO ?= cargo
HEARTH_BIN := target/debug/hearth
WITH_SESSION := scripts/with-session.sh
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench setup setup-test ui build lint test-rust test-ui test-e2e fmt clean-data

## make run: set up if needed, build the UI and start the desktop app.
run: setup ui
	$(CARGO) run -p hearth

## make test: formatting, lints, every Rust test, the frontend tests and the end-to-end tests.
test: setup-test ui lint test-rust test-ui test-e2e

## make bench: the benchmarks recorded in docs/benchmarks.md.
bench: setup-test ui
	$(CARGO) bench -p hearth-gateway --bench sse
	$(CARGO) bench -p hearth-gateway --bench store
	tests/bench/local_api.sh
	tests/bench/serve_rss.sh
	@command -v chromium >/dev/null || $(SUDO) apt-get install -y -qq chromium >/dev/null
	node --experimental-websocket ui/bench/run.mjs
	tests/bench/first_frame.sh 10

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

ui:
	@npm run --silent build

build: ui
	$(CARGO) build -p hearth

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@# Invariant: the gateway core knows no GUI.
	@if $(CARGO) tree -p hearth-gateway -e normal --prefix none | grep -qE '^(tauri|wry|webkit)'; then \
		echo "hearth-gateway must not depend on tauri, wry or webkit"; exit 1; fi
	@# The headless build (no `desktop` feature) compiles, is lint-clean and links no GUI.
	$(CARGO) clippy -p hearth --no-deps --all-targets --no-default-features -- -D warnings
	@if $(CARGO) tree -p hearth --no-default-features -e normal --prefix none | grep -qE '^(tauri|wry|webkit|gtk|gdk)'; then \
		echo "hearth --no-default-features must not depend on tauri, wry, webkit or gtk"; exit 1; fi

# Rust tests run inside a private D-Bus session with an unlocked gnome-keyring, so keychain
# tests use the real Secret Service.
test-rust:
	$(WITH_SESSION) $(CARGO) test --workspace

test-ui:
	npx vitest run

test-e2e: build
	$(WITH_SESSION) tests/.venv/bin/python -m pytest -q tests/e2e

fmt:
	$(CARGO) fmt --all
