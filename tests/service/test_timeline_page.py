"""The timeline page in headless Chromium: ``GET /timeline`` for a browser draws a party's events
with vis-timeline (served by lexgraph itself), coloured by class, contested ones marked, months
and years as ranges, the same events as an escaped HTML table; a click opens the event's
``/id/…`` page; nothing is loaded from another origin. Needs /usr/bin/chromium,
/usr/bin/chromedriver and the front-end bundles (scripts/test.sh installs the first two and runs
scripts/build-frontend.sh)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.routes_timeline_page import VIS_DIR

from .browser import BROWSER_ACCEPT, assert_only_own_origin, chromium, wait_for
from .servers import Server

ID = "https://w3id.org/lexgraph/id/"
WCT_RATIFICATION = ID + "treaty-action/kz-wct-ratification-wipoarticle"  # 2004-08-12, contested (precision)
WCT_RATIFICATION_PAGE = "/id/treaty-action/kz-wct-ratification-wipoarticle"
WCT_QUOTE = "Kazakhstan ratified the WCT on 12 August 2004"
MONTH_EVENT = ID + "treaty-action/kz-us-trade-agreement-signature-paper1999"  # "1992-05"
YEAR_EVENT = ID + "act-event/copyright-law-adoption-cable2005"  # "1996"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), needs=(VIS_DIR / "vis-timeline-graph2d.min.js",)) as driver:
        yield driver


def open_timeline(driver: WebDriver, url: str) -> int:
    """Open a timeline page and wait until vis-timeline has drawn its items; their number."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    return int(wait_for(driver, "return document.querySelector('#timeline[data-drawn]') && document.querySelectorAll("
                                "'#timeline .vis-item [data-iri]').length", "the timeline's items"))


def page_data(text: str) -> dict[str, Any]:
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', text, re.S)
    assert data, "no timeline data in the page"
    return json.loads(data.group(1))


def test_browsers_get_the_page_programs_the_data(embedded_server: Server) -> None:
    url = embedded_server.url + "/timeline?party=kazakhstan"
    page = httpx.get(url, headers={"Accept": BROWSER_ACCEPT}, trust_env=False)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert '<script src="/static/vis-timeline/vis-timeline-graph2d.min.js"></script>' in page.text
    api = httpx.get(url, trust_env=False).json()
    data = page_data(page.text)
    assert [i["iri"] for i in data["items"]] == [e["iri"] for e in api["events"]]
    # The table lists the same events, each linking to its entity page.
    rows = re.findall(r"<tr class=\"kind-[^\"]*\">(.*?)</tr>", page.text, re.S)
    assert len(rows) == len(api["events"])
    assert f'href="{WCT_RATIFICATION_PAGE}"' in page.text
    # Days are points; months and years are ranges over the whole month or year.
    by_iri = {i["iri"]: i for i in data["items"]}
    assert (by_iri[WCT_RATIFICATION]["start"], by_iri[WCT_RATIFICATION]["end"]) == ("2004-08-12", None)
    assert (by_iri[MONTH_EVENT]["start"], by_iri[MONTH_EVENT]["end"]) == ("1992-05-01", "1992-06-01")
    assert (by_iri[YEAR_EVENT]["start"], by_iri[YEAR_EVENT]["end"]) == ("1996-01-01", "1997-01-01")
    assert by_iri[WCT_RATIFICATION]["contested"] is True
    for asset in ("vis-timeline/vis-timeline-graph2d.min.js", "vis-timeline/vis-timeline-graph2d.min.css",
                  "timeline.js", "timeline.css"):
        response = httpx.get(f"{embedded_server.url}/static/{asset}", trust_env=False)
        assert response.status_code == 200 and response.content, asset
    unknown = httpx.get(embedded_server.url + "/timeline?party=atlantis", headers={"Accept": BROWSER_ACCEPT},
                        trust_env=False)
    assert unknown.status_code == 404 and "no party in the graph matches &#x27;atlantis&#x27;" in unknown.text
    assert httpx.get(embedded_server.url + "/timeline?party=atlantis", trust_env=False).json()["error"] == "not_found"


def test_events_are_drawn_coloured_and_marked(browser: WebDriver, embedded_server: Server) -> None:
    drawn = open_timeline(browser, embedded_server.url + "/timeline?party=Kazakhstan")
    api = httpx.get(embedded_server.url + "/timeline?party=kazakhstan", trust_env=False).json()
    assert drawn == len(api["events"]) > 10
    info = browser.execute_script("""
        const item = iri => document.querySelector(`#timeline .vis-item [data-iri="${iri}"]`).closest('.vis-item');
        const wct = item(arguments[0]), year = item(arguments[1]), month = item(arguments[2]);
        const bg = el => getComputedStyle(el).backgroundColor;
        const legal = document.querySelector('#timeline .vis-item.kind-legal-act-event:not(.vis-dot):not(.vis-line)');
        return {wct: wct.className, wctBorder: getComputedStyle(wct).borderTopStyle,
                wctText: wct.innerText, year: year.className, month: month.className,
                treatyBg: bg(wct), legalBg: bg(legal),
                groups: [...document.querySelectorAll('#timeline .vis-label')].map(e => e.innerText.trim())};""",
        WCT_RATIFICATION, YEAR_EVENT, MONTH_EVENT)
    assert "kind-treaty-action" in info["wct"] and "contested" in info["wct"] and "vis-box" in info["wct"]
    assert info["wctBorder"] == "dashed" and "CONTESTED" in info["wctText"].upper()
    assert "vis-range" in info["year"] and "precision-year" in info["year"]
    assert "vis-range" in info["month"] and "precision-month" in info["month"]
    assert info["treatyBg"] != info["legalBg"]  # coloured by class
    assert info["groups"][:2] == ["treaty action", "legal act event"]
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_clicking_an_event_opens_its_entity_page(browser: WebDriver, embedded_server: Server) -> None:
    open_timeline(browser, embedded_server.url + "/timeline?party=kazakhstan")
    selector = f'#timeline .vis-item [data-iri="{WCT_RATIFICATION}"]'
    target = browser.find_element(By.CSS_SELECTOR, selector).find_element(By.XPATH, "./ancestor::div[contains(concat(' ', @class, ' '), ' vis-box ')]")
    target.click()
    wait_for(browser, f"return location.pathname === '{WCT_RATIFICATION_PAGE}'", "the event's entity page")
    entity = httpx.get(embedded_server.url + WCT_RATIFICATION_PAGE, headers={"Accept": BROWSER_ACCEPT},
                       trust_env=False)
    if entity.status_code == 200:  # once the entity pages are served, the page shows the source's words
        wait_for(browser, "return document.readyState === 'complete'", "the entity page")
        assert WCT_QUOTE in browser.find_element(By.TAG_NAME, "body").text


def test_nothing_is_loaded_from_another_origin(browser: WebDriver, embedded_server: Server) -> None:
    open_timeline(browser, embedded_server.url + "/timeline?party=kazakhstan")
    wait_for(browser, "return document.readyState === 'complete'", "the page to settle")
    assert_only_own_origin(browser, embedded_server.url, ("/static/vis-timeline/vis-timeline-graph2d.min.js",
                                                          "/static/vis-timeline/vis-timeline-graph2d.min.css"))
