"""Timelines and in-force answers over the repository's data, from one embedded store per module.

The expected values were read from the source documents (the quoted words are in the comments).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, TypeVar

import pytest

from lexgraph.config import Settings
from lexgraph.errors import NotFound
from lexgraph.store.embedded import EmbeddedStore, build_store, source_files
from lexgraph.timeline import (InForce, InForceItem, InvalidParameter, Timeline, as_json, in_force, parse_date,
                               parse_day, resolve_party, resolve_treaty, timeline, timeline_csv)

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lexgraph/id/"
T = TypeVar("T")
Run = Callable[[Awaitable[T]], T]


@pytest.fixture(scope="module")
def store_and_loop(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedStore, asyncio.AbstractEventLoop]]:
    store_dir = tmp_path_factory.mktemp("timeline") / "store"
    build_store(store_dir, source_files([settings.ontology_dir, settings.data_dir], settings.root))
    loop = asyncio.new_event_loop()
    store = EmbeddedStore(store_dir, 1)
    loop.run_until_complete(store.start())
    yield store, loop
    loop.run_until_complete(store.close())
    loop.close()


@pytest.fixture(scope="module")
def store(store_and_loop: tuple[EmbeddedStore, asyncio.AbstractEventLoop]) -> EmbeddedStore:
    return store_and_loop[0]


@pytest.fixture(scope="module")
def run(store_and_loop: tuple[EmbeddedStore, asyncio.AbstractEventLoop]) -> Run[Any]:
    return store_and_loop[1].run_until_complete


@pytest.fixture(scope="module")
def kazakhstan(store: EmbeddedStore, run: Run[Timeline]) -> Timeline:
    return run(timeline(store, "Kazakhstan"))


@pytest.fixture(scope="module")
def wct(store: EmbeddedStore, run: Run[Timeline]) -> Timeline:
    return run(timeline(store, "KAZAKHSTAN", treaty="wct"))


def by_iri(result: Timeline) -> dict[str, Any]:
    return {e.iri: e for e in result.events}


def item(items: list[InForceItem], iri: str) -> InForceItem | None:
    return next((i for i in items if i.subject.iri == ID + iri), None)


# --- dates -------------------------------------------------------------------------------

def test_dates_keep_their_precision_and_mean_every_day_of_it() -> None:
    month = parse_date("2004-10")
    assert (month.precision, month.earliest, month.latest) == ("month", date(2004, 10, 1), date(2004, 10, 31))
    assert parse_date("2004").latest == date(2004, 12, 31)
    assert parse_date("2004-02").latest == date(2004, 2, 29)  # a leap year
    assert parse_date("2004-11-12").precision == "day"


@pytest.mark.parametrize("bad", ["", "04", "2004/10", "2004-13", "2004-02-30", "12-11-2004", "2004-1"])
def test_a_bad_date_says_which_format_is_expected(bad: str) -> None:
    with pytest.raises(InvalidParameter, match="YYYY"):
        parse_date(bad, "from")


def test_a_day_must_be_a_whole_day() -> None:
    assert parse_day("2005-01-01") == date(2005, 1, 1)
    with pytest.raises(InvalidParameter, match="YYYY-MM-DD"):
        parse_day("2005")


# --- resolving names ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["KAZAKHSTAN", "Kazakhstan", "  kazakhstán ", "Republic of Kazakhstan",
                                  "party/kazakhstan", ID + "party/kazakhstan"])
def test_a_party_is_found_by_name_id_or_iri(store: EmbeddedStore, run: Run[Any], text: str) -> None:
    party = run(resolve_party(store, text))
    assert (party.iri, party.label) == (ID + "party/kazakhstan", "Kazakhstan")


def test_an_unknown_party_is_not_found(store: EmbeddedStore, run: Run[Any]) -> None:
    with pytest.raises(NotFound, match="Atlantis"):
        run(resolve_party(store, "Atlantis"))
    with pytest.raises(NotFound):
        run(resolve_party(store, ID + "treaty/wct"))  # a treaty is not a party


def test_a_treaty_is_found_by_short_name_or_name(store: EmbeddedStore, run: Run[Any]) -> None:
    assert run(resolve_treaty(store, "wct")).iri == ID + "treaty/wct"
    assert run(resolve_treaty(store, "Berne Convention")).iri == ID + "treaty/berne-convention"


# --- timelines ---------------------------------------------------------------------------

def test_kazakhstans_wct_events_as_the_sources_give_them(wct: Timeline) -> None:
    events = [(e.iri.removeprefix(ID), e.kind.label if e.kind else None, e.date, e.precision) for e in wct.events]
    assert events == [
        # cable: "Kazakhstan ratified the WIPO Treaties on Copyrights and Performances and Phonograms in 2004."
        ("treaty-action/kz-wct-ratification-cable2005", "ratification", "2004", "year"),
        # WIPO article: "Kazakhstan ratified the WCT on 12 August 2004"
        ("treaty-action/kz-wct-ratification-wipoarticle", "ratification", "2004-08-12", "day"),
        # WIPO article: "it entered into force for Kazakhstan on 12 November 2004"
        ("treaty-action/kz-wct-entry-into-force-wipoarticle", "entry into force for the party", "2004-11-12", "day"),
    ]
    assert all(e.about and e.about.iri == ID + "treaty/wct" for e in wct.events)


def test_each_event_carries_its_source_and_quote(wct: Timeline) -> None:
    cable = by_iri(wct)[ID + "treaty-action/kz-wct-ratification-cable2005"]
    assert {e.source.iri for e in cable.evidence} == {ID + "source/cable-almaty-000753"}
    assert "Kazakhstan ratified the WIPO Treaties on Copyrights and Performances and Phonograms in 2004." in {
        e.quote for e in cable.evidence}
    assert cable.cls.iri.endswith("def/TreatyAction") and cable.cls.label == "treaty action"


def test_the_papers_undated_signature_is_left_out_but_named(wct: Timeline) -> None:
    # paper: "Kazakhstan has signed but not ratified the 1997 WIPO Copyright Treaty (WCT)" (no date)
    signature = ID + "treaty-action/kz-wct-signature-paper1999"
    assert signature not in by_iri(wct)
    assert signature in {r.iri for r in wct.undated_left_out}


def test_disagreements_are_attached(wct: Timeline) -> None:
    article = by_iri(wct)[ID + "treaty-action/kz-wct-ratification-wipoarticle"]
    precision = next(d for d in article.disagreements if d.iri == ID + "disagreement/wct-ratification-precision")
    assert precision.kind and precision.kind.label == "different precision"
    assert precision.note and "'in 2004'" in precision.note
    assert ID + "treaty-action/kz-wct-ratification-cable2005" in precision.between


def test_a_month_stays_a_month(kazakhstan: Timeline) -> None:
    # cable: "In October 2004, the Ministry of Justice sent a draft law to Parliament"
    sent = by_iri(kazakhstan)[ID + "act-event/criminal-code-184-draft-sent-to-parliament-cable2005"]
    assert (sent.date, sent.precision) == ("2004-10", "month")
    assert as_json(kazakhstan)["events"][kazakhstan.events.index(sent)]["date"] == "2004-10"


def test_order_is_earliest_day_then_finer_precision_then_label(kazakhstan: Timeline) -> None:
    keys = [(parse_date(e.date).earliest, {"day": 0, "month": 1, "year": 2}[e.precision], e.label.casefold())
            for e in kazakhstan.events]
    assert keys == sorted(keys)
    order = [e.iri.removeprefix(ID) for e in kazakhstan.events]
    # "entered into force on January 1, 1998" (a day) comes before "enacted in 1998" (a year)
    assert order.index("act-event/criminal-code-1997-entry-into-force-paper1999") < order.index(
        "act-event/criminal-code-enactment-1998-paper1999")
    # the cable's "2004" can mean 1 January 2004, so it precedes the article's 12 August 2004
    assert order.index("treaty-action/kz-wct-ratification-cable2005") < order.index(
        "treaty-action/kz-wct-ratification-wipoarticle")


def test_the_timeline_gathers_acts_and_policy_events_of_the_party(kazakhstan: Timeline) -> None:
    classes = {e.cls.label for e in kazakhstan.events}
    assert {"treaty action", "legal act event", "policy event"} <= classes
    placement = by_iri(kazakhstan)[ID + "policy-event/kz-special-301-watch-list-placement-1998-paper1999"]
    # paper: "On May 1, 1998 the USTR included Kazakhstan on its Special 301 Watch List"
    assert (placement.date, placement.about.iri if placement.about else None) == ("1998-05-01", ID + "party/kazakhstan")
    assert ID + "treaty/us-kazakhstan-trade-agreement-1992" in {c.iri for c in placement.concerns}
    assert all(e.date for e in kazakhstan.events)
    assert not any(e.iri.startswith(ID + "treaty-event/") for e in kazakhstan.events)  # a treaty's general life


def test_a_range_keeps_events_whose_period_overlaps_it(store: EmbeddedStore, run: Run[Timeline]) -> None:
    result = run(timeline(store, "kazakhstan", date_from="2004-09", date_to="2004-11"))
    dates = [e.date for e in result.events]
    assert "2004" in dates  # the year overlaps September to November
    assert "2004-10" in dates and "2004-11-12" in dates
    assert "2004-08-12" not in dates and "2005-02-23" not in dates


def test_from_after_to_is_refused(store: EmbeddedStore, run: Run[Timeline]) -> None:
    with pytest.raises(InvalidParameter, match="after"):
        run(timeline(store, "kazakhstan", date_from="2005", date_to="2004"))


def test_csv_has_one_row_per_event(wct: Timeline) -> None:
    lines = timeline_csv(wct).splitlines()
    assert lines[0].startswith("date,precision,event,class,kind")
    assert len(lines) == 1 + len(wct.events)


# --- in force ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def on_2005(store: EmbeddedStore, run: Run[InForce]) -> InForce:
    return run(in_force(store, "Kazakhstan", "2005-01-01"))


@pytest.fixture(scope="module")
def on_2004_11_01(store: EmbeddedStore, run: Run[InForce]) -> InForce:
    return run(in_force(store, "Kazakhstan", "2004-11-01"))


def test_berne_is_in_force_in_2005_and_rome_is_not(on_2005: InForce) -> None:
    # WIPO article: "It entered into force for Kazakhstan on 12 April 1999."
    berne = item(on_2005.treaties, "treaty/berne-convention")
    assert berne and berne.status == "in force" and "1999-04-12" in berne.reason
    assert berne.decided_by == [ID + "treaty-action/kz-berne-entry-into-force-wipoarticle"]
    assert any("12 April 1999" in e.quote for e in berne.evidence)
    # WIPO article: Rome "entered into force for Kazakhstan on 30 June 2012"
    assert item(on_2005.treaties, "treaty/rome-convention") is None


def test_wct_is_not_yet_in_force_on_1_november_2004(on_2004_11_01: InForce, on_2005: InForce) -> None:
    """The article's entry into force (12 November 2004) decides; the cable's ratification "in
    2004", which straddles the day, does not make the WCT "unknown" (see lexgraph.timeline)."""
    assert item(on_2004_11_01.treaties, "treaty/wct") is None
    assert item(on_2005.treaties, "treaty/wct").status == "in force"  # type: ignore[union-attr]


