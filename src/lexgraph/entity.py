"""What the entity and ontology pages show, read from any store with plain SELECT queries.

* :func:`describe` gathers one entity: its types and facts (outgoing triples, and the nodes
  that belong to it followed two levels down: blank nodes, and IRIs under its own such as
  ``<…/treaty-action/x/evidence/1>`` or ``<…/penalty/2>``), its own evidence, the claims
  about it (claims that point at it, each with its facts and its sources' verbatim quotes),
  everything that links to it grouped by property (a treaty's actions with their dates, an
  act's articles, a body's claims: at most :data:`MAX_PER_PROPERTY` listed per property, all
  counted), and the disagreements it or those claims take part in. ``Entity.triples`` are the
  outgoing triples with the nodes that belong to it, for Turtle and JSON-LD. All of it as asserted: the
  triples only the entailed view holds (superclasses, superproperties, derived labels) are left
  out, so a page shows what the data says once.
* :class:`Catalog` holds the ontology's classes and properties and the vocabularies'
  concepts, with how often the data uses each, read once.

No HTTP here; labels come from :class:`lexgraph.search.LabelIndex`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox

from .prefixes import ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS, sparql_prologue, writable_iri
from .search import VOCAB_IRI, LabelIndex, page_path, short_name
from .store.base import GraphStore
from .store.entailed import ENTAILED_GRAPH
from .store.hierarchy import Hierarchy, at_or_below, hierarchy
from .store.select import select

RDF, RDFS, OWL, SKOS, LG = (PREFIX_IRIS[p] for p in ("rdf", "rdfs", "owl", "skos", "lg"))
LGV = PREFIX_IRIS["lgv"]
RDF_TYPE = RDF + "type"
EVIDENCE, SOURCE, QUOTE, LOCATOR = LG + "evidence", LG + "source", LG + "quote", LG + "locator"
_XSD_STRING = PREFIX_IRIS["xsd"] + "string"
MAX_PER_PROPERTY = 40
"""The most incoming links a description lists for one property (a source document is cited
hundreds of times); the rest are counted."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Ref:
    """An IRI as pages show it: its label (or id / prefixed name) and this service's page for it."""

    iri: str
    label: str
    page: str | None


@dataclass(frozen=True)
class Value:
    """The object of a fact: a thing (``ref``), a literal (``text`` with ``lang`` or
    ``datatype``), or a blank node whose own facts are ``facts``."""

    text: str
    ref: Ref | None = None
    lang: str | None = None
    datatype: str | None = None
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Fact:
    predicate: Ref
    value: Value


@dataclass(frozen=True)
class Evidence:
    source: Ref | None
    quote: str | None
    locator: str | None


