"""Queries built to exhaust a recursive parser or evaluator (pyoxigraph's overflows its stack
on every one of these, measured: a segfault, not an exception) are refused before any
parser sees them; the service, and in remote mode the Oxigraph server behind it, still
answer afterwards."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from ..servers import Server
from .conftest import HOSTILE_SHARED, Servers
from .helpers import SPARQL_QUERY, assert_answers, json_error

MAX_QUERY_BYTES = 65536


def _chain(head: str, unit: str, n: int, tail: str) -> str:
    return head + unit * n + tail


# The five of the contract, at the sizes it names.
CONTRACT = {
    "plus-10000": "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}",
    "union-10000": "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_001) + " }",
    "or-20000": "SELECT * { FILTER(" + "||".join(["1"] * 20_001) + ") }",
    "minus-3000": _chain("SELECT * { ?a ?b ?c ", "MINUS {?a ?b ?c} ", 3_000, "}"),
    "path-3000": "SELECT * { ?s " + "/".join(["<urn:p>"] * 3_000) + " ?o }",
}

# The same shapes, and others past the documented limits (LEXGRAPH_MAX_QUERY_OPERATORS,
# _UNIONS, _PATTERNS, _DEPTH) -- most of them crash pyoxigraph -- sized under the byte limit,
# so that the complexity check (not the size check) must catch them.
UNDER_LIMIT = {
    "union-compact-8000": "SELECT * { " + "UNION".join(["{}"] * 8_000) + " }",
    "or-compact-20000": "SELECT * { FILTER(" + "||".join(["1"] * 20_000) + ") }",
    "and-20000": "SELECT * { FILTER(" + "&&".join(["1"] * 20_000) + ") }",
    "times-20000": "SELECT (" + "*".join(["1"] * 20_000) + " AS ?x) {}",
    "not-chain-20000": "SELECT (" + "!" * 20_000 + "true AS ?x) {}",
    "alternative-path-20000": "PREFIX :<x:> SELECT * { ?s " + "|".join([":p"] * 20_000) + " ?o }",
    "sequence-path-20000": "PREFIX :<x:> SELECT * { ?s " + "/".join([":p"] * 20_000) + " ?o }",
    "bind-3000": "SELECT * { " + "".join(f"BIND(1 AS ?x{i})" for i in range(3_000)) + " }",
    "optional-6000": _chain("SELECT * { ?s ?p ?o ", "OPTIONAL{}", 6_000, "}"),
    "triples-3000": "SELECT * { " + "".join(f"?a{i} ?b ?c ." for i in range(3_000)) + " }",
    "brackets-10000": "SELECT (" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) {}",
    "subselect-200": "SELECT * " + "{ SELECT * " * 200 + "{}" + " }" * 200,
    "unary-minus-in-brackets-5000": "SELECT (" + "-(" * 5_000 + "1" + ")" * 5_000 + " AS ?x) {}",
}

REFUSED = {"query_too_complex", "query_too_deep"}
REFUSALS_AND_SYNTAX = REFUSED | {"query_syntax_error"}

# Just inside the limits (256 operators, 64 unions, 256 patterns, depth 64), combined the
# costliest ways: answered or refused, never a crash of the executor or of the Oxigraph server.
AT_LIMIT = {
    "not-chain-250": "SELECT (" + "!" * 250 + "true AS ?x) {}",
    "plus-250": "SELECT (" + "+".join(["1"] * 250) + " AS ?x) {}",
    "parentheses-60": "SELECT (" + "(" * 60 + "1" + ")" * 60 + " AS ?x) {}",
    "unions-64": "SELECT * { " + "UNION".join(["{}"] * 64) + " }",
    "exists-30": "SELECT * { " + "FILTER(EXISTS{" * 30 + "})" * 30 + " }",
    "subselects-30": "SELECT * " + "{ SELECT * " * 30 + "{}" + " }" * 30,
    "functions-60": "SELECT (" + "STR(" * 60 + "1" + ")" * 60 + " AS ?x) {}",
    "not-exists-20": "SELECT * { " + "FILTER(!EXISTS{" * 20 + "})" * 20 + " }",
    "negated-paths-60": "PREFIX :<x:> SELECT * { ?s " + "(" * 60 + "^:p" + ")" * 60 + "/!(:a|^:b)+ ?o }",
}


@pytest.fixture(scope="module")
def crash_oxigraph(servers: Servers) -> Server:
    """An Oxigraph server of this module's own: if a query crashes it, no other test suffers."""
    return servers.oxigraph()


