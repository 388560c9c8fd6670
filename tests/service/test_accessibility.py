"""Every page a person opens, held to one standard in headless Chromium: no critical or serious
WCAG 2.1 A/AA violation as axe-core (npm, injected by the test) finds them, no sideways
scrolling on a 390 px wide phone, a title and a meta description, and ``HEAD`` wherever ``GET``
works. Our own pages and the bundled editor, timeline and API docs alike."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.pages import YASGUI_DIR

from .browser import BROWSER_ACCEPT, axe_violations, chromium, horizontal_overflow, wait_for
from .servers import Server

# Each page with the script that says it has finished drawing (the bundles draw after load).
PAGES = {
    "/": "return document.querySelector('main')",
    "/sparql": "return window.lexgraphYasgui && document.querySelector('.yasqe .CodeMirror')",
    "/timeline?party=kazakhstan": "return document.querySelector('#timeline[data-drawn]')",
    "/in-force?party=kazakhstan&date=2005-01-01": "return document.querySelector('main table')",
    "/id/treaty/wct": "return document.querySelector('h1')",
    "/id/party/kazakhstan": "return document.querySelector('h1')",
    "/def": "return document.querySelector('h1')",
    "/vocab": "return document.querySelector('h1')",
    "/search?q=copyright": "return document.querySelector('h1')",
    "/data": "return document.querySelector('main table')",
    "/docs": "return document.querySelector('.swagger-ui .info')",
}
PHONE_WIDTH = 390


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-a11y"), needs=(YASGUI_DIR / "yasgui.min.js",)) as driver:
        yield driver


def open_page(driver: WebDriver, url: str, ready: str, width: int = 1400) -> None:
    driver.set_window_size(width, 1000)
    driver.get(url)
    wait_for(driver, ready, f"{url} to finish drawing")


@pytest.mark.parametrize("path", PAGES)
def test_no_critical_or_serious_violation(browser: WebDriver, embedded_server: Server, path: str) -> None:
    open_page(browser, embedded_server.url + path, PAGES[path])
    assert axe_violations(browser) == []


@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_on_a_phone(browser: WebDriver, embedded_server: Server, path: str) -> None:
    open_page(browser, embedded_server.url + path, PAGES[path], width=PHONE_WIDTH)
    assert horizontal_overflow(browser) <= 0


@pytest.mark.parametrize("path", PAGES)
def test_title_description_and_head(embedded_server: Server, path: str) -> None:
    url = embedded_server.url + path
    page = httpx.get(url, headers={"Accept": BROWSER_ACCEPT}, trust_env=False, timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    title = re.search(r"<title>([^<]+)</title>", page.text)
    description = re.search(r'<meta name="description" content="([^"]{20,})"', page.text)
    assert title and title.group(1).strip(), "no title"
    assert description, "no meta description of at least 20 characters"
    head = httpx.head(url, headers={"Accept": BROWSER_ACCEPT}, trust_env=False, timeout=60)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == page.headers["content-type"]


def test_downloads_page_links_each_file_and_robots_txt_keeps_crawlers_to_the_pages(embedded_server: Server) -> None:
    listed = httpx.get(embedded_server.url + "/data", trust_env=False, timeout=60).json()
    page = httpx.get(embedded_server.url + "/data", headers={"Accept": BROWSER_ACCEPT}, trust_env=False, timeout=60).text
    assert len(listed) == 3
    for download in listed:
        assert f'href="{download["url"]}"' in page and download["sha256"] in page
    robots = httpx.get(embedded_server.url + "/robots.txt", trust_env=False, timeout=60)
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    rules = [line.split(":", 1)[1].strip() for line in robots.text.splitlines() if line.startswith("Disallow:")]
    assert "/sparql?" in rules and "/" not in rules
