"""Graph traversal over a snapshot of the store: neighbourhoods, paths and hierarchies.

SPARQL property paths cannot say *how* two things are linked, nor cap a neighbourhood
honestly; networkx can. A :class:`GraphView` is read once from any store with plain SELECT
queries (so embedded and remote mode behave alike):

* nodes are IRIs; edges are IRI-to-IRI triples (``rdf:type`` excepted: it would link
  everything of a class), held in one undirected networkx ``Graph`` whose edge data name the
  predicates in each direction (see :class:`GraphView`), so that paths walk triples both ways
  and neighbourhoods and hierarchies still follow them in their real direction;
* what answers say of a node (its English label, its ``rdf:type`` IRIs, the dates of a claim
  and the sources of its evidence) sits beside the graph in plain tables;
* claims (provisions, treaty actions, subordinations …) are ordinary nodes, so a path shows
  the claim that links two things; evidence nodes are skipped and literals are
  attributes, never nodes.

At a million triples the view is the biggest thing the service keeps, so it is laid out to be
small: each IRI is one string object, edge data and type lists are shared among the nodes and
edges that have the same ones, and a node without attributes or neighbours shares one empty
mapping.

The view never changes after it is built; the service keeps it in a
:class:`~lexgraph.snapshot.Snapshot`, which swaps in a rebuilt one whole when the store
changes, so a request sees either the old view or the new one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from itertools import islice
from typing import Callable, Iterable, Iterator, Literal, Mapping, TypeVar

import networkx as nx
import pyoxigraph as ox

from .collector import collector_paused
from .entailment import ancestors as hierarchy_closure, implied
from .errors import InvalidParameter, NotFound
from .prefixes import BASE_IRI, ID_IRI, PREFIX_IRIS
from .store.base import GraphStore
from .store.entailed import ENTAILED_GRAPH
from .store.select import Gated, ask, select_iris, select_terms

log = logging.getLogger("lexgraph.traverse")

Direction = Literal["both", "out", "in"]
RelationName = Literal["part-of", "edition-of", "parent-body"]
_V = TypeVar("_V")

LG, ELI = PREFIX_IRIS["lg"], PREFIX_IRIS["eli"]
RDF_TYPE = PREFIX_IRIS["rdf"] + "type"
EVIDENCE = LG + "Evidence"
RDFS_LABEL = PREFIX_IRIS["rdfs"] + "label"
RDFS_SUB_CLASS, RDFS_SUB_PROPERTY = PREFIX_IRIS["rdfs"] + "subClassOf", PREFIX_IRIS["rdfs"] + "subPropertyOf"
LABEL_PREDICATES = (PREFIX_IRIS["skos"] + "prefLabel", RDFS_LABEL, LG + "name",
                    PREFIX_IRIS["foaf"] + "name", PREFIX_IRIS["dct"] + "title")
"""Where a node's label comes from, best first."""
TIME_PREDICATES = {"as_of": LG + "asOf", "from_": LG + "from", "until": LG + "until"}
"""The literals that date a claim, by the field that reports them."""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class UnknownNode(NotFound):
    """A node the graph does not hold; the API answers 404."""


class BadReference(InvalidParameter):
    """A predicate, prefixed name or relation that cannot be resolved; the API answers 422."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Node:
    """A node as answers show it."""

    iri: str
    id: str | None
    """The IRI relative to the data namespace (``treaty/berne-convention``), when it is in it."""
    label: str | None
    types: tuple[str, ...]
    """``rdf:type`` values as prefixed names where a prefix fits."""


@dataclass(frozen=True)
class ReachedNode(Node):
    """A node of a neighbourhood with its distance (in edges) from the start."""

    distance: int = 0


@dataclass(frozen=True)
class Edge:
    """One triple of the graph, in its real direction."""

    subject: str
    predicate: str
    predicate_label: str
    object: str


@dataclass(frozen=True)
class PathEdge(Edge):
    """An edge on a path: which hop it makes and whether the path follows it forward."""

    hop: int = 0
    direction: Literal["forward", "backward"] = "forward"


@dataclass(frozen=True)
class Neighbourhood:
    node: Node
    depth: int
    direction: Direction
    predicates: tuple[str, ...]
    nodes: list[ReachedNode]
    edges: list[Edge]
    limit: int
    truncated: bool


@dataclass(frozen=True)
class Path:
    length: int
    nodes: list[Node]
    edges: list[PathEdge]
    """Every triple between consecutive nodes (parallel triples make a hop show twice)."""


@dataclass(frozen=True)
class Paths:
    source: Node
    target: Node
    max_paths: int
    max_length: int
    paths: list[Path]
    truncated: bool
    """More paths within ``max_length`` exist than ``max_paths``."""


@dataclass(frozen=True)
class SourceRef:
    iri: str
    label: str | None
    date: str | None


@dataclass(frozen=True)
class ClaimRef:
    """The claim behind a hierarchy step, with its time span and sources."""

    iri: str
    types: tuple[str, ...]
    as_of: str | None
    from_: str | None
    until: str | None
    sources: list[SourceRef]


@dataclass(frozen=True)
class Step:
    """``child`` sits under ``parent``; ``claims`` say so where the link is a claim."""

    child: Node
    parent: Node
    predicate: str
    predicate_label: str
    claims: list[ClaimRef]
    edges: list[Edge]


@dataclass(frozen=True)
class Hierarchy:
    node: Node
    relation: RelationName
    direction: Literal["ancestors", "descendants"]
    chains: list[list[Step]]
    """Ancestors: each chain climbs from the node to a top; descendants: descends to a leaf."""
    limit: int
    truncated: bool


# --------------------------------------------------------------------------- the view


def prefixed(iri: str) -> str:
    """``lg:act`` for ``https://w3id.org/lexgraph/def/act``; the IRI itself when no prefix fits."""
    best = ("", "")
    for name, ns in PREFIX_IRIS.items():
        if iri.startswith(ns) and len(ns) > len(best[1]):
            best = (name, ns)
    local = iri[len(best[1]):]
    return f"{best[0]}:{local}" if best[0] and re.fullmatch(r"[A-Za-z0-9_.-]*", local) else iri


