"""Credentials for a remote server: sent only when it asks, as Basic or Digest as it asks, from
the URL, the settings or ~/.netrc, and never shown. A real HTTP server on loopback plays the
Graph Store endpoint (Virtuoso's Digest is tested against Virtuoso itself, in
tests/service/test_virtuoso.py)."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from lexgraph.config import load_settings
from lexgraph.errors import ConfigError, StoreUnavailable
from lexgraph.store.credentials import Credentials, redact, resolve
from lexgraph.store.embedded import SourceFile
from lexgraph.store.remote import push_files

USER, PASSWORD = "loader", "s3cret-Basic"


class _GraphStore(BaseHTTPRequestHandler):
    """Takes a PUT only with the right Basic credentials, and asks for them with a 401."""

    seen: list[str | None] = []
    challenge = True

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        given = self.headers.get("Authorization")
        type(self).seen.append(given)
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.challenge and given != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
        else:
            self.send_response(201 if self.command == "PUT" else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_DELETE = do_PUT  # noqa: N815 (a push with the entailed view off deletes that graph first)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def graph_store() -> Iterator[tuple[str, type[_GraphStore]]]:
    handler = type("Handler", (_GraphStore,), {"seen": [], "challenge": True})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def one_file(tmp_path: Path) -> list[SourceFile]:
    path = tmp_path / "a.ttl"
    path.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    return [SourceFile(path, "http://example.org/graph/a")]


def test_basic_credentials_are_sent_when_asked(graph_store: tuple[str, type[_GraphStore]],
                                                one_file: list[SourceFile]) -> None:
    url, handler = graph_store
    sent = push_files(url, one_file, entailment="off", user=USER, password=PASSWORD)
    assert "http://example.org/graph/a" in sent
    assert handler.seen[0] is None and str(handler.seen[-1]).startswith("Basic ")  # asked, then sent


def test_credentials_in_the_url_are_used_and_never_shown(graph_store: tuple[str, type[_GraphStore]],
                                                          one_file: list[SourceFile]) -> None:
    url, handler = graph_store
    push_files(url.replace("http://", f"http://{USER}:{PASSWORD}@"), one_file, entailment="off")
    assert handler.seen[-1] is not None
    with pytest.raises(StoreUnavailable) as refused:
        push_files(url.replace("http://", f"http://{USER}:wrong-pw@"), one_file, entailment="off")
    assert "not accepted" in str(refused.value) and "wrong-pw" not in str(refused.value)
    assert USER + ":" not in str(refused.value)


def test_a_server_that_does_not_ask_gets_no_credentials(graph_store: tuple[str, type[_GraphStore]],
                                                        one_file: list[SourceFile]) -> None:
    url, handler = graph_store
    handler.challenge = False
    push_files(url, one_file, entailment="off", user=USER, password=PASSWORD)
    assert handler.seen and all(given is None for given in handler.seen)


def test_credentials_come_from_the_url_then_the_settings_then_netrc(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine graphs.example login fromnetrc password netrc-pw\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert resolve("http://u:p%40ss@graphs.example/store", "settings", "pw") == (
        "http://graphs.example/store", Credentials("u", "p@ss"))
    assert resolve("http://graphs.example/store", "settings", "pw")[1] == Credentials("settings", "pw")
    assert resolve("http://graphs.example/store")[1] == Credentials("fromnetrc", "netrc-pw")
    assert resolve("http://other.example/store")[1] is None
    assert "netrc-pw" not in repr(resolve("http://graphs.example/store")[1])
    assert redact("https://u:p@host:8890/sparql?x=1") == "https://host:8890/sparql?x=1"


def test_user_and_password_go_together_and_the_password_is_not_in_repr(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="go together"):
        load_settings({"LEXGRAPH_REMOTE_USER": "loader"})
    settings = load_settings({"LEXGRAPH_REMOTE_USER": "loader", "LEXGRAPH_REMOTE_PASSWORD": "hidden-pw",
                              "LEXGRAPH_REMOTE_SYSTEM_GRAPHS": "none", "LEXGRAPH_REMOTE_GRAPHS": "https://a/* https://b"})
    assert "hidden-pw" not in repr(settings) and settings.remote_password == "hidden-pw"
    assert settings.remote_system_graphs == () and settings.remote_graphs == ("https://a/*", "https://b")
    assert load_settings({}).remote_system_graphs is None
