"""The Host header is the client's word: a description made for one request may name the host
it asked for, but never another request's; with LEXGRAPH_PUBLIC_URL the service names only
its public address."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from ..servers import Server
from .conftest import HOSTILE_SHARED, Servers
from .helpers import json_error, port_of

SD_ENDPOINT = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#endpoint")
ATTACKER = "attacker.example"
PUBLIC = "https://lexgraph.example.org"


def _endpoints(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/turtle"), response.headers
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    return {t.object.value for t in triples if t.predicate == SD_ENDPOINT and isinstance(t.object, ox.NamedNode)}


def _describe(server: Server, host: str | None = None, path: str = "/sparql") -> httpx.Response:
    headers = {"Accept": "text/turtle"}
    if host is not None:
        headers["Host"] = host
    return httpx.get(server.url + path, headers=headers, trust_env=False, timeout=60)


def _editor(server: Server, host: str | None = None) -> httpx.Response:
    headers = {"Accept": "text/html"}
    if host is not None:
        headers["Host"] = host
    return httpx.get(server.url + "/sparql", headers=headers, trust_env=False, timeout=60)


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


def test_a_forged_host_is_named_only_in_its_own_answer(server: Server) -> None:
    own = f"http://127.0.0.1:{port_of(server)}/sparql"
    forged = _describe(server, ATTACKER)
    assert _endpoints(forged) <= {f"http://{ATTACKER}/sparql"}, _endpoints(forged)
    for path in ("/sparql", "/"):
        normal = _describe(server, path=path)
        assert ATTACKER not in normal.text, f"{path}: a later request's description names {ATTACKER}"
        assert _endpoints(normal) == {own}, _endpoints(normal)
    _editor(server, ATTACKER)
    page = _editor(server)
    assert page.status_code == 200 and ATTACKER not in page.text
    data = httpx.get(server.url + "/data", trust_env=False, timeout=120)
    assert ATTACKER not in data.text, data.text[:300]


@pytest.mark.parametrize("host", ['evil.example>"<x', "evil.example}{", "evil example", "evil.example\\x",
                                  "[::1", "a" * 300, "evil.example:99999", "evil.example:-1", "%00", "`"])
def test_a_host_that_makes_no_iri_is_not_a_server_error(embedded_server: Server, host: str) -> None:
    for response in (_describe(embedded_server, host), _editor(embedded_server, host),
                     _describe(embedded_server, host, path="/")):
        assert response.status_code < 500, f"Host: {host!r} -> {response.status_code} {response.text[:300]}"
        if response.status_code >= 400:
            json_error(response, response.status_code)
    # and the next ordinary request names the ordinary address
    assert _endpoints(_describe(embedded_server)) == {f"http://127.0.0.1:{port_of(embedded_server)}/sparql"}


@pytest.fixture(scope="module")
def public_server(servers: Servers) -> Server:
    return servers.lexgraph({**HOSTILE_SHARED, "LEXGRAPH_PUBLIC_URL": PUBLIC})


def test_with_a_public_url_every_description_names_it(public_server: Server) -> None:
    for host in (None, ATTACKER, f"{ATTACKER}:8443", "127.0.0.1"):
        for path in ("/sparql", "/"):
            response = _describe(public_server, host, path)
            assert _endpoints(response) == {PUBLIC + "/sparql"}, (host, path, _endpoints(response))
            assert ATTACKER not in response.text
        page = _editor(public_server, host)
        assert page.status_code == 200 and ATTACKER not in page.text
