"""uvicorn's HTTP protocol with JSON answers to requests it cannot parse.

uvicorn answers a malformed request (bad request line, bad header, bad chunking) itself,
before the app sees it, in plain text; every error of lexgraph is JSON, so these are too.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from .envelope import finish_headers


def json_400(transport: Any, message: str) -> None:
    """Write a JSON 400 and close the connection (the request stream cannot be trusted)."""
    body = json.dumps({"error": "bad_request", "message": f"{message.rstrip('.')}: the HTTP request is malformed"}).encode()
    headers = finish_headers([(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                              (b"connection", b"close")], cross_origin=False)
    transport.write(b"HTTP/1.1 400 Bad Request\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in headers) + b"\r\n" + body)
    transport.close()


class JsonErrorsH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        json_400(self.transport, msg)


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional; uvicorn then speaks HTTP through h11
    PROTOCOL = "lexgraph.api.http_protocol:JsonErrorsH11Protocol"
else:
    class JsonErrorsHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            json_400(self.transport, msg)

    PROTOCOL = "lexgraph.api.http_protocol:JsonErrorsHttpToolsProtocol"
