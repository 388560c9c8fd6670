"""Search by name: a label index read once from the store, and its ranking.

The index holds every IRI's labels (``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``,
``lg:shortName``, ``lg:name``, ``foaf:name``, ``dct:title``, in every language they carry)
and the quotes of its evidence, each normalised once with :func:`normalise`, and again with
numbers written in words turned into digits (:func:`numbers_as_digits`), so "ten years"
finds "10 years" and "10 years" finds "ten years". A search normalises the query both ways
and ranks matches by

1. how a label matches: the whole label, then its beginning; then anything else (a label
   that holds the query, a quote);
2. which text matched: a preferred label, an alternative label or name, a quote; then how
   (whole, beginning, anywhere);
3. data entities before vocabulary concepts before ontology terms; shorter text first.

It also gives every page its display labels (:meth:`LabelIndex.label`). No HTTP here.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from .errors import UserError
from .prefixes import BASE_IRI, ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS, sparql_prologue
from .store.base import GraphStore
from .store.hierarchy import Hierarchy, hierarchy
from .store.select import select, select_iris

SKOS, RDFS, LG = PREFIX_IRIS["skos"], PREFIX_IRIS["rdfs"], PREFIX_IRIS["lg"]
LGV = PREFIX_IRIS["lgv"]
VOCAB_IRI = BASE_IRI + "vocab"

Field = Literal["preferred", "alternative", "quote"]
Match = Literal["exact", "prefix", "substring"]
Kind = Literal["entity", "concept", "term"]

PREFERRED = (SKOS + "prefLabel", RDFS + "label")
ALTERNATIVE = (SKOS + "altLabel", LG + "shortName", LG + "name", PREFIX_IRIS["foaf"] + "name", PREFIX_IRIS["dct"] + "title")
DISPLAY_ORDER = (SKOS + "prefLabel", RDFS + "label", LG + "name", PREFIX_IRIS["foaf"] + "name",
                 PREFIX_IRIS["dct"] + "title", LG + "shortName", SKOS + "altLabel")
"""Where a page's label for a thing comes from, best first (English, then untagged, then any)."""

_FIELD_RANK = {"preferred": 0, "alternative": 1, "quote": 2}
_MATCH_RANK = {"exact": 0, "prefix": 1, "substring": 2}


def _tier(field: Field, match: Match) -> int:
    """Exact label matches first, then label prefixes, then label substrings and quotes."""
    return 2 if field == "quote" else _MATCH_RANK[match]
_KIND_RANK = {"entity": 0, "concept": 1, "term": 2}

# Latin look-alikes in other scripts, folded to Latin on both sides of a search. The sources
# mix scripts (a WTO answer writes "Оn Arbitration" with a Cyrillic О); folding both the
# index and the query the same way keeps searches in Cyrillic working as before.
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ο": "o", "α": "a", "ε": "e",
})
_NOT_WORD = re.compile(r"[\W_]+")


