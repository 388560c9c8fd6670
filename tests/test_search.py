"""The label index and its ranking (lexgraph.search), on hand-made rows: no store needed."""

from __future__ import annotations

import pytest

from lexgraph.search import EmptyQuery, LabelIndex, normalise, page_path

ID = "https://w3id.org/lexgraph/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LG = "https://w3id.org/lexgraph/def/"


def label(s: str, p: str, o: str, lang: str = "en") -> dict[str, str]:
    return {"s": ID + s if "://" not in s else s, "p": p, "o": o, "lang": lang}


@pytest.fixture(scope="module")
def index() -> LabelIndex:
    labels = [
        label("act/arbitration", SKOS + "prefLabel", 'Law "On Arbitration" of the Republic of Kazakhstan'),
        label("act/arbitration", SKOS + "altLabel", 'Law "Оn Arbitration"'),  # Cyrillic О, as the checklist writes it
        label("act/arbitration/article/5", SKOS + "prefLabel", "Law On Arbitration of Kazakhstan (2016), Article 5"),
        label("treaty/wct", SKOS + "prefLabel", "WIPO Copyright Treaty"),
        label("treaty/wct", LG + "shortName", "WCT"),
        label("treaty/wppt", SKOS + "prefLabel", "WIPO Performances and Phonograms Treaty"),
        label("treaty/wppt", LG + "shortName", "WPPT"),
        label("org/patent-office", SKOS + "prefLabel", "Patent Office"),
        label("org/patent-office", SKOS + "prefLabel", "Патентное ведомство", "ru"),
        label("org/kazpatent", SKOS + "prefLabel", "Kazpatent"),
        label("org/kazpatent", SKOS + "altLabel", "Patent office of Kazakhstan"),
        label("org/cafe", SKOS + "prefLabel", "Café Müller"),
        label("party/wctland", SKOS + "prefLabel", "Wctland"),
        label(LG + "Treaty", "http://www.w3.org/2000/01/rdf-schema#label", "treaty"),
        label("treaty/treaty", SKOS + "prefLabel", "Treaty"),
    ]
    quotes = [{"s": ID + "treaty-action/kz-wct-ratification", "q": "Kazakhstan ratified the WCT on 12 August 2004"},
              {"s": ID + "org/kazpatent", "q": "the patent office said"}]
    types = [{"s": ID + "treaty/wct", "t": LG + "Treaty"}]
    return LabelIndex(labels, quotes, types)


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.id or h.iri for h in hits]


def test_normalise_folds_case_accents_punctuation_and_look_alikes() -> None:
    assert normalise("Café  MÜLLER!") == "cafe muller"
    assert normalise('Law "Оn Arbitration"') == normalise('law on arbitration') == "law on arbitration"
    assert normalise("Straße") == "strasse"
    assert normalise("ПАТЕНТНОЕ") == normalise("патентное")
    assert normalise(" ,.; ") == ""


def test_exact_then_prefix_then_substring(index: LabelIndex) -> None:
    hits = index.search("wct")
    assert ids(hits)[:3] == ["treaty/wct", "party/wctland", "treaty-action/kz-wct-ratification"]
    assert [h.match for h in hits[:3]] == ["exact", "prefix", "substring"]
    assert hits[0].field == "alternative" and hits[0].label == "WIPO Copyright Treaty"
    assert hits[0].types == (LG + "Treaty",) and hits[0].page == "/id/treaty/wct"


def test_preferred_before_alternative_before_quotes(index: LabelIndex) -> None:
    hits = index.search("patent office")
    assert ids(hits)[:2] == ["org/patent-office", "org/kazpatent"]
    assert (hits[0].field, hits[0].match) == ("preferred", "exact")
    assert (hits[1].field, hits[1].match) == ("alternative", "prefix")  # its altLabel beats its quote


def test_entities_before_ontology_terms(index: LabelIndex) -> None:
    hits = index.search("treaty")
    assert ids(hits)[:2] == ["treaty/treaty", LG + "Treaty"]
    assert hits[1].kind == "term" and hits[1].page == "/def/Treaty"


@pytest.mark.parametrize("query", ["on arbitration", "оn arbitration", "ON ARBITRATION", "Law «On Arbitration»"])
def test_latin_and_cyrillic_o_find_the_law(index: LabelIndex, query: str) -> None:
    hits = index.search(query)
    assert ids(hits)[0] == "act/arbitration"  # the shortest matching name (its altLabel) wins the tie
    assert "act/arbitration/article/5" in ids(hits)


def test_accents_case_and_other_languages(index: LabelIndex) -> None:
    assert ids(index.search("cafe muller")) == ["org/cafe"]
    assert ids(index.search("CAFÉ")) == ["org/cafe"]
    assert ids(index.search("патентное ВЕДОМСТВО")) == ["org/patent-office"]
    assert index.search("nothing like this") == []


def test_limit_and_empty_queries(index: LabelIndex) -> None:
    assert len(index.search("a", limit=2)) == 2
    for empty in ("", "   ", "?!"):
        with pytest.raises(EmptyQuery):
            index.search(empty)


def test_display_labels_prefer_english_preferred_labels(index: LabelIndex) -> None:
    assert index.label(ID + "org/patent-office") == "Patent Office"
    assert index.label(ID + "treaty/wct") == "WIPO Copyright Treaty"
    assert index.label(ID + "nothing") is None


def test_page_paths() -> None:
    assert page_path(ID + "treaty/berne-convention") == "/id/treaty/berne-convention"
    assert page_path(LG + "TreatyAction") == "/def/TreatyAction"
    assert page_path("https://w3id.org/lexgraph/vocab/ratification") == "/vocab/ratification"
    assert page_path("https://w3id.org/lexgraph/def") == "/def"
    assert page_path("http://www.w3.org/ns/prov#Entity") is None
