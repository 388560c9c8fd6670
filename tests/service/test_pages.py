"""Entity pages (/id/…), ontology and vocabulary pages (/def, /vocab) and search (/search)
against a real server, and one walk from page to page in headless Chromium (needs
/usr/bin/chromium and /usr/bin/chromedriver, as test_editor_page.py does)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from lexgraph.api.html_pages import entity_description, entity_page, html_response
from lexgraph.entity import Claim, Entity, Evidence, Fact, Ref, Value

from .browser import chromium, wait_for
from .servers import Server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ID = "https://w3id.org/lexgraph/id/"
WCT = ID + "treaty/wct"
QUOTE = "Kazakhstan ratified the WCT on 12 August 2004"


def get(server: Server, path: str, accept: str | None = None, **params: object) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.url + path, headers=headers, params=params, trust_env=False, timeout=60)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_a_browser_gets_the_entity_page(embedded_server: Server) -> None:
    page = get(embedded_server, "/id/treaty/wct", BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': no script runs
    assert "Accept" in page.headers["vary"]
    body = page.text
    assert "<h1>WIPO Copyright Treaty</h1>" in body
    assert '<a href="/def/Treaty">treaty</a>' in body  # the type links to its ontology page
    assert QUOTE in body  # the claim of the WIPO article, with its verbatim quote and its source
    assert '<a href="/id/source/wipo-treaties-article">' in body
    assert '<a href="/id/treaty-action/kz-wct-ratification-wipoarticle">' in body
    assert '<a href="/id/org/wipo">World Intellectual Property Organization</a>' in body  # a fact, linked
    assert 'id="disagreements"' in body and "/vocab/different-precision" in body
    assert 'id="neighbourhood"' in body and 'id="claims"' in body
    assert 'href="/id/treaty/wct?format=turtle"' in body and 'href="/def"' in body
    assert "<script" not in body


def test_programs_get_turtle_or_json_ld(embedded_server: Server) -> None:
    for accept, media_type, rdf_format in ((None, "text/turtle", ox.RdfFormat.TURTLE),
                                           ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
                                           ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
                                           ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD)):
        answer = get(embedded_server, "/id/treaty/wct", accept)
        assert answer.status_code == 200, accept
        assert answer.headers["content-type"].startswith(media_type), accept
        triples = [q.triple for q in ox.parse(answer.content, format=rdf_format)]
        wct = ox.NamedNode(WCT)
        assert ox.Triple(wct, ox.NamedNode("https://w3id.org/lexgraph/def/shortName"), ox.Literal("WCT", language="en")) in triples
        quotes = {t.object.value for t in triples if t.predicate.value.endswith("/def/quote")}
        assert "WIPO Copyright Treaty was signed on 20 December 1996" in quotes  # its evidence nodes
        # Only the entity and the nodes that belong to it (its IRI's own: <…/treaty/wct/evidence/1>).
        subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        assert WCT in subjects and all(s == WCT or s.startswith(WCT + "/") for s in subjects), subjects
    linked = get(embedded_server, "/id/treaty/wct", BROWSER, format="jsonld")  # the page's link
    assert linked.headers["content-type"].startswith("application/ld+json")


def test_unknown_entities_and_unacceptable_types(embedded_server: Server) -> None:
    missing = get(embedded_server, "/id/treaty/no-such-treaty")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    page = get(embedded_server, "/id/treaty/no-such-treaty", BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    not_acceptable = get(embedded_server, "/id/treaty/wct", "image/png")
    assert not_acceptable.status_code == 406 and not_acceptable.json()["error"] == "not_acceptable"


def test_labels_and_quotes_are_escaped(embedded_server: Server) -> None:
    page = get(embedded_server, "/id/org/procter-and-gamble", BROWSER).text
    assert "<h1>Procter &amp; Gamble</h1>" in page
    assert "Procter & Gamble" not in page and "Coca-Cola and Procter &amp; Gamble" in page
    # Hostile data from the graph stays text.
    bad = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    r = Ref(ID + "x", bad, "/id/x")
    entity = Entity(r, "x", (Ref("https://w3id.org/lexgraph/def/Treaty", bad, "/def/Treaty"),),
                    (Fact(Ref("https://w3id.org/lexgraph/def/note", bad, None), Value(bad)),),
                    (Evidence(r, bad, bad),),
                    (Claim(r, (r,), (r,), (Fact(r, Value(bad, lang="en")),), (Evidence(r, bad, None),)),),
                    (), False, ())
    html = html_response(bad, entity_description(entity), entity_page(entity, [(r, [("out", r)])], False)).body.decode()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html


def test_ontology_and_vocabulary_pages(embedded_server: Server) -> None:
    page = get(embedded_server, "/def/TreatyAction", BROWSER)
    assert page.status_code == 200
    assert "<h1>treaty action</h1>" in page.text
    assert "An act by one party on one treaty" in page.text
    count = re.search(r'Instances</th><td><span class="count">(\d+)</span>', page.text)
    assert count and int(count.group(1)) > 0
    term = get(embedded_server, "/def/TreatyAction").json()
    assert term["label"] == "treaty action" and term["usage"]["instances"] > 0
    assert term["broader"] == ["https://w3id.org/lexgraph/def/Event"]
    quotation = get(embedded_server, "/def/quote").json()
    assert quotation["alignments"] == ["http://www.w3.org/ns/prov#value"] and quotation["usage"]["triples"] > 0
    index = get(embedded_server, "/def", BROWSER).text
    assert '<a href="/def/TreatyAction">treaty action</a>' in index and "<code>prov:Quotation</code>" in index
    assert len(get(embedded_server, "/def").json()) >= 80
    concept = get(embedded_server, "/vocab/ratification").json()
    assert concept["broader"] == ["https://w3id.org/lexgraph/vocab/treaty-action-kinds"] and concept["usage"]["triples"] > 0
    assert "ratification" in get(embedded_server, "/vocab/ratification", BROWSER).text
    assert '<a href="/vocab/ratification">' in get(embedded_server, "/vocab", BROWSER).text
    assert get(embedded_server, "/def/NoSuchTerm").status_code == 404
    assert get(embedded_server, "/vocab/no-such-concept", BROWSER).status_code == 404


def test_search_ranks_and_folds(embedded_server: Server) -> None:
    hits = get(embedded_server, "/search", q="WCT").json()
    assert hits[0]["id"] == "treaty/wct" and hits[0]["match"] == "exact" and hits[0]["page"] == "/id/treaty/wct"
    ranks = [({"exact": 0, "prefix": 1, "substring": 2}[h["match"]]) for h in hits]
    assert ranks == sorted(ranks)
    for q in ("on arbitration", "оn arbitration", "ON ARBITRATION"):  # the second with a Cyrillic О
        found = get(embedded_server, "/search", q=q, limit=5).json()
        assert found[0]["id"] == "act/kz/arbitration-law-2016", q
    quoted = get(embedded_server, "/search", q=QUOTE.lower()).json()
    assert quoted[0]["field"] == "quote" and quoted[0]["matched"].startswith(QUOTE)
    assert len(get(embedded_server, "/search", q="kazakhstan", limit=3).json()) == 3
    for bad in ({"q": ""}, {"q": " ;"}, {}, {"q": "x", "limit": 0}):
        answer = get(embedded_server, "/search", **bad)
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_parameters", bad
    page = get(embedded_server, "/search", BROWSER, q="berne")
    assert page.status_code == 200 and '<a href="/id/treaty/berne-convention">' in page.text


def test_openapi_documents_the_pages(embedded_server: Server) -> None:
    paths = get(embedded_server, "/openapi.json").json()["paths"]
    assert {"/id/{entity_id}", "/def", "/def/{name}", "/vocab", "/vocab/{name}", "/search"} <= set(paths)
    search = paths["/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {"q", "limit"}
    assert "422" in search["responses"]


# --------------------------------------------------------------------------- in a browser

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(tmp_path_factory.mktemp("chromium-pages")) as driver:
        yield driver


def test_a_reader_follows_links_between_entity_pages(browser, embedded_server: Server) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(embedded_server.url + "/id/treaty/wct")
    assert browser.find_element(By.TAG_NAME, "h1").text == "WIPO Copyright Treaty"
    assert QUOTE in browser.find_element(By.ID, "claims").text
    browser.find_element(By.CSS_SELECTOR, '#facts a[href="/id/org/wipo"]').click()
    assert browser.current_url == embedded_server.url + "/id/org/wipo"
    assert browser.find_element(By.TAG_NAME, "h1").text == "World Intellectual Property Organization"
    # Back through an incoming link or a neighbour to the treaty, then to the ontology.
    browser.find_element(By.CSS_SELECTOR, 'a[href="/id/treaty/wct"]').click()
    assert browser.current_url == embedded_server.url + "/id/treaty/wct"
    browser.find_element(By.CSS_SELECTOR, '.types a[href="/def/Treaty"]').click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "treaty"
    # Search without JavaScript: the form in the header.
    box = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
    box.send_keys("on arbitration")
    box.submit()
    # submit() returns before the results page has loaded (seen once under a full suite's load:
    # the old page was searched for hits); wait for the new page's list of hits.
    wait_for(browser, "return document.querySelector('ol.hits li a')", "the search results page")
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li a")
    assert first.get_attribute("href") == embedded_server.url + "/id/act/kz/arbitration-law-2016"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_pages_work_over_a_remote_store_too(server: Server) -> None:
    page = get(server, "/id/treaty/wct", BROWSER)
    assert page.status_code == 200 and QUOTE in page.text
    triples = [q.triple for q in ox.parse(get(server, "/id/treaty/wct").content, format=ox.RdfFormat.TURTLE)]
    assert any(t.predicate.value.endswith("/def/quote") for t in triples)
    assert get(server, "/search", q="оn arbitration").json()[0]["id"] == "act/kz/arbitration-law-2016"
    assert get(server, "/def/TreatyAction").json()["usage"]["instances"] > 0


# --------------------------------------------------------------------------- links to an entity

SPARQL_PREFIXES = ("PREFIX lg: <https://w3id.org/lexgraph/def/> PREFIX eli: <http://data.europa.eu/eli/ontology#> ")


def rows(server: Server, query: str) -> list[dict[str, str]]:
    answer = get(server, "/sparql", "application/sparql-results+json", query=SPARQL_PREFIXES + query)
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def page_of(iri: str) -> str:
    return "/id/" + iri[len(ID):]


def link_group(browser, predicate_page: str):  # type: ignore[no-untyped-def]
    """The section of #incoming whose heading names the property with this page."""
    from selenium.webdriver.common.by import By

    return browser.find_element(By.XPATH, f"//section[@id='incoming']/section[h3/a[@href='{predicate_page}']]")


