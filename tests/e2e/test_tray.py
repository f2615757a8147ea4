"""The tray and the approval notification end to end, as a Linux desktop sees them.

A fake StatusNotifierWatcher runs on the test's private D-Bus session (scripts/with-session.sh)
before the real app starts; the app's tray (libayatana-appindicator) registers its
StatusNotifierItem there, and the test reads the item's properties and its menu
(`com.canonical.dbusmenu` GetLayout) and clicks items (`Event(id, "clicked")`) as a panel would:
Pause agent, Quick ask…, Pending approvals (N). Without a watcher appindicator falls back to an
XEmbed icon (the production behaviour on desktops without StatusNotifier support); this tests the
StatusNotifier path.

A fake notification server (`org.freedesktop.Notifications`) records the approval notification
shown while the main window is closed to the tray, and clicks it (`ActionInvoked(id, "default")`):
the main window comes back at the approval.

Screenshots: target/screenshots/tray-*.png."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import TARGET, screenshot
from fake_desktop_bus import FakeNotifications, FakeWatcher, session_bus_address
from fake_providers import FakeProviders, Reply
from window import by_testid, click, find, quick_ask_handle, send, wait_until as wait_for
from x11_windows import X11

MODEL = "llama-x"
MENU = ["Quick ask…", "Open Hearth", "Pending approvals (0)", "Pause agent", "Quit Hearth"]
KEY = "sk-TRAYCANARY-" + "Qx9" * 12  # the provider's (fake) key: never in a notification


@pytest.fixture
def fake():
    with FakeProviders() as server:
        yield server


@pytest.fixture
def watcher():
    """The panel's StatusNotifierWatcher, up before the app starts (see `isolated_env`)."""
    session_bus_address()
    w = FakeWatcher()
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def notifications():
    """The desktop's notification server."""
    session_bus_address()
    n = FakeNotifications()
    try:
        yield n
    finally:
        n.close()


@pytest.fixture
def hearth_home(hearth_bin, tmp_path, fake) -> Path:
    """A data dir with one provider at the fake server (its key in the session's keychain) and
    one folder root."""
    data = tmp_path / "hearth-data"
    env = dict(os.environ, HOME=str(tmp_path / "cli-home"))

    def hearth(*args, stdin=None):
        subprocess.run([str(hearth_bin), "--data-dir", str(data), *args], input=stdin, env=env,
                       check=True, capture_output=True, timeout=60, text=True)

    hearth("provider", "add", "loc", "--kind", "openai-compatible",
           "--base-url", fake.base + "/compat", "--model", MODEL)
    hearth("key", "set", "loc", "--no-validate", stdin=KEY + "\n")
    root = tmp_path / "notes"
    root.mkdir()
    config = data / "config.toml"
    config.write_text(re.sub(r"(?m)^roots = \[\]", f'roots = ["{root}"]', config.read_text()))
    return data


@pytest.fixture
def isolated_env(isolated_env, hearth_home, watcher, notifications):
    """The conftest environment plus HEARTH_HOME; depends on `watcher` and `notifications` so
    that both own their names before the app (started by the `app` fixture) looks for them."""
    env = dict(isolated_env)
    env["HEARTH_HOME"] = str(hearth_home)
    return env


def wait_ready(driver):
    find(driver, "composer", timeout=60)


def visibility(driver, handle: str) -> str:
    driver.switch_to.window(handle)
    return driver.execute_script("return document.visibilityState")


@pytest.fixture
def x11(display):
    conn = X11(display)
    try:
        yield conn
    finally:
        conn.close()


def icon_png(item) -> bytes:
    """The tray icon's image: a PNG the tray writes for the panel (IconName is its path, or a
    name in IconThemePath)."""
    props = item.properties()
    icon = Path(props["IconName"])
    if not icon.is_absolute():
        icon = Path(props["IconThemePath"]) / f"{props['IconName']}.png"
    return icon.read_bytes()


