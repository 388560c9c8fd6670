"""The query executors' sandbox: no network, no files beyond the store and the libraries,
bounded memory -- checked in child processes, so that pytest itself is never sandboxed.

The children come from a multiprocessing fork server, as the real executors do: a clean
single-threaded process, whatever threads (RocksDB's, say) earlier tests left in pytest.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from lexgraph.sandbox import SandboxReport, SandboxUnavailable, enter_sandbox, probe_sandbox

_CONTEXT = mp.get_context("forkserver")
EX = "http://example.org/"
MiB = 1024**2


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"), ox.DefaultGraph()))
    del store  # closes the store
    return str(path)


@dataclass
class Outcome:
    exitcode: int | None  # negative: killed by that signal
    report: SandboxReport | None
    value: Any  # what the scenario returned, or "raised <Type>: <message>"


def _child(conn: Connection, store_dir: str, memory_bytes: int | None, sandboxed: bool,
           scenario: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Child process: enter the sandbox, tell the parent over the pipe it was started with,
    run the scenario, send what it returned."""
    try:
        report = enter_sandbox(store_dir, memory_bytes) if sandboxed else None
        conn.send(report)
        conn.send(scenario(store_dir, *args))
    except BaseException as exc:
        conn.send(f"raised {type(exc).__name__}: {exc}")


def run_child(scenario: Callable[..., Any], store_dir: str, *args: Any, memory_bytes: int | None = None,
              sandboxed: bool = True, timeout_s: float = 60.0) -> Outcome:
    parent_conn, child_conn = _CONTEXT.Pipe()
    process = _CONTEXT.Process(target=_child, args=(child_conn, store_dir, memory_bytes, sandboxed, scenario, args))
    process.start()
    child_conn.close()
    received: list[Any] = []
    try:
        while len(received) < 2 and parent_conn.poll(timeout_s):
            received.append(parent_conn.recv())
    except EOFError:  # the child died
        pass
    process.join(timeout_s)
    if process.exitcode is None:
        process.kill()
        process.join()
        pytest.fail(f"the child process still ran after {timeout_s:g} s")
    parent_conn.close()
    report = received[0] if received and isinstance(received[0], SandboxReport) else None
    if received and isinstance(received[0], str):  # enter_sandbox itself raised
        return Outcome(process.exitcode, None, received[0])
    return Outcome(process.exitcode, report, received[1] if len(received) > 1 else None)


def _attempt(action: Callable[[], object]) -> str:
    try:
        action()
    except OSError as exc:
        return type(exc).__name__
    return "ok"


def _open_socket(family: int, kind: int = socket.SOCK_STREAM) -> None:
    socket.socket(family, kind).close()


def _sockets_and_pipes(store_dir: str, pipe: Connection) -> dict[str, str]:
    def socketpair_round_trip() -> None:
        left, right = socket.socketpair(socket.AF_UNIX)
        with left, right:
            left.sendall(b"ping")
            assert right.recv(4) == b"ping"

    outcomes = {
        "inet": _attempt(lambda: _open_socket(socket.AF_INET)),
        "inet6": _attempt(lambda: _open_socket(socket.AF_INET6)),
        "inet_udp": _attempt(lambda: _open_socket(socket.AF_INET, socket.SOCK_DGRAM)),
        "netlink": _attempt(lambda: _open_socket(socket.AF_NETLINK, socket.SOCK_RAW)),
        "packet": _attempt(lambda: _open_socket(socket.AF_PACKET, socket.SOCK_RAW)),
        "inet_socketpair": _attempt(lambda: socket.socketpair(socket.AF_INET)),
        "unix_socketpair": _attempt(socketpair_round_trip),
    }
    pipe.send_bytes(b"still here")  # a one-way pipe (os.pipe) made before the sandbox
    return outcomes


def test_only_unix_sockets_and_existing_pipes_work_in_the_sandbox(store_dir: str) -> None:
    reader, writer = _CONTEXT.Pipe(duplex=False)
    outcome = run_child(_sockets_and_pipes, store_dir, writer)
    writer.close()
    assert outcome.report is not None and outcome.report.seccomp
    assert outcome.value == {
        "inet": "PermissionError", "inet6": "PermissionError", "inet_udp": "PermissionError",
        "netlink": "PermissionError", "packet": "PermissionError", "inet_socketpair": "PermissionError",
        "unix_socketpair": "ok",
    }
    with reader:
        assert reader.poll(5) and reader.recv_bytes() == b"still here"
    assert outcome.exitcode == 0