def test_sources_that_disagree_on_entry_into_force_give_unknown(on_2004_11_01: InForce, on_2005: InForce) -> None:
    # the article puts the WPPT in force for Kazakhstan on 20 May 2002 and on 12 November 2004
    wppt = item(on_2004_11_01.treaties, "treaty/wppt")
    assert wppt and wppt.status == "unknown" and "disagree" in wppt.reason
    assert ID + "disagreement/wppt-entry-into-force-for-kazakhstan" in {d.iri for d in wppt.disagreements}
    assert item(on_2005.treaties, "treaty/wppt").status == "in force"  # type: ignore[union-attr]  # both dates passed


def test_joining_without_entry_into_force_is_unknown_never_in_force(on_2005: InForce) -> None:
    # paper (April 1999): "Kazakhstan acceded to the Paris convention ..." (no date)
    paris = item(on_2005.treaties, "treaty/paris-convention")
    assert paris and paris.status == "unknown" and "no entry into force recorded" in paris.reason
    # cable (2005): "For reference, Kazakhstan is a party to the following international agreements:"
    locarno = item(on_2005.treaties, "treaty/locarno-agreement")
    assert locarno and locarno.status == "unknown" and "party" in locarno.reason
    assert all(i.status == "unknown" for i in on_2005.treaties if not any(
        c.kind and c.kind.iri.endswith("entry-into-force-for-party") for c in i.claims if c.iri in i.decided_by))


