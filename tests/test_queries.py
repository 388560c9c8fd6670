"""Each named query answers its question with the values the documents give.

The expected values below were read from the source documents by hand (the quoted words
are in the comments); the test runs the query file unchanged over the ontology and data.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from lexgraph.catalog import named_queries, read_named_query
from lexgraph.config import Settings
from lexgraph.errors import QueryError
from lexgraph.oxistore import select_rows, store_of

ID = "https://w3id.org/lexgraph/id/"
Row = dict[str, "str | None"]


@pytest.fixture(scope="module")
def store(ontology_graph: Graph, data_graph: Graph) -> ox.Store:
    return store_of(ontology_graph, data_graph)


@pytest.fixture(scope="module")
def run(store: ox.Store, settings: Settings):  # type: ignore[no-untyped-def]
    queries = {q.name[3:]: q for q in named_queries(settings.queries_dir)}

    def _run(name: str) -> list[Row]:
        return list(select_rows(store, queries[name].text))

    return _run


def has(rows: list[Row], **expected: str) -> bool:
    """Whether some row has (for each key) a value equal to, or ending with, the expected text."""
    return any(all((row.get(k) or "") == v or (row.get(k) or "").endswith(v) for k, v in expected.items()) for row in rows)


def test_there_are_at_least_20_named_queries_each_with_a_question(settings: Settings) -> None:
    queries = named_queries(settings.queries_dir)
    assert len(queries) >= 20
    assert all(q.title and "?" in q.question for q in queries)


def test_a_query_file_without_a_question_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text("# title: t\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match="question"):
        read_named_query(tmp_path / "x.rq")


def test_kazakhstan_treaty_actions_in_date_order(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("kazakhstan-treaty-actions")
    # "Kazakhstan accessed the Berne Convention on 12 April 1999."
    assert has(rows, treaty="treaty/berne-convention", kind="vocab/accession", date="1999-04-12")
    # "Kazakhstan ratified the WCT on 12 August 2004, and, it entered into force for Kazakhstan on 12 November 2004"
    assert has(rows, treaty="treaty/wct", kind="vocab/ratification", date="2004-08-12")
    assert has(rows, treaty="treaty/wct", kind="vocab/entry-into-force-for-party", date="2004-11-12")
    # "Kazakhstan accessed the Rome Convention on 30 March 2012."
    assert has(rows, treaty="treaty/rome-convention", kind="vocab/accession", date="2012-03-30")
    # "the Declaration of continued application on 16 February 1993"
    assert has(rows, treaty="treaty/wipo-convention", kind="vocab/declaration-of-continued-application", date="1993-02-16")
    # the cable: "Kazakhstan ratified the WIPO Treaties ... in 2004" — a year, kept as a year
    assert has(rows, treaty="treaty/wct", kind="vocab/ratification", date="2004", source="source/cable-almaty-000753")
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    assert all(r["quote"] and r["source"] for r in rows)


def test_treaties_in_force_on_a_date(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("treaties-in-force-on-date")  # the day asked: 2005-01-01
    assert has(rows, treatyLabel="Berne Convention for the Protection of Literary and Artistic Works", entryIntoForce="1999-04-12")
    # Phonograms Convention: "It entered into force for Kazakhstan on 3 August 2001."
    assert has(rows, entryIntoForce="2001-08-03", status="in force")
    assert has(rows, treatyLabel="WIPO Copyright Treaty", entryIntoForce="2004-11-12", status="in force")
    # Rome entered into force for Kazakhstan only on 30 June 2012
    assert not any("Rome" in (r["treatyLabel"] or "") for r in rows)


def test_national_articles_implementing_trips(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("trips-implementation")
    pairs = {(r["tripsArticle"].rsplit("/", 1)[1], r["nationalArticle"].split("code-on-customs-regulation/")[1]) for r in rows}  # type: ignore[union-attr]
    # Checklist Q16: "(Article 51) Pursuant to Article 458.5", "(Article 55) According to Article 198",
    # "(Article 56) According to Article 198.7", "(Article 57) According to Article 198.5"
    assert {("51", "article/458/paragraph/5"), ("55", "article/198"), ("56", "article/198/paragraph/7"),
            ("57", "article/198/paragraph/5"), ("53", "article/461/paragraph/4")} <= pairs
    assert all(r["source"] == ID + "source/wto-checklist-kaz" for r in rows)


def test_copyright_penalties_per_edition(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("copyright-penalties-by-edition")
    editions = {r["edition"] for r in rows}
    assert {ID + "act/kz/criminal-code-1997", ID + "act/kz/criminal-code-checklist-edition"} <= editions
    # checklist Art. 198: "fine in the amount of up to one hundred monthly calculation indices" (part 1),
    # "up to three hundred" (part 2), "up to five thousand" (part 3), "imprisonment for the term of three to six years" (part 4)
    assert has(rows, subdivision="article/198/part/1", penaltyKindLabel="fine", max="100", unitLabel="monthly calculation index")
    assert has(rows, subdivision="article/198/part/2", penaltyKindLabel="arrest", max="75", unitLabel="day")
    assert has(rows, subdivision="article/198/part/3", penaltyKindLabel="fine", max="5000")
    assert has(rows, subdivision="article/198/part/4", penaltyKindLabel="imprisonment", min="3", max="6", unitLabel="year")
    # cable: "garnish the salary ... under Article 184 for one to five months"
    assert has(rows, subdivision="criminal-code-1997/article/184", penaltyKindLabel="salary garnishment", min="1", max="5")
    # The form of the offence and the bound are values, and each penalty carries the quote that states it.
    assert has(rows, subdivision="article/198/part/4", tierLabel="offence by a criminal group", boundLabel="range",
               quote="are punished by imprisonment for the term of three to six years.")
    assert has(rows, subdivision="article/198/part/1", penaltyKindLabel="fine", boundLabel="at most")
    assert has(rows, subdivision="criminal-code-1997/article/184", tierLabel="minor offence")
    assert all(r["tierLabel"] and r["quote"] for r in rows)


def test_enforcement_bodies_and_parents(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("enforcement-bodies-and-parents")
    # cable: "the Customs Agency (now part of the Finance Ministry)"
    assert has(rows, body="org/kz-customs-authority", functionLabel="enforces at the border", parentLabel="Ministry of Finance of Kazakhstan")
    # cable: "the IPR Committee of the Ministry of Justice"
    assert has(rows, body="org/kz-ipr-committee", parentLabel="Ministry of Justice of Kazakhstan")
    # AI article: "the State Revenue Committee, responsible for customs control and border enforcement"
    assert has(rows, body="org/kz-state-revenue-committee", functionLabel="enforces at the border")


def test_enforcement_figures_for_2004_by_reporting_body(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("enforcement-figures-2004")
    # "218,110 items seized in 2004 ... a Ministry of Justice figure"; "The IIPA report of seizure of only 140,000 items"
    assert has(rows, indicatorLabel="items seized", period="2004", value="218110", reportingBodyLabel="Ministry of Justice of Kazakhstan")
    assert has(rows, indicatorLabel="items seized", value="140000", reportingBodyLabel="International Intellectual Property Alliance")
    assert has(rows, indicatorLabel="inspections", period="2004", value="1365")
    assert has(rows, indicatorLabel="fines assessed", period="2004", value="6659341", unitLabel="tenge")
    # "The GOK initiated 35 criminal cases under Article 184"; "29 cases were brought under Article 199"
    assert has(rows, indicatorLabel="criminal cases initiated", legalBasis="criminal-code-1997/article/184", value="35")
    assert has(rows, indicatorLabel="criminal cases initiated", legalBasis="criminal-code-1997/article/199", value="29")


def test_every_disagreement_with_both_claims_and_quotes(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("disagreements")
    by_disagreement: dict[str, set[str]] = {}
    for r in rows:
        by_disagreement.setdefault(r["disagreement"] or "", set()).add(r["claim"] or "")
    assert len(by_disagreement) >= 20
    assert all(len(claims) >= 2 for claims in by_disagreement.values())
    wct = [r for r in rows if (r["disagreement"] or "").endswith("disagreement/wct-year")]
    quotes = " | ".join(r["quote"] or "" for r in wct)
    assert "1997 WIPO Copyright Treaty" in quotes and "20 December 1996" in quotes
    assert {r["kindLabel"] for r in wct} == {"contradiction"}


def test_every_fact_a_document_supports(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("facts-of-a-document")  # the 2005 cable
    assert len({r["claim"] for r in rows}) > 100
    quotes = [r["quote"] or "" for r in rows]
    assert any("218,110 items seized in 2004" in q for q in quotes)
    assert not any("12 April 1999" in q for q in quotes)  # that is the WIPO article's, not the cable's


def test_general_dates_of_treaties(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("treaty-general-dates")
    # "signed on 9 September 1886, entered into force on 5 December 1887"
    assert has(rows, treaty="treaty/berne-convention", kindLabel="treaty signature", date="1886-09-09")
    assert has(rows, treaty="treaty/berne-convention", kindLabel="general entry into force", date="1887-12-05")
    # "WIPO Copyright Treaty was signed on 20 December 1996, and entered into force on 6 March 2002"
    assert has(rows, treaty="treaty/wct", date="1996-12-20")
    assert has(rows, treaty="treaty/wct", kindLabel="general entry into force", date="2002-03-06")
    # the paper's "1997 WIPO Copyright Treaty": a year attached to the name
    assert has(rows, treaty="treaty/wct", kindLabel="year in name", date="1997")


def test_what_the_ussr_did(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("ussr-treaty-actions")
    assert has(rows, treatyLabel="Universal Copyright Convention", date="1973-05-27")
    assert has(rows, treatyLabel="Berne Convention for the Protection of Literary and Artistic Works", kindLabel="signature", date="1973")


def test_legal_act_timeline(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("legal-act-timeline")
    # "came into force on June 10, 1996"; "entered into force on January 1, 1998"; "approved July 9, 2004";
    # "In October 2004, the Ministry of Justice sent a draft law to Parliament"
    assert has(rows, act="act/kz/copyright-law-1996", kindLabel="entered into force", date="1996-06-10")
    assert has(rows, act="act/kz/criminal-code-1997", kindLabel="entered into force", date="1998-01-01")
    assert has(rows, act="act/kz/copyright-law-amendment-2004", date="2004-07-09")
    assert has(rows, act="act/kz/criminal-code-184-amendment-draft-2004", kindLabel="sent to parliament",
               date="2004-10", agentLabel="Ministry of Justice of Kazakhstan")
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)


def test_articles_each_source_cites_by_edition(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("articles-by-edition")
    cable = {r["number"] for r in rows if (r["act"] or "").endswith("criminal-code-1997") and (r["source"] or "").endswith("cable-almaty-000753")}
    checklist = {r["number"] for r in rows if (r["act"] or "").endswith("criminal-code-checklist-edition")}
    assert cable == {"184", "199"} and checklist == {"198", "199", "222"}
    assert has(rows, citedAs="629-4")


def test_article_numbers_shared_by_several_acts(run) -> None:  # type: ignore[no-untyped-def]
    rows = {r["number"]: int(r["acts"] or 0) for r in run("same-number-different-articles")}
    # 198 and 199: Criminal Code editions and the Code on Customs Regulation
    assert rows["198"] >= 2 and rows["199"] >= 3


def test_prosecution_types(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("prosecution-types")
    # Q22: "paragraph 1 ... only based on the complaint of the injured party"; "paragraph 2 ... private-public";
    # "paragraphs 3 and 4 ... and Article 222 ... public prosecution"
    assert has(rows, subdivision="article/198/part/1", prosecutionLabel="private prosecution")
    assert has(rows, subdivision="article/199/part/2", prosecutionLabel="private-public prosecution")
    assert has(rows, subdivision="article/198/part/4", prosecutionLabel="public prosecution")
    assert has(rows, subdivision="article/222", prosecutionLabel="public prosecution")
    # A joint citation is one claim over all the parts its sentence names, not a copy on each.
    public = {r["provision"] for r in rows if r["prosecutionLabel"] == "public prosecution"}
    assert public == {ID + "provision/criminal-code-checklist-public-prosecution-checklist"}
    assert {r["subdivision"].rsplit("edition/", 1)[-1] for r in rows if r["provision"] in public} == {
        "article/198/part/3", "article/198/part/4", "article/199/part/3", "article/199/part/4",
        "article/222", "article/222/part/1", "article/222/part/2"}


def test_time_limits(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("time-limits")
    # customs Art. 198: "suspended for ten business days"; AOC Art. 817: "within fifteen days";
    # CrPC Art. 629-4: "within three days"; Arbitration Art. 35: "up to two months"
    assert has(rows, subdivisionLabel="Code on Customs Regulation of Kazakhstan, Article 198", value="10", unitLabel="business day")
    assert has(rows, value="15", unitLabel="day")
    assert has(rows, subdivisionLabel="Criminal Procedure Code, Article 629-4", max="3", unitLabel="day")
    assert has(rows, max="2", unitLabel="month")
    # Kinds, not free text, tell the suspension and its extension apart (both "ten business days").
    assert has(rows, subdivisionLabel="Code on Customs Regulation of Kazakhstan, Article 198", kindLabel="suspension period",
               boundLabel="exactly", value="10", quote="shall be suspended for ten business days.")
    assert has(rows, subdivisionLabel="Code on Customs Regulation of Kazakhstan, Article 198", kindLabel="cap on an extension",
               boundLabel="at most", max="10")
    assert all(r["kindLabel"] and r["quote"] for r in rows)


def test_thresholds(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("thresholds")
    # "not less than ten thousand euro"; "cannot be less than 1,000-fold amount of monthly calculation index";
    # "the latest figure quoted by the Ministry of Justice is one hundred monthly indicators"
    assert has(rows, min="10000", unitLabel="euro")
    assert has(rows, min="1000", unitLabel="monthly calculation index")
    assert has(rows, min="100", unitLabel="monthly calculation index")
    assert has(rows, max="300", unitLabel="monthly calculation index")
    assert has(rows, min="10000", kindLabel="minimum security", boundLabel="at least")
    assert has(rows, max="300", kindLabel="cap on recoverable costs", boundLabel="at most")
    assert all(r["kindLabel"] and r["quote"] for r in rows)


def test_names_of_bodies_over_time(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("body-names-over-time")
    customs = {r["name"] for r in rows if (r["body"] or "").endswith("org/kz-customs-authority")}
    assert {"Customs Administration", "Customs Agency"} <= customs
    committee = {r["name"] for r in rows if (r["body"] or "").endswith("org/kz-ipr-committee")}
    assert any("Committee on Intellectual Property" in n for n in committee if n)
    assert any("IPR Committee" in n for n in committee if n)


def test_memoranda(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("memoranda")
    # "The GOK has had MOUs with the Business Software Alliance (BSA) and IFPI since October 2003."
    assert sum(1 for r in rows if r["date"] == "2003-10") == 2
    assert any("Financial Police" in (r["signatories"] or "") for r in rows)


def test_special_301_history(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("special-301-history")
    # "On May 1, 1998 the USTR included Kazakhstan on its Special 301 Watch List"
    assert has(rows, date="1998-05-01", kindLabel="watch-list placement", agentLabel="United States Trade Representative")
    assert has(rows, kindLabel="watch-list removal recommended", agentLabel="US Embassy in Almaty")


def test_source_documents(run) -> None:  # type: ignore[no-untyped-def]
    rows = {r["source"]: r for r in run("source-documents")}
    assert len(rows) == 5
    assert rows[ID + "source/zhunisbekova-1999"]["date"] == "1999-04"
    assert "machine-generated" in (rows[ID + "source/ai-enforcement-article"]["concerns"] or "")
    assert "partial extract" in (rows[ID + "source/cable-almaty-000753"]["concerns"] or "")
    assert rows[ID + "source/cable-almaty-000753"]["dateBasisLabel"] == "date inferred"


def test_treaty_administrators(run) -> None:  # type: ignore[no-untyped-def]
    rows = {r["treaty"]: set((r["administeredBy"] or "").split(" | ")) for r in run("treaty-administrators")}
    # "its administrative functions are executed jointly by WIPO, ILO and UNESCO"
    assert rows[ID + "treaty/geneva-phonograms-convention"] == {"World Intellectual Property Organization", "ILO", "UNESCO"}
    # "TRIPS, managed by the World Trade Organization (WTO)"
    assert rows[ID + "treaty/trips"] == {"World Trade Organization"}


def test_label_search_finds_every_name(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("label-search")  # text: "copyright"
    names = {r["matchedLabel"] for r in rows}
    assert {"Law on Copyright and Neighboring Rights", "Law on Copyright and Adjacent Rights"} <= names
    assert all(r["entity"] == ID + "act/kz/copyright-law-1996" for r in rows if "Neighboring" in (r["matchedLabel"] or ""))


def test_draft_amendment_against_the_law_in_force(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("draft-184-amendment")
    draft = "act/kz/criminal-code-184-amendment-draft-2004"
    # "fines of 500-700 monthly indicators ... 180-240 hours' labor, or a jail sentence of up to two years"
    assert has(rows, subject=draft, kindLabel="fine", min="500", max="700", unitLabel="monthly calculation index")
    assert has(rows, subject=draft, kindLabel="compulsory labour", min="180", max="240", unitLabel="hour")
    assert has(rows, subject=draft, kindLabel="imprisonment", max="2", unitLabel="year")
    assert has(rows, subject=draft, what="threshold", kindLabel="criminality threshold", boundLabel="more than", min="100")
    assert has(rows, subject=draft, what="threshold", kindLabel="aggravation threshold", boundLabel="at least", min="500")
    # The basic and the aggravated offence's imprisonment are told apart by tier, each with its own sentence.
    assert has(rows, subject=draft, kindLabel="imprisonment", tierLabel="basic offence", max="2",
               quote="or a jail sentence of up to two years.")
    assert has(rows, subject=draft, kindLabel="imprisonment", tierLabel="aggravated offence", min="2", max="5",
               quote="would be punished by two to five years' deprivation of liberty.")
    # "500 monthly indicators or more, the current lower bound of criminality"
    assert has(rows, subject="criminal-code-1997/article/184", what="threshold", min="500")


def test_each_value_has_the_quote_that_states_it(run) -> None:  # type: ignore[no-untyped-def]
    rows = run("value-evidence")
    limits = "provision/customs-code-198-suspension-of-release-checklist/time-limit/"
    # The suspension and its extension are both "ten business days"; each has its own sentence.
    assert has(rows, node=limits + "1", quote="shall be suspended for ten business days.")
    assert has(rows, node=limits + "2", quote="appealed to the court")
    assert not has(rows, node=limits + "1", quote="appealed to the court")
    # Who decides the suspension, and a count inside a rule, each with the sentence that states it.
    provision = "provision/customs-code-198-suspension-of-release-checklist"
    assert has(rows, node=provision, property="/def/decidedBy", quote="is taken by the head of the customs authority or by the person authorized by him.")
    assert has(rows, node="provision/customs-code-461-3-national-register-application-checklist/count/1",
               quote="at the level of the first six digits in accordance with the unified Commodity nomenclature of foreign economic activity")
    # "The amendment, which was approved July 9, 2004": the date's quote, not the event's other one.
    event = "act-event/copyright-amendment-2004-approval-cable2005"
    assert has(rows, node=event, property="/def/date", value="2004-07-09")
    assert [r["quote"] for r in rows if (r["node"] or "").endswith(event)] == [
        "The amendment, which was approved July 9, 2004, extends protection to any material that has not become a part "
        "of the public domain in its country of origin."]
