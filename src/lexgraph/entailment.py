"""RDFS entailment from the subclass and subproperty hierarchies, never from domain or range.

Typing nodes from rdfs:domain and rdfs:range would explain a wrong link away (a state given
as a treaty's administering body would simply become "a body"), so only what the hierarchies
say is entailed: a value of lg:date is also a dct:date, an lg:State is also an
org:Organization, an lg:TreatyAction is also an lg:Event.

One rule for every user: the store materialises it into its entailed graph
(:mod:`lexgraph.store.entailed`), validation applies it to the data it checks, and the graph
view leaves out what it entails (:func:`implied`). The functions work on any hashable terms
(pyoxigraph's, or IRIs as strings).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Iterable, Iterator, Mapping, TypeVar

T = TypeVar("T", bound=Hashable)


def ancestors(pairs: Iterable[tuple[T, T]]) -> dict[T, set[T]]:
    """For each term, every term above it through (child, parent) ``pairs``, transitively
    (cycles allowed; a term is never its own ancestor)."""
    parents: dict[T, set[T]] = defaultdict(set)
    for child, parent in pairs:
        if child != parent:
            parents[child].add(parent)
    closure: dict[T, set[T]] = {}

    def up(term: T, seen: frozenset[T]) -> set[T]:
        if term in closure:
            return closure[term]
        result: set[T] = set()
        for parent in parents.get(term, ()):
            if parent not in seen:
                result.add(parent)
                result |= up(parent, seen | {parent})
        closure[term] = result
        return result

    for term in list(parents):
        up(term, frozenset({term}))
    return {term: above - {term} for term, above in closure.items() if above - {term}}


def entailed(triples: Iterable[tuple[T, T, T]], super_properties: Mapping[T, set[T]],
             super_classes: Mapping[T, set[T]], rdf_type: T) -> Iterator[tuple[T, T, T]]:
    """The triples that ``triples`` entail through the hierarchies (rdfs7 and rdfs9, with the
    closures already transitive): each under every superproperty of its predicate, and a
    typing, asserted or entailed, under every superclass of its class. Asserted triples may
    come out again, and one triple more than once: callers keep a set."""
    for s, p, o in triples:
        for q in (p, *super_properties.get(p, ())):
            if q != p:
                yield s, q, o
            if q == rdf_type:
                for c in super_classes.get(o, ()):
                    yield s, rdf_type, c


def implied(triples: Iterable[tuple[T, T, T]], super_properties: Mapping[T, set[T]],
            super_classes: Mapping[T, set[T]], rdf_type: T) -> set[tuple[T, T, T]]:
    """The triples among ``triples`` that others among them entail (an event's lg:Event beside
    its lg:TreatyAction, an rdfs:label beside the same skos:prefLabel): what a view that
    shows each fact once, by its most specific property and classes, leaves out."""
    given = set(triples)
    return given & set(entailed(given, super_properties, super_classes, rdf_type))

