"""Failures are answered, in JSON, with the right status: a remote store that is down or
whose answer breaks off, a killed executor, odd bytes in paths and parameters, malformed
HTTP, a stalled body; and start-up errors are one line, not a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from ..servers import REPO, Server, free_port
from .conftest import HOSTILE_SHARED, Servers
from .helpers import assert_answers, executor_pids, json_error, light, listening_socket, port_of, wait_for

QUERY_WORDS = ("SELECT", "PREFIX", "WHERE")


# --- the remote store is down ------------------------------------------------------------------

@pytest.fixture(scope="module")
def orphan(servers: Servers) -> Server:
    """A remote-mode lexgraph whose Oxigraph server has been stopped."""
    oxigraph = servers.oxigraph()
    server = servers.remote(oxigraph, HOSTILE_SHARED)
    assert httpx.get(server.url + "/health", trust_env=False, timeout=10).status_code == 200
    oxigraph.stop()
    return server


@pytest.mark.parametrize("path,params", [
    ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3 # after the store went away"}),
    ("/data", {}),
    ("/data/lexgraph.ttl", {}),
    ("/timeline", {"party": "kazakhstan"}),
    ("/health", {}),
])
def test_a_remote_store_that_is_down_gives_503(orphan: Server, path: str, params: dict[str, str]) -> None:
    response = httpx.get(orphan.url + path, params=params, trust_env=False, timeout=60)
    body = json_error(response, 503, "store_unavailable")
    if path == "/health":
        assert body.get("status") == "unavailable", body


# --- a remote answer that breaks off -----------------------------------------------------------

class FakeSparqlServer:
    """A SPARQL server on a raw loopback socket, backed by a small in-memory pyoxigraph store.
    A query that contains one of the trigger words gets a broken answer instead."""

    BROKEN_OFF = "BROKEN-OFF"
    GARBAGE = "GARBAGE-ANSWER"
    FAILS = "SERVER-FAILS"

    def __init__(self) -> None:
        self.store = ox.Store()
        self.store.load(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> <urn:x:d> .\n",
                        format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x:graph"))
        self.sock, self.port = listening_socket(16)
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.broken = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            try:
                conn.settimeout(5)
                self._handle(conn)
            except OSError:
                pass
            finally:
                conn.close()

    @staticmethod
    def _read_request(conn: socket.socket) -> tuple[str, str, dict[str, str], bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                raise OSError("closed")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return method, target, headers, body

    def _handle(self, conn: socket.socket) -> None:
        method, target, headers, body = self._read_request(conn)
        params = parse_qsl(urlsplit(target).query) + (parse_qsl(body.decode()) if method == "POST" else [])
        query = dict(params).get("query", "")
        accept = headers.get("accept", "application/sparql-results+json")
        if self.BROKEN_OFF in query:
            self.broken += 1
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: 100000\r\nConnection: close\r\n\r\n"
                         b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:x')
            return
        if self.GARBAGE in query:
            self._send(conn, 200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": [[[')
            return
        if self.FAILS in query:
            self._send(conn, 500, "text/plain", b"internal error: secret-stack-trace-of-the-remote")
            return
        try:
            result = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            self._send(conn, 400, "text/plain", str(exc).encode())
            return
        if isinstance(result, ox.QueryTriples):
            self._send(conn, 200, "application/n-triples", result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
            return
        fmt, media = ox.QueryResultsFormat.JSON, "application/sparql-results+json"
        if "tab-separated" in accept:
            fmt, media = ox.QueryResultsFormat.TSV, "text/tab-separated-values"
        elif "sparql-results+xml" in accept:
            fmt, media = ox.QueryResultsFormat.XML, "application/sparql-results+xml"
        elif "text/csv" in accept:
            fmt, media = ox.QueryResultsFormat.CSV, "text/csv"
        self._send(conn, 200, media, result.serialize(format=fmt) or b"")

    @staticmethod
    def _send(conn: socket.socket, status: int, media: str, body: bytes) -> None:
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: {media}\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + body)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def fake_sparql() -> Iterator[FakeSparqlServer]:
    fake = FakeSparqlServer()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def over_fake(servers: Servers, fake_sparql: FakeSparqlServer) -> Server:
    return servers.lexgraph({**HOSTILE_SHARED, "LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": fake_sparql.url,
                             "LEXGRAPH_STORE_CHECK_S": "0"})


def test_a_remote_answer_that_breaks_off_gives_502(over_fake: Server, fake_sparql: FakeSparqlServer) -> None:
    ok = httpx.get(over_fake.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, trust_env=False, timeout=30)
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 2, ok.text[:300]
    for n in range(2):
        query = f"SELECT * {{ ?s ?p ?o }} # {FakeSparqlServer.BROKEN_OFF} {n}"
        response = httpx.get(over_fake.url + "/sparql", params={"query": query}, trust_env=False, timeout=30)
        json_error(response, 502, "bad_gateway")
        construct = f"CONSTRUCT WHERE {{ ?s ?p ?o }} # {FakeSparqlServer.BROKEN_OFF} {n}"
        response = httpx.get(over_fake.url + "/sparql", params={"query": construct}, trust_env=False, timeout=30)
        json_error(response, 502, "bad_gateway")
    assert fake_sparql.broken >= 4
    garbage = httpx.get(over_fake.url + "/sparql", params={"query": f"SELECT * {{ ?s ?p ?o }} # {FakeSparqlServer.GARBAGE}"},
                        trust_env=False, timeout=30)
    json_error(garbage, 502, "bad_gateway")
    failed = httpx.get(over_fake.url + "/sparql", params={"query": f"SELECT * {{ ?s ?p ?o }} # {FakeSparqlServer.FAILS}"},
                       trust_env=False, timeout=30)
    body = json_error(failed, 503, "store_unavailable")
    assert "secret-stack-trace" not in body["message"], body
    again = httpx.get(over_fake.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o } # again"}, trust_env=False, timeout=30)
    assert again.status_code == 200, again.text[:300]


# --- a dedicated embedded server for the rest --------------------------------------------------

@pytest.fixture(scope="module")
def strict(servers: Servers) -> Server:
    return servers.lexgraph({**HOSTILE_SHARED, "LEXGRAPH_EXECUTORS": "2", "LEXGRAPH_BODY_TIMEOUT_S": "2"})


def _wait_for_executors(server: Server, n: int) -> list[int]:
    assert wait_for(lambda: len(executor_pids(server)) == n, 10), \
        f"expected {n} executors, found {executor_pids(server)}"
    return executor_pids(server)


def test_a_killed_idle_executor_is_replaced(strict: Server) -> None:
    assert httpx.get(strict.url + "/sparql", params={"query": light(-1)}, trust_env=False, timeout=30).status_code == 200
    executors = _wait_for_executors(strict, 2)
    os.kill(executors[0], signal.SIGKILL)
    time.sleep(0.3)
    with httpx.Client(trust_env=False, timeout=30) as http:
        for n in range(4):
            started = time.monotonic()
            response = http.get(strict.url + "/sparql", params={"query": light(n)})
            elapsed = time.monotonic() - started
            assert response.status_code == 200, f"query {n} after the kill: {response.status_code} {response.text[:300]}"
            assert elapsed < 5, f"query {n} after the kill took {elapsed:.1f} s"
    after = _wait_for_executors(strict, 2)
    assert executors[0] not in after


def test_every_executor_killed_at_once_is_replaced(strict: Server) -> None:
    time.sleep(1.0)  # a replacement started by the previous test has opened the store by now
    executors = _wait_for_executors(strict, 2)
    for pid in executors:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    with httpx.Client(trust_env=False, timeout=30) as http:
        for n in range(4):
            response = http.get(strict.url + "/sparql", params={"query": light(100 + n)})
            assert response.status_code == 200, f"query {n} after killing all: {response.status_code} {response.text[:300]}"
    assert not set(executors) & set(_wait_for_executors(strict, 2))


@pytest.fixture(scope="module")
def fragile(servers: Servers) -> Server:
    """A server of its own for the test below, which may leave it without executors."""
    return servers.lexgraph({**HOSTILE_SHARED, "LEXGRAPH_EXECUTORS": "2"})


def test_an_executor_killed_while_it_starts_is_replaced(fragile: Server) -> None:
    """Kill every executor, then kill each replacement while it is still opening the store
    (as a crash or the OOM killer might): the pool must start new ones, not shrink for good."""
    assert httpx.get(fragile.url + "/sparql", params={"query": light(-1)}, trust_env=False, timeout=30).status_code == 200
    time.sleep(1.0)
    old = set(_wait_for_executors(fragile, 2))
    for pid in old:
        os.kill(pid, signal.SIGKILL)
    answers: list[httpx.Response] = []
    asker = threading.Thread(target=lambda: answers.append(httpx.get(
        fragile.url + "/sparql", params={"query": light(-2), "timeout": "3"}, trust_env=False, timeout=30)))
    asker.start()
    killed: set[int] = set()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        for pid in executor_pids(fragile):
            if pid not in old and pid not in killed:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        time.sleep(0.002)
    asker.join(timeout=30)
    assert killed, "no replacement executor was started after the kill"
    statuses = []
    for n in range(3):
        response = httpx.get(fragile.url + "/sparql", params={"query": light(200 + n), "timeout": "3"},
                             trust_env=False, timeout=30)
        statuses.append((response.status_code, response.text[:200]))
        if response.status_code == 200:
            break
        time.sleep(1.0)
    assert statuses[-1][0] == 200, (
        f"after {len(killed)} replacements were killed while starting, the next queries got {statuses}; "
        f"executors now: {executor_pids(fragile)}")


@pytest.mark.parametrize("path,params", [
    ("/id/%00", {}),
    ("/id/party/%00", {}),
    ("/id/%ff%fe", {}),
    ("/id/a%3E%20%3Cb", {}),
    ("/id/%22%20%7D%20SELECT", {}),
    ("/timeline", {"party": "\x00"}),
    ("/timeline", {"party": "kazakhstan", "treaty": "\x00"}),
    ("/timeline", {"party": '"> } SELECT * {'}),
    ("/timeline", {"party": "kazakhstan", "from": "\x00"}),
    ("/in-force", {"party": "\x00", "date": "2005-01-01"}),
    ("/in-force", {"party": "kazakhstan", "date": "\x00"}),
    ("/search", {"q": "\x00"}),
    ("/graph/neighbours", {"node": "\x00"}),
    ("/graph/paths", {"from": "\x00", "to": "party/kazakhstan"}),
    ("/graph/ancestors", {"node": "\x00", "relation": "part-of"}),
    ("/def/%00", {}),
    ("/vocab/%00", {}),
])
def test_odd_bytes_get_a_json_4xx_that_shows_no_query(strict: Server, path: str, params: dict[str, str]) -> None:
    url = strict.url + path
    response = httpx.get(url, params=params, headers={"Accept": "application/json, text/turtle;q=0.5"},
                         trust_env=False, timeout=30)
    body = json_error(response, range(400, 500))
    for word in QUERY_WORDS:
        assert word not in body["message"].upper() or word in str(params).upper() + path.upper(), \
            f"{path} {params}: the message shows a query: {body['message'][:300]}"
    assert "/tmp" not in body["message"] and "Traceback" not in body["message"], body


def _raw(server: Server, payload: bytes, read_timeout: float = 10.0) -> tuple[bytes, float]:
    """Send ``payload`` on a fresh connection; the bytes until the server closes or a whole
    response with a body has arrived, and the seconds it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=read_timeout) as sock:
        sock.sendall(payload)
        reply = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            reply += chunk
            head, sep, body = reply.partition(b"\r\n\r\n")
            if sep:
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), None)
                if length is not None and len(body) >= length:
                    break
    return reply, time.monotonic() - started


