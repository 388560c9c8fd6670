"""The in-force page (``GET /in-force`` for a browser) against a real server: the same answer
programs get as JSON, shown as a table of what was in force and one of what is unknown, with
reasons, quotes and sources; the form; errors as pages; programs still get JSON. The browser
test runs headless Chromium and saves screenshots (tests/service/screens.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from .browser import BROWSER_ACCEPT, chromium, horizontal_overflow, wait_for
from .screens import screenshot
from .servers import Server

DAY = "2005-01-01"


def get(server: Server, accept: str, **params: str) -> httpx.Response:
    return httpx.get(server.url + "/in-force", params=params, headers={"Accept": accept}, trust_env=False, timeout=60)


def answer(server: Server, party: str, day: str) -> dict[str, Any]:
    """What programs get: the JSON the page must show."""
    got = get(server, "application/json", party=party, date=day)
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/json")
    result: dict[str, Any] = got.json()
    return result


def items(result: dict[str, Any], status: str) -> list[dict[str, Any]]:
    return [i for kind in ("treaties", "acts", "articles") for i in result[kind] if i["status"] == status]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-in-force")) as driver:
        yield driver


def test_programs_still_get_json_and_browsers_a_page(embedded_server: Server) -> None:
    result = answer(embedded_server, "kazakhstan", DAY)
    assert result["party"]["label"] == "Kazakhstan" and result["date"] == DAY
    page = get(embedded_server, BROWSER_ACCEPT, party="kazakhstan", date=DAY)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert "script-src" not in page.headers["content-security-policy"]  # no JavaScript on this page
    for item in items(result, "in force") + items(result, "unknown"):
        assert item["reason"].replace("'", "&#x27;") in page.text, item["subject"]["label"]


def test_mistakes_come_back_as_the_form_with_the_reason(embedded_server: Server) -> None:
    unknown = get(embedded_server, BROWSER_ACCEPT, party="atlantis", date=DAY)
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert 'class="error"' in unknown.text and "atlantis" in unknown.text and '<form method="get" action="/in-force"' in unknown.text
    bad_day = get(embedded_server, BROWSER_ACCEPT, party="kazakhstan", date="2005-02-30")
    assert bad_day.status_code == 422 and 'class="error"' in bad_day.text
    # Without a day: the form, asking for one (programs get 422 for the same request).
    form = get(embedded_server, BROWSER_ACCEPT, party="kazakhstan")
    assert form.status_code == 200 and "Choose a party and a day" in form.text
    assert get(embedded_server, "application/json", party="kazakhstan").status_code == 422


def test_a_person_reads_what_bound_the_party_and_why(browser: WebDriver, embedded_server: Server,
                                                     tmp_path: Path) -> None:
    result = answer(embedded_server, "kazakhstan", DAY)
    bound, unknown = items(result, "in force"), items(result, "unknown")
    assert bound and unknown  # the data has both on this day

    browser.set_window_size(1400, 1000)
    browser.get(f"{embedded_server.url}/in-force?party=kazakhstan&date={DAY}")
    assert browser.find_element(By.TAG_NAME, "h1").text == f"In force for Kazakhstan on {DAY}"
    assert browser.find_element(By.CSS_SELECTOR, 'header nav a[aria-current="page"]').text == "In force"
    screenshot(browser, "in-force-wide", tmp_path)

    def rows(section: str) -> dict[str, Any]:
        return {row.find_element(By.CSS_SELECTOR, "th a").text: row
                for row in browser.find_elements(By.CSS_SELECTOR, f"#{section} table tbody tr")}

    shown_bound, shown_unknown = rows("in-force"), rows("unknown")
    assert sorted(shown_bound) == sorted(i["subject"]["label"] for i in bound)
    assert sorted(shown_unknown) == sorted(i["subject"]["label"] for i in unknown)
    # A row: the thing links to its page; the reason; each deciding quote with its source.
    first = bound[0]
    row = shown_bound[first["subject"]["label"]]
    assert row.find_element(By.CSS_SELECTOR, "th a").get_attribute("href") == (
        embedded_server.url + "/id/" + first["subject"]["iri"].split("/id/", 1)[1])
    assert first["reason"] in row.text
    for evidence in first["evidence"]:
        assert " ".join(evidence["quote"].split()) in " ".join(row.text.split())
        assert row.find_element(By.LINK_TEXT, evidence["source"]["label"])

    # The form: another day, chosen and sent as a person would.
    browser.execute_script("document.getElementById('in-force-date').value = '1995-01-01'")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait_for(browser, "return location.search.includes('date=1995-01-01') && document.querySelector('h1')", "the new day")
    earlier = answer(embedded_server, "party/kazakhstan", "1995-01-01")
    assert browser.find_element(By.TAG_NAME, "h1").text == "In force for Kazakhstan on 1995-01-01"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#in-force table tbody tr")) == len(items(earlier, "in force"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_on_a_phone_the_tables_become_lists(browser: WebDriver, embedded_server: Server, tmp_path: Path) -> None:
    browser.set_window_size(390, 900)
    try:
        browser.get(f"{embedded_server.url}/in-force?party=kazakhstan&date={DAY}")
        assert horizontal_overflow(browser) <= 0
        browser.execute_script("document.getElementById('unknown').scrollIntoView()")
        screenshot(browser, "in-force-phone", tmp_path)
    finally:
        browser.set_window_size(1400, 1000)
