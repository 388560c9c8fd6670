"""Check that every quote occurs verbatim in the source document it cites.

Quotes are compared after collapsing runs of whitespace, because the documents wrap lines
where the quote does not. Nothing else is normalised: a changed letter or apostrophe is a
failed quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .namespaces import sparql_prologue

_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class QuoteProblem:
    """A quote that could not be found, or a source whose text is missing."""

    subject: str
    source: str
    quote: str
    reason: str


_EVIDENCE = sparql_prologue() + """
SELECT ?subject ?source ?quote ?file WHERE {
  ?subject lg:evidence ?evidence .
  ?evidence lg:source ?source ; lg:quote ?quote .
  OPTIONAL { ?source lg:textFile ?file }
}
"""


def check_quotes(graph: Graph, seeds_dir: Path) -> list[QuoteProblem]:
    """Every evidence quote in ``graph`` whose text is not in its source's text file."""
    texts: dict[str, str | None] = {}
    problems: list[QuoteProblem] = []
    for row in graph.query(_EVIDENCE):
        subject, source, quote, file = (str(v) if v is not None else None for v in row)  # type: ignore[union-attr]
        assert subject and source and quote
        if source not in texts:
            path = seeds_dir / file if file else None
            texts[source] = collapse(path.read_text(encoding="utf-8")) if path and path.is_file() else None
        text = texts[source]
        if text is None:
            problems.append(QuoteProblem(subject, source, quote, f"no text file for the source in {seeds_dir}"))
        elif collapse(quote) not in text:
            problems.append(QuoteProblem(subject, source, quote, "quote not found in the source text"))
    return problems
