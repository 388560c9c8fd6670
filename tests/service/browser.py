"""Headless Chromium for the page tests: Debian's chromium driven by its chromedriver through
Selenium, started with flags that keep it off the network, and a bounded wait."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 30
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000"]


@contextmanager
def chromium(profile_dir: Path, *, needs: tuple[Path, ...] = ()) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile, its network and console logs recorded; fails
    (never skips) when the browser, its driver or a front-end bundle in ``needs`` is missing."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            pytest.fail(f"{path} is missing: apt-get install chromium chromium-driver (scripts/test.sh does)")
    for path in needs:
        if not path.exists():
            pytest.fail(f"{path} is not built: run bash scripts/build-frontend.sh (scripts/test.sh does)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    # The network log (every request the browser sends, from DevTools) and the console log.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, script: str, what: str) -> Any:
    """Run ``script`` until it returns something truthy; fail after WAIT_S seconds."""
    try:
        return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(lambda d: d.execute_script(script))
    except TimeoutException:
        console = [entry["message"] for entry in driver.get_log("browser")]
        pytest.fail(f"timed out after {WAIT_S} s waiting for {what}; browser console: {console}")


def loaded_urls(driver: WebDriver) -> list[str]:
    """The page and every resource it loaded, as the page's own timing records them."""
    return list(driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('navigation').map(e => e.name),"
        " ...performance.getEntriesByType('resource').map(e => e.name)]"))


def sent_urls(driver: WebDriver) -> list[str]:
    """Every network request the browser sent since the log was last read, as DevTools saw it
    (failed ones included, which the page's timing may leave out); chrome:// pages are the
    browser's own and left out."""
    sent = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in sent if m["method"] == "Network.requestWillBeSent"]
    return [url for url in urls if urllib.parse.urlsplit(url).scheme in ("http", "https", "ws", "wss")]


def foreign(urls: list[str], base_url: str) -> list[str]:
    """The URLs not on ``base_url``'s origin."""
    origin = urllib.parse.urlsplit(base_url)[:2]
    return [url for url in urls if urllib.parse.urlsplit(url)[:2] != origin]


def assert_only_own_origin(driver: WebDriver, base_url: str, assets: tuple[str, ...]) -> None:
    """The page loaded ``assets`` (paths on the server) and nothing, loaded or merely requested,
    from any origin but ``base_url``'s."""
    loaded = loaded_urls(driver)
    for asset in assets:
        assert any(url.endswith(asset) for url in loaded), asset
    assert foreign(loaded, base_url) == []
    network = sent_urls(driver)
    assert network and foreign(network, base_url) == []


AXE_SCRIPT = Path(__file__).parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm (frontend/package.json's devDependencies; scripts/build-frontend.sh
installs it), injected into the page under test; never served by lexgraph."""
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The rule tags of WCAG 2.1 levels A and AA, as axe names them."""


def axe_violations(driver: WebDriver, impacts: tuple[str, ...] = ("critical", "serious")) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, of the given impacts, one
    line each (rule, impact, how many elements, the first element's selector) so a failing
    assertion says what to fix."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run bash scripts/build-frontend.sh (scripts/test.sh does)")
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length,"
        " v.nodes[0] ? v.nodes[0].target.join(' ') : '', v.help])))"
        ".catch(e => done([['axe-error', 'critical', 0, '', String(e)]]));", AXE_RULES)
    return [f"{rule} ({impact}, {count} elements, first: {target}): {help_text}"
            for rule, impact, count, target, help_text in result if impact in impacts]


def horizontal_overflow(driver: WebDriver) -> int:
    """How many CSS pixels the page scrolls sideways at the window's current width (0: none)."""
    return int(driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"))
