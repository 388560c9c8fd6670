"""Static files and HTML pages as a real server sends them: gzip bodies that decode to the
file, a year's caching for versioned URLs, revalidation with 304 for the others, nothing
outside ``static/`` whatever the path says, and the SPARQL hot path left uncompressed.

Requests go through ``http.client`` (which neither decodes gzip nor normalises ``..`` in a
path), so the test sees the bytes and the path exactly as sent."""

from __future__ import annotations

import gzip
import http.client
import urllib.parse
from pathlib import Path

import pytest

from lexgraph.api.compression import accepts_gzip
from lexgraph.api.static_assets import STATIC_DIR, file_digest, static_url
from lexgraph.api.static_delivery import IMMUTABLE, REVALIDATE, resolve

from .browser import BROWSER_ACCEPT
from .servers import Server

YEAR = "public, max-age=31536000, immutable"


def fetch(server: Server, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and the raw body of one request, the path sent verbatim."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("relative", ["yasgui/yasgui.min.js", "timeline.js", "timeline.css", "site.css"])
def test_versioned_urls_are_kept_a_year_and_gzip_decodes_to_the_file(embedded_server: Server, relative: str) -> None:
    url = static_url(relative)
    assert IMMUTABLE == YEAR and url.endswith(f"?v={file_digest(STATIC_DIR / relative)}")
    file = (STATIC_DIR / relative).read_bytes()
    status, headers, body = fetch(embedded_server, url, Accept_Encoding="gzip, deflate, br")
    assert status == 200
    assert headers["content-encoding"] == "gzip" and int(headers["content-length"]) == len(body) < len(file)
    assert gzip.decompress(body) == file
    assert headers["cache-control"] == YEAR
    assert "Accept-Encoding" in headers["vary"]
    assert headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
    # A client that does not take gzip gets the file itself, under the same rules.
    status, plain, body = fetch(embedded_server, url, Accept_Encoding="br;q=1, gzip;q=0")
    assert status == 200 and "content-encoding" not in plain and body == file
    assert plain["cache-control"] == YEAR and "Accept-Encoding" in plain["vary"] and plain["etag"] != headers["etag"]


def test_other_urls_revalidate_and_get_304(embedded_server: Server) -> None:
    relative = "timeline.js"
    file = (STATIC_DIR / relative).read_bytes()
    for url in (f"/static/{relative}", f"/static/{relative}?v=000000000000"):  # no version, an old version
        status, headers, body = fetch(embedded_server, url)
        assert status == 200 and body == file
        assert headers["cache-control"] == REVALIDATE == "no-cache"
        assert headers["etag"] == f'"{file_digest(STATIC_DIR / relative)}"' and headers["last-modified"]
        status, again, body = fetch(embedded_server, url, If_None_Match=headers["etag"])
        assert (status, body) == (304, b"") and again["etag"] == headers["etag"]
        status, _, body = fetch(embedded_server, url, If_Modified_Since=headers["last-modified"])
        assert (status, body) == (304, b"")
        status, _, body = fetch(embedded_server, url, If_None_Match='"not-this-version"')
        assert status == 200 and body == file
    # The gzip body has its own tag, and a client holding it gets 304 too.
    status, zipped, _ = fetch(embedded_server, f"/static/{relative}", Accept_Encoding="gzip")
    assert status == 200 and zipped["etag"].endswith('-gzip"')
    status, _, body = fetch(embedded_server, f"/static/{relative}", Accept_Encoding="gzip", If_None_Match=zipped["etag"])
    assert (status, body) == (304, b"")


def test_head_and_images(embedded_server: Server) -> None:
    url = static_url("yasgui/yasgui.min.js")
    _, get, _ = fetch(embedded_server, url, Accept_Encoding="gzip")
    status, head, body = fetch(embedded_server, url, "HEAD", Accept_Encoding="gzip")
    assert status == 200 and body == b""
    assert {k: head[k] for k in ("content-length", "content-encoding", "etag", "cache-control")} == \
        {k: get[k] for k in ("content-length", "content-encoding", "etag", "cache-control")}
    # A PNG is already compressed: sent as it is, nothing varies by encoding.
    png = "swagger-ui/favicon-32x32.png"
    status, headers, body = fetch(embedded_server, static_url(png), Accept_Encoding="gzip")
    assert status == 200 and body == (STATIC_DIR / png).read_bytes()
    assert "content-encoding" not in headers and "vary" not in headers and headers["content-type"] == "image/png"


TRAVERSALS = [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/%2E%2E/app.py", "/static/yasgui/../../app.py",
    "/static/yasgui/..%2f..%2fapp.py", "/static/yasgui/%2e%2e%2f%2e%2e%2fapp.py", "/static/..%5capp.py",
    "/static/%252e%252e/app.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/./timeline.js",
    "/static/.%2e/app.py", "/static/yasgui/%00", "/static/", "/static/yasgui",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_static_is_served(embedded_server: Server, path: str) -> None:
    status, headers, body = fetch(embedded_server, path)
    assert status in (400, 404), (status, body[:200])
    assert b"create_app" not in body and b"root:" not in body


def test_links_out_of_the_folder_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "static"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "ok.js").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve(root, "sub/ok.js") == (root / "sub" / "ok.js").resolve()
    for refused in ("link.txt", "../secret.txt", "sub/../ok.js", "sub", "sub//ok.js", ".hidden", "sub/ok.js\0"):
        assert resolve(root, refused) is None, refused


def test_pages_are_gzipped_but_not_query_answers(embedded_server: Server) -> None:
    status, headers, body = fetch(embedded_server, "/timeline?party=kazakhstan", Accept=BROWSER_ACCEPT,
                                  Accept_Encoding="gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    page = gzip.decompress(body)
    assert page.startswith(b"<!doctype html>") and int(headers["content-length"]) == len(body) < len(page)
    assert {v.strip() for v in headers["vary"].split(",")} >= {"Accept", "Accept-Encoding"}
    status, plain, body = fetch(embedded_server, "/timeline?party=kazakhstan", Accept=BROWSER_ACCEPT)
    assert status == 200 and "content-encoding" not in plain and body.startswith(b"<!doctype html>")
    # The SPARQL hot path answers as before: never compressed.
    query = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 200")
    status, answer, body = fetch(embedded_server, f"/sparql?query={query}", Accept="application/sparql-results+json",
                                 Accept_Encoding="gzip")
    assert status == 200 and "content-encoding" not in answer and body.startswith(b"{")


@pytest.mark.parametrize(("header", "gzip_ok"), [
    ("gzip", True), ("gzip, deflate, br, zstd", True), ("GZIP;q=0.5", True), ("x-gzip", True), ("*", True),
    ("br;q=1.0, *;q=0.1", True), (None, False), ("", False), ("identity", False), ("br", False),
    ("gzip;q=0", False), ("gzip;q=0.0, *", False), ("*;q=0", False), ("gzip;q=x", False),
])
def test_accept_encoding(header: str | None, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok
