"""The size of the graph: triples, entities by class, facts by source, disagreements.

"Facts" are claims (instances of lg:Claim and its subclasses); a fact without a quote is a
claim with no evidence that carries both a source and a quote, and must not exist.
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


def _int(value: str | None) -> int:
    return int(value) if value is not None else 0


def graph_stats(store: ox.Store) -> GraphStats:
    """Count what the store holds (the data graph, read with the ontology for class hierarchy)."""
    totals = next(select_rows(store, _TOTALS))
    return GraphStats(
        triples=len(store),
        data_triples=len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)))),
        entities_by_class={r["class"] or "": _int(r["n"]) for r in select_rows(store, _ENTITIES_BY_CLASS)},
        facts=_int(totals["facts"]),
        facts_by_source={r["source"] or "": _int(r["n"]) for r in select_rows(store, _FACTS_BY_SOURCE)},
        disagreements=_int(next(select_rows(store, _DISAGREEMENTS))["n"]),
        facts_without_quote=_int(totals["unquoted_facts"]),
    )