@dataclass(frozen=True)
class Claim:
    """A claim that points at the entity (``via`` is the predicate that does)."""

    ref: Ref
    via: tuple[Ref, ...]
    types: tuple[Ref, ...]
    facts: tuple[Fact, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Link:
    """``subject`` links to the entity; ``kinds`` are its most specific classes, ``date`` its
    earliest ``lg:date`` or ``lg:asOf`` as written, ``concept`` what kind of event, status,
    penalty or indicator it is and ``about`` the treaty, act or body it is about besides the
    entity (for claims, which seldom have a label of their own)."""

    subject: Ref
    kinds: tuple[Ref, ...] = ()
    date: str | None = None
    concept: Ref | None = None
    about: Ref | None = None


@dataclass(frozen=True)
class LinkGroup:
    """The things that link to the entity with ``predicate`` (through a blank node that they
    reach with ``through``): ``total`` of them, the first :data:`MAX_PER_PROPERTY` in ``links``,
    dated ones first in date order."""

    predicate: Ref
    through: Ref | None
    total: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Disagreement:
    ref: Ref
    kind: Ref | None
    note: str | None
    between: tuple[Ref, ...]


@dataclass
class Entity:
    ref: Ref
    id: str
    types: tuple[Ref, ...]
    facts: tuple[Fact, ...]
    evidence: tuple[Evidence, ...]
    claims: tuple[Claim, ...]
    incoming: tuple[LinkGroup, ...]
    disagreements: tuple[Disagreement, ...]
    triples: list[ox.Triple] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def safe_iri(iri: str) -> bool:
    """Whether ``iri`` can be written into a query between ``<`` and ``>``."""
    return iri.startswith(("http://", "https://")) and writable_iri(iri)


def ref(index: LabelIndex, iri: str) -> Ref:
    return Ref(iri, index.label(iri) or short_name(iri), page_path(iri))


def predicate_ref(index: LabelIndex, iri: str) -> Ref:
    """A predicate: our ontology's label for our terms, the prefixed name for reused ones."""
    label = index.label(iri) if iri.startswith(LG) else None
    return Ref(iri, label or short_name(iri), page_path(iri))


_TERM_COLUMNS = """BIND(IF(isIRI(?o), "iri", IF(isBlank(?o), "bnode", "literal")) AS ?k)
  BIND(LANG(?o) AS ?lang) BIND(DATATYPE(?o) AS ?dt)"""


_ASSERTED = "FILTER NOT EXISTS {{ GRAPH <%s> {{ {s} {p} {o} }} }}" % ENTAILED_GRAPH
"""Keeps a triple pattern's matches that some graph other than the entailed one holds (the
entailed graph holds only triples asserted nowhere else)."""


def _asserted(s: str, p: str, o: str) -> str:
    return _ASSERTED.format(s=s, p=p, o=o)


def _belongs(node: str, owner: str) -> str:
    """SPARQL condition: ``node`` belongs to ``owner`` (both variables or IRIs): a blank node,
    or an IRI under the owner's own, as ``<…/claim/evidence/1>`` is under ``<…/claim>``."""
    return f'(isBlank({node}) || STRSTARTS(STR({node}), CONCAT(STR({owner}), "/")))'


def _closure(subject: str) -> str:
    """Graph pattern binding ?s ?p ?o to the asserted triples of ``subject`` (a variable or an
    IRI) and of the nodes that belong to it, up to two levels below it; ?sk says whether ?s is
    an IRI or a blank node."""
    return f"""{{ {subject} ?p ?o . BIND({subject} AS ?s) }}
  UNION {{ {subject} ?p1 ?s . FILTER({_belongs("?s", subject)}) ?s ?p ?o }}
  UNION {{ {subject} ?p1 ?b . FILTER({_belongs("?b", subject)}) ?b ?p2 ?s . FILTER({_belongs("?s", "?b")}) ?s ?p ?o }}
  {_asserted("?s", "?p", "?o")}
  BIND(IF(isBlank(?s), "bnode", "iri") AS ?sk)
  {_TERM_COLUMNS}"""


def _links_direct(node: str, p: str) -> str:
    """Graph pattern binding ?s to the things that link to ``node`` with ``p`` themselves
    (asserted links only). A node that belongs to another (its evidence, say) is left out: its
    owner is found by :func:`_links_through`."""
    # OPTIONAL with !BOUND, not FILTER NOT EXISTS: Virtuoso 7.2 takes minutes over the latter
    # once the query names its dataset (as lexgraph's do there); the answers are the same.
    return f"""?s {p} {node} . FILTER(isIRI(?s)) {_asserted("?s", p, node)}
  OPTIONAL {{ ?owner ?any ?s . FILTER(isIRI(?owner) && ?owner != ?s && {_belongs("?s", "?owner")}) }}
  FILTER(!BOUND(?owner))"""


def _links_through(node: str, p: str, via: str) -> str:
    """Graph pattern binding ?s to the things that link to ``node`` through a node of theirs
    (``?s via ?b . ?b p node``), asserted links only."""
    return f"""?b {p} {node} . {_asserted("?b", p, node)} ?s {via} ?b .
  FILTER(isIRI(?s) && ?s != ?b && {_belongs("?b", "?s")}) {_asserted("?s", via, "?b")}"""


class _Triples:
    """Rows (s, p, o, k, lang, dt) of one answer as pyoxigraph triples; blank node labels are
    scoped to one answer, so each answer gets its own instance."""

    def __init__(self) -> None:
        self._blanks: dict[str, ox.BlankNode] = {}

    def blank(self, label: str) -> ox.BlankNode:
        if label not in self._blanks:
            self._blanks[label] = ox.BlankNode()
        return self._blanks[label]

    def triple(self, row: dict[str, str]) -> ox.Triple:
        subject = ox.NamedNode(row["s"]) if row["sk"] == "iri" else self.blank(row["s"])
        kind = row["k"]
        obj: ox.NamedNode | ox.BlankNode | ox.Literal
        if kind == "iri":
            obj = ox.NamedNode(row["o"])
        elif kind == "bnode":
            obj = self.blank(row["o"])
        elif row.get("lang"):
            obj = ox.Literal(row["o"], language=row["lang"])
        else:
            obj = ox.Literal(row["o"], datatype=ox.NamedNode(row.get("dt") or _XSD_STRING))
        return ox.Triple(subject, ox.NamedNode(row["p"]), obj)


def _order(fact: Fact) -> tuple[int, str, str]:
    first = (RDF_TYPE, SKOS + "prefLabel", RDFS + "label", LG + "shortName", SKOS + "altLabel")
    p = fact.predicate.iri
    return (first.index(p) if p in first else len(first), fact.predicate.label.casefold(), fact.value.text)


def _facts(index: LabelIndex, triples: list[ox.Triple], subject: ox.NamedNode | ox.BlankNode,
           depth: int = 0) -> tuple[list[Fact], list[Evidence]]:
    """The facts of ``subject`` (the nodes that belong to it expanded) and, apart, its evidence."""
    facts: list[Fact] = []
    evidence: list[Evidence] = []
    described = {t.subject for t in triples}
    for t in triples:
        if t.subject != subject:
            continue
        o = t.object
        if t.predicate.value == EVIDENCE and o in described:
            evidence.append(_evidence(index, triples, o))  # type: ignore[arg-type]
            continue
        if isinstance(o, ox.NamedNode):
            nested = _facts(index, triples, o, depth + 1)[0] if o in described and depth < 2 else []
            value = Value(ref(index, o.value).label, ref=ref(index, o.value), facts=tuple(nested))
        elif isinstance(o, ox.BlankNode):
            nested = _facts(index, triples, o, depth + 1)[0] if depth < 2 else []
            value = Value("", facts=tuple(nested))
        else:
            dt = o.datatype.value if o.datatype and not o.language else None
            value = Value(o.value, lang=o.language or None,
                          datatype=short_name(dt) if dt and dt != _XSD_STRING else None)
        facts.append(Fact(predicate_ref(index, t.predicate.value), value))
    evidence.sort(key=lambda e: ((e.source.label if e.source else ""), e.locator or "", e.quote or ""))
    return sorted(facts, key=_order), evidence


def _evidence(index: LabelIndex, triples: list[ox.Triple], node: ox.NamedNode | ox.BlankNode) -> Evidence:
    values: dict[str, str] = {}
    for t in triples:
        if t.subject == node:
            values.setdefault(t.predicate.value, t.object.value)
    source = values.get(SOURCE)
    return Evidence(ref(index, source) if source else None, values.get(QUOTE), values.get(LOCATOR))


# --------------------------------------------------------------------------- entities


async def describe(store: GraphStore, index: LabelIndex, iri: str) -> Entity | None:
    """Everything the entity page shows about ``iri``; None when the graph does not hold it."""
    if not iri.startswith(ID_IRI) or not safe_iri(iri):
        return None
    prologue = sparql_prologue()
    node = f"<{iri}>"
    # The classes of claims named, not reached by a subClassOf* path: see lexgraph.store.hierarchy.
    claim_classes = " ".join(f"<{c}>" for c in sorted(at_or_below(await hierarchy(store), PREFIX_IRIS["lg"] + "Claim")))
    own_q = f"SELECT ?s ?sk ?p ?o ?k ?lang ?dt WHERE {{\n  {_closure(node)}\n}}"
    incoming_q = f"""SELECT ?p ?via (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  {{ {_links_direct(node, "?p")} }} UNION {{ {_links_through(node, "?p", "?via")} }}
}} GROUP BY ?p ?via"""
    claims_q = f"""SELECT DISTINCT ?c ?s ?sk ?p ?o ?k ?lang ?dt WHERE {{
  {{ SELECT DISTINCT ?c WHERE {{ VALUES ?cls {{ {claim_classes} }} ?c ?via {node} . FILTER(isIRI(?c)) ?c a ?cls }} }}
  {_closure("?c")}
}}"""
    # The disagreements first (few), then their members: asked in one pattern, the store walks
    # every disagreement's members for each claim (seconds). What lg:between links is a claim.
    disagreements_q = f"""SELECT DISTINCT ?d ?kind ?note ?member WHERE {{
  {{ SELECT DISTINCT ?d WHERE {{ {{ ?d lg:between {node} }} UNION {{ ?x ?via {node} . ?d lg:between ?x }} }} }}
  ?d a lg:Disagreement ; lg:between ?member .
  OPTIONAL {{ ?d lg:disagreementKind ?kind }} OPTIONAL {{ ?d skos:note ?note }}
}}"""
    own, incoming, claim_rows, disagreement_rows = await asyncio.gather(
        *(select(store, prologue + q) for q in (own_q, incoming_q, claims_q, disagreements_q)))
    if not own and not incoming:
        return None

    reader = _Triples()
    triples = [reader.triple(row) for row in own]
    subject = ox.NamedNode(iri)
    facts, evidence = _facts(index, triples, subject)
    types = tuple(sorted({ref(index, t.object.value) for t in triples
                          if t.subject == subject and t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)},
                         key=lambda r: r.label))

    groups = await asyncio.gather(*(_link_group(store, index, node, row) for row in incoming
                                    if writable_iri(row["p"]) and writable_iri(row.get("via", row["p"]))))
    return Entity(ref(index, iri), iri[len(ID_IRI):], types, tuple(facts), tuple(evidence), _claims(index, iri, claim_rows),
                  tuple(sorted(groups, key=lambda g: (g.predicate.label.casefold(), g.through.label if g.through else ""))),
                  _disagreements(index, disagreement_rows), triples)


