"""What the routes share: the store, its graph names, downloads and cached descriptions.

Routes reach it through :func:`get_state`, a FastAPI dependency that tests can override.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import Request

from ..catalog import NamedQuery
from ..config import Settings
from ..exports import Exports
from ..service_description import describe_service
from ..store.base import GraphStore


@dataclass
class ServiceState:
    settings: Settings
    store: GraphStore
    exports: Exports
    named_queries: list[NamedQuery]
    graphs: frozenset[str] = frozenset()
    _description: list[ox.Triple] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def refresh_graphs(self) -> None:
        self.graphs = frozenset(await self.store.graph_names())

    async def description(self, endpoint_url: str) -> list[ox.Triple]:
        """The service description, computed on first use (VoID counts can take a while)."""
        async with self._lock:
            if self._description is None:
                self._description = await describe_service(self.store, endpoint_url)
            return self._description


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.lexgraph
    return state
