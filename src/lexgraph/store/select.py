"""Ask any store a SELECT or ASK query and get plain values back, for code that needs values
(the service description, timelines, traversal) rather than a serialised answer.

These are lexgraph's own reads, so they ask for whole answers (``QueryRequest.whole``): the
queries are ours and bounded by the data, and the time limit still holds."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from functools import lru_cache
from typing import Protocol

import pyoxigraph as ox

from ..errors import InternalQueryFailed, QueryError, QuerySyntaxError
from ..media import negotiate
from ..results import Answer
from .base import QueryRequest


class Queryable(Protocol):
    """Anything that answers a query request: every store, or a store behind a gate."""

    async def query(self, request: QueryRequest) -> Answer: ...


class Gated:
    """A store seen through a gate: at most ``limit`` of the queries asked through it at a
    time, so that a bulk read leaves room for everyone else's queries."""

    def __init__(self, store: Queryable, limit: int) -> None:
        self._store = store
        self._gate = asyncio.Semaphore(limit)

    async def query(self, request: QueryRequest) -> Answer:
        async with self._gate:
            answer = await self._store.query(request)
        # Let the next query waiting at the gate go to the store before this answer is
        # parsed, which holds the event loop for a while on big answers.
        await asyncio.sleep(0)
        return answer


_JSON = negotiate("solutions", None, "json")
_TSV = negotiate("solutions", None, "tsv")
log = logging.getLogger("lexgraph.store")


async def _whole(store: Queryable, request: QueryRequest) -> Answer:
    """Ask one of lexgraph's own queries. If the store refuses it, that is our bug: it is
    logged in full, and the client is told so without the query, which may hold its values."""
    try:
        return await store.query(request)
    except (QuerySyntaxError, QueryError) as exc:
        log.error("the store refused one of lexgraph's own queries: %s\n%s", exc, request.query)
        raise InternalQueryFailed("lexgraph could not read the store for this request") from None


async def select_terms(store: Queryable, query: str, *, timeout_s: float = 120.0) -> list[dict[str, dict[str, str]]]:
    """Rows of a SELECT as variable → SPARQL JSON term (``type``, ``value``, ``xml:lang``,
    ``datatype``); unbound variables are absent."""
    answer = await _whole(store, QueryRequest(query, _JSON, timeout_s=timeout_s, max_results=0, whole=True))
    return json.loads(answer.body)["results"]["bindings"]


async def ask(store: Queryable, query: str, *, timeout_s: float = 120.0) -> bool:
    """The answer to an ASK query."""
    answer = await _whole(store, QueryRequest(query, _JSON, timeout_s=timeout_s, max_results=1, whole=True))
    return bool(json.loads(answer.body)["boolean"])


async def select(store: Queryable, query: str, *, timeout_s: float = 120.0) -> list[dict[str, str]]:
    """Rows of a SELECT as variable → lexical value (IRIs as strings); unbound variables are absent."""
    rows = await select_terms(store, query, timeout_s=timeout_s)
    return [{name: term["value"] for name, term in row.items()} for row in rows]


async def select_iris(store: Queryable, query: str, *, timeout_s: float = 120.0) -> list[tuple[str, ...]]:
    """The rows of a SELECT in which every value is an IRI, read from TSV (far less to parse
    than JSON for big answers); rows with a blank node, a literal or an unbound value are
    left out, so queries need no FILTER, which costs the store more than the rows do."""
    answer = await _whole(store, QueryRequest(query, _TSV, timeout_s=timeout_s, max_results=0, whole=True))
    text = answer.body.decode()
    header, _, body = text.partition("\n")
    width = len(header.split("\t"))
    rows = _iri_rows(width).findall(body)
    return rows if width > 1 else [(iri,) for iri in rows]


@lru_cache(maxsize=8)
def _iri_rows(width: int) -> re.Pattern[str]:
    """A TSV line of ``width`` IRIs, each captured without its angle brackets (an IRI holds no
    ``>``, tab or newline; a blank node or literal cell does not start with ``<``); a server
    that ends lines with CR LF is read alike."""
    return re.compile("^" + "\t".join(["<([^>\t\r\n]*)>"] * width) + "\r?$", re.MULTILINE)


async def select_lines(store: Queryable, query: str, *, timeout_s: float = 120.0) -> list[str]:
    """The rows of a SELECT as TSV lines, their cells unread (``<iri>``, ``_:label``,
    ``"text"@en``; empty when unbound; tab-separated), for big answers with literals or blank
    nodes: a third less for the store to write than JSON, and a row wanted or not is told
    from its first cell at a tenth of the cost of parsing JSON. A cell stands for the same
    term in every answer of a store (a key for joins); :func:`cell_term` reads it."""
    answer = await _whole(store, QueryRequest(query, _TSV, timeout_s=timeout_s, max_results=0, whole=True))
    text = answer.body.decode()
    lines = (text.replace("\r\n", "\n") if "\r" in text else text).split("\n")
    return lines[1:-1] if lines[-1] == "" else lines[1:]


_BARE = re.compile(r"true|false|[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
"""Numbers and booleans, which TSV may write without quotes or datatype."""


def cell_term(cell: str) -> tuple[str, str]:
    """The value and language tag (or "") of a non-empty TSV cell, as a JSON answer gives
    them: an IRI without brackets, a blank node's label without ``_:``, a literal's lexical
    form. The plain forms are read here; any other (escapes, other quotes) by pyoxigraph."""
    if "\\" not in cell:
        if cell.startswith("<"):
            return cell[1:-1], ""
        if cell.startswith("_:"):
            return cell[2:], ""
        if cell.startswith('"'):
            end = cell.find('"', 1)
            tail = cell[end + 1:]
            if end > 0 and (not tail or tail.startswith("^^<")):
                return cell[1:end], ""
            if end > 0 and tail.startswith("@"):
                return cell[1:end], tail[1:]
        elif _BARE.fullmatch(cell):
            return cell, ""
    term = next(iter(ox.parse_query_results(f"?v\n{cell}\n".encode(), format=ox.QueryResultsFormat.TSV)))[0]
    return term.value, getattr(term, "language", None) or ""


async def graph_names(store: Queryable) -> list[str]:
    """The named graphs of a store, asked with plain SPARQL."""
    rows = await select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", timeout_s=30.0)
    return [row["g"] for row in rows]
