"""`lexgraph stats` reports the graph's size, and no fact lacks a quote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"


def test_stats_json() -> None:
    result = subprocess.run([sys.executable, "-m", "lexgraph", "stats", "--format", "json"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["facts_without_quote"] == 0
    assert stats["triples"] > stats["data_triples"] > 5000
    assert set(stats["facts_by_source"]) == {ID + s for s in (
        "source/zhunisbekova-1999", "source/cable-almaty-000753", "source/wipo-treaties-article",
        "source/ai-enforcement-article", "source/wto-checklist-kaz")}
    assert all(n > 0 for n in stats["facts_by_source"].values())
    assert stats["facts"] >= max(stats["facts_by_source"].values())
    assert stats["disagreements"] >= 20
    for cls in ("TreatyAction", "Provision", "EnforcementObservation", "LegalActEvent", "Disagreement"):
        assert stats["entities_by_class"][LG + cls] > 0


def test_stats_text_lists_sources_and_classes() -> None:
    result = subprocess.run([sys.executable, "-m", "lexgraph", "stats"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "facts without a quote:     0" in result.stdout
    assert "<source/wto-checklist-kaz>" in result.stdout and "lg:TreatyAction" in result.stdout


def test_stats_report_evidence_per_value_blank_nodes_and_prose_only_facts() -> None:
    result = subprocess.run([sys.executable, "-m", "lexgraph", "stats", "--format", "json"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    stats = json.loads(result.stdout)
    assert stats["blank_nodes"] == 0
    assert stats["structured_values"] > 300
    assert stats["values_without_own_evidence"] == []
    assert stats["values_with_own_evidence"] == stats["structured_values"] and stats["own_evidence_percent"] == 100.0
    prose = stats["prose_only"]
    assert prose and all(p["node"].startswith(ID) and ": " in p["reason"] for p in prose)
    # Every lg:proseOnlyReason of the data files is listed, and nothing else (read here with rdflib).
    from rdflib import Graph, URIRef

    data = Graph()
    for f in sorted((REPO / "data").glob("*.ttl")):
        data.parse(f)
    marked = {(str(s), str(o)) for s, o in data.subject_objects(URIRef(LG + "proseOnlyReason"))}
    assert {(p["node"], p["reason"]) for p in prose} == marked


def test_stats_find_a_value_without_its_quote_and_a_blank_node(tmp_path: Path) -> None:
    from lexgraph.load import load_graph
    from lexgraph.oxistore import store_of
    from lexgraph.stats import graph_stats

    data = tmp_path / "x.ttl"
    data.write_text("""@base <https://w3id.org/lexgraph/id/> .
@prefix lg: <https://w3id.org/lexgraph/def/> .
@prefix lgv: <https://w3id.org/lexgraph/vocab/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
<event/a> a lg:TreatyAction ; lg:date "2001"^^xsd:gYear ; lg:evidence <event/a/evidence/1> .
<event/a/evidence/1> a lg:Evidence ; lg:states lg:date ; lg:source <source/s> ; lg:quote "in 2001" .
<event/b> a lg:TreatyAction ; lg:date "2002"^^xsd:gYear ; lg:evidence [ lg:source <source/s> ; lg:quote "later" ] .
<provision/p> a lg:Provision ; lg:penalty <provision/p/penalty/1> , <provision/p/penalty/2> ;
    lg:evidence <provision/p/evidence/1> .
<provision/p/evidence/1> a lg:Evidence ; lg:source <source/s> ; lg:quote "a fine of up to 10" .
<provision/p/penalty/1> a lg:Penalty ; lg:evidence <provision/p/evidence/1> ; schema:maxValue 10 .
<provision/p/penalty/2> a lg:Penalty ; schema:maxValue 5 .
""", encoding="utf-8")
    stats = graph_stats(store_of(load_graph([REPO / "ontology"]), load_graph([data])))
    assert (stats.structured_values, stats.values_with_own_evidence) == (4, 2)
    assert stats.values_without_own_evidence == [(ID + "event/b", LG + "date"), (ID + "provision/p/penalty/2", LG + "penalty")]
    assert stats.blank_nodes == 1 and stats.own_evidence_share == 50.0


def test_stated_properties_are_the_targets_of_the_value_evidence_shape() -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    from lexgraph.stats import STATED_PROPERTIES

    shapes = Graph().parse(REPO / "shapes" / "lexgraph.shapes.ttl")
    shape = URIRef("https://w3id.org/lexgraph/shapes/ValueEvidenceShape")
    targets = {str(t) for t in shapes.objects(shape, SH.targetSubjectsOf)}
    # dct:title is checked on documents, acts and treaties (sh:targetClass), not on every subject of it.
    assert targets | {"http://purl.org/dc/terms/title"} == set(STATED_PROPERTIES)
