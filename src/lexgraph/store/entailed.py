"""The entailed view: what the subclass and subproperty hierarchies entail, materialised at
load into one named graph of the store, so the default graph (the union of all graphs)
answers ``?e a lg:Event`` with every event and ``?x rdfs:label ?l`` with everything labelled.

The graph holds only triples that no other graph asserts: the union has no duplicates, and
"what is asserted" is everything outside it. It is rebuilt whole whenever the store's files
change, from every hierarchy axiom the store holds (the ontology's, and any a data file
brings). The rule itself (rdfs7, rdfs9; never domain or range) is :mod:`lexgraph.entailment`'s,
shared with validation. ``LEXGRAPH_ENTAILMENT=off`` leaves the graph out.
"""

from __future__ import annotations

from typing import Iterator, Literal

import pyoxigraph as ox

from ..entailment import ancestors
from ..prefixes import BASE_IRI, PREFIX_IRIS

Entailment = Literal["rdfs", "off"]
ENTAILMENTS: tuple[Entailment, ...] = ("rdfs", "off")

ENTAILED_GRAPH = BASE_IRI + "graph/entailed"
"""The named graph of the entailed triples (beside ``…/graph/ontology/…`` and ``…/graph/data/…``)."""

_GRAPH = ox.NamedNode(ENTAILED_GRAPH)
_TYPE = ox.NamedNode(PREFIX_IRIS["rdf"] + "type")
_SUB_CLASS = ox.NamedNode(PREFIX_IRIS["rdfs"] + "subClassOf")
_SUB_PROPERTY = ox.NamedNode(PREFIX_IRIS["rdfs"] + "subPropertyOf")

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _asserted(store: ox.Store, s: object, p: object, o: object) -> set[tuple[_Term, _Term, _Term]]:
    """The triples matching a pattern in the graphs other than the entailed one."""
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(s, p, o, None)  # type: ignore[arg-type]
            if q.graph_name != _GRAPH}


def entailed_batches(store: ox.Store) -> Iterator[set[tuple[_Term, _Term, _Term]]]:
    """The triples the store's hierarchies entail from what its other graphs assert, less
    those already asserted, one batch per entailed predicate (per class for typings), so that
    a big store's entailment is never held in memory all at once.

    Only what a hierarchy can extend is read: for a superproperty, the triples of its
    subproperties; for a superclass, the typings in its subclasses (asserted, or entailed by
    a subproperty of rdf:type); and what is asserted of the batch's own kind."""
    super_properties = ancestors((s, o) for s, _, o in _asserted(store, None, _SUB_PROPERTY, None))
    super_classes = ancestors((s, o) for s, _, o in _asserted(store, None, _SUB_CLASS, None))
    below: dict[_Term, set[_Term]] = {}
    for term, above in super_properties.items():
        for q in above:
            below.setdefault(q, set()).add(term)
    typing = [_TYPE, *(p for p in below.get(_TYPE, ()))]
    for q, subs in below.items():
        batch = {(s, q, o) for p in subs for s, _, o in _asserted(store, None, p, None)}
        yield batch - _asserted(store, None, q, None)
    classes_below: dict[_Term, set[_Term]] = {}
    for term, above in super_classes.items():
        for d in above:
            classes_below.setdefault(d, set()).add(term)
    for d, subs in classes_below.items():
        batch = {(s, _TYPE, d) for p in typing for c in subs for s, _, _ in _asserted(store, None, p, c)}
        yield batch - _asserted(store, None, _TYPE, d)


def entailed_triples(store: ox.Store) -> set[tuple[_Term, _Term, _Term]]:
    """Every triple of :func:`entailed_batches` (for a small store read whole)."""
    return set().union(*entailed_batches(store))


def materialise(store: ox.Store, entailment: Entailment) -> int:
    """Rebuild the store's entailed graph (none with ``off``); returns its number of triples."""
    store.remove_graph(_GRAPH)
    if entailment == "off":
        return 0
    count = 0
    # Batch by batch, not one transaction (millions of quads would sit in memory): the callers
    # make a store whose build or update was cut short be rebuilt whole. A triple two batches
    # entail (an rdf:type under a subproperty of rdf:type) is stored once.
    for batch in entailed_batches(store):
        store.bulk_extend(ox.Quad(s, p, o, _GRAPH) for s, p, o in batch)  # type: ignore[arg-type]
        count += len(batch)
    if not count:
        return 0
    counted = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ENTAILED_GRAPH}> {{ ?s ?p ?o }} }}")
    return int(next(iter(counted))["n"].value)  # type: ignore[arg-type,index,union-attr]
