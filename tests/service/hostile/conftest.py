"""Fixtures of the hostile tests.

The session servers of ``tests/service/conftest.py`` (``embedded_server``, ``remote_server``,
``oxigraph_server``) are shared; a test of a limit or a failure starts a server of its own,
module-scoped, with :func:`dedicated`. Every server binds 127.0.0.1 only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

from ..servers import REPO, Server, _launch, free_port, start_lexgraph, start_oxigraph, load_into
from .helpers import MarkerListener

HERE = Path(__file__).resolve().parent

HOSTILE_SHARED = {"LEXGRAPH_MAX_RESULTS": "500", "LEXGRAPH_CLIENT_CONCURRENCY": "16",
                  "LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "100000"}
"""Per-client limits raised, as on the shared servers: every test talks from 127.0.0.1."""


@pytest.fixture
def listener() -> Iterator[MarkerListener]:
    lst = MarkerListener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def module_listener() -> Iterator[MarkerListener]:
    lst = MarkerListener()
    yield lst
    lst.close()


class Servers:
    """Starts servers for one module and stops them all when it ends."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.started: list[Server] = []

    def lexgraph(self, extra_env: dict[str, str] | None = None) -> Server:
        server = start_lexgraph(self.tmp, extra_env)
        self.started.append(server)
        return server

    def oxigraph(self, loaded: bool = True) -> Server:
        server = start_oxigraph(self.tmp)
        self.started.append(server)
        if loaded:
            load_into(server)
        return server

    def remote(self, oxigraph: Server, extra_env: dict[str, str] | None = None) -> Server:
        return self.lexgraph({"LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": oxigraph.url + "/query",
                              "LEXGRAPH_REMOTE_STORE_URL": oxigraph.url + "/store", **(extra_env or {})})

    def unchecked(self, extra_env: dict[str, str] | None = None) -> Server:
        """An embedded lexgraph whose SERVICE check is switched off (in the test only, by
        ``serve_unchecked.py``): the kernel sandbox is then the only guard."""
        port = free_port()
        log = self.tmp / f"lexgraph-unchecked-{port}.log"
        env = {**os.environ, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(port),
               **(extra_env or {})}
        env.pop("LEXGRAPH_STORE_DIR", None)
        env.pop("LEXGRAPH_SANDBOX", None)
        server = _launch([sys.executable, str(HERE / "serve_unchecked.py"), "serve", "--no-access-log"], port, log,
                         "/health", cwd=REPO, env=env)
        self.started.append(server)
        return server

    def stop(self) -> None:
        for server in reversed(self.started):
            server.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    pool = Servers(tmp_path_factory.mktemp("hostile"))
    yield pool
    pool.stop()


@pytest.fixture(scope="session")
def oxigraph_check(oxigraph_server: Server) -> Callable[[], None]:
    """Asserts that the shared Oxigraph server (behind ``remote_server``) still answers."""

    def check() -> None:
        response = httpx.get(oxigraph_server.url + "/query", params={"query": "ASK { ?s ?p ?o }"},
                             headers={"Accept": "application/sparql-results+json"}, trust_env=False, timeout=10)
        assert response.status_code == 200 and response.json()["boolean"] is True, response.text[:300]
        assert oxigraph_server.process.poll() is None, "the Oxigraph server has exited"

    return check
