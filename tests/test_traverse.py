"""Graph traversal over the repository's data: one view, built from an embedded store once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pyoxigraph as ox
import networkx as nx
import pytest

from lexgraph.snapshot import Snapshot
from lexgraph.store.embedded import EmbeddedStore, build_store, source_files
from lexgraph.traverse import (BadReference, GraphView, UnknownNode, ancestors, build_view,
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
def view(tmp_path_factory: pytest.TempPathFactory) -> GraphView:
    store_dir = tmp_path_factory.mktemp("traverse") / "store"
    build_store(store_dir, source_files([REPO / "ontology", REPO / "data"], REPO))
    return asyncio.run(_view_of(store_dir))


def test_nodes_are_iris_and_literals_are_attributes(view: GraphView) -> None:
    assert all(n.startswith(("http://", "https://")) for n in view.graph.nodes)
    assert not any(p == LG + "evidence" for _, _, p in view.graph.edges(keys=True))
    customs = view.graph.nodes[ID + "org/kz-customs-authority"]
    assert customs["label"] == "Customs authority of Kazakhstan"
    # The view keeps only the literals it reports (labels, claim dates), so other literals
    # such as alternative labels and descriptions stay in the store.
    assert "http://www.w3.org/2004/02/skos/core#altLabel" not in customs["literals"]
    # Claims keep their dates and sources only where hierarchy answers report them (subordinations).
    competence = view.graph.nodes[ID + "competence/kz-national-patent-office-registers-patents-and-trademarks-paper1999"]
    assert competence["literals"] == {} and competence["sources"] == []
    subordination = view.graph.nodes[ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005"]
    assert subordination["sources"] == [ID + "source/cable-almaty-000753"]
    assert view.graph.nodes[ID + "source/cable-almaty-000753"]["literals"][LG + "date"] == [
        ("2005", "", "http://www.w3.org/2001/XMLSchema#gYear")]


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


def test_snapshot_builds_once_and_swaps_whole(view: GraphView) -> None:
    built: list[GraphView] = []

    async def builder(_store: object) -> GraphView:
        await asyncio.sleep(0.01)
        fresh = GraphView(view.graph, view.predicate_labels, view.undirected)
        built.append(fresh)
        return fresh

    async def scenario() -> None:
        snapshot: Snapshot[GraphView] = Snapshot(object(), builder)  # type: ignore[arg-type]
        assert snapshot.current is None and await snapshot.rebuild() is None and not built  # nothing in use yet
        first = await asyncio.gather(*(snapshot.get() for _ in range(5)))
        assert len(built) == 1 and all(v is built[0] for v in first)
        rebuilding = asyncio.create_task(snapshot.rebuild())
        await asyncio.sleep(0)
        assert snapshot.current is first[0]  # readers keep the old view while the new one is built
        rebuilt = await rebuilding
        assert rebuilt is built[1] and await snapshot.get() is rebuilt and first[0] is not rebuilt

    asyncio.run(scenario())


def test_the_graphs_are_those_networkx_builds_itself(view: GraphView) -> None:
    """The view fills networkx's adjacency directly (for speed); it must equal the real thing."""
    expected = nx.MultiDiGraph()
    expected.add_nodes_from(view.graph.nodes(data=True))
    expected.add_edges_from((s, o, p, {}) for s, o, p in view.graph.edges(keys=True))
    assert nx.utils.graphs_equal(view.graph, expected)
    assert sorted(view.graph.in_edges(keys=True)) == sorted(expected.in_edges(keys=True))
    assert view.graph.number_of_edges() == expected.number_of_edges() > 1000
    simple = nx.Graph()
    simple.add_nodes_from(view.graph.nodes)
    simple.add_edges_from((s, o) for s, o in view.graph.edges() if s != o)
    assert nx.utils.graphs_equal(view.undirected, simple)
