"""Turn a query request into a checked, bounded :class:`~lexgraph.store.QueryRequest`.

No HTTP here: the service, the CLI and the tests all prepare queries with :func:`prepare`
and hand them to a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

from .config import Settings
from .errors import UnknownGraph, UsageError
from .media import Format, negotiate
from .one_pattern import read_one_pattern
from .sparql_guard import QueryLimits, inspect_query
from .store.base import QueryRequest


@dataclass(frozen=True)
class SparqlCall:
    """A query request as a client made it, before any check: the protocol's parameters."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    timeout: str | None = None
    formats: tuple[str, ...] = ()
    """Every ``format`` parameter sent: clients such as SPARQLWrapper send the same format
    twice, by name and by media type (``format=tsv&format=text/tab-separated-values``)."""


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


def choose_format(kind: str, accept: str | None, formats: tuple[str, ...]) -> Format:
    """The answer format: the ``format`` parameters when given (all of them must name the same
    format), else the Accept header."""
    chosen = {negotiate(kind, accept, f) for f in formats} or {negotiate(kind, accept, None)}
    if len(chosen) > 1:
        raise UsageError(f"the format parameters {', '.join(map(repr, formats))} name different formats; send one")
    return chosen.pop()


def prepare(call: SparqlCall, accept: str | None, settings: Settings, known_graphs: Collection[str]) -> QueryRequest:
    """Check the query and its dataset, pick the answer format, and set its bounds.

    A dataset names graphs of this store, by IRIs of any scheme, in the protocol's
    ``default-graph-uri``/``named-graph-uri`` or the query's ``FROM``/``FROM NAMED``: a graph
    the store does not hold is an error (400 ``unknown_graph``), never fetched, and never
    silently taken to mean the whole store."""
    if call.query is None or not call.query.strip():
        raise UsageError("no query given: send the SPARQL query in the 'query' parameter or as the body")
    shape = inspect_query(call.query, QueryLimits.from_settings(settings))
    for where, graphs in (("default-graph-uri", call.default_graphs), ("named-graph-uri", call.named_graphs),
                          ("FROM", shape.from_graphs), ("FROM NAMED", shape.from_named)):
        unknown = next((g for g in graphs if g not in known_graphs), None)
        if unknown is not None:
            raise UnknownGraph(f"{where} names <{unknown}>, which is not a graph of this store; graphs are never "
                               "fetched from elsewhere (the service description lists this store's graphs)")
    fmt = choose_format("graph" if shape.form.returns_graph else "solutions", accept, call.formats)
    default_graphs, named_graphs = call.default_graphs, call.named_graphs
    if not (default_graphs or named_graphs):  # the protocol's parameters override the query's clauses
        default_graphs, named_graphs = shape.from_graphs, shape.from_named
    dataset = bool(default_graphs or named_graphs)
    return QueryRequest(
        query=call.query,
        format=fmt,
        timeout_s=resolve_timeout(call.timeout, settings),
        max_results=settings.max_results,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        dataset=dataset,
        one_pattern=None if dataset else read_one_pattern(call.query),
    )