def ask_for_a_write(fake, tmp_path) -> Path:
    """Queues a model answer that asks to write a file (an `ask` tool: it needs an approval).
    The content carries the provider's key: the notification must not."""
    target = tmp_path / "notes" / "from-tray.txt"
    fake.queue(
        Reply(text="I'll write it.", tool_call=("files__write", {"path": str(target), "content": f"hello {KEY}"})),
        Reply(text="Written."),
    )
    return target


def test_the_tray_registers_and_its_menu_reads_like_the_app(app, watcher):
    wait_ready(app)
    item = watcher.wait_for_item()
    props = item.properties()
    assert props["Status"] == "Active", props
    assert props["Category"] == "ApplicationStatus", props
    assert props["Menu"].startswith("/"), props
    assert icon_png(item)[:8] == b"\x89PNG\r\n\x1a\n"
    assert wait_for(lambda: item.labels() == MENU and item.labels(), 20, f"menu {MENU}") == MENU
    separators = [i for i in item.layout() if i.kind == "separator"]
    assert len(separators) == 2
    assert all(i.enabled for i in item.layout())


def test_pause_from_the_tray_pauses_the_agent_and_the_label_follows(app, watcher, hearth_home):
    wait_ready(app)
    item = watcher.wait_for_item()
    config = hearth_home / "config.toml"
    item.click("Pause agent")
    wait_for(lambda: "Resume agent" in item.labels(), 20, "the label 'Resume agent'")
    assert "Pause agent" not in item.labels()
    # The core's switch: in config.toml and in the window's Permissions panel.
    wait_for(lambda: re.search(r"(?m)^paused\s*=\s*true", config.read_text()), 10, "paused = true")
    click(app, "tab-permissions")
    switch = find(app, "pause-switch")
    wait_for(lambda: switch.get_property("checked") is False, 10, "the pause switch off (agent paused)")
    screenshot(app, "tray-paused")
    item.click("Resume agent")
    wait_for(lambda: "Pause agent" in item.labels(), 20, "the label 'Pause agent'")
    wait_for(lambda: re.search(r"(?m)^paused\s*=\s*false", config.read_text()), 10, "paused = false")
    wait_for(lambda: find(app, "pause-switch").get_property("checked") is True, 10, "the pause switch on")


def test_quick_ask_from_the_tray_opens_its_window(app, watcher, fake, x11):
    wait_ready(app)
    main = app.current_window_handle
    item = watcher.wait_for_item()
    item.click("Quick ask")
    handle = wait_for(lambda: quick_ask_handle(app, main), 20, "the quick-ask window")
    wait_for(lambda: visibility(app, handle) == "visible", 10, "quick ask visible")
    assert x11.mapped(x11.window("Hearth — Quick ask"))
    app.switch_to.window(handle)
    fake.queue(Reply(text="Asked from the tray.", chunks=3, chunk_delay=0.1))
    box = find(app, "composer")
    box.click()
    box.send_keys("From the tray")
    box.send_keys(Keys.ENTER)
    wait_for(lambda: "Asked from the tray." in app.find_elements(By.CSS_SELECTOR, by_testid("message-assistant"))[-1].text,
             30, "the answer in quick ask")
    screenshot(app, "tray-quick-ask")