def test_every_item_carries_evidence_and_claims(on_2005: InForce) -> None:
    for i in on_2005.treaties + on_2005.acts:
        assert i.evidence, i.subject.iri
        assert all(c.iri in {x.iri for x in i.claims} for c in i.claims)
        assert set(i.decided_by) <= {c.iri for c in i.claims}


def test_laws_in_force_and_unknown(on_2005: InForce) -> None:
    # paper: the copyright law "came into force on June 10, 1996"
    copyright_law = item(on_2005.acts, "act/kz/copyright-law-1996")
    assert copyright_law and copyright_law.status == "in force"
    # cable: "The Patent Law (1999)" among laws "adopted in Kazakhstan from 1996-2001"
    patent = item(on_2005.acts, "act/kz/patent-law-1999")
    assert patent and patent.status == "unknown" and "no entry into force recorded" in patent.reason
    # cable: "In October 2004, the Ministry of Justice sent a draft law to Parliament"
    draft = item(on_2005.acts, "act/kz/criminal-code-184-amendment-draft-2004")
    assert draft and draft.status == "unknown" and "no adoption recorded" in draft.reason


def test_a_stated_year_that_straddles_the_day_is_unknown(store: EmbeddedStore, run: Run[InForce]) -> None:
    # cable: "the Customs Code since it went into effect in 2003"
    mid_2003 = run(in_force(store, "kazakhstan", "2003-06-30"))
    customs = item(mid_2003.acts, "act/kz/customs-code-2003")
    assert customs and customs.status == "unknown" and "straddles" in customs.reason
    assert item(run(in_force(store, "kazakhstan", "2004-01-01")).acts, "act/kz/customs-code-2003").status == "in force"  # type: ignore[union-attr]


