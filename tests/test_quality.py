"""Each quality query finds the problem it is written for, and nothing on clean input."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from lexgraph.config import Settings
from lexgraph.errors import QueryError
from lexgraph.findings import Level
from lexgraph.quality import read_check, read_checks
from lexgraph.validate import validate

VALID = Path(__file__).parent / "fixtures" / "cli" / "valid.ttl"
PREFIXES = """@base <https://w3id.org/lexgraph/id/> .
@prefix lg:   <https://w3id.org/lexgraph/def/> .
@prefix lgv:  <https://w3id.org/lexgraph/vocab/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix dct:  <http://purl.org/dc/terms/> .
"""


def quality_findings(settings: Settings, *paths: Path) -> dict[str, list[str]]:
    report = validate(settings, [VALID, *paths])
    found: dict[str, list[str]] = {}
    for f in report.findings:
        if f.check.startswith("quality:"):
            found.setdefault(f.check.removeprefix("quality:"), []).append(f.focus)
    return found


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def test_clean_input_has_no_quality_findings(settings: Settings) -> None:
    assert quality_findings(settings) == {}


def test_every_check_declares_title_and_level(settings: Settings) -> None:
    checks = read_checks(settings.quality_dir)
    assert {c.name for c in checks} >= {
        "undeclared-terms", "term-label-definition", "duplicate-labels",
        "fact-without-evidence", "date-after-source", "undated-events", "blank-nodes",
    }
    assert {c.level for c in checks} == {Level.ERROR, Level.WARN, Level.INFO}


def test_a_check_without_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?focus WHERE { ?focus ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="bad.rq:1"):
        read_check(bad)


def test_undeclared_terms(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "x.ttl", "<treaty/example-treaty> lg:madeUpProperty 3 .\n<thing/x> a lg:MadeUpClass .\n")
    found = quality_findings(settings, path)
    assert set(found["undeclared-terms"]) == {
        "https://w3id.org/lexgraph/def/madeUpProperty", "https://w3id.org/lexgraph/def/MadeUpClass"}


def test_fact_without_evidence(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "x.ttl", """<treaty-action/bare> a lg:TreatyAction ; lg:party <party/examplestan> ;
    lg:treaty <treaty/example-treaty> ; lg:eventKind lgv:signature .
""")
    assert quality_findings(settings, path)["fact-without-evidence"] == [
        "https://w3id.org/lexgraph/id/treaty-action/bare"]


def test_blank_nodes_are_reported_on_the_node_that_holds_them(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "x.ttl", """<treaty-action/blank> a lg:TreatyAction ; lg:party <party/examplestan> ;
    lg:treaty <treaty/example-treaty> ; lg:eventKind lgv:signature ;
    lg:evidence [ a lg:Evidence ; lg:source <source/user-doc> ; lg:quote "signed" ] .
[] a lg:Evidence ; lg:source <source/user-doc> ; lg:quote "an orphan" .
""")
    report = validate(settings, [VALID, path])
    found = [f for f in report.findings if f.check == "quality:blank-nodes"]
    assert {f.level for f in found} == {Level.WARN}
    assert [f.focus for f in found if not f.focus.startswith("_:")] == ["https://w3id.org/lexgraph/id/treaty-action/blank"]
    assert len(found) == 2, "the orphan blank node is reported too"


def test_shipped_data_has_no_blank_nodes(settings: Settings) -> None:
    report = validate(settings)
    assert [f.focus for f in report.findings if f.check == "quality:blank-nodes"] == []


def test_date_after_source(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "x.ttl", """<source/old> a lg:SourceDocument ; rdfs:label "old" ; dct:type lgv:policy-paper ;
    lg:date "1999-04"^^xsd:gYearMonth ; lg:dateBasis lgv:date-as-given ;
    lg:evidence [ lg:source <source/old> ; lg:quote "old doc" ] .
<treaty-action/later> a lg:TreatyAction ; lg:party <party/examplestan> ; lg:treaty <treaty/example-treaty> ;
    lg:eventKind lgv:signature ; lg:date "1999-05-01"^^xsd:date ;
    lg:evidence [ lg:source <source/old> ; lg:quote "signed" ] .
<treaty-action/same-year> a lg:TreatyAction ; lg:party <party/examplestan> ; lg:treaty <treaty/example-treaty> ;
    lg:eventKind lgv:signature ; lg:date "1999"^^xsd:gYear ;
    lg:evidence [ lg:source <source/old> ; lg:quote "signed" ] .
""")
    assert quality_findings(settings, path)["date-after-source"] == [
        "https://w3id.org/lexgraph/id/treaty-action/later"]


def test_undated_events_are_info_only(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "x.ttl", """<treaty-action/undated> a lg:TreatyAction ; lg:party <party/examplestan> ;
    lg:treaty <treaty/example-treaty> ; lg:eventKind lgv:signature ;
    lg:evidence [ lg:source <source/user-doc> ; lg:quote "signed" ] .
""")
    report = validate(settings, [VALID, path])
    infos = [f for f in report.findings if f.check == "quality:undated-events"]
    assert [f.level for f in infos] == [Level.INFO]
    assert report.conforms(Level.ERROR) and not report.conforms(Level.INFO)


@pytest.fixture
def ontology_copy(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "ontology"
    shutil.copytree(settings.ontology_dir, folder)
    return dataclasses.replace(settings, ontology_dir=folder)


def test_term_without_definition_or_with_two_labels(ontology_copy: Settings) -> None:
    (ontology_copy.ontology_dir / "extra.ttl").write_text(PREFIXES + """
lg:Sloppy a owl:Class ; rdfs:label "sloppy"@en , "untidy"@en ; rdfs:isDefinedBy <https://w3id.org/lexgraph/def> .
""", encoding="utf-8")
    report = validate(ontology_copy, [VALID])
    messages = [f.message for f in report.findings if f.check == "quality:term-label-definition"]
    assert sorted(messages) == ["Our term has 2 English rdfs:label values; it needs exactly one.",
                                "Our term has no skos:definition."]


def test_duplicate_labels(ontology_copy: Settings) -> None:
    (ontology_copy.ontology_dir / "extra.ttl").write_text(PREFIXES + """
lg:Copy a owl:Class ; rdfs:label "Treaty"@en ; skos:definition "A copy."@en ; rdfs:isDefinedBy <https://w3id.org/lexgraph/def> .
""", encoding="utf-8")
    report = validate(ontology_copy, [VALID])
    focus = {f.focus for f in report.findings if f.check == "quality:duplicate-labels"}
    assert focus == {"https://w3id.org/lexgraph/def/Copy", "https://w3id.org/lexgraph/def/Treaty"}
