"""The service answers a query in both store modes, from the same data."""

from __future__ import annotations

import httpx

from .servers import Server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_health(server: Server) -> None:
    body = httpx.get(server.url + "/health", trust_env=False).json()
    assert body["status"] == "ok" and body["graphs"] > 5


def test_both_modes_see_the_same_number_of_triples(embedded_server: Server, remote_server: Server) -> None:
    counts = [
        int(httpx.get(s.url + "/sparql", params={"query": COUNT}, trust_env=False).json()["results"]["bindings"][0]["n"]["value"])
        for s in (embedded_server, remote_server)
    ]
    assert counts[0] == counts[1] > 5000