def expand(ref: str) -> str:
    """A full IRI from an IRI, a prefixed name (``eli:is_part_of``) or a relative data id."""
    ref = ref.strip().removeprefix("<").removesuffix(">")
    prefix, _, local = ref.partition(":")
    if prefix in PREFIX_IRIS and local:
        return PREFIX_IRIS[prefix] + local
    return ref if _SCHEME.match(ref) else ID_IRI + ref.lstrip("/")


@dataclass
class GraphView:
    """A snapshot of the store as a networkx graph, never changed once built; see the module docstring.

    ``graph`` is undirected, with one edge per pair of linked nodes (a node linked to itself
    has an edge to itself). The data of an edge, as found in the adjacency of one end
    (``graph.adj[u][v]``), says which triples link the pair from that end: ``"out"``, the
    predicates of the triples u → v, and ``"in"``, those of v → u, each sorted. So
    ``graph.adj[v][u]`` holds the same two tuples swapped; the data are read-only and shared
    by every edge with the same ones.
    """

    graph: nx.Graph
    predicate_labels: dict[str, str]
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each typed node's ``rdf:type`` IRIs (its most specific ones), sorted."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each labelled node's label (see :func:`_label`)."""
    literals: dict[str, dict[str, tuple[tuple[str, str, str], ...]]] = field(default_factory=dict)
    """The literals answers report besides labels (the dates of the claims hierarchy answers
    show, and of their sources): node → predicate → sorted (value, language, datatype)."""
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each such claim's evidence sources, sorted."""
    triples: int = 0
    """IRI-to-IRI triples, the edges in their real direction."""
    hub_scale: float = 1.0
    """log(1 + the highest degree), for :meth:`hubness`."""
    build_seconds: float = 0.0

    @classmethod
    def from_rows(cls, links: Iterable[tuple[str, str, str]], literals: Iterable[tuple[str, str, tuple[str, str, str]]],
                  types: Iterable[tuple[str, str]], sources: Iterable[tuple[str, str]]) -> GraphView:
        """Assemble the view from what the build queries found: IRI-to-IRI triples (s, p, o),
        literal triples (s, p, (value, language, datatype)), (node, class) and (claim, source)
        pairs, with repeats allowed (the union of named graphs may hold a triple twice).
        Attributes come out sorted; edges are added in the order given, which should be
        a stable one (:func:`read_view_rows` sorts them) so that ties among paths fall the same
        way on every build."""
        own = _copier()
        adjacency, triples, predicates = _adjacency(links, own)
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # few nodes have types no other node has
        types_of = {}
        for n, found in _grouped(types, own).items():
            classes = tuple(_sorted_unique(found))
            types_of[n] = shared.setdefault(classes, classes)
        sources_of = {claim: tuple(_sorted_unique([own(s) for s in found])) for claim, found in _grouped(sources, own).items()}
        nodes = dict.fromkeys(adjacency) | dict.fromkeys(types_of) | dict.fromkeys(sources_of)
        names: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
        dates: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
        for s, p, value in literals:
            s = own(s)
            nodes[s] = None
            (names if p in LABEL_PREDICATES else dates).setdefault(s, {}).setdefault(p, []).append(value)
        labels = {}
        for node, by_predicate in names.items():
            label = _label({p: _sorted_unique(values) for p, values in by_predicate.items()})
            if label is not None:
                labels[node] = label
        graph = _graph(nodes, adjacency)
        top = max((len(around) - (n in around) for n, around in adjacency.items()), default=0)
        return cls(graph, _predicate_labels(names, predicates), types_of, labels,
                   {n: {p: tuple(_sorted_unique(v)) for p, v in by_predicate.items()} for n, by_predicate in dates.items()},
                   sources_of, triples, math.log1p(top) or 1.0)

    def resolve(self, ref: str) -> str:
        """The IRI of a node reference; :class:`UnknownNode` when the graph lacks it."""
        iri = expand(ref)
        if iri not in self.graph:
            raise UnknownNode(f"no node <{iri}> in the graph (give a full IRI or an id such as treaty/berne-convention)")
        return iri

    def resolve_predicate(self, ref: str) -> str:
        """The IRI of a predicate reference; :class:`BadReference` unless some edge uses it."""
        iri = expand(ref) if ":" in ref else ref
        if iri not in self.predicate_labels:
            raise BadReference(f"predicate: {ref!r} links no two nodes of the graph; give an IRI or a prefixed name such as eli:is_part_of")
        return iri

    def node(self, iri: str) -> Node:
        return Node(iri, _relative(iri), self.labels.get(iri), tuple(prefixed(t) for t in self.types.get(iri, ())))

    def edge(self, subject: str, predicate: str, obj: str) -> Edge:
        return Edge(subject, predicate, self.predicate_labels[predicate], obj)

    def literal(self, iri: str, predicate: str) -> str | None:
        values = self.literals.get(iri, {}).get(predicate)
        return values[0][0] if values else None

    def out_edges(self, node: str) -> Iterator[tuple[str, str]]:
        """(predicate, object) of each triple from ``node``."""
        for other, data in self.graph._adj[node].items():
            for p in data["out"]:
                yield p, other

    def in_edges(self, node: str) -> Iterator[tuple[str, str]]:
        """(subject, predicate) of each triple to ``node``."""
        for other, data in self.graph._adj[node].items():
            for p in data["in"]:
                yield other, p

    def hubness(self, node: str) -> float:
        """log(1 + degree) / log(1 + highest degree): 0 for a leaf, 1 for the biggest hub (a
        node's link to itself is not counted)."""
        around = self.graph._adj[node]
        return math.log1p(len(around) - (node in around)) / self.hub_scale

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __getstate__(self) -> dict[str, object]:
        """The view as pickle sends it from the child process that builds it
        (:mod:`lexgraph.store.child_build`). The graph's shared read-only edge data cannot be
        pickled as they are, so the graph goes as its nodes in order, its distinct (out, in)
        pairs, and each node's neighbours as flat [node number, pair number, ...] lists: small
        integers, which pickle writes and reads far faster than a tuple per edge."""
        nodes = list(self.graph._adj)
        number = {n: i for i, n in enumerate(nodes)}
        pair_of: dict[int, int] = {}
        pairs: list[EdgeKey] = []
        links: list[list[int]] = []
        for around in self.graph._adj.values():
            row: list[int] = []
            for other, data in around.items():
                k = pair_of.get(id(data))
                if k is None:
                    k = pair_of[id(data)] = len(pairs)
                    pairs.append((data["out"], data["in"]))
                row += (number[other], k)
            links.append(row)
        return {**vars(self), "graph": (nodes, pairs, links)}

    def __setstate__(self, state: dict[str, object]) -> None:
        nodes, pairs, links = state.pop("graph")  # type: ignore[misc]
        data = [_edge_data(pair) for pair in pairs]
        node, datum = nodes.__getitem__, data.__getitem__
        adjacency = {n: dict(zip(map(node, row[0::2]), map(datum, row[1::2]))) for n, row in zip(nodes, links) if row}
        vars(self).update(state, graph=_graph(nodes, adjacency))


