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


@dataclass
class VirtuosoServer(Server):
    """A Virtuoso server: its HTTP base URL (``url``) and its SQL port (for ``isql-vt``)."""

    sql_port: int
    folder: Path

    def isql(self, sql: str, password: str = "dba") -> str:
        """Run SQL statements as the ``dba`` user (Virtuoso's administrator)."""
        isql = shutil.which("isql-vt")
        if isql is None:
            raise RuntimeError("isql-vt is missing: it comes with virtuoso-opensource (scripts/test.sh installs it)")
        result = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", password, f"exec={sql}"],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql-vt failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")
        return result.stdout


VIRTUOSO_LOADER = ("lexgraph_loader", "Loader-pw-7c1e")
"""The Virtuoso user the tests load data as (allowed SPARQL updates, so the Graph Store
endpoint ``/sparql-graph-crud-auth`` takes its writes), and its password."""


def start_virtuoso(tmp: Path, max_rows: int = 20_000) -> VirtuosoServer:
    """Debian's Virtuoso 7 (``virtuoso-opensource``) on free loopback ports, with a new
    database in its own folder and a virtuoso.ini written here: answers cut at ``max_rows``
    (its ResultSetMaxRows), a user allowed to write (:data:`VIRTUOSO_LOADER`)."""
    http_port, sql_port = free_port(), free_port()
    folder = tmp / f"virtuoso-{http_port}"
    folder.mkdir()
    vsp = Path("/var/lib/virtuoso-opensource-7/vsp")
    (folder / "virtuoso.ini").write_text(f"""\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp if vsp.is_dir() else folder}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
""")
    server = _run_virtuoso(tmp, folder, http_port, sql_port)
    try:
        user, password = VIRTUOSO_LOADER
        server.isql(f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\";")
    except Exception:
        server.stop()
        raise
    return server


def _run_virtuoso(tmp: Path, folder: Path, http_port: int, sql_port: int) -> VirtuosoServer:
    """``virtuoso-t`` over the database and virtuoso.ini in ``folder``, once it answers SPARQL."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("Virtuoso is not installed: `apt-get install --no-install-recommends "
                           "virtuoso-opensource` (scripts/test.sh does)")
    log = tmp / f"virtuoso-{http_port}.log"
    if log.exists():  # a restart: keep the first run's output
        log = tmp / f"virtuoso-{http_port}-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = VirtuosoServer(process, f"http://127.0.0.1:{http_port}", log, sql_port, folder)
    try:
        wait_until_up(server.url + "/sparql?query=ASK%7B%7D", process, log)
    except Exception:
        server.stop()
        raise
    return server


def restart_virtuoso(stopped: VirtuosoServer, tmp: Path) -> VirtuosoServer:
    """A new Virtuoso process on the ports of ``stopped`` (started by :func:`start_virtuoso` in
    ``tmp``) and over the same database folder, so it holds the same data and users."""
    if stopped.process.poll() is None:
        raise RuntimeError("stop the server before starting it again")
    return _run_virtuoso(tmp, stopped.folder, int(stopped.url.rsplit(":", 1)[1]), stopped.sql_port)


def load_into_virtuoso(virtuoso: Server, *paths: str, credentials: tuple[str, str] = VIRTUOSO_LOADER,
                       url_credentials: bool = False) -> subprocess.CompletedProcess[str]:
    """`lexgraph load --to <…/sparql-graph-crud-auth>` with credentials from the settings
    (or, with ``url_credentials``, in the URL), as a user would run it; the finished process."""
    user, password = credentials
    target = virtuoso.url + "/sparql-graph-crud-auth"
    env = {**os.environ, "LEXGRAPH_ROOT": str(REPO)}
    if url_credentials:
        target = target.replace("http://", f"http://{user}:{password}@", 1)
    else:
        env.update(LEXGRAPH_REMOTE_USER=user, LEXGRAPH_REMOTE_PASSWORD=password)
    return subprocess.run([sys.executable, "-m", "lexgraph", "load", *paths, "--to", target],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
