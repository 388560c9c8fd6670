"""lexgraph over Virtuoso 7.2 (Debian's virtuoso-opensource), where Virtuoso differs from the
standard: loading with the credentials it asks for, its blank nodes and booleans, its row
limit, its error reasons and its system graphs. Each check compares with the embedded store
(the same data) or with Virtuoso's own answer; the shared checks are in
``test_virtuoso_checks.py``."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest

from .conftest import over_virtuoso
from .servers import (REPO, VIRTUOSO_LOADER, Server, VirtuosoServer, load_into_virtuoso, start_lexgraph,
                      start_virtuoso)

LG = "https://w3id.org/lexgraph/def/"
SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#")
RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                  "text/tab-separated-values": ox.QueryResultsFormat.TSV}
"""The result formats that keep terms whole (CSV does not), so answers can be compared."""


def sparql(server: Server, query: str, accept: str = "application/sparql-results+json") -> httpx.Response:
    return httpx.post(server.url + "/sparql", content=query, trust_env=False, timeout=60,
                      headers={"Content-Type": "application/sparql-query", "Accept": accept})


def rows(server: Server, query: str, accept: str = "application/sparql-results+json") -> list[tuple[str, ...]]:
    """The answer's rows as sorted tuples of term strings, read by pyoxigraph's strict readers;
    blank nodes as one placeholder (their labels are the server's own)."""
    response = sparql(server, query, accept)
    assert response.status_code == 200, response.text
    solutions = ox.parse_query_results(response.content, format=RESULT_FORMATS[accept])
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(tuple("_:b" if isinstance(s[v], ox.BlankNode) else str(s[v]) for v in solutions.variables)
                  for s in solutions)


def count(server: Server, query: str) -> int:
    return int(sparql(server, query).json()["results"]["bindings"][0]["n"]["value"])


# --- loading, with the credentials Virtuoso asks for -----------------------------------------

def graph_counts(server_url: str) -> dict[str, int]:
    """Triples per graph, asked of a SPARQL endpoint directly."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    answer = httpx.post(server_url, data={"query": query}, trust_env=False, timeout=60,
                        headers={"Accept": "application/sparql-results+json"}).json()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}


def test_virtuoso_holds_what_load_sent(virtuoso_server: VirtuosoServer, embedded_server: Server) -> None:
    held = graph_counts(virtuoso_server.url + "/sparql")
    ours = {g: n for g, n in held.items() if g.startswith("https://w3id.org/lexgraph/")}
    assert ours == graph_counts(embedded_server.url + "/sparql")
    assert set(SYSTEM_GRAPHS) <= set(held)  # Virtuoso's own, beside ours


# --- a Virtuoso of its own: test data with blank nodes and booleans, every graph served ------

QUIRKS = REPO / "tests" / "fixtures" / "virtuoso" / "quirks.ttl"
LATER = REPO / "tests" / "fixtures" / "virtuoso" / "later.ttl"


@pytest.fixture(scope="module")
def plain_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso holding the ontology and the quirks file (loaded with `lexgraph load --to`)."""
    server = start_virtuoso(tmp_path_factory.mktemp("plain-virtuoso"))
    try:
        loaded = load_into_virtuoso(server, str(QUIRKS))
        assert loaded.returncode == 0, loaded.stderr
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def plain_lexgraph(tmp_path_factory: pytest.TempPathFactory, plain_virtuoso: VirtuosoServer) -> Iterator[Server]:
    """lexgraph over that Virtuoso serving every graph, Virtuoso's own included
    (LEXGRAPH_REMOTE_SYSTEM_GRAPHS=none), with a maximum above Virtuoso's ResultSetMaxRows
    (20,000 in the fixture)."""
    server = start_lexgraph(tmp_path_factory.mktemp("plain"), {
        **over_virtuoso(plain_virtuoso), "LEXGRAPH_REMOTE_SYSTEM_GRAPHS": "none", "LEXGRAPH_MAX_RESULTS": "100000"})
    yield server
    server.stop()


def on_oxigraph(query: str) -> list[tuple[str, ...]]:
    """The same query's rows on the quirks file in an in-memory Oxigraph store."""
    store = ox.Store()
    store.load(path=str(QUIRKS), format=ox.RdfFormat.TURTLE)
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(tuple("_:b" if isinstance(s[v], ox.BlankNode) else str(s[v]) for v in solutions.variables)
                  for s in solutions)


def test_load_sends_credentials_only_as_asked_and_never_shows_them(plain_virtuoso: VirtuosoServer) -> None:
    user, password = VIRTUOSO_LOADER
    one_file = str(QUIRKS)  # what plain_virtuoso holds already: loading it again changes nothing
    anonymous = load_into_virtuoso(plain_virtuoso, one_file, credentials=("", ""))
    assert anonymous.returncode == 4 and "401" in anonymous.stderr and "LEXGRAPH_REMOTE_USER" in anonymous.stderr
    wrong = load_into_virtuoso(plain_virtuoso, one_file, credentials=(user, "not-" + password))
    assert wrong.returncode == 4 and "credentials were not accepted" in wrong.stderr
    assert "not-" + password not in wrong.stdout + wrong.stderr
    in_url = load_into_virtuoso(plain_virtuoso, one_file, url_credentials=True)
    assert in_url.returncode == 0, in_url.stderr
    assert password not in in_url.stdout + in_url.stderr and f"{user}:" not in in_url.stderr
    assert "/sparql-graph-crud-auth" in in_url.stderr


@pytest.mark.parametrize("accept", list(RESULT_FORMATS))
def test_booleans_and_blank_nodes_read_as_the_standard_says(plain_lexgraph: Server, accept: str) -> None:
    query = "SELECT ?s ?flag ?note ?text WHERE { ?s <http://example.org/quirks/flag> ?flag " \
            "OPTIONAL { ?s <http://example.org/quirks/note> ?note OPTIONAL { ?note <http://example.org/quirks/text> ?text } } }"
    found = rows(plain_lexgraph, query, accept)
    assert found == on_oxigraph(query)
    assert {flag for _, flag, _, _ in found} == {f'"{b}"^^<http://www.w3.org/2001/XMLSchema#boolean>'
                                                 for b in ("true", "false")}
    assert {note for _, _, note, _ in found} == {"_:b", "None"}


def test_blank_nodes_keep_their_joins(plain_lexgraph: Server) -> None:
    """One blank node gets one label in an answer, so the rows join as in the data."""
    query = ("SELECT ?b ?text WHERE { <http://example.org/quirks/b> <http://example.org/quirks/note> ?n . "
             "?n <http://example.org/quirks/next> ?b . ?b <http://example.org/quirks/text> ?text }")
    answer = sparql(plain_lexgraph, query).json()["results"]["bindings"]
    assert [row["text"]["value"] for row in answer] == ["third"] and answer[0]["b"]["type"] == "bnode"
    labels = "SELECT ?n ?t WHERE { ?s <http://example.org/quirks/note> ?n . ?n ?p ?t }"
    by_node: dict[str, int] = {}
    for row in sparql(plain_lexgraph, labels).json()["results"]["bindings"]:
        by_node[row["n"]["value"]] = by_node.get(row["n"]["value"], 0) + 1
    assert sorted(by_node.values()) == [2, 2]  # [text, flag] and [text, next], each under one label


def test_virtuoso_row_limit_is_flagged_never_silent(plain_lexgraph: Server) -> None:
    many = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o VALUES ?x { 1 2 3 4 5 6 7 8 9 10 } }"
    assert count(plain_lexgraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") * 10 > 20_000
    response = sparql(plain_lexgraph, many)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 20_000  # Virtuoso's ResultSetMaxRows, not ours
    assert response.headers["x-result-capped"] == "true"
    few = sparql(plain_lexgraph, "SELECT ?s WHERE { ?s <http://example.org/quirks/flag> ?o }")
    assert few.headers["x-result-capped"] == "false" and len(few.json()["results"]["bindings"]) == 3


def test_every_graph_is_served_when_the_setting_says_so(plain_lexgraph: Server) -> None:
    graphs = {row[0] for row in rows(plain_lexgraph, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert "<http://www.openlinksw.com/schemas/virtrdf#>" in graphs


def test_a_graph_new_to_the_server_is_noticed(tmp_path: Path, plain_virtuoso: VirtuosoServer) -> None:
    """Queries name the served graphs as their dataset (Virtuoso's own are left out), so the
    change watcher counts every graph of the server: a new one is served within a check."""
    watching = start_lexgraph(tmp_path, {**over_virtuoso(plain_virtuoso), "LEXGRAPH_STORE_CHECK_S": "0.5"})
    try:
        ask = "ASK { <http://example.org/quirks/d> ?p ?o }"
        listing = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        before = {row[0] for row in rows(watching, listing)}
        assert sparql(watching, ask).json()["boolean"] is False
        assert load_into_virtuoso(plain_virtuoso, str(QUIRKS), str(LATER)).returncode == 0
        deadline = time.monotonic() + 60
        while not sparql(watching, ask).json()["boolean"]:
            assert time.monotonic() < deadline, "the new graph was not noticed within 60 s"
            time.sleep(0.5)
        after = {row[0] for row in rows(watching, listing)}
        assert len(after - before) == 1 and before <= after and not after & {f"<{g}>" for g in SYSTEM_GRAPHS}
    finally:
        watching.stop()


# --- Virtuoso's error reasons, passed on --------------------------------------------------------

@pytest.mark.parametrize(("query", "reason"), [
    # Virtuoso estimates the cost of queries over its whole default graph, and refuses the dear ones.
    ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "exceeds the limit"),
    ("SELECT * WHERE { ?part <http://example.org/quirks/next>+ ?whole }", "transitive start not given"),
    ("SELECT (BNODE() AS ?b) WHERE { }", "not implemented"),
])
def test_virtuoso_refusals_are_400_with_its_reason(plain_lexgraph: Server, query: str, reason: str) -> None:
    response = sparql(plain_lexgraph, query)
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "query_error" and reason in body["message"], body
    # Virtuoso's error text repeats the query after its reason: only the reason is passed on.
    assert "SPARQL query" not in body["message"] and "big-data-const" not in body["message"]
    assert query not in body["message"]


def test_a_syntax_error_has_its_position_over_virtuoso_too(virtuoso_lexgraph: Server) -> None:
    body = sparql(virtuoso_lexgraph, "SELECT ?s WHERE {\n  ?s ?p \n}").json()
    assert body["error"] == "query_syntax_error" and body["line"] == 3


# --- Virtuoso's system graphs, left out -----------------------------------------------------

def test_system_graphs_are_not_served(virtuoso_lexgraph: Server, embedded_server: Server) -> None:
    assert graph_counts(virtuoso_lexgraph.url + "/sparql") == graph_counts(embedded_server.url + "/sparql")
    total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(virtuoso_lexgraph, total) == count(embedded_server, total)
    classes = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    assert rows(virtuoso_lexgraph, classes) == rows(embedded_server, classes)
    health = httpx.get(virtuoso_lexgraph.url + "/health", trust_env=False, timeout=30).json()
    assert health["graphs"] == httpx.get(embedded_server.url + "/health", trust_env=False, timeout=30).json()["graphs"]


def test_service_description_counts_our_data_only(virtuoso_lexgraph: Server, embedded_server: Server) -> None:
    def described(server: Server) -> set[tuple[str, str]]:
        body = httpx.get(server.url + "/sparql", headers={"Accept": "application/n-triples"}, trust_env=False,
                         timeout=120).content
        statistics = "http://rdfs.org/ns/void#"
        return {(str(t.predicate), str(t.object)) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                if t.predicate.value.startswith(statistics) or t.predicate.value.endswith("#name")}
    found = described(virtuoso_lexgraph)
    assert found == described(embedded_server)
    assert not any(system in value for _, value in found for system in SYSTEM_GRAPHS)


def _download(server: Server, name: str) -> bytes:
    response = httpx.get(f"{server.url}/data/{name}", trust_env=False, timeout=300)
    assert response.status_code == 200, response.text
    return response.content


def test_downloads_hold_our_graphs_only(virtuoso_lexgraph: Server, embedded_server: Server) -> None:
    def quads(server: Server) -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in ox.parse(io.BytesIO(_download(server, "lexgraph.nq")), format=ox.RdfFormat.N_QUADS):
            counts[str(q.graph_name)] = counts.get(str(q.graph_name), 0) + 1
        return counts
    assert quads(virtuoso_lexgraph) == quads(embedded_server)
    turtle = [list(ox.parse(_download(s, "lexgraph.ttl"), format=ox.RdfFormat.TURTLE))
              for s in (virtuoso_lexgraph, embedded_server)]
    assert len(turtle[0]) == len(turtle[1])
    assert not any(str(t.predicate).startswith("<http://www.openlinksw.com/") for t in turtle[0])
