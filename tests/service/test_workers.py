"""Several web workers (LEXGRAPH_WORKERS=2, src/lexgraph/api/workers.py), on a real server:
connections reach both workers, a worker that dies is replaced while the other serves, and
SIGTERM stops every process of the service."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from .servers import Server, start_lexgraph

CONNECTIONS = 16
"""All of them reach the same worker by chance with probability 2 ** -15."""


@pytest.fixture()
def two_workers(tmp_path: Path) -> Iterator[Server]:
    server = start_lexgraph(tmp_path, {"LEXGRAPH_WORKERS": "2", "LEXGRAPH_EXECUTORS": "1"})
    try:
        yield server
    finally:
        server.stop()


def workers_of(server: Server) -> list[int]:
    """The web workers: the children of the serving process that multiprocessing spawned."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def owner_of_connection(client_port: int, server_port: int, owners: dict[str, int]) -> int | None:
    """The pid holding the server's end of the loopback connection from ``client_port``."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, remote_port = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
        if local_port == server_port and remote_port == client_port:
            return owners.get(fields[9])
    return None


def listening_sockets(port: int) -> int:
    """How many sockets listen on ``port`` (state 0A in /proc/net/tcp)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A")


def wait_for(condition, timeout_s: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_connections_are_spread_over_both_workers(two_workers: Server) -> None:
    workers = workers_of(two_workers)
    assert len(workers) == 2
    port = int(two_workers.url.rsplit(":", 1)[1])
    assert wait_for(lambda: listening_sockets(port) == 2)  # a worker listens once its app has started
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
    try:
        for client in clients:  # an answered request proves the connection was accepted
            client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(65536).startswith(b"HTTP/1.1 ")
        owners = {inode: pid for pid in workers for inode in socket_inodes(pid)}
        holders = [owner_of_connection(c.getsockname()[1], port, owners) for c in clients]
    finally:
        for client in clients:
            client.close()
    assert None not in holders
    assert set(holders) == set(workers), f"connections per worker: {[holders.count(w) for w in workers]}"


def test_a_worker_that_dies_is_replaced_while_the_other_serves(two_workers: Server) -> None:
    first, second = workers_of(two_workers)
    os.kill(first, signal.SIGKILL)
    for _ in range(20):  # every new connection is answered, by the other worker or the new one
        assert httpx.get(two_workers.url + "/health", timeout=10, trust_env=False).status_code == 200
    assert wait_for(lambda: len(workers_of(two_workers)) == 2 and first not in workers_of(two_workers))
    assert second in workers_of(two_workers)
    answer = httpx.get(two_workers.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30,
                       headers={"Accept": "application/sparql-results+json"}, trust_env=False)
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_sigterm_stops_every_process_of_the_service(two_workers: Server) -> None:
    processes = two_workers.pids()
    assert len(processes) > 3  # the supervisor, two workers, their executors
    os.kill(two_workers.process.pid, signal.SIGTERM)
    two_workers.process.wait(timeout=30)
    assert wait_for(lambda: not still_running(processes), timeout_s=20), still_running(processes)


def still_running(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running: an ended process (or a zombie) has no command line."""
    return [pid for pid in pids if _cmdline(pid)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
