"""Safe by default: no query makes the server connect anywhere or read a file, and a query
past its time limit is stopped for real while other requests are answered."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from .hostile.helpers import MarkerListener
from .servers import Server

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"


@pytest.fixture
def listener() -> Iterator[MarkerListener]:
    lst = MarkerListener()
    yield lst
    lst.close()


def test_no_query_reaches_a_listener_it_names(server: Server, listener: MarkerListener) -> None:
    target = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]
    not_in_store = [  # a dataset IRI only ever selects a graph of the store: never fetched
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    for query in queries:
        for response in (
            httpx.get(server.url + "/sparql", params={"query": query}, trust_env=False),
            httpx.post(server.url + "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}, trust_env=False),
        ):
            assert response.status_code == 400, (query, response.text)
            assert response.json()["error"] == "query_refused"
    for query in not_in_store:
        response = httpx.get(server.url + "/sparql", params={"query": query}, trust_env=False)
        assert response.status_code == 400 and response.json()["error"] == "unknown_graph", (query, response.text)
    for param in ("default-graph-uri", "named-graph-uri"):
        response = httpx.get(server.url + "/sparql", params={"query": LIGHT, param: target}, trust_env=False)
        assert response.status_code == 400 and response.json()["error"] == "unknown_graph"
    for update in (f"LOAD <{target}>", f"LOAD SILENT <{target}> INTO GRAPH <urn:g>"):
        response = httpx.post(server.url + "/sparql", data={"update": update}, trust_env=False)
        assert response.status_code == 400 and response.json()["error"] == "update_not_allowed"
        response = httpx.post(server.url + "/sparql", content=update, headers={"Content-Type": "application/sparql-query"}, trust_env=False)
        assert response.status_code == 400 and response.json()["error"] == "update_not_allowed"
    time.sleep(0.5)
    assert listener.connections == 0


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / 100


def test_a_query_over_its_limit_is_stopped_and_others_are_answered(server: Server) -> None:
    light_answers: list[int] = []
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            response = httpx.get(server.url + "/sparql", params={"query": LIGHT}, trust_env=False, timeout=10)
            light_answers.append(response.status_code)
            time.sleep(0.05)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    started = time.monotonic()
    try:
        response = httpx.get(server.url + "/sparql", params={"query": HEAVY, "timeout": "1.5"}, trust_env=False, timeout=30)
    finally:
        elapsed = time.monotonic() - started
        done.set()
        asker.join()
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "query_timeout" and body["limit_s"] == 1.5 and body["message"]
    assert 1.5 <= elapsed < 2.5, f"answered after {elapsed:.2f} s"
    assert light_answers and set(light_answers) == {200}, light_answers


def test_a_stopped_query_frees_its_cpu(embedded_server: Server) -> None:
    response = httpx.get(embedded_server.url + "/sparql", params={"query": HEAVY + " # cpu", "timeout": "1"},
                         trust_env=False, timeout=30)
    assert response.status_code == 503
    time.sleep(0.5)  # the replacement executor starts
    before = _cpu_seconds(embedded_server.pids())
    time.sleep(2.0)
    used = _cpu_seconds(embedded_server.pids()) - before
    assert used < 0.5, f"the server's processes used {used:.2f} s of CPU in 2 s after the timeout"
    # and the server still answers
    assert httpx.get(embedded_server.url + "/sparql", params={"query": LIGHT}, trust_env=False).status_code == 200


def test_timeout_is_never_raised_past_the_server_maximum(server: Server) -> None:
    # The server maximum is 60 s by default; asking for more is not an error, it is capped.
    response = httpx.get(server.url + "/sparql", params={"query": LIGHT, "timeout": "100000"}, trust_env=False)
    assert response.status_code == 200


def test_a_slow_body_over_the_limit_is_refused_before_it_is_read_whole(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=5) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 500000000\r\n\r\nSELECT")
        reply = ""
        while "\r\n\r\n{" not in reply or not reply.endswith("}"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk.decode("latin-1")
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert '"payload_too_large"' in reply