class EmptyQuery(UserError):
    """A search text with no letter or digit; the API answers 422."""

    code = "invalid_parameters"


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: NFKD without combining marks,
    casefolded, look-alike letters folded to Latin, runs of anything but letters and digits
    made one space."""
    if text.isascii():  # most labels and quotes: nothing to decompose, no marks to drop
        bare = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = bare.casefold().translate(_HOMOGLYPHS)
    return _NOT_WORD.sub(" ", folded).strip()


_UNITS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def numbers_as_digits(text: str) -> str:
    """:func:`normalise`, with each number written in words (up to the thousands: "ten",
    "seventy-five", "two hundred forty", "five thousand") as its digits, and thousands
    separators dropped ("10,000" as "10000"). "Million" and "billion" stay words, as the
    sources write them after digits too ("8 million", "$1.5 billion")."""
    out: list[str] = []
    number: _Number | None = None
    words = normalise(_DIGIT_GROUPS.sub("", text)).split()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if number is not None and number.take(word, following):
            continue
        if number is not None:
            out.append(str(number.value))
            number = None
        if word in _UNITS or word in _TENS:
            number = _Number()
            number.take(word, following)
        else:
            out.append(word)
    if number is not None:
        out.append(str(number.value))
    return " ".join(out)


class _Number:
    """A number being read word by word: :meth:`take` adds a word that can continue it
    ("two" after "twenty", "hundred" after "two", "and" between "hundred" and "five") and
    refuses one that cannot, which then starts a number of its own ("one two" is 1 and 2)."""

    _AFTER = {"zero": ("",), "unit": ("", "tens", "hundred", "thousand", "and"),
              "teen": ("", "hundred", "thousand", "and"), "tens": ("", "hundred", "thousand", "and"),
              "hundred": ("unit", "teen"), "thousand": ("unit", "teen", "tens", "hundred"), "and": ("hundred", "thousand")}
    """The kinds of word each kind may follow ("" at the start)."""

    def __init__(self) -> None:
        self.thousands = 0
        self.rest = 0
        self.last = ""

    @property
    def value(self) -> int:
        return self.thousands + self.rest

    def take(self, word: str, following: str) -> bool:
        kind = _kind(word)
        if kind is None or self.last not in self._AFTER[kind]:
            return False
        if kind == "hundred":
            if self.rest >= 100:
                return False
            self.rest *= 100
        elif kind == "thousand":
            if self.thousands:
                return False
            self.thousands, self.rest = self.rest * 1000, 0
        elif kind == "and":
            if _kind(following) not in ("unit", "teen", "tens"):
                return False
        else:
            self.rest += _UNITS[word] if word in _UNITS else _TENS[word]
        self.last = kind
        return True


def _kind(word: str) -> str | None:
    if word in _UNITS:
        n = _UNITS[word]
        return "zero" if n == 0 else "unit" if n < 10 else "teen"
    if word in _TENS:
        return "tens"
    return word if word in ("hundred", "thousand", "and") else None


def page_path(iri: str) -> str | None:
    """This service's page for ``iri``: /id/… for data, /def/… for ontology terms, /vocab/…
    for concepts; None for IRIs of other vocabularies."""
    if iri.startswith(ID_IRI) and len(iri) > len(ID_IRI):
        return "/id/" + quote(iri[len(ID_IRI):], safe="/-._~:@!$'()*+,;=")
    if iri == ONTOLOGY_IRI:
        return "/def"
    if iri == VOCAB_IRI:
        return "/vocab"
    for namespace, route in ((LG, "/def/"), (LGV, "/vocab/")):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return route + local
    return None


def kind_of(iri: str) -> Kind | None:
    if iri.startswith(ID_IRI):
        return "entity"
    if iri.startswith(LGV) or iri == VOCAB_IRI:
        return "concept"
    if iri.startswith(LG) or iri == ONTOLOGY_IRI:
        return "term"
    return None


@dataclass(frozen=True)
class Entry:
    """One searchable text of one IRI."""

    iri: str
    normalised: str
    text: str
    field: Field
    digits: str
    """The text as :func:`numbers_as_digits` gives it."""


@dataclass(frozen=True)
class Hit:
    """A ranked search result."""

    iri: str
    id: str | None
    label: str
    kind: Kind
    types: tuple[str, ...]
    page: str | None
    matched: str
    field: Field
    match: Match


class LabelIndex:
    """Labels and quotes of every IRI of ours, normalised once; never changed after it is built."""

    def __init__(self, labels: list[dict[str, str]], quotes: list[dict[str, str]], types: list[dict[str, str]]) -> None:
        entries: list[Entry] = []
        by_iri: dict[str, dict[str, list[tuple[str, str]]]] = {}
        forms: dict[str, tuple[str, str]] = {}
        """Each text's two search forms, worked out once: a skos:prefLabel and the rdfs:label the
        entailed view gives it are one text, and many quotes back several facts."""

        def entry(iri: str, text: str, field: Field) -> Entry:
            if text not in forms:
                forms[text] = (normalise(text), numbers_as_digits(text))
            plain, digits = forms[text]
            return Entry(iri, plain, text, field, digits)

        for row in sorted(labels, key=lambda r: (r["s"], r["p"], r["o"], r.get("lang", ""))):
            iri, predicate, text = row["s"], row["p"], row["o"]
            by_iri.setdefault(iri, {}).setdefault(predicate, []).append((text, row.get("lang", "")))
            if kind_of(iri) is not None:
                entries.append(entry(iri, text, "preferred" if predicate in PREFERRED else "alternative"))
        for row in sorted(quotes, key=lambda r: (r["s"], r["q"])):
            if kind_of(row["s"]) is not None:
                entries.append(entry(row["s"], row["q"], "quote"))
        # Once each: a skos:prefLabel and the rdfs:label the entailed view gives it are one name.
        self.entries = [e for e in dict.fromkeys(entries) if e.normalised]
        self.types: dict[str, tuple[str, ...]] = {}
        for row in sorted(types, key=lambda r: (r["s"], r["t"])):
            self.types[row["s"]] = (*self.types.get(row["s"], ()), row["t"])
        self._labels = {iri: _display(values) for iri, values in by_iri.items()}

    def label(self, iri: str) -> str | None:
        """The label pages show for ``iri`` (see :data:`DISPLAY_ORDER`); None when it has none."""
        return self._labels.get(iri)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best ``limit`` matches of ``query``; :class:`EmptyQuery` when it has no letter or digit."""
        wanted = normalise(query)
        if not wanted:
            raise EmptyQuery("q: give at least one letter or digit to search for")
        wanted_digits = numbers_as_digits(query)
        # A query without digits, before or after, matches a text's digit form only where it matches its words.
        by_digits = wanted_digits != wanted or any(ch.isdigit() for ch in wanted)
        best: dict[str, tuple[tuple[int, ...], Entry, Match]] = {}
        shortest: dict[tuple[str, int], int] = {}
        """The shortest text of an IRI that matches at each rank: among equal matches, the
        thing whose name is closest to the query comes first."""
        for entry in self.entries:
            text = entry.normalised
            found = [m for m in (_match(text, wanted), _digit_match(entry.digits, wanted_digits) if by_digits else None) if m]
            if not found:
                continue
            match: Match = min(found, key=_MATCH_RANK.__getitem__)
            key = (_tier(entry.field, match), _FIELD_RANK[entry.field], _MATCH_RANK[match], len(text))
            if entry.iri not in best or key < best[entry.iri][0]:
                best[entry.iri] = (key, entry, match)
            at = (entry.iri, key[0])
            shortest[at] = min(shortest.get(at, len(text)), len(text))
        ranked = sorted(best.items(), key=lambda item: (
            item[1][0][:3], _KIND_RANK[kind_of(item[0]) or "term"], shortest[(item[0], item[1][0][0])],
            normalise(self.label(item[0]) or item[0]), item[0]))
        hits = []
        for iri, (_key, entry, match) in ranked[:limit]:
            kind = kind_of(iri) or "term"
            hits.append(Hit(iri, iri[len(ID_IRI):] if kind == "entity" else None, self.label(iri) or short_name(iri),
                            kind, self.types.get(iri, ()), page_path(iri), entry.text, entry.field, match))
        return hits


