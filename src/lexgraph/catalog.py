"""The named queries in ``queries/``: researchers' questions as runnable SPARQL files.

Each ``.rq`` file starts with comment lines::

    # title: Kazakhstan's treaty actions in date order
    # question: Which actions did Kazakhstan take on which treaties, when, says which source?

and is otherwise a complete SPARQL query (its own PREFIX lines), so it runs unchanged in
any SPARQL tool. The query editor lists them beside the editor, to filter and run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import QueryError

_HEADER = re.compile(r"^#\s*(title|question|parameter)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One named query file."""

    name: str
    title: str
    question: str
    text: str
    parameters: tuple[str, ...] = ()


def read_named_query(path: Path) -> NamedQuery:
    """Parse one ``.rq`` file's header; a file without title and question is refused."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2))
        elif line.strip() and not line.startswith("#"):
            break
    if not fields.get("title") or not fields.get("question"):
        raise QueryError(f"{path}:1: a named query needs '# title:' and '# question:' header lines")
    return NamedQuery(
        name=path.stem,
        title=fields["title"][0],
        question=" ".join(fields["question"]),
        text=text,
        parameters=tuple(fields.get("parameter", [])),
    )


def named_queries(folder: Path) -> list[NamedQuery]:
    """All named queries in ``folder``, in file-name order."""
    return [read_named_query(path) for path in sorted(folder.glob("*.rq"))]