_EMPTY: Mapping = MappingProxyType({})
"""The attributes of every node and the neighbours of an unlinked one: shared, read-only."""


def _graph(nodes: Iterable[str], adjacency: dict[str, dict[str, Mapping[str, tuple[str, ...]]]]) -> nx.Graph:
    """The networkx graph of ``nodes`` with ``adjacency`` as its own (see :class:`GraphView`)."""
    graph = nx.Graph()
    graph._node.update(dict.fromkeys(nodes, _EMPTY))
    graph._adj.update((n, adjacency.get(n, _EMPTY)) for n in graph._node)
    return graph


def _copier() -> Callable[[str], str]:
    """A function giving one new string object per distinct IRI, the same one each time. The
    view keeps these rather than the strings of the rows read: made after the reads, they do
    not sit among the reads' freed objects in memory that the process then cannot hand back
    (at a million triples, a tenth less resident memory)."""
    copies: dict[str, str] = {}

    def own(iri: str) -> str:
        found = copies.get(iri)
        if found is None:
            found = copies[iri] = "".join((iri, ""))  # a new object (str(iri) and iri[:] are iri)
        return found

    return own


def _adjacency(links: Iterable[tuple[str, str, str]], own: Callable[[str], str]) -> tuple[dict[str, dict[str, Mapping[str, tuple[str, ...]]]], int, set[str]]:
    """The graph's adjacency (see :class:`GraphView`), the number of distinct triples and
    their predicates. Written in networkx's own layout: ``add_edge`` would spend seconds at a
    million triples on checks and attribute merging that final, shared edge data do not need.
    A node's neighbours come in the order each pair is first linked, either way, as
    ``add_edge`` would put them; a test checks that the result equals the graph networkx
    builds itself."""
    pending: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    triples = 0
    for s, p, o in links:
        s, o = own(s), own(o)
        around = pending.get(s)
        if around is None:
            around = pending[s] = {}
        pair = around.get(o)
        if pair is None:
            if s == o:
                both: list[str] = []
                pair = around[o] = (both, both)
            else:
                pair = around[o] = ([], [])
                back = pending.get(o)
                if back is None:
                    back = pending[o] = {}
                back[s] = (pair[1], pair[0])
        if p not in pair[0]:
            pair[0].append(p)
            triples += 1
    for around in pending.values():
        for other, (out, back) in around.items():
            around[other] = (tuple(out), tuple(back))  # type: ignore[assignment]
    adjacency, shared = _shared_edge_data(pending)  # type: ignore[arg-type]
    return adjacency, triples, {p for out, _back in shared for p in out}


