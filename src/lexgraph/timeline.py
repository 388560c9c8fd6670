"""Timelines and point-in-time questions: what happened to a party, in date order, and what
bound it on a given day, as the sources state it. No HTTP and no printing here: the API
(``api/routes_timeline.py``) and the CLI (``lexgraph timeline``, ``lexgraph in-force``)
call these functions over any :class:`~lexgraph.store.base.GraphStore`.

Dates keep the precision their source gives (day, month or year) and are compared as the
period of days they can mean: ``"2004-10"`` is every day of October 2004, never the 1st.

Decisions a reader should know:

- A timeline holds only *dated* events; undated claims are listed in ``undated_left_out``.
  The general life of a treaty (``lg:TreatyEvent``) is not an event of the party.
- ``in_force``: when the sources record an entry into force for the party, those claims
  decide (a ratification takes effect only when the treaty says, so on 2004-11-01 the WCT,
  in force for Kazakhstan from 2004-11-12, is *not* listed, even though the cable's "2004"
  ratification straddles that day). Entry-into-force claims that disagree about the day make
  it "unknown"; a less precise claim that straddles the day does not overrule a precise one.
- Without an entry into force, a ratification, accession or other joining before the day, or
  a "party" status, makes the treaty "unknown" (never "in force"); likewise an act that
  sources only record as adopted or passed, or a draft nobody records as adopted.
- An undated past-tense claim counts as "before the day" only when its source document has
  its own date (``lg:date``) on or before the day; undated documents bound nothing.
"""

from __future__ import annotations

import asyncio
import calendar
import csv
import io
import re
import unicodedata
from sys import intern
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import partial
from itertools import product
from string import Template
from typing import Any, Awaitable, Callable, Iterable, Literal, TypeVar

from .collector import collector_paused
from .errors import InvalidParameter, NotFound
from .media import Format
from .prefixes import ID_TERMS as ID
from .prefixes import LG_TERMS as LG
from .prefixes import LGV_TERMS as LGV
from .prefixes import RDF_TERMS as RDF
from .prefixes import sparql_prologue, writable_iri
from .store.base import GraphStore, QueryRequest
from .store.hierarchy import Hierarchy, at_or_below, hierarchy
from .store.select import Gated, Queryable, cell_term, select, select_iris, select_lines

Precision = Literal["day", "month", "year"]
Verdict = Literal["before", "straddles", "after", "undated"]
Status = Literal["in force", "unknown"]
T = TypeVar("T")

_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TIMEOUT_S = 60.0
_KEYS = {"cls": "class", "date_from": "from", "date_to": "to"}

_EVENT_CLASSES = [LG.TreatyAction, LG.TreatyEvent, LG.LegalActEvent, LG.PolicyEvent, LG.InstitutionEvent,
                  LG.TreatyStatus, LG.Event, LG.Claim]
_ABOUT_RANK = {str(LG.Treaty): 0, str(LG.LegalAct): 1, "http://data.europa.eu/eli/ontology#LegalResourceSubdivision": 2,
               "http://www.w3.org/ns/org#Organization": 3}

_EIF_TREATY = str(LGV["entry-into-force-for-party"])
_JOIN = {str(LGV[k]) for k in ("ratification", "accession", "acceptance", "approval", "succession",
                                "declaration-of-continued-application", "adherence-unspecified",
                                "joined", "membership-begun")}  # the last two: narrower of adherence-unspecified
_DENOUNCE = {str(LGV.denunciation)}
_STATUS_PARTY = str(LGV["status-party"])
_STATUS_AGAINST = {str(LGV["status-not-party"]), str(LGV["status-signatory"])}
_EIF_ACT = str(LGV["act-entry-into-force"])
_MADE = {str(LGV[k]) for k in ("act-adoption", "act-signature", "act-passage", "act-publication", "act-date-as-cited",
                                "act-enactment", "act-approval", "act-adoption-resolution", "act-revision")}
"""Kinds that show an act was made; the source's words (enacted, approved, revised, a resolution on
adoption) are kept as kinds of their own (see lgv:act-making in the vocabulary)."""
_REPEAL = {str(LGV["act-repeal"])}
_PROPOSAL = {str(LGV[k]) for k in ("act-enactment-expected", "act-enactment-recommended", "act-sent-to-parliament",
                                    "act-under-consideration", "act-chamber-approval", "act-not-adopted",
                                    "act-not-issued")}


# --- values ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A date as a source gives it, with the first and last day it can mean."""

    text: str
    earliest: date
    latest: date
    precision: Precision


@dataclass(frozen=True)
class Ref:
    """A thing of the graph by IRI, with a label for people."""

    iri: str
    label: str


@dataclass(frozen=True)
class Evidence:
    """One source's words for a claim."""

    source: Ref
    quote: str
    locator: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """A disagreement a claim takes part in, with every claim it links."""

    iri: str
    kind: Ref | None
    note: str | None
    between: list[str]


@dataclass(frozen=True)
class Event:
    """One dated event of a timeline, as one source states it."""

    iri: str
    label: str
    cls: Ref
    kind: Ref | None
    date: str
    precision: Precision
    about: Ref | None
    concerns: list[Ref]
    agent: Ref | None
    description: str | None
    evidence: list[Evidence]
    disagreements: list[Disagreement]


@dataclass(frozen=True)
class Timeline:
    """A party's dated events in date order, and the undated claims that could not be placed."""

    party: Ref
    treaty: Ref | None
    date_from: str | None
    date_to: str | None
    events: list[Event]
    undated_left_out: list[Ref]


@dataclass(frozen=True)
class Claim:
    """A claim behind an in-force answer and how its date relates to the day."""

    iri: str
    cls: Ref
    kind: Ref | None
    date: str | None
    precision: Precision | None
    basis: str
    """``stated``, ``as of``, ``source date`` (a status at its document's date),
    ``on or before source date`` (an undated past event) or ``none``."""
    verdict: Verdict
    evidence: list[Evidence]
    _period: Period | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class InForceItem:
    """A treaty, act or article with its status on the day, the reason, and the claims."""

    subject: Ref
    status: Status
    reason: str
    decided_by: list[str]
    claims: list[Claim]
    evidence: list[Evidence]
    disagreements: list[Disagreement]
    part_of: Ref | None = None


@dataclass(frozen=True)
class InForce:
    """What bound a party on one day: treaties, acts and their articles."""

    party: Ref
    date: str
    treaties: list[InForceItem]
    acts: list[InForceItem]
    articles: list[InForceItem]


