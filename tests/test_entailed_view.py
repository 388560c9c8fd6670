"""The entailed view: what the subclass and subproperty hierarchies entail, in its own graph of
the embedded store (built, kept, switched off) and pushed beside the files by ``load --to``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.config import Settings, load_settings
from lexgraph.entailment import ancestors, entailed, implied
from lexgraph.errors import ConfigError, UsageError
from lexgraph.prefixes import sparql_prologue
from lexgraph.quality import read_check, run_check
from lexgraph.results import Answer
from lexgraph.search import _TYPES, _most_specific
from lexgraph.store.base import QueryRequest
from lexgraph.store.hierarchy import hierarchy
from lexgraph.store.oxigraph_run import run_on_store
from lexgraph.store.embedded import build_store, entailed_ntriples, source_files
from lexgraph.store.entailed import ENTAILED_GRAPH, materialise
from lexgraph.store.manifest import manifest_path, sync_store

PREFIXES = """PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX lg:   <https://w3id.org/lexgraph/def/>
"""
ASSERTED = f"FILTER (?g != <{ENTAILED_GRAPH}>)"
ABOUT = ("lg:concerns", "lg:treaty", "lg:act", "lg:organization")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def rows(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    """A SELECT over the union of the store's graphs, as a set of tuples of values."""
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return {tuple(str(s[n].value) if s[n] is not None else "" for n in names) for s in result}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ox.Store]:
    """This checkout's ontology and data, with the entailed graph and without."""
    settings = load_settings()
    files = source_files([settings.ontology_dir, settings.data_dir], settings.root)
    out = {}
    for mode in ("rdfs", "off"):
        folder = tmp_path_factory.mktemp(mode) / "store"
        build_store(folder, files, entailment=mode)  # type: ignore[arg-type]
        out[mode] = ox.Store.read_only(str(folder))
    return out


def test_every_event_is_an_event(stores: dict[str, ox.Store]) -> None:
    by_subclass = rows(stores["rdfs"], f"SELECT DISTINCT ?e WHERE {{ ?c rdfs:subClassOf* lg:Event . GRAPH ?g {{ ?e a ?c }} {ASSERTED} }}")
    assert len(by_subclass) > 100
    assert rows(stores["rdfs"], "SELECT ?e WHERE { ?e a lg:Event }") == by_subclass
    assert rows(stores["off"], "SELECT ?e WHERE { ?e a lg:Event }") < by_subclass  # asserted typings alone miss them


def test_everything_with_a_preferred_label_has_it_as_rdfs_label(stores: dict[str, ox.Store]) -> None:
    preferred = rows(stores["rdfs"], "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }")
    assert len(preferred) > 100
    assert preferred <= rows(stores["rdfs"], "SELECT ?x ?l WHERE { ?x rdfs:label ?l }")
    assert not preferred <= rows(stores["off"], "SELECT ?x ?l WHERE { ?x rdfs:label ?l }")


@pytest.mark.parametrize("prop", ABOUT)
def test_one_property_for_what_a_claim_is_about(stores: dict[str, ox.Store], prop: str) -> None:
    asserted = rows(stores["rdfs"], f"SELECT ?e ?x WHERE {{ ?e {prop} ?x }}")
    assert asserted, f"no {prop} in the data"
    assert asserted <= rows(stores["rdfs"], "SELECT ?e ?x WHERE { ?e dct:subject ?x }")


def test_the_entailed_graph_repeats_nothing_asserted(stores: dict[str, ox.Store]) -> None:
    store = stores["rdfs"]
    twice = rows(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ENTAILED_GRAPH}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} {ASSERTED} }}")
    assert twice == set()
    (row,) = rows(store, "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT *) AS ?distinct) WHERE { ?s ?p ?o }")
    assert row[0] == row[1]  # the union holds each triple once
    entailed_count = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(ENTAILED_GRAPH))))
    assert entailed_count > 0
    assert len(store) == len(stores["off"]) + entailed_count
    assert ox.NamedNode(ENTAILED_GRAPH) not in set(stores["off"].named_graphs())