def _json_reply(reply: bytes, status: int) -> dict[str, object]:
    import json

    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status}".encode()), reply[:300]
    assert b"application/json" in head.lower(), reply[:300]
    parsed = json.loads(body)
    assert isinstance(parsed, dict) and isinstance(parsed.get("error"), str) and isinstance(parsed.get("message"), str)
    return parsed


@pytest.mark.parametrize("payload", [
    b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40 + b"\r\n\r\n",
])
def test_malformed_http_gets_a_json_400(strict: Server, payload: bytes) -> None:
    reply, _ = _raw(strict, payload)
    _json_reply(reply, 400)


def test_a_stalled_body_gets_408_within_the_body_timeout(strict: Server) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\n")
    reply, elapsed = _raw(strict, head + b"SELECT * {", 15)
    body = _json_reply(reply, 408)
    assert body["error"] == "body_timeout", body
    assert 1.5 <= elapsed < 4.0, f"answered after {elapsed:.1f} s; LEXGRAPH_BODY_TIMEOUT_S=2"
    # a form body stalled the same way
    reply, elapsed = _raw(strict, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nquery=ASK", 15)
    assert _json_reply(reply, 408)["error"] == "body_timeout" and elapsed < 4.0, (reply[:200], elapsed)
    assert httpx.get(strict.url + "/sparql", params={"query": light(7)}, trust_env=False, timeout=30).status_code == 200


# --- start-up errors ---------------------------------------------------------------------------

def _serve_fails(tmp: Path, env_extra: dict[str, str]) -> tuple[int, str, str]:
    env = {**os.environ, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(free_port()),
           **env_extra}
    if "LEXGRAPH_STORE_DIR" not in env_extra:
        env.pop("LEXGRAPH_STORE_DIR", None)
    process = subprocess.Popen([sys.executable, "-m", "lexgraph", "serve", "--no-access-log"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate(timeout=10)
        pytest.fail(f"`lexgraph serve` with {env_extra} was still running after 60 s:\n{err.decode()[-2000:]}")
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def _check_one_line(code: int, out: str, err: str, mentions: tuple[str, ...]) -> None:
    assert code != 0, f"exit code 0:\n{err}"
    assert "Traceback" not in err and "Traceback" not in out, f"a traceback:\n{err[-3000:]}"
    lines = [line for line in err.splitlines() if any(m in line for m in mentions)]
    assert 1 <= len(lines) <= 3, f"{len(lines)} lines of stderr mention {mentions}:\n{err[-3000:]}"


def test_startup_with_a_remote_store_that_does_not_answer_fails_in_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = _serve_fails(tmp_path, {"LEXGRAPH_STORE": "remote", "LEXGRAPH_REMOTE_QUERY_URL": url})
    _check_one_line(code, out, err, ("LEXGRAPH_REMOTE_QUERY_URL", url))


def test_startup_with_a_store_dir_under_a_file_fails_in_one_line(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    store_dir = afile / "store"
    code, out, err = _serve_fails(tmp_path, {"LEXGRAPH_STORE_DIR": str(store_dir)})
    _check_one_line(code, out, err, ("LEXGRAPH_STORE_DIR", str(store_dir)))


@pytest.mark.parametrize("name,value", [
    ("LEXGRAPH_EXECUTORS", "many"),
    ("LEXGRAPH_PUBLIC_URL", "ftp://lexgraph.example.org"),
    ("LEXGRAPH_STORE", "elsewhere"),
    ("LEXGRAPH_PORT", "99999"),
])
def test_startup_with_a_bad_setting_fails_in_one_line(tmp_path: Path, name: str, value: str) -> None:
    code, out, err = _serve_fails(tmp_path, {name: value})
    _check_one_line(code, out, err, (name, value))


def test_startup_on_a_port_in_use_fails_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out, err = _serve_fails(tmp_path, {"LEXGRAPH_PORT": str(port)})
    assert code != 0, err
    assert "Traceback" not in err and "Traceback" not in out, err[-3000:]


def _read_until_closed(sock: socket.socket) -> bytes:
    reply = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return reply + b"<still open>"
        if not chunk:
            return reply
        reply += chunk


def test_slow_headers_get_408_and_idle_connections_are_closed(strict: Server) -> None:
    """Slowloris: connections that send nothing, or trickle their headers, are not held open."""
    port = port_of(strict)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as idle, \
            socket.create_connection(("127.0.0.1", port), timeout=15) as trickle, \
            socket.create_connection(("127.0.0.1", port), timeout=15) as kept:
        trickle.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        kept.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _read_until_closed(idle) == b""  # closed without an answer nobody asked for
        _json_reply(_read_until_closed(trickle), 408)
        answered = _read_until_closed(kept)
        assert answered.startswith(b"HTTP/1.1 200") and answered.count(b"HTTP/1.1") == 1, answered[:300]
    assert time.monotonic() - started < 2 + 5, "the deadline is LEXGRAPH_BODY_TIMEOUT_S=2"
    assert_answers(strict)
