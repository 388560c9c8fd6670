"""A real server, spoken to over raw sockets, where holding a response's head back until its
body could go wrong (``lexgraph.api.http_protocol.HeadWithBody``): HEAD answers, the interim
100 Continue a client waits for before it sends its body, and pipelined requests."""

from __future__ import annotations

import json
import socket
from urllib.parse import quote

from .servers import Server

QUERY = "SELECT ?label WHERE { <https://w3id.org/lexgraph/id/party/kazakhstan> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"


def _connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def _read_response(sock: socket.socket, buffer: bytearray, head_only: bool = False) -> tuple[bytes, dict[str, str], bytes]:
    """One response from ``sock`` (the bytes after it stay in ``buffer``): status line, headers, body."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before a whole head arrived: {bytes(buffer)!r}"
        buffer += chunk
    head, _, _ = bytes(buffer).partition(b"\r\n\r\n")
    del buffer[:len(head) + 4]
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    length = 0 if head_only else int(headers["content-length"])
    while len(buffer) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed before the whole body arrived"
        buffer += chunk
    body = bytes(buffer[:length])
    del buffer[:length]
    return status.encode(), headers, body


def _get(path: str, method: str = "GET") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n".encode()


def _label(body: bytes) -> str:
    return str(json.loads(body)["results"]["bindings"][0]["label"]["value"])


def test_pipelined_requests_get_their_own_answers_in_order(embedded_server: Server) -> None:
    path = "/sparql?query=" + quote(QUERY)
    with _connect(embedded_server) as sock:
        sock.sendall(_get(path) + _get(path, "HEAD") + _get("/health") + _get(path))
        buffer = bytearray()
        first = _read_response(sock, buffer)
        head = _read_response(sock, buffer, head_only=True)
        health = _read_response(sock, buffer)
        last = _read_response(sock, buffer)
    assert first[0] == b"HTTP/1.1 200 OK" and _label(first[2]) == "Kazakhstan"
    assert head[0] == b"HTTP/1.1 200 OK" and int(head[1]["content-length"]) == len(first[2])
    assert health[0] == b"HTTP/1.1 200 OK" and "status" in json.loads(health[2])
    assert last[0] == b"HTTP/1.1 200 OK" and last[2] == first[2]


def test_a_head_request_is_answered_without_waiting_for_another_request(embedded_server: Server) -> None:
    with _connect(embedded_server) as sock:
        sock.sendall(_get("/sparql?query=" + quote(QUERY), "HEAD"))
        status, headers, _ = _read_response(sock, bytearray(), head_only=True)
    assert status == b"HTTP/1.1 200 OK" and int(headers["content-length"]) > 0


def test_a_client_that_expects_100_continue_gets_it_before_it_sends_the_body(embedded_server: Server) -> None:
    body = QUERY.encode()
    with _connect(embedded_server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        buffer = bytearray()
        interim = _read_response(sock, buffer, head_only=True)  # the body has not been sent yet
        sock.sendall(body)
        status, _, answer = _read_response(sock, buffer)
    assert interim[0] == b"HTTP/1.1 100 Continue"
    assert status == b"HTTP/1.1 200 OK" and _label(answer) == "Kazakhstan"
