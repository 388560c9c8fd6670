"""The store watcher (lexgraph.store.changes.watch) with a store whose graph sizes change."""

from __future__ import annotations

import asyncio
import json

from lexgraph.errors import StoreUnavailable
from lexgraph.results import Answer
from lexgraph.store.base import QueryRequest
from lexgraph.store.changes import fingerprint, watch


class CountingStore:
    """Answers the fingerprint query from ``counts``; fails while ``down`` is set."""

    def __init__(self) -> None:
        self.counts = {"http://example.org/g1": 3}
        self.down = False

    async def query(self, request: QueryRequest) -> Answer:
        if self.down:
            raise StoreUnavailable("the test store is down")
        bindings = [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n)}}
                    for g, n in self.counts.items()]
        body = json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": bindings}}).encode()
        return Answer(body, "application/sparql-results+json", -1, False)


def test_fingerprint_is_the_sorted_graph_sizes() -> None:
    store = CountingStore()
    store.counts = {"http://example.org/b": 2, "http://example.org/a": 5}
    assert asyncio.run(fingerprint(store)) == (("http://example.org/a", 5), ("http://example.org/b", 2))


def test_a_change_is_followed_once_and_a_failed_rebuild_is_retried() -> None:
    store = CountingStore()
    calls: list[dict[str, int]] = []

    async def on_change() -> None:
        calls.append(dict(store.counts))
        if len(calls) == 1:
            raise StoreUnavailable("rebuild failed")

    async def scenario() -> None:
        task = asyncio.create_task(watch(store, 0.01, on_change))
        await asyncio.sleep(0.05)
        assert calls == []  # nothing changed yet
        store.down = True
        await asyncio.sleep(0.05)  # checks fail; the watcher keeps going
        store.down = False
        store.counts = {"http://example.org/g1": 4}
        await asyncio.sleep(0.1)
        task.cancel()
        assert not task.done() or task.cancelled()

    asyncio.run(scenario())
    # The first rebuild failed, so the same change was followed again, and then no more.
    assert calls == [{"http://example.org/g1": 4}, {"http://example.org/g1": 4}]
