"""The query editor page in headless Chromium, as a person uses it: YASGUI served by lexgraph
itself beside a searchable list of the named queries; a chosen question runs and shows rows
whose links open this server's pages; an error reads as a sentence with its place marked in
the query; the keyboard reaches the run button; links that reopen a query; nothing loaded from
another origin. Screenshots go to ``LEXGRAPH_SCREENSHOT_DIR`` (else the test's tmp_path).
Needs /usr/bin/chromium, /usr/bin/chromedriver and the YASGUI bundle (scripts/test.sh installs
the first two and runs scripts/build-frontend.sh)."""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.pages import YASGUI_DIR
from lexgraph.api.static_assets import static_url
from lexgraph.catalog import named_queries

from .browser import BROWSER_ACCEPT, assert_only_own_origin, axe_violations, chromium, horizontal_overflow, wait_for
from .screens import screenshot
from .servers import REPO, Server

QUERIES = named_queries(REPO / "queries")
TITLES = [q.title for q in QUERIES]
KAZAKHSTAN_LABEL = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> skos:prefLabel ?label }"""
ACTIVE = ".tabPanel.active"
ASSETS = (static_url("yasgui/yasgui.min.js"), static_url("yasgui/yasgui.min.css"), static_url("editor.js"),
          static_url("editor.css"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), needs=(YASGUI_DIR / "yasgui.min.js",)) as driver:
        yield driver


def open_editor(driver: WebDriver, url: str, width: int = 1400, height: int = 1000) -> None:
    driver.set_window_size(width, height)
    driver.get_log("browser")  # forget earlier pages' messages
    driver.get_log("performance")
    driver.get(url)
    wait_for(driver, "return window.lexgraphYasgui && document.querySelector('.yasgui .tabsList .tab')",
             "the editor to start")


def tab_names(driver: WebDriver) -> list[str]:
    return driver.execute_script(
        "return window.lexgraphYasgui.persistentConfig.getTabs().map(id => window.lexgraphYasgui.getTab(id).getName())")


def editor_text(driver: WebDriver) -> str:
    return driver.execute_script("return window.lexgraphYasgui.getTab().getQuery()")


def shown_questions(driver: WebDriver) -> list[str]:
    """The titles of the questions the list shows now."""
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, "#query-items .query-title") if el.is_displayed()]


def result_rows(driver: WebDriver) -> list[str]:
    """The text of each row in the active tab's results table, once there is at least one."""
    rows = wait_for(driver, f"""
        const rows = [...document.querySelectorAll('{ACTIVE} .yasr table tbody tr')]
            .filter(tr => !tr.querySelector('.dataTables_empty'));
        return rows.length ? rows.map(tr => tr.innerText) : null;""", "result rows")
    return list(rows)


def filter_questions(driver: WebDriver, typed: str) -> None:
    """Replace what the filter box holds with ``typed``, key by key as a person would."""
    box = driver.find_element(By.ID, "query-filter")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if typed:
        box.send_keys(typed)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def test_browsers_get_the_page_programs_the_description(embedded_server: Server) -> None:
    page = httpx.get(embedded_server.url + "/sparql", headers={"Accept": BROWSER_ACCEPT}, trust_env=False)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for asset in ASSETS:
        assert f'="{asset}"' in page.text, asset
    config = json.loads(re.search(r'<script type="application/json" id="lexgraph-config">(.*?)</script>',
                                  page.text, re.S).group(1))
    assert config["endpoint"] == embedded_server.url + "/sparql"
    assert [q["title"] for q in config["queries"]] == TITLES
    assert config["prefixes"]["lg"] == "https://w3id.org/lexgraph/def/"
    # The list of questions is in the page itself, and the page has the site's header.
    assert re.findall(r'<span class="query-title">([^<]*)</span>', page.text) == [
        t.replace("'", "&#x27;") for t in TITLES]
    assert '<header class="site-header">' in page.text and 'href="/sparql" aria-current="page"' in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]
    for asset in ASSETS:
        response = httpx.get(embedded_server.url + asset, trust_env=False)
        assert response.status_code == 200 and response.content, asset
    description = httpx.get(embedded_server.url + "/sparql", headers={"Accept": "text/turtle"}, trust_env=False)
    assert description.headers["content-type"].startswith("text/turtle")


