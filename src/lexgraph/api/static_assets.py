"""Versioned URLs of the static files the pages load, so a browser may keep each file for a
year: the URL carries a digest of the file's bytes and changes whenever the file does."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static"


@lru_cache(maxsize=None)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(relative: str) -> str:
    """``/static/<relative>?v=<digest>`` for a file under ``static/``; the bare path when the
    file is missing (an unbuilt bundle: the page says so itself)."""
    path = STATIC_DIR / relative
    try:
        stat = path.stat()
    except FileNotFoundError:
        return f"{STATIC_PREFIX}/{relative}"
    return f"{STATIC_PREFIX}/{relative}?v={_digest(path, stat.st_mtime_ns, stat.st_size)}"
