"""The API docs page (/docs) in headless Chromium: Swagger UI from lexgraph's own copy inside the
site's layout, with no inline script; a person opens an operation, tries it and reads the
answer; WCAG 2.1 A/AA holds with the operations opened too, and nothing scrolls sideways on a
phone. Screenshots go to ``LEXGRAPH_SCREENSHOT_DIR`` (else the test's tmp_path)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.routes_docs import SWAGGER_DIR
from lexgraph.api.static_assets import STATIC_DIR, static_url

from .browser import BROWSER_ACCEPT, assert_only_own_origin, axe_violations, chromium, horizontal_overflow, wait_for
from .servers import Server
from .screens import screenshot

BUNDLE = f"{SWAGGER_DIR}/swagger-ui-bundle.js"
ASSETS = (static_url(BUNDLE), static_url(f"{SWAGGER_DIR}/swagger-ui.css"), static_url("docs.js"), static_url("docs.css"))
TIMELINE = "#operations-timelines-get_timeline_timeline_get"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-docs"), needs=(STATIC_DIR / BUNDLE,)) as driver:
        yield driver


def open_docs(driver: WebDriver, url: str, width: int = 1400, height: int = 1000) -> None:
    driver.set_window_size(width, height)
    driver.get_log("performance")  # forget earlier pages' requests
    driver.get(url)
    wait_for(driver, "return document.querySelectorAll('.swagger-ui .opblock').length > 0", "Swagger UI to draw")


def open_every_operation(driver: WebDriver) -> None:
    driver.execute_script("document.querySelectorAll('.opblock-summary-control').forEach(b => b.click())")
    wait_for(driver, "return [...document.querySelectorAll('.opblock')].every(o => o.querySelector('.opblock-body'))",
             "every operation to open")


def test_the_page_has_the_site_layout_and_no_inline_script(embedded_server: Server) -> None:
    page = httpx.get(embedded_server.url + "/docs", headers={"Accept": BROWSER_ACCEPT}, trust_env=False)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in page.text
    assert '<header class="site-header">' in page.text and 'href="/docs" aria-current="page"' in page.text
    for asset in ASSETS:
        assert f'="{asset}"' in page.text, asset
        assert httpx.get(embedded_server.url + asset, trust_env=False).status_code == 200, asset
    # Every script is a file from this server (the config block is data, not script).
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page.text) == []
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "sha256" not in policy and "connect-src 'self'" in policy


def test_a_person_opens_an_operation_and_tries_it(browser: WebDriver, embedded_server: Server, tmp_path: Path) -> None:
    open_docs(browser, embedded_server.url + "/docs")
    info = browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info")
    assert "lexgraph" in info.text
    paths = [el.text for el in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/sparql" in paths and "/timeline" in paths
    assert axe_violations(browser) == []
    screenshot(browser, "docs", tmp_path)

    operation = browser.find_element(By.CSS_SELECTOR, TIMELINE)
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait_for(browser, f"return document.querySelector('{TIMELINE} .try-out__btn')", "the Try it out button").click()
    party = wait_for(browser, f"return document.querySelector('{TIMELINE} tr[data-param-name=\"party\"] input:not([disabled])')",
                     "the party field")
    party.send_keys(Keys.CONTROL, "a")  # over the example Swagger UI fills in
    party.send_keys("party/kazakhstan")
    operation.find_element(By.CSS_SELECTOR, ".execute").click()
    status = wait_for(browser, f"""const s = document.querySelector('{TIMELINE} .live-responses-table tbody .response-col_status');
        return s && s.innerText.trim();""", "the answer to the tried request")
    assert status.startswith("200")
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_description pre").text
    assert '"iri": "https://w3id.org/lexgraph/id/party/kazakhstan"' in body and '"events": [' in body
    # The example blocks that scroll sideways can be scrolled with the keyboard, and every
    # select box names its parameter.
    assert axe_violations(browser) == []
    browser.execute_script(f"document.querySelector('{TIMELINE} .live-responses-table').scrollIntoView()")
    screenshot(browser, "docs-tried", tmp_path)
    assert_only_own_origin(browser, embedded_server.url, ASSETS[:1])


def test_every_operation_open_passes_axe_and_fits_a_phone(browser: WebDriver, embedded_server: Server,
                                                          tmp_path: Path) -> None:
    open_docs(browser, embedded_server.url + "/docs")
    open_every_operation(browser)
    assert axe_violations(browser) == []
    open_docs(browser, embedded_server.url + "/docs", width=390, height=1600)
    open_every_operation(browser)
    assert horizontal_overflow(browser) <= 0
    assert axe_violations(browser) == []
    screenshot(browser, "docs-phone", tmp_path)