def parse_date(text: str | None, name: str = "date") -> Period:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as the period of days it can mean."""
    match = _DATE.match(text.strip()) if text else None
    if match is None:
        raise InvalidParameter(f"{name}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    text, year, month, day = match.group(0), int(match.group(1)), match.group(2), match.group(3)
    try:
        if month and day:
            first = date(year, int(month), int(day))
            return Period(text, first, first, "day")
        if month:
            last = calendar.monthrange(year, int(month))[1]
            return Period(text, date(year, int(month), 1), date(year, int(month), last), "month")
        return Period(text, date(year, 1, 1), date(year, 12, 31), "year")
    except ValueError:
        raise InvalidParameter(f"{name}: {text!r} is not a real date (expected YYYY, YYYY-MM or YYYY-MM-DD)") from None


def parse_day(text: str | None, name: str = "date") -> date:
    """A YYYY-MM-DD day; a point-in-time question needs a whole day, not a month or year."""
    if not text or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise InvalidParameter(f"{name}: expected a day as YYYY-MM-DD, got {text!r}")
    return parse_date(text, name).earliest


def _verdict(period: Period | None, day: date, bound_only: bool = False) -> Verdict:
    """Where a claim's period lies against the day; a mere upper bound places it only when before."""
    if period is None:
        return "undated"
    if period.latest <= day:
        return "before"
    if bound_only:
        return "undated"
    return "straddles" if period.earliest <= day else "after"


# --- reading the graph -------------------------------------------------------------------

async def _rows(store: Queryable, template: str, **iris: Iterable[str] | str) -> list[dict[str, str]]:
    """Run a SELECT whose ``$name`` slots are filled with IRIs that came from the store."""
    return await select(store, _filled(template, **iris), timeout_s=_TIMEOUT_S)


def _filled(template: str, **iris: Iterable[str] | str) -> str:
    """The query text of ``template`` with its ``$name`` slots filled with IRIs."""
    slots = {k: (f"<{v}>" if isinstance(v, str) else " ".join(f"<{i}>" for i in sorted(v))) for k, v in iris.items()}
    return sparql_prologue() + Template(template).substitute(slots)


_PROPS = """SELECT ?c ?p ?o WHERE { VALUES ?c { $claims } ?c ?p ?o .
  FILTER (?p IN (rdf:type, lg:eventKind, lg:date, lg:party, lg:treaty, lg:act, lg:organization, lg:concerns,
                 lg:agent, lg:description, lg:treatyStatus, lg:asOf)) }"""
_EVIDENCE = """SELECT ?c ?source ?quote ?locator WHERE { VALUES ?c { $claims }
  ?c lg:evidence ?e . ?e lg:source ?source ; lg:quote ?quote . OPTIONAL { ?e lg:locator ?locator } }"""
_DISAGREEMENTS = """SELECT ?c ?d ?kind ?note ?other WHERE { VALUES ?c { $claims }
  ?d a lg:Disagreement ; lg:between ?c , ?other .
  OPTIONAL { ?d lg:disagreementKind ?kind } OPTIONAL { ?d skos:note ?note } }"""
_LABELS = """SELECT ?s ?p ?o ?lang WHERE { VALUES ?s { $things }
  ?s ?p ?o FILTER (?p IN (skos:prefLabel, rdfs:label)) BIND (LANG(?o) AS ?lang) }"""
_TYPES = "SELECT ?s ?t WHERE { VALUES ?s { $things } ?s a ?t }"
_ORGANIZATION = "http://www.w3.org/ns/org#Organization"
_CATEGORIES = (str(LG.Treaty), str(LG.LegalAct), str(LG.DraftLaw),
               "http://data.europa.eu/eli/ontology#LegalResourceSubdivision", _ORGANIZATION)
"""The classes that :class:`_Names` sorts things into (each with every class below it: see
:mod:`lexgraph.store.hierarchy`, which also says why no query here has a ``subClassOf*`` path)."""
_IS_PARTY = """SELECT DISTINCT ?s WHERE { VALUES ?s { $things } VALUES ?c { $organizations } ?s a ?c }"""
_IS_TREATY = """SELECT DISTINCT ?s WHERE { VALUES ?s { $things } ?s a lg:Treaty }"""
_SOURCE_DATES = "SELECT ?s ?date WHERE { ?s a lg:SourceDocument ; lg:date ?date }"
_PARTIES = """SELECT DISTINCT ?s ?label WHERE { VALUES ?c { $organizations } ?s a ?c .
  OPTIONAL { ?s skos:prefLabel|skos:altLabel|lg:shortName ?label } }"""
_TREATIES = """SELECT DISTINCT ?s ?label WHERE { ?s a lg:Treaty .
  OPTIONAL { ?s skos:prefLabel|skos:altLabel|lg:shortName ?label } }"""
_TIMELINE_EVENTS = """SELECT DISTINCT ?event WHERE {
  { ?event a lg:TreatyAction ; lg:party $party }
  UNION { ?event a lg:LegalActEvent ; lg:act/eli:is_part_of* ?act . ?act eli:jurisdiction $party }
  UNION { VALUES ?c { $events } ?event lg:concerns $party ; a ?c } }"""
_TREATY_CLAIMS = """SELECT DISTINCT ?claim ?treaty WHERE { ?claim lg:party $party ; lg:treaty ?treaty .
  { ?claim a lg:TreatyAction } UNION { ?claim a lg:TreatyStatus } }"""
_ACTS = """SELECT DISTINCT ?act ?claim WHERE { VALUES ?c { $acts } ?act eli:jurisdiction $party ; a ?c .
  OPTIONAL { ?claim a lg:LegalActEvent ; lg:act ?act } }"""
_PART_OF = """SELECT DISTINCT ?part ?whole WHERE { VALUES ?whole { $wholes } ?part eli:is_part_of ?whole .
  FILTER (isIRI(?part)) }"""
_CONSTRUCT = """CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?e { $events }
  { ?e ?p ?o BIND (?e AS ?s) FILTER (?p IN (rdf:type, lg:eventKind, lg:date, lg:party, lg:treaty, lg:treatyAct, lg:act,
        lg:organization, lg:concerns, lg:agent, lg:description, lg:evidence)) }
  UNION { ?e lg:evidence ?s . ?s ?p ?o FILTER (?p IN (lg:source, lg:quote, lg:locator)) }
  UNION { ?e ?q ?s FILTER (?q IN (lg:eventKind, lg:party, lg:treaty, lg:act, lg:organization, lg:concerns, lg:agent))
          ?s ?p ?o FILTER (?p IN (skos:prefLabel, rdfs:label)) }
  UNION { ?e lg:evidence/lg:source ?s . ?s rdfs:label ?o BIND (rdfs:label AS ?p) }
  UNION { ?s lg:between ?e ; ?p ?o FILTER (?p IN (rdf:type, lg:between, lg:disagreementKind, skos:note)) } }"""


@dataclass
class _Node:
    """What the graph says about one claim or thing, before labels are attached."""

    iri: str
    props: dict[str, set[str]] = field(default_factory=dict)
    evidence: set[tuple[str, str, str]] = field(default_factory=set)
    disagreements: dict[str, tuple[str, str, set[str]]] = field(default_factory=dict)

    def one(self, prop: object) -> str | None:
        values = self.props.get(str(prop))
        return min(values) if values else None

    def all(self, prop: object) -> list[str]:
        return sorted(self.props.get(str(prop), ()))

    def sources(self) -> set[str]:
        return {source for source, _, _ in self.evidence}

    def referenced(self) -> set[str]:
        """IRIs this node points to that need labels."""
        out = {s for s, _, _ in self.evidence} | {k for k, _, _ in self.disagreements.values() if k}
        for prop, values in self.props.items():
            if prop not in (str(LG.date), str(LG.asOf), str(LG.description)):
                out |= values
        return out


