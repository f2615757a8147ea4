"""Settings that apply live in the real desktop app (no restart): the local API follows its
switch in Settings → Local API and a hand edit of `listen` in config.toml. (The personal context
folder's live re-pointing is tested in the gateway: agent::context.) And its client tokens,
created and revoked in the window, with the official OpenAI SDK as the client.
Screenshots: target/screenshots/live-local-api.png, settings-api-token-created.png."""

import re
import socket
import time
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By

from conftest import free_port, screenshot
from window import wait_until as wait_for


@pytest.fixture
def api_port() -> int:
    return free_port()


@pytest.fixture
def hearth_home(tmp_path, api_port) -> Path:
    """A data dir whose local API is off and would listen on a free port."""
    data = tmp_path / "hearth-data"
    data.mkdir(mode=0o700)
    (data / "config.toml").write_text(f'[server]\nenabled = false\nlisten = "127.0.0.1:{api_port}"\n')
    return data


@pytest.fixture
def isolated_env(isolated_env, hearth_home):
    env = dict(isolated_env)
    env["HEARTH_HOME"] = str(hearth_home)
    return env


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok
    except requests.RequestException:
        return False


def find(driver, css: str, timeout=30.0):
    return wait_for(lambda: (driver.find_elements(By.CSS_SELECTOR, css) or [None])[-1], timeout, css)


def click(driver, element):
    driver.execute_script("arguments[0].click()", element)


def test_the_local_api_follows_its_switch_and_address_without_a_restart(app, hearth_home, api_port):
    find(app, '[data-testid="composer"]', timeout=60)
    assert not listening(api_port)
    click(app, find(app, '[data-testid="open-settings"]'))
    click(app, find(app, '[data-testid="settings-api"]'))
    switch = find(app, 'input[aria-label="Local API enabled"]')
    assert switch.get_property("checked") is False
    click(app, switch)
    config = hearth_home / "config.toml"
    wait_for(lambda: re.search(r"(?m)^enabled\s*=\s*true", config.read_text()), 10, "enabled = true")
    wait_for(lambda: healthy(api_port), 20, f"the local API answering on {api_port}")
    wait_for(lambda: find(app, 'input[aria-label="Local API enabled"]').get_property("checked") is True,
             10, "the switch on")
    screenshot(app, "live-local-api")

    # A hand edit of the address moves it.
    moved = free_port()
    config.write_text(config.read_text().replace(f"127.0.0.1:{api_port}", f"127.0.0.1:{moved}"))
    wait_for(lambda: healthy(moved) and not listening(api_port), 20, f"the local API moved to {moved}")
    wait_for(lambda: f"127.0.0.1:{moved}" in find(app, '[data-testid="api-address"]').text, 10,
             "the new address shown")

    # Off again from the window: nothing listens.
    click(app, find(app, 'input[aria-label="Local API enabled"]'))
    wait_for(lambda: not listening(moved), 20, "the local API stopped")
    time.sleep(0.5)
    assert not listening(moved) and not listening(api_port)


def test_a_token_made_in_the_window_opens_the_local_api_and_revoking_it_there_closes_it(app, api_port):
    """Settings → Local API → Tokens: the token is shown once, works with the official SDK at
    once, is listed afterwards by name only, and stops working as soon as it is revoked."""
    import openai

    find(app, '[data-testid="composer"]', timeout=60)
    click(app, find(app, '[data-testid="open-settings"]'))
    click(app, find(app, '[data-testid="settings-api"]'))
    click(app, find(app, 'input[aria-label="Local API enabled"]'))
    wait_for(lambda: healthy(api_port), 20, f"the local API answering on {api_port}")
    find(app, '[data-testid="api-token-list"]')
    find(app, '[data-testid="api-token-name"]').send_keys("e2e-editor")
    find(app, '[data-testid="api-token-models"]').send_keys("loc/*")
    click(app, find(app, '[data-testid="api-token-create"]'))
    token = find(app, '[data-testid="api-token-text"]').text.strip()
    assert re.fullmatch(r"hth_[0-9a-f]{64}", token), token
    screenshot(app, "settings-api-token-created")

    client = openai.OpenAI(base_url=f"http://127.0.0.1:{api_port}/v1", api_key=token, max_retries=0)
    assert client.models.list() is not None

    click(app, find(app, '[data-testid="api-token-done"]'))
    row = find(app, '[data-testid="api-token-e2e-editor"]')
    assert "loc/*" in row.text and token not in row.text
    assert token not in app.find_element(By.TAG_NAME, "body").text

    app.execute_script("window.confirm = () => true")
    click(app, find(app, '[data-testid="api-token-revoke-e2e-editor"]'))
    wait_for(lambda: not app.find_elements(By.CSS_SELECTOR, '[data-testid="api-token-e2e-editor"]'), 10,
             "the token gone from the list")
    with pytest.raises(openai.AuthenticationError):
        client.models.list()