def test_a_treaty_lists_its_actions_with_their_dates_and_an_act_its_articles(  # type: ignore[no-untyped-def]
        browser, embedded_server: Server, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    from .screens import screenshot

    actions = rows(embedded_server, f"SELECT DISTINCT ?a ?d WHERE {{ ?a lg:treaty <{WCT}> OPTIONAL {{ ?a lg:date ?d }} }}")
    assert any("d" in a for a in actions)
    browser.set_window_size(1400, 1000)
    browser.get(embedded_server.url + "/id/treaty/wct")
    group = link_group(browser, "/def/treaty")
    assert group.find_element(By.TAG_NAME, "h3").text.endswith(f"({len(actions)})")
    items = group.find_elements(By.CSS_SELECTOR, "li")
    assert len(items) == len(actions)
    for action in actions:
        item = group.find_element(By.XPATH, f".//li[a[@href='{page_of(action['a'])}']]")
        assert item in items
        if "d" in action:
            assert item.find_element(By.TAG_NAME, "time").text == action["d"]
    dates = [i.find_element(By.TAG_NAME, "time").text for i in items if i.find_elements(By.TAG_NAME, "time")]
    assert dates == sorted(dates)  # dated ones in date order
    browser.execute_script("document.getElementById('incoming').scrollIntoView()")
    screenshot(browser, "entity-incoming-links", tmp_path)

    act = ID + "act/kz/civil-code"
    articles = {page_of(r["x"]) for r in rows(embedded_server, f"SELECT ?x WHERE {{ ?x eli:is_part_of <{act}> }}")}
    assert articles
    browser.get(embedded_server.url + page_of(act))
    group = link_group(browser, "http://data.europa.eu/eli/ontology#is_part_of")
    assert {a.get_attribute("href").removeprefix(embedded_server.url) for a in group.find_elements(By.CSS_SELECTOR, "li a")} == articles


def test_links_from_hundreds_are_counted_and_bounded(embedded_server: Server) -> None:
    from lexgraph.entity import MAX_PER_PROPERTY

    source = ID + "source/cable-almaty-000753"
    # Things whose own evidence (a blank node, or a node under their IRI) quotes the source.
    citing = rows(embedded_server, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s lg:evidence ?e . ?e lg:source <{source}>
      FILTER(isBlank(?e) || STRSTARTS(STR(?e), CONCAT(STR(?s), "/"))) }}""")
    total = int(citing[0]["n"])
    assert total > MAX_PER_PROPERTY
    page = get(embedded_server, page_of(source), BROWSER).text
    incoming = page.split('<section id="incoming">', 1)[1].split("</section></section>", 1)[0]
    heading = re.search(r'<h3>As <a href="/def/evidence">[^<]+</a> › <a href="/def/source">[^<]+</a> \((\d+)\)</h3>', incoming)
    assert heading and int(heading.group(1)) == total
    assert incoming.count("<li>") == MAX_PER_PROPERTY
    assert f"The first {MAX_PER_PROPERTY} of {total} are listed" in incoming and 'href="/sparql#query=' in incoming


def test_a_party_page_leads_to_its_timeline_and_in_force_view(  # type: ignore[no-untyped-def]
        browser, embedded_server: Server, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    from .screens import screenshot

    browser.set_window_size(1400, 1000)
    browser.get(embedded_server.url + "/id/party/kazakhstan")
    screenshot(browser, "entity-party-page", tmp_path)
    views = browser.find_element(By.CSS_SELECTOR, "p.party-views")
    views.find_element(By.PARTIAL_LINK_TEXT, "timeline").click()
    assert browser.current_url == embedded_server.url + "/timeline?party=party/kazakhstan"
    assert "Kazakhstan" in browser.find_element(By.TAG_NAME, "h1").text
    browser.back()
    browser.find_element(By.CSS_SELECTOR, "p.party-views").find_element(By.PARTIAL_LINK_TEXT, "on a given day").click()
    assert browser.current_url == embedded_server.url + "/in-force?party=party/kazakhstan"
    assert browser.find_element(By.CSS_SELECTOR, "#in-force-party option[selected]").text == "Kazakhstan"
    # Not every entity is a party.
    assert get(embedded_server, "/id/treaty/wct", BROWSER).text.count('class="party-views"') == 0


# --------------------------------------------------------------------------- HEAD


@pytest.mark.parametrize("path,accept", [
    ("/", BROWSER), ("/", "text/turtle"), ("/id/treaty/wct", BROWSER), ("/id/treaty/wct", "text/turtle"),
    ("/def", None), ("/search?q=wct", None), ("/in-force?party=kazakhstan&date=2005-01-01", BROWSER),
    ("/timeline?party=kazakhstan", "text/csv"), ("/health", None), ("/data", None), ("/data/lexgraph.ttl", None),
    ("/sparql?query=ASK%20%7B%7D", None), ("/static/pages.css", None), ("/openapi.json", None),
    ("/id/no/such/thing", BROWSER),
])
def test_head_answers_as_get_does_without_a_body(embedded_server: Server, path: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    got = httpx.get(embedded_server.url + path, headers=headers, trust_env=False, timeout=120)
    head = httpx.head(embedded_server.url + path, headers=headers, trust_env=False, timeout=120)
    assert head.status_code == got.status_code, path
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    assert head.headers.get("content-length") == got.headers.get("content-length")