async def _nodes(store: GraphStore, iris: Iterable[str]) -> dict[str, _Node]:
    """Properties, evidence and disagreements of many claims in three queries."""
    wanted = set(iris)
    nodes = {iri: _Node(iri) for iri in wanted}
    if not wanted:
        return nodes
    props, evidence, disagreements = await asyncio.gather(
        _rows(store, _PROPS, claims=wanted), _rows(store, _EVIDENCE, claims=wanted),
        _rows(store, _DISAGREEMENTS, claims=wanted))
    _add_props(nodes, props)
    _add_evidence(nodes, evidence)
    _add_disagreements(nodes, disagreements)
    return nodes


# Rows about claims not in ``nodes`` are skipped; IRIs are interned (one string per IRI).

def _add_props(nodes: dict[str, _Node], rows: list[dict[str, str]]) -> None:
    for row in rows:
        node = nodes.get(row["c"])
        if node is not None:
            value = row["o"] if row["p"] == str(LG.description) else intern(row["o"])
            node.props.setdefault(row["p"], set()).add(value)


def _add_evidence(nodes: dict[str, _Node], rows: list[dict[str, str]]) -> None:
    for row in rows:
        node = nodes.get(row["c"])
        if node is not None:
            node.evidence.add((intern(row["source"]), row["quote"], row.get("locator", "")))


def _add_disagreements(nodes: dict[str, _Node], rows: list[dict[str, str]]) -> None:
    for row in rows:
        node = nodes.get(row["c"])
        if node is not None:
            entry = node.disagreements.setdefault(row["d"], (row.get("kind", ""), row.get("note", ""), set()))
            entry[2].add(intern(row["other"]))


class _Names:
    """Labels and coarse categories of things, to turn IRIs into :class:`Ref` values."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        best: dict[str, tuple[int, str]] = {}
        self.kinds: dict[str, set[str]] = {}
        for row in rows:
            if row["p"] == str(RDF.type):
                self.kinds.setdefault(row["s"], set()).add(row["o"])
            else:
                ranked = (_label_rank(row["p"], row.get("lang", "")), row["o"])
                if row["s"] not in best or ranked < best[row["s"]]:
                    best[row["s"]] = ranked
        self.labels = {iri: label for iri, (_rank, label) in best.items()}
        """Each thing's best label: by :func:`_label_rank`, then the first in sort order."""

    def ref(self, iri: str) -> Ref:
        """The IRI with its best label, or its last segment when it has none."""
        return Ref(iri, self.labels.get(iri) or _tail(iri))

    def is_a(self, iri: str, cls: object) -> bool:
        return str(cls) in self.kinds.get(iri, set())

    def rank(self, iri: str) -> int:
        """Treaties, then acts, then subdivisions, then bodies: what a policy event is most about."""
        return min((_ABOUT_RANK.get(k, 9) for k in self.kinds.get(iri, ())), default=9)

    def evidence(self, node: _Node) -> list[Evidence]:
        return [Evidence(self.ref(s), q, loc or None) for s, q, loc in sorted(node.evidence)]

    def disagreements(self, node: _Node) -> list[Disagreement]:
        return [Disagreement(iri, self.ref(kind) if kind else None, note or None, sorted(between))
                for iri, (kind, note, between) in sorted(node.disagreements.items())]


async def _nothing() -> list[dict[str, str]]:
    return []


def _label_rank(prop: str, lang: str) -> int:
    """Prefer skos:prefLabel to rdfs:label, and English to other languages."""
    return (0 if prop.endswith("prefLabel") else 3) + (0 if lang == "en" else 1 if not lang else 2)


def _tail(iri: str) -> str:
    """The last segment of an IRI, the label of last resort."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


async def _names(store: GraphStore, iris: Iterable[str], sorted_out: Iterable[str] | None = None) -> _Names:
    """Labels of every IRI a result shows, and the categories of those in ``sorted_out``
    (default: all of them), in three queries at once (the store answers them faster apart
    than as one UNION)."""
    wanted = {i for i in iris if i.startswith(("http://", "https://"))}
    if not wanted:
        return _Names([])
    typed = wanted if sorted_out is None else {i for i in sorted_out if i.startswith(("http://", "https://"))}
    labels, types, tree = await asyncio.gather(
        _rows(store, _LABELS, things=wanted), _rows(store, _TYPES, things=typed) if typed else _nothing(),
        hierarchy(store))
    return _Names(labels + _kinds(types, tree))


def _kinds(types: list[dict[str, str]], tree: Hierarchy) -> list[dict[str, str]]:
    """(thing, rdf:type, category) rows from the things' types and each category's subclasses."""
    within: dict[str, set[str]] = {}
    for category in _CATEGORIES:
        for cls in at_or_below(tree, category):
            within.setdefault(cls, set()).add(category)
    return [{"s": row["s"], "p": str(RDF.type), "o": o} for row in types for o in within.get(row["t"], ())]


async def _source_dates(store: GraphStore) -> dict[str, Period]:
    """The documents' own dates, which bound what they say without a date."""
    return {row["s"]: parse_date(row["date"]) for row in await _rows(store, _SOURCE_DATES) if _DATE.match(row["date"])}


# --- resolving what the user names ------------------------------------------------------

def _norm(text: str) -> str:
    """Case- and accent-insensitive form, so "KAZAKHSTAN" and "Kazakhstán" both match."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _keys(iri: str, label: str | None) -> set[str]:
    """Every form a user may type for a thing: its IRI, its id, its last segment, its label."""
    keys = {_norm(iri), _norm(_tail(iri))}
    if iri.startswith(str(ID)):
        keys.add(_norm(iri[len(str(ID)):]))
    return keys | ({_norm(label)} if label else set())


def _match(text: str | None, rows: list[dict[str, str]], what: str, example: str) -> str:
    """The one IRI whose IRI, id or label matches ``text``."""
    wanted = _norm(text or "")
    if not wanted:
        raise InvalidParameter(f"{what}: required; give a name ({example}), an id or a full IRI")
    hits = sorted({row["s"] for row in rows if wanted in _keys(row["s"], row.get("label"))})
    if not hits:
        raise NotFound(f"no {what} in the graph matches {text!r}; give a name ({example}), an id or a full IRI")
    if len(hits) > 1:
        raise InvalidParameter(f"{what}: {text!r} is ambiguous; it matches {', '.join(hits)}")
    return hits[0]


async def _resolve(store: GraphStore, text: str | None, exact: str, every: str, what: str, example: str,
                   **slots: Iterable[str]) -> Ref:
    """The thing ``text`` names: first as an IRI or id, asked of the store directly (cheap
    at any size); failing that by every form of every candidate's name (``every``); ``slots``
    fill the two queries' other ``$name`` slots."""
    direct = _direct_iris(text or "")
    hits = [row["s"] for row in await _rows(store, exact, things=direct, **slots)] if direct else []
    iri = hits[0] if len(hits) == 1 else _match(text, await _rows(store, every, **slots), what, example)
    return (await _names(store, [iri])).ref(iri)


