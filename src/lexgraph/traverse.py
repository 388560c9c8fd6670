"""Graph traversal over a snapshot of the store: neighbourhoods, paths and hierarchies.

SPARQL property paths cannot say *how* two things are linked, nor cap a neighbourhood
honestly; networkx can. A :class:`GraphView` is read once from any store with plain SELECT
queries (so embedded and remote mode behave alike) into a ``MultiDiGraph``:

* nodes are IRIs, with their English label, their ``rdf:type`` IRIs, their literal values and,
  for claims, the sources of their evidence;
* edges are IRI-to-IRI triples (``rdf:type`` excepted: it would link everything of a class),
  keyed by predicate IRI and carrying a readable predicate label;
* claims (provisions, treaty actions, subordinations …) are ordinary nodes, so a path shows
  the claim that links two things; evidence nodes are skipped and literals are
  attributes, never nodes.

The view never changes after it is built; the service keeps it in a
:class:`~lexgraph.snapshot.Snapshot`, which swaps in a rebuilt one whole when the store
changes, so a request sees either the old view or the new one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from itertools import islice
from typing import Callable, Iterable, Iterator, Literal, Mapping, TypeVar

import networkx as nx
import pyoxigraph as ox

from .entailment import ancestors as hierarchy_closure, implied
from .errors import InvalidParameter, NotFound
from .prefixes import BASE_IRI, ID_IRI, PREFIX_IRIS
from .store.base import GraphStore
from .store.select import Gated, ask, select_iris, select_terms

log = logging.getLogger("lexgraph.traverse")

Direction = Literal["both", "out", "in"]
RelationName = Literal["part-of", "edition-of", "parent-body"]
_V = TypeVar("_V")

LG, ELI = PREFIX_IRIS["lg"], PREFIX_IRIS["eli"]
RDF_TYPE = PREFIX_IRIS["rdf"] + "type"
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
    """A snapshot of the store as a networkx graph, never changed once built; see the module docstring."""

    graph: nx.MultiDiGraph
    predicate_labels: dict[str, str]
    undirected: nx.Graph
    build_seconds: float = 0.0
    data_nodes: frozenset[str] = field(default_factory=frozenset)
    hubness: dict[str, float] = field(default_factory=dict)
    """log(1 + degree) / log(1 + highest degree): 0 for a leaf, 1 for the biggest hub."""

    @classmethod
    def from_rows(cls, links: Iterable[tuple[str, str, str]], literals: Iterable[tuple[str, str, tuple[str, str, str]]],
                  types: Iterable[tuple[str, str]], sources: Iterable[tuple[str, str]]) -> GraphView:
        """Assemble the view from what the build queries found: IRI-to-IRI triples (s, p, o),
        literal triples (s, p, (value, language, datatype)), (node, class) and (claim, source)
        pairs, with repeats allowed (the union of named graphs may hold a triple twice).
        Attribute lists come out sorted; edges are added in the order given, which should be
        a stable one (:func:`read_view_rows` sorts them) so that ties among paths fall the same
        way on every build."""
        ordered = list(dict.fromkeys(links))
        types_of, sources_of = _grouped(types), _grouped(sources)
        literals_of: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
        for s, p, value in literals:
            literals_of.setdefault(s, {}).setdefault(p, []).append(value)
        names = set(types_of) | set(sources_of) | set(literals_of)
        names.update(s for s, _p, _o in ordered)
        names.update(o for _s, _p, o in ordered)
        nodes = {}
        for iri in sorted(names):
            node_literals = {p: _sorted_unique(v) for p, v in literals_of.get(iri, {}).items()}
            nodes[iri] = {"types": _sorted_unique(types_of.get(iri, [])), "literals": node_literals,
                          "sources": _sorted_unique(sources_of.get(iri, [])), "label": _label(node_literals)}
        graph, undirected = _networkx_graphs(nodes, ordered)
        predicate_labels = _predicate_labels(graph, {p for _s, p, _o in ordered})
        data = frozenset(n for n in nodes if n.startswith(ID_IRI))
        degrees = {n: len(around) for n, around in undirected.adjacency()}
        top = math.log1p(max(degrees.values(), default=1)) or 1.0
        hubness = {n: math.log1p(d) / top for n, d in degrees.items()}
        return cls(graph, predicate_labels, undirected, data_nodes=data, hubness=hubness)

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
        attrs = self.graph.nodes[iri]
        return Node(iri, _relative(iri), attrs["label"], tuple(prefixed(t) for t in attrs["types"]))

    def edge(self, subject: str, predicate: str, obj: str) -> Edge:
        return Edge(subject, predicate, self.predicate_labels[predicate], obj)

    def literal(self, iri: str, predicate: str) -> str | None:
        values = self.graph.nodes[iri]["literals"].get(predicate)
        return values[0][0] if values else None

    def __len__(self) -> int:
        return self.graph.number_of_nodes()


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _sorted_unique(values: list[_V]) -> list[_V]:
    return values if len(values) < 2 else sorted(set(values))


_NO_ATTRIBUTES: Mapping[str, object] = MappingProxyType({})


def _networkx_graphs(nodes: dict[str, dict], ordered: list[tuple[str, str, str]]) -> tuple[nx.MultiDiGraph, nx.Graph]:
    """The directed multigraph (one edge per triple, keyed by predicate) and its undirected
    simple graph (self-loops dropped), filled in networkx's own adjacency layout.

    ``add_edges_from`` spends about 15 µs per edge on checks and attribute merging that a
    fresh graph of distinct triples does not need (4 s for the 1M-triple benchmark's 262,620
    edges); writing the same dictionaries directly takes a tenth of that. The edges carry no
    attributes, so they all share one empty, read-only attribute mapping. A test checks that
    the result equals the graphs networkx builds itself.
    """
    graph, undirected = nx.MultiDiGraph(), nx.Graph()
    succ: dict[str, dict] = {n: {} for n in nodes}
    pred: dict[str, dict] = {n: {} for n in nodes}
    adj: dict[str, dict] = {n: {} for n in nodes}
    for s, p, o in ordered:
        out = succ[s]
        keys = out.get(o)
        if keys is None:
            keys = out[o] = pred[o][s] = {}
            if s != o:
                adj[s][o] = adj[o][s] = _NO_ATTRIBUTES
        keys[p] = _NO_ATTRIBUTES
    graph._node.update(nodes)
    graph._succ.update(succ)
    graph._pred.update(pred)
    undirected._node.update((n, {}) for n in nodes)
    undirected._adj.update(adj)
    return graph, undirected


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


def _predicate_labels(graph: nx.MultiDiGraph, predicates: set[str]) -> dict[str, str]:
    """Our ontology's English rdfs:label of each predicate, else its prefixed name."""
    out = {}
    for p in predicates:
        labels = graph.nodes[p]["literals"].get(RDFS_LABEL, []) if p in graph else []
        english = sorted(v for v, lang, _ in labels if lang in ("en", ""))
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

