"""Quality checks in the spirit of ROBOT's ``report``: SPARQL queries where every row is a problem.

Each ``.rq`` file in the quality folder starts with comment lines that say what it checks::

    # title: Every fact has a source and a quote
    # level: ERROR

and selects ``?focus`` (the node at fault) and optionally ``?path``, ``?value`` and
``?message``. The queries see the ontology and the data as the named graphs
:data:`~lexgraph.oxistore.ONTOLOGY_GRAPH` and :data:`~lexgraph.oxistore.DATA_GRAPH`, and
their union as the default graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .findings import Finding, Level
from .oxistore import select_rows

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


def run_check(store: ox.Store, check: QualityCheck) -> list[Finding]:
    """Run one check; each row it returns becomes a finding."""
    try:
        rows = list(select_rows(store, check.query))
    except SyntaxError as exc:
        raise QueryError(f"quality check {check.name}: {exc}") from None
    return [
        Finding(
            level=check.level,
            check=f"quality:{check.name}",
            focus=row.get("focus") or "",
            message=row.get("message") or check.title,
            path=row.get("path"),
            value=row.get("value"),
        )
        for row in rows
    ]