def _direct_iris(text: str) -> set[str]:
    """The IRIs ``text`` may be written as: itself, when it is an IRI, or an id under ours."""
    text = text.strip().removeprefix("<").removesuffix(">")
    iri = text if text.startswith(("http://", "https://")) else str(ID) + text.lstrip("/")
    return {iri} if text and writable_iri(iri) else set()


async def resolve_party(store: GraphStore, text: str | None) -> Ref:
    """A state or organisation from a full IRI, an id like ``party/kazakhstan`` or a name."""
    organizations = at_or_below(await hierarchy(store), _ORGANIZATION)
    return await _resolve(store, text, _IS_PARTY, _PARTIES, "party", "Kazakhstan, party/kazakhstan",
                          organizations=organizations)


async def resolve_treaty(store: GraphStore, text: str | None) -> Ref:
    """A treaty from a full IRI, an id like ``treaty/wct``, a name or a short name (WCT)."""
    return await _resolve(store, text, _IS_TREATY, _TREATIES, "treaty", "WCT, Berne Convention, treaty/wct")


# --- timelines ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Events:
    """What a party's timeline is made from: its events' nodes and the names they need."""

    nodes: dict[str, _Node]
    names: _Names


async def _events_from_store(store: GraphStore, party: str) -> _Events:
    """A party's events, asked of the store: the event list, then their nodes, then names."""
    events = at_or_below(await hierarchy(store), str(LG.Event))
    iris = [row["event"] for row in await _rows(store, _TIMELINE_EVENTS, party=party, events=events)]
    nodes = await _nodes(store, iris)
    # Categories only rank what a policy event concerns (see _about).
    names = await _names(store, {i for n in nodes.values() for i in n.referenced()} | set(iris),
                         sorted_out={i for n in nodes.values() for i in n.all(LG.concerns)})
    return _Events(nodes, names)


async def timeline(store: GraphStore, party: str, treaty: str | None = None,
                   date_from: str | None = None, date_to: str | None = None,
                   index: TimelineIndex | None = None) -> Timeline:
    """Every dated event for ``party`` in date order, optionally for one treaty and a date range.

    With ``index`` (built from the same store), the events come from memory rather than from
    four rounds of queries; the answer is the same (tested)."""
    start, end = _window(date_from, date_to)
    who = await resolve_party(store, party)
    which = await resolve_treaty(store, treaty) if treaty else None
    found = index.events(who.iri) if index is not None else await _events_from_store(store, who.iri)
    nodes, names = found.nodes, found.names
    placed: list[tuple[_Node, Period]] = []
    undated: list[_Node] = []
    for node in nodes.values():
        period = _period(node)
        if which is not None and which.iri not in _subjects(node):
            continue
        if period:
            placed.append((node, period))
        else:
            undated.append(node)
    events = sorted((_event(n, p, names, who) for n, p in placed if _overlaps(p, start, end)), key=_order)
    left_out = sorted((Ref(n.iri, _label(n, names, who)) for n in undated), key=lambda r: (r.label.casefold(), r.iri))
    return Timeline(who, which, date_from, date_to, events, left_out)


def _window(date_from: str | None, date_to: str | None) -> tuple[date, date]:
    """The range a timeline is cut to: from the first day of ``from`` to the last day of ``to``."""
    start = parse_date(date_from, "from").earliest if date_from else date.min
    end = parse_date(date_to, "to").latest if date_to else date.max
    if start > end:
        raise InvalidParameter(f"from ({date_from}) is after to ({date_to})")
    return start, end


def _period(node: _Node) -> Period | None:
    """The event's stated date; None when it has none (or one that is not a date)."""
    text = node.one(LG.date)
    return parse_date(text) if text and _DATE.match(text) else None


def _overlaps(period: Period, start: date, end: date) -> bool:
    """Whether a date can fall in the range: "2004" is in a range of October 2004."""
    return period.earliest <= end and period.latest >= start


def _subjects(node: _Node) -> set[str]:
    """What a treaty filter is matched against: the treaty or act an event is about, and what it concerns."""
    return set(node.all(LG.treaty)) | set(node.all(LG.act)) | set(node.all(LG.concerns))


def _event(node: _Node, period: Period, names: _Names, party: Ref) -> Event:
    """A dated event node as the timeline shows it, with labels, evidence and disagreements."""
    kind = node.one(LG.eventKind)
    about = _about(node, names, party)
    concerns = sorted((names.ref(i) for i in node.all(LG.concerns) if i != party.iri), key=lambda r: r.label.casefold())
    agent = node.one(LG.agent)
    return Event(node.iri, _label(node, names, party), names.ref(_class_of(node)), names.ref(kind) if kind else None,
                 period.text, period.precision, about, concerns, names.ref(agent) if agent else None,
                 node.one(LG.description), names.evidence(node), names.disagreements(node))


def _label(node: _Node, names: _Names, party: Ref) -> str:
    """A short name for an event: its kind and what it is about ("ratification: WIPO Copyright Treaty")."""
    kind, about = node.one(LG.eventKind), _about(node, names, party)
    label = ": ".join(x for x in ((names.ref(kind).label if kind else ""), (about.label if about else "")) if x)
    return label or _tail(node.iri)


def _class_of(node: _Node) -> str:
    """The most specific of our event and claim classes the node has (data types nodes once)."""
    types = node.props.get(str(RDF.type), set())
    return next((str(c) for c in _EVENT_CLASSES if str(c) in types), sorted(types)[0] if types else str(LG.Claim))


def _about(node: _Node, names: _Names, party: Ref) -> Ref | None:
    """The treaty, act or body an event is about; a policy event is about the party when it concerns
    the party (its other concerns are listed apart), else about its main concern."""
    main = node.one(LG.treaty) or node.one(LG.act) or node.one(LG.organization)
    if main:
        return names.ref(main)
    others = node.all(LG.concerns)
    if party.iri in others or not others:
        return party if party.iri in others else None
    return names.ref(min(others, key=lambda i: (names.rank(i), names.ref(i).label)))


def _order(event: Event) -> tuple[date, int, str, str]:
    """Earliest day the date can mean, then finer before coarser, then label."""
    return parse_date(event.date).earliest, _RANK[event.precision], event.label.casefold(), event.iri


