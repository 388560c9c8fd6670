"""Versioned URLs of the static files the pages load, so a browser may keep each file for a
year: the URL carries a digest of the file's bytes and changes whenever the file does
(:mod:`lexgraph.api.static_delivery` serves such URLs as immutable)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static"


@lru_cache(maxsize=None)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_digest(path: Path) -> str | None:
    """The version of a file: the start of the SHA-256 of its bytes, read again only when its
    modification time or size changes; None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def static_url(relative: str) -> str:
    """``/static/<relative>?v=<digest>`` for a file under ``static/``; the bare path when the
    file is missing (an unbuilt bundle: the page says so itself)."""
    digest = file_digest(STATIC_DIR / relative)
    return f"{STATIC_PREFIX}/{relative}" if digest is None else f"{STATIC_PREFIX}/{relative}?v={digest}"
