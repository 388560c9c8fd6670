"""The home page at ``/`` against a real server: what a browser gets (counts that match the
store, the source documents with their reliability notes, the parties with their views, a
search box that finds something), what programs get at the same address (the service
description), old editor links, and ``HEAD``. The browser tests run headless Chromium and
save screenshots (tests/service/screens.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.overview import KINDS

from .browser import BROWSER_ACCEPT, chromium, wait_for
from .screens import screenshot
from .servers import Server

PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX lg: <https://w3id.org/lexgraph/def/> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")


def select(server: Server, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT asked of the server's own endpoint, as plain values."""
    answer = httpx.get(server.url + "/sparql", params={"query": PREFIXES + query},
                       headers={"Accept": "application/sparql-results+json"}, trust_env=False, timeout=60)
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def page(server: Server, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url + path, headers={"Accept": BROWSER_ACCEPT, **headers}, trust_env=False, timeout=60)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-home")) as driver:
        yield driver


def test_programs_at_the_root_still_get_the_service_description(embedded_server: Server) -> None:
    for accept in (None, "text/turtle", "*/*"):
        answer = httpx.get(embedded_server.url + "/", headers={"Accept": accept} if accept else {},
                           trust_env=False, timeout=60)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle"), accept
        endpoints = {t.object.value for t in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)
                     if t.predicate.value == "http://www.w3.org/ns/sparql-service-description#endpoint"}
        assert endpoints == {embedded_server.url + "/sparql"}


def test_an_old_editor_link_at_the_root_opens_the_editor(embedded_server: Server) -> None:
    answer = httpx.get(embedded_server.url + "/?query=ASK%20%7B%7D&tabTitle=Mine",
                       headers={"Accept": BROWSER_ACCEPT}, trust_env=False, timeout=60)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sparql#query=ASK%20%7B%7D&tabTitle=Mine"


def test_the_counts_are_the_stores(embedded_server: Server) -> None:
    html = page(embedded_server, "/").text
    for name, cls in KINDS:
        expected = select(embedded_server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a/rdfs:subClassOf* <{cls}> }}")
        row = re.search(r"<tr><th scope=\"row\">(?:<a [^>]*>)?" + re.escape(name.replace("'", "&#x27;"))
                        + r"(?:</a>)?</th><td class=\"count\">(\d+)</td></tr>", html)
        assert row, name
        assert int(row.group(1)) == int(expected[0]["n"]), name
    assert int(re.search(r'<td class="count">(\d+)</td>', html).group(1)) > 0  # type: ignore[union-attr]


def test_head_at_the_root(embedded_server: Server) -> None:
    got = page(embedded_server, "/")
    head = httpx.head(embedded_server.url + "/", headers={"Accept": BROWSER_ACCEPT}, trust_env=False, timeout=60)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == got.headers.get("content-length")  # the GET's, even compressed


def test_a_person_sees_what_the_graph_holds_and_finds_their_way(browser: WebDriver, embedded_server: Server,
                                                                tmp_path: Path) -> None:
    sources = select(embedded_server, "SELECT ?s ?label ?note WHERE { ?s a lg:SourceDocument ; rdfs:label ?label "
                                      "OPTIONAL { ?s lg:reliabilityNote ?note } }")
    assert sources
    browser.set_window_size(1400, 1000)
    browser.get(embedded_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "lexgraph"
    assert browser.find_element(By.CSS_SELECTOR, 'header nav a[aria-current="page"]').text == "Home"
    screenshot(browser, "home-wide", tmp_path, whole_page=True)

    # Every source document, by its label, with its reliability note, linking to its page.
    shown = browser.find_element(By.ID, "sources")
    for source in sources:
        link = shown.find_element(By.LINK_TEXT, source["label"])
        assert link.get_attribute("href") == embedded_server.url + "/id/" + source["s"].split("/id/", 1)[1]
        if "note" in source:
            assert " ".join(source["note"].split()) in " ".join(shown.text.split())

    # The parties, each with a timeline and an in-force link; Kazakhstan's work.
    parties = browser.find_element(By.ID, "parties")
    kazakhstan = parties.find_element(By.XPATH, ".//li[a[text()='Kazakhstan']]")
    timeline = kazakhstan.find_element(By.LINK_TEXT, "timeline")
    assert timeline.get_attribute("href") == embedded_server.url + "/timeline?party=party/kazakhstan"
    kazakhstan.find_element(By.PARTIAL_LINK_TEXT, "in force").click()
    assert browser.current_url == embedded_server.url + "/in-force?party=party/kazakhstan"
    assert browser.find_element(By.CSS_SELECTOR, "#in-force-party option[selected]").text == "Kazakhstan"

    # Back home, the ways in, then a search from the home page's own box finds a treaty.
    browser.back()
    ways = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#ways-in a")}
    assert {ways[name] for name in ("SPARQL editor", "Ontology", "Downloads", "API docs")} == {
        embedded_server.url + path for path in ("/sparql", "/def", "/data", "/docs")}
    box = browser.find_element(By.ID, "home-q")
    box.send_keys("Berne Convention")
    box.submit()
    wait_for(browser, "return document.querySelector('ol.hits li a')", "search results")
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li a")
    assert first.get_attribute("href") == embedded_server.url + "/id/treaty/berne-convention"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_on_a_phone_the_header_wraps_and_nothing_scrolls_sideways(browser: WebDriver, embedded_server: Server,
                                                                  tmp_path: Path) -> None:
    browser.set_window_size(390, 900)
    try:
        browser.get(embedded_server.url + "/")
        nav = browser.find_elements(By.CSS_SELECTOR, "header nav a")
        assert [a.text for a in nav][:3] == ["Home", "Search", "SPARQL editor"]
        assert all(a.is_displayed() and a.rect["x"] + a.rect["width"] <= 390 for a in nav)  # wrapped, all visible
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot(browser, "home-phone", tmp_path)
    finally:
        browser.set_window_size(1400, 1000)
