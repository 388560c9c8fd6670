"""The SPARQL 1.1 Protocol for queries, content negotiation, the service description,
datasets, CORS, capping and downloads: the same tests in embedded and remote mode."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from xml.etree import ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest

from .servers import Server

LG = "https://w3id.org/lexgraph/def/"
SOURCES_GRAPH = "https://w3id.org/lexgraph/graph/data/sources"
COUNT_SOURCES = f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a <{LG}SourceDocument> }}"
KAZAKHSTAN_LABEL = ("SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> "
                    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }")
CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/lexgraph/graph/data/parties> { ?s ?p ?o } }")


def get(server: Server, params: dict[str, str] | list[tuple[str, str]], **headers: str) -> httpx.Response:
    return httpx.get(server.url + "/sparql", params=params, headers=headers, trust_env=False, timeout=30)


def post(server: Server, content: bytes | str, content_type: str | None, **headers: str) -> httpx.Response:
    hdrs = dict(headers)
    if content_type is not None:
        hdrs["Content-Type"] = content_type
    return httpx.post(server.url + "/sparql", content=content, headers=hdrs, trust_env=False, timeout=30)


def count(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def assert_json_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code and isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.text and "/work/" not in response.text and "site-packages" not in response.text
    return body


# --- the three ways to send a query ---------------------------------------------------------

def test_get_post_form_and_post_direct_agree(server: Server) -> None:
    by_get = get(server, {"query": COUNT_SOURCES})
    by_form = post(server, httpx.QueryParams({"query": COUNT_SOURCES}).__str__(), "application/x-www-form-urlencoded")
    by_body = post(server, COUNT_SOURCES, "application/sparql-query")
    assert [r.status_code for r in (by_get, by_form, by_body)] == [200, 200, 200]
    assert count(by_get) == count(by_form) == count(by_body) == 5


@pytest.mark.parametrize("padding", [0, 3000, 60_000])
def test_short_and_long_queries_agree(server: Server, padding: int) -> None:
    """A remote store is sent short queries by GET and long ones by POST: both give the answer
    (the padding is a comment, so the query means the same)."""
    query = "# " + "x" * padding + "\n" + COUNT_SOURCES if padding else COUNT_SOURCES
    response = post(server, query, "application/sparql-query")
    assert response.status_code == 200, response.text[:300]
    assert count(response) == 5


# --- protocol errors ------------------------------------------------------------------------

def test_more_than_one_query_is_400(server: Server) -> None:
    assert_json_error(get(server, [("query", COUNT_SOURCES), ("query", COUNT_SOURCES)]), 400, "usage_error")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json"])
def test_wrong_or_missing_media_type_is_415(server: Server, content_type: str | None) -> None:
    assert_json_error(post(server, COUNT_SOURCES, content_type), 415, "unsupported_media_type")


def test_body_not_utf8_is_400(server: Server) -> None:
    assert_json_error(post(server, b"SELECT * WHERE { ?s ?p \"\xff\" }", "application/sparql-query"), 400, "usage_error")


def test_syntax_error_is_400_with_line_and_column(server: Server) -> None:
    body = assert_json_error(get(server, {"query": "SELECT ?s WHERE {\n  ?s ?p \n}"}), 400, "query_syntax_error")
    assert body["line"] == 3 and isinstance(body["column"], int)


@pytest.mark.parametrize(("content", "content_type"), [
    ("update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
    ("CLEAR ALL", "application/sparql-update"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-query"),
])
def test_updates_are_refused_and_change_nothing(server: Server, content: str, content_type: str) -> None:
    before = count(get(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}))
    assert_json_error(post(server, content, content_type), 400, "update_not_allowed")
    assert count(get(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # again"})) == before


def test_deep_nesting_is_400(server: Server) -> None:
    deep = "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500
    assert_json_error(post(server, deep, "application/sparql-query"), 400, "query_too_deep")


def test_missing_query_in_post_is_400(server: Server) -> None:
    assert_json_error(post(server, "", "application/x-www-form-urlencoded"), 400, "usage_error")


@pytest.mark.parametrize("timeout", ["abc", "0", "-1"])
def test_bad_timeout_is_400(server: Server, timeout: str) -> None:
    assert_json_error(get(server, {"query": COUNT_SOURCES, "timeout": timeout}), 400, "usage_error")


def test_unknown_path_is_json_404(server: Server) -> None:
    response = httpx.get(server.url + "/no/such/thing", trust_env=False)
    assert response.status_code == 404 and response.json()["error"] == "not_found"


# --- content negotiation ------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "media_type"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_results_in_every_format(server: Server, accept: str, media_type: str) -> None:
    response = get(server, {"query": KAZAKHSTAN_LABEL}, Accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    if media_type.endswith("json"):
        assert response.json()["results"]["bindings"][0]["label"]["value"] == "Kazakhstan"
    elif media_type.endswith("xml"):
        root = ET.fromstring(response.content)
        assert [e.text for e in root.iter("{http://www.w3.org/2005/sparql-results#}literal")] == ["Kazakhstan"]
    elif media_type == "text/csv":
        assert list(csv.reader(io.StringIO(response.text))) == [["label"], ["Kazakhstan"]]
    else:
        assert response.text.splitlines() == ["?label", '"Kazakhstan"@en']


def test_no_accept_header_gets_json(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": KAZAKHSTAN_LABEL}, trust_env=False,
                         headers={"Accept": ""})
    assert response.headers["content-type"].startswith("application/sparql-results+json")


def test_ask_in_json_and_xml(server: Server) -> None:
    assert get(server, {"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    xml = get(server, {"query": "ASK { <urn:nothing> ?p ?o }"}, Accept="application/sparql-results+xml")
    assert ET.fromstring(xml.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "false"


@pytest.mark.parametrize(("accept", "rdf_format"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_construct_in_every_rdf_format(server: Server, accept: str, rdf_format: ox.RdfFormat) -> None:
    response = get(server, {"query": CONSTRUCT}, Accept=accept)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == accept
    triples = list(ox.parse(response.content, format=rdf_format))
    assert len(triples) == int(response.headers["x-result-count"]) > 10


def test_describe_defaults_to_turtle(server: Server) -> None:
    response = get(server, {"query": "DESCRIBE <https://w3id.org/lexgraph/id/party/kazakhstan>"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert any(t.object == ox.Literal("Kazakhstan", language="en") for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE))


@pytest.mark.parametrize(("fmt", "media_type"), [("json", "application/sparql-results+json"),
                                                 ("xml", "application/sparql-results+xml"),
                                                 ("csv", "text/csv"), ("tsv", "text/tab-separated-values")])
def test_format_parameter_wins_over_accept(server: Server, fmt: str, media_type: str) -> None:
    response = get(server, {"query": KAZAKHSTAN_LABEL, "format": fmt}, Accept="text/csv")
    assert response.headers["content-type"].split(";")[0] == media_type


def test_format_parameter_for_graphs(server: Server) -> None:
    response = get(server, {"query": CONSTRUCT, "format": "json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    json.loads(response.text)


@pytest.mark.parametrize(("query", "accept"), [(KAZAKHSTAN_LABEL, "image/png"), (KAZAKHSTAN_LABEL, "text/turtle"),
                                               (CONSTRUCT, "application/sparql-results+json")])
def test_not_acceptable_is_406(server: Server, query: str, accept: str) -> None:
    response = get(server, {"query": query}, Accept=accept)
    assert_json_error(response, 406, "not_acceptable")
    assert "Accept" in response.headers["vary"]


# --- service description ------------------------------------------------------------------

def test_service_description_with_void_statistics(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, trust_env=False, timeout=60)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    row = next(iter(store.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?triples ?classes ?properties (COUNT(DISTINCT ?named) AS ?graphs) WHERE {
          ?service a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
                   sd:defaultDataset/sd:defaultGraph ?g .
          ?g void:triples ?triples ; void:classes ?classes ; void:properties ?properties .
          ?service sd:defaultDataset/sd:namedGraph ?named .
          ?named sd:name ?name ; sd:graph/void:triples ?n .
        } GROUP BY ?endpoint ?triples ?classes ?properties""")))
    total = count(get(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}))
    assert row["endpoint"].value == server.url + "/sparql"
    assert int(row["triples"].value) == total
    assert int(row["classes"].value) > 20 and int(row["properties"].value) > 40 and int(row["graphs"].value) >= 9
    sources = next(iter(store.query(f"""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?n WHERE {{ ?named sd:name <{SOURCES_GRAPH}> ; sd:graph/void:triples ?n }}""")))
    assert int(sources["n"].value) > 50


