"""Driving the app's windows over WebDriver: waiting, finding by data-testid, clicking, sending."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def wait_until(condition, timeout: float = 30.0, what: str = "condition", driver=None):
    """Polls `condition` until it returns something truthy (returned) or `timeout` passes (an
    AssertionError naming `what`, the last value or error and, with `driver`, the page)."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = condition()
            if last:
                return last
        except Exception as error:  # the page or item may be mid-update
            last = error
        time.sleep(0.1)
    page = ""
    if driver is not None:
        try:
            page = driver.execute_script("return document.body.innerText")[:2000]
        except Exception as error:  # the window may be gone
            page = f"(page unreadable: {error!r})"
    raise AssertionError(f"timed out waiting for {what} (last: {last!r}); the page reads: {page}")


def by_testid(testid: str) -> str:
    return f'[data-testid="{testid}"]'


def find(driver, testid: str, timeout: float = 30.0):
    """The last element with `data-testid`, waiting for it."""
    return wait_until(
        lambda: (driver.find_elements(By.CSS_SELECTOR, by_testid(testid)) or [None])[-1],
        timeout, f"[data-testid={testid}]", driver,
    )


_CLICK_LAST = """
const all = document.querySelectorAll(arguments[0]);
const element = all[all.length - 1];
if (!element) return false;
element.click();
return true;
"""


def click(driver, testid: str, timeout: float = 30.0):
    """Clicks the last element with `data-testid`, found and clicked in one script: a re-render
    between finding and clicking (a live update of the list it is in) cannot make it stale."""
    wait_until(
        lambda: driver.execute_script(_CLICK_LAST, by_testid(testid)),
        timeout, f"a clickable [data-testid={testid}]", driver,
    )


def send(driver, text: str):
    """Types `text` into the composer and sends it with Enter."""
    composer = find(driver, "composer")
    composer.click()
    composer.send_keys(text)
    composer.send_keys(Keys.ENTER)


def quick_ask_handle(driver, main: str):
    """The WebDriver handle of the quick-ask window, when it exists (None otherwise); leaves the
    driver on it, or back on `main`."""
    for handle in driver.window_handles:
        if handle == main:
            continue
        driver.switch_to.window(handle)
        if driver.find_elements(By.CSS_SELECTOR, by_testid("quick-ask")):
            return handle
    driver.switch_to.window(main)
    return None