def _match(text: str, wanted: str) -> Match | None:
    """How ``wanted`` occurs in ``text``: the whole of it, its beginning, or anywhere."""
    if text == wanted:
        return "exact"
    if text.startswith(wanted):
        return "prefix"
    return "substring" if wanted in text else None


def _digit_match(text: str, wanted: str) -> Match | None:
    """:func:`_match` on the digit forms, where a match starts at a word, and ends at one
    when the query ends in a number: "10" finds "10 years", not "2010" nor "100"."""
    whole_number = wanted.rsplit(" ", 1)[-1].isdigit()
    at = (" " + text).find(" " + wanted)
    while at >= 0:
        end = at + len(wanted)
        if not whole_number or end == len(text) or text[end] == " ":
            return "exact" if at == 0 and end == len(text) else "prefix" if at == 0 else "substring"
        at = (" " + text).find(" " + wanted, at + 1)
    return None


def short_name(iri: str) -> str:
    """A readable stand-in label: the id for data (``treaty-action/kz-…``), else the prefixed name."""
    if iri.startswith(ID_IRI):
        return iri[len(ID_IRI):]
    best = max(((n, ns) for n, ns in PREFIX_IRIS.items() if iri.startswith(ns)), key=lambda x: len(x[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def _display(values: dict[str, list[tuple[str, str]]]) -> str | None:
    for predicate in DISPLAY_ORDER:
        found = values.get(predicate, [])
        for accept in (lambda lang: lang.lower().split("-")[0] == "en", lambda lang: lang == "", lambda lang: True):
            chosen = sorted(text for text, lang in found if accept(lang))
            if chosen:
                return chosen[0]
    return None


_LABELS = """SELECT ?s ?p ?o (LANG(?o) AS ?lang) WHERE {
  VALUES ?p { skos:prefLabel rdfs:label skos:altLabel lg:shortName lg:name foaf:name dct:title }
  ?s ?p ?o . FILTER(isIRI(?s) && isLiteral(?o))
}"""
_QUOTES = "SELECT DISTINCT ?s ?q WHERE { ?s lg:evidence ?e . ?e lg:quote ?q . FILTER(isIRI(?s)) }"
_TYPES = f"""SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t . FILTER(STRSTARTS(STR(?s), "{BASE_IRI}")) }}"""
"""Read as TSV (:func:`select_iris`: IRIs only, the most rows of the three reads)."""


def _most_specific(types: list[tuple[str, ...]], tree: Hierarchy) -> list[dict[str, str]]:
    """Each thing's most specific classes: not the superclasses the entailed view adds (nor any
    asserted beside a subclass). Worked out here from the class hierarchy rather than by a
    ``subClassOf+`` path in the query, which Virtuoso 7.2 evaluates wrongly (see
    :mod:`lexgraph.store.hierarchy`)."""
    by_thing: dict[str, set[str]] = {}
    for thing, cls in types:
        by_thing.setdefault(thing, set()).add(cls)
    return [{"s": s, "t": t} for s, classes in by_thing.items() for t in classes
            if not any(t != other and other in tree.get(t, ()) for other in classes)]


async def build_index(store: GraphStore) -> LabelIndex:
    """Read the index from any store with three SELECT queries."""
    prologue = sparql_prologue()
    labels, quotes, types, tree = await asyncio.gather(
        select(store, prologue + _LABELS), select(store, prologue + _QUOTES), select_iris(store, prologue + _TYPES),
        hierarchy(store))
    return LabelIndex(labels, quotes, _most_specific(types, tree))

