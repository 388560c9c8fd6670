"""Whole-graph downloads for people who want the data rather than the service.

Each export is written once to a file, with its size and SHA-256, and served from there.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import StoreUnavailable
from .media import GRAPH_FORMATS, Format

EXPORT_FORMATS: tuple[Format, ...] = tuple(f for f in GRAPH_FORMATS if f.name in ("turtle", "nquads", "jsonld"))


@dataclass(frozen=True)
class Export:
    """One downloadable file."""

    format: Format
    path: Path
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name


def _write_whole(path: Path, body: bytes) -> None:
    """Write ``path`` through a temporary file, so a failed write leaves no half file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(body)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class Exportable(Protocol):
    async def export(self, fmt: Format) -> bytes: ...


class Exports:
    """Builds the downloads on first use and remembers them until :meth:`clear`."""

    def __init__(self, store: Exportable, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._built: dict[str, Export] = {}
        self._lock = asyncio.Lock()

    async def get(self, fmt: Format) -> Export:
        async with self._lock:
            if fmt.name not in self._built:
                body = await self.store.export(fmt)
                path = self.folder / f"lexgraph.{fmt.extension}"
                try:
                    await asyncio.to_thread(_write_whole, path, body)
                except OSError as exc:
                    raise StoreUnavailable(f"the download lexgraph.{fmt.extension} cannot be written on the server "
                                           f"({exc.strerror or type(exc).__name__})") from None
                self._built[fmt.name] = Export(fmt, path, len(body), hashlib.sha256(body).hexdigest())
            return self._built[fmt.name]

    def clear(self) -> None:
        """Forget the files built so far (the store changed); each is rebuilt on next use."""
        self._built = {}

    async def all(self) -> list[Export]:
        return [await self.get(fmt) for fmt in EXPORT_FORMATS]