_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_HIERARCHY = f"SELECT ?a ?h ?b WHERE {{ VALUES ?h {{ <{RDFS_SUB_CLASS}> <{RDFS_SUB_PROPERTY}> }} ?a ?h ?b }}"
_CLASSES = f"SELECT DISTINCT ?t WHERE {{ ?s <{RDF_TYPE}> ?t }}"
"""The classes in use, each read apart (``_INSTANCES``): one query for every typing was the
build's longest read (400,000 rows at a million triples), which left a thread idle at the end."""
_INSTANCES = f"SELECT ?s WHERE {{ ?s <{RDF_TYPE}> <$t> }}"
_SOURCES = f"SELECT ?claim ?src WHERE {{ {_REPORTED} ; <{LG}evidence> ?e . ?e <{LG}source> ?src }}"
_DATE_PATTERNS = (
    [f"{{ {_REPORTED} ; <{p}> ?o BIND (?claim AS ?s) BIND (<{p}> AS ?p) }}" for p in TIME_PREDICATES.values()]
    + [f"{{ {_REPORTED} ; <{LG}evidence>/<{LG}source> ?s . ?s <{LG}date> ?o BIND (<{LG}date> AS ?p) }}"])
_DATES = f"SELECT ?s ?p ?o WHERE {{ {' UNION '.join(_DATE_PATTERNS)} }}"
"""The dates of the reported claims and of their sources."""


def _links_ask(predicate: str, subjects_too: bool = False) -> str:
    """Whether ``predicate`` links some IRI to an IRI. The store decodes a term to tell that it
    is an IRI but not to tell that it is not, so the object-only question stops early where the
    answer is yes, and the second one scans blank-node subjects (evidence) cheaply."""
    test = "isIRI(?s) && isIRI(?o)" if subjects_too else "isIRI(?o)"
    return f"ASK {{ ?s <{predicate}> ?o FILTER({test}) }}"