def timeline_rows(result: Timeline) -> list[dict[str, str]]:
    """The timeline flattened to one row per event, for CSV and text tables."""
    return [{
        "date": e.date, "precision": e.precision, "event": e.iri, "class": e.cls.label,
        "kind": e.kind.iri if e.kind else "", "kind_label": e.kind.label if e.kind else "",
        "about": e.about.iri if e.about else "", "about_label": e.about.label if e.about else "",
        "sources": " | ".join(dict.fromkeys(ev.source.label for ev in e.evidence)),
        "quotes": " | ".join(ev.quote for ev in e.evidence),
        "disagreements": " | ".join(f"{d.kind.label if d.kind else 'disagreement'}: {d.note or d.iri}" for d in e.disagreements),
    } for e in result.events]


def timeline_csv(result: Timeline) -> str:
    """The timeline as CSV with a header row."""
    out = io.StringIO()
    rows = timeline_rows(result)
    columns = list(rows[0]) if rows else ["date", "precision", "event", "class", "kind", "kind_label", "about",
                                          "about_label", "sources", "quotes", "disagreements"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def timeline_graph(store: GraphStore, result: Timeline, fmt: Format) -> bytes:
    """The timeline's events with their core properties, evidence, labels and disagreements, as RDF."""
    query = sparql_prologue() + Template(_CONSTRUCT).substitute(events=" ".join(f"<{e.iri}>" for e in result.events))
    answer = await store.query(QueryRequest(query, fmt, timeout_s=_TIMEOUT_S, max_results=1_000_000))
    return answer.body


# --- what was in force on a day ----------------------------------------------------------

async def in_force(store: GraphStore, party: str, day: str | date) -> InForce:
    """The treaties, acts and articles binding ``party`` on ``day``, each with its status and why."""
    when = day if isinstance(day, date) else parse_day(day)
    who = await resolve_party(store, party)
    sources = await _source_dates(store)
    treaties = await _treaty_items(store, who, when, sources)
    acts = await _act_items(store, who, when, sources)
    articles = await _article_items(store, acts)
    return InForce(who, when.isoformat(), treaties, acts, articles)


@dataclass(frozen=True)
class _Decision:
    """A status, why, and the claims that decided it."""

    status: Status
    reason: str
    claims: list[Claim]


def _claim(node: _Node, names: _Names, sources: dict[str, Period], day: date) -> Claim:
    """A claim judged against the day, by its stated date, its as-of date or its document's date."""
    is_status = str(LG.TreatyStatus) in node.props.get(str(RDF.type), set())
    stated, as_of = node.one(LG.date), node.one(LG.asOf)
    dated = sorted((sources[s] for s in node.sources() if s in sources), key=lambda p: p.latest)
    if stated and _DATE.match(stated):
        period, basis, bound = parse_date(stated), "stated", False
    elif as_of and _DATE.match(as_of):
        period, basis, bound = parse_date(as_of), "as of", False
    elif dated:
        period, basis, bound = dated[0], ("source date" if is_status else "on or before source date"), not is_status
    else:
        period, basis, bound = None, "none", False
    kind = node.one(LG.eventKind) or node.one(LG.treatyStatus)
    return Claim(node.iri, names.ref(_class_of(node)), names.ref(kind) if kind else None,
                 period.text if period else None, period.precision if period else None, basis,
                 _verdict(period, day, bound), names.evidence(node), period)


def _of(claims: list[Claim], kinds: set[str], verdicts: set[str]) -> list[Claim]:
    """The claims of some kinds whose dates lie as given against the day."""
    return [c for c in claims if c.kind and c.kind.iri in kinds and c.verdict in verdicts]


def _shown(claim: Claim) -> str:
    """A claim's date for a reason, saying when it is only its document's date."""
    if claim.basis == "source date":
        return f"{claim.date} (the source's date)"
    if claim.basis == "on or before source date":
        return f"(undated; source dated {claim.date})"
    return claim.date or "undated"


def _dates(claims: list[Claim]) -> str:
    return ", ".join(sorted({_shown(c) for c in claims}))


def _by_entry_into_force(eif: list[Claim], against: list[Claim], day: date) -> _Decision | None:
    """Entry-into-force claims decide; a straddling date yields to precise claims that agree."""
    before = [c for c in eif if c.verdict == "before"]
    after = [c for c in eif if c.verdict == "after"]
    if before and after:
        return _Decision("unknown", f"the sources disagree on the entry into force ({_dates(before + after)})", before + after)
    if after:
        return None
    if not before:
        return _Decision("unknown", f"the stated date of entry into force ({_dates(eif)}) straddles this day", eif)
    if any(c.basis != "stated" for c in before):
        return _Decision("unknown", f"an entry into force is recorded without a date: {_dates(before)}", before)
    contrary = _contrary(before, against, day)
    if contrary:
        return _Decision("unknown", f"the sources disagree: a source says it was not bound as of {_dates(contrary)}",
                         before + contrary)
    return _Decision("in force", f"entered into force on {_dates(before)}", before)


def _contrary(eif: list[Claim], against: list[Claim], day: date) -> list[Claim]:
    """Status claims that it was not bound at a time after the entry into force and not after the day."""
    start = max(c._period.latest for c in eif if c._period)
    return [c for c in against if c._period and c._period.latest >= start and c._period.earliest <= day]


def _decide_treaty(claims: list[Claim], day: date) -> _Decision | None:
    """A treaty's status from its claims, strongest evidence first; None when nothing says it binds."""
    ended = _of(claims, _DENOUNCE, {"before", "straddles"})
    if ended:
        return _Decision("unknown", f"a denunciation is recorded ({_dates(ended)})", ended)
    eif = _of(claims, {_EIF_TREATY}, {"before", "straddles", "after"})
    if eif:
        return _by_entry_into_force(eif, _of(claims, _STATUS_AGAINST, {"before", "straddles", "after"}), day)
    joined = _of(claims, _JOIN, {"before"})
    if joined:
        what = "; ".join(f"{c.kind.label} {_shown(c)}" for c in joined if c.kind)
        return _Decision("unknown", f"joined before this day ({what}), no entry into force recorded", joined)
    maybe = _of(claims, _JOIN, {"straddles"})
    if maybe:
        return _Decision("unknown", f"the stated date of joining ({_dates(maybe)}) straddles this day; "
                         "no entry into force recorded", maybe)
    party = _of(claims, {_STATUS_PARTY}, {"before", "straddles"})
    if party:
        return _Decision("unknown", f"a source says it is a party as of {_dates(party)}; no entry into force recorded", party)
    return None


async def _treaty_items(store: GraphStore, party: Ref, day: date, sources: dict[str, Period]) -> list[InForceItem]:
    """Every treaty the party's actions or statuses name, kept when something says it may bind."""
    rows = await _rows(store, _TREATY_CLAIMS, party=party.iri)
    by_treaty: dict[str, list[str]] = {}
    for row in rows:
        by_treaty.setdefault(row["treaty"], []).append(row["claim"])
    nodes = await _nodes(store, (r["claim"] for r in rows))
    names = await _names(store, {i for n in nodes.values() for i in n.referenced()} | set(by_treaty))
    items = []
    for treaty, iris in by_treaty.items():
        claims = sorted((_claim(nodes[i], names, sources, day) for i in set(iris)), key=_claim_order)
        decision = _decide_treaty(claims, day)
        if decision:
            items.append(_item(names.ref(treaty), decision, claims, [nodes[i] for i in iris], names))
    return sorted(items, key=lambda i: i.subject.label.casefold())


def _claim_order(claim: Claim) -> tuple[date, str]:
    """Claims in date order, undated ones last."""
    return (claim._period.earliest if claim._period else date.max), claim.iri


def _item(subject: Ref, decision: _Decision, claims: list[Claim], nodes: list[_Node], names: _Names,
          evidence: list[Evidence] | None = None) -> InForceItem:
    """An in-force item: the deciding claims' evidence, and the disagreements of all its claims."""
    if evidence is None:
        evidence = list(dict.fromkeys(e for c in decision.claims for e in c.evidence))
    disagreements = {d.iri: d for n in nodes for d in names.disagreements(n)}
    return InForceItem(subject, decision.status, decision.reason, [c.iri for c in decision.claims], claims,
                       evidence, [disagreements[k] for k in sorted(disagreements)])


def _decide_act(claims: list[Claim], day: date, proposed: bool) -> _Decision | None:
    """An act's status from its events: in force only by a stated entry into force."""
    ended = _of(claims, _REPEAL, {"before", "straddles"})
    if ended:
        return _Decision("unknown", f"a repeal is recorded ({_dates(ended)})", ended)
    eif = _of(claims, {_EIF_ACT}, {"before", "straddles", "after"})
    if eif:
        return _by_entry_into_force(eif, [], day)
    made = _of(claims, _MADE, {"before", "straddles"})
    if made:
        what = "; ".join(f"{c.kind.label} {_shown(c)} ({c.verdict} this day)" for c in made if c.kind)
        return _Decision("unknown", f"{what}; no entry into force recorded", made)
    seen = [c for c in claims if c.verdict in ("before", "straddles")]
    if proposed and seen:
        return _Decision("unknown", "no adoption recorded (a draft or proposed act)", seen)
    return None


def _cited(node: _Node, names: _Names, sources: dict[str, Period], day: date) -> _Decision | None:
    """An act whose making no claim records, that a document dated on or before the day cites as law."""
    dated = sorted((sources[s].latest, s) for s in node.sources() if s in sources and sources[s].earliest <= day)
    if not dated:
        return None
    source = dated[0][1]
    period = sources[source]
    return _Decision("unknown", f"no adoption or entry into force recorded; cited by {names.ref(source).label} "
                     f"({period.text})", [])


def _is_proposed(act: str, claims: list[Claim], names: _Names) -> bool:
    """A draft, or an act whose every claim is a proposal (recommended, expected, not adopted)."""
    return names.is_a(act, LG.DraftLaw) or bool(claims) and all(c.kind and c.kind.iri in _PROPOSAL for c in claims)


async def _act_items(store: GraphStore, party: Ref, day: date, sources: dict[str, Period]) -> list[InForceItem]:
    """Every act under the party's jurisdiction, kept when something says it may be in force."""
    rows = await _rows(store, _ACTS, party=party.iri, acts=at_or_below(await hierarchy(store), str(LG.LegalAct)))
    by_act: dict[str, set[str]] = {}
    for row in rows:
        by_act.setdefault(row["act"], set()).update([row["claim"]] if "claim" in row else [])
    claim_nodes, act_nodes = await asyncio.gather(
        _nodes(store, {c for cs in by_act.values() for c in cs}), _nodes(store, by_act))
    names = await _names(store, {i for n in [*claim_nodes.values(), *act_nodes.values()] for i in n.referenced()}
                         | set(by_act))
    items = []
    for act, iris in by_act.items():
        claims = sorted((_claim(claim_nodes[i], names, sources, day) for i in iris), key=_claim_order)
        proposed = _is_proposed(act, claims, names)
        decision = _decide_act(claims, day, proposed)
        if decision is None and not proposed:
            decision = _cited(act_nodes[act], names, sources, day)
        if decision:
            own = None if decision.claims else names.evidence(act_nodes[act])
            items.append(_item(names.ref(act), decision, claims, [claim_nodes[i] for i in iris], names, own))
    return sorted(items, key=lambda i: i.subject.label.casefold())


async def _parts(store: GraphStore, acts: Iterable[str]) -> list[dict[str, str]]:
    """(part, act) rows for every part of each act at any depth, one level per query: a
    ``+`` path from several acts at once is refused, or answered with no rows, by Virtuoso
    7.2, and a level at a time is as quick anywhere (acts are a few levels deep)."""
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    frontier: dict[str, set[str]] = {act: {act} for act in acts}
    while frontier:
        below: dict[str, set[str]] = {}
        for row in await _rows(store, _PART_OF, wholes=frontier):
            for act in frontier[row["whole"]]:
                if (row["part"], act) not in seen:
                    seen.add((row["part"], act))
                    rows.append({"part": row["part"], "act": act})
                    below.setdefault(row["part"], set()).add(act)
        frontier = below
    return rows


async def _article_items(store: GraphStore, acts: list[InForceItem]) -> list[InForceItem]:
    """Articles, parts and paragraphs inherit the status of the act they belong to."""
    by_iri = {a.subject.iri: a for a in acts}
    rows = await _parts(store, by_iri)
    nodes = await _nodes(store, {r["part"] for r in rows})
    names = await _names(store, {r["part"] for r in rows} | {i for n in nodes.values() for i in n.referenced()})
    items = []
    for row in rows:
        act = by_iri[row["act"]]
        decided = [c for c in act.claims if c.iri in act.decided_by]
        items.append(InForceItem(names.ref(row["part"]), act.status, f"as its act, {act.subject.label}: {act.reason}",
                                 act.decided_by, decided, names.evidence(nodes[row["part"]]), act.disagreements,
                                 act.subject))
    return sorted(items, key=lambda i: (i.part_of.label.casefold() if i.part_of else "", i.subject.iri))


# --- the timeline index --------------------------------------------------------------------

_ACT_EVENTS = """SELECT DISTINCT ?party ?event WHERE {
  ?event a lg:LegalActEvent ; lg:act/eli:is_part_of* ?act . ?act eli:jurisdiction ?party }"""
_CONCERN_EVENTS = "SELECT DISTINCT ?party ?event ?c WHERE { ?event lg:concerns ?party ; a ?c }"
"""Two of the three branches of ``_TIMELINE_EVENTS`` for every party, read apart (under one
DISTINCT their UNION takes the store four times as long), the second with each event's types
to keep the event classes here (named in VALUES, the store would read every typing first). The
third, treaty actions, is joined here from the members of lg:TreatyAction and the lg:party links."""
_MEMBERS = "SELECT ?c WHERE { ?c a $cls }"
_ALL_OF = "SELECT ?c ?o WHERE { ?c $p ?o }"
"""Plain reads of one class or one property for every subject: the store answers each in a
fraction of the time it takes over a join or a filter (see ``read_view_rows`` in traverse.py)."""
_DECISIVE = tuple(str(c) for c in _EVENT_CLASSES[:6])
"""The event classes that decide :func:`_class_of` whatever else an event is: read for every
event; lg:Event, lg:Claim and the other event classes (two hundred thousand typings at a
million triples) only when some event has none of these."""
_NODE_PROPS = tuple(str(p) for p in (LG.eventKind, LG.treaty, LG.act, LG.organization, LG.concerns, LG.agent,
                                     LG.date, LG.description))
"""What a timeline shows of an event: ``_PROPS`` less the types (read above) and the party,
status and as-of date, which only in-force answers use (they ask the store)."""
_UNLABELLED = {str(LG.date), str(LG.description)}
_EVIDENCE_PROPS = {name: str(LG[name]) for name in ("evidence", "source", "quote", "locator")}
"""``_EVIDENCE`` as four plain reads joined here (a second against five at a million triples)."""
_ALL_DISAGREEMENTS = """SELECT ?c ?d ?kind ?note ?other WHERE { ?d a lg:Disagreement ; lg:between ?c , ?other .
  OPTIONAL { ?d lg:disagreementKind ?kind } OPTIONAL { ?d skos:note ?note } }"""
_LABEL_PROPS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
"""The label properties ``_LABELS`` reads, read here one at a time for every subject."""
_CONCERNED_TYPES = "SELECT DISTINCT ?s ?t WHERE { ?e lg:concerns ?s . ?s a ?t }"
_INDEX_CONCURRENCY = 3

_Pair = tuple[str, tuple[str, ...]]
_Packed = tuple[tuple[_Pair, ...], tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str, tuple[str, ...]], ...]]
"""An event as the index keeps it, in a third of a :class:`_Node`'s memory (which
:meth:`TimelineIndex.events` makes for one party's events at a time): its properties as
(property, sorted values) pairs, one pair shared by all the events that have it; its (source,
quote, locator) evidence, sorted; its disagreements as (IRI, kind, note, the claims linked)."""