EdgeKey = tuple[tuple[str, ...], tuple[str, ...]]
"""An edge's predicates from one end: (out, in)."""


def _shared_edge_data(adjacency: dict[str, dict[str, EdgeKey]]) -> tuple[dict[str, dict[str, Mapping[str, tuple[str, ...]]]], dict[EdgeKey, Mapping[str, tuple[str, ...]]]]:
    """``adjacency`` (changed in place) with each edge's (out, in) made its edge data: one
    read-only mapping per distinct pair, shared by every edge that has it (a few dozen at a
    million triples, instead of a dict per edge); and those mappings by pair."""
    shared: dict[EdgeKey, Mapping[str, tuple[str, ...]]] = {}
    for around in adjacency.values():
        for other, key in around.items():
            data = shared.get(key)
            if data is None:
                data = shared[key] = _edge_data(key)
            around[other] = data  # type: ignore[assignment]
    return adjacency, shared  # type: ignore[return-value]


def _edge_data(key: EdgeKey) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({"out": key[0], "in": key[1]})


def _grouped(pairs: Iterable[tuple[str, _V]], own: Callable[[str], str]) -> dict[str, list[_V]]:
    """The values of each key (as ``own`` gives it)."""
    out: dict[str, list[_V]] = {}
    for key, value in pairs:
        out.setdefault(own(key), []).append(value)
    return out


def _sorted_unique(values: list[_V]) -> list[_V]:
    return values if len(values) < 2 else sorted(set(values))


def _label(literals: dict[str, list[tuple[str, str, str]]]) -> str | None:
    """The English (or untagged) label, by :data:`LABEL_PREDICATES` order; English first, and
    the first in sort order among equals (each predicate's values come sorted)."""
    for predicate in LABEL_PREDICATES:
        values = literals.get(predicate)
        if values:
            for wanted in ("en", ""):
                for value, lang, _datatype in values:
                    if lang.partition("-")[0].lower() == wanted:
                        return value
    return None


def _predicate_labels(names: dict[str, dict[str, list[tuple[str, str, str]]]], predicates: set[str]) -> dict[str, str]:
    """Our ontology's English rdfs:label of each predicate, else its prefixed name."""
    out = {}
    for p in predicates:
        english = sorted(v for v, lang, _ in names.get(p, {}).get(RDFS_LABEL, []) if lang in ("en", ""))
        out[p] = english[0] if english and p.startswith(BASE_IRI) else prefixed(p)
    return out


def _relative(iri: str) -> str | None:
    return iri[len(ID_IRI):] if iri.startswith(ID_IRI) else None


# --------------------------------------------------------------------------- building

_REPORTED = f"?claim <{LG}parent> ?parent"
"""The claims whose details (dates, sources and the sources' dates) the view keeps: those
that hierarchy answers report, subordinations, which carry lg:parent. Reading the details of
every claim would cost the build a third of its time for nothing the view answers with."""
BUILD_CONCURRENCY = 3
"""Build queries in flight at once: with the embedded store they run in threads of this
process, where three keep two cores busy (measured: two leave a third of the time idle,
four gain nothing more); with a remote store, three connections at a time."""

_HIERARCHY = f"SELECT ?a ?h ?b WHERE {{ VALUES ?h {{ <{RDFS_SUB_CLASS}> <{RDFS_SUB_PROPERTY}> }} ?a ?h ?b }}"
_IN_GRAPH = "SELECT DISTINCT ?x WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}"
"""The predicates (or classes) one graph uses, asked graph by graph: the same question over
several graphs at once scans them more slowly."""
_SOURCES = f"SELECT ?claim ?src WHERE {{ {_REPORTED} ; <{LG}evidence> ?e . ?e <{LG}source> ?src }}"
_DATE_PATTERNS = (
    [f"{{ {_REPORTED} ; <{p}> ?o BIND (?claim AS ?s) BIND (<{p}> AS ?p) }}" for p in TIME_PREDICATES.values()]
    + [f"{{ {_REPORTED} ; <{LG}evidence>/<{LG}source> ?s . ?s <{LG}date> ?o BIND (<{LG}date> AS ?p) }}"])