def test_domain_and_range_entail_nothing(stores: dict[str, ox.Store]) -> None:
    """lg:concerns has rdfs:domain lg:Event: a thing it points at is not typed from it, nor
    its subject beyond what its own classes say."""
    typed = rows(stores["rdfs"], f"SELECT ?s ?c WHERE {{ GRAPH <{ENTAILED_GRAPH}> {{ ?s a ?c }} }}")
    from_hierarchy = rows(stores["rdfs"], f"""SELECT ?s ?c WHERE {{ GRAPH ?g {{ ?s a ?own }} {ASSERTED}
        ?own rdfs:subClassOf+ ?c }}""")
    assert typed and typed <= from_hierarchy


def test_the_rule_on_plain_terms() -> None:
    up = ancestors([("b", "a"), ("c", "b"), ("p", "q"), ("x", "x")])
    assert up == {"b": {"a"}, "c": {"a", "b"}, "p": {"q"}}
    found = set(entailed([("s", "p", "o"), ("s", "type", "c")], up, up, "type"))
    assert found == {("s", "q", "o"), ("s", "type", "b"), ("s", "type", "a")}


def _folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "onto.ttl").write_text("""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:Sub> rdfs:subClassOf <urn:Super> . <urn:narrow> rdfs:subPropertyOf <urn:broad> .
""", encoding="utf-8")
    (data / "things.ttl").write_text("<urn:x> a <urn:Sub> ; <urn:narrow> <urn:y> .\n", encoding="utf-8")
    return data


def _entailed(store_dir: Path) -> set[str]:
    store = ox.Store.read_only(str(store_dir))
    return {f"{q.subject.value} {q.predicate.value} {q.object.value}"
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ENTAILED_GRAPH))}


