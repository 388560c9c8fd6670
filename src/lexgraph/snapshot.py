"""Values derived from the store, kept between requests and replaced whole when it changes.

The graph view, the label index behind search and entity pages, and the ontology catalogue
each take a while to read from a big store, so the service keeps them; each is built through
the store's :meth:`~lexgraph.store.base.GraphStore.derive`. A :class:`Snapshot`
builds its value on first use (once, however many requests ask at the same time) and, when
the store changes, builds a new one while readers go on using the old one, then swaps it in
with one assignment: a request sees the old value or the new one, never half of a change.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Generic, TypeVar

from .store.base import GraphStore

T = TypeVar("T")


class Snapshot(Generic[T]):
    """A value built from a store by ``builder``; see the module docstring."""

    def __init__(self, store: GraphStore, builder: Callable[[GraphStore], Awaitable[T]]) -> None:
        self._store = store
        self._builder = builder
        self._value: T | None = None
        self._lock = asyncio.Lock()
        self.build_seconds: float | None = None
        """How long the value in use took to build (None before the first build): /health
        reports it, so that an operator or a benchmark sees when the service is fully warm."""

    @property
    def current(self) -> T | None:
        """The value in use, or None before the first build."""
        return self._value

    async def get(self) -> T:
        """The current value, building it first if nobody has yet."""
        value = self._value
        if value is not None:
            return value
        async with self._lock:
            if self._value is None:
                self._value = await self._build()
            return self._value

    async def rebuild(self) -> T | None:
        """After the store changed: build a new value and swap it in, if one was in use
        (a value nobody asked for yet is simply built from the new store on first use)."""
        async with self._lock:
            if self._value is not None:
                self._value = await self._build()
            return self._value

    async def _build(self) -> T:
        started = time.perf_counter()
        # Through the store's derive: over the embedded store, a child process builds the value
        # and the web process keeps the value alone, not the memory its build went through.
        value = await self._store.derive(self._builder)
        self.build_seconds = round(time.perf_counter() - started, 3)
        return value
