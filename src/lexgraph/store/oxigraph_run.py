"""Run one query on a pyoxigraph store and serialise the answer (no HTTP, no processes).

The embedded store's executor processes call this; so do the CLI and the tests.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from ..errors import QuerySyntaxError
from ..one_pattern import OnePattern, Term
from ..results import RESULTS_FORMATS, Answer, answer, native_json_answer, solutions_answer, take, write_solutions
from .base import QueryRequest

NATIVE_JSON_BYTES = 8 * 1024 * 1024
"""A JSON answer up to this size is written by pyoxigraph (:func:`native_json_answer`); a larger
one, by our writer from at most ``max_results`` rows, after evaluating the query again."""


def run_on_store(store: ox.Store, request: QueryRequest) -> Answer:
    """Evaluate ``request`` on ``store``; the default graph is the union of all graphs
    unless the request names its dataset (see ``QueryRequest.dataset``)."""
    result = _evaluate(store, request)
    if request.whole and isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        body = result.serialize(format=RESULTS_FORMATS[request.format.name])
        return Answer(body or b"", request.format.content_type, -1, False)
    if isinstance(result, ox.QuerySolutions) and request.format.name == "json":
        found = native_json_answer(result, request.format, request.max_results, NATIVE_JSON_BYTES)
        if found is not None:
            return found
        result = _evaluate(store, request)  # too large for it: evaluated again, capped below
    return answer(result, request.format, request.max_results)


def run_if_small(store: ox.Store, request: QueryRequest, rows: int) -> Answer | None:
    """The answer of a one-pattern query (``request.one_pattern``) if it has at most ``rows``
    rows once capped at ``request.max_results``, else None, having read at most ``rows + 1``
    of them: for such a query that bounds the work done here (see :mod:`lexgraph.one_pattern`)."""
    pattern = request.one_pattern
    if pattern is not None and pattern.scan is not None:
        return _scan_if_small(store, pattern, pattern.scan, request, rows)
    result = _evaluate(store, request)
    if not isinstance(result, ox.QuerySolutions):
        return answer(result, request.format, request.max_results)
    small = _rows_if_small(result, request, rows)
    return None if small is None else solutions_answer(result, *small, request.format)


def _scan_if_small(store: ox.Store, pattern: OnePattern, scan: tuple[Term | None, Term | None, Term | None],
                   request: QueryRequest, rows: int) -> Answer | None:
    """:func:`run_if_small` read from the index the pattern names: the rows, in the order, that
    the store's evaluation of the query over the union of graphs gives (one per graph holding
    the triple), without its parsing and planning."""
    quads: Iterator[ox.Quad] = store.quads_for_pattern(*scan, None)
    if pattern.limit is not None:
        quads = islice(quads, pattern.limit)  # before ASK too: ASK { … } LIMIT 0 is false
    if pattern.ask:
        return answer(next(quads, None) is not None, request.format, 1)
    small = _rows_if_small(quads, request, rows)
    if small is None:
        return None
    found, capped = small
    table = [[None if at is None else quad[at] for at in pattern.columns] for quad in found]
    return Answer(write_solutions(pattern.variables, table, request.format), request.format.content_type,
                  len(table), capped)


def _rows_if_small(items: Iterable[Any], request: QueryRequest, rows: int) -> tuple[list, bool] | None:
    """The rows of the answer capped at ``request.max_results`` and whether it was capped, if
    there are at most ``rows`` of them; else None, having read ``rows + 1``."""
    found, more = take(items, min(rows, request.max_results))
    if more and rows < request.max_results:
        return None
    return found, more


def _evaluate(store: ox.Store, request: QueryRequest) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    kwargs: dict[str, object] = {}
    if request.dataset:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    try:
        return store.query(request.query, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise syntax_error(str(exc)) from None


def syntax_error(message: str) -> QuerySyntaxError:
    """Turn the store's ``error at L:C: …`` message into an error that carries line and column."""
    line = column = None
    prefix = "error at "
    if message.startswith(prefix):
        position, _, rest = message[len(prefix):].partition(":")
        col, _, detail = rest.partition(":")
        if position.isdigit() and col.strip().isdigit():
            line, column = int(position), int(col)
            message = f"syntax error at line {line}, column {column}:{detail}"
    return QuerySyntaxError(message, line=line, column=column)