def _triples_of(predicate: str) -> str:
    return f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a view is read and assembled: with a million
    triples' worth of new tuples and strings, each full collection walks every object made so
    far, over and over (a third of the build time). The view holds no reference cycles, and
    reference counting goes on freeing everything else meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class ViewRows:
    """What the view is built from, as :func:`read_view_rows` reads it from the store."""

    links: list[tuple[str, str, str]]
    """IRI-to-IRI triples, sorted by predicate, then subject and object."""
    literals: list[tuple[str, str, tuple[str, str, str]]]
    types: list[tuple[str, str]]
    sources: list[tuple[str, str]]


async def read_view_rows(store: GraphStore) -> ViewRows:
    """Read what the view needs from the store.

    The store is read in small queries, one per predicate, rather than a few big ones: an
    on-disk store spends most of a big answer's time turning stored ids back into IRIs, and
    separate queries let every thread (or the remote server's threads) do that at once.
    The queries carry no FILTER on the rows they return (a filter makes the store decode each
    term it tests); blank nodes and literals are dropped while reading the answer instead, and
    predicates that never link to an IRI are skipped after an ASK that stops at the first link.
    """
    reader = Gated(store, BUILD_CONCURRENCY)

    async def links_of(predicate: str) -> list[tuple[str, str, str]]:
        if not (await ask(reader, _links_ask(predicate)) and await ask(reader, _links_ask(predicate, True))):
            return []
        # Sorted as each answer arrives (while the store works on the next), so the edges
        # reach the graph in one stable order: by predicate, then subject and object.
        return [(s, predicate, o) for s, o in sorted(set(await select_iris(reader, _triples_of(predicate))))]

    async def all_types() -> list[tuple[str, str]]:
        classes = sorted(row[0] for row in await select_iris(reader, _CLASSES))
        reads = await asyncio.gather(*(select_iris(reader, _INSTANCES.replace("$t", t)) for t in classes))
        return [(s, t) for t, rows in zip(classes, reads) for (s,) in rows]

    async def all_links() -> list[tuple[str, str, str]]:
        predicates = sorted(row[0] for row in await select_iris(reader, _PREDICATES))
        reads = await asyncio.gather(*(links_of(p) for p in predicates if p != RDF_TYPE))
        return [row for rows in reads for row in rows]

    async def literals_from(query: str, predicate: str | None = None) -> list[tuple[str, str, tuple[str, str, str]]]:
        rows = await select_terms(reader, query)
        return [(row["s"]["value"], predicate or row["p"]["value"],
                 (row["o"]["value"], row["o"].get("xml:lang", ""), row["o"].get("datatype", "")))
                for row in rows if row["s"]["type"] == "uri" and row["o"]["type"] == "literal"]

    # The predicates first (the links wait for them), then the longest reads, so that neither
    # thread is left with a long one at the end.
    links, types, sources, hierarchy, *literals = await asyncio.gather(
        all_links(), all_types(), select_iris(reader, _SOURCES), select_iris(reader, _HIERARCHY),
        literals_from(_DATES), *(literals_from(_triples_of(p), p) for p in LABEL_PREDICATES))
    return await asyncio.to_thread(_view_rows, links, types, sources, hierarchy, [row for rows in literals for row in rows])  # type: ignore[arg-type]


def _view_rows(links: list[tuple[str, str, str]], types: list[tuple[str, str]], sources: list[tuple[str, ...]],
               hierarchy: list[tuple[str, ...]], literals: list[tuple[str, str, tuple[str, str, str]]]) -> ViewRows:
    """The rows read, with evidence nodes and entailed facts left out (seconds of work at a
    million triples: in a thread, off the event loop). Evidence nodes (the quotes behind
    claims) are reported as each claim's sources, not as nodes to traverse: every claim of one
    document would otherwise be two hops from every other."""
    evidence = {s for s, t in types if t == f"{LG}Evidence"}
    links = [link for link in links if link[0] not in evidence and link[2] not in evidence]
    types = [(s, t) for s, t in types if s not in evidence]
    return _most_specific(ViewRows(links, literals, types, sources), hierarchy)  # type: ignore[arg-type]


