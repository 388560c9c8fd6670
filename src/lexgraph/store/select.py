"""Ask any store a SELECT query and get plain rows back, for code that needs values
(the service description, timelines, traversal) rather than a serialised answer."""

from __future__ import annotations

import json

from ..media import negotiate
from .base import GraphStore, QueryRequest

_JSON = negotiate("solutions", None, "json")


async def select(store: GraphStore, query: str, *, timeout_s: float = 120.0,
                 max_results: int = 10_000_000) -> list[dict[str, str]]:
    """Rows of a SELECT as variable → lexical value (IRIs as strings); unbound variables are absent."""
    answer = await store.query(QueryRequest(query, _JSON, timeout_s=timeout_s, max_results=max_results))
    body = json.loads(answer.body)
    return [{name: term["value"] for name, term in binding.items()} for binding in body["results"]["bindings"]]


async def graph_names(store: GraphStore) -> list[str]:
    """The named graphs of a store, asked with plain SPARQL."""
    rows = await select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", timeout_s=30.0)
    return [row["g"] for row in rows]
