"""Fixtures: a lexgraph server in each store mode, shared by the endpoint tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from .servers import (Server, VirtuosoServer, load_into, load_into_virtuoso, start_lexgraph, start_oxigraph,
                      start_virtuoso)

SHARED = {"LEXGRAPH_MAX_RESULTS": "500", "LEXGRAPH_CLIENT_CONCURRENCY": "16", "LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "100000"}
"""The servers most tests share: every test talks from 127.0.0.1, so the per-client limits
are raised here; tests of those limits start servers of their own."""


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_lexgraph(tmp_path_factory.mktemp("embedded"), SHARED)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The embedded store with executors that answer from their copy of it in memory."""
    server = start_lexgraph(tmp_path_factory.mktemp("memory"), {"LEXGRAPH_EXECUTOR_STORE": "memory", **SHARED})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    load_into(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_server(tmp_path_factory: pytest.TempPathFactory, oxigraph_server: Server) -> Iterator[Server]:
    server = start_lexgraph(tmp_path_factory.mktemp("remote"), {
        "LEXGRAPH_STORE": "remote",
        "LEXGRAPH_REMOTE_QUERY_URL": oxigraph_server.url + "/query",
        "LEXGRAPH_REMOTE_STORE_URL": oxigraph_server.url + "/store",
        **SHARED,
    })
    yield server
    server.stop()


@pytest.fixture(params=["embedded", "memory", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    """The same endpoint tests run against the service in embedded mode (executors reading
    the store on disk, or their copies of it in memory) and in remote mode."""
    fixture: Server = request.getfixturevalue(f"{request.param}_server")
    return fixture


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory, embedded_server: Server) -> Iterator[VirtuosoServer]:
    """Debian's Virtuoso 7.2, loaded by `lexgraph load --to …/sparql-graph-crud-auth` with
    credentials (HTTP Digest, as Virtuoso asks); a missing Virtuoso fails the tests. Loaded
    right after the embedded store is built (which its tests compare it with), from the same files."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        loaded = load_into_virtuoso(server)
        if loaded.returncode != 0:
            raise RuntimeError(f"lexgraph load into Virtuoso failed: {loaded.stderr}")
        yield server
    finally:
        server.stop()


def over_virtuoso(virtuoso: Server) -> dict[str, str]:
    """The settings of lexgraph in remote mode over ``virtuoso`` (its own system graphs left out)."""
    return {"LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": virtuoso.url + "/sparql",
            "LEXGRAPH_REMOTE_STORE_URL": virtuoso.url + "/sparql-graph-crud"}


@pytest.fixture(scope="session")
def virtuoso_lexgraph(tmp_path_factory: pytest.TempPathFactory, virtuoso_server: VirtuosoServer) -> Iterator[Server]:
    """lexgraph in remote mode over Virtuoso, with the shared servers' settings."""
    server = start_lexgraph(tmp_path_factory.mktemp("over-virtuoso"), {**over_virtuoso(virtuoso_server), **SHARED})
    yield server
    server.stop()