_DATES = f"SELECT ?s ?p ?o WHERE {{ {' UNION '.join(_DATE_PATTERNS)} }}"
"""The dates of the reported claims and of their sources."""


def _asserted(pattern: str, only: bool = True) -> str:
    """``pattern`` matched outside the store's entailed graph (or anywhere, unless ``only``)."""
    return f"GRAPH ?g {{ {pattern} }} FILTER(?g != <{ENTAILED_GRAPH}>)" if only else pattern


def _links_ask(predicate: str, subjects_too: bool = False) -> str:
    """Whether ``predicate`` links some IRI to an IRI (outside the entailed graph). The store
    decodes a term to tell that it is an IRI but not to tell that it is not, so the
    object-only question stops early where the answer is yes, and the second one scans
    blank-node subjects (evidence) cheaply."""
    test = "isIRI(?s) && isIRI(?o)" if subjects_too else "isIRI(?o)"
    return f"ASK {{ {_asserted(f'?s <{predicate}> ?o')} FILTER({test}) }}"


def _triples_of(predicate: str, only_asserted: bool = True) -> str:
    return f"SELECT ?s ?o WHERE {{ {_asserted(f'?s <{predicate}> ?o', only_asserted)} }}"


def _instances_of(cls: str, only_asserted: bool) -> str:
    return f"SELECT ?s WHERE {{ {_asserted(f'?s <{RDF_TYPE}> <{cls}>', only_asserted)} }}"


@dataclass(frozen=True)
class ViewRows:
    """What the view is built from, as :func:`read_view_rows` reads it from the store."""

    links: list[tuple[str, str, str]]
    """IRI-to-IRI triples, sorted by predicate, then subject and object."""
    literals: list[tuple[str, str, tuple[str, str, str]]]
    types: list[tuple[str, str]]
    sources: list[tuple[str, str]]


@dataclass(frozen=True)
class _Hierarchies:
    """The store's subproperty and subclass hierarchies, closed, and what they let the build skip."""

    super_properties: dict[str, set[str]]
    super_classes: dict[str, set[str]]

    @classmethod
    def of(cls, rows: list[tuple[str, ...]]) -> _Hierarchies:
        return cls(hierarchy_closure((a, b) for a, h, b in rows if h == RDFS_SUB_PROPERTY),
                   hierarchy_closure((a, b) for a, h, b in rows if h == RDFS_SUB_CLASS))

    def only_asserted(self, predicates: Iterable[str]) -> bool:
        """Whether the triples of ``predicates`` may be read outside the entailed graph with
        no change to the view: when no property outside them is below one of them. Each
        entailed triple of theirs then comes from a triple the build reads beside it, so
        :func:`_most_specific` would drop it. (Links always may: every property linking IRIs
        is read. Typings may unless some property is below rdf:type: the typings it entails
        would tell evidence nodes.)"""
        wanted = set(predicates)
        return all(not (above & wanted) or p in wanted for p, above in self.super_properties.items())


async def read_view_rows(store: GraphStore) -> ViewRows:
    """Read what the view needs from the store.

    The store is read in small queries, one per predicate (and per class), rather than a few
    big ones: an on-disk store spends most of a big answer's time turning stored ids back into
    IRIs, and separate queries let every thread (or the remote server's threads) do that at
    once. The queries filter none of the terms they return (a filter makes the store decode
    each term it tests); blank nodes and literals are dropped while reading the answer
    instead, and predicates that never link to an IRI are skipped after an ASK that stops at
    the first link.

    Links, typings and labels are read from the graphs other than the entailed one (the
    store's materialised entailment, nearly as big as the data at a million triples), where
    that gives the same view (:meth:`_Hierarchies.only_asserted`): the view shows each fact
    by its most specific property and class, so it would drop those triples anyway (a test
    checks the view against one read from every graph). The predicates and classes are
    found in the other graphs, graph by graph, for the same reason.
    """
    reader = Gated(store, BUILD_CONCURRENCY)
    hierarchy_rows, graphs = await asyncio.gather(select_iris(reader, _HIERARCHY), store.graph_names())
    hierarchies = _Hierarchies.of(hierarchy_rows)
    asserted_graphs = [g for g in graphs if g != ENTAILED_GRAPH]
    typings_asserted = hierarchies.only_asserted([RDF_TYPE])

    async def used(pattern: str, graphs: list[str]) -> list[str]:
        reads = await asyncio.gather(*(select_iris(reader, _IN_GRAPH.format(graph=g, pattern=pattern)) for g in graphs))
        return sorted({x for rows in reads for (x,) in rows})

    async def links_of(predicate: str) -> list[tuple[str, str, str]]:
        if not (await ask(reader, _links_ask(predicate)) and await ask(reader, _links_ask(predicate, True))):
            return []
        # Sorted as each answer arrives (while the store works on the next), so the edges
        # reach the graph in one stable order: by predicate, then subject and object.
        return [(s, predicate, o) for s, o in sorted(set(await select_iris(reader, _triples_of(predicate))))]

    async def all_types() -> list[tuple[str, str]]:
        classes = await used(f"?s <{RDF_TYPE}> ?x", asserted_graphs if typings_asserted else graphs)
        reads = await asyncio.gather(*(select_iris(reader, _instances_of(t, typings_asserted)) for t in classes))
        return [(s, t) for t, rows in zip(classes, reads) for (s,) in rows]

    async def all_links() -> list[tuple[str, str, str]]:
        predicates = await used("?s ?x ?o", asserted_graphs)
        reads = await asyncio.gather(*(links_of(p) for p in predicates if p != RDF_TYPE))
        return [row for rows in reads for row in rows]

    async def literals_from(query: str, predicate: str | None = None) -> list[tuple[str, str, tuple[str, str, str]]]:
        rows = await select_terms(reader, query)
        return [(row["s"]["value"], predicate or row["p"]["value"],
                 (row["o"]["value"], row["o"].get("xml:lang", ""), row["o"].get("datatype", "")))
                for row in rows if row["s"]["type"] == "uri" and row["o"]["type"] == "literal"]

    labels_asserted = hierarchies.only_asserted(LABEL_PREDICATES)
    # The predicates first (the links wait for them), then the longest reads, so that neither
    # thread is left with a long one at the end.
    links, types, sources, *literals = await asyncio.gather(
        all_links(), all_types(), select_iris(reader, _SOURCES), literals_from(_DATES),
        *(literals_from(_triples_of(p, labels_asserted), p) for p in LABEL_PREDICATES))
    return await asyncio.to_thread(_view_rows, links, types, sources, [row for rows in literals for row in rows],  # type: ignore[arg-type]
                                   hierarchies)