@dataclass(frozen=True)
class TimelineIndex:
    """Every party's events with their nodes and names, read from the store in a few bulk
    queries, so that a timeline is put together in memory. The service keeps one per store
    (a :class:`~lexgraph.snapshot.Snapshot`, rebuilt whole when the store changes)."""

    by_party: dict[str, tuple[str, ...]]
    nodes: dict[str, _Packed]
    names: _Names
    """The labels of what the events point to, and the categories of what they concern."""

    def events(self, party: str) -> _Events:
        return _Events({iri: _unpacked(iri, self.nodes[iri]) for iri in self.by_party.get(party, ())}, self.names)


def _unpacked(iri: str, packed: _Packed) -> _Node:
    props, evidence, disagreements = packed
    return _Node(iri, {p: set(values) for p, values in props}, set(evidence),
                 {d: (kind, note, set(between)) for d, kind, note, between in disagreements})


def _iri(cell: str) -> str | None:
    """The IRI in a TSV cell; None for a blank node, a literal or nothing."""
    return intern(cell_term(cell)[0]) if cell.startswith("<") else None


async def _after(read: Awaitable[T], ready: Awaitable[object], fold: Callable[[T], None]) -> None:
    """Fold an answer in once what it depends on is known."""
    answer = await read
    await ready
    fold(answer)


