"""Every named query (``queries/*.rq``) gives the same rows through lexgraph over Virtuoso 7.2
as through the embedded store.

Rows are compared as multisets (the order of tied rows is the engine's own). One difference
is allowed, and only where the query text asks for it: a column bound by ``GROUP_CONCAT`` is
compared as the sorted list of its values (split at the aggregate's separator), because the
engines differ where SPARQL 1.1 leaves them free: the order of the values (unspecified), the
language tag (Oxigraph keeps the values' common tag, Virtuoso gives a plain string) and a group
with no value to join (Oxigraph leaves the column unbound, Virtuoso binds ""). Everything else
(every other term with its datatype and language, the number of rows) must be equal.

Both servers here answer up to 100,000 rows (the shared fixtures cap answers at 500, and one
query, the facts of a document, has more), so every answer is whole.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest

from lexgraph.catalog import NamedQuery, named_queries

from .conftest import SHARED, over_virtuoso
from .servers import REPO, Server, VirtuosoServer, start_lexgraph

QUERIES = named_queries(REPO / "queries")

_GROUP_CONCAT = re.compile(
    r"\(\s*GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*(?:;\s*SEPARATOR\s*=\s*(?P<q>[\"'])(?P<sep>.*?)(?P=q)\s*)?\)"
    r"\s+AS\s+\?(?P<var>\w+)\s*\)", re.IGNORECASE)

Row = tuple[str, ...]
WHOLE = {**SHARED, "LEXGRAPH_MAX_RESULTS": "100000"}
"""The shared servers' settings, with a maximum no named query reaches."""


@pytest.fixture(scope="module")
def whole_embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_lexgraph(tmp_path_factory.mktemp("whole-embedded"), WHOLE)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def whole_virtuoso(tmp_path_factory: pytest.TempPathFactory, virtuoso_server: VirtuosoServer) -> Iterator[Server]:
    server = start_lexgraph(tmp_path_factory.mktemp("whole-over-virtuoso"), {**over_virtuoso(virtuoso_server), **WHOLE})
    yield server
    server.stop()


def concatenated(query: str) -> dict[str, str]:
    """The variables that ``query`` binds by ``GROUP_CONCAT``, each with its separator (a
    space when the query names none, as SPARQL says)."""
    return {m["var"]: m["sep"] if m["sep"] is not None else " " for m in _GROUP_CONCAT.finditer(query)}


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, separator: str | None) -> str:
    if term is None:
        return "UNBOUND" if separator is None else "[]"  # an empty concatenation, as Oxigraph gives it
    if isinstance(term, ox.BlankNode):
        return "_:b"  # its label is the engine's own
    if separator is not None and isinstance(term, ox.Literal):
        return repr(sorted(term.value.split(separator)) if term.value else [])
    return str(term)


def answer(server: Server, query: NamedQuery) -> tuple[list[str], Counter[Row]]:
    """The query's variables and rows (a multiset) as ``server`` gives them, the values of
    ``GROUP_CONCAT`` columns as sorted lists; the answer must be whole, not capped."""
    response = httpx.post(server.url + "/sparql", content=query.text.encode(), trust_env=False, timeout=120,
                          headers={"Content-Type": "application/sparql-query",
                                   "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, (query.name, response.text[:1000])
    assert response.headers["x-result-capped"] == "false", query.name
    solutions = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = [v.value for v in solutions.variables]
    separators = concatenated(query.text)
    rows = Counter(tuple(_cell(s[v], separators.get(v)) for v in variables) for s in solutions)
    return variables, rows


def test_group_concat_columns_are_read_from_the_query_text() -> None:
    assert concatenated('SELECT (GROUP_CONCAT(DISTINCT ?l; separator=" | ") AS ?all) (group_concat(?x) as ?y) {}') \
        == {"all": " | ", "y": " "}
    assert concatenated("SELECT (COUNT(?x) AS ?n) (SAMPLE(?l) AS ?all) {}") == {}
    # the shipped queries that join values: each column found, and only those
    assert any(concatenated(q.text) for q in QUERIES)


def test_sorting_a_concatenation_keeps_its_values() -> None:
    joined = ox.Literal("UNESCO | ILO | World Intellectual Property Organization")
    assert _cell(joined, " | ") == _cell(ox.Literal("ILO | UNESCO | World Intellectual Property Organization"), " | ")
    assert _cell(joined, " | ") != _cell(ox.Literal("ILO | UNESCO"), " | ")
    assert _cell(joined, None) != _cell(ox.Literal("ILO | UNESCO | World Intellectual Property Organization"), None)
    assert _cell(ox.Literal("ILO | UNESCO", language="en"), " | ") == _cell(ox.Literal("UNESCO | ILO"), " | ")
    assert _cell(None, " | ") == _cell(ox.Literal(""), " | ") != _cell(None, None)  # nothing to join


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_named_query_gives_the_same_rows_over_virtuoso(query: NamedQuery, whole_virtuoso: Server,
                                                        whole_embedded: Server) -> None:
    variables, expected = answer(whole_embedded, query)
    assert expected, f"{query.name} finds nothing on the embedded store: nothing to compare"
    found_variables, found = answer(whole_virtuoso, query)
    assert found_variables == variables
    missing, extra = expected - found, found - expected
    shown = "\n".join([f"missing over Virtuoso: {row}" for row in list(missing)[:5]]
                      + [f"extra over Virtuoso: {row}" for row in list(extra)[:5]])
    assert not missing and not extra, f"{query.name}: {sum(missing.values())} missing, {sum(extra.values())} extra\n{shown}"


_LISTED_KINDS = re.compile(r"VALUES \?actClass \{([^}]*)\}")


def test_listed_kinds_of_legal_act_are_the_ontology_s(whole_embedded: Server) -> None:
    """Queries that list lg:LegalAct and its subclasses (instead of `rdfs:subClassOf*`, which
    Virtuoso 7.2 evaluates wrongly when joined with other patterns) list all of them."""
    ontology = httpx.post(whole_embedded.url + "/sparql", trust_env=False, timeout=60, data={
        "query": "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                 "<https://w3id.org/lexgraph/def/LegalAct> }"}, headers={"Accept": "application/sparql-results+json"})
    kinds = {b["c"]["value"] for b in ontology.json()["results"]["bindings"]}
    assert len(kinds) > 1
    listing = [q for q in QUERIES if _LISTED_KINDS.search(q.text)]
    assert listing  # the queries that need it
    for query in listing:
        for found in _LISTED_KINDS.finditer(query.text):
            listed = {name.replace("lg:", "https://w3id.org/lexgraph/def/") for name in found[1].split()}
            assert listed == kinds, query.name