def test_the_list_filters_and_a_chosen_question_runs(browser: WebDriver, embedded_server: Server,
                                                     tmp_path: Path) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    assert shown_questions(browser) == TITLES
    assert tab_names(browser) == [TITLES[0]]  # one tab, not one per question
    assert editor_text(browser) == QUERIES[0].text
    endpoint = browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} input.autocomplete")
    assert endpoint.get_attribute("value") == embedded_server.url + "/sparql"

    for typed in ("kazakh", "treaty ACTIONS", "penalt"):
        filter_questions(browser, typed)
        words = fold(typed).split()
        expected = [q.title for q in QUERIES if all(w in fold(f"{q.title} {q.question} {q.name}") for w in words)]
        assert expected and len(expected) < len(TITLES), typed  # a filter that keeps some and hides some
        assert shown_questions(browser) == expected, typed
        assert browser.find_element(By.ID, "query-count").text == f"{len(expected)} of {len(TITLES)} questions match"
    filter_questions(browser, "no such question")
    assert shown_questions(browser) == []
    assert "No question matches" in browser.find_element(By.ID, "query-count").text

    filter_questions(browser, "treaty actions")
    choice = next(b for b in browser.find_elements(By.CSS_SELECTOR, "#query-items button") if b.is_displayed())
    assert choice.find_element(By.CSS_SELECTOR, ".query-title").text == TITLES[0]
    choice.click()
    rows = result_rows(browser)
    assert any("Kazakhstan" in row for row in rows)
    assert choice.get_attribute("aria-current") == "true"
    # Entity links open this server's pages; other IRIs stay as they are.
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, f"{ACTIVE} .yasr a.iri")]
    ours = [h for h in hrefs if h.startswith(embedded_server.url + "/id/treaty/")]
    assert ours and not [h for h in hrefs if h.startswith("https://w3id.org/lexgraph/")]
    assert any(h.startswith(embedded_server.url + "/vocab/") for h in hrefs)
    assert any(h.startswith("http://www.w3.org/2001/XMLSchema#") for h in hrefs)
    entity = httpx.get(ours[0], headers={"Accept": BROWSER_ACCEPT}, trust_env=False)
    assert entity.status_code == 200 and entity.headers["content-type"].startswith("text/html")
    # The run button sits to the right of every line of the query, the long "# question:" line too.
    overlap = browser.execute_script(f"""
        const buttons = document.querySelector('{ACTIVE} .yasqe_buttons').getBoundingClientRect();
        return [...document.querySelectorAll('{ACTIVE} .CodeMirror-line')].filter(line => {{
            const range = document.createRange(); range.selectNodeContents(line);
            return [...range.getClientRects()].some(r => r.right > buttons.left && r.top < buttons.bottom
                                                       && r.bottom > buttons.top);
        }}).map(line => line.textContent);""")
    assert overlap == []
    assert axe_violations(browser) == []  # the results' controls (page size …) have names too
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    screenshot(browser, "editor-filtered-and-run", tmp_path)

    # Another question replaces the query in the same tab while it is unedited; an edited
    # query keeps its tab and the chosen question opens in a new one.
    filter_questions(browser, "")
    assert shown_questions(browser) == TITLES
    browser.find_elements(By.CSS_SELECTOR, "#query-items button")[1].click()
    assert tab_names(browser) == [TITLES[1]] and editor_text(browser) == QUERIES[1].text
    browser.execute_script("window.lexgraphYasgui.getTab().setQuery(arguments[0])", KAZAKHSTAN_LABEL)
    browser.find_elements(By.CSS_SELECTOR, "#query-items button")[2].click()
    assert tab_names(browser) == [TITLES[1], TITLES[2]] and editor_text(browser) == QUERIES[2].text
    first = browser.execute_script("return window.lexgraphYasgui.persistentConfig.getTabs()[0]")
    assert browser.execute_script("return window.lexgraphYasgui.getTab(arguments[0]).getQuery()", first) == KAZAKHSTAN_LABEL
    # "New tab" opens an empty tab, and the next question chosen goes into it.
    browser.find_element(By.ID, "new-tab").click()
    assert len(tab_names(browser)) == 3
    browser.find_elements(By.CSS_SELECTOR, "#query-items button")[3].click()
    assert tab_names(browser) == [TITLES[1], TITLES[2], TITLES[3]] and editor_text(browser) == QUERIES[3].text