_CONCEPTS = "lg:eventKind|lg:treatyStatus|lg:penaltyKind|lg:indicator"
"""The properties that say what kind of event, status, penalty or observation a claim is."""
_ABOUT = "lg:treaty|lg:act|lg:organization"
"""The properties that say which treaty, act or body a claim is about."""


async def _link_group(store: GraphStore, index: LabelIndex, node: str, row: dict[str, str]) -> LinkGroup:
    """The first links of one property (``row`` from the counting query), with their dates."""
    through = row.get("via")
    pattern = _links_through(node, f"<{row['p']}>", f"<{through}>") if through else _links_direct(node, f"<{row['p']}>")
    rows = await select(store, sparql_prologue() + f"""SELECT ?s (MIN(STR(?d)) AS ?date) (MIN(?c) AS ?concept)
  (MIN(?a) AS ?about) WHERE {{
  {pattern} OPTIONAL {{ ?s lg:date|lg:asOf ?d }} OPTIONAL {{ ?s {_CONCEPTS} ?c }}
  OPTIONAL {{ ?s {_ABOUT} ?a . FILTER(?a != {node}) }}
}} GROUP BY ?s ORDER BY (COALESCE(MIN(STR(?d)), "~")) ?s LIMIT {MAX_PER_PROPERTY}""")
    # Ordered by the aggregate, not its name ?date: Virtuoso 7.2 refuses a SELECT alias in ORDER BY.
    links = [Link(ref(index, r["s"]), tuple(ref(index, t) for t in index.types.get(r["s"], ())), r.get("date"),
                  ref(index, r["concept"]) if "concept" in r else None, ref(index, r["about"]) if "about" in r else None)
             for r in rows]
    links.sort(key=lambda link: (link.date is None, link.date or "", link.subject.label.casefold()))
    if through:
        return LinkGroup(predicate_ref(index, through), predicate_ref(index, row["p"]), int(row["n"]), tuple(links))
    return LinkGroup(predicate_ref(index, row["p"]), None, int(row["n"]), tuple(links))


