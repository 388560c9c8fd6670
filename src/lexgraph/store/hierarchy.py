"""The class hierarchy as plain data, for queries that need "this class or any below it".

``?x a/rdfs:subClassOf* C`` says that in one query, but servers disagree on its answers once
it is joined with other patterns: Virtuoso 7.2 refuses a path from a VALUES variable
("transitive start not given") and answers ``?x a ?c . ?c rdfs:subClassOf* C`` with no rows
when the query names its dataset, which lexgraph does to keep a server's system graphs out.
So lexgraph's own queries read the direct ``rdfs:subClassOf`` pairs once, close them here,
and name the classes in a ``VALUES`` block: plain triple patterns every server evaluates alike.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from ..entailment import ancestors
from .select import Queryable, select

_SUBCLASS_OF = """SELECT DISTINCT ?c ?d WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?d .
  FILTER (isIRI(?c) && isIRI(?d)) }"""

Hierarchy = Mapping[str, frozenset[str]]
"""Each class with a subclass → every class below it, at any depth."""


async def hierarchy(store: Queryable, timeout_s: float = 60.0) -> Hierarchy:
    """The store's class hierarchy (its asserted ``rdfs:subClassOf`` between IRIs)."""
    rows = await select(store, _SUBCLASS_OF, timeout_s=timeout_s)
    below: dict[str, set[str]] = defaultdict(set)
    for cls, above in ancestors((row["c"], row["d"]) for row in rows).items():
        for ancestor in above:
            below[ancestor].add(cls)
    return {cls: frozenset(classes) for cls, classes in below.items()}


def at_or_below(tree: Hierarchy, cls: str) -> frozenset[str]:
    """``cls`` and every class below it."""
    return tree.get(cls, frozenset()) | {cls}
