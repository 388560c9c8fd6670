"""The query editor page in headless Chromium: YASGUI served by lexgraph itself, the named
queries as tabs, results in the table, links that reopen a query, and nothing loaded from
another origin. Needs /usr/bin/chromium, /usr/bin/chromedriver and the YASGUI bundle
(scripts/test.sh installs the first two and runs scripts/build-frontend.sh)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from lexgraph.api.pages import YASGUI_DIR
from lexgraph.catalog import named_queries

from .browser import BROWSER_ACCEPT, assert_only_own_origin, chromium, wait_for
from .servers import REPO, Server

TITLES = [q.title for q in named_queries(REPO / "queries")]
KAZAKHSTAN_LABEL = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> skos:prefLabel ?label }"""
ACTIVE = ".tabPanel.active"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), needs=(YASGUI_DIR / "yasgui.min.js",)) as driver:
        yield driver


def open_editor(driver: WebDriver, url: str) -> None:
    driver.get_log("browser")  # forget earlier pages' messages
    driver.get_log("performance")
    driver.get(url)
    wait_for(driver, "return window.lexgraphYasgui && document.querySelectorAll('.yasgui .tabsList .tab').length > 0",
             "the editor to start")


def tab_names(driver: WebDriver) -> list[str]:
    return driver.execute_script(
        "return window.lexgraphYasgui.persistentConfig.getTabs().map(id => window.lexgraphYasgui.getTab(id).getName())")


def shown_tab_titles(driver: WebDriver) -> list[str]:
    """The tab labels as the page shows them."""
    return [el.text.replace("✖", "").strip() for el in driver.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab > a")]


def editor_text(driver: WebDriver) -> str:
    return driver.execute_script("return window.lexgraphYasgui.getTab().getQuery()")


def result_rows(driver: WebDriver) -> list[str]:
    """The text of each row in the active tab's results table, once there is at least one."""
    rows = wait_for(driver, f"""
        const rows = [...document.querySelectorAll('{ACTIVE} .yasr table tbody tr')]
            .filter(tr => !tr.querySelector('.dataTables_empty'));
        return rows.length ? rows.map(tr => tr.innerText) : null;""", "result rows")
    return list(rows)


def test_browsers_get_the_page_programs_the_description(embedded_server: Server) -> None:
    for path in ("/sparql", "/"):
        page = httpx.get(embedded_server.url + path, headers={"Accept": BROWSER_ACCEPT}, trust_env=False)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page.text
        config = json.loads(re.search(r'<script type="application/json" id="lexgraph-config">(.*?)</script>',
                                      page.text, re.S).group(1))
        assert config["endpoint"] == embedded_server.url + "/sparql"
        assert [q["title"] for q in config["queries"]] == TITLES
        assert config["prefixes"]["lg"] == "https://w3id.org/lexgraph/def/"
    for asset in ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "editor.js", "editor.css"):
        response = httpx.get(f"{embedded_server.url}/static/{asset}", trust_env=False)
        assert response.status_code == 200 and response.content, asset
    description = httpx.get(embedded_server.url + "/sparql", headers={"Accept": "text/turtle"}, trust_env=False)
    assert description.headers["content-type"].startswith("text/turtle")


def test_named_queries_are_tabs_and_a_query_runs(browser: WebDriver, embedded_server: Server) -> None:
    open_editor(browser, embedded_server.url + "/sparql")
    assert tab_names(browser) == TITLES
    assert shown_tab_titles(browser)[:5] == TITLES[:5]
    active = browser.find_element(By.CSS_SELECTOR, ".yasgui .tabsList .tab.active > a").text.replace("✖", "").strip()
    assert active == TITLES[0]
    assert editor_text(browser) == named_queries(REPO / "queries")[0].text
    endpoint = browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} input.autocomplete")
    assert endpoint.get_attribute("value") == embedded_server.url + "/sparql"

    browser.find_element(By.CSS_SELECTOR, f"{ACTIVE} .yasqe_queryButton").click()
    rows = result_rows(browser)
    assert len(rows) >= 1
    assert any("Kazakhstan" in row for row in rows)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


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
    assert tab_names(browser)[1:] == TITLES  # the linked query first, then the named queries
    assert any("Kazakhstan" in row for row in result_rows(browser))  # a shared query runs on opening


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

    assert_only_own_origin(browser, embedded_server.url, ("/static/yasgui/yasgui.min.js", "/static/yasgui/yasgui.min.css"))
