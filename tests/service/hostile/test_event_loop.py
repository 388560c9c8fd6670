"""Checking the longest queries does not hold the event loop: while four clients send 64 KiB
queries (the maximum size) without pause, a cheap query is still answered in under a second."""

from __future__ import annotations

import secrets
import threading
import time

import httpx
import pytest

from ..servers import Server
from .helpers import LIGHT, SPARQL_QUERY, light

MAX_QUERY_BYTES = 65536
DURATION_S = 3.0


def _fill(head: str, unit: str, tail: str) -> str:
    room = MAX_QUERY_BYTES - len(head.encode()) - len(tail.encode())
    body = (unit * (room // len(unit) + 1))[:room]
    query = head + body + tail
    assert len(query.encode()) == MAX_QUERY_BYTES, len(query.encode())
    return query


def _big_query(n: int) -> str:
    """64 KiB queries of several kinds for the checker to read, each one new."""
    tag = f"# {n} {secrets.token_hex(8)}\n"
    kind = n % 5
    if kind == 0:  # one long comment
        return _fill(tag + "#", "x", "\n" + LIGHT)
    if kind == 1:  # one long string
        return _fill(tag + 'SELECT * WHERE { BIND("', "a", '" AS ?x) }')
    if kind == 2:  # many small tokens
        return _fill(tag + "SELECT * WHERE { VALUES ?x {", " 1", " } }")
    if kind == 3:  # a string that never ends: the checker's lexer must not backtrack for long
        return _fill(tag + "SELECT * WHERE { BIND('''", "a'", " AS ?x) }")
    return _fill(tag + "SELECT * WHERE { FILTER(<urn:x> IN (", "<urn:x>,", "<urn:x>)) }")


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


def test_long_queries_do_not_hold_the_event_loop(server: Server) -> None:
    stop = threading.Event()
    sent = [0] * 4
    big_statuses: set[int] = set()
    errors: list[str] = []

    def flood(k: int) -> None:
        with httpx.Client(trust_env=False, timeout=30) as http:
            n = k
            while not stop.is_set():
                try:
                    response = http.post(server.url + "/sparql", content=_big_query(n).encode(), headers=SPARQL_QUERY)
                    big_statuses.add(response.status_code)
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                sent[k] += 1
                n += 4

    flooders = [threading.Thread(target=flood, args=(k,)) for k in range(4)]
    for thread in flooders:
        thread.start()
    latencies: list[float] = []
    statuses: list[int] = []
    try:
        time.sleep(0.3)
        deadline = time.monotonic() + DURATION_S
        with httpx.Client(trust_env=False, timeout=30) as http:
            n = 0
            while time.monotonic() < deadline and n < 200:
                t0 = time.monotonic()
                response = http.get(server.url + "/sparql", params={"query": light(n)})
                latencies.append(time.monotonic() - t0)
                statuses.append(response.status_code)
                n += 1
                time.sleep(0.02)
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=60)
    assert not errors, errors[:5]
    assert sum(sent) >= 8, f"the flood sent only {sent} queries"
    assert big_statuses <= {200, 400}, big_statuses
    assert statuses and set(statuses) == {200}, statuses
    assert max(latencies) < 1.0, \
        f"a cheap query waited {max(latencies):.2f} s while {sum(sent)} 64 KiB queries were checked: {sorted(latencies)[-5:]}"
