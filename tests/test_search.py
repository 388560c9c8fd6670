"""The label index and its ranking (lexgraph.search), on hand-made rows: no store needed."""

from __future__ import annotations

import pytest

from lexgraph.search import EmptyQuery, LabelIndex, normalise, numbers_as_digits, page_path

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


@pytest.mark.parametrize(("words", "digits"), [
    ("ten years", "10 years"), ("zero", "0"), ("seventy-five days", "75 days"), ("twenty one", "21"),
    ("ninety nine", "99"), ("one hundred", "100"), ("one hundred and five", "105"),
    ("two hundred forty hours", "240 hours"), ("five thousand monthly", "5000 monthly"),
    ("ten thousand euro", "10000 euro"), ("the 10,000 euro", "the 10000 euro"), ("eight million", "8 million"),
])
def test_numbers_in_words_become_digits(words: str, digits: str) -> None:
    assert numbers_as_digits(words) == digits
    assert numbers_as_digits(digits) == digits


def test_every_number_to_a_hundred_in_words() -> None:
    units = "one two three four five six seven eight nine".split()
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    spelled = ["zero", *units, *teens] + [f"{t}-{u}" if u else t for t in tens for u in ["", *units]] + ["one hundred"]
    assert [numbers_as_digits(w) for w in spelled] == [str(n) for n in range(101)]


def test_words_that_do_not_continue_a_number_start_another() -> None:
    assert numbers_as_digits("one two three") == "1 2 3"
    assert numbers_as_digits("thirteen five") == "13 5"
    assert numbers_as_digits("and one") == "and 1"  # "and" joins only after hundred or thousand
    assert numbers_as_digits("one hundred and the") == "100 and the"


@pytest.fixture(scope="module")
def numbers() -> LabelIndex:
    labels = [label("time-limit/ten", SKOS + "prefLabel", "Limitation period of ten years"),
              label("time-limit/75", SKOS + "prefLabel", "75 days for a decision"),
              label("threshold/2010", SKOS + "prefLabel", "Threshold of 2010"),
              label("act/ten", SKOS + "prefLabel", "10 years"),
              label("act/ten-years-on", SKOS + "prefLabel", "Ten years on")]
    quotes = [{"s": ID + "provision/fine", "q": "a fine of up to one hundred monthly calculation indices"},
              {"s": ID + "provision/exact", "q": "10 years"}]
    return LabelIndex(labels, quotes, [])


def test_numbers_match_as_words_and_as_digits(numbers: LabelIndex) -> None:
    assert ids(numbers.search("10 years"))[:3] == ["act/ten", "act/ten-years-on", "time-limit/ten"]
    assert ids(numbers.search("ten years"))[:3] == ["act/ten", "act/ten-years-on", "time-limit/ten"]
    assert ids(numbers.search("seventy-five days")) == ["time-limit/75"]
    assert ids(numbers.search("100 monthly")) == ["provision/fine"]
    assert ids(numbers.search("one hundred monthly")) == ["provision/fine"]


def test_a_number_matches_whole_numbers_only_in_digit_form(numbers: LabelIndex) -> None:
    assert "threshold/2010" not in ids(numbers.search("ten"))  # not "10" inside "2010"
    assert "threshold/2010" in ids(numbers.search("2010"))
    assert ids(numbers.search("10 yea")) == ["act/ten", "act/ten-years-on", "time-limit/ten", "provision/exact"]


def test_exact_labels_then_prefixes_then_substrings_and_quotes(numbers: LabelIndex) -> None:
    hits = numbers.search("ten years")
    assert [(h.id, h.field, h.match) for h in hits] == [
        ("act/ten", "preferred", "exact"), ("act/ten-years-on", "preferred", "prefix"),
        ("time-limit/ten", "preferred", "substring"), ("provision/exact", "quote", "exact")]