def test_articles_inherit_the_status_of_their_act(on_2005: InForce) -> None:
    article = item(on_2005.articles, "act/kz/criminal-code-1997/article/184")
    assert article and article.status == "in force"
    assert article.part_of and article.part_of.iri == ID + "act/kz/criminal-code-1997"
    assert "1998-01-01" in article.reason


def test_in_force_json_has_the_documented_keys(on_2005: InForce) -> None:
    data = as_json(on_2005)
    assert set(data) == {"party", "date", "treaties", "acts", "articles"}
    claim = data["treaties"][0]["claims"][0]
    assert {"iri", "class", "kind", "date", "precision", "basis", "verdict", "evidence"} == set(claim)


# --- the CLI -----------------------------------------------------------------------------

def _lexgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lexgraph", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "LEXGRAPH_ROOT": str(REPO)})


def test_cli_timeline_prints_the_same_json_as_the_package(wct: Timeline) -> None:
    result = _lexgraph("timeline", "KAZAKHSTAN", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["party"] == {"iri": ID + "party/kazakhstan", "label": "Kazakhstan"}
    wct_events = [e for e in data["events"] if e["about"] and e["about"]["iri"] == ID + "treaty/wct"]
    assert [(e["date"], e["precision"]) for e in wct_events] == [(e.date, e.precision) for e in wct.events]
    assert wct_events[0]["class"]["label"] == "treaty action"


def test_cli_in_force_text_and_errors() -> None:
    result = _lexgraph("in-force", "--party", "kazakhstan", "--date", "2005-01-01")
    assert result.returncode == 0, result.stderr
    assert "Berne Convention" in result.stdout and "in force" in result.stdout
    bad = _lexgraph("in-force", "--party", "kazakhstan", "--date", "2005-1-1")  # YYYY alone is taken: see test_cli_commands
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    unknown = _lexgraph("timeline", "Atlantis")
    assert unknown.returncode == 2 and "Atlantis" in unknown.stderr


def test_the_timeline_index_gives_the_same_answers_as_the_store(store: EmbeddedStore, run: Run[Any]) -> None:
    """The service builds timelines from an in-memory index (read in bulk); every party's
    timeline, whole and filtered, must equal the one asked of the store event by event."""
    from lexgraph.store.select import select
    from lexgraph.timeline import build_timeline_index

    index = run(build_timeline_index(store))
    orgs = sorted(row["s"] for row in run(select(store, "SELECT DISTINCT ?s WHERE { ?s a/<http://www.w3.org/2000/01/"
                                                    "rdf-schema#subClassOf>* <http://www.w3.org/ns/org#Organization> }")))
    parties = [o for o in orgs if o in index.by_party]  # organisations with events (others: empty timelines)
    assert {ID + "party/kazakhstan", ID + "party/ussr"} <= set(parties) and len(index.nodes) > 40
    cases = [(p, None, None, None) for p in parties + [o for o in orgs if o not in index.by_party][:10]]
    cases += [(ID + "party/kazakhstan", "wct", None, None), (ID + "party/kazakhstan", None, "1999", "2004-10"),
              (ID + "party/kazakhstan", "berne convention", "1990", None)]
    for party, treaty, date_from, date_to in cases:
        asked = run(timeline(store, party, treaty, date_from, date_to))
        indexed = run(timeline(store, party, treaty, date_from, date_to, index))
        assert as_json(indexed) == as_json(asked), (party, treaty, date_from, date_to)
    assert len(run(timeline(store, "kazakhstan", index=index)).events) == len(run(timeline(store, "kazakhstan")).events) > 30
