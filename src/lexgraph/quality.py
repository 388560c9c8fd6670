"""Quality checks in the spirit of ROBOT's ``report``: SPARQL queries where every row is a problem.

Each ``.rq`` file in the quality folder starts with comment lines that say what it checks::

    # title: Every fact has a source and a quote
    # level: ERROR

and selects ``?focus`` (the node at fault) and optionally ``?path``, ``?value`` and
``?message``. The queries see the ontology and the data as the named graphs
:data:`~lexgraph.oxistore.ONTOLOGY_GRAPH` and :data:`~lexgraph.oxistore.DATA_GRAPH`, and
their union as the default graph.

A run about a few nodes (one changed file in a big repository) does not run a query over
everything: it runs it once per node, with ``?focus`` and then ``?value`` bound to the node
beforehand (SPARQL pre-binding, SEP-0007), and gets the rows about that node: the same rows
as the whole query's, as long as a query binds ``?focus`` in every row and does not compute
``?focus`` or ``?value`` from others (BIND, an aggregate), which ours do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Iterator

import pyoxigraph as ox

from .errors import QueryError
from .findings import Finding, Level
from .oxistore import OxTerm, term_text

_FOCUS, _VALUE = ox.Variable("focus"), ox.Variable("value")
PER_NODE_TRIPLES = 2000
"""A run about nodes queries node by node while it has fewer nodes than one per this many
triples of the store (a query about one node costs about what the whole query costs over
this many triples); beyond that, the whole query is run once and its rows sorted out."""
_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class QualityCheck:
    """One quality query with its title and level."""

    name: str
    title: str
    level: Level
    query: str


def read_check(path: Path) -> QualityCheck:
    """Read one ``.rq`` file and its header; a missing or bad header is an error in the file."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            header[match.group(1).lower()] = match.group(2)
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    if "title" not in header or "level" not in header:
        raise QueryError(f"{path}:1: a quality check needs '# title:' and '# level:' header lines")
    try:
        level = Level.parse(header["level"])
    except ValueError as exc:
        raise QueryError(f"{path}: {exc}") from None
    return QualityCheck(name=path.stem, title=header["title"], level=level, query=text)


def read_checks(folder: Path) -> list[QualityCheck]:
    """Every quality check in ``folder``, in file-name order."""
    return [read_check(path) for path in sorted(folder.glob("*.rq"))]


@dataclass(frozen=True)
class Row:
    """One row of a check: its finding, and the terms of its ``?focus`` and ``?value``."""

    finding: Finding
    focus: OxTerm | None
    value: OxTerm | None


def run_check(store: ox.Store, check: QualityCheck) -> list[Finding]:
    """Run one check over everything; each row it returns becomes a finding."""
    return [row.finding for row in check_rows(store, check)]


def check_rows(store: ox.Store, check: QualityCheck, about: AbstractSet[OxTerm] | None = None,
               triples: int = 0) -> list[Row]:
    """Run one check; each row it returns becomes a finding. ``about``: only the rows whose
    focus or value is one of these nodes (queried node by node while they are few beside the
    store's ``triples``, see :data:`PER_NODE_TRIPLES`)."""
    if about is None:
        return list(_rows(store, check))
    rows = _per_node(store, check, about) if len(about) * PER_NODE_TRIPLES <= triples else None
    if rows is None:
        rows = list(_rows(store, check))
    return [row for row in rows if row.focus in about or row.value in about]


def _solutions(store: ox.Store, check: QualityCheck, variable: ox.Variable | None = None,
               node: OxTerm | None = None) -> ox.QuerySolutions:
    try:
        solutions = store.query(check.query, use_default_graph_as_union=True,
                                substitutions={variable: node} if variable and node else None)  # type: ignore[dict-item]
    except SyntaxError as exc:
        raise QueryError(f"quality check {check.name}: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"quality check {check.name}: not a SELECT query")
    return solutions


def _per_node(store: ox.Store, check: QualityCheck, about: AbstractSet[OxTerm]) -> list[Row] | None:
    """The rows about each node, with ``?focus`` bound to it and then ``?value`` (when the
    check selects it); None when the check does not select ``?focus``."""
    rows: list[Row] = []
    names: set[str] = set()
    for node in about:
        try:
            solutions = _solutions(store, check, _FOCUS, node)
        except RuntimeError:  # pyoxigraph refuses to bind a variable the query does not select
            return None
        names = {v.value for v in solutions.variables}
        rows += _found(check, solutions)
    if _VALUE.value in names:  # the rows whose focus is one of the nodes are already there
        rows += [row for node in about for row in _found(check, _solutions(store, check, _VALUE, node))
                 if row.focus not in about]
    return rows


def _rows(store: ox.Store, check: QualityCheck) -> Iterator[Row]:
    return _found(check, _solutions(store, check))


def _found(check: QualityCheck, solutions: ox.QuerySolutions) -> Iterator[Row]:
    names = {v.value for v in solutions.variables}
    for solution in solutions:
        def get(name: str) -> OxTerm | None:
            return solution[name] if name in names else None  # type: ignore[return-value]
        focus, value = get("focus"), get("value")
        yield Row(Finding(
            level=check.level,
            check=f"quality:{check.name}",
            focus=term_text(focus) or "",
            message=term_text(get("message")) or check.title,
            path=term_text(get("path")),
            value=term_text(value),
        ), focus, value)
