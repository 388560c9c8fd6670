"""The timeline page in headless Chromium: ``GET /timeline`` for a browser draws a party's events
with vis-timeline (served by lexgraph itself), coloured by class, contested ones marked, months
and years as ranges, the same events as an escaped HTML table; a click opens the event's
``/id/…`` page; nothing is loaded from another origin. Needs /usr/bin/chromium,
/usr/bin/chromedriver and the front-end bundles (scripts/test.sh installs the first two and runs
scripts/build-frontend.sh).

Where many events share a year their labels stay whole and apart; on a phone the events are a
vertical list; drawing moves nothing on the page (cumulative layout shift, from Chromium's own
layout-shift records). Screenshots go to ``LEXGRAPH_SCREENSHOT_DIR`` (else the test's tmp_path)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.routes_timeline_page import VIS_CSS, VIS_DIR, VIS_JS
from lexgraph.api.static_assets import static_url

from .browser import BROWSER_ACCEPT, assert_only_own_origin, chromium, horizontal_overflow, sent_urls, wait_for
from .screens import screenshot
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
    """Open a timeline page, wait until vis-timeline has drawn, then unfold the drawing to the
    height of all its rows (it has a fixed height and draws only the rows in view; a person
    scrolls it) and wait until every event is drawn; their number."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    wait_for(driver, "return document.querySelector('#timeline[data-drawn=\"axis\"]')", "the drawing")
    driver.execute_script("document.getElementById('timeline').style.height = 'auto';"
                          "lexgraphTimeline.setOptions({height: null, verticalScroll: false});")
    return int(wait_for(driver, "const all = JSON.parse(document.getElementById('timeline-data').textContent).items;"
                                "const drawn = document.querySelectorAll('#timeline .vis-item [data-iri]').length;"
                                "return drawn === all.length && drawn", "every event to be drawn"))


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
    assert f'<script src="{static_url("timeline.js")}"></script>' in page.text
    assert f'href="{static_url(VIS_CSS)}" media="(min-width: 40rem)"' in page.text
    assert '<a href="/timeline" aria-current="page">' in page.text  # the site's header
    api = httpx.get(url, trust_env=False).json()
    assert f'<meta name="description" content="Kazakhstan: {len(api["events"])} dated events (' in page.text
    data = page_data(page.text)
    assert data["script"] == static_url(VIS_JS) and "?v=" in data["script"]
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
    assert_only_own_origin(browser, embedded_server.url, (static_url(VIS_JS), static_url(VIS_CSS)))


@pytest.mark.parametrize("width", [1400, 700])
def test_labels_stay_whole_and_apart_where_many_share_a_year(browser: WebDriver, embedded_server: Server,
                                                             tmp_path: Path, width: int) -> None:
    api = httpx.get(embedded_server.url + "/timeline?party=kazakhstan", trust_env=False).json()
    busiest = Counter(e["date"][:4] for e in api["events"]).most_common(1)[0]
    assert busiest[1] >= 5, "the data no longer has a crowded year to test with"
    browser.set_window_size(width, 1000)
    open_timeline(browser, embedded_server.url + "/timeline?party=kazakhstan")
    screenshot(browser, f"timeline-{width}px-unfolded", tmp_path, whole_page=True)
    assert horizontal_overflow(browser) <= 0
    labels = browser.execute_script("""
        const center = document.querySelector('#timeline .vis-panel.vis-center').getBoundingClientRect();
        return [...document.querySelectorAll('#timeline .vis-item .vis-item-content')].map(c => {
            const r = c.getBoundingClientRect();
            return {iri: c.querySelector('[data-iri]').getAttribute('data-iri'), text: c.innerText.replace(/\\s+/g, ' '),
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    cutX: c.scrollWidth - c.clientWidth, cutY: c.scrollHeight - c.clientHeight,
                    inside: r.left >= center.left - 1 && r.right <= center.right + 1};});""")
    by_iri = {e["iri"]: e for e in api["events"]}
    assert len(labels) == len(api["events"])
    for label in labels:
        event = by_iri[label["iri"]]
        # The whole label is there and nothing of it is cut off or scrolled away inside its box.
        assert label["text"].strip().endswith(" ".join(event["label"].split())), label
        assert label["cutX"] <= 0 and label["cutY"] <= 0, label
        assert label["inside"], f"label beyond the drawing's left or right edge: {label}"
    # No two labels overlap (the ones of the crowded year included).
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = a["right"] <= b["left"] + 0.5 or b["right"] <= a["left"] + 0.5 or \
                a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5
            assert apart, f"labels overlap: {a['text']!r} and {b['text']!r}"
    # Zooming in opens the crowded years further: the window gets narrower.
    before = browser.execute_script("const w = lexgraphTimeline.getWindow(); return w.end - w.start")
    browser.find_element(By.CSS_SELECTOR, '.drawing button[data-zoom="in"]').click()
    wait_for(browser, f"const w = lexgraphTimeline.getWindow(); return w.end - w.start < {before} * 0.8", "zoom in")