def _view_rows(links: list[tuple[str, str, str]], types: list[tuple[str, str]], sources: list[tuple[str, ...]],
               literals: list[tuple[str, str, tuple[str, str, str]]], hierarchies: _Hierarchies) -> ViewRows:
    """The rows read, with evidence nodes and entailed facts left out (a second of work at a
    million triples: in a thread, off the event loop). Evidence nodes (the quotes behind
    claims) are reported as each claim's sources, not as nodes to traverse: every claim of one
    document would otherwise be two hops from every other."""
    # lg:Evidence or any class below it: the typings were read without the entailed ones.
    evidence_classes = {c for c, above in hierarchies.super_classes.items() if EVIDENCE in above} | {EVIDENCE}
    evidence = {s for s, t in types if t in evidence_classes}
    links = [link for link in links if link[0] not in evidence and link[2] not in evidence]
    types = [(s, t) for s, t in types if s not in evidence]
    return _most_specific(ViewRows(links, literals, types, sources), hierarchies)  # type: ignore[arg-type]


def _most_specific(rows: ViewRows, hierarchies: _Hierarchies) -> ViewRows:
    """Each fact once: an edge, a type or a label that a more specific one beside it entails
    (a superproperty asserted too, or the store's entailed view where it was read) is left
    out, so the view shows lg:concerns and lg:TreatyAction, not also dct:subject, lg:Event and
    lg:Claim. Only the triples of a property or class in a hierarchy can entail another or be
    entailed, so only those are compared."""
    super_properties, super_classes = hierarchies.super_properties, hierarchies.super_classes
    properties = set(super_properties).union(*super_properties.values())
    classes = set(super_classes).union(*super_classes.values())
    every_typing = RDF_TYPE in properties
    typings = [(s, RDF_TYPE, t) for s, t in rows.types if every_typing or t in classes]
    drop = implied([*(t for t in rows.links if t[1] in properties), *typings,
                    *(t for t in rows.literals if t[1] in properties)],  # type: ignore[misc]
                   super_properties, super_classes, RDF_TYPE)
    if not drop:
        return rows
    return ViewRows([t for t in rows.links if t not in drop], [t for t in rows.literals if t not in drop],  # type: ignore[comparison-overlap]
                    [(s, t) for s, t in rows.types if (s, RDF_TYPE, t) not in drop], rows.sources)


async def build_view(store: GraphStore) -> GraphView:
    """Read the store and assemble the view (the assembly off the event loop)."""
    started = time.perf_counter()
    with collector_paused():
        rows = await read_view_rows(store)
        view = await asyncio.to_thread(GraphView.from_rows, rows.links, rows.literals, rows.types, rows.sources)
        del rows
    view.build_seconds = time.perf_counter() - started
    log.info("graph view: %d nodes, %d edges in %.2f s", len(view), view.triples, view.build_seconds)
    return view


# --------------------------------------------------------------------------- neighbours


def _incident(view: GraphView, node: str, direction: Direction, predicates: frozenset[str]) -> list[tuple[str, Edge]]:
    """(other node, edge) for each edge at ``node`` in ``direction``, sorted for stable answers."""
    found: list[tuple[str, Edge]] = []
    if direction in ("out", "both"):
        found += [(o, view.edge(node, p, o)) for p, o in view.out_edges(node)]
    if direction in ("in", "both"):
        found += [(s, view.edge(s, p, node)) for s, p in view.in_edges(node)]
    if predicates:
        found = [(other, e) for other, e in found if e.predicate in predicates]
    return sorted(set(found), key=lambda item: (item[1].predicate, item[0], item[1].subject))


