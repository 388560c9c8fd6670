"""Backend faults in remote mode, with a real backend (an Oxigraph server, then Virtuoso 7.2)
stopped and started again inside the test: down while serving, every route answers 503 JSON
``store_unavailable``; back again (a new process on the same port and store folder), answers
resume without restarting lexgraph; down at start, `lexgraph serve` fails at once with one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

from .conftest import over_virtuoso
from .servers import (REPO, Server, free_port, load_into, load_into_virtuoso, restart_oxigraph,
                      restart_virtuoso, start_lexgraph, start_oxigraph, start_virtuoso)

ROUTES = ["/sparql?query=ASK%7B%7D", "/health", "/data"]
RESUME_S = 15.0
"""How long answers may take to come back once the backend answers again."""


Backend = tuple[list[Server], Callable[[], Server], Server]
"""The backend's processes (a list: a restart appends the new one, and the fixture stops the
last), how to start it again once stopped, and lexgraph in remote mode over it."""


Started = tuple[Server, Callable[[], Server], dict[str, str]]
"""A backend server just started and loaded, how to start it again once stopped, and the
settings of lexgraph over it."""


def _oxigraph(tmp: Path) -> Started:
    oxigraph = start_oxigraph(tmp)
    try:
        load_into(oxigraph)
    except Exception:
        oxigraph.stop()
        raise
    return oxigraph, lambda: restart_oxigraph(oxigraph, tmp), {
        "LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": oxigraph.url + "/query",
        "LEXGRAPH_REMOTE_STORE_URL": oxigraph.url + "/store"}


def _virtuoso(tmp: Path) -> Started:
    virtuoso = start_virtuoso(tmp)
    loaded = load_into_virtuoso(virtuoso)
    if loaded.returncode != 0:
        virtuoso.stop()
        raise RuntimeError(f"lexgraph load into Virtuoso failed: {loaded.stderr}")
    return virtuoso, lambda: restart_virtuoso(virtuoso, tmp), over_virtuoso(virtuoso)


@pytest.fixture(params=[_oxigraph, _virtuoso], ids=["oxigraph", "virtuoso"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A dedicated backend server of each kind, loaded with the data, and lexgraph over it."""
    first, restart, settings = request.param(tmp_path)
    servers = [first]
    lexgraph = None
    try:
        lexgraph = start_lexgraph(tmp_path, {
            **settings, "LEXGRAPH_CACHE_BYTES": "0",  # every answer from the backend, none from the cache
        })
        yield servers, restart, lexgraph
    finally:
        if lexgraph is not None:
            lexgraph.stop()
        servers[-1].stop()


def _get(server: Server, route: str) -> httpx.Response:
    return httpx.get(server.url + route, headers={"Accept": "application/json"}, trust_env=False, timeout=30)


def _statuses(server: Server) -> dict[str, int]:
    return {route: _get(server, route).status_code for route in ROUTES}


def test_down_while_serving_then_back_without_a_restart(backend: Backend) -> None:
    servers, restart, lexgraph = backend
    assert _get(lexgraph, "/health").status_code == 200
    assert _get(lexgraph, ROUTES[0]).json()["boolean"] is True  # keep-alive connections to the backend now exist
    # /data is not asked before the fault: its downloads, once built, are served from files.

    servers[0].stop()
    for route in ROUTES:
        response = _get(lexgraph, route)
        assert response.status_code == 503, (route, response.text)
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["error"] == "store_unavailable", (route, body)
        assert "does not answer" in body["message"], (route, body)
    assert lexgraph.process.poll() is None

    servers.append(restart())
    started = time.monotonic()
    statuses = _statuses(lexgraph)
    while any(s != 200 for s in statuses.values()) and time.monotonic() - started < RESUME_S:
        time.sleep(0.2)
        statuses = _statuses(lexgraph)
    assert statuses == {route: 200 for route in ROUTES}, lexgraph.log.read_text()[-3000:]
    assert _get(lexgraph, ROUTES[0]).json()["boolean"] is True
    assert _get(lexgraph, "/health").json()["graphs"] > 0
    downloads = _get(lexgraph, "/data").json()
    assert {d["format"] for d in downloads} == {"turtle", "nquads", "jsonld"} and all(d["bytes"] > 0 for d in downloads)


def test_a_backend_down_at_start_fails_at_once_in_one_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    env.update({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_STORE": "remote", "LEXGRAPH_PORT": str(free_port()),
                "LEXGRAPH_REMOTE_QUERY_URL": f"http://127.0.0.1:{port}/query",
                "LEXGRAPH_REMOTE_STORE_URL": f"http://127.0.0.1:{port}/store"})
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "lexgraph", "serve", "--no-access-log"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: the remote SPARQL server at http://127.0.0.1:{port}/query does not answer (ConnectError)"]
    assert elapsed < 15, elapsed  # at once: no waiting for a server that is not there
