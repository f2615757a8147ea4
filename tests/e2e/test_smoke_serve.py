"""`hearth serve` prints its address, answers /health and exits 0 on SIGTERM."""

import json
import signal
import subprocess
import urllib.request


def start_serve(hearth_bin, env, *args):
    return subprocess.Popen(
        [str(hearth_bin), "serve", "--listen", "127.0.0.1:0", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_health_and_sigterm(hearth_bin, isolated_env):
    proc = start_serve(hearth_bin, isolated_env)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.removeprefix("listening on ")
        with urllib.request.urlopen(url + "/health", timeout=5) as resp:
            assert resp.status == 200
            body = json.load(resp)
        version = subprocess.run(
            [str(hearth_bin), "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        assert body["status"] == "ok"
        assert body["version"] == version
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        # exactly one line on stdout
        assert proc.stdout.read().strip() == ""
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_sigint_exits_cleanly(hearth_bin, isolated_env):
    proc = start_serve(hearth_bin, isolated_env)
    try:
        assert proc.stdout.readline().startswith("listening on ")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_creates_private_data_dir(hearth_bin, isolated_env, tmp_path):
    data = tmp_path / "data"
    proc = start_serve(hearth_bin, isolated_env, "--data-dir", str(data))
    try:
        assert proc.stdout.readline().startswith("listening on ")
        assert (data / "config.toml").exists()
        assert (data.stat().st_mode & 0o777) == 0o700
        assert ((data / "config.toml").stat().st_mode & 0o777) == 0o600
        assert ((data / "logs").stat().st_mode & 0o777) == 0o700
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_serve_rejects_a_bad_address(hearth_bin, isolated_env):
    result = subprocess.run(
        [str(hearth_bin), "serve", "--listen", "nonsense"],
        env=isolated_env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode != 0
    assert "HOST:PORT" in result.stderr
    assert result.stderr.count("\n") == 1


def test_default_data_dir_follows_xdg(hearth_bin, isolated_env):
    proc = start_serve(hearth_bin, isolated_env)
    try:
        assert proc.stdout.readline().startswith("listening on ")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    from pathlib import Path

    assert (Path(isolated_env["HEARTH_TEST_DATA_DIR"]) / "config.toml").exists()