def neighbours(view: GraphView, node: str, depth: int = 1, predicates: Iterable[str] | None = None,
               direction: Direction = "both", limit: int = 100) -> Neighbourhood:
    """Nodes and edges within ``depth`` hops of ``node`` (breadth first), at most ``limit``
    nodes besides the start; ``truncated`` says when more were within reach."""
    start = view.resolve(node)
    wanted = frozenset(view.resolve_predicate(p) for p in predicates or ())
    distance = {start: 0}
    edges: dict[Edge, None] = {}
    truncated = False
    frontier = [start]
    for level in range(1, depth + 1):
        following = []
        for current in frontier:
            for other, edge in _incident(view, current, direction, wanted):
                if other not in distance:
                    if len(distance) > limit:
                        truncated = True
                        continue
                    distance[other] = level
                    following.append(other)
                edges[edge] = None
        frontier = following
    reached = [ReachedNode(**vars(view.node(n)), distance=d) for n, d in distance.items() if n != start]
    return Neighbourhood(view.node(start), depth, direction, tuple(sorted(wanted)), reached,
                         list(edges), limit, truncated)


# --------------------------------------------------------------------------- paths


def _between(view: GraphView, a: str, b: str, hop: int) -> list[PathEdge]:
    """Every triple linking ``a`` and ``b``, marked forward (a → b) or backward (a ← b)."""
    link = view.graph.adj[a][b]
    out = [PathEdge(a, p, view.predicate_labels[p], b, hop, "forward") for p in link["out"]]
    if a != b:
        out += [PathEdge(b, p, view.predicate_labels[p], a, hop, "backward") for p in link["in"]]
    return sorted(out, key=lambda e: (e.direction, e.predicate))


def _hop_weight(view: GraphView, max_length: int) -> Callable[[str, str, dict], float]:
    """One per hop plus a tie-breaker below 1 per path of up to ``max_length`` hops, so that
    among paths of equal length those through less connected nodes (which say more about how
    two things relate than a hub such as a country does) come first."""
    scale = 2.0 * (max_length + 1)
    return lambda u, v, _attrs: 1.0 + (view.hubness(u) + view.hubness(v)) / scale


def paths(view: GraphView, source: str, target: str, max_paths: int = 5, max_length: int = 6,
          via_terms: bool = False) -> Paths:
    """The shortest simple paths between two nodes, shortest first, each edge walkable both
    ways but reported in its real direction.

    Unless ``via_terms``, paths step only through data nodes (ids under …/id/): vocabulary
    concepts, classes and the ontology link everything of one kind, so a path through them
    says only that two things share a category.
    """
    a, b = view.resolve(source), view.resolve(target)
    found: list[list[str]] = []
    if a == b:
        found = [[a]]
    else:
        graph = view.graph
        if not via_terms:
            graph = nx.subgraph_view(graph, filter_node=lambda n: n.startswith(ID_IRI) or n == a or n == b)
        try:
            for nodes in islice(nx.shortest_simple_paths(graph, a, b, weight=_hop_weight(view, max_length)), max_paths + 1):
                if len(nodes) - 1 > max_length:
                    break
                found.append(nodes)
        except nx.NetworkXNoPath:
            pass
    truncated = len(found) > max_paths
    result = [
        Path(len(nodes) - 1, [view.node(n) for n in nodes],
             [e for hop, (x, y) in enumerate(zip(nodes, nodes[1:]), 1) for e in _between(view, x, y, hop)])
        for nodes in found[:max_paths]
    ]
    return Paths(view.node(a), view.node(b), max_paths, max_length, result, truncated)


# --------------------------------------------------------------------------- hierarchies


@dataclass(frozen=True)
class _Relation:
    """How to take one step up (or down) a hierarchy."""

    up: Callable[[GraphView, str], list[Step]]
    down: Callable[[GraphView, str], list[Step]]


def _by_predicates(*predicates: str) -> _Relation:
    """A hierarchy made by direct triples child → predicate → parent."""

    def up(view: GraphView, node: str) -> list[Step]:
        return [_plain_step(view, node, p, o) for p, o in view.out_edges(node) if p in predicates]

    def down(view: GraphView, node: str) -> list[Step]:
        return [_plain_step(view, s, p, node) for s, p in view.in_edges(node) if p in predicates]

    return _Relation(up, down)


def _plain_step(view: GraphView, child: str, predicate: str, parent: str) -> Step:
    return Step(view.node(child), view.node(parent), predicate, view.predicate_labels[predicate], [],
                [view.edge(child, predicate, parent)])


def _claim_ref(view: GraphView, claim: str) -> ClaimRef:
    sources = [SourceRef(s, view.labels.get(s), view.literal(s, LG + "date")) for s in view.sources.get(claim, ())]
    times = {name: view.literal(claim, p) for name, p in TIME_PREDICATES.items()}
    return ClaimRef(claim, view.node(claim).types, sources=sources, **times)