def _most_specific(rows: ViewRows, hierarchy: list[tuple[str, ...]]) -> ViewRows:
    """Each fact once: an edge, a type or a label that a more specific one beside it entails
    (the store's entailed view, or a superproperty asserted too) is left out, so the view
    shows lg:concerns and lg:TreatyAction, not also dct:subject, lg:Event and lg:Claim."""
    super_properties = hierarchy_closure((a, b) for a, h, b in hierarchy if h == RDFS_SUB_PROPERTY)
    super_classes = hierarchy_closure((a, b) for a, h, b in hierarchy if h == RDFS_SUB_CLASS)
    typings = [(s, RDF_TYPE, t) for s, t in rows.types]
    drop = implied([*rows.links, *typings, *rows.literals], super_properties, super_classes, RDF_TYPE)  # type: ignore[list-item]
    if not drop:
        return rows
    return ViewRows([t for t in rows.links if t not in drop], [t for t in rows.literals if t not in drop],  # type: ignore[comparison-overlap]
                    [(s, t) for s, t in rows.types if (s, RDF_TYPE, t) not in drop], rows.sources)


async def build_view(store: GraphStore) -> GraphView:
    """Read the store and assemble the view (the assembly off the event loop)."""
    started = time.perf_counter()
    with _collector_paused():
        rows = await read_view_rows(store)
        view = await asyncio.to_thread(GraphView.from_rows, rows.links, rows.literals, rows.types, rows.sources)
    view.build_seconds = time.perf_counter() - started
    log.info("graph view: %d nodes, %d edges in %.2f s", view.graph.number_of_nodes(),
             view.graph.number_of_edges(), view.build_seconds)
    return view


# --------------------------------------------------------------------------- neighbours


def _incident(view: GraphView, node: str, direction: Direction, predicates: frozenset[str]) -> list[tuple[str, Edge]]:
    """(other node, edge) for each edge at ``node`` in ``direction``, sorted for stable answers."""
    found: list[tuple[str, Edge]] = []
    if direction in ("out", "both"):
        found += [(o, view.edge(node, p, o)) for _, o, p in view.graph.out_edges(node, keys=True)]
    if direction in ("in", "both"):
        found += [(s, view.edge(s, p, node)) for s, _, p in view.graph.in_edges(node, keys=True)]
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
    out = [PathEdge(a, p, view.predicate_labels[p], b, hop, "forward") for p in view.graph[a].get(b, {})]
    if a != b:
        out += [PathEdge(b, p, view.predicate_labels[p], a, hop, "backward") for p in view.graph[b].get(a, {})]
    return sorted(out, key=lambda e: (e.direction, e.predicate))


def _hop_weight(view: GraphView, max_length: int) -> Callable[[str, str, dict], float]:
    """One per hop plus a tie-breaker below 1 per path of up to ``max_length`` hops, so that
    among paths of equal length those through less connected nodes (which say more about how
    two things relate than a hub such as a country does) come first."""
    scale = 2.0 * (max_length + 1)
    return lambda u, v, _attrs: 1.0 + (view.hubness[u] + view.hubness[v]) / scale


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
        graph = view.undirected
        if not via_terms:
            allowed = view.data_nodes | {a, b}
            graph = nx.subgraph_view(graph, filter_node=allowed.__contains__)
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
        return [_plain_step(view, node, p, o) for _, o, p in view.graph.out_edges(node, keys=True) if p in predicates]

    def down(view: GraphView, node: str) -> list[Step]:
        return [_plain_step(view, s, p, node) for s, _, p in view.graph.in_edges(node, keys=True) if p in predicates]

    return _Relation(up, down)


def _plain_step(view: GraphView, child: str, predicate: str, parent: str) -> Step:
    return Step(view.node(child), view.node(parent), predicate, view.predicate_labels[predicate], [],
                [view.edge(child, predicate, parent)])


def _claim_ref(view: GraphView, claim: str) -> ClaimRef:
    attrs = view.graph.nodes[claim]
    sources = [SourceRef(s, view.graph.nodes[s]["label"] if s in view.graph else None,
                         view.literal(s, LG + "date") if s in view.graph else None) for s in attrs["sources"]]
    times = {name: view.literal(claim, p) for name, p in TIME_PREDICATES.items()}
    return ClaimRef(claim, view.node(claim).types, sources=sources, **times)


def _subordination_steps(view: GraphView, node: str, upward: bool) -> list[Step]:
    """Steps through lg:Subordination claims (claim → organisation, claim → parent), one per
    (child, parent) pair with every claim that gives it."""
    org, parent = LG + "organization", LG + "parent"
    here, there = (org, parent) if upward else (parent, org)
    grouped: dict[str, list[str]] = {}
    for claim, _, p in view.graph.in_edges(node, keys=True):
        if p == here:
            for _, other, q in view.graph.out_edges(claim, keys=True):
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
            for value, lang, datatype in view.graph.nodes[claim]["literals"].get(predicate, []):
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
