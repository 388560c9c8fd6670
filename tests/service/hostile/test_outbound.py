"""No query makes the service connect anywhere: every spelling of SERVICE and LOAD is refused
by the checker (embedded and remote mode), and with the checker switched off the kernel
sandbox of the query executors still refuses the connection (embedded mode)."""

from __future__ import annotations

import time

import httpx
import pytest

from ..servers import Server
from .conftest import HOSTILE_SHARED, Servers
from .helpers import (SPARQL_QUERY, MarkerListener, assert_answers, corpus_spellings, decode_escapes, is_update, json_error,
                      own_spellings)

REFUSALS = {"query_refused", "update_not_allowed"}


def _spellings(url: str) -> list[str]:
    return list(dict.fromkeys(corpus_spellings(url + "/sparql") + corpus_spellings(url) + own_spellings(url)))


def _expected_code(query: str) -> set[str]:
    text = decode_escapes(query).upper()
    if is_update(query):
        return {"update_not_allowed"}
    if "SERVICE" in text and not any(word in text for word in ("LOAD", "INSERT", "DELETE", "CLEAR", "DROP")):
        return {"query_refused"}
    return REFUSALS


def _three_ways(http: httpx.Client, server: Server, query: str) -> list[httpx.Response]:
    return [
        http.get(server.url + "/sparql", params={"query": query}),
        http.post(server.url + "/sparql", data={"query": query}),
        http.post(server.url + "/sparql", content=query.encode(), headers=SPARQL_QUERY),
    ]


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


def test_every_spelling_is_refused_and_nothing_connects(server: Server, listener: MarkerListener) -> None:
    spellings = _spellings(listener.url)
    failures: list[str] = []
    with httpx.Client(trust_env=False, timeout=30) as http:
        for query in spellings:
            for response in _three_ways(http, server, query):
                assert listener.marker not in response.text, (query, response.text[:300])
                try:
                    json_error(response, 400, _expected_code(query))
                except AssertionError as exc:
                    failures.append(f"{query!r}: {exc}")
            if is_update(query):  # and as the SPARQL Protocol's update operation
                response = http.post(server.url + "/sparql", data={"update": query})
                try:
                    json_error(response, 400, "update_not_allowed")
                except AssertionError as exc:
                    failures.append(f"update={query!r}: {exc}")
    time.sleep(0.5)
    assert listener.connections == 0, f"{listener.connections} connections reached the listener"
    assert not failures, f"{len(failures)} of {3 * len(spellings)} requests were not refused:\n" + "\n".join(failures[:40])
    assert_answers(server)


@pytest.fixture(scope="module")
def unchecked(servers: Servers) -> Server:
    return servers.unchecked(HOSTILE_SHARED)


def test_with_the_checker_off_the_sandbox_still_refuses_every_connection(unchecked: Server,
                                                                         listener: MarkerListener) -> None:
    """Without the sandbox, pyoxigraph contacts the listener for nearly every one of these
    spellings (and returns its marker). With it, the SERVICE call fails in the executor: the
    query is answered with an error, or -- where SPARQL's semantics drop the failed part
    (SERVICE SILENT, and Oxigraph's EXISTS and MINUS, which count a failed evaluation as a
    solution) -- with an answer that holds nothing from the listener."""
    spellings = _spellings(listener.url)
    codes: list[str] = []
    failures: list[str] = []
    with httpx.Client(trust_env=False, timeout=60) as http:
        for query in spellings:
            for response in _three_ways(http, unchecked, query):
                assert listener.marker not in response.text, \
                    f"the listener's answer came back: {query!r} -> {response.status_code} {response.text[:300]}"
                if response.status_code == 200:
                    codes.append("200")
                    continue
                try:
                    body = json_error(response, [s for s in range(400, 500)] + [503])
                except AssertionError as exc:
                    failures.append(f"{query!r}: {exc}")
                    continue
                codes.append(body["error"])
    time.sleep(0.5)
    assert listener.connections == 0, \
        f"with the checker off, {listener.connections} connections reached the listener from {listener.peers}"
    assert not failures, "\n".join(failures[:40])
    passed_the_checker = [c for c in codes if c not in REFUSALS]
    assert len(passed_the_checker) >= len(codes) // 2, \
        f"the checker was not switched off: {len(codes) - len(passed_the_checker)} of {len(codes)} answers were refusals"
    assert_answers(unchecked)


def test_the_unchecked_server_really_runs_service_queries(unchecked: Server, listener: MarkerListener) -> None:
    """The plainest SERVICE query reaches an executor (not refused by the checker) and fails there."""
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    response = httpx.get(unchecked.url + "/sparql", params={"query": query}, trust_env=False, timeout=60)
    assert listener.marker not in response.text
    body = json_error(response, [s for s in range(400, 500)] + [503])
    assert body["error"] not in REFUSALS, body
    time.sleep(0.3)
    assert listener.connections == 0


def test_remote_oxigraph_still_answers(oxigraph_check: object) -> None:
    oxigraph_check()  # type: ignore[operator]
