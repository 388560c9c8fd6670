"""``GET /static/<path>``: the script, style and image files the pages load, compressed and cached.

- **Cached.** A versioned URL (``?v=<digest>`` as :func:`lexgraph.api.static_assets.static_url`
  writes it, the digest matching the file now) may be kept for a year:
  ``Cache-Control: public, max-age=31536000, immutable``. Any other URL of a file (no ``v``, or
  a ``v`` of an older version) gets ``no-cache``: the browser asks again each time, with the
  ``ETag`` (the file's digest) or ``Last-Modified`` it has, and gets a bodiless 304 while the
  file is unchanged.
- **Compressed.** Text-like files go out gzipped to clients that accept it, compressed once
  per file version at level 9 in a worker thread and kept (yasgui.min.js: 1 MB, ~90 ms to
  compress, 280 kB gzipped; compressing per request would cost that each time). The gzip body
  has its own ETag (``"<digest>-gzip"``); both carry ``Vary: Accept-Encoding``.
- **Confined.** Only regular files under ``static/``: a path with an empty, ``.`` or ``..``
  segment, any hidden (dot) segment, a backslash or a NUL is refused as not found before the
  file system is asked, and so is a path that resolves (through a link) outside the folder.
  The URL path arrives percent-decoded, so ``%2e%2e`` is ``..`` here.

``HEAD`` is answered by the envelope from the ``GET`` (same headers, no body).
"""

from __future__ import annotations

import mimetypes
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..errors import NotFound
from .compression import MIN_BYTES, accepts_gzip, compressible, gzip_bytes
from .static_assets import STATIC_DIR, STATIC_PREFIX, file_digest

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".map": "application/json",
          ".json": "application/json", ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png"}

router = APIRouter(include_in_schema=False)


def resolve(root: Path, relative: str) -> Path | None:
    """The regular file ``relative`` names under ``root``; None for anything else (see the
    module docstring), without touching the file system for a refused name."""
    parts = relative.split("/")
    if any(not p or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    base = root.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def media_type(path: Path) -> str:
    """The Content-Type of a static file (text in UTF-8)."""
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind == "application/json" else kind


@lru_cache(maxsize=64)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:
    """One file version, gzipped; kept, keyed by its modification time and size."""
    return gzip_bytes(path.read_bytes())


def _unchanged(request: Request, etag: str, mtime: float) -> bool:
    """Whether the client's copy is current: ``If-None-Match`` (weak comparison, RFC 9110
    13.1.2) when sent, else ``If-Modified-Since``."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


@router.get(STATIC_PREFIX + "/{relative:path}")
async def static_file(relative: str, request: Request) -> Response:
    """One static file (see the module docstring)."""
    path = resolve(STATIC_DIR, relative)
    digest = file_digest(path) if path else None
    if path is None or digest is None:
        raise NotFound(f"no static file {relative!r}")
    stat = path.stat()
    kind = media_type(path)
    gzip = compressible(kind) and stat.st_size >= MIN_BYTES
    encode = gzip and accepts_gzip(request.headers.get("accept-encoding"))
    etag = f'"{digest}-gzip"' if encode else f'"{digest}"'
    headers = {"ETag": etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
               "Cache-Control": IMMUTABLE if request.query_params.get("v") == digest else REVALIDATE}
    if gzip:
        headers["Vary"] = "Accept-Encoding"
    if _unchanged(request, etag, stat.st_mtime):
        return Response(status_code=304, headers=headers)
    if encode:
        body = await run_in_threadpool(_gzipped, path, stat.st_mtime_ns, stat.st_size)
        headers["Content-Encoding"] = "gzip"
    else:
        body = await run_in_threadpool(path.read_bytes)
    return Response(body, media_type=kind, headers=headers)