# --- datasets -----------------------------------------------------------------------------

def test_default_graph_uri_selects_a_graph_of_the_store(server: Server) -> None:
    only_sources = get(server, [("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), ("default-graph-uri", SOURCES_GRAPH)])
    everything = get(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert 50 < count(only_sources) < count(everything)


def test_named_graph_uri_limits_graph_patterns(server: Server) -> None:
    response = get(server, [("query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
                            ("named-graph-uri", SOURCES_GRAPH)])
    assert count(response) == 1


def test_graphs_not_in_the_store_are_400(server: Server) -> None:
    assert_json_error(get(server, [("query", COUNT_SOURCES), ("default-graph-uri", "https://example.org/none")]),
                      400, "unknown_graph")


# --- CORS ---------------------------------------------------------------------------------

def test_cors_on_get_and_post_and_preflight(server: Server) -> None:
    origin = "http://notebook.example"
    assert get(server, {"query": COUNT_SOURCES}, Origin=origin).headers["access-control-allow-origin"] == "*"
    assert post(server, COUNT_SOURCES, "application/sparql-query", Origin=origin).headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(server.url + "/sparql", trust_env=False, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204 and "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


# --- bounded answers ------------------------------------------------------------------------

def test_capped_answers_say_so(server: Server) -> None:
    capped = get(server, {"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert capped.headers["x-result-capped"] == "true" and capped.headers["x-result-limit"] == "500"
    assert len(capped.json()["results"]["bindings"]) == 500
    small = get(server, {"query": KAZAKHSTAN_LABEL})
    assert small.headers["x-result-capped"] == "false" and "x-result-limit" not in small.headers


def test_large_body_is_413(server: Server) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2_000_000
    assert_json_error(post(server, big, "application/sparql-query"), 413, "payload_too_large")


# --- downloads ----------------------------------------------------------------------------

def test_downloads_with_size_and_hash(server: Server) -> None:
    listing = httpx.get(server.url + "/data", trust_env=False, timeout=120).json()
    assert {d["format"] for d in listing} == {"turtle", "nquads", "jsonld"}
    formats = {"turtle": ox.RdfFormat.TURTLE, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
    for entry in listing:
        response = httpx.get(entry["url"], trust_env=False, timeout=120)
        assert response.status_code == 200
        assert len(response.content) == entry["bytes"] == int(response.headers["content-length"])
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
        assert response.headers["etag"] == f'"{entry["sha256"]}"'
        assert len(list(ox.parse(response.content, format=formats[entry["format"]]))) > 5000
