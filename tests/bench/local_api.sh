#!/usr/bin/env bash
# The local API benchmark (docs/benchmarks.md, "Local API"): installs LiteLLM proxy into a
# private virtualenv (tests/bench/.venv-litellm, reused while the pinned version is the same),
# then runs `cargo bench -p hearth-gateway --bench local_api` with it, so direct, Hearth and
# LiteLLM are measured in the same run. If LiteLLM cannot be installed, Hearth is still
# measured and the failure is said.
#
# Environment: HEARTH_BENCH_SEQUENTIAL (default 1000), HEARTH_BENCH_CONCURRENT (default 200),
# HEARTH_BIN (measure this `hearth` binary instead of the gateway's own serve mode).
set -euo pipefail
cd "$(dirname "$0")/../.."

LITELLM_SPEC="litellm[proxy]==1.106.12"
venv=tests/bench/.venv-litellm
stamp="$venv/.spec"

log() { echo "bench: $*" >&2; }

if [[ ! -x "$venv/bin/litellm" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "$LITELLM_SPEC" ]]; then
  log "installing $LITELLM_SPEC into $venv"
  if python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check "$LITELLM_SPEC"; then
    echo "$LITELLM_SPEC" > "$stamp"
  else
    log "LiteLLM could not be installed: measuring Hearth only"
  fi
fi

if [[ -x "$venv/bin/litellm" ]]; then
  export LITELLM_BIN="$PWD/$venv/bin/litellm"
fi
exec cargo bench -p hearth-gateway --bench local_api
