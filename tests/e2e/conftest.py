"""Shared fixtures for Hearth's end-to-end tests: the real binary, isolated homes, a display."""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "target"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def hearth_bin() -> Path:
    path = TARGET / "debug" / "hearth"
    assert path.exists(), f"{path} is missing: run `make build` first"
    return path


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict:
    """An environment whose HOME, XDG dirs and Hearth data dir are all fresh temp folders."""
    home = tmp_path / "home"
    env = dict(os.environ)
    for key in ("HEARTH_HOME",):
        env.pop(key, None)
    dirs = {
        "HOME": home,
        "XDG_DATA_HOME": home / ".local/share",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_STATE_HOME": home / ".local/state",
        "XDG_RUNTIME_DIR": tmp_path / "run",
    }
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    os.chmod(dirs["XDG_RUNTIME_DIR"], 0o700)
    env["HEARTH_TEST_DATA_DIR"] = str(dirs["XDG_DATA_HOME"] / "hearth")
    return env


@pytest.fixture(scope="session")
def display():
    """A private Xvfb display for tests that open windows."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed (make test installs it)")
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert proc.poll() is None, "Xvfb exited"
        assert time.time() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield f":{number}"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def wait_for_port(port: int, timeout: float = 20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


def tauri_driver_path() -> str:
    found = shutil.which("tauri-driver") or str(Path.home() / ".cargo/bin/tauri-driver")
    assert Path(found).exists(), "tauri-driver is missing (make test installs it)"
    return found


@pytest.fixture
def app(hearth_bin, isolated_env, display, tmp_path):
    """The real desktop app under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver)."""
    from selenium import webdriver
    from selenium.webdriver.common.options import ArgOptions

    env = dict(isolated_env)
    env["DISPLAY"] = display
    env.pop("WAYLAND_DISPLAY", None)
    # WebKit's sandbox and GPU paths are not available under Xvfb as root in CI.
    env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    env["WEBKIT_DISABLE_DMABUF_RENDERER"] = "1"
    env["LIBGL_ALWAYS_SOFTWARE"] = "1"
    port = free_port()
    native_port = free_port()
    log = open(tmp_path / "tauri-driver.log", "wb")
    driver_proc = subprocess.Popen(
        [tauri_driver_path(), "--port", str(port), "--native-port", str(native_port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        wait_for_port(native_port)  # WebKitWebDriver, started by tauri-driver
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(hearth_bin)})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        driver.implicitly_wait(0)
        driver.hearth_display = display
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        driver_proc.terminate()
        # The app may outlive its driver (closed to the tray): left running, it would answer the
        # next test's launch as the single instance. Stop what runs with this test's HOME.
        stop_apps_with_home(env["HOME"])
        try:
            driver_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver_proc.kill()
        log.close()


def stop_apps_with_home(home: str):
    """Kills every process whose environment has HOME=`home` (the app under test, its helpers)."""
    marker = f"HOME={home}".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker in f.read().split(b"\0"):
                    os.kill(int(pid), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def screenshot(driver, name: str) -> Path:
    """Saves a screenshot of the whole Xvfb screen under target/screenshots/ for people to look
    at. ImageMagick's `import` is used because WebKitWebDriver's own screenshot command can hang
    under Xvfb without GPU compositing."""
    out = TARGET / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    subprocess.run(
        ["/usr/bin/import", "-display", driver.hearth_display, "-window", "root", str(path)],
        check=True,
        timeout=30,
    )
    return path
