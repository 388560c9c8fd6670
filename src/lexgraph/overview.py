"""What the graph holds, at a glance, for the home page: how many things of each kind, the
source documents with what a reader should know about their reliability, and the parties
whose timelines and in-force views can be asked for.

Read from the store with three SPARQL queries each time (so the counts are those of the
store as it is); knows nothing of HTTP or HTML."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .prefixes import PREFIX_IRIS, sparql_prologue
from .store.select import Queryable, select

LG, ORG = PREFIX_IRIS["lg"], PREFIX_IRIS["org"]

KINDS: tuple[tuple[str, str], ...] = (
    ("Treaties", LG + "Treaty"),
    ("Legal acts", LG + "LegalAct"),
    ("Articles and other parts of acts", LG + "Subdivision"),
    ("Organisations and states", ORG + "Organization"),
    ("Dated events", LG + "Event"),
    ("Claims, each with its source's quote", LG + "Claim"),
    ("Disagreements between sources", LG + "Disagreement"),
    ("Source documents", LG + "SourceDocument"),
)
"""The kinds the home page counts, as (what people call them, class): each counts the
things typed with the class or any of its subclasses."""

_KIND_COUNTS = """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?kind { %s } ?s a/rdfs:subClassOf* ?kind } GROUP BY ?kind"""
_SOURCES = """SELECT ?s ?date ?notBefore ?note ?concern WHERE { ?s a lg:SourceDocument .
  OPTIONAL { ?s lg:date ?date } OPTIONAL { ?s lg:notBefore ?notBefore }
  OPTIONAL { ?s lg:reliabilityNote ?note } OPTIONAL { ?s lg:reliabilityConcern ?concern } }"""
_PARTIES = """SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x lg:party ?p } UNION { ?x eli:jurisdiction ?p } UNION { ?x lg:concerns ?p . ?p a lg:State } UNION { ?p a lg:State }
} GROUP BY ?p"""
_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class KindCount:
    """How many things of one kind the graph holds."""

    name: str
    cls: str
    count: int


@dataclass(frozen=True)
class SourceNote:
    """A source document, its date (as given, or the earliest it can be), and its reliability."""

    iri: str
    date: str | None
    not_before: str | None
    notes: tuple[str, ...]
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class PartyCount:
    """A party (a state, or an organisation that is party to something) and how many
    statements name it as party, jurisdiction or concern."""

    iri: str
    statements: int


@dataclass(frozen=True)
class Overview:
    kinds: list[KindCount]
    sources: list[SourceNote]
    parties: list[PartyCount]


async def overview(store: Queryable) -> Overview:
    """Counts by kind (in the order of :data:`KINDS`), the source documents (oldest first) and
    the parties (most statements first)."""
    prologue = sparql_prologue()
    values = " ".join(f"<{cls}>" for _, cls in KINDS)
    kinds, sources, found = await asyncio.gather(
        select(store, prologue + _KIND_COUNTS % values, timeout_s=_TIMEOUT_S),
        select(store, prologue + _SOURCES, timeout_s=_TIMEOUT_S),
        parties(store))
    counts = {row["kind"]: int(row["n"]) for row in kinds}
    return Overview([KindCount(name, cls, counts.get(cls, 0)) for name, cls in KINDS], _sources(sources), found)


async def parties(store: Queryable) -> list[PartyCount]:
    """Every state, and everything named as party or jurisdiction, most statements first."""
    rows = await select(store, sparql_prologue() + _PARTIES, timeout_s=_TIMEOUT_S)
    return sorted((PartyCount(r["p"], int(r["n"])) for r in rows), key=lambda p: (-p.statements, p.iri))


def _sources(rows: list[dict[str, str]]) -> list[SourceNote]:
    """One note per source document from the rows of :data:`_SOURCES` (a row per combination
    of its notes and concerns)."""
    found: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        values = found.setdefault(row["s"], {"date": set(), "notBefore": set(), "note": set(), "concern": set()})
        for name, seen in values.items():
            if name in row:
                seen.add(row[name])
    first = lambda seen: min(seen) if seen else None  # noqa: E731
    return [SourceNote(iri, first(v["date"]), first(v["notBefore"]), tuple(sorted(v["note"])), tuple(sorted(v["concern"])))
            for iri, v in sorted(found.items(), key=lambda item: (_when(item[1]), item[0]))]


def _when(values: dict[str, set[str]]) -> str:
    """Sort key: the date as given, else the earliest date the document can have; undated last."""
    return min(values["date"] or values["notBefore"] or {"~"})