def test_on_a_phone_the_list_sits_above_and_nothing_scrolls_sideways(browser: WebDriver, embedded_server: Server,
                                                                   tmp_path: Path) -> None:
    open_editor(browser, embedded_server.url + "/sparql", width=390, height=1800)  # tall: the results in the picture
    browser.find_elements(By.CSS_SELECTOR, "#query-items button")[0].click()
    result_rows(browser)
    questions = browser.find_element(By.CSS_SELECTOR, ".query-list").rect
    editor = browser.find_element(By.ID, "yasgui").rect
    assert questions["y"] + questions["height"] <= editor["y"]
    assert horizontal_overflow(browser) <= 0  # the wide results table scrolls within itself
    screenshot(browser, "editor-phone", tmp_path)


@pytest.mark.parametrize(("name", "query"), [
    ("unknown-prefix", "SELECT * WHERE { ?s foo:bar ?o }"),
    ("unclosed-filter",
     "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT * WHERE {\n  ?s skos:prefLabel ?l .\n  FILTER(?x = }"),
    ("no-query-form", "{ ?s ?p }"),
    ("unknown-graph", "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }"),
])
def test_an_error_reads_as_a_sentence_with_its_place_marked(browser: WebDriver, embedded_server: Server,
                                                            tmp_path: Path, name: str, query: str) -> None:
    error = httpx.post(embedded_server.url + "/sparql", data={"query": query}, trust_env=False)
    assert error.status_code == 400
    body = error.json()
    open_editor(browser, embedded_server.url + "/sparql")
    browser.execute_script("const tab = window.lexgraphYasgui.getTab(); tab.setQuery(arguments[0]); tab.query()", query)
    shown = wait_for(browser, f"const e = document.querySelector('{ACTIVE} .lexgraph-error'); return e && e.innerText",
                     "the error message")
    assert '{"error"' not in shown and body["error"] in shown
    marked = browser.execute_script(f"""return [...document.querySelectorAll('{ACTIVE} .CodeMirror-code > div')]
        .map((line, i) => [i + 1, line.querySelector('.lexgraph-error-line') !== null,
                           [...line.querySelectorAll('.lexgraph-error-at')].map(m => m.textContent).join('')]);""")
    if "line" in body:
        assert f"line {body['line']}, column {body['column']}" in shown and "marked in the query" in shown
        assert [(n, text) for n, whole, text in marked if whole] == [(body["line"], marked[body["line"] - 1][2])]
        assert marked[body["line"] - 1][2].strip(), "no character marked on the error's line"
    else:
        assert body["message"] in shown
        assert [n for n, whole, _ in marked if whole] == []
    if "Prefix not found" in body["message"]:
        assert "The parser says: Prefix not found." in shown
    assert axe_violations(browser) == []
    screenshot(browser, f"editor-error-{name}", tmp_path)
    # An edit clears the marks.
    browser.execute_script("window.lexgraphYasgui.getTab().getYasqe().replaceRange(' ', {line: 0, ch: 0})")
    assert browser.find_elements(By.CSS_SELECTOR, f"{ACTIVE} .lexgraph-error-line, {ACTIVE} .lexgraph-error-at") == []


def test_the_keyboard_reaches_the_run_button(browser: WebDriver, embedded_server: Server, tmp_path: Path) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    keys = browser.find_element(By.ID, "editor-keys")
    assert "Ctrl+Enter runs the query" in keys.text and "Tab moves on from the query box" in keys.text
    box = browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror-code[role=textbox]")
    assert box.get_attribute("aria-label") == "SPARQL query"
    browser.execute_script("window.lexgraphYasgui.getTab().setQuery(arguments[0])", KAZAKHSTAN_LABEL)
    box.click()
    assert browser.switch_to.active_element == box
    pressed = 0
    while not browser.switch_to.active_element.get_attribute("class").startswith("yasqe_queryButton") and pressed < 5:
        browser.switch_to.active_element.send_keys(Keys.TAB)
        pressed += 1
    assert browser.switch_to.active_element.get_attribute("aria-label") == "Run query", f"not reached in {pressed} Tabs"
    assert pressed == 2  # the share button, then the run button
    assert editor_text(browser) == KAZAKHSTAN_LABEL  # Tab inserted nothing
    screenshot(browser, "editor-run-button-focused", tmp_path)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert any("Kazakhstan" in row for row in result_rows(browser))

    # Ctrl+Enter in the query box runs it as well; Shift+Tab leaves it backwards.
    browser.execute_script("window.lexgraphYasgui.getTab().setQuery('SELECT (40 + 2 AS ?answer) WHERE {}')")
    box.click()
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(browser, f"return [...document.querySelectorAll('{ACTIVE} .yasr tbody td')].some(td => td.innerText.includes('42'))",
             "the answer of the query run with Ctrl+Enter")
    box.click()
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert browser.switch_to.active_element != box