class _IndexBuild:
    """One build of the index. Every read goes to the gate at once, those that find the
    parties' events first; each answer is folded in as soon as what it depends on is known,
    keeping only what concerns those events, and dropped; the events are packed at the end.
    Rows are picked by their first TSV cell: an event is known by its cell, ``<iri>``."""

    def __init__(self, reader: Queryable, tree: Hierarchy) -> None:
        self.reader = reader
        self.tree = tree
        self.tasks: list[asyncio.Future[Any]] = []
        self.by_party: dict[str, set[str]] = {}
        self.cells: set[str] = set()
        """The events, as TSV cells."""
        self.iris: dict[str, str] = {}
        """An event's cell → its IRI."""
        self.members: dict[str, set[str]] = {}
        """Event class → the events in it, as cells (the decisive classes; the others when needed)."""
        self.values: dict[str, dict[str, tuple[str, ...]]] = {prop: {} for prop in _NODE_PROPS}
        self.evidence_of: dict[str, tuple[str, ...]] = {}
        """An evidence node (its cell, blank node or IRI) → the events it backs."""
        self.parts: dict[str, dict[str, tuple[str, ...]]] = {name: {} for name in ("source", "quote", "locator")}
        self.disagreements: dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]] = {}

    def start(self, work: Awaitable[T]) -> asyncio.Future[T]:
        """Work started now; reads reach the gate in the order they are started."""
        task = asyncio.ensure_future(work)
        self.tasks.append(task)
        return task

    def lines(self, template: str, **slots: Iterable[str] | str) -> asyncio.Future[list[str]]:
        return self.start(select_lines(self.reader, _filled(template, **slots), timeout_s=_TIMEOUT_S))

    async def run(self) -> TimelineIndex:
        try:
            return await self._run()
        finally:
            for task in self.tasks:
                task.cancel()

    async def _run(self) -> TimelineIndex:
        events = at_or_below(self.tree, str(LG.Event))
        decisive = [self.lines(_MEMBERS, cls=cls) for cls in _DECISIVE]
        parties, acts, concerns = self.lines(_ALL_OF, p=str(LG.party)), self.lines(_ACT_EVENTS), self.lines(_CONCERN_EVENTS)
        known = self.start(self.fold_events(decisive, parties, acts, concerns, events))
        linked = self.start(_after(self.lines(_ALL_OF, p=_EVIDENCE_PROPS["evidence"]), known, self.fold_evidence))
        folds = [self.start(_after(self.lines(_ALL_OF, p=prop), known, partial(self.fold_values, prop)))
                 for prop in _NODE_PROPS]
        folds += [self.start(_after(self.lines(_ALL_OF, p=_EVIDENCE_PROPS[name]), linked, partial(self.fold_part, name)))
                  for name in self.parts]
        folds.append(self.start(_after(self.start(_rows(self.reader, _ALL_DISAGREEMENTS)), known,
                                       self.fold_disagreements)))
        concerned = self.start(select_iris(self.reader, _filled(_CONCERNED_TYPES), timeout_s=_TIMEOUT_S))
        labels = [self.lines(_ALL_OF, p=prop) for prop in _LABEL_PROPS]
        others = (events | {str(c) for c in _EVENT_CLASSES}) - set(_DECISIVE)
        folds.append(self.start(self.read_other_classes(known, others)))
        await asyncio.gather(known, linked, *folds)
        nodes = self.packed()
        names = self.names(nodes, await concerned, dict(zip(_LABEL_PROPS, await asyncio.gather(*labels))))
        return TimelineIndex({party: tuple(sorted(found)) for party, found in self.by_party.items()}, nodes, names)

    async def fold_events(self, decisive: list[asyncio.Future[list[str]]], parties: Awaitable[list[str]],
                          acts: Awaitable[list[str]], concerns: Awaitable[list[str]], events: frozenset[str]) -> None:
        """Each party's events as ``_TIMELINE_EVENTS`` finds them (IRIs only, as ``select_iris`` reads them)."""
        actions = set(await decisive[0])
        pairs = [(party, event) for event, _, party in (line.partition("\t") for line in await parties) if event in actions]
        pairs += [(party, event) for party, event in (line.split("\t") for line in await acts)]
        pairs += [(party, event) for party, event, cls in (line.split("\t") for line in await concerns)
                  if cls.startswith("<") and cell_term(cls)[0] in events]
        for party, event in pairs:
            who, what = _iri(party), _iri(event)
            if who and what:
                self.by_party.setdefault(who, set()).add(what)
                self.cells.add(event)
                self.iris[event] = what
        for cls, read in zip(_DECISIVE, decisive):
            self.members[cls] = self.cells.intersection(await read)

    async def read_other_classes(self, known: Awaitable[None], classes: set[str]) -> None:
        """The other event classes' members, when some event is in none of the decisive classes."""
        await known
        if not self.cells.difference(*(self.members[cls] for cls in _DECISIVE)):
            return
        ordered = sorted(classes)
        for cls, lines in zip(ordered, await asyncio.gather(*(self.lines(_MEMBERS, cls=cls) for cls in ordered))):
            self.members[cls] = self.cells.intersection(lines)

    def fold_values(self, prop: str, lines: list[str]) -> None:
        into, cells = self.values[prop], self.cells
        literal = prop == str(LG.description)
        for subject, _, cell in (line.partition("\t") for line in lines):
            if subject in cells and cell:
                value = cell_term(cell)[0]
                into[subject] = into.get(subject, ()) + (value if literal else intern(value),)

    def fold_evidence(self, lines: list[str]) -> None:
        cells = self.cells
        for subject, _, node in (line.partition("\t") for line in lines):
            if subject in cells and node:
                self.evidence_of[node] = self.evidence_of.get(node, ()) + (subject,)

    def fold_part(self, name: str, lines: list[str]) -> None:
        into, nodes = self.parts[name], self.evidence_of
        for node, _, cell in (line.partition("\t") for line in lines):
            if node in nodes and cell:
                value = cell_term(cell)[0]
                into[node] = into.get(node, ()) + (intern(value) if name == "source" else value,)

    def fold_disagreements(self, rows: list[dict[str, str]]) -> None:
        nodes = {row["c"]: _Node(row["c"]) for row in rows if f"<{row['c']}>" in self.cells}
        _add_disagreements(nodes, rows)
        self.disagreements = {iri: tuple((d, kind, note, tuple(sorted(between)))
                                         for d, (kind, note, between) in sorted(node.disagreements.items()))
                              for iri, node in nodes.items()}

    def classes(self) -> dict[str, str]:
        """Each event's type that :func:`_class_of` picks among those read: the first of
        ``_EVENT_CLASSES`` it has, else the least (each assignment overrules the ones before)."""
        ranked = [str(c) for c in reversed(_EVENT_CLASSES)]
        order = sorted((cls for cls in self.members if cls not in ranked), reverse=True) + ranked
        return {cell: cls for cls in order for cell in self.members.get(cls, ())}

    def evidence(self) -> dict[str, set[tuple[str, str, str]]]:
        """Each event's (source, quote, locator), as ``_EVIDENCE`` joins them: every source with
        every quote, with each locator or none."""
        out: dict[str, set[tuple[str, str, str]]] = {}
        sources, quotes, locators = (self.parts[name] for name in ("source", "quote", "locator"))
        for node, events in self.evidence_of.items():
            found = set(product(sources.get(node, ()), quotes.get(node, ()), locators.get(node, ("",))))
            for event in events:
                out.setdefault(event, set()).update(found)
        return out

    def packed(self) -> dict[str, _Packed]:
        """Every event's node, packed (see ``_Packed``)."""
        shared: dict[_Pair, _Pair] = {}
        props: dict[str, list[_Pair]] = {cell: [] for cell in self.cells}
        for cell, cls in self.classes().items():
            props[cell].append(shared.setdefault((str(RDF.type), (cls,)), (str(RDF.type), (cls,))))
        for prop, values in self.values.items():
            for cell, found in values.items():
                pair = (prop, found if len(found) == 1 else tuple(sorted(set(found))))
                props[cell].append(shared.setdefault(pair, pair))
        evidence = self.evidence()
        return {(iri := self.iris[cell]): (tuple(pairs), tuple(sorted(evidence.get(cell, ()))),
                                           self.disagreements.get(iri, ()))
                for cell, pairs in props.items()}

    def names(self, nodes: dict[str, _Packed], concerned: list[tuple[str, ...]], labels: dict[str, list[str]]) -> _Names:
        """The labels of what the events point to (as :meth:`_Node.referenced` has it, IRIs
        only, as :func:`_names` asks), and the categories of what they concern."""
        wanted = {value for props, _, _ in nodes.values() for prop, values in props if prop not in _UNLABELLED
                  for value in values}
        wanted |= {source for _, evidence, _ in nodes.values() for source, _, _ in evidence}
        wanted |= {kind for _, _, disagreements in nodes.values() for _, kind, _, _ in disagreements if kind}
        cells = {f"<{iri}>" for iri in wanted if iri.startswith(("http://", "https://"))}
        rows = [{"s": subject[1:-1], "p": prop, "o": label, "lang": lang} for prop, lines in labels.items()
                for subject, _, cell in (line.partition("\t") for line in lines) if subject in cells and cell
                for label, lang in [cell_term(cell)]]
        return _Names(rows + _kinds([{"s": s, "t": t} for s, t in concerned], self.tree))


async def build_timeline_index(store: GraphStore) -> TimelineIndex:
    """Read every timeline event of every party, as :func:`_events_from_store` reads one party's,
    in plain reads of one class or property each (TSV: a third less for the store to write than
    JSON, and a row kept or dropped by its first cell), at most ``_INDEX_CONCURRENCY`` at a time."""
    reader = Gated(store, _INDEX_CONCURRENCY)
    with collector_paused():
        return await _IndexBuild(reader, await hierarchy(reader)).run()


# --- JSON --------------------------------------------------------------------------------

def as_json(result: Timeline | InForce) -> dict[str, Any]:
    """Plain JSON data for the API and the CLI (``class``, ``from``, ``to`` as keys; internals dropped)."""
    return _plain(result)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies (a third of a big timeline's time): the
    results are frozen and hold only strings, numbers, lists and other results."""
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value):
        names = _FIELDS[type(value)] = [(f.name, _KEYS.get(f.name, f.name)) for f in fields(value)
                                        if not f.name.startswith("_")]
    if names is not None:
        return {key: _plain(getattr(value, name)) for name, key in names}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_FIELDS: dict[type, list[tuple[str, str]]] = {}
