"""Graph traversal over the repository's data: one view, built from an embedded store once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pyoxigraph as ox
import networkx as nx
import pytest

from lexgraph.entailment import ancestors as closure, implied
from lexgraph.snapshot import Snapshot
from lexgraph.store.embedded import EmbeddedStore, build_store, source_files
from lexgraph.traverse import (EVIDENCE, LABEL_PREDICATES, RDF_TYPE, RDFS_SUB_CLASS, RDFS_SUB_PROPERTY,
                               BadReference, GraphView, UnknownNode, _label, ancestors, build_view,
                               descendants, expand, hierarchy_edges, neighbours, paths, subgraph, turtle)

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"
ELI = "http://data.europa.eu/eli/ontology#"


async def _view_of(store_dir: Path) -> GraphView:
    store = EmbeddedStore(store_dir, 1)
    await store.start()
    try:
        return await build_view(store)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_dir = tmp_path_factory.mktemp("traverse") / "store"
    build_store(store_dir, source_files([REPO / "ontology", REPO / "data"], REPO))
    return store_dir


@pytest.fixture(scope="module")
def view(store_dir: Path) -> GraphView:
    return asyncio.run(_view_of(store_dir))


def test_nodes_are_iris_and_literals_are_attributes(view: GraphView) -> None:
    assert all(n.startswith(("http://", "https://")) for n in view.graph.nodes)
    assert LG + "evidence" not in view.predicate_labels
    customs = ID + "org/kz-customs-authority"
    assert view.labels[customs] == "Customs authority of Kazakhstan"
    # The view keeps only the literals it reports (labels, claim dates), so other literals
    # such as alternative labels and descriptions stay in the store.
    assert customs not in view.literals
    # Claims keep their dates and sources only where hierarchy answers report them (subordinations).
    competence = ID + "competence/kz-national-patent-office-registers-patents-and-trademarks-paper1999"
    assert competence in view.graph and competence not in view.literals and competence not in view.sources
    subordination = ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005"
    assert view.sources[subordination] == (ID + "source/cable-almaty-000753",)
    assert view.literals[ID + "source/cable-almaty-000753"][LG + "date"] == (
        ("2005", "", "http://www.w3.org/2001/XMLSchema#gYear"),)


def test_references_resolve() -> None:
    assert expand("treaty/berne-convention") == ID + "treaty/berne-convention"
    assert expand("<treaty/berne-convention>") == ID + "treaty/berne-convention"
    assert expand("eli:is_part_of") == ELI + "is_part_of"
    assert expand(ID + "party/kazakhstan") == ID + "party/kazakhstan"


def test_unknown_node_and_predicate_are_reported(view: GraphView) -> None:
    with pytest.raises(UnknownNode):
        neighbours(view, "treaty/no-such-treaty")
    with pytest.raises(BadReference):
        neighbours(view, "party/kazakhstan", predicates=["lg:noSuchProperty"])


def test_path_from_trips_article_51_to_the_customs_code_goes_through_the_provision(view: GraphView) -> None:
    result = paths(view, "treaty/trips/article/51", "act/kz/code-on-customs-regulation", max_paths=20, max_length=4)
    routes = [[n.id for n in p.nodes] for p in result.paths]
    assert [
        "treaty/trips/article/51",
        "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
        "act/kz/code-on-customs-regulation/article/458/paragraph/5",
        "act/kz/code-on-customs-regulation/article/458",
        "act/kz/code-on-customs-regulation",
    ] in routes
    first = result.paths[0]
    assert first.nodes[1].types == ("lg:Provision",), "equally short paths through hubs come later"
    hop1 = [e for e in first.edges if e.hop == 1]
    assert [(e.predicate, e.direction, e.object) for e in hop1] == [
        (LG + "implementsTreatyArticle", "backward", ID + "treaty/trips/article/51")]
    assert hop1[0].predicate_label == "implements treaty article"


def test_paths_are_capped_and_say_so(view: GraphView) -> None:
    capped = paths(view, "treaty/trips/article/51", "act/kz/code-on-customs-regulation", max_paths=2, max_length=6)
    assert len(capped.paths) == 2 and capped.truncated
    assert [p.length for p in capped.paths] == sorted(p.length for p in capped.paths)


def test_no_path_within_the_length_is_an_empty_list(view: GraphView) -> None:
    result = paths(view, "treaty/trips/article/51", "org/kz-customs-authority", max_length=2)
    assert result.paths == [] and not result.truncated
    assert paths(view, "treaty/trips/article/51", "org/kz-customs-authority", max_length=5).paths


def test_paths_avoid_vocabulary_concepts_unless_asked(view: GraphView) -> None:
    default = paths(view, "treaty/trips/article/51", "org/kz-customs-authority", max_paths=20, max_length=6)
    assert all(n.id is not None for p in default.paths for n in p.nodes)
    free = paths(view, "treaty/trips/article/51", "org/kz-customs-authority", max_paths=20, max_length=6, via_terms=True)
    assert any(n.id is None for p in free.paths for n in p.nodes)


def test_part_of_ancestors_climb_to_the_code_as_a_whole(view: GraphView) -> None:
    result = ancestors(view, "act/kz/criminal-code-checklist-edition/article/198/part/1", "part-of")
    assert [[s.parent.id for s in chain] for chain in result.chains] == [[
        "act/kz/criminal-code-checklist-edition/article/198",
        "act/kz/criminal-code-checklist-edition",
        "act/kz/criminal-code",
    ]]
    assert [s.predicate for s in result.chains[0]] == [ELI + "is_part_of", ELI + "is_part_of", LG + "editionOf"]


def test_edition_of_descendants_are_the_editions(view: GraphView) -> None:
    result = descendants(view, "act/kz/criminal-code", "edition-of")
    assert {chain[0].child.id for chain in result.chains} == {
        "act/kz/criminal-code-1959", "act/kz/criminal-code-1997", "act/kz/criminal-code-checklist-edition"}
    parts = descendants(view, "act/kz/criminal-code", "part-of")
    assert any(chain[-1].child.id == "act/kz/criminal-code-checklist-edition/article/198/part/1" for chain in parts.chains)


def test_parent_body_chain_names_the_claim_and_its_source(view: GraphView) -> None:
    result = ancestors(view, "org/kz-customs-authority", "parent-body")
    steps = [s for chain in result.chains for s in chain]
    finance = [s for s in steps if s.parent.id == "org/kz-ministry-of-finance"]
    assert finance, steps
    claim = finance[0].claims[0]
    assert claim.iri == ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005"
    assert [src.iri for src in claim.sources] == [ID + "source/cable-almaty-000753"]
    assert claim.sources[0].date == "2005" and claim.as_of is None
    edges, claims = hierarchy_edges(result)
    assert {e.predicate for e in edges} == {LG + "organization", LG + "parent"} and claim.iri in claims


def test_one_step_keeps_every_claim_that_makes_it(view: GraphView) -> None:
    result = ancestors(view, "org/kz-ipr-committee", "parent-body")
    (step,) = [s for chain in result.chains for s in chain if s.parent.id == "org/kz-ministry-of-justice"]
    assert len(step.claims) == 2
    below = descendants(view, "org/kz-ministry-of-justice", "parent-body")
    assert "org/kz-ipr-committee" in {chain[0].child.id for chain in below.chains}


def test_neighbours_of_kazakhstan_include_treaty_actions(view: GraphView) -> None:
    result = neighbours(view, "party/kazakhstan", depth=1, limit=1000)
    assert not result.truncated
    assert any("lg:TreatyAction" in n.types for n in result.nodes)
    assert all(n.distance == 1 for n in result.nodes)
    assert all(ID + "party/kazakhstan" in (e.subject, e.object) for e in result.edges)


def test_neighbours_follow_direction_and_predicates(view: GraphView) -> None:
    actions = neighbours(view, "party/kazakhstan", predicates=["lg:party"], direction="in", limit=1000)
    assert {n.types for n in actions.nodes} == {("lg:TreatyAction",), ("lg:TreatyStatus",)}
    assert all(e.predicate == LG + "party" and e.object == ID + "party/kazakhstan" for e in actions.edges)
    out = neighbours(view, "act/kz/criminal-code-checklist-edition/article/198/part/1", depth=3, direction="out",
                     predicates=[ELI + "is_part_of"])
    assert [(n.id, n.distance) for n in out.nodes] == [
        ("act/kz/criminal-code-checklist-edition/article/198", 1), ("act/kz/criminal-code-checklist-edition", 2)]


def test_a_capped_neighbourhood_says_so(view: GraphView) -> None:
    result = neighbours(view, "party/kazakhstan", depth=2, limit=5)
    assert len(result.nodes) == 5 and result.truncated and result.limit == 5
    kept = {n.iri for n in result.nodes} | {result.node.iri}
    assert all(e.subject in kept and e.object in kept for e in result.edges)


def test_turtle_subgraph_holds_the_path_triples(view: GraphView) -> None:
    result = paths(view, "treaty/trips/article/51", "act/kz/code-on-customs-regulation/article/458", max_paths=1)
    data = turtle(subgraph(view, result.paths[0].edges))
    parsed = [(q.subject.value, q.predicate.value, q.object.value) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    assert len(parsed) == 3
    assert (ID + "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
            LG + "implementsTreatyArticle", ID + "treaty/trips/article/51") in parsed


class _BuildsHere:
    """A store stand-in that builds a derived value in this process, as a remote store does."""

    async def derive(self, builder):  # type: ignore[no-untyped-def]
        return await builder(self)


def test_snapshot_builds_once_and_swaps_whole(view: GraphView) -> None:
    built: list[GraphView] = []

    async def builder(_store: object) -> GraphView:
        await asyncio.sleep(0.01)
        fresh = GraphView(view.graph, view.predicate_labels)
        built.append(fresh)
        return fresh

    async def scenario() -> None:
        snapshot: Snapshot[GraphView] = Snapshot(_BuildsHere(), builder)  # type: ignore[arg-type]
        assert snapshot.current is None and await snapshot.rebuild() is None and not built  # nothing in use yet
        first = await asyncio.gather(*(snapshot.get() for _ in range(5)))
        assert len(built) == 1 and all(v is built[0] for v in first)
        rebuilding = asyncio.create_task(snapshot.rebuild())
        await asyncio.sleep(0)
        assert snapshot.current is first[0]  # readers keep the old view while the new one is built
        rebuilt = await rebuilding
        assert rebuilt is built[1] and await snapshot.get() is rebuilt and first[0] is not rebuilt

    asyncio.run(scenario())


def test_the_graph_is_the_one_networkx_builds_itself(view: GraphView) -> None:
    """The view fills networkx's adjacency directly (for speed); it must equal the real thing,
    neighbours in the same order (ties among paths depend on it), with each pair's edge data
    the same seen from either end."""
    triples = [(s, p, o) for s in view.graph for p, o in view.out_edges(s)]
    assert len(triples) == len(set(triples)) == view.triples > 1000
    assert sorted(triples) == sorted((s, p, o) for o in view.graph for s, p in view.in_edges(o))
    expected = nx.Graph()
    expected.add_nodes_from(view.graph.nodes)
    expected.add_edges_from((s, o) for s, _p, o in sorted(triples, key=lambda t: (t[1], t[0], t[2])))
    assert nx.utils.nodes_equal(view.graph.nodes, expected.nodes)
    assert all(list(view.graph.adj[n]) == list(expected.adj[n]) for n in expected)
    assert all(data["out"] == view.graph.adj[v][u]["in"] for u, v, data in view.graph.edges(data=True))


def _expected(store_dir: Path) -> tuple[set[tuple[str, str, str]], dict[str, tuple[str, ...]], dict[str, str]]:
    """The view's triples, types and labels computed the plain way from every quad of the
    store, the entailed graph included: IRI-to-IRI triples and typings of IRIs, evidence
    nodes left out, and each fact that another beside it entails dropped."""
    store = ox.Store.read_only(str(store_dir))
    union = {(q.subject, q.predicate.value, q.object) for q in store.quads_for_pattern(None, None, None, None)}
    iris = {(s.value, p, o.value) for s, p, o in union if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)}
    evidence = {s for s, p, o in iris if p == RDF_TYPE and o == EVIDENCE}
    kept = {(s, p, o) for s, p, o in iris if s not in evidence and o not in evidence}
    names = {(s.value, p, (o.value, o.language or "", o.datatype.value)) for s, p, o in union
             if p in LABEL_PREDICATES and isinstance(s, ox.NamedNode) and isinstance(o, ox.Literal)}
    drop = implied(kept | names, closure((s, o) for s, p, o in iris if p == RDFS_SUB_PROPERTY),  # type: ignore[operator]
                   closure((s, o) for s, p, o in iris if p == RDFS_SUB_CLASS), RDF_TYPE)
    types: dict[str, set[str]] = {}
    for s, p, o in kept - drop:
        if p == RDF_TYPE:
            types.setdefault(s, set()).add(o)
    by_node: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
    for s, p, value in names - drop:  # type: ignore[operator]
        by_node.setdefault(s, {}).setdefault(p, []).append(value)
    labels = {s: label for s, found in by_node.items() if (label := _label({p: sorted(v) for p, v in found.items()}))}
    return ({t for t in kept - drop if t[1] != RDF_TYPE}, {s: tuple(sorted(t)) for s, t in types.items()}, labels)


def test_the_view_holds_what_the_whole_store_says(store_dir: Path, view: GraphView) -> None:
    """The view reads links, typings and labels outside the entailed graph (for speed); it
    must hold what reading every graph and dropping the entailed facts gives."""
    triples, types, labels = _expected(store_dir)
    assert {(s, p, o) for s in view.graph for p, o in view.out_edges(s)} == triples
    assert view.types == types and view.labels == labels
    assert len(triples) > 1000 and len(types) > 500 and len(labels) > 500


def test_a_label_entailed_from_an_unread_property_is_kept(tmp_path: Path) -> None:
    """A subproperty of rdfs:label that the view does not read (skos:altLabel here) makes the
    build read rdfs:label from every graph, the entailed one included, as before."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "names.ttl").write_text("""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix ex: <https://example.org/> .
        skos:altLabel rdfs:subPropertyOf rdfs:label .
        ex:broader rdfs:subPropertyOf ex:related .
        ex:a skos:altLabel "Only an alternative label"@en ; ex:broader ex:b .
        ex:b skos:prefLabel "Preferred"@en ; rdfs:label "Preferred"@en ; ex:related ex:a .
        """)
    build_store(tmp_path / "store", source_files([data], tmp_path))
    view = asyncio.run(_view_of(tmp_path / "store"))
    triples, _types, labels = _expected(tmp_path / "store")
    assert view.labels == labels == {"https://example.org/a": "Only an alternative label", "https://example.org/b": "Preferred"}
    found = {(s, p, o) for s in view.graph for p, o in view.out_edges(s)}
    assert found == triples and {t for t in found if t[1] != RDFS_SUB_PROPERTY} == {
        ("https://example.org/a", "https://example.org/broader", "https://example.org/b"),
        ("https://example.org/b", "https://example.org/related", "https://example.org/a")}
