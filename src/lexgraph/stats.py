"""The size of the graph: triples, entities by class, facts by source, disagreements, and how
far the data keeps the model's promises.

"Facts" are claims (instances of lg:Claim and its subclasses); a fact without a quote is a
claim with no evidence that carries both a source and a quote, and must not exist.

"Structured values" are the values that must trace to the quote that states them (README,
"Evidence per value"): each triple of a property in :data:`STATED_PROPERTIES` (its node has an
evidence node with ``lg:states`` that property), and each penalty, time limit and threshold
(a value node of its own, with its own ``lg:evidence``). Blank nodes in the data must not
exist either. Facts stated only in prose are marked ``lg:proseOnlyReason`` on the node whose
note states them, one reason per fact, saying why no property fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .oxistore import DATA_GRAPH, select_rows

_PROLOGUE = """PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX lg:   <https://w3id.org/lexgraph/def/>
"""

_ENTITIES_BY_CLASS = _PROLOGUE + f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH <{DATA_GRAPH}> {{ ?s rdf:type ?class }}
}} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_CLAIMS = """
  ?class rdfs:subClassOf* lg:Claim .
  GRAPH <%s> { ?claim rdf:type ?class }
""" % DATA_GRAPH

_FACTS_BY_SOURCE = _PROLOGUE + f"""
SELECT ?source (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  {_CLAIMS}
  ?claim lg:evidence/lg:source ?source .
}} GROUP BY ?source ORDER BY ?source
"""

_TOTALS = _PROLOGUE + f"""
SELECT
  (COUNT(DISTINCT ?claim) AS ?facts)
  (COUNT(DISTINCT ?unquoted) AS ?unquoted_facts)
WHERE {{
  {_CLAIMS}
  OPTIONAL {{
    FILTER NOT EXISTS {{ ?claim lg:evidence ?e . ?e lg:source [] ; lg:quote ?q . FILTER (STRLEN(?q) > 0) }}
    BIND (?claim AS ?unquoted)
  }}
}}
"""

STATED_PROPERTIES = tuple(f"https://w3id.org/lexgraph/def/{p}" for p in (
    "date", "deadline", "from", "until", "asOf", "notBefore", "value", "name", "parent", "function",
    "administeredBy")) + ("http://purl.org/dc/terms/title",)
"""Properties whose values name their quote with lg:states; the targets of
lgsh:ValueEvidenceShape (a test keeps the two lists equal)."""

_VALUE_NODES = "<https://w3id.org/lexgraph/def/penalty> <https://w3id.org/lexgraph/def/timeLimit> <https://w3id.org/lexgraph/def/threshold>"

_STRUCTURED_VALUES = _PROLOGUE + f"""
SELECT ?node ?p ?own WHERE {{
  {{
    VALUES ?p {{ {" ".join(f"<{p}>" for p in STATED_PROPERTIES)} }}
    GRAPH <{DATA_GRAPH}> {{ ?node ?p ?value }}
    BIND (EXISTS {{ ?node lg:evidence ?e . ?e lg:states ?p ; lg:quote [] }} AS ?own)
  }} UNION {{
    {{ SELECT DISTINCT ?node ?p WHERE {{ VALUES ?p {{ {_VALUE_NODES} }} GRAPH <{DATA_GRAPH}> {{ ?owner ?p ?node }} }} }}
    BIND (EXISTS {{ ?node lg:evidence/lg:quote [] }} AS ?own)
  }}
}}
"""
"""One row per structured value (a value node once, however many owners cite it)."""

_BLANK_NODES = f"""
SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{
  GRAPH <{DATA_GRAPH}> {{ {{ ?b ?p ?o }} UNION {{ ?s ?p ?b }} }} FILTER (isBlank(?b))
}}
"""

_PROSE_ONLY = _PROLOGUE + f"""
SELECT ?node ?reason WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?node lg:proseOnlyReason ?reason }} }} ORDER BY ?node ?reason
"""

_DISAGREEMENTS = _PROLOGUE + f"""
SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?d rdf:type lg:Disagreement }} }}
"""


@dataclass(frozen=True)
class GraphStats:
    """What ``lexgraph stats`` reports."""

    triples: int
    data_triples: int
    entities_by_class: dict[str, int]
    facts: int
    facts_by_source: dict[str, int]
    disagreements: int
    facts_without_quote: int
    structured_values: int
    values_with_own_evidence: int
    values_without_own_evidence: list[tuple[str, str]]
    """(node, property) of each structured value whose quote is not named; should be empty."""
    blank_nodes: int
    prose_only: list[tuple[str, str]]
    """(node, reason) for each fact stated only in prose, with why no property fits."""

    @property
    def own_evidence_share(self) -> float:
        """The share of structured values with their own evidence, in percent (100 when there are none)."""
        return 100.0 * self.values_with_own_evidence / self.structured_values if self.structured_values else 100.0


def _int(value: str | None) -> int:
    return int(value) if value is not None else 0


def graph_stats(store: ox.Store) -> GraphStats:
    """Count what the store holds (the data graph, read with the ontology for class hierarchy)."""
    totals = next(select_rows(store, _TOTALS))
    values = [(r["node"] or "", r["p"] or "", r["own"] == "true") for r in select_rows(store, _STRUCTURED_VALUES)]
    return GraphStats(
        triples=len(store),
        data_triples=len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)))),
        entities_by_class={r["class"] or "": _int(r["n"]) for r in select_rows(store, _ENTITIES_BY_CLASS)},
        facts=_int(totals["facts"]),
        facts_by_source={r["source"] or "": _int(r["n"]) for r in select_rows(store, _FACTS_BY_SOURCE)},
        disagreements=_int(next(select_rows(store, _DISAGREEMENTS))["n"]),
        facts_without_quote=_int(totals["unquoted_facts"]),
        structured_values=len(values),
        values_with_own_evidence=sum(own for _, _, own in values),
        values_without_own_evidence=sorted((node, p) for node, p, own in values if not own),
        blank_nodes=_int(next(select_rows(store, _BLANK_NODES))["n"]),
        prose_only=[(r["node"] or "", r["reason"] or "") for r in select_rows(store, _PROSE_ONLY)],
    )
