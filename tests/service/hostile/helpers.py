"""What the hostile tests share: a loopback listener that answers with a marker, error-shape
checks, process and memory readings of a running server, and the corpus of SERVICE/LOAD
spellings."""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterable

import httpx

from ..servers import Server

TESTS_DIR = Path(__file__).resolve().parents[2]

LIGHT = ("SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> "
         "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }")
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_NAMED = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
TREATIES = "https://w3id.org/lexgraph/graph/data/treaties"
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}


def light(n: int) -> str:
    """A cheap query that no cache has seen: the label lookup with a distinct comment."""
    return f"# probe {n} {uuid.uuid4().hex}\n{LIGHT}"


def client(**kwargs: Any) -> httpx.Client:
    kwargs.setdefault("timeout", 30.0)
    return httpx.Client(trust_env=False, **kwargs)


def port_of(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


# --- the error shape --------------------------------------------------------------------

def json_error(response: httpx.Response, status: int | Iterable[int], code: str | Iterable[str] | None = None) -> dict[str, Any]:
    """Check that ``response`` is a JSON error with the given status (and code) and return its body."""
    statuses = {status} if isinstance(status, int) else set(status)
    where = f"{response.request.method} {str(response.request.url)[:200]}"
    assert response.status_code in statuses, f"{where}: {response.status_code} {response.text[:500]}"
    media = response.headers.get("content-type", "")
    assert media.startswith("application/json"), f"{where}: {response.status_code} error is {media!r}: {response.text[:300]}"
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str), \
        f"{where}: not the error shape: {response.text[:300]}"
    if code is not None:
        codes = {code} if isinstance(code, str) else set(code)
        assert body["error"] in codes, f"{where}: {response.status_code} {body}"
    return body


def assert_answers(server: Server, query: str = LIGHT) -> None:
    """The server still answers a normal query (with a comment no cache has seen)."""
    response = httpx.get(server.url + "/sparql", params={"query": light(0) if query == LIGHT else query},
                         trust_env=False, timeout=30)
    assert response.status_code == 200, response.text[:500]


# --- a loopback listener that answers with a marker ------------------------------------------

def listening_socket(backlog: int) -> tuple[socket.socket, int]:
    """A TCP socket listening on a free loopback port, with a short accept timeout so the
    thread that accepts on it can notice when to stop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    sock.settimeout(0.2)
    return sock, int(sock.getsockname()[1])


class MarkerListener:
    """A loopback TCP listener that counts every connection and answers each with an HTTP
    response whose body holds :attr:`marker` (SPARQL JSON results, so a SERVICE call that
    got through would carry the marker into an answer)."""

    def __init__(self) -> None:
        self.marker = "hostile-marker-" + uuid.uuid4().hex
        self.sock, self.port = listening_socket(64)
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.peers: list[tuple[str, int]] = []
        self._stop = threading.Event()
        body = json.dumps({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": [
            {v: {"type": "literal", "value": self.marker} for v in ("s", "p", "o")}]}}).encode()
        self._reply = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            self.peers.append(peer)
            try:
                conn.settimeout(0.5)
                try:
                    conn.recv(65536)
                except OSError:
                    pass
                conn.sendall(self._reply)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


# --- processes of a running server -----------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def ppid_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_bytes(pid: int) -> int:
    """VmRSS of ``pid`` (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def web_pid(server: Server) -> int:
    """The uvicorn process: with one worker it is `python -m lexgraph serve` itself."""
    pid = server.process.pid
    assert "lexgraph" in cmdline(pid) and "serve" in cmdline(pid), cmdline(pid)
    return pid


def forkserver_pid(server: Server) -> int:
    candidates = [p for p in server.pids() if "forkserver" in cmdline(p) and ppid_of(p) == server.process.pid]
    assert len(candidates) == 1, [(p, cmdline(p)) for p in server.pids()]
    return candidates[0]


def executor_pids(server: Server) -> list[int]:
    """The query executors: the children of the fork server (which shares their cmdline)."""
    fork = forkserver_pid(server)
    return [p for p in server.pids() if ppid_of(p) == fork]


def wait_for(predicate: Any, timeout_s: float, every_s: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every_s)
    return bool(predicate())


# --- the corpus -------------------------------------------------------------------------------

def corpus_spellings(url: str) -> list[str]:
    """``service_and_load_spellings(url)`` from tests/hostile_corpus.py (importable as
    ``tests.hostile_corpus`` or, under this repository's pytest layout, ``hostile_corpus``)."""
    try:
        from tests.hostile_corpus import service_and_load_spellings  # type: ignore[import-not-found]
    except ImportError:
        if str(TESTS_DIR) not in sys.path:
            sys.path.insert(0, str(TESTS_DIR))
        from hostile_corpus import service_and_load_spellings  # type: ignore[import-not-found,no-redef]
    spellings = list(service_and_load_spellings(url))
    assert len(spellings) >= 50, f"the corpus has only {len(spellings)} spellings"
    return spellings


def own_spellings(url: str) -> list[str]:
    """A few spellings of our own, in case the corpus misses one."""
    t = f"<{url}/sparql>"
    return [
        f"SELECT * WHERE {{ SERVICE {t} {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent {t} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE\t{t}{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE {t} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE {t} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n{t} {{ ?s ?p ?o }} }}",
        f"BASE <{url}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{url}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND({t} AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ {t} }} SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE {t} {{ ?s ?p ?o }} }} }}",
        f"ASK {{ FILTER NOT EXISTS {{ SERVICE SILENT {t} {{ ?s ?p ?o }} }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE {t} {{ ?s ?p ?o }} }}",
        f"CONSTRUCT WHERE {{ SERVICE {t} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ {{ SELECT * {{ {{ SERVICE {t} {{ ?s ?p ?o }} }} UNION {{ }} }} }} }}",
        f"LOAD {t}",
        f"LOAD SILENT {t} INTO GRAPH <urn:x>",
        f"load\n{t}",
        f"PREFIX x: <{url}/> LOAD x:sparql",
        f"SELECT * {{}} ; LOAD {t}",
        f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD {t}",
    ]


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_escapes(query: str) -> str:
    """``query`` with its ``\\u``/``\\U`` escapes decoded."""
    return _CODEPOINT_ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), query)


def is_update(query: str) -> bool:
    """Whether a spelling is an update (LOAD, INSERT, ...) rather than a SERVICE query."""
    words = set()
    for raw in decode_escapes(query).upper().replace("{", " ").replace("}", " ").split():
        words.add(raw.strip("();"))
    return bool(words & {"LOAD", "INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}) \
        and "SERVICE" not in words
