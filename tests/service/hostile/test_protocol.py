"""The SPARQL 1.1 Protocol, as an attacker reads it: dataset parameters and clauses choose
graphs of this store and nothing else (never fetched, never silently the whole store),
updates are refused, CORS preflights are answered, and every error is JSON."""

from __future__ import annotations

import time

import httpx
import pytest

from ..servers import Server
from .conftest import HOSTILE_SHARED, Servers
from .helpers import COUNT_ALL, COUNT_NAMED, SPARQL_QUERY, TREATIES, MarkerListener, json_error

GRAPH_BASE = "https://w3id.org/lexgraph/graph/data/"


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


def _count(server: Server, query: str, **params: str | list[str]) -> int:
    response = httpx.get(server.url + "/sparql", params={"query": query, **params}, trust_env=False, timeout=60)
    assert response.status_code == 200, f"{query} {params}: {response.status_code} {response.text[:300]}"
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_the_store_holds_the_treaties_graph(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
                         trust_env=False, timeout=60)
    assert response.status_code == 200
    graphs = {row["g"]["value"] for row in response.json()["results"]["bindings"]}
    assert TREATIES in graphs, graphs


def test_dataset_parameters_and_clauses_select_a_graph_of_the_store(server: Server) -> None:
    total = _count(server, COUNT_ALL)
    treaties = _count(server, COUNT_ALL, **{"default-graph-uri": TREATIES})
    assert 0 < treaties < total, (treaties, total)
    checks: list[tuple[str, dict[str, str]]] = [
        (f"SELECT (COUNT(*) AS ?n) FROM <{TREATIES}> WHERE {{ ?s ?p ?o }}", {}),
        (f"select (count(*) as ?n) from <{TREATIES}> where {{ ?s ?p ?o }}", {}),
        (f"BASE <{GRAPH_BASE}> SELECT (COUNT(*) AS ?n) FROM <treaties> WHERE {{ ?s ?p ?o }}", {}),
        (f"PREFIX g: <{GRAPH_BASE}> SELECT (COUNT(*) AS ?n) FROM g:treaties WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT (COUNT(*) AS ?n) FROM #comment\n<{TREATIES}> WHERE {{ ?s ?p ?o }}", {}),
        (COUNT_NAMED, {"named-graph-uri": TREATIES}),
        (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{TREATIES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        (f"SELECT (COUNT(*) AS ?n) FROM <{TREATIES}> FROM NAMED <{TREATIES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ]
    wrong = []
    for query, params in checks:
        found = _count(server, query, **params)
        if found != treaties:
            wrong.append(f"{query!r} {params}: {found} triples, not the graph's {treaties} (the whole store: {total})")
    assert not wrong, "a dataset that names the treaties graph did not select it:\n" + "\n".join(wrong)
    assert _count(server, COUNT_NAMED) >= total


UNKNOWN = frozenset({"unknown_graph"})


def _unknown_graph_requests(url: str) -> list[tuple[str, dict[str, str], frozenset[str]]]:
    """(query, extra parameters, accepted error codes): each names a graph the store lacks."""
    from .helpers import LIGHT

    def count(dataset: str) -> str:
        return f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"

    out: list[tuple[str, dict[str, str], frozenset[str]]] = []
    for iri in (f"{url}/g", "https://nowhere.example/g", "file:///etc/passwd", "urn:lexgraph:nothere",
                f"{TREATIES}#", f"{TREATIES}/", TREATIES.upper()):
        out += [(LIGHT, {"default-graph-uri": iri}, UNKNOWN), (LIGHT, {"named-graph-uri": iri}, UNKNOWN),
                (count(f"FROM <{iri}>"), {}, UNKNOWN), (count(f"FROM NAMED <{iri}>"), {}, UNKNOWN)]
    out += [(query, {}, UNKNOWN) for query in (
        count(f"from <{url}/g>"),
        count(f"FROM#x\n<{url}/g>"),
        count(f"FROM <{url}/\\u0067>"),
        f"BASE <{url}/> " + count("FROM <g>"),
        f"BASE <{url}/a/> BASE <b/> " + count("FROM <c>"),
        f"BASE <{GRAPH_BASE}> " + count("FROM <nothere>"),
        f"BASE <{GRAPH_BASE}> " + count("FROM <../treaties>"),
        f"PREFIX x: <{url}/> " + count("FROM x:g"),
        f"PREFIX g: <{GRAPH_BASE}> " + count("FROM g:nothere"),
        f"PREFIX g: <{GRAPH_BASE}> PREFIX g: <{url}/> " + count("FROM g:treaties"),
        f"PREFIX : <{url}/> " + count("FROM :"),
        count(f"FROM <{TREATIES}> FROM <{url}/g>"),
        count(f"FROM <{TREATIES}> FROM NAMED <{url}/g>"),
    )]
    # Oxigraph reads \u escapes only inside IRIs and strings: outside, this is a syntax error.
    out.append((count(f"\\u0046ROM <{url}/g>"), {}, UNKNOWN | {"query_syntax_error"}))
    out += [
        (LIGHT, {"default-graph-uri": TREATIES, "named-graph-uri": f"{url}/g"}, UNKNOWN),
        (count(f"FROM <{TREATIES}>"), {"named-graph-uri": f"{url}/g"}, UNKNOWN),
    ]
    return out


def test_a_graph_the_store_lacks_is_refused_and_never_fetched(server: Server, listener: MarkerListener) -> None:
    failures: list[str] = []
    requests = _unknown_graph_requests(listener.url)
    with httpx.Client(trust_env=False, timeout=60) as http:
        for query, extra, codes in requests:
            for response in (http.get(server.url + "/sparql", params={"query": query, **extra}),
                             http.post(server.url + "/sparql", params=extra, content=query.encode(), headers=SPARQL_QUERY),
                             http.post(server.url + "/sparql", data={"query": query, **extra})):
                assert listener.marker not in response.text
                try:
                    json_error(response, 400, codes)
                except AssertionError as exc:
                    failures.append(f"{query!r} {extra}: {exc}")
    time.sleep(0.3)
    assert listener.connections == 0, f"{listener.connections} connections reached the listener"
    assert not failures, (f"{len(failures)} of {3 * len(requests)} requests were not refused as unknown_graph:\n"
                          + "\n".join(failures[:40]))


# --- an http: graph name held by a remote store -----------------------------------------------

G1 = "http://example.org/g1"
G1_TURTLE = b"<urn:lexgraph:test:a> <urn:lexgraph:test:b> <urn:lexgraph:test:c> , <urn:lexgraph:test:d> , <urn:lexgraph:test:e> ."


@pytest.fixture(scope="module")
def scratch_oxigraph(servers: Servers) -> Server:
    return servers.oxigraph()


@pytest.fixture(scope="module")
def watching_remote(servers: Servers, scratch_oxigraph: Server) -> Server:
    return servers.remote(scratch_oxigraph, {**HOSTILE_SHARED, "LEXGRAPH_STORE_CHECK_S": "1"})


def test_an_http_graph_the_remote_store_holds_can_be_selected(watching_remote: Server, scratch_oxigraph: Server) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s ?p ?o }}"
    before = httpx.get(watching_remote.url + "/sparql", params={"query": query + " # before"}, trust_env=False, timeout=30)
    json_error(before, 400, "unknown_graph")
    put = httpx.put(scratch_oxigraph.url + "/store", params={"graph": G1}, content=G1_TURTLE,
                    headers={"Content-Type": "text/turtle"}, trust_env=False, timeout=30)
    assert put.status_code in (200, 201, 204), put.text
    deadline = time.monotonic() + 20
    response = before
    n = 0
    while time.monotonic() < deadline:
        n += 1
        response = httpx.get(watching_remote.url + "/sparql", params={"query": f"{query} # try {n}"},
                             trust_env=False, timeout=30)
        if response.status_code == 200:
            break
        time.sleep(0.5)
    assert response.status_code == 200, f"{G1} was not selectable 20 s after it was loaded: {response.text[:300]}"
    counts = {
        "FROM": int(response.json()["results"]["bindings"][0]["n"]["value"]),
        "default-graph-uri": _count(watching_remote, COUNT_ALL, **{"default-graph-uri": G1}),
        "named-graph-uri": _count(watching_remote, COUNT_NAMED, **{"named-graph-uri": G1}),
        "FROM NAMED": _count(watching_remote, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G1}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    }
    assert counts == dict.fromkeys(counts, 3), f"<{G1}> holds 3 triples; selected, it counted {counts}"
    # a neighbour of it is still unknown
    json_error(httpx.get(watching_remote.url + "/sparql", params={"query": COUNT_ALL, "default-graph-uri": G1 + "x"},
                         trust_env=False, timeout=30), 400, "unknown_graph")


# --- updates, CORS and the error shape -----------------------------------------------------

def test_updates_are_refused_on_every_path(server: Server) -> None:
    url = server.url + "/sparql"
    with httpx.Client(trust_env=False, timeout=30) as http:
        json_error(http.get(url, params={"update": "CLEAR ALL"}), 400, "update_not_allowed")
        json_error(http.get(url + "?update=CLEAR%20ALL"), 400, "update_not_allowed")
        json_error(http.post(url, data={"update": "CLEAR ALL"}), 400, "update_not_allowed")
        json_error(http.post(url, content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
                   400, "update_not_allowed")
        json_error(http.post(url, content=b"CLEAR ALL", headers=SPARQL_QUERY), 400, "update_not_allowed")
        json_error(http.get(url, params={"query": "DROP ALL"}), 400, "update_not_allowed")
        json_error(http.get(url, params={"query": "PREFIX a: <urn:a> INSERT DATA { a:a a:b a:c }"}), 400,
                   "update_not_allowed")
        json_error(http.get(url, params={"query": "ASK {}", "update": "CLEAR ALL"}), 400, "update_not_allowed")
    # nothing was cleared
    response = httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, trust_env=False, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_a_cors_preflight_is_answered(server: Server) -> None:
    response = httpx.options(server.url + "/sparql", headers={
        "Origin": "https://notebook.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"}, trust_env=False, timeout=30)
    assert response.status_code == 204, response.text
    assert response.headers.get("access-control-allow-origin") == "*", response.headers
    methods = {m.strip().upper() for m in response.headers.get("access-control-allow-methods", "").split(",")}
    assert {"GET", "POST"} <= methods, response.headers
    assert "content-type" in response.headers.get("access-control-allow-headers", "").lower(), response.headers
    # a cross-origin answer and a cross-origin error carry the CORS header too
    for params in ({"query": "ASK {}"}, {"query": "ASK {"}):
        answer = httpx.get(server.url + "/sparql", params=params, headers={"Origin": "https://notebook.example"},
                           trust_env=False, timeout=30)
        assert answer.headers.get("access-control-allow-origin") == "*", (params, answer.status_code, answer.headers)


def test_every_protocol_error_is_json(server: Server) -> None:
    url = server.url + "/sparql"
    with httpx.Client(trust_env=False, timeout=30) as http:
        json_error(http.get(url, params={"query": "SELECT * WHERE {"}), 400)
        json_error(http.get(url, params={"query": ""}), 400)
        json_error(http.get(url, params=[("query", "ASK {}"), ("query", "ASK {}")]), 400)
        json_error(http.get(url, params={"query": "ASK {}", "timeout": "soon"}), 400)
        json_error(http.get(url, params={"query": "ASK {}", "timeout": "-1"}), 400)
        json_error(http.get(url, params={"query": "ASK {}", "timeout": "nan"}), 400)
        json_error(http.get(url, params={"query": "ASK {}", "format": "pdf"}), (400, 406))
        json_error(http.get(url, params={"query": "ASK {}"}, headers={"Accept": "image/png"}), 406)
        json_error(http.post(url, content=b"ASK {}", headers={"Content-Type": "text/plain"}), 415)
        json_error(http.post(url, content=b"ASK {}"), 415)
        json_error(http.post(url, content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=latin-1"}), 415)
        json_error(http.post(url, content=b"ASK {\xff}", headers=SPARQL_QUERY), 400)
        json_error(http.post(url, content=b"query=%ff", headers={"Content-Type": "application/x-www-form-urlencoded"}), 400)
        json_error(http.post(url, content=b"x" * 2_000_000, headers=SPARQL_QUERY), 413)
        json_error(http.put(url, content=b"ASK {}"), 405)
        json_error(http.delete(url), 405)
        json_error(http.get(server.url + "/no/such/path"), 404)


def test_remote_oxigraph_still_answers(oxigraph_check: object) -> None:
    oxigraph_check()  # type: ignore[operator]