def _service_then_local_query(store_dir: str, port: int) -> dict[str, object]:
    store = ox.Store.read_only(store_dir)
    try:
        list(store.query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
        service = "answered"
    except Exception as exc:
        service = f"{type(exc).__name__}: {exc}"
    rows = [(str(r["s"]), str(r["o"])) for r in store.query("SELECT ?s ?o { ?s ?p ?o }")]
    return {"service": service, "rows": rows}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback TCP listener that never answers, to count connection attempts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock


def _connections_waiting(listener: socket.socket) -> int:
    listener.setblocking(False)
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_a_service_clause_reaches_no_server_and_the_store_still_answers(
    store_dir: str, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    outcome = run_child(_service_then_local_query, store_dir, port, timeout_s=20)
    assert outcome.exitcode == 0, outcome
    assert isinstance(outcome.value, dict), outcome.value
    assert "Permission denied" in outcome.value["service"], outcome.value["service"]
    assert outcome.value["rows"] == [(f"<{EX}s>", '"o"')]
    assert _connections_waiting(listener) == 0


def test_without_the_sandbox_the_same_service_clause_connects(store_dir: str, listener: socket.socket) -> None:
    """The control for the test above: the listener does see an unconfined executor."""
    port = listener.getsockname()[1]
    parent_conn, child_conn = _CONTEXT.Pipe()
    args = (child_conn, store_dir, None, False, _service_then_local_query, (port,))
    process = _CONTEXT.Process(target=_child, args=args)
    process.start()
    child_conn.close()
    listener.settimeout(30)
    try:
        conn, _ = listener.accept()
        conn.close()  # the child's HTTP request then fails and it goes on
    finally:
        process.join(30)
        if process.exitcode is None:
            process.kill()
            process.join()
    assert parent_conn.recv() is None  # no sandbox report
    assert parent_conn.recv()["rows"] == [(f"<{EX}s>", '"o"')]
    parent_conn.close()


def _open_files(store_dir: str, outside: str) -> dict[str, str]:
    store_file = next(p for p in sorted(os.listdir(store_dir)) if p.endswith(".sst"))
    return {
        "outside": _attempt(lambda: open(outside, "rb").close()),
        "hostname": _attempt(lambda: open("/etc/hostname", "rb").close()),
        "write_outside": _attempt(lambda: open(outside, "ab").close()),
        "create_in_store": _attempt(lambda: open(os.path.join(store_dir, "new"), "xb").close()),
        "write_store_file": _attempt(lambda: open(os.path.join(store_dir, store_file), "ab").close()),
        "read_store_file": _attempt(lambda: open(os.path.join(store_dir, store_file), "rb").close()),
        "urandom": _attempt(lambda: os.urandom(8)),
    }


def test_files_outside_the_allowed_set_cannot_be_opened(store_dir: str, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    assert Path("/etc/hostname").is_file()
    outcome = run_child(_open_files, store_dir, str(outside))
    assert outcome.report is not None, outcome.value
    if outcome.report.landlock_abi is None:
        pytest.skip("this kernel has no Landlock, so files are not restricted (seccomp still is)")
    assert outcome.value == {
        "outside": "PermissionError", "hostname": "PermissionError", "write_outside": "PermissionError",
        "create_in_store": "PermissionError", "write_store_file": "PermissionError",
        "read_store_file": "ok", "urandom": "ok",
    }
    assert not (Path(store_dir) / "new").exists()
    assert outside.read_text() == "secret"


def _values(count: int) -> str:
    return " ".join(str(i) for i in range(count))


def _sort_cube(store_dir: str, side: int) -> int:
    """Sort side**3 rows: 8e9 rows for side 2000, far beyond any memory limit."""
    store = ox.Store.read_only(store_dir)
    values = _values(side)
    query = f"SELECT * {{ VALUES ?a {{{values}}} VALUES ?b {{{values}}} VALUES ?c {{{values}}} }} ORDER BY ?a ?b ?c"
    return sum(1 for _ in store.query(query))


def test_a_query_past_the_memory_limit_dies_instead_of_growing(store_dir: str) -> None:
    started = time.monotonic()
    outcome = run_child(_sort_cube, store_dir, 2000, memory_bytes=1024 * MiB, timeout_s=120)
    elapsed = time.monotonic() - started
    assert outcome.report is not None and outcome.report.memory_bytes == 1024 * MiB
    # A Rust allocation that fails aborts the process ("memory allocation of N bytes
    # failed", SIGABRT); an allocation on Python's side would raise MemoryError instead.
    # Without the limit the machine's OOM killer would end it (SIGKILL), much later.
    died = outcome.exitcode == -signal.SIGABRT
    raised = isinstance(outcome.value, str) and outcome.value.startswith("raised MemoryError")
    assert died or raised, f"exit code {outcome.exitcode}, value {outcome.value!r} after {elapsed:.1f} s"


@pytest.mark.parametrize("memory_bytes", [256 * MiB, 512 * MiB, 1024 * MiB])
def test_a_small_query_runs_under_the_memory_limit(store_dir: str, memory_bytes: int) -> None:
    outcome = run_child(_sort_cube, store_dir, 20, memory_bytes=memory_bytes)
    assert outcome.value == 20**3
    assert outcome.exitcode == 0


def _enter_after_opening(store_dir: str) -> str:
    ox.Store.read_only(store_dir)  # starts RocksDB threads, which Landlock would not cover
    try:
        enter_sandbox(store_dir, None)
    except RuntimeError as exc:
        return str(exc)
    return "entered"


def test_entering_with_threads_running_is_refused(store_dir: str) -> None:
    outcome = run_child(_enter_after_opening, store_dir, sandboxed=False)
    assert "single-threaded" in outcome.value


def test_probe_reports_the_layers_and_leaves_the_caller_unconfined(tmp_path: Path) -> None:
    started = time.monotonic()
    report = probe_sandbox(str(tmp_path))
    elapsed = time.monotonic() - started
    assert report.seccomp
    assert report.memory_bytes is None
    assert report.describe().startswith("query sandbox: seccomp on")
    assert elapsed < 5, f"probe_sandbox took {elapsed:.2f} s"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    assert status["NoNewPrivs"].strip() == "0"
    assert status["Seccomp"].strip() == "0"


def test_probe_fails_closed_without_libseccomp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyseccomp", None)  # "import pyseccomp" now fails
    with pytest.raises(SandboxUnavailable, match="LEXGRAPH_SANDBOX=off") as caught:
        probe_sandbox(str(tmp_path))
    assert "\n" not in str(caught.value)
    assert caught.value.code == "sandbox_unavailable"
