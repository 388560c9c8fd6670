"""What a remote SPARQL server does its own way, read back into standard terms.

Servers differ from the SPARQL 1.1 result formats in small ways that break a strict reader:
Virtuoso 7.2 writes blank nodes as ``nodeID://b10223``, booleans as ``"1"^^xsd:boolean``,
literals with the old ``typed-literal`` type, IRIs in TSV as quoted strings, cuts answers at
its ``ResultSetMaxRows`` (saying so only in an ``X-SPARQL-MaxRows`` header), keeps system
graphs (``virtrdf#`` and others) in its default graph, and explains a refusal in a plain-text
body. A :class:`Dialect` names the server; the readers here turn its answers into terms that
every serialiser of lexgraph writes as the standard says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Iterable, Mapping

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"1": "true", "0": "false"}
_NOT_IN_BNODE_ID = re.compile(r"[^A-Za-z0-9_\-.]")

VIRTUOSO_SYSTEM_GRAPHS: tuple[str, ...] = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/*",
    "http://www.openlinksw.com/schemas/*",
    "http://localhost:*/DAV/*",
    "http://localhost/DAV/*",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
)
"""Graphs a fresh Virtuoso 7 holds for itself (its RDF views' metadata, the LDP and SPARQL
service vocabularies, WebDAV), as glob patterns: never part of a served dataset."""


@dataclass(frozen=True)
class Dialect:
    """A remote server's kind, and the graphs of its own it keeps beside the data."""

    name: str
    system_graphs: tuple[str, ...] = ()

    @property
    def standard(self) -> bool:
        """Whether the server's answers can be passed on as they come (no quirk to repair)."""
        return self.name == "standard"


STANDARD = Dialect("standard")
VIRTUOSO = Dialect("virtuoso", VIRTUOSO_SYSTEM_GRAPHS)


def detect(headers: Mapping[str, str]) -> Dialect:
    """The dialect of the server that sent ``headers`` (its ``Server`` header)."""
    return VIRTUOSO if headers.get("server", "").lower().startswith("virtuoso") else STANDARD


def matches(graph: str, patterns: Iterable[str]) -> bool:
    """Whether ``graph`` is one of ``patterns`` (IRIs, ``*`` matching any characters)."""
    return any(fnmatchcase(graph, pattern) for pattern in patterns)


def _bnode_id(value: str) -> str:
    """A valid blank node label for the server's own: ``nodeID://b10223`` → ``b10223``. The
    same label always gives the same id, so the blank nodes of one answer stay joined."""
    value = value.removeprefix("nodeID://").removeprefix("_:")
    cleaned = _NOT_IN_BNODE_ID.sub("_", value)
    return cleaned if cleaned and cleaned[0].isalnum() else "b" + cleaned


def term(cell: Mapping[str, object]) -> Term:
    """A SPARQL JSON term, as any server writes it, as a pyoxigraph term."""
    kind = cell.get("type")
    value = str(cell.get("value", ""))
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_bnode_id(value))
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown term type {kind!r}")
    if "xml:lang" in cell:
        return ox.Literal(value, language=str(cell["xml:lang"]))
    datatype = cell.get("datatype")
    if datatype == _XSD_BOOLEAN:
        value = _BOOLEANS.get(value, value)
    return ox.Literal(value, datatype=ox.NamedNode(str(datatype))) if datatype else ox.Literal(value)


@dataclass(frozen=True)
class Solutions:
    """A SELECT or ASK answer read from SPARQL JSON."""

    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None


def read_json(body: bytes) -> Solutions:
    """Read a SPARQL JSON answer, repairing the server's quirks; raises ValueError when it is
    not SPARQL JSON at all."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a SPARQL JSON answer")
    if "boolean" in data:
        value = data["boolean"]
        return Solutions([], [], value if isinstance(value, bool) else str(value).lower() in ("true", "1"))
    variables = [str(v) for v in data["head"].get("vars", [])]
    rows = [[term(binding[v]) if v in binding else None for v in variables] for binding in data["results"]["bindings"]]
    return Solutions(variables, rows)


def read_ntriples(body: bytes) -> list[ox.Triple]:
    """Triples from an N-Triples answer, with the booleans repaired."""
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return [_repair(t) for t in triples]  # type: ignore[arg-type]


def _repair(triple: ox.Triple) -> ox.Triple:
    o = triple.object
    if isinstance(o, ox.Literal) and o.datatype.value == _XSD_BOOLEAN and o.value in _BOOLEANS:
        return ox.Triple(triple.subject, triple.predicate, ox.Literal(_BOOLEANS[o.value], datatype=o.datatype))
    return triple


def row_cap(headers: Mapping[str, str]) -> int | None:
    """The row limit at which the server says it cut this answer (Virtuoso's
    ``X-SPARQL-MaxRows``, sent only with an answer it cut), else None."""
    raw = headers.get("x-sparql-maxrows")
    return int(raw) if raw and raw.strip().isdigit() else None


def partial(headers: Mapping[str, str]) -> bool:
    """Whether the server stopped the query part way and sent what it had found (Virtuoso's
    "anytime" answers, marked only by an ``X-SQL-State`` header): never an answer to pass on."""
    return "x-sql-state" in headers


_MESSAGE_CHARS = 300
"""How much of a remote server's own error message is passed on: its first line, cut short.
Enough for a syntax error's position and reason; never a whole payload."""
_VIRTUOSO_ERROR = re.compile(r"^Virtuoso (?P<state>\w{5}) Error (?:(?P<code>[A-Z]{2}\d{3}): )?(?P<reason>.*)$")


def reason(text: str) -> str:
    """The first line of a server's error text, without the query or payload it may repeat."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = first.split(" with payload", 1)[0]
    return first if len(first) <= _MESSAGE_CHARS else first[:_MESSAGE_CHARS] + "…"


def refusal(status: int, text: str) -> tuple[str, str]:
    """What a server's error answer means and why: the kind (``syntax`` for a malformed
    query, ``timeout``, ``refused`` for a query the server will not run as written, or
    ``failed``) and the server's own reason."""
    why = reason(text)
    found = _VIRTUOSO_ERROR.match(why)
    if status == 400:
        return "syntax", why
    if found is None:
        return "failed", why
    state, lowered = found["state"], found["reason"].lower()
    if state == "S1T00" or "timed out" in lowered or "timeout" in lowered:
        return "timeout", why
    if state in ("37000", "42000", "22023") or "exceeds the limit" in lowered or "transitive" in lowered:
        return "refused", why
    return "failed", why