def test_a_kept_store_rebuilds_the_entailed_graph(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    store = tmp_path / "store"

    def sync(mode: str = "rdfs"):  # type: ignore[no-untyped-def]
        return sync_store(store, source_files([data], tmp_path), [data], entailment=mode)  # type: ignore[arg-type]

    assert sync().action == "built"
    assert _entailed(store) == {"urn:x http://www.w3.org/1999/02/22-rdf-syntax-ns#type urn:Super", "urn:x urn:broad urn:y"}
    assert json.loads(manifest_path(store).read_text())["entailment"] == "rdfs"
    assert sync().action == "reused"

    (data / "things.ttl").write_text("<urn:z> a <urn:Sub> .\n", encoding="utf-8")  # a changed file
    result = sync()
    assert (result.action, result.entailed) == ("updated", "rebuilt") and ENTAILED_GRAPH not in result.reloaded
    assert "reloaded 1 graphs, removed 0, entailed graph rebuilt" in result.describe(store)
    assert _entailed(store) == {"urn:z http://www.w3.org/1999/02/22-rdf-syntax-ns#type urn:Super"}
    assert result.counts[ENTAILED_GRAPH] == 1

    result = sync("off")  # only the setting changed
    assert (result.action, result.reloaded, result.removed, result.entailed) == ("updated", [], [], "removed")
    assert _entailed(store) == set() and ENTAILED_GRAPH not in result.counts
    assert json.loads(manifest_path(store).read_text())["entailment"] == "off"
    assert sync("off").action == "reused"

    result = sync("rdfs")
    assert (result.action, result.reloaded, result.entailed) == ("updated", [], "rebuilt")
    assert _entailed(store) == {"urn:z http://www.w3.org/1999/02/22-rdf-syntax-ns#type urn:Super"}


def test_an_asserted_entailment_is_not_repeated(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    (data / "more.ttl").write_text("<urn:x> a <urn:Super> .\n", encoding="utf-8")
    build_store(tmp_path / "store", source_files([data], tmp_path))
    assert _entailed(tmp_path / "store") == {"urn:x urn:broad urn:y"}


def test_a_file_may_not_take_the_entailed_graph(tmp_path: Path) -> None:
    (tmp_path / "entailed.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    root = tmp_path / "elsewhere"
    with pytest.raises(UsageError, match="entailed"):
        source_files([tmp_path / "entailed.ttl"], root)


def test_the_pushed_graph_is_the_stores_without_blank_nodes(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    (data / "blank.ttl").write_text("[] a <urn:Sub> .\n", encoding="utf-8")
    files = source_files([data], tmp_path)
    build_store(tmp_path / "store", files)
    pushed = {f"{t.subject.value} {t.predicate.value} {t.object.value}"
              for t in ox.parse(entailed_ntriples(files), format=ox.RdfFormat.N_TRIPLES)}
    kept = _entailed(tmp_path / "store")
    assert len(kept) == 3 and pushed == {t for t in kept if t.startswith("urn:")}


def test_the_setting() -> None:
    assert load_settings({}).entailment == "rdfs"
    assert load_settings({"LEXGRAPH_ENTAILMENT": "off"}).entailment == "off"
    with pytest.raises(ConfigError, match="LEXGRAPH_ENTAILMENT"):
        load_settings({"LEXGRAPH_ENTAILMENT": "owl"})


def test_the_quality_check_finds_a_name_that_is_no_rdfs_label(settings: Settings) -> None:
    check = read_check(settings.quality_dir / "named-without-rdfs-label.rq")
    store = ox.Store()
    store.load(b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:preferred> skos:prefLabel "A" . <urn:alternative> skos:altLabel "B" . <urn:both> skos:altLabel "C" ; rdfs:label "C" .
""", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:data"))
    store.load((settings.ontology_dir / "lexgraph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("urn:ontology"))
    assert {f.focus for f in run_check(store, check)} == {"urn:alternative"}


class _Local:
    """A pyoxigraph store as a :class:`~lexgraph.store.select.Queryable`, for lexgraph's own reads."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    async def query(self, request: QueryRequest) -> Answer:
        return run_on_store(self.store, request)


def test_search_shows_the_most_specific_classes(stores: dict[str, ox.Store]) -> None:
    def shown(store: ox.Store) -> set[tuple[str, str]]:
        types = [(s, t) for s, t in rows(store, sparql_prologue() + _TYPES)]
        return {(r["s"], r["t"]) for r in _most_specific(types, asyncio.run(hierarchy(_Local(store))))}

    assert shown(stores["rdfs"]) == shown(stores["off"])
    classes = {t for _, t in shown(stores["rdfs"])}
    assert "https://w3id.org/lexgraph/def/TreatyAction" in classes and "https://w3id.org/lexgraph/def/Event" not in classes


def test_a_view_of_each_fact_once() -> None:
    up = ancestors([("Action", "Event"), ("concerns", "subject")])
    facts = [("e", "type", "Action"), ("e", "type", "Event"), ("e", "concerns", "x"), ("e", "subject", "x"),
             ("e", "subject", "y")]
    assert implied(facts, up, up, "type") == {("e", "type", "Event"), ("e", "subject", "x")}


def test_the_engine_applies_the_same_rule_as_python(stores: dict[str, ox.Store]) -> None:
    """The store's entailed graph is exactly what :func:`lexgraph.entailment.entailed`
    derives from every asserted triple, less those asserted: materialise reads only the
    triples a hierarchy can extend, and must miss none (a blank node of a user's own too)."""
    store = ox.Store()
    for quad in stores["off"]:
        store.add(quad)
    lg = "https://w3id.org/lexgraph/def/"
    blank, data = ox.BlankNode(), ox.NamedNode("urn:test:data")
    store.add(ox.Quad(blank, RDF_TYPE, ox.NamedNode(lg + "TreatyAction"), data))
    store.add(ox.Quad(blank, ox.NamedNode(lg + "treaty"), ox.NamedNode("urn:test:treaty"), data))
    asserted = {(q.subject, q.predicate, q.object) for q in store}
    sub = {p: ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#" + p) for p in ("subPropertyOf", "subClassOf")}
    super_properties = ancestors((s, o) for s, p, o in asserted if p == sub["subPropertyOf"])
    super_classes = ancestors((s, o) for s, p, o in asserted if p == sub["subClassOf"])
    expected = set(entailed(asserted, super_properties, super_classes, RDF_TYPE)) - asserted
    count = materialise(store, "rdfs")
    built = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ENTAILED_GRAPH))}
    assert built == expected and count == len(expected) > 1000
    assert (blank, RDF_TYPE, ox.NamedNode(lg + "Event")) in built

