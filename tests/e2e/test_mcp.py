"""MCP end to end: real third-party MCP servers (npm @modelcontextprotocol/server-everything and
server-filesystem, PyPI mcp-server-time) and tiny misbehaving ones (tests/mcp/*.py) through the
real `hearth` binary: `hearth mcp ...`, Claude Desktop import, and tool calls through the agent
loop with permissions applied (against the fake provider server)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, free_port, wait_for_port
from fake_providers import FakeProviders, Reply

MCP_DIR = ROOT / "tests" / "mcp"
NODE_BIN = MCP_DIR / "node_modules" / ".bin"
PYTHON = str(ROOT / "tests" / ".venv" / "bin" / "python")


def require(path: Path):
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/setup.sh --test (npm install --prefix tests/mcp)")


@pytest.fixture
def hearth(hearth_bin, isolated_env, tmp_path):
    """Runs `hearth` with a private data dir and fast MCP timeouts."""
    data = tmp_path / "data"
    env = dict(isolated_env)

    def run(*args, timeout=90, check=False, stdin=None):
        result = subprocess.run(
            [str(hearth_bin), "--data-dir", str(data), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("mcp", "list", "--no-start", check=True)  # writes the default config
    config = data / "config.toml"
    config.write_text(config.read_text() + "\n[mcp]\nstart_timeout_secs = 8\ncall_timeout_secs = 30\n")
    run.data = data
    run.env = env
    return run


def add_time(hearth):
    hearth("mcp", "add", "time", "--", PYTHON, "-m", "mcp_server_time", "--local-timezone", "UTC", check=True)


def statuses(hearth, *extra):
    result = hearth("mcp", "list", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return {s["name"]: s for s in json.loads(result.stdout)}


def test_tools_of_real_servers_with_risk_from_annotations(hearth, tmp_path):
    require(NODE_BIN / "mcp-server-everything")
    add_time(hearth)
    hearth("mcp", "add", "everything", "--", str(NODE_BIN / "mcp-server-everything"), "stdio", check=True)
    root = tmp_path / "shared"
    root.mkdir()
    hearth("mcp", "add", "fs", "--", str(NODE_BIN / "mcp-server-filesystem"), str(root), check=True)

    time_tools = json.loads(hearth("mcp", "tools", "time", "--json", check=True).stdout)
    assert time_tools["state"] == "running"
    by_name = {t["name"]: t for t in time_tools["tools"]}
    assert "time.get_current_time" in by_name and "time.convert_time" in by_name
    assert by_name["time.get_current_time"]["remote_name"] == "get_current_time"

    fs = json.loads(hearth("mcp", "tools", "fs", "--json", check=True).stdout)
    fs_risk = {t["remote_name"]: t["risk"] for t in fs["tools"]}
    # server-filesystem annotates its tools: reads are read-only, writes are not.
    assert fs_risk["read_text_file"] == "read", fs_risk
    assert fs_risk["write_file"] in ("write", "execute"), fs_risk

    everything = json.loads(hearth("mcp", "tools", "everything", "--json", check=True).stdout)
    names = {t["name"] for t in everything["tools"]}
    assert "everything.echo" in names
    assert all(t["name"].count(".") == 1 for t in everything["tools"])

    text = hearth("mcp", "tools", "time", check=True).stdout
    assert "time.get_current_time" in text


def test_failing_servers_get_clear_statuses_and_never_block_the_rest(hearth):
    add_time(hearth)
    for name in ("crash", "hang", "garbage"):
        hearth("mcp", "add", name, "--", sys.executable, str(MCP_DIR / f"{name}_server.py"), check=True)
    hearth("mcp", "add", "missing", "--", "/nonexistent/mcp-server", check=True)
    started = time.time()
    found = statuses(hearth)
    elapsed = time.time() - started
    # All start concurrently: the hanging one costs one start timeout, not one per server.
    assert elapsed < 30, elapsed
    assert found["time"]["state"] == "running", found["time"]
    assert found["time"]["tools"], found["time"]
    for name in ("crash", "hang", "garbage", "missing"):
        assert found[name]["state"] == "failed", found[name]
        assert found[name]["reason"], found[name]
    assert "cannot find its settings" in found["crash"]["reason"], found["crash"]
    assert "initialize" in found["hang"]["reason"], found["hang"]
    assert "/nonexistent/mcp-server" in found["missing"]["reason"], found["missing"]
    # `hearth mcp tools` on a failing server exits non-zero with the reason.
    result = hearth("mcp", "tools", "crash")
    assert result.returncode != 0
    assert "failed" in result.stdout
    # The human listing says the same in words.
    listing = hearth("mcp", "list").stdout
    assert "running" in listing and "failed" in listing


def test_config_only_listing_and_add_remove_enable_disable(hearth):
    add_time(hearth)
    found = statuses(hearth, "--no-start")
    assert found["time"]["state"] == "stopped"
    assert found["time"]["enabled"] is True
    assert "mcp_server_time" in found["time"]["target"]
    hearth("mcp", "disable", "time", check=True)
    assert statuses(hearth, "--no-start")["time"]["state"] == "disabled"
    result = hearth("mcp", "tools", "time")
    assert result.returncode != 0 and "disabled" in result.stderr
    hearth("mcp", "enable", "time", check=True)
    assert statuses(hearth, "--no-start")["time"]["enabled"] is True
    duplicate = hearth("mcp", "add", "time", "--", "x")
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr
    reserved = hearth("mcp", "add", "files", "--", "x")
    assert reserved.returncode != 0 and "reserved" in reserved.stderr
    hearth("mcp", "remove", "time", check=True)
    assert statuses(hearth, "--no-start") == {}
    unknown = hearth("mcp", "remove", "time")
    assert unknown.returncode != 0 and "no MCP server named 'time'" in unknown.stderr
    config = (hearth.data / "config.toml").read_text()
    assert "# Hearth configuration." in config


def test_streamable_http_server(hearth, tmp_path):
    require(NODE_BIN / "mcp-server-everything")
    port = free_port()
    env = dict(hearth.env, PORT=str(port))
    server = subprocess.Popen(
        [str(NODE_BIN / "mcp-server-everything"), "streamableHttp"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        token = "Bearer e2e-secret-token-0123456789"
        hearth(
            "mcp", "add", "remote", "--url", f"http://127.0.0.1:{port}/mcp",
            "--header", "X-Client=hearth-e2e", "--secret-header", "Authorization",
            stdin=token + "\n", check=True,
        )
        config = (hearth.data / "config.toml").read_text()
        assert token not in config and "Authorization" in config
        remote = json.loads(hearth("mcp", "tools", "remote", "--json", check=True).stdout)
        assert remote["state"] == "running", remote
        assert remote["transport"] == "http"
        assert "remote.echo" in {t["name"] for t in remote["tools"]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_import_from_claude_desktop_adds_disabled_servers_and_keeps_secrets_out_of_config(hearth):
    secret = "sk-imported-SECRET-0123456789abcdef"
    claude_dir = Path(hearth.env["XDG_CONFIG_HOME"]) / "Claude"
    claude_dir.mkdir(parents=True)
    (claude_dir / "claude_desktop_config.json").write_text(json.dumps({
        "mcpServers": {
            "time": {
                "command": PYTHON,
                "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"],
                "env": {"TIME_API_KEY": secret, "LOG_LEVEL": "debug"},
            },
            "Everything Server": {"command": str(NODE_BIN / "mcp-server-everything"), "args": ["stdio"]},
        }
    }))
    dry = hearth("mcp", "import", "--dry-run", check=True)
    assert "mcp_server_time" in dry.stdout and "TIME_API_KEY" in dry.stdout and "LOG_LEVEL" in dry.stdout
    assert secret not in dry.stdout + dry.stderr
    assert statuses(hearth, "--no-start") == {}, "a dry run adds nothing"

    result = hearth("mcp", "import")
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    assert "disabled" in result.stdout
    config = (hearth.data / "config.toml").read_text()
    assert secret not in config
    assert "TIME_API_KEY" in config  # by name only, under secret_env
    found = statuses(hearth, "--no-start")
    assert set(found) == {"time", "Everything-Server"}
    assert all(s["state"] == "disabled" for s in found.values())
    # Importing again skips what exists.
    again = hearth("mcp", "import", check=True)
    assert "already configured" in again.stdout
    # Enabled, the server starts with the secret read back from the keychain.
    hearth("mcp", "enable", "time", check=True)
    assert json.loads(hearth("mcp", "tools", "time", "--json", check=True).stdout)["state"] == "running"
    hearth("mcp", "remove", "time", check=True)


def test_import_of_a_bad_file_is_a_clear_error(hearth, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    result = hearth("mcp", "import", str(bad))
    assert result.returncode != 0
    assert str(bad) in result.stderr
    missing = hearth("mcp", "import", str(tmp_path / "nope.json"))
    assert missing.returncode != 0 and "nope.json" in missing.stderr


# --- through the agent loop -------------------------------------------------------------


@pytest.fixture
def fake():
    with FakeProviders() as server:
        yield server


def chat(hearth, fake, *args):
    added = hearth("provider", "add", "loc", "--kind", "openai-compatible", "--base-url", fake.base + "/compat", "--model", "llama-x")
    assert added.returncode == 0 or "already exists" in added.stderr, added.stderr
    return hearth("chat", "--model", "loc/llama-x", "--json", *args, timeout=120)


def offered_tools(request) -> list:
    return [t.get("function", t).get("name") for t in request["body"].get("tools", [])]


def skip_unless_wired(fake):
    """MCP tools must be offered to the model like any other tool."""
    assert fake.requests and any(n.startswith("time__") for n in offered_tools(fake.requests[0]))


def tool_result(stdout: str) -> dict:
    return next(json.loads(line) for line in stdout.splitlines() if '"tool_result"' in line)


def test_agent_calls_a_read_only_mcp_tool_and_the_result_taints_the_turn(hearth, fake):
    add_time(hearth)
    fake.queue(
        Reply(tool_call=("time__get_current_time", {"timezone": "UTC"})),
        Reply(text="It is time."),
    )
    result = chat(hearth, fake, "What time is it in UTC?")
    skip_unless_wired(fake)
    assert result.returncode == 0, result.stderr
    output = tool_result(result.stdout)["result"]
    assert not output["is_error"], output
    assert "UTC" in output["content"] and "datetime" in output["content"]
    assert "time__get_current_time" in offered_tools(fake.requests[0])
    # The model saw the result on its second call.
    assert "datetime" in json.dumps(fake.requests[1]["body"])


def test_unannotated_mcp_tools_ask_and_are_denied_without_a_terminal(hearth, fake, tmp_path):
    require(NODE_BIN / "mcp-server-filesystem")
    root = tmp_path / "shared"
    root.mkdir()
    add_time(hearth)
    hearth("mcp", "add", "fs", "--", str(NODE_BIN / "mcp-server-filesystem"), str(root), check=True)
    target = root / "note.txt"
    call = ("fs__write_file", {"path": str(target), "content": "from the agent"})
    fake.queue(Reply(tool_call=call), Reply(text="ok"))
    result = chat(hearth, fake, "write it")
    skip_unless_wired(fake)
    assert result.returncode == 0, result.stderr
    assert tool_result(result.stdout)["result"]["is_error"]
    assert not target.exists()
    fake.queue(Reply(tool_call=call), Reply(text="ok"))
    result = chat(hearth, fake, "--approve-all", "write it")
    assert result.returncode == 0, result.stderr
    assert target.read_text() == "from the agent"


def test_a_failing_server_does_not_hide_the_others_from_the_agent(hearth, fake):
    add_time(hearth)
    hearth("mcp", "add", "hang", "--", sys.executable, str(MCP_DIR / "hang_server.py"), check=True)
    fake.queue(Reply(text="hello"))
    result = chat(hearth, fake, "hi")
    skip_unless_wired(fake)
    assert result.returncode == 0, result.stderr
    names = offered_tools(fake.requests[0])
    assert "time__get_current_time" in names
    assert not any(n.startswith("hang__") for n in names)
