"""Notice when a store's content changes, so that what the service derived from it is rebuilt.

The embedded store is read-only while it is served and never changes. A remote SPARQL server
can: ``lexgraph load`` (or anyone with its Graph Store endpoint) may replace graphs at any
time. SPARQL offers no change counter, so the watcher asks, every few seconds, how many
triples each named graph holds: a cheap query that any SPARQL 1.1 server answers. An edit that
keeps every graph's size the same goes unnoticed until the next one that does not; loading
files, the way lexgraph changes a store, always changes some count in practice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from ..errors import LexgraphError
from .select import Queryable, select

log = logging.getLogger("lexgraph.store")

Fingerprint = tuple[tuple[str, int], ...]

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


async def fingerprint(store: Queryable, timeout_s: float = 60.0) -> Fingerprint:
    """The number of triples in each named graph, sorted by graph."""
    rows = await select(store, _COUNTS, timeout_s=timeout_s)
    return tuple(sorted((row["g"], int(row["n"])) for row in rows))


async def watch(store: Queryable, every_s: float, on_change: Callable[[], Awaitable[None]]) -> None:
    """Run until cancelled: every ``every_s`` seconds compare the store's fingerprint with the
    last one and await ``on_change()`` when it differs. A failed check or a failed
    ``on_change`` is logged and tried again at the next tick; the service goes on with what
    it has meanwhile."""
    last: Fingerprint | None = None
    while last is None:
        try:
            last = await fingerprint(store)
        except LexgraphError as exc:
            log.warning("could not read the store's fingerprint: %s", exc)
            await asyncio.sleep(every_s)
    while True:
        await asyncio.sleep(every_s)
        try:
            now = await fingerprint(store)
            if now != last:
                log.info("the store changed (%d graphs, %d triples); rebuilding what was derived from it",
                         len(now), sum(n for _, n in now))
                await on_change()
                last = now
        except LexgraphError as exc:
            log.warning("could not follow a change of the store (tried again in %g s): %s", every_s, exc)
        except Exception:  # a bug: say so loudly, but keep watching
            log.exception("following a change of the store failed (tried again in %g s)", every_s)
