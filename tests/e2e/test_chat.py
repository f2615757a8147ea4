"""`hearth chat` end to end against local servers speaking each provider's wire format:
text, tool calls, a conversation moving between providers half-way, errors, and a SIGKILL
mid-stream that leaves the partial answer on disk."""

import json
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from fake_providers import FakeProviders, Reply

FAKE_KEY = "sk-fake-e2e-KEY-0123456789abcdef"
PROVIDERS = {
    # id: (kind, path prefix, model)
    "anth": ("anthropic", "/anthropic", "claude-x"),
    "oai": ("openai", "/openai", "gpt-x"),
    "gem": ("gemini", "/gemini", "gem-x"),
    "loc": ("openai-compatible", "/compat", "llama-x"),
}


@pytest.fixture
def fake():
    with FakeProviders() as server:
        yield server


@pytest.fixture
def hearth(hearth_bin, isolated_env, tmp_path, fake):
    """Runs `hearth` with a private data dir where the four providers point at the fake server."""
    data = tmp_path / "data"
    env = dict(isolated_env)
    env["FAKE_KEY"] = FAKE_KEY

    def run(*args, timeout=60, check=False, stdin=None):
        result = subprocess.run(
            [str(hearth_bin), "--data-dir", str(data), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    for pid, (kind, prefix, model) in PROVIDERS.items():
        args = ["provider", "add", pid, "--kind", kind, "--base-url", fake.base + prefix, "--model", model]
        if kind != "openai-compatible":
            args += ["--key-env", "FAKE_KEY"]
        run(*args, check=True)
    run.data = data
    run.env = env
    return run


def set_roots(data: Path, root: Path):
    config = data / "config.toml"
    text = config.read_text()
    text = re.sub(r"(?m)^roots = \[\]", f"roots = [{json.dumps(str(root))}]", text)
    config.write_text(text)


def conversation_ids(hearth):
    listed = json.loads(hearth("history", "list", "--json", check=True).stdout)
    items = listed if isinstance(listed, list) else listed["conversations"]
    return [c["id"] for c in items]


def show(hearth, cid):
    return json.loads(hearth("history", "show", cid, "--json", check=True).stdout)


def messages_of(shown):
    return shown["messages"] if isinstance(shown, dict) else shown


@pytest.mark.parametrize("pid", list(PROVIDERS))
def test_chat_streams_text_from_each_wire_format(hearth, fake, pid):
    fake.queue(Reply(text="Hello from the fake provider", chunks=4))
    model = PROVIDERS[pid][2]
    result = hearth("chat", "--model", f"{pid}/{model}", "Say hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from the fake provider"
    request = fake.requests[-1]
    body = json.dumps(request["body"])
    assert "Say hello" in body
    if pid != "loc":
        # The key goes only in the auth header, never in the body.
        assert FAKE_KEY not in body
        assert FAKE_KEY in json.dumps(request["headers"])
    if pid == "oai":
        assert request["body"]["store"] is False


@pytest.mark.parametrize("pid", list(PROVIDERS))
def test_tool_call_round_trip(hearth, fake, tmp_path, pid):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "plan.txt").write_text("the secret plan is tea at five")
    set_roots(hearth.data, root)
    fake.queue(
        Reply(text="Let me read it.", tool_call=("files__read", {"path": str(root / "plan.txt")})),
        Reply(text="The plan is tea at five."),
    )
    model = PROVIDERS[pid][2]
    result = hearth("chat", "--model", f"{pid}/{model}", "--json", "What is the plan?")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [e["type"] for e in events]
    assert "tool_call" in kinds and "tool_result" in kinds
    tool_result = next(e for e in events if e["type"] == "tool_result")
    assert "tea at five" in tool_result["result"]["content"]
    assert not tool_result["result"]["is_error"]
    # The second model call carried the tool result back in the provider's own format.
    assert len(fake.requests) == 2
    assert "tea at five" in json.dumps(fake.requests[1]["body"])
    assert events[-1]["outcome"] == "completed"


def test_conversation_moves_between_providers(hearth, fake, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.txt").write_text("alpha-content")
    set_roots(hearth.data, root)
    fake.queue(
        Reply(text="Reading.", tool_call=("files__read", {"path": str(root / "a.txt")})),
        Reply(text="It says alpha."),
    )
    first = hearth("chat", "--model", "anth/claude-x", "Read a.txt")
    assert first.returncode == 0, first.stderr
    cid = conversation_ids(hearth)[0]
    for pid in ("oai", "gem", "loc"):
        fake.queue(Reply(text=f"continuing on {pid}"))
        before = len(fake.requests)
        result = hearth("chat", "--conversation", cid, "--model", f"{pid}/{PROVIDERS[pid][2]}", f"now {pid}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"continuing on {pid}"
        sent = json.dumps(fake.requests[before]["body"])
        # Full context from local history: the earlier tool call and its result are there.
        assert "alpha-content" in sent
        assert "Read a.txt" in sent
    shown = show(hearth, cid)
    models = [m.get("model") for m in messages_of(shown) if m["role"] == "assistant"]
    assert models[-3:] == ["gpt-x", "gem-x", "llama-x"]
    # Usage per message, summed per conversation (every model call of every provider).
    assert shown["spend"]["output_tokens"] == 7 * 5
    assert shown["spend"]["input_tokens"] == 12 * 5


def test_provider_error_is_one_clear_line_without_the_key(hearth, fake):
    echoed = json.dumps({"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {FAKE_KEY}"}})
    fake.queue(Reply(status=401, error_body=echoed))
    result = hearth("chat", "--model", "anth/claude-x", "hello")
    assert result.returncode != 0
    assert FAKE_KEY not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "key" in lines[0].lower() or "401" in lines[0]
    # The failure is recorded in history, redacted.
    db = sqlite3.connect(hearth.data / "hearth.db")
    dump = "\n".join(db.iterdump())
    assert FAKE_KEY not in dump


def test_unknown_model_is_a_clear_error(hearth):
    result = hearth("chat", "--model", "nobody/x", "hello")
    assert result.returncode != 0
    assert "nobody" in result.stderr
    result = hearth("chat", "--model", "no-slash", "hello")
    assert result.returncode != 0
    assert "PROVIDER_ID/MODEL" in result.stderr


def test_write_tool_without_terminal_is_denied_unless_approve_all(hearth, fake, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    set_roots(hearth.data, root)
    target = root / "new.txt"
    call = ("files__write", {"path": str(target), "content": "written"})
    fake.queue(Reply(tool_call=call), Reply(text="ok"))
    result = hearth("chat", "--model", "loc/llama-x", "--json", "write it")
    assert result.returncode == 0, result.stderr
    assert not target.exists()
    tool_result = next(json.loads(l) for l in result.stdout.splitlines() if '"tool_result"' in l)
    assert tool_result["result"]["is_error"]
    fake.queue(Reply(tool_call=call), Reply(text="ok"))
    result = hearth("chat", "--model", "loc/llama-x", "--approve-all", "write it")
    assert result.returncode == 0, result.stderr
    assert target.read_text() == "written"


def test_sigkill_mid_stream_keeps_the_partial_answer(hearth_bin, hearth, fake):
    fake.queue(Reply(text="partial-" + "x" * 200, chunks=100, chunk_delay=0.05))
    proc = subprocess.Popen(
        [str(hearth_bin), "--data-dir", str(hearth.data), "chat", "--model", "loc/llama-x", "tell me a long story"],
        env=hearth.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    # Wait until some text has streamed (and the first batch has had time to be flushed).
    deadline = time.time() + 20
    seen = b""
    while b"partial-" not in seen and time.time() < deadline:
        seen += proc.stdout.read1(64)
    assert b"partial-" in seen
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    cid = conversation_ids(hearth)[0]  # opening the store marks leftovers `interrupted`
    messages = messages_of(show(hearth, cid))
    answer = messages[-1]
    assert answer["role"] == "assistant"
    assert answer["status"] == "interrupted"
    text = "".join(b.get("text", "") for b in answer["blocks"] if b["type"] == "text")
    assert text.startswith("partial-")
    db = sqlite3.connect(hearth.data / "hearth.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_provider_test_makes_one_tiny_call(hearth, fake):
    fake.queue(Reply(text="ok"))
    result = hearth("provider", "test", "anth", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["reply"] == "ok" and report["model"] == "claude-x"
    assert len(fake.requests) == 1
    fake.queue(Reply(status=401, error_body=json.dumps({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})))
    result = hearth("provider", "test", "anth")
    assert result.returncode != 0
    assert "key" in result.stderr.lower()


def test_personal_context_goes_into_the_system_prompt(hearth, fake):
    context = hearth.data / "context"
    context.mkdir(parents=True, exist_ok=True)
    (context / "me.md").write_text("My name is Ada and I prefer metric units.")
    fake.queue(Reply(text="hi Ada"))
    result = hearth("chat", "--model", "anth/claude-x", "hello")
    assert result.returncode == 0, result.stderr
    system = json.dumps(fake.requests[-1]["body"].get("system"))
    assert "prefer metric units" in system


def test_provider_cli_validates_input(hearth):
    result = hearth("provider", "add", "bad id", "--kind", "openai")
    assert result.returncode != 0 and "provider id" in result.stderr
    result = hearth("provider", "add", "x", "--kind", "nonsense")
    assert result.returncode != 0 and "kind" in result.stderr
    result = hearth("provider", "add", "y", "--kind", "openai-compatible")
    assert result.returncode != 0 and "base_url" in result.stderr
    listed = json.loads(hearth("provider", "list", "--json", check=True).stdout)
    assert {p["id"] for p in listed} == set(PROVIDERS)
    hearth("provider", "remove", "gem", check=True)
    assert hearth("provider", "remove", "gem").returncode != 0
