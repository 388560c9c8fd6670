"""Backend faults in remote mode, with a real Oxigraph server stopped and started again inside
the test: down while serving, every route answers 503 JSON ``store_unavailable``; back again
(a new process on the same port and store folder), answers resume without restarting lexgraph;
down at start, `lexgraph serve` fails at once with one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from .servers import REPO, Server, free_port, load_into, restart_oxigraph, start_lexgraph, start_oxigraph

ROUTES = ["/sparql?query=ASK%7B%7D", "/health", "/data"]
RESUME_S = 15.0
"""How long answers may take to come back once the backend answers again."""


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[Path, list[Server], Server]]:
    """A dedicated Oxigraph server loaded with the data (a list, so a test can replace it after a
    restart and the fixture stops the last one), and lexgraph in remote mode over it."""
    oxigraph = [start_oxigraph(tmp_path)]
    lexgraph = None
    try:
        load_into(oxigraph[0])
        lexgraph = start_lexgraph(tmp_path, {
            "LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": oxigraph[0].url + "/query",
            "LEXGRAPH_REMOTE_STORE_URL": oxigraph[0].url + "/store",
            "LEXGRAPH_CACHE_BYTES": "0",  # every answer from the backend, none from the cache
        })
        yield tmp_path, oxigraph, lexgraph
    finally:
        if lexgraph is not None:
            lexgraph.stop()
        oxigraph[-1].stop()


def _get(server: Server, route: str) -> httpx.Response:
    return httpx.get(server.url + route, headers={"Accept": "application/json"}, trust_env=False, timeout=30)


def _statuses(server: Server) -> dict[str, int]:
    return {route: _get(server, route).status_code for route in ROUTES}


def test_down_while_serving_then_back_without_a_restart(backend: tuple[Path, list[Server], Server]) -> None:
    tmp, oxigraph, lexgraph = backend
    assert _get(lexgraph, "/health").status_code == 200
    assert _get(lexgraph, ROUTES[0]).json()["boolean"] is True  # keep-alive connections to the backend now exist
    # /data is not asked before the fault: its downloads, once built, are served from files.

    oxigraph[0].stop()
    for route in ROUTES:
        response = _get(lexgraph, route)
        assert response.status_code == 503, (route, response.text)
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["error"] == "store_unavailable", (route, body)
        assert "does not answer" in body["message"], (route, body)
    assert lexgraph.process.poll() is None

    oxigraph.append(restart_oxigraph(oxigraph[0], tmp))
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