def _claims(index: LabelIndex, iri: str, rows: list[dict[str, str]]) -> tuple[Claim, ...]:
    by_claim: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_claim.setdefault(row["c"], []).append(row)
    out = []
    for claim_iri, claim_rows in by_claim.items():
        reader = _Triples()
        triples = [reader.triple(r) for r in claim_rows]
        subject = ox.NamedNode(claim_iri)
        facts, evidence = _facts(index, triples, subject)
        via = tuple(sorted({f.predicate for f in facts if f.value.ref and f.value.ref.iri == iri}, key=lambda r: r.label))
        shown = tuple(f for f in facts if f.predicate.iri != RDF_TYPE and not (f.value.ref and f.value.ref.iri == iri))
        types = tuple(f.value.ref for f in facts if f.predicate.iri == RDF_TYPE and f.value.ref)
        out.append(Claim(ref(index, claim_iri), via, types, shown, tuple(evidence)))
    return tuple(sorted(out, key=lambda c: (_date_of(c), c.ref.label)))


def _date_of(claim: Claim) -> str:
    return next((f.value.text for f in claim.facts if f.predicate.iri == LG + "date"), "9999")


def _disagreements(index: LabelIndex, rows: list[dict[str, str]]) -> tuple[Disagreement, ...]:
    grouped: dict[str, dict[str, object]] = {}
    for row in rows:
        entry = grouped.setdefault(row["d"], {"kind": row.get("kind"), "note": row.get("note"), "between": set()})
        entry["between"].add(row["member"])  # type: ignore[union-attr]
    return tuple(
        Disagreement(ref(index, d), ref(index, str(e["kind"])) if e["kind"] else None, e["note"],  # type: ignore[arg-type]
                     tuple(sorted((ref(index, m) for m in e["between"]), key=lambda r: r.label)))  # type: ignore[union-attr]
        for d, e in sorted(grouped.items()))


