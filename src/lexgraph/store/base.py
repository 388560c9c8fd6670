"""What every store offers the service: run one bounded query, list its graphs, close."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable, Protocol, TypeVar

from ..media import Format
from ..one_pattern import OnePattern
from ..results import Answer

T = TypeVar("T")


@dataclass(frozen=True)
class QueryRequest:
    """A checked query, ready to run: the text, the format to answer in and the bounds."""

    query: str
    format: Format
    timeout_s: float
    max_results: int
    default_graphs: tuple[str, ...] = field(default=())
    """Graphs that form the default graph (with ``dataset``)."""
    named_graphs: tuple[str, ...] = field(default=())
    """Graphs visible to GRAPH (with ``dataset``)."""
    dataset: bool = False
    """Whether the request names its dataset (protocol parameters or the query's FROM and
    FROM NAMED): the two tuples are then exactly its default and named graphs, an empty one
    meaning none. Without, the default graph is the union of all graphs and GRAPH sees all."""
    one_pattern: OnePattern | None = None
    """Set when the query is one triple pattern over the union of all graphs, whose cost grows
    only with its answer (:mod:`lexgraph.one_pattern`): the embedded store answers it in the
    web process when the answer is small (:meth:`EmbeddedStore.query`)."""
    whole: bool = False
    """For lexgraph's own reads of SELECT or ASK answers (never set from a user's request):
    the store's serialiser writes the whole answer in one go, with no row cap and no row
    count (``Answer.count`` is -1), which for big answers takes a third less time."""


class GraphStore(Protocol):
    """A SPARQL store behind lexgraph: embedded pyoxigraph or a remote SPARQL 1.1 server."""

    kind: str

    async def query(self, request: QueryRequest) -> Answer:
        """Run one query within its time limit; raise QueryTimeout, QuerySyntaxError, StoreUnavailable."""
        ...

    async def ping(self, timeout_s: float = 5.0) -> None:
        """Raise StoreUnavailable unless the store answers a trivial query in time."""
        ...

    async def graph_names(self) -> list[str]:
        """IRIs of the named graphs the store holds."""
        ...

    async def export(self, fmt: Format) -> bytes:
        """The whole store serialised in ``fmt`` (a graph or dataset format)."""
        ...

    async def derive(self, builder: Callable[[GraphStore], Awaitable[T]]) -> T:
        """``await builder(self)``, where it costs the web process least: the embedded store
        builds in a child process and keeps only the value (:mod:`.child_build`)."""
        ...

    async def close(self) -> None:
        """Release processes and connections."""
        ...
