"""Fixtures: a lexgraph server in each store mode, shared by the endpoint tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from .servers import Server, load_into, start_lexgraph, start_oxigraph

SHARED = {"LEXGRAPH_MAX_RESULTS": "500", "LEXGRAPH_CLIENT_CONCURRENCY": "16", "LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "100000"}
"""The servers most tests share: every test talks from 127.0.0.1, so the per-client limits
are raised here; tests of those limits start servers of their own."""


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_lexgraph(tmp_path_factory.mktemp("embedded"), SHARED)
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


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    """The same endpoint tests run against the service in embedded and in remote mode."""
    fixture: Server = request.getfixturevalue(f"{request.param}_server")
    return fixture
