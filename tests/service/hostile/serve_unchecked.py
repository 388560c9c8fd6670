"""`lexgraph serve` with the SERVICE check of :mod:`lexgraph.sparql_guard` switched off.

For the tests only (there is no setting for it): the guard still refuses updates, depth and
complexity, but a query with SERVICE is checked as if SERVICE were GRAPH and passed on, so it reaches
the query executors, and the kernel sandbox (seccomp, Landlock) is the only thing between it
and the network. Run as ``python serve_unchecked.py serve [options]``.
"""

from __future__ import annotations

import re
import sys

import lexgraph.sparql as sparql
from lexgraph import sparql_guard as guard

_original = sparql.inspect_query
_SERVICE = re.compile("SERVICE", re.IGNORECASE)


def _decode(query: str) -> str:
    decode = getattr(guard, "decode_codepoint_escapes", None) or getattr(guard, "_decode_codepoint_escapes", None)
    return decode(query) if decode is not None else query


def _is_service_refusal(exc: Exception) -> bool:
    if isinstance(exc, getattr(guard, "UpdateNotAllowed", ())):
        return False
    return isinstance(exc, guard.QueryRefused) and "SERVICE" in str(exc).upper()


def inspect_without_service(query: str, *args: object, **kwargs: object) -> object:
    """The guard's answer for ``query``, except that SERVICE is not refused: the shape is
    taken from the same text with every SERVICE (glued to other letters too) read as GRAPH.
    The store is still sent the query as the client wrote it."""
    try:
        return _original(query, *args, **kwargs)
    except Exception as exc:
        if not _is_service_refusal(exc):
            raise
    return _original(_SERVICE.sub("GRAPH", _decode(query)), *args, **kwargs)


sparql.inspect_query = inspect_without_service  # type: ignore[assignment]
guard.inspect_query = inspect_without_service  # type: ignore[assignment]

if __name__ == "__main__":
    from lexgraph.cli import main

    sys.argv = ["lexgraph", *sys.argv[1:]]
    main()
