"""RDFS entailment for validation: subclass and subproperty, never domain or range.

Typing nodes from rdfs:domain and rdfs:range would explain a wrong link away (a state given
as a treaty's administering body would simply become "a body"), so validation entails only
what the hierarchies say: a value of lg:date is also a dct:date, an lg:State is also an
org:Organization.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node


def _ancestors(graph: Graph, predicate: URIRef) -> dict[Node, set[Node]]:
    """For each term, every term above it through ``predicate`` (transitively)."""
    parents: dict[Node, set[Node]] = defaultdict(set)
    for child, parent in graph.subject_objects(predicate):
        if child != parent:
            parents[child].add(parent)
    closure: dict[Node, set[Node]] = {}

    def up(term: Node, seen: frozenset[Node]) -> set[Node]:
        if term in closure:
            return closure[term]
        result: set[Node] = set()
        for parent in parents.get(term, ()):
            if parent not in seen:
                result.add(parent)
                result |= up(parent, seen | {parent})
        closure[term] = result
        return result

    for term in list(parents):
        up(term, frozenset({term}))
    return closure


def entail_hierarchies(data: Graph, ontology: Graph) -> Graph:
    """``data`` plus the triples its subproperty and subclass hierarchies entail."""
    super_properties = _ancestors(ontology, RDFS.subPropertyOf)
    super_classes = _ancestors(ontology, RDFS.subClassOf)
    out = Graph()
    out += data
    for s, p, o in data:
        for sup in super_properties.get(p, ()):
            out.add((s, sup, o))  # type: ignore[arg-type]
    for s, c in list(out.subject_objects(RDF.type)):
        for sup in super_classes.get(c, ()):
            out.add((s, RDF.type, sup))
    return out
