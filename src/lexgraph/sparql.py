"""Turn a query request into a checked, bounded :class:`~lexgraph.store.QueryRequest`.

No HTTP here: the service, the CLI and the tests all prepare queries with :func:`prepare`
and hand them to a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

from .config import Settings
from .errors import UnknownGraph, UsageError
from .media import negotiate
from .sparql_guard import check_dataset_iris, inspect_query
from .store.base import QueryRequest


@dataclass(frozen=True)
class SparqlCall:
    """A query request as a client made it, before any check: the protocol's parameters."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    timeout: str | None = None
    format: str | None = None


def resolve_timeout(raw: str | None, settings: Settings) -> float:
    """The time limit for one query: the server default, lowered (never raised past the
    server maximum) by a ``timeout`` parameter in seconds."""
    if raw is None or raw == "":
        return settings.query_timeout_s
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"timeout={raw!r} is not a number of seconds") from None
    if not value > 0:
        raise UsageError(f"timeout={raw!r} must be a positive number of seconds")
    return min(value, settings.query_timeout_max_s)


def prepare(call: SparqlCall, accept: str | None, settings: Settings, known_graphs: Collection[str]) -> QueryRequest:
    """Check the query and its dataset, pick the answer format, and set its bounds."""
    if call.query is None or not call.query.strip():
        raise UsageError("no query given: send the SPARQL query in the 'query' parameter or as the body")
    shape = inspect_query(call.query, max_depth=settings.max_query_depth)
    graphs = list(call.default_graphs) + list(call.named_graphs)
    check_dataset_iris(graphs)
    unknown = [g for g in graphs if g not in known_graphs]
    if unknown:
        raise UnknownGraph(f"the store holds no graph <{unknown[0]}>; list the graphs in the service description")
    fmt = negotiate("graph" if shape.form.returns_graph else "solutions", accept, call.format)
    return QueryRequest(
        query=call.query,
        format=fmt,
        timeout_s=resolve_timeout(call.timeout, settings),
        max_results=settings.max_results,
        default_graphs=call.default_graphs,
        named_graphs=call.named_graphs,
    )
