"""A remote store changed while lexgraph serves it: the answer caches, the graph view and the
search index follow within a few checks (LEXGRAPH_STORE_CHECK_S), with a real Oxigraph server
changed through its Graph Store endpoint, as `lexgraph load` changes it."""

from __future__ import annotations

import time
from typing import Callable, Iterator

import httpx
import pytest

from .servers import Server, load_into, start_lexgraph, start_oxigraph

ID = "https://w3id.org/lexgraph/id/"
NEW = ID + "test/store-change-marker"
GRAPH = "https://w3id.org/lexgraph/graph/test/store-change"
ADDED = f"""<{NEW}> a <https://w3id.org/lexgraph/def/PolicyEvent> ;
    <https://w3id.org/lexgraph/def/concerns> <{ID}party/kazakhstan> ;
    <https://w3id.org/lexgraph/def/date> "2031"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Store change marker"@en .
"""
ASK = {"query": f"ASK {{ <{NEW}> ?p ?o }}"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    tmp = tmp_path_factory.mktemp("changes")
    oxigraph = start_oxigraph(tmp)
    lexgraph = None
    try:
        load_into(oxigraph)
        lexgraph = start_lexgraph(tmp, {
            "LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": oxigraph.url + "/query",
            "LEXGRAPH_REMOTE_STORE_URL": oxigraph.url + "/store", "LEXGRAPH_STORE_CHECK_S": "0.3"})
        yield oxigraph, lexgraph
    finally:
        if lexgraph is not None:
            lexgraph.stop()
        oxigraph.stop()


def _get(server: Server, path: str, params: dict[str, object]) -> httpx.Response:
    return httpx.get(server.url + path, params=params, headers={"Accept": "application/json"},  # type: ignore[arg-type]
                     trust_env=False, timeout=60)


def _neighbour_ids(server: Server) -> set[str]:
    body = _get(server, "/graph/neighbours", {"node": "party/kazakhstan", "depth": 1, "limit": 1000}).json()
    return {n["id"] for n in body["nodes"]}


def _asked(server: Server) -> bool:
    return bool(_get(server, "/sparql", ASK).json()["boolean"])


def _searched(server: Server) -> list[str]:
    return [hit["id"] for hit in _get(server, "/search", {"q": "store change marker"}).json()]


def _on_timeline(server: Server) -> bool:
    events = _get(server, "/timeline", {"party": "kazakhstan", "from": "2030"}).json()["events"]
    return any(e["iri"] == NEW for e in events)


def _eventually(check: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_changed_remote_store_is_followed_then_unfollowed(servers: tuple[Server, Server]) -> None:
    oxigraph, lexgraph = servers
    # Before: the view, the cache and the search index are built from the store as loaded.
    assert "test/store-change-marker" not in _neighbour_ids(lexgraph)
    assert _asked(lexgraph) is False and _asked(lexgraph) is False  # the second answer comes from the cache
    assert "test/store-change-marker" not in _searched(lexgraph)
    assert _on_timeline(lexgraph) is False and _on_timeline(lexgraph) is False  # the second from the cache

    put = httpx.put(oxigraph.url + "/store", params={"graph": GRAPH}, content=ADDED.encode(),
                    headers={"Content-Type": "text/turtle"}, trust_env=False, timeout=30)
    assert put.status_code in (200, 201, 204)
    assert _eventually(lambda: "test/store-change-marker" in _neighbour_ids(lexgraph))
    assert _asked(lexgraph) is True  # the cached "false" was dropped with the change
    assert _searched(lexgraph)[:1] == ["test/store-change-marker"]
    assert _on_timeline(lexgraph) is True  # the cached timeline was dropped with the change

    gone = httpx.delete(oxigraph.url + "/store", params={"graph": GRAPH}, trust_env=False, timeout=30)
    assert gone.status_code in (200, 204)
    assert _eventually(lambda: "test/store-change-marker" not in _neighbour_ids(lexgraph))
    assert _asked(lexgraph) is False
    assert _on_timeline(lexgraph) is False