def test_a_pending_approval_is_counted_in_the_tray(app, watcher, fake, tmp_path, x11):
    wait_ready(app)
    item = watcher.wait_for_item()
    normal_icon = icon_png(item)
    target = ask_for_a_write(fake, tmp_path)
    send(app, "Write the file")
    find(app, "approve-once", timeout=30)
    wait_for(lambda: "Pending approvals (1)" in item.labels(), 20, "'Pending approvals (1)'")
    # The icon switches to its "waiting" variant.
    attention_icon = wait_for(lambda: icon_png(item) != normal_icon and icon_png(item), 10, "the attention icon")
    screenshot(app, "tray-pending-approval")
    # The two icons as the panel gets them, for people to look at.
    (TARGET / "screenshots" / "tray-icon-normal.png").write_bytes(normal_icon)
    (TARGET / "screenshots" / "tray-icon-attention.png").write_bytes(attention_icon)
    # From the tray, with the window closed to the tray: the item brings it back.
    main_x = x11.window("Hearth")
    for label in ("Pending approvals (1)", "Open Hearth"):
        x11.request_close(main_x)
        wait_for(lambda: not x11.mapped(main_x), 10, "the main window hidden")
        item.click(label)
        wait_for(lambda: x11.mapped(main_x), 10, f"the main window shown by '{label}'")
    click(app, "approve-once")
    wait_for(lambda: target.exists(), 20, "the file written")
    wait_for(lambda: "Pending approvals (0)" in item.labels(), 20, "'Pending approvals (0)'")
    wait_for(lambda: icon_png(item) == normal_icon, 10, "the normal icon again")


def ask_from_the_tray_with_the_window_closed(app, watcher, fake, tmp_path, x11):
    """Closes the main window to the tray (close_to_tray is on by default: it hides, the app runs
    on), then sends, from the tray's quick ask, a request whose tool call needs approval. Leaves
    the driver on the quick-ask window; returns the main window's handle, its X11 id and the file
    the approved call writes."""
    wait_ready(app)
    main = app.current_window_handle
    item = watcher.wait_for_item()
    main_x = x11.window("Hearth")
    x11.request_close(main_x)
    wait_for(lambda: not x11.mapped(main_x), 10, "the main window hidden")
    item.click("Quick ask")
    handle = wait_for(lambda: quick_ask_handle(app, main), 20, "the quick-ask window")
    target = ask_for_a_write(fake, tmp_path)
    app.switch_to.window(handle)
    send(app, "Write the file")
    return main, main_x, target


def test_clicking_the_approval_notification_opens_the_main_window_at_the_approval(
        app, watcher, notifications, fake, tmp_path, x11):
    main, main_x, target = ask_from_the_tray_with_the_window_closed(app, watcher, fake, tmp_path, x11)
    wait_for(lambda: visibility(app, main) == "hidden", 10, "the main page hidden")
    notice = notifications.wait_for(30)
    assert notice.summary == "Hearth asks: run files.write?", notice
    assert KEY not in notice.summary + notice.body, "the key reached a notification"
    assert "from-tray.txt" in notice.body, notice
    assert notice.actions.get("default") == "Open Hearth", notice.actions
    assert notice.actions.get("open") == "Open Hearth", notice.actions
    assert not x11.mapped(main_x)

    notifications.invoke(notice.id, "default")
    wait_for(lambda: x11.mapped(main_x), 10, "the main window shown again")
    wait_for(lambda: visibility(app, main) == "visible", 10, "the main page visible")
    app.switch_to.window(main)
    # At the approval: its conversation is open with the inline card.
    find(app, "approve-once", timeout=20)
    wait_for(lambda: any("Write the file" in m.get_attribute("textContent")
                         for m in app.find_elements(By.CSS_SELECTOR, by_testid("message-user"))),
             10, "the approval's conversation open in the main window")
    screenshot(app, "tray-notification-opened-main")
    click(app, "approve-once")
    wait_for(lambda: target.exists() and target.read_text().startswith("hello"), 20, "the file written")


def test_an_approval_answered_elsewhere_closes_its_notification(
        app, watcher, notifications, fake, tmp_path, x11):
    main, main_x, target = ask_from_the_tray_with_the_window_closed(app, watcher, fake, tmp_path, x11)
    notice = notifications.wait_for(30)
    # Answered in the quick-ask window's tool card: the notification is withdrawn, the main
    # window stays in the tray.
    click(app, "approve-once")
    wait_for(lambda: target.exists(), 20, "the file written")
    wait_for(lambda: notice.id in notifications.closed, 10, "the notification closed by the app")
    assert not x11.mapped(main_x)
