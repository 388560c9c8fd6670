"""Every HTML page forbids framing with a Content-Security-Policy header, and every answer --
pages, SPARQL results in each format, JSON, errors, static files -- says ``nosniff``."""

from __future__ import annotations

import httpx
import pytest

from ..servers import Server
from .helpers import HEAVY, json_error

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}

PAGES = [
    ("/sparql", {}),
    ("/timeline", {"party": "kazakhstan"}),
    ("/id/party/kazakhstan", {}),
    ("/docs", {}),
    ("/id/no/such/thing", {}),
    ("/search", {"q": "wct"}),
    ("/def", {}),
    ("/", {}),
]


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


def _nosniff(response: httpx.Response) -> None:
    assert response.headers.get("x-content-type-options", "").lower() == "nosniff", \
        f"{response.request.method} {response.request.url} {response.status_code}: no nosniff in {dict(response.headers)}"


@pytest.mark.parametrize("path,params", PAGES)
def test_html_pages_forbid_framing(server: Server, path: str, params: dict[str, str]) -> None:
    response = httpx.get(server.url + path, params=params, headers=HTML, trust_env=False, timeout=60)
    assert response.status_code in (200, 404), (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), (path, response.headers)
    policies = response.headers.get_list("content-security-policy")
    assert policies, f"{path}: no Content-Security-Policy header"
    assert all("frame-ancestors 'none'" in p for p in policies), (path, policies)
    _nosniff(response)


SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize("query,fmt", [(SELECT, f) for f in ("json", "xml", "csv", "tsv")]
                         + [(ASK, f) for f in ("json", "xml")]
                         + [(CONSTRUCT, f) for f in ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads")])
def test_sparql_answers_in_every_format_say_nosniff(server: Server, query: str, fmt: str) -> None:
    with httpx.Client(trust_env=False, timeout=60) as http:
        for response in (http.get(server.url + "/sparql", params={"query": query, "format": fmt}),
                         http.post(server.url + "/sparql", data={"query": query + " # post", "format": fmt})):
            assert response.status_code == 200, (fmt, response.text[:300])
            _nosniff(response)


ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
           "application/rdf+xml", "application/trig", "application/n-quads", "text/html"]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_negotiated_answers_say_nosniff(server: Server, accept: str) -> None:
    query = CONSTRUCT if accept not in ACCEPTS[:4] else SELECT
    response = httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept},
                         trust_env=False, timeout=60)
    assert response.status_code in (200, 406), response.text[:300]
    _nosniff(response)


@pytest.mark.parametrize("path,params", [
    ("/data", {}), ("/queries", {}), ("/health", {}), ("/openapi.json", {}),
    ("/timeline", {"party": "kazakhstan"}), ("/in-force", {"party": "kazakhstan", "date": "2005-01-01"}),
    ("/search", {"q": "wct"}), ("/graph/neighbours", {"node": "party/kazakhstan"}), ("/def", {}),
])
def test_json_answers_say_nosniff(server: Server, path: str, params: dict[str, str]) -> None:
    response = httpx.get(server.url + path, params=params, headers={"Accept": "application/json"},
                         trust_env=False, timeout=120)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    _nosniff(response)


def test_errors_say_nosniff(server: Server) -> None:
    url = server.url + "/sparql"
    with httpx.Client(trust_env=False, timeout=60) as http:
        cases = [
            (http.get(url, params={"query": "SELECT * WHERE {"}), 400),
            (http.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}), 400),
            (http.get(server.url + "/no/such/path"), 404),
            (http.get(server.url + "/id/no/such/thing"), 404),
            (http.get(server.url + "/data/lexgraph.exe"), 404),
            (http.get(url, params={"query": SELECT}, headers={"Accept": "image/png"}), 406),
            (http.post(url, content=b"x" * 2_000_000, headers={"Content-Type": "application/sparql-query"}), 413),
            (http.post(url, content=b"ASK {}", headers={"Content-Type": "text/plain"}), 415),
            (http.get(server.url + "/search", params={"q": "!!"}), 422),
            (http.put(url, content=b""), 405),
        ]
    for response, status in cases:
        json_error(response, status)
        _nosniff(response)


def test_a_timeout_503_says_nosniff(embedded_server: Server) -> None:
    response = httpx.get(embedded_server.url + "/sparql", params={"query": HEAVY + " # nosniff", "timeout": "0.3"},
                         trust_env=False, timeout=60)
    json_error(response, 503, "query_timeout")
    _nosniff(response)
    assert response.headers.get("retry-after"), response.headers


@pytest.mark.parametrize("path", ["/static/editor.js", "/static/pages.css", "/static/timeline.js",
                                  "/static/swagger-ui/swagger-ui.css", "/static/no-such-file.js"])
def test_static_files_say_nosniff(embedded_server: Server, path: str) -> None:
    response = httpx.get(embedded_server.url + path, trust_env=False, timeout=30)
    assert response.status_code == (404 if "no-such" in path else 200), (path, response.status_code)
    _nosniff(response)
    if response.status_code == 404:
        json_error(response, 404)