def _subordination_steps(view: GraphView, node: str, upward: bool) -> list[Step]:
    """Steps through lg:Subordination claims (claim → organisation, claim → parent), one per
    (child, parent) pair with every claim that gives it."""
    org, parent = LG + "organization", LG + "parent"
    here, there = (org, parent) if upward else (parent, org)
    grouped: dict[str, list[str]] = {}
    for claim, p in view.in_edges(node):
        if p == here:
            for q, other in view.out_edges(claim):
                if q == there:
                    grouped.setdefault(other, []).append(claim)
    steps = []
    for other, claims in sorted(grouped.items()):
        child, top = (node, other) if upward else (other, node)
        edges = [e for c in sorted(claims) for e in (view.edge(c, org, child), view.edge(c, parent, top))]
        steps.append(Step(view.node(child), view.node(top), parent, view.predicate_labels[parent],
                          [_claim_ref(view, c) for c in sorted(claims)], edges))
    return steps


RELATIONS: dict[str, _Relation] = {
    "part-of": _by_predicates(ELI + "is_part_of", LG + "editionOf"),
    "edition-of": _by_predicates(LG + "editionOf"),
    "parent-body": _Relation(lambda v, n: _subordination_steps(v, n, True),
                             lambda v, n: _subordination_steps(v, n, False)),
}
"""part-of climbs eli:is_part_of and then lg:editionOf (a part of an edition is part of the
code as a whole); edition-of follows lg:editionOf; parent-body goes through the claims."""


def _chains(view: GraphView, start: str, step: Callable[[GraphView, str], list[Step]], upward: bool,
            limit: int) -> tuple[list[list[Step]], bool]:
    """Every chain from ``start`` to a node with no further step (depth first, cycles cut)."""
    chains: list[list[Step]] = []
    stack: list[tuple[str, list[Step], frozenset[str]]] = [(start, [], frozenset({start}))]
    while stack:
        node, chain, seen = stack.pop()
        nexts = [s for s in step(view, node) if (s.parent if upward else s.child).iri not in seen]
        if not nexts:
            if chain:
                if len(chains) >= limit:
                    return chains, True
                chains.append(chain)
            continue
        for s in sorted(nexts, key=lambda s: (s.parent.iri, s.child.iri), reverse=True):
            nxt = (s.parent if upward else s.child).iri
            stack.append((nxt, chain + [s], seen | {nxt}))
    return chains, False


def _hierarchy(view: GraphView, node: str, relation: str, upward: bool, limit: int) -> Hierarchy:
    if relation not in RELATIONS:
        raise BadReference(f"relation: {relation!r} is not one of {', '.join(RELATIONS)}")
    iri = view.resolve(node)
    rel = RELATIONS[relation]
    chains, truncated = _chains(view, iri, rel.up if upward else rel.down, upward, limit)
    return Hierarchy(view.node(iri), relation, "ancestors" if upward else "descendants",  # type: ignore[arg-type]
                     chains, limit, truncated)


def ancestors(view: GraphView, node: str, relation: str, limit: int = 1000) -> Hierarchy:
    """The chains from ``node`` up to each top of the hierarchy ``relation``."""
    return _hierarchy(view, node, relation, True, limit)


def descendants(view: GraphView, node: str, relation: str, limit: int = 1000) -> Hierarchy:
    """The chains from ``node`` down to each leaf of the hierarchy ``relation``."""
    return _hierarchy(view, node, relation, False, limit)


# --------------------------------------------------------------------------- RDF out


def subgraph(view: GraphView, edges: Iterable[Edge], claims: Iterable[str] = ()) -> list[ox.Triple]:
    """The triples of ``edges`` (each once), plus the dating literals of ``claims``."""
    triples = dict.fromkeys(ox.Triple(ox.NamedNode(e.subject), ox.NamedNode(e.predicate), ox.NamedNode(e.object))
                            for e in edges)
    for claim in claims:
        for predicate in TIME_PREDICATES.values():
            for value, lang, datatype in view.literals.get(claim, {}).get(predicate, ()):
                literal = ox.Literal(value, language=lang) if lang else ox.Literal(
                    value, datatype=ox.NamedNode(datatype) if datatype else None)
                triples[ox.Triple(ox.NamedNode(claim), ox.NamedNode(predicate), literal)] = None
    return list(triples)


def turtle(triples: Iterable[ox.Triple]) -> bytes:
    """Turtle with those of our prefixes that it uses."""
    triples = list(triples)
    iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for triple in triples for t in (triple.object,) if isinstance(t, ox.Literal)}
    used = {name: ns for name, ns in PREFIX_IRIS.items() if any(i.startswith(ns) for i in iris)}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""


def hierarchy_edges(result: Hierarchy) -> tuple[list[Edge], list[str]]:
    """The edges and claim IRIs of every step of a hierarchy answer."""
    steps = [s for chain in result.chains for s in chain]
    return [e for s in steps for e in s.edges], [c.iri for s in steps for c in s.claims]