def test_a_phone_gets_a_vertical_list(browser: WebDriver, embedded_server: Server, tmp_path: Path) -> None:
    browser.set_window_size(390, 900)
    try:
        browser.get_log("performance")
        browser.get(embedded_server.url + "/timeline?party=kazakhstan")
        wait_for(browser, "return document.querySelector('#timeline[data-drawn=\"list\"]')", "the list layout")
        screenshot(browser, "timeline-phone", tmp_path, whole_page=True)
        shown = browser.execute_script("""
            const rows = [...document.querySelectorAll('table.events tbody tr')];
            return {drawing: getComputedStyle(document.querySelector('.drawing')).display,
                    rows: rows.length, width: document.documentElement.clientWidth,
                    widest: Math.max(...rows.map(r => r.getBoundingClientRect().right)),
                    stacked: rows.slice(1).every((r, i) => r.getBoundingClientRect().top >= rows[i].getBoundingClientRect().bottom),
                    first: rows[0].innerText};""")
        api = httpx.get(embedded_server.url + "/timeline?party=kazakhstan", trust_env=False).json()
        assert shown["drawing"] == "none"
        assert shown["rows"] == len(api["events"]) and shown["stacked"], "the events are not one below the other"
        assert shown["widest"] <= shown["width"] and horizontal_overflow(browser) <= 0
        assert api["events"][0]["date"] in shown["first"] and api["events"][0]["label"] in shown["first"]
        # The drawing's script is not even fetched on a phone (its style sheet is, at low priority, unused).
        assert not [url for url in sent_urls(browser) if "vis-timeline-graph2d.min.js" in url]
    finally:
        browser.set_window_size(1400, 1000)


LAYOUT_SHIFT = """const done = arguments[arguments.length - 1]; let total = 0; const moved = [];
    new PerformanceObserver(list => { for (const e of list.getEntries()) { if (!e.hadRecentInput) { total += e.value;
        moved.push(...e.sources.map(s => s.node ? s.node.nodeName + '.' + (s.node.className || s.node.id) : '?')); } } })
      .observe({type: 'layout-shift', buffered: true});
    requestAnimationFrame(() => requestAnimationFrame(() => done([total, moved])));"""
"""The page's cumulative layout shift so far (Chromium's layout-shift records, buffered from the
start of the load) and what moved, read two frames after the drawing says it is done."""


@pytest.mark.parametrize(("width", "treaty"), [(1400, ""), (800, ""), (412, ""), (1400, "wct")])
def test_drawing_moves_nothing_on_the_page(browser: WebDriver, embedded_server: Server, width: int, treaty: str,
                                           tmp_path: Path) -> None:
    browser.set_window_size(width, 900)
    try:
        browser.get(embedded_server.url + "/timeline?party=kazakhstan" + (f"&treaty={treaty}" if treaty else ""))
        wait_for(browser, "return document.querySelector('#timeline[data-drawn]')", "the drawing")
        total, moved = browser.execute_async_script(LAYOUT_SHIFT)
        screenshot(browser, f"timeline{'-' + treaty if treaty else ''}-{width}px-as-loaded", tmp_path)
        assert total < 0.1, f"layout shift {total:.3f} at {width} px: {moved}"
    finally:
        browser.set_window_size(1400, 1000)