def test_our_prefixes_are_added_as_they_are_typed(browser: WebDriver, embedded_server: Server) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    assert browser.execute_script("return window.lexgraphYasgui.getTab().getYasqe().config.autocompleters") == [
        "prefixes", "variables"]  # no Linked Open Vocabularies look-ups
    browser.execute_script("""
        const yasqe = window.lexgraphYasgui.getTab().getYasqe();
        yasqe.setValue('SELECT * WHERE {\\n  ?s a \\n}');
        yasqe.focus();
        yasqe.setCursor({line: 1, ch: 7});""")
    browser.switch_to.active_element.send_keys("lgv:")
    wait_for(browser, "return window.lexgraphYasgui.getTab().getQuery().includes('PREFIX lgv: <https://w3id.org/lexgraph/vocab/>')",
             "the lgv: PREFIX line")
    browser.switch_to.active_element.send_keys("x ; schema:")
    # Ours (https), not the http://schema.org/ of YASQE's bundled list.
    wait_for(browser, "return window.lexgraphYasgui.getTab().getQuery().includes('PREFIX schema: <https://schema.org/>')",
             "the schema: PREFIX line")


def test_the_share_link_reopens_and_runs_the_query(browser: WebDriver, embedded_server: Server) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    browser.execute_script("window.lexgraphYasgui.getTab().setQuery(arguments[0])", KAZAKHSTAN_LABEL)
    browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} .yasqe_share").click()
    link = browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} .yasqe_sharePopup input").get_attribute("value")
    assert link.startswith(embedded_server.url + "/sparql#")

    browser.get("about:blank")
    open_editor(browser, link)
    assert editor_text(browser) == KAZAKHSTAN_LABEL
    assert len(tab_names(browser)) == 1  # the linked query alone; the questions are in the list
    assert any("Kazakhstan" in row for row in result_rows(browser))  # a shared query runs on opening
    # A question chosen now opens beside the linked query, which stays.
    browser.find_elements(By.CSS_SELECTOR, "#query-items button")[0].click()
    assert tab_names(browser)[1:] == [TITLES[0]]
    first = browser.execute_script("return window.lexgraphYasgui.persistentConfig.getTabs()[0]")
    assert browser.execute_script("return window.lexgraphYasgui.getTab(arguments[0]).getQuery()", first) == KAZAKHSTAN_LABEL


def test_a_query_in_the_url_opens_in_the_editor(browser: WebDriver, embedded_server: Server) -> None:
    query = urllib.parse.quote(KAZAKHSTAN_LABEL)
    open_editor(browser, f"{embedded_server.url}/?query={query}&tabTitle=Mine")
    assert editor_text(browser) == KAZAKHSTAN_LABEL
    assert tab_names(browser)[0] == "Mine"
    # A link that names another endpoint still queries this server.
    browser.get("about:blank")
    open_editor(browser, f"{embedded_server.url}/sparql#query={query}&endpoint=https%3A%2F%2Fexample.org%2Fsparql")
    assert editor_text(browser) == KAZAKHSTAN_LABEL
    assert browser.execute_script("return window.lexgraphYasgui.getTab().getEndpoint()") == embedded_server.url + "/sparql"
    assert any("Kazakhstan" in row for row in result_rows(browser))


def test_nothing_is_loaded_from_another_origin(browser: WebDriver, embedded_server: Server) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    # Run a query and type where YASQE could autocomplete prefixes, classes and properties.
    browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} .yasqe_queryButton").click()
    result_rows(browser)
    browser.execute_script("""
        const yasqe = window.lexgraphYasgui.getTab().getYasqe();
        yasqe.setValue('SELECT * WHERE {\\n  \\n}');
        yasqe.focus();
        yasqe.setCursor({line: 1, ch: 2});""")
    browser.switch_to.active_element.send_keys("?s a lg:Tre")
    browser.switch_to.active_element.send_keys(" ; lg:tre")
    browser.execute_script("window.lexgraphYasgui.getTab().getYasqe().autocomplete()")
    wait_for(browser, "return document.readyState === 'complete'", "the page to settle")

    assert_only_own_origin(browser, embedded_server.url, ASSETS[:2])