# --------------------------------------------------------------------------- the ontology and vocabularies


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology, or a concept (or scheme) of the vocabularies."""

    iri: str
    name: str
    kind: str
    """class, object property, datatype property, annotation property, concept, concept scheme"""
    label: str | None
    definition: str | None
    broader: tuple[str, ...]
    """rdfs:subClassOf / rdfs:subPropertyOf (for concepts: skos:inScheme)."""
    narrower: tuple[str, ...]
    domain: tuple[str, ...]
    range: tuple[str, ...]
    instances: int
    """Things typed with the class itself (classes)."""
    instances_with_subclasses: int
    triples: int
    """Triples with the property as predicate (properties) or the concept as object (concepts)."""

    @property
    def alignments(self) -> tuple[str, ...]:
        """The reused vocabularies' terms this one specialises."""
        ours = (LG, LGV, ONTOLOGY_IRI, VOCAB_IRI)
        return tuple(b for b in self.broader if not b.startswith(ours))


_KINDS = {OWL + "Class": "class", OWL + "ObjectProperty": "object property", OWL + "DatatypeProperty": "datatype property",
          OWL + "AnnotationProperty": "annotation property", SKOS + "Concept": "concept",
          SKOS + "ConceptScheme": "concept scheme"}

_TERMS_Q = f"""SELECT ?t ?p ?o WHERE {{
  VALUES ?kind {{ {" ".join(f"<{k}>" for k in _KINDS)} }}
  ?t a ?kind . FILTER(isIRI(?t))
  FILTER(STRSTARTS(STR(?t), "{LG}") || STRSTARTS(STR(?t), "{LGV}") || ?t = <{VOCAB_IRI}>)
  VALUES ?p {{ rdf:type rdfs:label skos:prefLabel skos:definition rdfs:subClassOf rdfs:subPropertyOf
              rdfs:domain rdfs:range skos:inScheme }}
  ?t ?p ?o .
}}"""
"""The terms and concepts (things of one of the kinds :data:`_KINDS` names, in our namespaces)
with what the catalogue shows of them: found by their typing first, so a big store's data is
never scanned for them."""


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(f'<{iri}>' for iri in sorted(iris))} }}"


