"""What the routes share: the store, its graph names, downloads, the answer cache and the
values derived from the store (graph view, label index, ontology catalogue, home page overview).

Routes reach it through :func:`get_state`, a FastAPI dependency that tests can override.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import Request

from ..cache import AnswerCache
from ..catalog import NamedQuery
from ..config import Settings
from ..entity import Catalog, build_catalog
from ..errors import LexgraphError
from ..exports import Exports
from ..overview import Overview, overview
from ..search import LabelIndex, build_index
from ..service_description import describe_service, with_endpoint
from ..snapshot import Snapshot
from ..store.base import GraphStore
from ..timeline import TimelineIndex, build_timeline_index
from ..traverse import GraphView, build_view

log = logging.getLogger("lexgraph.api")


@dataclass
class ServiceState:
    settings: Settings
    store: GraphStore
    exports: Exports
    named_queries: list[NamedQuery]
    cache: AnswerCache
    """Answers to SPARQL queries."""
    derived: AnswerCache
    """Answers computed from the store by lexgraph itself (timelines, what was in force)."""
    graphs: frozenset[str] = frozenset()
    view: Snapshot[GraphView] = field(init=False)
    labels: Snapshot[LabelIndex] = field(init=False)
    catalog: Snapshot[Catalog] = field(init=False)
    timelines: Snapshot[TimelineIndex] = field(init=False)
    overview: Snapshot[Overview] = field(init=False)
    """The home page's counts, sources and parties."""
    _description: list[ox.Triple] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.view = Snapshot(self.store, build_view)
        self.labels = Snapshot(self.store, build_index)
        self.catalog = Snapshot(self.store, build_catalog)
        self.timelines = Snapshot(self.store, build_timeline_index)
        self.overview = Snapshot(self.store, overview)

    async def refresh_graphs(self) -> None:
        self.graphs = frozenset(await self.store.graph_names())

    async def description(self, endpoint_url: str) -> list[ox.Triple]:
        """The service description naming ``endpoint_url``; its statistics are computed on
        first use (VoID counts can take a while) and kept, the address never is."""
        async with self._lock:
            if self._description is None:
                self._description = await describe_service(self.store)
            return with_endpoint(self._description, endpoint_url)

    def derived_seconds(self) -> dict[str, float | None]:
        """Each derived value's build time, None while it is not built (/health reports it)."""
        return {name: snapshot.build_seconds for name, snapshot in self._derived().items()}

    def _derived(self) -> dict[str, Snapshot]:  # type: ignore[type-arg]
        """The derived values, in the order the warm-up builds them. Over a remote store,
        whose values are built in this process, the order changes how much memory the service
        keeps afterwards, as each build's passing garbage is laid among what the earlier ones
        keep (measured at a million triples before builds moved to child processes: the label
        index and catalogue first left the service at 995 MiB, the quickest first at 1,257 MiB)."""
        return {"labels": self.labels, "catalog": self.catalog, "timelines": self.timelines, "view": self.view,
                "overview": self.overview}

    async def warm_up(self) -> None:
        """Build every derived value now, one after the other, so that no user's first
        request waits for one (at a million triples each takes seconds). Called in the
        background at start; a value that fails to build is left to its first use.
        One after the other, not at once: the builds share the event loop and two cores, and
        together they took longer than in turn (measured at a million triples: 35 s against 34 s)."""
        for snapshot in self._derived().values():
            try:
                await snapshot.get()
            except LexgraphError as exc:
                log.warning("building a derived index at start failed (%s); it will be built on first use", exc)
        _release_freed_memory()

    async def store_changed(self) -> None:
        """Forget what came from the old content, at once, and rebuild what is in use."""
        self.cache.clear()
        self.derived.clear()
        self.exports.clear()
        async with self._lock:
            self._description = None
        await self.refresh_graphs()
        for snapshot in self._derived().values():
            await snapshot.rebuild()


def _release_freed_memory() -> None:
    """Hand the C heap that builds in this process used back to the system (glibc keeps freed
    memory for reuse: about 90 MB at a million triples, measured); nothing elsewhere."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library the process runs on
    if trim is not None:
        trim(0)


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.lexgraph
    return state
