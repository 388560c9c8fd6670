"""A bounded cache of answers, keyed by everything that decides an answer.

The public endpoint is read-only, so an answer goes stale only when the store behind it is
changed from outside (a remote server being loaded); the service then calls
:meth:`AnswerCache.clear`, and an answer computed before the change is not kept. Like the result caches of
Wikidata's query service, it turns repeated questions into lookups.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from .results import Answer
from .store.base import QueryRequest

CacheKey = bytes
"""SHA-256 of what decides an answer: a key costs 32 bytes however long the query was."""

ENTRY_OVERHEAD = 256
"""Bytes counted for each entry besides its answer body: key, Answer object, dict slot."""


def digest(*parts: str) -> CacheKey:
    """SHA-256 of ``parts``, each length-prefixed so that no two different lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()


def cache_key(request: QueryRequest) -> CacheKey:
    return digest(request.query, "\x00".join(request.default_graphs), "\x00".join(request.named_graphs),
                  request.format.name, str(request.max_results), str(len(request.default_graphs)),
                  str(len(request.named_graphs)), str(request.dataset))


class AnswerCache:
    """Least-recently-used answers, up to ``max_bytes`` in all: bodies, keys and the
    bookkeeping of each entry (0 turns it off)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, Answer] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0
        self.generation = 0
        """Counts :meth:`clear` calls: an answer asked for before a clear is not kept after it."""

    def get(self, key: CacheKey) -> Answer | None:
        answer = self._entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: CacheKey, answer: Answer, generation: int) -> None:
        """Keep ``answer``, computed since :attr:`generation` was ``generation``."""
        size = len(answer.body) + ENTRY_OVERHEAD
        if size > self.max_bytes // 4 or key in self._entries or generation != self.generation:
            return
        self._entries[key] = answer
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body) + ENTRY_OVERHEAD

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self.generation += 1
