"""The timeline index (``build_timeline_index``) against the per-party reads of the store
(``_events_from_store``), on a small made-up graph that holds what the repository's data may
not: evidence on blank nodes with several sources, quotes and locators, escaped literals,
acts reached through a blank-node part, events that only concern a party, an event class
below lg:Event that decides nothing, literal agents, disagreements and undated events; with
the entailed view and without it. (tests/test_timeline.py compares the two over the
repository's data for every party.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from lexgraph.config import Settings
from lexgraph.store.embedded import EmbeddedStore, SourceFile, build_store, source_files
from lexgraph.timeline import Timeline, as_json, build_timeline_index, timeline

EX = "http://example.org/"
DATA = r"""@prefix lg: <https://w3id.org/lexgraph/def/> .
@prefix lgv: <https://w3id.org/lexgraph/vocab/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:alpha a lg:State ; skos:prefLabel "Alpha"@en , "Alpha (fr)"@fr .
ex:beta a org:Organization ; rdfs:label "Beta \"the second\"" .
ex:treaty a lg:Treaty ; skos:prefLabel "Example Treaty"@en .
ex:doc1 a lg:SourceDocument ; rdfs:label "Document one" .
ex:doc2 a lg:SourceDocument ; rdfs:label "Document two" .
ex:act a lg:LegalAct ; eli:jurisdiction ex:alpha ; skos:prefLabel "Example Act"@en .
ex:article eli:is_part_of _:part .
_:part eli:is_part_of ex:act .
ex:SpecialEvent rdfs:subClassOf lg:Event ; rdfs:label "special event" .

ex:ratification a lg:TreatyAction ; lg:party ex:alpha ; lg:treaty ex:treaty ; lg:eventKind lgv:ratification ;
    lg:date "2001-05"^^xsd:gYearMonth , "2001"^^xsd:gYear ;
    lg:evidence [ lg:source ex:doc1 , ex:doc2 ; lg:quote "ratified \"in May\"\n2001" , "a second quote" ;
                  lg:locator "p. 3" , "\u00a7 2" ] .
ex:undated a lg:TreatyAction ; lg:party ex:alpha ; lg:treaty ex:treaty ; lg:eventKind lgv:accession ;
    lg:evidence ex:undated-evidence .
ex:undated-evidence lg:source ex:doc1 ; lg:quote "no date given" .
ex:article-in-force a lg:LegalActEvent ; lg:act ex:article ; lg:eventKind lgv:act-entry-into-force ;
    lg:date "2003-01-01"^^xsd:date ; lg:evidence [ lg:source ex:doc2 ; lg:quote "in force" ] .
ex:part-event a lg:LegalActEvent ; lg:act _:part ; lg:date "2004"^^xsd:gYear ;
    lg:evidence [ lg:source ex:doc2 ; lg:quote "the part" ] .
ex:watch a lg:PolicyEvent ; lg:concerns ex:alpha , ex:beta ; lg:agent ex:beta ; lg:date "1999"^^xsd:gYear ;
    lg:description "a description with a tab\t and \"quotes\"" ; lg:evidence [ lg:source ex:doc1 ; lg:quote "watched" ] .
ex:special a ex:SpecialEvent ; lg:concerns ex:beta , ex:treaty ; lg:agent "an agent named in words" ;
    lg:date "2005-06-07"^^xsd:date ; lg:evidence [ lg:source ex:doc2 ; lg:quote "special" ] .
ex:disagreement a lg:Disagreement ; lg:between ex:ratification , ex:undated ;
    lg:disagreementKind lgv:contradiction ; skos:note "two accounts" .
"""


@pytest.mark.parametrize("entailment", ["rdfs", "off"])
def test_the_index_answers_as_the_store_on_every_kind_of_event(settings: Settings, tmp_path: Path,
                                                                entailment: str) -> None:
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    files = source_files([settings.ontology_dir], settings.root) + [SourceFile(tmp_path / "data.ttl", EX + "graph")]
    build_store(tmp_path / "store", files, entailment=entailment)  # type: ignore[arg-type]
    cases = [(EX + party, treaty, date_from, date_to) for party in ("alpha", "beta")
             for treaty, date_from, date_to in [(None, None, None), (EX + "treaty", None, None), (None, "2001", "2003")]]

    async def answers() -> list[tuple[Timeline, Timeline]]:
        store = EmbeddedStore(tmp_path / "store", 1)
        await store.start()
        try:
            index = await build_timeline_index(store)
            return [(await timeline(store, *case), await timeline(store, *case, index=index)) for case in cases]
        finally:
            await store.close()

    found = asyncio.run(answers())
    for case, (asked, indexed) in zip(cases, found):
        assert as_json(indexed) == as_json(asked), case
    alpha, beta = found[0][0], found[3][0]
    events: dict[str, Any] = {e.iri: e for e in alpha.events + beta.events}
    assert [e.iri for e in alpha.events] == [EX + e for e in ("watch", "ratification", "article-in-force", "part-event")]
    assert [r.iri for r in alpha.undated_left_out] == [EX + "undated"]
    ratification = events[EX + "ratification"]
    assert len(ratification.evidence) == 8  # two sources × two quotes × two locators
    assert 'ratified "in May"\n2001' in {e.quote for e in ratification.evidence}
    assert [d.between for d in ratification.disagreements] == [[EX + "ratification", EX + "undated"]]
    assert events[EX + "special"].agent.iri == "an agent named in words"
    assert events[EX + "special"].cls.iri == (EX + "SpecialEvent" if entailment == "off" else
                                              "https://w3id.org/lexgraph/def/Event")
    assert events[EX + "watch"].description == 'a description with a tab\t and "quotes"'