@pytest.fixture(scope="module")
def crash_remote(servers: Servers, crash_oxigraph: Server) -> Server:
    return servers.remote(crash_oxigraph, HOSTILE_SHARED)


@pytest.fixture(params=["embedded", "remote"])
def target(request: pytest.FixtureRequest) -> Iterator[tuple[str, Server, Server | None]]:
    if request.param == "embedded":
        yield "embedded", request.getfixturevalue("embedded_server"), None
    else:
        yield "remote", request.getfixturevalue("crash_remote"), request.getfixturevalue("crash_oxigraph")


def _oxigraph_answers(oxigraph: Server) -> None:
    response = httpx.get(oxigraph.url + "/query", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, trust_env=False, timeout=10)
    assert response.status_code == 200 and response.json()["boolean"] is True, response.text[:300]
    assert oxigraph.process.poll() is None


def _send_all_ways(server: Server, query: str) -> list[httpx.Response]:
    with httpx.Client(trust_env=False, timeout=60) as http:
        return [
            http.post(server.url + "/sparql", content=query.encode(), headers=SPARQL_QUERY),
            http.post(server.url + "/sparql", data={"query": query}),
        ]


def _expect_refused(name: str, query: str, responses: list[httpx.Response], codes: set[str]) -> None:
    size = len(query.encode())
    for response in responses:
        if size > MAX_QUERY_BYTES:
            json_error(response, 413, "query_too_large")
        else:
            body = json_error(response, 400)
            assert body["error"] in codes, f"{name} ({size} bytes): {response.status_code} {body}"


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_crashers_are_refused_and_the_server_survives(target: tuple[str, Server, Server | None],
                                                               name: str) -> None:
    mode, server, oxigraph = target
    query = CONTRACT[name]
    responses = _send_all_ways(server, query)
    _expect_refused(name, query, responses, {"query_too_complex"})
    assert_answers(server)
    if oxigraph is not None:
        _oxigraph_answers(oxigraph)


@pytest.mark.parametrize("name", sorted(UNDER_LIMIT))
def test_crashers_under_the_byte_limit_are_refused_and_the_server_survives(
        target: tuple[str, Server, Server | None], name: str) -> None:
    mode, server, oxigraph = target
    query = UNDER_LIMIT[name]
    assert len(query.encode()) <= MAX_QUERY_BYTES, (name, len(query.encode()))
    responses = _send_all_ways(server, query)
    _expect_refused(name, query, responses, REFUSED)
    assert_answers(server)
    if oxigraph is not None:
        _oxigraph_answers(oxigraph)


@pytest.mark.parametrize("name", sorted(AT_LIMIT))
def test_queries_at_the_limits_are_answered_without_a_crash(target: tuple[str, Server, Server | None], name: str) -> None:
    mode, server, oxigraph = target
    query = AT_LIMIT[name]
    response = httpx.post(server.url + "/sparql", params={"timeout": "5"}, content=query.encode(), headers=SPARQL_QUERY,
                          trust_env=False, timeout=60)
    if response.status_code != 200:
        body = json_error(response, {400, 503})
        assert body["error"] in REFUSALS_AND_SYNTAX | {"query_timeout"}, (name, response.status_code, body)
    assert_answers(server)
    if oxigraph is not None:
        _oxigraph_answers(oxigraph)


def test_the_remote_servers_still_answer_after_the_crashers(crash_remote: Server, crash_oxigraph: Server,
                                                            oxigraph_check: object) -> None:
    assert_answers(crash_remote)
    _oxigraph_answers(crash_oxigraph)
    oxigraph_check()  # type: ignore[operator]