def _usage_queries(terms: dict[str, dict[str, list[str]]], tree: Hierarchy) -> dict[str, str]:
    """One query per usage count, each naming the terms it counts (VALUES), so that each reads
    only their triples: things typed with a class itself (not by entailment), with the class
    or any class below it, triples by predicate, and data triples that point at a concept."""
    def of_kind(*kinds: str) -> list[str]:
        return [t for t, v in terms.items() if any(_KINDS.get(k) in kinds for k in v.get(RDF_TYPE, []))]
    classes = [t for t in of_kind("class") if t.startswith(LG)]
    properties = [t for t in of_kind("object property", "datatype property", "annotation property") if t.startswith(LG)]
    concepts = of_kind("concept", "concept scheme")
    below = " ".join(f"(<{c}> <{term}>)" for term in sorted(classes) for c in sorted(at_or_below(tree, term)))
    return {
        "direct": f"""SELECT ?term (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_values("term", classes)}
  ?s a ?term . {_asserted("?s", "a", "?term")} }} GROUP BY ?term""",
        "inferred": f"""SELECT ?term (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES (?c ?term) {{ {below} }}
  ?s a ?c }} GROUP BY ?term""",
        "triples": f"""SELECT ?term (COUNT(*) AS ?n) WHERE {{ {_values("term", properties)} ?s ?term ?o }} GROUP BY ?term""",
        "concepts": f"""SELECT ?term (COUNT(*) AS ?n) WHERE {{ {_values("term", concepts)}
  ?s ?p ?term . FILTER(isBlank(?s) || STRSTARTS(STR(?s), "{ID_IRI}")) }} GROUP BY ?term""",
    }


@dataclass
class Catalog:
    """The ontology's terms and the vocabularies' concepts, with usage counts."""

    terms: dict[str, Term]

    def ontology_terms(self) -> list[Term]:
        order = ("class", "object property", "datatype property", "annotation property")
        return sorted((t for t in self.terms.values() if t.iri.startswith(LG)),
                      key=lambda t: (order.index(t.kind) if t.kind in order else 9, t.name.casefold()))

    def concepts(self) -> list[Term]:
        return sorted((t for t in self.terms.values() if t.iri.startswith(LGV) or t.iri == VOCAB_IRI),
                      key=lambda t: (t.kind != "concept scheme", t.label or t.name))

    def members(self, scheme: str) -> list[Term]:
        return sorted((t for t in self.terms.values() if scheme in t.broader and t.kind == "concept"),
                      key=lambda t: (t.label or t.name).casefold())

    def get(self, iri: str) -> Term | None:
        return self.terms.get(iri)


async def build_catalog(store: GraphStore) -> Catalog:
    prologue = sparql_prologue()
    rows, tree = await asyncio.gather(select(store, prologue + _TERMS_Q), hierarchy(store))
    values: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        values.setdefault(row["t"], {}).setdefault(row["p"], []).append(row["o"])
    queries = _usage_queries(values, tree)
    answers = await asyncio.gather(*(select(store, prologue + q) for q in queries.values()))
    counts: dict[tuple[str, str], int] = {(r["term"], "triples" if how == "concepts" else how): int(r["n"])
                                          for how, found in zip(queries, answers) for r in found}
    narrower: dict[str, set[str]] = {}
    for iri, v in values.items():
        for parent in v.get(RDFS + "subClassOf", []) + v.get(RDFS + "subPropertyOf", []):
            narrower.setdefault(parent, set()).add(iri)
    terms = {}
    for iri, v in values.items():
        kinds = [_KINDS[t] for t in v.get(RDF_TYPE, []) if t in _KINDS]
        if not kinds:
            continue
        first = lambda p: sorted(v.get(p, []))[0] if v.get(p) else None  # noqa: E731
        name = iri[len(LG):] if iri.startswith(LG) else iri[len(LGV):] if iri.startswith(LGV) else "vocab"
        terms[iri] = Term(
            iri, name, sorted(kinds)[0], first(RDFS + "label") or first(SKOS + "prefLabel"), first(SKOS + "definition"),
            tuple(sorted(set(v.get(RDFS + "subClassOf", []) + v.get(RDFS + "subPropertyOf", []) + v.get(SKOS + "inScheme", [])))),
            tuple(sorted(narrower.get(iri, ()))), tuple(sorted(set(v.get(RDFS + "domain", [])))),
            tuple(sorted(set(v.get(RDFS + "range", [])))),
            counts.get((iri, "direct"), 0), counts.get((iri, "inferred"), 0), counts.get((iri, "triples"), 0))
    return Catalog(terms)
