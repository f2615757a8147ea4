"""The leak test (issue 5): a full session with a recognisable fake key stored in the real Secret
Service — chats against local servers whose error responses echo the key back, tool calls, an
export, the logs, the action log — then a scan of everything Hearth wrote or printed for the key.
Zero hits allowed."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from fake_providers import FakeProviders, Reply

KEY = "sk-ant-LEAKCANARY-" + "Zq7" * 12  # recognisable, shaped like a real key


def scan(root: Path, needle: bytes) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if needle in data:
                hits.append(str(path))
    return hits


@pytest.mark.skipif(os.environ.get("HEARTH_IN_SESSION") != "1", reason="needs scripts/with-session.sh (real Secret Service)")
def test_no_trace_of_the_key_anywhere(hearth_bin, isolated_env, tmp_path):
    data = tmp_path / "data"
    env = dict(isolated_env)
    env["RUST_LOG"] = "debug"  # the most verbose logs must still not contain it
    printed = []

    def hearth(*args, stdin=None, check=True):
        result = subprocess.run(
            [str(hearth_bin), "--data-dir", str(data), *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        printed.append(result.stdout + result.stderr)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    with FakeProviders() as fake:
        hearth("provider", "add", "anth", "--kind", "anthropic", "--base-url", fake.base + "/anthropic", "--model", "claude-x")
        hearth("provider", "add", "oai", "--kind", "openai", "--base-url", fake.base + "/openai", "--model", "gpt-x")
        hearth("key", "set", "anth", "--no-validate", stdin=KEY + "\n")
        hearth("key", "set", "oai", "--no-validate", stdin=KEY + "\n")
        status = hearth("key", "status", "--json")
        assert KEY[-4:] in status.stdout  # the last four characters only

        echo = lambda status: Reply(  # noqa: E731 — an error body that echoes the key
            status=status,
            error_body=json.dumps({"type": "error", "error": {"type": "authentication_error", "message": f"bad key {KEY}"}}),
        )
        fake.queue(echo(401))
        assert hearth("chat", "--model", "anth/claude-x", "hello", check=False).returncode != 0
        fake.queue(Reply(status=400, error_body=json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error", "code": "invalid_api_key"}})))
        assert hearth("chat", "--model", "oai/gpt-x", "hello", check=False).returncode != 0
        fake.queue(Reply(text=f"the model repeats what it saw: {KEY}"))
        hearth("chat", "--model", "anth/claude-x", "say something")
        fake.queue(Reply(tool_call=("shell__run", {"command": f"echo {KEY}"})), Reply(text="done"))
        hearth("chat", "--model", "anth/claude-x", "run it", check=False)

        # The key really was used, as the auth header of its own provider.
        sent = [r for r in fake.requests if r["path"].startswith("/anthropic")]
        assert sent and all(r["headers"].get("x-api-key") == KEY for r in sent)
        assert all(KEY not in json.dumps(r["body"]) for r in fake.requests)

    exports = tmp_path / "exports"
    exports.mkdir()
    hearth("history", "export", "--format", "json", "-o", str(exports / "all.json"))
    hearth("history", "export", "--format", "md", "-o", str(exports / "all.md"))
    hearth("log", "--json")
    hearth("history", "search", "LEAKCANARY", "--json", check=False)

    needle = KEY.encode()
    assert scan(data, needle) == []
    assert scan(exports, needle) == []
    assert all(KEY not in text for text in printed), "the key was printed by a command"
    # The redaction left a visible mark where the key was.
    assert "redacted" in (exports / "all.json").read_text()
