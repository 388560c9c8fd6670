"""Start real servers on loopback for the service tests: lexgraph (embedded or remote mode)
and an Oxigraph server from the `oxigraph` PyPI package. Every server binds 127.0.0.1 only
and is stopped when its fixture ends."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server process and its base URL."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def pids(self) -> list[int]:
        """The server's process and all its descendants (query executors included)."""
        return [int(p) for p in _descendants(self.process.pid)]


def _descendants(pid: int) -> list[int]:
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # the process ended meanwhile
        return out
    for child in children:
        out += _descendants(int(child))
    return out


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1.0, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} not up within {timeout_s} s:\n{log.read_text()[-3000:]}")


def _launch(cmd: list[str], port: int, log: Path, ready_path: str, **popen: Any) -> Server:
    """Start ``cmd`` in its own process group, its output in ``log``, and wait until
    ``ready_path`` answers on the port; stopped again if it never does."""
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **popen)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_up(server.url + ready_path, process, log)
    except Exception:
        server.stop()
        raise
    return server


def start_lexgraph(tmp: Path, extra_env: dict[str, str] | None = None) -> Server:
    """`python -m lexgraph serve` on a free loopback port."""
    port = free_port()
    log = tmp / f"lexgraph-{port}.log"
    env = {**os.environ, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(port),
           **(extra_env or {})}
    if "LEXGRAPH_STORE_DIR" not in (extra_env or {}):
        env.pop("LEXGRAPH_STORE_DIR", None)  # each test server builds its own store
    return _launch([sys.executable, "-m", "lexgraph", "serve", "--no-access-log"], port, log, "/health", cwd=REPO, env=env)


def start_oxigraph(tmp: Path, timeout_s: int = 5, port: int | None = None) -> Server:
    """An Oxigraph server (read-write, union default graph) on a free loopback port, or on
    ``port`` with the store folder of the server that ran there before (see
    :func:`restart_oxigraph`)."""
    beside = Path(sys.executable).with_name("oxigraph")  # the virtualenv's, when it is not on PATH
    binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the `oxigraph` server is not installed; `pip install oxigraph` (scripts/test.sh does)")
    port = port or free_port()
    location = tmp / f"oxigraph-{port}"
    log = tmp / f"oxigraph-{port}.log"
    if log.exists():  # a restart: keep the first run's output
        log = tmp / f"oxigraph-{port}-{time.monotonic_ns()}.log"
    return _launch([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                    "--union-default-graph", "--timeout-s", str(timeout_s)], port, log, "/query?query=ASK%7B%7D")


def restart_oxigraph(stopped: Server, tmp: Path, timeout_s: int = 5) -> Server:
    """A new Oxigraph server process on the port of ``stopped`` (started by
    :func:`start_oxigraph` in ``tmp``) and over the same store folder, so it holds the same data."""
    if stopped.process.poll() is None:
        raise RuntimeError("stop the server before starting it again")
    return start_oxigraph(tmp, timeout_s, port=int(stopped.url.rsplit(":", 1)[1]))


def load_into(oxigraph: Server) -> None:
    """`lexgraph load --to <Graph Store endpoint>`, as a user would run it."""
    result = subprocess.run([sys.executable, "-m", "lexgraph", "load", "--to", oxigraph.url + "/store"],
                            cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "LEXGRAPH_ROOT": str(REPO)})
    if result.returncode != 0:
        raise RuntimeError(f"lexgraph load failed: {result.stderr}")
