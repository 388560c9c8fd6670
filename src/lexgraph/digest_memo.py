"""Remember what was worked out from a query text, by a digest of the text (never the text).

Researchers and scripts send the same queries again and again; the guard's check and the
one-pattern reading of a text are pure functions of it, so each is worked out once. Keys are
SHA-256 digests: a remembered entry costs the same few bytes whatever the size of the query,
and the text is not kept in memory after its request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

V = TypeVar("V")


def text_digest(encoded: bytes) -> bytes:
    """The key a text is remembered by: the SHA-256 digest of its UTF-8 bytes."""
    return hashlib.sha256(encoded).digest()


class DigestMemo(Generic[V]):
    """The last ``size`` values put, by key (a digest, with whatever else the value depends on);
    safe to share between threads (long queries are checked in one, off the event loop).
    A value is never None: :meth:`get` says "not held" with None."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def keys(self) -> list[Hashable]:
        """The keys held, oldest first."""
        with self._lock:
            return list(self._entries)
