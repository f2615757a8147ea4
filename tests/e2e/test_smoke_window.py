"""The desktop window opens, shows the version reported by `app_info`, and is screenshotted."""

import subprocess
import time

from conftest import screenshot
from selenium.webdriver.common.by import By


def wait_for(driver, css, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found and found[0].text.strip():
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"{css} did not appear; page: {driver.page_source[:2000]}")


def test_window_shows_version(app, hearth_bin):
    version = subprocess.run(
        [str(hearth_bin), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    element = wait_for(app, "#app-version")
    assert element.text == version
    assert app.title == "Hearth"
    path = screenshot(app, "smoke-window")
    assert path.stat().st_size > 1000
