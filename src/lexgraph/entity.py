"""What the entity and ontology pages show, read from any store with plain SELECT queries.

* :func:`describe` gathers one entity: its types and facts (outgoing triples, blank nodes
  such as evidence and penalties followed two levels down), its own evidence, the claims
  about it (claims that point at it, each with its facts and its sources' verbatim quotes),
  the other things that link to it, and the disagreements it or those claims take part in.
  ``Entity.triples`` are the outgoing triples with their blank nodes, for Turtle and JSON-LD.
* :class:`Catalog` holds the ontology's classes and properties and the vocabularies'
  concepts, with how often the data uses each, read once.

No HTTP here; labels come from :class:`lexgraph.search.LabelIndex`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pyoxigraph as ox

from .prefixes import ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS, sparql_prologue, writable_iri
from .search import VOCAB_IRI, LabelIndex, page_path, short_name
from .store.base import GraphStore
from .store.select import select

RDF, RDFS, OWL, SKOS, LG = (PREFIX_IRIS[p] for p in ("rdf", "rdfs", "owl", "skos", "lg"))
LGV = PREFIX_IRIS["lgv"]
RDF_TYPE = RDF + "type"
EVIDENCE, SOURCE, QUOTE, LOCATOR = LG + "evidence", LG + "source", LG + "quote", LG + "locator"
_XSD_STRING = PREFIX_IRIS["xsd"] + "string"
MAX_INCOMING = 300
"""The most incoming links a description lists (a source document is cited hundreds of times)."""


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
    """``subject`` links to the entity with ``predicate`` (through a blank node: ``through``)."""

    subject: Ref
    predicate: Ref
    through: Ref | None = None


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
    incoming: tuple[Link, ...]
    incoming_truncated: bool
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


def _closure(subject: str) -> str:
    """Graph pattern binding ?s ?p ?o to the triples of ``subject`` (a variable or an IRI) and
    of blank nodes up to two levels below it."""
    return f"""{{ {subject} ?p ?o . BIND({subject} AS ?s) }}
  UNION {{ {subject} ?p1 ?s . FILTER(isBlank(?s)) ?s ?p ?o }}
  UNION {{ {subject} ?p1 ?b . FILTER(isBlank(?b)) ?b ?p2 ?s . FILTER(isBlank(?s)) ?s ?p ?o }}
  {_TERM_COLUMNS}"""


class _Triples:
    """Rows (s, p, o, k, lang, dt) of one answer as pyoxigraph triples; blank node labels are
    scoped to one answer, so each answer gets its own instance."""

    def __init__(self) -> None:
        self._blanks: dict[str, ox.BlankNode] = {}

    def blank(self, label: str) -> ox.BlankNode:
        if label not in self._blanks:
            self._blanks[label] = ox.BlankNode()
        return self._blanks[label]

    def triple(self, row: dict[str, str], subject_is_iri: bool) -> ox.Triple:
        subject = ox.NamedNode(row["s"]) if subject_is_iri else self.blank(row["s"])
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
    """The facts of ``subject`` (blank objects expanded) and, apart, its evidence."""
    facts: list[Fact] = []
    evidence: list[Evidence] = []
    for t in triples:
        if t.subject != subject:
            continue
        o = t.object
        if t.predicate.value == EVIDENCE and isinstance(o, ox.BlankNode):
            evidence.append(_evidence(index, triples, o))
            continue
        if isinstance(o, ox.NamedNode):
            value = Value(ref(index, o.value).label, ref=ref(index, o.value))
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


def _evidence(index: LabelIndex, triples: list[ox.Triple], node: ox.BlankNode) -> Evidence:
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
    own_q = f"SELECT ?s ?p ?o ?k ?lang ?dt WHERE {{\n  {_closure(node)}\n}}"
    incoming_q = f"""SELECT DISTINCT ?s ?p ?b ?via WHERE {{
  {{ ?s ?p {node} . FILTER(isIRI(?s)) }}
  UNION {{ ?b ?p {node} . FILTER(isBlank(?b)) ?s ?via ?b . FILTER(isIRI(?s)) }}
}} ORDER BY ?s ?p LIMIT {MAX_INCOMING + 1}"""
    claims_q = f"""SELECT DISTINCT ?c ?s ?p ?o ?k ?lang ?dt WHERE {{
  {{ SELECT DISTINCT ?c WHERE {{ ?c ?via {node} . FILTER(isIRI(?c)) ?c a/rdfs:subClassOf* lg:Claim }} }}
  {_closure("?c")}
}}"""
    disagreements_q = f"""SELECT DISTINCT ?d ?kind ?note ?member WHERE {{
  {{ ?d lg:between {node} }} UNION {{ ?x ?via {node} . ?x a/rdfs:subClassOf* lg:Claim . ?d lg:between ?x }}
  ?d a lg:Disagreement ; lg:between ?member .
  OPTIONAL {{ ?d lg:disagreementKind ?kind }} OPTIONAL {{ ?d skos:note ?note }}
}}"""
    own, incoming, claim_rows, disagreement_rows = await asyncio.gather(
        *(select(store, prologue + q) for q in (own_q, incoming_q, claims_q, disagreements_q)))
    if not own and not incoming:
        return None

    reader = _Triples()
    triples = [reader.triple(row, row["s"] == iri) for row in own]
    subject = ox.NamedNode(iri)
    facts, evidence = _facts(index, triples, subject)
    types = tuple(sorted({ref(index, t.object.value) for t in triples
                          if t.subject == subject and t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)},
                         key=lambda r: r.label))

    claims = _claims(index, iri, claim_rows, incoming)
    claim_iris = {c.ref.iri for c in claims}
    links = tuple(
        Link(ref(index, row["s"]), predicate_ref(index, row["via"] if "b" in row else row["p"]),
             predicate_ref(index, row["p"]) if "b" in row else None)
        for row in incoming[:MAX_INCOMING] if row["s"] not in claim_iris)
    return Entity(ref(index, iri), iri[len(ID_IRI):], types, tuple(facts), tuple(evidence), claims,
                  links, len(incoming) > MAX_INCOMING, _disagreements(index, disagreement_rows), triples)


def _claims(index: LabelIndex, iri: str, rows: list[dict[str, str]], incoming: list[dict[str, str]]) -> tuple[Claim, ...]:
    by_claim: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_claim.setdefault(row["c"], []).append(row)
    out = []
    for claim_iri, claim_rows in by_claim.items():
        reader = _Triples()
        triples = [reader.triple(r, r["s"] == claim_iri) for r in claim_rows]
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
  ?t ?p ?o . FILTER(isIRI(?t))
  FILTER(STRSTARTS(STR(?t), "{LG}") || STRSTARTS(STR(?t), "{LGV}") || ?t = <{VOCAB_IRI}>)
  FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, skos:definition, rdfs:subClassOf, rdfs:subPropertyOf,
                rdfs:domain, rdfs:range, skos:inScheme))
}}"""
# One query for every usage count: instances by direct type and with subclasses, triples by
# predicate, and data triples that point at a concept.
_USAGE_Q = f"""SELECT ?term ?how (COUNT(*) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?s ?term ("direct" AS ?how) WHERE {{ ?s a ?term . FILTER(STRSTARTS(STR(?term), "{LG}")) }} }}
  UNION {{ SELECT DISTINCT ?s ?term ("inferred" AS ?how) WHERE {{
      ?s a ?c . ?c rdfs:subClassOf* ?term . FILTER(STRSTARTS(STR(?term), "{LG}")) }} }}
  UNION {{ ?s ?term ?o . FILTER(STRSTARTS(STR(?term), "{LG}")) BIND("triples" AS ?how) }}
  UNION {{ ?s ?p ?term . FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{LGV}")
                               && (isBlank(?s) || STRSTARTS(STR(?s), "{ID_IRI}")))
          BIND("triples" AS ?how) }}
}} GROUP BY ?term ?how"""


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
    rows, usage = await asyncio.gather(select(store, prologue + _TERMS_Q), select(store, prologue + _USAGE_Q))
    counts: dict[tuple[str, str], int] = {(r["term"], r["how"]): int(r["n"]) for r in usage}
    values: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        values.setdefault(row["t"], {}).setdefault(row["p"], []).append(row["o"])
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
