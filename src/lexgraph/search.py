"""Search by name: a label index read once from the store, and its ranking.

The index holds every IRI's labels (``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``,
``lg:shortName``, ``lg:name``, ``foaf:name``, ``dct:title``, in every language they carry)
and the quotes of its evidence, each normalised once with :func:`normalise`. A search
normalises the query the same way and ranks matches by

1. how the text matches: the whole text, its beginning, anywhere in it;
2. which text matched: a preferred label, an alternative label or name, a quote;
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
from .store.select import select

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
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = bare.casefold().translate(_HOMOGLYPHS)
    return _NOT_WORD.sub(" ", folded).strip()


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
        for row in sorted(labels, key=lambda r: (r["s"], r["p"], r["o"], r.get("lang", ""))):
            iri, predicate, text = row["s"], row["p"], row["o"]
            by_iri.setdefault(iri, {}).setdefault(predicate, []).append((text, row.get("lang", "")))
            if kind_of(iri) is None:
                continue
            field: Field = "preferred" if predicate in PREFERRED else "alternative"
            entries.append(Entry(iri, normalise(text), text, field))
        for row in sorted(quotes, key=lambda r: (r["s"], r["q"])):
            if kind_of(row["s"]) is not None:
                entries.append(Entry(row["s"], normalise(row["q"]), row["q"], "quote"))
        self.entries = [e for e in entries if e.normalised]
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
        best: dict[str, tuple[tuple[int, ...], Entry, Match]] = {}
        shortest: dict[tuple[str, int], int] = {}
        """The shortest text of an IRI that matches at each match rank: among equal matches,
        the thing whose name is closest to the query comes first."""
        for entry in self.entries:
            text = entry.normalised
            if text == wanted:
                match: Match = "exact"
            elif text.startswith(wanted):
                match = "prefix"
            elif wanted in text:
                match = "substring"
            else:
                continue
            key = (_MATCH_RANK[match], _FIELD_RANK[entry.field], len(text))
            if entry.iri not in best or key < best[entry.iri][0]:
                best[entry.iri] = (key, entry, match)
            at = (entry.iri, _MATCH_RANK[match])
            shortest[at] = min(shortest.get(at, len(text)), len(text))
        ranked = sorted(best.items(), key=lambda item: (
            item[1][0][:2], _KIND_RANK[kind_of(item[0]) or "term"], shortest[(item[0], item[1][0][0])],
            normalise(self.label(item[0]) or item[0]), item[0]))
        hits = []
        for iri, (_key, entry, match) in ranked[:limit]:
            kind = kind_of(iri) or "term"
            hits.append(Hit(iri, iri[len(ID_IRI):] if kind == "entity" else None, self.label(iri) or short_name(iri),
                            kind, self.types.get(iri, ()), page_path(iri), entry.text, entry.field, match))
        return hits


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
_TYPES = f"""SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t . FILTER(isIRI(?s) && isIRI(?t) && STRSTARTS(STR(?s), "{BASE_IRI}")) }}"""


async def build_index(store: GraphStore) -> LabelIndex:
    """Read the index from any store with three SELECT queries."""
    prologue = sparql_prologue()
    labels, quotes, types = await asyncio.gather(
        select(store, prologue + _LABELS), select(store, prologue + _QUOTES), select(store, prologue + _TYPES))
    return LabelIndex(labels, quotes, types)

